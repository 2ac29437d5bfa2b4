"""The book builds with Sphinx's strictest settings: any warning fails the build."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built_book(tmp_path_factory):
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    if jupyter_book is None:
        pytest.fail("jupyter-book is not installed: run `make test`, which installs requirements.txt")
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [jupyter_book, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    return result, out / "_build" / "html"


def test_book_builds_without_warnings(built_book):
    result, html = built_book
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert not re.search(r": WARNING:|^WARNING:", log, re.M), log[-5000:]
    assert (html / "index.html").is_file()


def test_every_page_of_the_toc_is_built(built_book):
    _, html = built_book
    toc = (ROOT / "_toc.yml").read_text()
    pages = [
        line.split(":", 1)[1].strip()
        for line in toc.splitlines()
        if line.strip().startswith(("root:", "- file:"))
    ]
    assert pages
    for page in pages:
        assert (html / f"{page}.html").is_file(), page
