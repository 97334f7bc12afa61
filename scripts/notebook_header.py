"""Write, or check, the Colab badge and the Colab setup cell of every notebook.

Both are made from the one repository URL and the one lossutils release named in
``_config.yml``. Each notebook starts with a Markdown cell (its title, one line on what
the reader will do, then the badge) and a code cell that installs ``lossutils`` only
when it runs in Colab.

    python scripts/notebook_header.py          # rewrite the headers in place
    python scripts/notebook_header.py --check  # exit 1 and name the notebooks that differ
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
BADGE_MARKER = "<!-- colab-badge -->"
SETUP_TAG = "colab-setup"

# A small local copy of the usual badge, inlined, so the website loads nothing from Colab.
_BADGE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="117" height="20" role="img" '
    'aria-label="Open in Colab"><rect width="117" height="20" rx="3" fill="#555"/>'
    '<rect x="22" width="95" height="20" rx="3" fill="#f9ab00"/>'
    '<circle cx="11" cy="10" r="6" fill="none" stroke="#f9ab00" stroke-width="3"/>'
    '<text x="69" y="14" fill="#000" font-family="Verdana,sans-serif" font-size="11" '
    'text-anchor="middle">Open in Colab</text></svg>'
)
BADGE_IMAGE = "data:image/svg+xml;base64," + base64.b64encode(_BADGE_SVG.encode()).decode()


def course_settings(root: Path = ROOT) -> tuple[str, str, str]:
    """Return (repository URL, branch, lossutils release tag) from ``_config.yml``."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    repository = config["repository"]
    return repository["url"].rstrip("/"), repository["branch"], config["lossutils_release"]


def colab_url(notebook: Path, root: Path = ROOT) -> str:
    """The Colab address of ``notebook`` on the repository's branch."""
    url, branch, _ = course_settings(root)
    github_path = url.removeprefix("https://github.com/")
    relative = notebook.resolve().relative_to(root).as_posix()
    return f"https://colab.research.google.com/github/{github_path}/blob/{branch}/{relative}"


def badge_markdown(notebook: Path, root: Path = ROOT) -> str:
    return (
        f'{BADGE_MARKER}<a href="{colab_url(notebook, root)}">'
        f'<img src="{BADGE_IMAGE}" alt="Open In Colab"/></a>'
    )


def setup_source(root: Path = ROOT) -> str:
    url, _, release = course_settings(root)
    return (
        "# In Colab only: install lossutils, the course's helper package, at the release\n"
        "# this lab was written for. Colab's own torch stays as it is.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    release = "git+{url}@{release}"\n'
        '    %pip install --quiet "lossutils @ {release}"'
    )


def expected_header_problems(path: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with the header of the notebook at ``path`` (empty when all is right)."""
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    problems = []
    if len(cells) < 2 or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        return [f"{path.name}: the first cell must be a Markdown cell starting with '# title'"]
    if badge_markdown(path, root) not in cells[0].source:
        problems.append(f"{path.name}: the Colab badge is missing or points elsewhere")
    setup = cells[1]
    if setup.cell_type != "code" or setup.source != setup_source(root):
        problems.append(f"{path.name}: the second cell is not the Colab setup cell")
    elif SETUP_TAG not in setup.metadata.get("tags", []):
        problems.append(f"{path.name}: the setup cell lacks the {SETUP_TAG!r} tag")
    return problems


def write_header(path: Path, root: Path = ROOT) -> None:
    """Insert or refresh the badge and the setup cell of the notebook at ``path``."""
    notebook = nbformat.read(path, as_version=4)
    title = notebook.cells[0]
    lines = [line for line in title.source.splitlines() if BADGE_MARKER not in line]
    while lines and not lines[-1].strip():
        lines.pop()
    title.source = "\n".join([*lines, "", badge_markdown(path, root)])
    setup = nbformat.v4.new_code_cell(setup_source(root), metadata={"tags": [SETUP_TAG]})
    second = notebook.cells[1] if len(notebook.cells) > 1 else None
    if second is not None and SETUP_TAG in second.metadata.get("tags", []):
        setup.id = second.id
        setup.execution_count = second.execution_count
        notebook.cells[1] = setup
    else:
        notebook.cells.insert(1, setup)
    nbformat.write(notebook, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that differ")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.check:
        problems = [p for path in paths for p in expected_header_problems(path)]
        print("\n".join(problems) or f"{len(paths)} notebook headers agree with _config.yml")
        return 1 if problems else 0
    for path in paths:
        write_header(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
