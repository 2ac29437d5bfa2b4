"""A book chapter as an nbgrader assignment: plain markdown, one cell per role, graded.

The book's notebooks mark each exercise for the HTML book: an ``exercise``
directive (whose statement starts with its kind and points, "(Implement,
3 points.)"), then either a ``solution`` directive with a written model answer,
or a gated solution (``{solution-start}`` ... ``{solution-end}``) around a code
cell whose answer lies between nbgrader's ``### BEGIN SOLUTION`` and
``### END SOLUTION``, followed by a check cell. :func:`graded_notebook` turns a
chapter into the source notebook of an nbgrader assignment:

- every markdown text in plain Jupyter markdown (:mod:`gru_course.plain_markdown`),
  figure captions as markdown cells under their figures;
- every cell of the chapter locked (read-only, restored by the autograder);
- each exercise statement in a locked cell of its own;
- each implementation exercise's code cell a *solution* cell, and its check cell
  an *autograded test* cell worth the exercise's points, calling the check with
  ``must_pass=True`` (so a wrong, missing or shortcut answer fails the cell)
  and, between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, on the
  grader's own cases;
- each written exercise's model answer a *manually graded answer* cell worth its
  points, which nbgrader's release replaces by "YOUR ANSWER HERE".

:func:`solution_notebook` is the same notebook with every answer in place and
no markers: the instructor's reading copy.
"""

import re

import nbformat

from .plain_markdown import directives, exercise_kind

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CHECK_IMPORT = "from gru_course.exercises import check_"
CHECK_CALL = re.compile(r"^(check_\w+)\((.*)\)\s*$")


def _metadata(cell, grade_id, *, solution=False, grade=False, points=None):
    cell.metadata["nbgrader"] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        cell.metadata["nbgrader"]["points"] = points
    return cell


def graded_check(source, points):
    """The graded form of a check cell: ``must_pass=True``, then the grader's hidden cases."""
    lines = source.rstrip().splitlines()
    match = CHECK_CALL.match(lines[-1])
    if match is None:
        raise ValueError(f"a check cell must end with its check call, check_...(fn); got {lines[-1]!r}")
    call, arguments = match.groups()
    return "\n".join(
        [
            f"# Autograded ({points} points): this cell fails, and says why, until your answer is right.",
            *lines[:-1],
            f"{call}({arguments}, must_pass=True)",
            BEGIN_HIDDEN,
            f"{call}({arguments}, must_pass=True, hidden=True)",
            END_HIDDEN,
        ]
    )


class _Builder:
    """Walks a book notebook once and writes the graded cells."""

    def __init__(self, notebook, page, book):
        self.notebook, self.page, self.book = notebook, page, book
        self.cells = []
        self.pending = {}  # label -> points of an implementation exercise awaiting its check cell
        self.gated = None  # the label of the gated solution we are inside, if any
        self.last_code_label = None
        self.current = None  # (label, points) of the exercise whose statement came last
        self.figures = 0

    def add(self, cell, grade_id, **kind):
        self.cells.append(_metadata(cell, grade_id, **kind))

    def markdown(self, text, grade_id, **kind):
        if text.strip():
            self.add(nbformat.v4.new_markdown_cell(text.strip()), grade_id, **kind)

    def build(self):
        for index, cell in enumerate(self.notebook.cells):
            if cell.cell_type == "markdown":
                self.markdown_cell(cell, index)
            else:
                self.code_cell(cell, index)
        if self.pending:
            raise ValueError(f"{self.page}: implementation exercises without a check cell: {sorted(self.pending)}")
        notebook = nbformat.v4.new_notebook(metadata=dict(self.notebook.metadata), cells=self.cells)
        notebook.metadata.pop("widgets", None)
        return notebook

    def markdown_cell(self, cell, index):
        found = directives(cell.source)
        names = [d.name for d in found]
        if "solution-start" in names:
            self.gated = found[0].argument
            return
        if "solution-end" in names:
            self.gated = None
            return
        if self.gated is not None:
            raise ValueError(f"{self.page}: a gated solution may hold code cells only")
        position = 0
        for k, directive in enumerate(found):
            self.markdown(self.book.plain(cell.source[position : directive.start], self.page), f"cell-{index}-{k}")
            position = directive.end
            if directive.name == "exercise":
                self.statement(directive)
            elif directive.name == "solution":
                self.written_answer(directive)
        self.markdown(self.book.plain(cell.source[position:], self.page), f"cell-{index}")

    def statement(self, directive):
        label = directive.options["label"]
        kind, points = exercise_kind(directive.body)
        self.markdown(self.book.exercise_text(label, directive.body, self.page), f"{label}-statement")
        if kind == "Implement":
            self.pending[label] = points
        self.current = (label, points)

    def written_answer(self, directive):
        label, points = self.current
        if directive.argument != label:
            raise ValueError(f"{self.page}: the solution of {directive.argument} must follow its exercise")
        if label in self.pending:
            raise ValueError(f"{self.page}: {label} is an implementation exercise; its answer is code")
        answer = self.book.plain(directive.body, self.page)
        self.markdown(answer, f"{label}-answer", solution=True, grade=True, points=points)

    def code_cell(self, cell, index):
        code = nbformat.v4.new_code_cell(cell.source, metadata=dict(cell.metadata), outputs=cell.get("outputs", []))
        code.execution_count = cell.get("execution_count")
        if self.gated is not None:
            if BEGIN_SOLUTION not in cell.source:
                raise ValueError(f"{self.page}: the code of {self.gated} needs {BEGIN_SOLUTION} ... {END_SOLUTION}")
            code.outputs, code.execution_count = [], None
            self.add(code, f"{self.gated}-code", solution=True)
            self.last_code_label = self.gated
        elif CHECK_IMPORT in cell.source:
            label = self.last_code_label
            if label not in self.pending:
                raise ValueError(f"{self.page}: a check cell must follow the code of an implementation exercise")
            points = self.pending.pop(label)
            code.source, code.outputs, code.execution_count = graded_check(cell.source, points), [], None
            self.add(code, f"{label}-test", grade=True, points=points)
        else:
            self.add(code, f"cell-{index}")
            figure = cell.metadata.get("mystnb", {}).get("figure")
            if figure:
                self.figures += 1
                number = self.book.figure_number(self.page, self.figures)
                caption = self.book.plain(figure["caption"], self.page)
                self.markdown(f"*Fig. {number}.* {caption}", f"cell-{index}-caption")


def graded_notebook(notebook, page, book):
    """The nbgrader source notebook of the book page ``page`` (e.g. "book/rnn_bptt")."""
    return _Builder(nbformat.from_dict(notebook), page, book).build()


def solution_notebook(notebook, page, book):
    """:func:`graded_notebook` with every answer in place and no nbgrader markers."""
    graded = graded_notebook(notebook, page, book)
    markers = {BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN}
    for cell in graded.cells:
        cell.source = "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)
        if cell.cell_type == "markdown" and cell.metadata["nbgrader"]["solution"]:
            cell.source = f"**Model answer.** {cell.source}"
    return graded
