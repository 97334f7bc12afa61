"""Tests of lossutils.figures.chapter02: the figures and the degree demo of chapter 2.

The figures draw what the chapter and the lab compute; here that is computed with
numpy's least squares (the lab writes its own and checks it against the same), on the
course's data: sin 3x plus noise of standard deviation 0.25, 8 training points (seed
277) and 200 held-out points (seed 1000), shuffled with a seeded generator (seed 0) and
cut into 100 validation points, which choose the degree, and 100 test points, which
report the chosen degree's error once.
"""

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from matplotlib.collections import PathCollection
from numpy.polynomial import Polynomial

import lossutils as lu
from lossutils.figures import chapter02 as figures
from lossutils.figures import live, player
from lossutils.figures.style import figure_problems

NOISE = 0.25
Y1, Y2 = [2, 0, 3], [18, 4, 6, 0, 0, 0, 7, 3]
ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "02-underfitting-and-overfitting.md"
LAB = ROOT / "notebooks" / "02-underfitting-and-overfitting.ipynb"


def true_function(t):
    return torch.sin(3 * t)


def _mse(coefficients, x, y):
    return float(np.mean((y - Polynomial(coefficients)(x)) ** 2))


@pytest.fixture(scope="module")
def course():
    """The chapter's data, every degree's fit, its training and validation errors, and
    the test error of the degree the validation errors choose, as the lab computes them."""
    x, y = lu.noisy_samples(true_function, 8, noise=NOISE, seed=277)
    x_held, y_held = lu.noisy_samples(true_function, 200, noise=NOISE, seed=1000)
    order = np.asarray(torch.randperm(200, generator=torch.Generator().manual_seed(0)))
    validation, test = order[:100], order[100:]
    x64, y64 = x.double().numpy(), y.double().numpy()
    xh64, yh64 = x_held.double().numpy(), y_held.double().numpy()
    degrees = list(range(len(x)))
    fits = [Polynomial.fit(x64, y64, d).convert().coef for d in degrees]
    val = [_mse(c, xh64[validation], yh64[validation]) for c in fits]
    chosen = int(np.argmin(val))
    new_point = (0.9, float(np.sin(2.7)))
    return SimpleNamespace(
        x=x, y=y, x_val=x_held[validation], y_val=y_held[validation],
        degrees=degrees, fits=fits, train=[_mse(c, x64, y64) for c in fits], val=val,
        chosen=chosen, test_error=_mse(fits[chosen], xh64[test], yh64[test]),
        new_point=new_point,
        misses=[(new_point[1] - Polynomial(fits[d])(new_point[0])) ** 2 for d in (1, 7, 3)],
    )


def test_the_chapter_and_the_lab_split_the_held_out_points_alike():
    """Both shuffle the 200 held-out points with the same seeded generator and take the
    first half for validation, the second for test."""
    lab = "\n".join("".join(cell["source"]) for cell in json.loads(LAB.read_text())["cells"]
                    if cell["cell_type"] == "code")
    for name, source in (("chapter", CHAPTER.read_text()), ("lab", lab)):
        assert ("torch.randperm(len(x_held), generator=torch.Generator().manual_seed(0))"
                in source), name
        assert "x_val, y_val = x_held[split[:half]], y_held[split[:half]]" in source, name
        assert "x_test, y_test = x_held[split[half:]], y_held[split[half:]]" in source, name


def test_the_lab_chooses_on_validation_and_reports_the_test_error(course):
    """What the lab prints is what choosing on the validation half and measuring the
    chosen fit once on the test half gives; the chosen degree's test error is not the
    lowest validation error it was chosen by."""
    outputs = "".join(
        "".join(output.get("text", ""))
        for cell in json.loads(LAB.read_text())["cells"] if cell["cell_type"] == "code"
        for output in cell["outputs"]
    )
    assert f"degree chosen on validation data: {course.chosen}\n" in outputs
    for degree in course.degrees:
        row = f"{degree:>6}   {lu.fmt(course.train[degree])}     {lu.fmt(course.val[degree])}"
        assert row in outputs, f"the lab's sweep does not print {row!r}"
    reported = f"degree {course.chosen}, test MSE (to report)     : {lu.fmt(course.test_error)}"
    assert reported in outputs, f"the lab does not print {reported!r}"
    assert lu.fmt(course.test_error) != lu.fmt(course.val[course.chosen])


def _stationary(coefficients):
    polynomial = Polynomial(coefficients)
    roots = polynomial.deriv().roots()
    real = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
    return [(float(r), float(polynomial(r)),
             "minimum" if polynomial.deriv(2)(r) > 0 else "maximum") for r in real]



def _line(ax, label):
    matches = [line for line in ax.lines if line.get_label() == label]
    assert len(matches) == 1, f"no single line {label!r} in {ax.get_title()!r}"
    return matches[0]


def _three_fits(course, **kwargs):
    fits = [("H1, underfit", course.fits[1]), ("H2, overfit", course.fits[7]),
            ("balanced", course.fits[3])]
    arguments = {"train_errors": [course.train[1], course.train[7], course.train[3]],
                 "new_point": course.new_point, "misses": course.misses,
                 "truth": true_function} | kwargs
    return figures.three_fits_figure(course.x, course.y, fits, **arguments)


# --------------------------------------------------------------------------------------
# The three fits
# --------------------------------------------------------------------------------------

def test_three_fits_figure_meets_the_standard_in_a_2_by_2_grid(course):
    fig = _three_fits(course)
    assert figure_problems(fig) == []
    grid = fig.axes[0].get_subplotspec().get_gridspec()
    assert (grid.nrows, grid.ncols) == (2, 2)


def test_three_fits_figure_draws_the_given_fits_and_errors(course):
    fig = _three_fits(course)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["H1, underfit: degree 1", "H2, overfit: degree 7", "balanced: degree 3",
                      "Their errors"]
    for ax, degree in zip(fig.axes[:3], (1, 7, 3), strict=True):
        line = _line(ax, "polynomial fit $f$")
        grid, drawn = line.get_data()
        np.testing.assert_allclose(drawn, Polynomial(course.fits[degree])(grid))
        stars = [c for c in ax.collections if c.get_label() == "a new point"]
        np.testing.assert_allclose(stars[0].get_offsets(), [course.new_point])
    errors = fig.axes[3]
    widths = sorted(round(p.get_width(), 12) for p in errors.patches)
    expected = [course.train[1], course.train[7], course.train[3], *course.misses]
    np.testing.assert_allclose(widths, sorted(expected), atol=1e-12)
    shown = {t.get_text() for t in errors.texts}
    assert {lu.fmt(v) for v in expected} <= shown
    # the overfit polynomial misses the new point worst, though it fits its points best
    assert course.misses[1] > 10 * max(course.misses[0], course.misses[2])
    assert course.train[7] < 1e-20


def test_three_fits_figure_without_a_new_point(course):
    fig = figures.three_fits_figure(course.x, course.y, [("line", course.fits[1])],
                                    train_errors=[course.train[1]])
    assert figure_problems(fig) == []
    assert [ax.get_title() for ax in fig.axes] == ["line: degree 1", "Their errors"]


@pytest.mark.parametrize(
    ("change", "message"),
    [({"train_errors": [0.1, 0.2]}, "one value per fit"),
     ({"misses": None}, "together"),
     ({"misses": [0.1]}, "one value per fit")],
)
def test_three_fits_figure_rejects_bad_input(course, change, message):
    with pytest.raises(ValueError, match=message):
        _three_fits(course, **change)


def test_three_fits_figure_rejects_bad_points_and_fits(course):
    with pytest.raises(ValueError, match="1 to 3"):
        figures.three_fits_figure(course.x, course.y, [("a", [1.0])] * 4,
                                  train_errors=[0.0] * 4)
    with pytest.raises(ValueError, match="same shape"):
        figures.three_fits_figure(course.x, course.y[:5], [("a", [1.0])],
                                  train_errors=[0.0])
    with pytest.raises(TypeError, match="must be numbers"):
        figures.three_fits_figure(course.x, course.y, [("a", ["one"])], train_errors=[0.0])


# --------------------------------------------------------------------------------------
# The U-curve
# --------------------------------------------------------------------------------------

def test_u_curve_figure_meets_the_standard(course):
    fig = figures.u_curve_figure(course.degrees, course.train, course.val,
                                 test_error=course.test_error, noise_variance=NOISE**2)
    assert figure_problems(fig) == []


def test_u_curve_figure_draws_the_noise_floor(course):
    fig = figures.u_curve_figure(course.degrees, course.train, course.val,
                                 test_error=course.test_error, noise_variance=NOISE**2)
    ax = fig.axes[0]
    floor = _line(ax, r"noise variance $\sigma^2$ = 0.0625")
    np.testing.assert_allclose(floor.get_ydata(), [NOISE**2, NOISE**2])
    assert tuple(floor.get_xdata()) == (0, 1)  # across the whole panel
    # what the chapter and the lab say of the figure: every error on new points is above it
    assert min(course.val) > NOISE**2 and course.test_error > NOISE**2
    without = figures.u_curve_figure(course.degrees, course.train, course.val)
    assert not [line for line in without.axes[0].lines if "sigma" in line.get_label()]


def test_u_curve_figure_marks_the_chosen_degree_and_the_zero_training_error(course):
    fig = figures.u_curve_figure(course.degrees, course.train, course.val, marked_degree=5)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    chosen = _line(ax, "chosen on validation: degree 3")
    assert tuple(chosen.get_xdata()) == (3, 3)
    np.testing.assert_allclose(_line(ax, "validation error").get_ydata(), course.val)
    train = _line(ax, "training error").get_ydata()
    assert train[-1] > 0 and train[-1] < min(course.train[:-1]) / 5  # on a floor, shown
    assert [t.get_text() for t in ax.texts] == ["≈ 0"]
    marked = _line(ax, "this degree")
    assert tuple(marked.get_xdata()) == (5, 5)
    np.testing.assert_allclose(marked.get_ydata(), [course.train[5], course.val[5]])
    assert not [line for line in ax.lines if "test" in line.get_label()]


def test_u_curve_figure_draws_the_test_error_at_the_chosen_degree_only(course):
    fig = figures.u_curve_figure(course.degrees, course.train, course.val,
                                 test_error=course.test_error)
    ax = fig.axes[0]
    star = _line(ax, "test error of degree 3, measured once")
    assert star.get_marker() == "*" and star.get_linestyle() == "None"
    assert tuple(star.get_xdata()) == (course.chosen,)
    np.testing.assert_allclose(star.get_ydata(), [course.test_error])
    low, high = ax.get_ylim()
    assert low < course.test_error < high


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [({"marked_degree": 9}, ValueError, "not one of the degrees"),
     ({"noise_variance": 0.0}, ValueError, "positive"),
     ({"train_errors": [-1.0] * 8}, ValueError, "non-negative"),
     ({"validation_errors": [1.0] * 7}, ValueError, "one value per degree"),
     ({"test_error": -0.1}, ValueError, "test_error must be non-negative"),
     ({"degrees": [0, 1, 2, 3, 4, 5, 6, 7.5]}, ValueError, "non-negative ints")],
)
def test_u_curve_figure_rejects_bad_input(course, change, error, message):
    arguments = {"degrees": course.degrees, "train_errors": course.train,
                 "validation_errors": course.val} | change
    with pytest.raises(error, match=message):
        figures.u_curve_figure(**arguments)


# --------------------------------------------------------------------------------------
# The degree demo
# --------------------------------------------------------------------------------------

def _sweep(x, y, x_val, y_val, degrees):
    """The lab's degree_sweep, as a test writes it: numpy's least squares."""
    x64, y64 = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    xv64, yv64 = np.asarray(x_val, dtype=float), np.asarray(y_val, dtype=float)
    fits = [Polynomial.fit(x64, y64, d).convert().coef for d in degrees]
    return (fits, [_mse(c, x64, y64) for c in fits], [_mse(c, xv64, yv64) for c in fits])


def _demo(course, **kwargs):
    arguments = {"degrees": course.degrees, "sweep": _sweep,
                 "truth": true_function, "noise_variance": NOISE**2} | kwargs
    return figures.degree_demo(course.x, course.y, course.x_val, course.y_val, **arguments)


def _wrong_sweep(change):
    """A sweep that returns one thing wrong."""
    def sweep(*args):
        fits, train, val = _sweep(*args)
        return {"fits": fits, "train": train, "val": val} | change
    return lambda *args: tuple(sweep(*args).values())


@pytest.fixture(scope="module")
def demo(course):
    """The demo, and the figure each of its frames was drawn from (by degree)."""
    drawn = {}
    real = live.frame_player

    def spy(draw, **options):
        def recording(**setting):
            fig = draw(**setting)
            drawn[setting["degree"]] = fig
            return fig
        return real(recording, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(live, "frame_player", spy)
        player_ = _demo(course).player
    return SimpleNamespace(player=player_, drawn=drawn)


def test_degree_demo_responds_to_its_slider(course, demo):
    demo = demo.player
    assert isinstance(demo, player.FramePlayer)
    assert player.unresponsive_controls(demo) == []
    assert list(demo.parameters) == ["degree"]
    assert demo.parameters["degree"] == tuple(course.degrees)
    assert len(demo.frames) == len(course.degrees)
    assert demo.start == (1,)  # it opens on the underfit line
    assert all(alt.endswith(f"degree = {d}") for alt, d in zip(demo.alt, course.degrees,
                                                                  strict=True))


def test_degree_demo_draws_each_degrees_fit_and_its_place_on_the_u_curve(course, demo):
    drawn = demo.drawn
    assert sorted(drawn) == course.degrees
    previous = None
    limits = set()
    for degree, fig in sorted(drawn.items()):
        left, right = fig.axes
        grid, values = _line(left, "polynomial fit $f$").get_data()
        np.testing.assert_allclose(values, Polynomial(course.fits[degree])(grid))
        if previous is not None:
            assert not np.allclose(values, previous), f"degree {degree} draws the same fit"
        previous = values
        assert tuple(_line(right, "this degree").get_xdata()) == (degree, degree)
        validation = [c for c in left.collections if c.get_label() == "validation points"]
        assert isinstance(validation[0], PathCollection)
        assert len(validation[0].get_offsets()) == len(course.x_val)
        limits.add(left.get_ylim())
        assert f"validation {lu.fmt(course.val[degree])}" in left.get_title()
        assert not [line for line in right.lines if "test" in line.get_label()]
    assert len(limits) == 1, "the frames' y axes differ: the eye would compare scales"


def test_degree_demo_frames_meet_the_standard(demo):
    for degree in (0, 3, 7):
        assert figure_problems(demo.drawn[degree]) == [], degree
        assert figure_problems(demo.drawn[degree]) == [], degree


@pytest.mark.parametrize(
    ("change", "message"),
    [({"fits": [[1.0]] * 8}, "is of degree 0"),
     ({"train": [0.1] * 7}, "one value per degree"),
     ({"fits": [[1.0]]}, "one value per degree")],
)
def test_degree_demo_rejects_a_sweep_that_returns_bad_values(course, change, message):
    with pytest.raises(ValueError, match=message):
        _demo(course, sweep=_wrong_sweep(change))


# --------------------------------------------------------------------------------------
# What complexity costs
# --------------------------------------------------------------------------------------

def test_complexity_figure_marks_the_given_stationary_points():
    points = [_stationary(Y1), _stationary(Y2)]
    fig = figures.complexity_figure([Y1, Y2], points)
    assert figure_problems(fig) == []
    assert [ax.get_title() for ax in fig.axes] == [
        "$y_1 = 3x^2 + 2$", "$y_2 = 3x^7 + 7x^6 + 6x^2 + 4x + 18$"]
    for ax, given in zip(fig.axes, points, strict=True):
        marked = np.concatenate([c.get_offsets() for c in ax.collections])
        np.testing.assert_allclose(marked, [(px, py) for px, py, _ in given])
        assert [t.get_text().split("\n")[0] for t in ax.texts] == [k for _, _, k in given]
    assert [k for _, _, k in points[1]] == ["maximum", "minimum"]
    grid, values = fig.axes[1].lines[0].get_data()
    np.testing.assert_allclose(values, Polynomial(Y2)(grid))


def test_complexity_figure_rejects_bad_input():
    with pytest.raises(ValueError, match="x_range"):
        figures.complexity_figure([Y1, Y2], [[], []], x_range=(1.0, 0.0))
    with pytest.raises(ValueError, match="two polynomials"):
        figures.complexity_figure([Y1], [[]])
    with pytest.raises(ValueError, match="kind"):
        figures.complexity_figure([Y1, Y2], [[(0.0, 2.0, "lowest")], []])


def test_module_exports_figures_only():
    assert sorted(figures.__all__) == ["complexity_figure", "degree_demo",
                                       "three_fits_figure", "u_curve_figure"]
    assert "Chapter 2" in figures.__doc__
