"""The student edition of the HTML book: built as `make student-book` builds it, and no file
of it holds a solution, offers the solution notebooks, or launches them."""

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from gru_course import assign
from gru_course.graded_notebook import BEGIN_SOLUTION, END_SOLUTION
from gru_course.plain_markdown import directives
from test_chapters import ROOT, notebooks


@pytest.fixture(scope="module")
def student_book(tmp_path_factory):
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    if jupyter_book is None:
        pytest.fail("jupyter-book is not installed: run `make test`, which installs requirements.txt")
    work = tmp_path_factory.mktemp("student-config")
    config = ROOT / "_config_student.yml"  # next to _config.yml, as `make student-book` writes it
    toc = ROOT / "_toc_student.yml"
    assign.main(["student-config", str(config), "--book", str(ROOT)])
    # Built from the notebooks' stored outputs, which nbval checks against the code in this same
    # run, instead of executing every notebook a second time (the main book's build does that):
    # what this file tests, what the student book leaves out, does not depend on it.
    settings = yaml.safe_load(config.read_text())
    settings["execute"]["execute_notebooks"] = "off"
    config.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True))
    out = work / "out"
    try:
        command = [jupyter_book, "build", str(ROOT), "--config", str(config), "--toc", str(toc)]
        result = subprocess.run(
            [*command, "--path-output", str(out), "-W", "-n", "--keep-going"],
            capture_output=True,
            text=True,
            timeout=1200,
        )
    finally:
        config.unlink()
        toc.unlink()
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return out / "_build" / "html"


def visible_text(page):
    """The page's text as a reader sees it: tags removed, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def public_text(path):
    """Everything a chapter shows outside its solutions (printed outputs included), whitespace folded."""
    shown = []
    for cell in nbformat.read(path, as_version=4).cells:
        text = cell.source
        if cell.cell_type == "code" and BEGIN_SOLUTION in text:
            text = text.split(BEGIN_SOLUTION, 1)[0] + text.split(END_SOLUTION, 1)[1]
        for directive in reversed(directives(text) if cell.cell_type == "markdown" else []):
            if directive.name == "solution":
                text = text[: directive.start] + text[directive.end :]
        printed = "".join(out.get("text", "") for out in cell.get("outputs", []))
        shown.append(" ".join((text + " " + printed).split()))
    return " ".join(shown)


def answers(path):
    """The distinctive lines of every answer of a chapter: code solutions and written ones."""
    lines = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and BEGIN_SOLUTION in cell.source:
            lines += cell.source.split(BEGIN_SOLUTION, 1)[1].split(END_SOLUTION, 1)[0].splitlines()
        elif cell.cell_type == "markdown":
            lines += [line for d in directives(cell.source) if d.name == "solution" for line in d.body.splitlines()]
    return [" ".join(line.split()) for line in lines if len(re.sub(r"[\W_]", "", line)) > 20]


def all_text(html_folder):
    """Every text file of the built site, decoded as a reader or a search would see it."""
    texts = {}
    for path in html_folder.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".txt", ".ipynb", ".md", ".json", ".inv"}:
            if "vendor" not in path.parts:
                texts[path] = visible_text(path.read_text(errors="ignore"))
    return texts


def test_no_file_of_the_student_book_holds_a_solution(student_book):
    texts = all_text(student_book)
    assert not list(student_book.rglob("*.ipynb")) and not (student_book / "_sources").exists()
    public = " ".join(public_text(notebook) for notebook in notebooks())
    for notebook in notebooks():
        for line in answers(notebook):
            if line in public:
                continue  # shown outside the solutions too (in any chapter's code, say): not a secret
            leaks = [path.name for path, text in texts.items() if line in text]
            assert not leaks, f"{line!r} in {leaks}"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_student_pages_keep_exercises_and_checks_but_offer_no_download_or_launch(path, student_book):
    page = (student_book / "book" / f"{path.stem}.html").read_text()
    assert 'class="solution' not in page
    assert "from gru_course.exercises import check_" in visible_text(page)
    assert ".ipynb" not in page, "a link to the notebook, whose solutions the student book leaves out"
    for launcher in ("mybinder.org", "colab.research.google.com"):
        assert launcher not in page


def test_the_student_book_leaves_out_the_instructor_guide(student_book):
    assert not (student_book / "book" / "instructor_guide.html").exists()
    assert "instructor_guide" not in (student_book / "book" / "intro.html").read_text()
