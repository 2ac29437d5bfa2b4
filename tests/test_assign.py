"""Student and solution editions: no solution leaks into the student edition,
and a student notebook runs to each exercise and reports it not implemented."""

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from gru_course import assign
from test_chapters import ROOT, notebooks


def solution_lines(nb):
    """Every non-trivial line of every solution of a source notebook."""
    lines, gated = [], False
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            lines += [line for region in assign.solution_regions(source) for line in region]
        elif "{solution-start}" in source:
            gated = True
        elif "{solution-end}" in source:
            gated = False
        elif gated:
            lines += source.splitlines()
        else:
            lines += [line for body in assign.written_solutions(source) for line in body.splitlines()]
    return {line.strip() for line in lines if len(re.sub(r"[\W_]", "", line)) > 3}


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    assign.main(["student", str(out / "student"), "--source", str(ROOT / "book")])
    assign.main(["solutions", str(out / "solutions"), "--source", str(ROOT / "book")])
    return out


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_no_solution_line_appears_in_the_student_edition(path, editions):
    source = json.loads(path.read_text())
    secret = solution_lines(source)
    assert secret, "this chapter has no solutions"
    student = json.loads((editions / "student" / path.name).read_text())
    student_text = "\n".join("".join(c["source"]) for c in student["cells"])
    # lines that also occur outside any solution (an import, a blank comment) are not secret
    public = student_text.splitlines()
    leaked = [line for line in secret if any(line == other.strip() for other in public)]
    outside = {
        other.strip()
        for cell in source["cells"]
        for other in "".join(cell["source"]).splitlines()
        if other.strip() in leaked and not _inside_solution(cell, other)
    }
    assert not set(leaked) - outside, f"solution lines in the student edition: {sorted(set(leaked) - outside)[:5]}"
    assert all(not c.get("outputs") for c in student["cells"] if c["cell_type"] == "code")
    assert "raise NotImplementedError()" in student_text and "YOUR ANSWER HERE" in student_text


def _inside_solution(cell, line):
    source = "".join(cell["source"])
    if cell["cell_type"] == "code":
        return any(line in region for region in assign.solution_regions(source))
    return any(line in body.splitlines() for body in assign.written_solutions(source))


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_the_solution_edition_keeps_solutions_without_markers(path, editions):
    edition = json.loads((editions / "solutions" / path.name).read_text())
    solutions = "\n".join("".join(c["source"]) for c in edition["cells"])
    assert "### BEGIN SOLUTION" not in solutions and "### END SOLUTION" not in solutions
    source = json.loads(path.read_text())
    for line in list(solution_lines(source))[:20]:
        assert line in solutions


def run(path, tmp_path, grading, monkeypatch):
    if grading:
        monkeypatch.setenv("GRU_COURSE_GRADING", "1")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return nb


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_a_student_notebook_runs_to_each_exercise(path, editions, tmp_path, monkeypatch):
    nb = run(editions / "student" / path.name, tmp_path, grading=False, monkeypatch=monkeypatch)
    checks = [c for c in nb.cells if c.cell_type == "code" and "from gru_course.exercises import check_" in c.source]
    assert checks
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{out.ename}: {out.evalue} in\n{cell.source[:300]}"
    for check in checks:
        text = "".join(out.get("text", "") for out in check.outputs)
        assert "not implemented yet" in text, text


def test_in_grading_mode_a_student_notebook_stops_at_the_exercise(editions, tmp_path, monkeypatch):
    path = editions / "student" / "rnn_forward.ipynb"
    nb = run(path, tmp_path, grading=True, monkeypatch=monkeypatch)
    errors = [(c, out) for c in nb.cells for out in c.get("outputs", []) if out.output_type == "error"]
    assert len(errors) == 1
    cell, error = errors[0]
    assert "check_rnn_forward" in cell.source
    assert error.ename == "ExerciseFailed" and "not implemented yet" in error.evalue
