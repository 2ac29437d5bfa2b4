"""One strict build of the book per test session, shared by test_book.py and test_browser.py.

Both files load this module as a plugin (``pytest_plugins = ["book_build"]``), so the
session-scoped ``built_book`` fixture has a single definition and the book, whose
notebooks all execute, is built once however many tests read it. The test files also
import its helpers, before pytest loads it as a plugin; it has no assert for pytest to
rewrite, hence the marker PYTEST_DONT_REWRITE.
"""

import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# `make assets` (run by `make book` and `make test`) puts MathJax, require.js and the
# widget manager here, from the npm registry; the site serves them itself.
VENDOR = ROOT / "book" / "_static" / "vendor"


class BuiltBook(NamedTuple):
    result: subprocess.CompletedProcess
    html: Path


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def toc_pages() -> list[str]:
    """Every page of _toc.yml (the root, then each file, in reading order), without suffix."""
    pages = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    pages.append(node[key])
            for value in node.values():
                if isinstance(value, list):
                    for item in value:
                        walk(item)

    walk(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    return pages


def notebook_pages() -> list[str]:
    return [page for page in toc_pages() if (ROOT / f"{page}.ipynb").is_file()]


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> BuiltBook:
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    if jupyter_book is None:
        pytest.fail("jupyter-book is not installed: run `make test`, which installs requirements.txt")
    if not (VENDOR / ".installed").is_file():
        pytest.fail(
            f"{VENDOR.relative_to(ROOT)} is missing: run `make assets` (`make test` and `make book` "
            "run it), which fetches MathJax, require.js and the widget manager from the npm registry"
        )
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [jupyter_book, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    return BuiltBook(result, out / "_build" / "html")
