"""The editions: plain Jupyter markdown numbered as the book is, graded cells with points
and nbgrader metadata, no solution in the student edition, every answer in the solutions."""

import re

import nbformat
import pytest

from book_build import notebook_pages
from gru_course import assign
from gru_course.graded_notebook import BEGIN_HIDDEN, BEGIN_SOLUTION, graded_notebook
from gru_course.plain_markdown import ROLE, Book, directives, exercise_kind
from test_chapters import ROOT

pytest_plugins = ["book_build"]
PAGES = notebook_pages()
MYST = [
    (ROLE, "a MyST role"),
    (re.compile(r"^(:::|```)\{", re.M), "a MyST directive"),
    (re.compile(r"\$\$[ \t]*\([\w:.-]+\)[ \t]*$", re.M), "an equation label"),
    (re.compile(r"^:(label|class):", re.M), "a directive option"),
]


@pytest.fixture(scope="module")
def book():
    return Book.read(ROOT)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    assign.main(["student", str(out / "student"), "--book", str(ROOT)])
    assign.main(["solutions", str(out / "solutions"), "--book", str(ROOT)])
    return out


def name(page):
    return page.rsplit("/", 1)[1]


def source(page):
    return nbformat.read(ROOT / f"{page}.ipynb", as_version=4)


@pytest.mark.parametrize("edition", ["student", "solutions"])
@pytest.mark.parametrize("page", PAGES, ids=name)
def test_the_editions_are_plain_jupyter_markdown(page, edition, editions):
    nb = nbformat.read(editions / edition / f"{name(page)}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for pattern, what in MYST:
                assert not pattern.search(cell.source), f"{what} left in:\n{cell.source[:300]}"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"\*\*Exercise (\d+\.)?\d+\.\*\* \((Derive|Implement|Diagnose)", markdown)


def numbers_in_html(html, page):
    text = (html / f"{page}.html").read_text()
    equations = dict(re.findall(r'id="equation-([\w:.-]+)"[^>]*>.*?<span class="eqno">\((\S+?)\)', text, re.S))
    exercises = re.findall(
        r'id="([\w-]+)"[^>]*>\s*<p class="admonition-title">\s*<span class="caption-number">'
        r"Exercise (\S+?) </span>",
        text,
        re.S,
    )
    figures = re.findall(r'<span class="caption-number">Fig\. (\S+?) </span>', text)
    return equations, dict(exercises), figures


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_plain_numbers_are_the_html_book_s(page, book, built_book):
    equations, exercises, figures = numbers_in_html(built_book.html, page)
    ours = {label: number for label, (where, number) in book.equations.items() if where == page}
    assert ours == equations
    ours = {label: number for label, (where, number) in book.exercises.items() if where == page}
    assert exercises and ours == exercises
    assert figures == [number for where, number in book.figures.values() if where == page]


def test_plain_markdown_renders_each_role_as_a_reader_can_follow(book):
    page = "book/rnn_bptt"
    text = "See {eq}`eq-bptt-product`, {doc}`gru_bptt`, {doc}`notation <preface>` and "
    text += "{cite}`werbos1990backpropagation`."
    number = book.equations["eq-bptt-product"][1]
    assert book.plain(text, page) == (
        f"See ({number}), [{book.titles['book/gru_bptt']}](gru_bptt.ipynb), [notation]({book.url}/book/preface.html) "
        f"and [(Werbos, 1990)]({book.url}/book/references.html)."
    )
    assert "\\tag{" + number + "}" in book.plain("$$\nx = 1\n$$ (eq-bptt-product)", page)
    with pytest.raises(ValueError, match="no plain-markdown form"):
        book.plain("{unknownrole}`x`", page)


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_the_graded_notebook_has_a_cell_per_role_with_points(page, book):
    graded = graded_notebook(source(page), page, book)
    meta = [c.metadata["nbgrader"] for c in graded.cells]
    assert len({m["grade_id"] for m in meta}) == len(meta), "grade ids must be unique"
    text = "\n".join(c.source for c in source(page).cells if c.cell_type == "markdown")
    for directive in directives(text):
        if directive.name != "exercise":
            continue
        label = directive.options["label"]
        kind, points = exercise_kind(directive.body)
        by_id = {m["grade_id"]: (c, m) for c, m in zip(graded.cells, meta, strict=True)}
        assert by_id[f"{label}-statement"][1]["locked"]
        if kind == "Implement":
            code, code_meta = by_id[f"{label}-code"]
            assert code_meta["solution"] and not code_meta["grade"] and BEGIN_SOLUTION in code.source
            test, test_meta = by_id[f"{label}-test"]
            assert test_meta["grade"] and test_meta["locked"] and test_meta["points"] == points
            assert "must_pass=True" in test.source and BEGIN_HIDDEN in test.source
        else:
            answer, answer_meta = by_id[f"{label}-answer"]
            assert answer.cell_type == "markdown" and answer_meta["solution"] and answer_meta["grade"]
            assert answer_meta["points"] == points
    others = [m for m in meta if not (m["solution"] or m["grade"])]
    assert others and all(m["locked"] for m in others)


def secrets(page, book):
    """The distinctive lines of every answer of a chapter, code and written."""
    graded = graded_notebook(source(page), page, book)
    lines = []
    for cell in graded.cells:
        nbgrader = cell.metadata["nbgrader"]
        if cell.cell_type == "code" and nbgrader["solution"]:
            body = cell.source.split(BEGIN_SOLUTION, 1)[1].split("### END SOLUTION", 1)[0]
            lines += body.splitlines()
        elif cell.cell_type == "markdown" and nbgrader["solution"]:
            lines += cell.source.splitlines()
        elif nbgrader["grade"]:
            lines += cell.source.split(BEGIN_HIDDEN, 1)[1].splitlines()[1:-1]
    return {line.strip() for line in lines if len(re.sub(r"[\W_]", "", line)) > 12}


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_the_student_edition_holds_no_answer_and_no_output(page, book, editions):
    student = nbformat.read(editions / "student" / f"{name(page)}.ipynb", as_version=4)
    text = "\n".join(c.source for c in student.cells)
    hidden = secrets(page, book)
    assert hidden
    public = {
        line.strip()
        for c in graded_notebook(source(page), page, book).cells
        for line in c.source.splitlines()
        if not (c.metadata["nbgrader"]["solution"] or c.metadata["nbgrader"]["grade"])
    }
    lines = {line.strip() for line in text.splitlines()}
    leaked = sorted((hidden - public) & lines)
    assert not leaked, leaked[:3]
    assert "raise NotImplementedError()" in text and "YOUR ANSWER HERE" in text
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    assert "HIDDEN TESTS" not in text and "widgets" not in student.metadata


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_the_solution_edition_holds_every_answer_without_markers(page, book, editions):
    solutions = nbformat.read(editions / "solutions" / f"{name(page)}.ipynb", as_version=4)
    text = "\n".join(c.source for c in solutions.cells)
    assert "### BEGIN" not in text and "### END" not in text
    for line in secrets(page, book):
        assert line in text


def test_the_student_config_leaves_out_solutions_sources_launch_buttons_and_the_guide(tmp_path):
    import yaml

    out = assign.write_student_config(ROOT, tmp_path / "_config_student.yml")
    config = yaml.safe_load(out.read_text())
    assert config["sphinx"]["config"]["student_edition"] is True
    assert config["sphinx"]["config"]["html_copy_source"] is False
    assert not any(key.endswith("_url") for key in config["launch_buttons"])
    toc = (tmp_path / "_toc_student.yml").read_text()
    assert "instructor_guide" not in toc and "rnn_bptt" in toc


def test_the_instructor_guide_gives_every_exercise_its_points_time_and_rubric():
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    rows = re.findall(r"^\| \{numref\}`([\w-]+)` \| ([a-z ]+) \| (\d+) \| (\d+) min \| (.+) \|$", guide, re.M)
    listed = {label: (kind, int(points)) for label, kind, points, _, _ in rows}
    expected = {}
    for page in PAGES:
        text = "\n".join(c.source for c in source(page).cells if c.cell_type == "markdown")
        for directive in directives(text):
            if directive.name == "exercise":
                kind, points = exercise_kind(directive.body)
                expected[directive.options["label"]] = (kind.lower(), points)
    assert listed == expected
    for label, kind, _, _, contents in rows:
        if kind == "implement":
            assert re.search(r"checked by `check_\w+", contents), label
        else:
            assert len(contents.split()) >= 12, f"{label}: say what a full answer contains"


def test_the_instructor_guide_names_real_make_targets_and_paths():
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    for target in re.findall(r"\bmake ([\w-]+)", guide):
        assert target in targets, target
    written = set(re.findall(r"_build/[\w/.-]*\w", makefile))
    for path in set(re.findall(r"_build/[\w/.-]*\w", guide)):
        assert any(path.startswith(folder) for folder in written), f"{path} is not where the Makefile writes"
