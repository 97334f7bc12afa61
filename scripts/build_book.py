"""Build the course website in both its languages, strictly (``-n -W``).

    python scripts/build_book.py            # `make book`: English, then Chinese
    python scripts/build_book.py --only zh  # one language

English, the source, goes to ``_build/html/``; the Chinese edition, made from the
catalogs in ``locales/zh_CN/LC_MESSAGES`` (``make translations``), to
``_build/html/zh/``, so that each page's other language is one folder away and the two
sites share one address (the language switch of ``_ext/course_site.py`` links them).

Jupyter Book 1's command line cannot set Sphinx's ``language`` (jupyter-book #1791), so
the Chinese build reads a copy of ``_config.yml`` with ``language: zh_CN`` added, and
builds in ``_build/zh/`` before its pages are copied into place. The chapters' code is
the same in both languages: with ``execute_notebooks: cache`` they run once, in the
first build, and the second takes their outputs from ``_build/.jupyter_cache``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
BIN = Path(sys.executable).parent
#: Each language: its Sphinx language, and where its pages go under ``_build/html``.
LANGUAGES = {"en": ("en", ""), "zh": ("zh_CN", "zh")}


def config_for(language: str) -> Path:
    """``_config.yml``, or for another language a copy of it that sets the language."""
    if language == "en":
        return ROOT / "_config.yml"
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"]["config"]["language"] = LANGUAGES[language][0]
    # Jupyter Book finds local extensions relative to the configuration file.
    extensions = config["sphinx"]["local_extensions"]
    config["sphinx"]["local_extensions"] = {name: str(ROOT / folder)
                                            for name, folder in extensions.items()}
    path = BUILD / language / "_config.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Written by scripts/build_book.py from _config.yml: do not edit.\n"
                    + yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def build(language: str) -> float:
    """Build one language's site; the seconds it took."""
    start = time.perf_counter()
    command = [str(BIN / "jupyter-book"), "build", str(ROOT), "--builder", "html",
               "-n", "-W", "--keep-going", "--config", str(config_for(language))]
    if language != "en":
        command += ["--path-output", str(BUILD / language)]
    subprocess.run(command, check=True, cwd=ROOT)
    if language != "en":
        target = HTML / LANGUAGES[language][1]
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(BUILD / language / "_build" / "html", target)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(LANGUAGES), help="build one language")
    arguments = parser.parse_args(argv)
    languages = [arguments.only] if arguments.only else list(LANGUAGES)
    try:
        times = {language: build(language) for language in languages}
    except subprocess.CalledProcessError as error:
        print(f"the book build failed ({' '.join(error.cmd[:3])} ... exited "
              f"{error.returncode})", file=sys.stderr)
        return 1
    for language, seconds in times.items():
        print(f"{language}: built in {seconds:.0f} s into "
              f"{(HTML / LANGUAGES[language][1]).relative_to(ROOT)}")
    print(f"The course website: {HTML / 'index.html'} (Chinese: {HTML / 'zh' / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
