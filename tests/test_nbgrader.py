"""Grading every chapter with nbgrader itself, as an instructor would.

For each chapter: ``nbgrader generate_assignment`` on the course folder that
``make nbgrader`` writes, then ``nbgrader autograde`` on the submissions of the
release (untouched; the solutions; one exercise answered with a known mistake of
the bug zoo; one answered by calling the package's own function, in the same
submission as the mistake when the chapter has two exercises), then
``nbgrader generate_feedback``. The kernels run numpy's BLAS on one thread, which
is faster for the book's small matrices than threads that wait for each other.
The scores are read back from nbgrader's gradebook.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from gru_course import assign, bugzoo, exercises
from gru_course.plain_markdown import Book
from test_chapters import ROOT

CHECK = re.compile(r"^(check_(\w+))\((\w+)(?:, variant=\"(\w+)\")?", re.M)
BOOK = Book.read(ROOT)
CHAPTERS = [Path(page).name for page in assign.chapters_with_exercises(BOOK)]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    assert assign.write_nbgrader_course(BOOK, root) == CHAPTERS
    return root


def nbgrader(root, *args):
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=root, env=env, capture_output=True, text=True, timeout=1200
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result


def implementation_exercises(notebook):
    """[(label, checker name, variant, function name, points)] of a graded notebook."""
    found = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            _, name, function, variant = CHECK.search(cell.source).groups()
            found.append((meta["grade_id"].removesuffix("-test"), name, variant, function, meta["points"]))
    return found


def submission(release, source, replace=None):
    """The release with every answer of ``source`` filled in, except that the solution
    cells named in ``replace`` {grade_id: code} get that code instead."""
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells if c.metadata["nbgrader"]["solution"]}
    answers |= replace or {}
    notebook = nbformat.from_dict(release)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[grade_id]
    return notebook


def buggy_code(name, function):
    mistake = bugzoo.mistakes_of(name)[0]
    code = f"from gru_course import bugzoo\n\n{function} = bugzoo.SPECIMENS[{name!r}, {mistake.name!r}].function\n"
    return code, mistake


def shortcut_code(name, variant, function):
    """An answer that hands in the package's own function (the checker's reference)."""
    return f"from gru_course.exercises import exercise\n\n{function} = exercise({name!r}, {variant!r}).reference\n"


def errors(notebook):
    return [(cell, out) for cell in notebook.cells for out in cell.get("outputs", []) if out.output_type == "error"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_nbgrader_grades_the_chapter(chapter, course):
    nbgrader(course, "generate_assignment", chapter, "--force")
    release = nbformat.read(course / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    autograded = implementation_exercises(source)
    assert autograded, "every chapter has an autograded exercise"

    label, name, _, function, _ = autograded[0]
    wrong, mistake = buggy_code(name, function)
    submissions = {"untouched": release, "solution": submission(release, source)}
    answers = {"buggy": {f"{label}-code": wrong}}
    refusing = [ex for ex in autograded if exercises.exercise(ex[1], ex[2]).forbidden]
    if refusing:
        short_label, short_name, short_variant, short_function, _ = refusing[-1]
        code = shortcut_code(short_name, short_variant, short_function)
        # With two exercises, one submission holds both the bug and the shortcut: each
        # exercise is graded on its own, and the chapter runs once less.
        shortcut_student = "buggy" if short_label != label else "shortcut"
        answers.setdefault(shortcut_student, {})[f"{short_label}-code"] = code
    submissions |= {student: submission(release, source, replace) for student, replace in answers.items()}
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / chapter
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / f"{chapter}.ipynb")
    nbgrader(course, "autograde", chapter, "--force")
    nbgrader(course, "generate_feedback", chapter, "--force")

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:

        def score(student, grade_id=None):
            if grade_id is None:
                return gradebook.find_submission_notebook(chapter, chapter, student).code_score
            return gradebook.find_grade(grade_id, chapter, chapter, student).score

        full = gradebook.find_submission_notebook(chapter, chapter, "solution").max_code_score
        assert full == sum(points for *_, points in autograded)
        assert score("untouched") == 0
        assert score("solution") == full
        lost = {label: autograded[0][-1]}
        if refusing:
            assert score(shortcut_student, f"{short_label}-test") == 0
            if shortcut_student == "shortcut":
                assert score("shortcut") == full - refusing[-1][-1]
            else:
                lost[short_label] = refusing[-1][-1]
        assert score("buggy", f"{label}-test") == 0 and score("buggy") == full - sum(lost.values())

    graded = {s: nbformat.read(course / "autograded" / s / chapter / f"{chapter}.ipynb", 4) for s in submissions}
    for cell, error in errors(graded["untouched"]):
        assert cell.metadata["nbgrader"]["grade"] and error.ename == "ExerciseFailed", (error.ename, cell.source)
        assert "not implemented yet" in error.evalue
        assert "gru_course" not in "".join(error.traceback), "the learner sees the explanation, not the checker"
    assert len(errors(graded["untouched"])) == len(autograded)
    assert not errors(graded["solution"]), "the solutions, hidden tests included, run without an error"
    feedback = (course / "feedback" / "buggy" / chapter / f"{chapter}.html").read_text()
    assert f"known mistake, &quot;{mistake.name}&quot;" in feedback or f'known mistake, "{mistake.name}"' in feedback
    if refusing:
        feedback = (course / "feedback" / shortcut_student / chapter / f"{chapter}.html").read_text()
        assert "is not available here" in feedback
