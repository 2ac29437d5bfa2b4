"""Student and solution editions of the book's notebooks, from one source.

    python -m gru_course.assign student OUT [--source book]
    python -m gru_course.assign solutions OUT [--source book]
    python -m gru_course.assign student-config OUT [--source _config.yml]

The source notebooks mark each exercise's solution the way nbgrader does:
in code, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
in markdown, the body of a ``{solution}`` directive. The **student** edition
replaces every code solution by ``raise NotImplementedError()`` (at the same
indentation) and every written solution by "YOUR ANSWER HERE", clears all
outputs, and keeps the check cells. The **solutions** edition drops the marker
lines and keeps everything else. The notebooks need nothing but ``gru_course``
(its reference data ships with it), so both editions run wherever they are written.

``student-config`` writes a copy of the book's ``_config.yml`` with the
``student_edition`` setting of ``tools/student_edition.py`` switched on, which
removes every solution, gated or not: building the book with it
(``jupyter-book build . --config OUT``) gives the HTML student edition.
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
ANSWER = "YOUR ANSWER HERE"
# A written solution: ":::{solution} label", its ":option:" lines, a blank line, the body, ":::".
WRITTEN_SOLUTION = re.compile(r"(:::\{solution\}[^\n]*\n(?::[^\n]*\n)*)(.*?)(\n:::)", re.S)


def solution_regions(source):
    """The code lines strictly between BEGIN and END markers, region by region."""
    regions, current = [], None
    for line in source.splitlines():
        if line.strip() == BEGIN:
            current = []
        elif line.strip() == END and current is not None:
            regions.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return regions


def written_solutions(source):
    """The bodies of the ``{solution}`` directives of a markdown cell."""
    return [match.group(2) for match in WRITTEN_SOLUTION.finditer(source)]


def student_code(source):
    """Replace each BEGIN ... END region by ``raise NotImplementedError()``."""
    lines, inside = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(f"{indent}# YOUR CODE HERE")
            lines.append(f"{indent}raise NotImplementedError()")
        elif line.strip() == END:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines)


def student_markdown(source):
    """Replace the body of each ``{solution}`` directive by YOUR ANSWER HERE."""
    return WRITTEN_SOLUTION.sub(lambda m: f"{m.group(1)}\n{ANSWER}\n{m.group(3)}", source)


def solution_code(source):
    """Drop the marker lines, keep the solution."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in (BEGIN, END))


def student_edition(notebook):
    """A copy of ``notebook`` with solutions removed and outputs cleared.

    Markdown cells between a ``{solution-start}`` cell and its ``{solution-end}``
    (a solution written over several cells) become YOUR ANSWER HERE too.
    """
    notebook = nbformat.from_dict(notebook)
    gated = False
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = student_code(cell.source)
            cell.outputs = []
            cell.execution_count = None
        elif "{solution-start}" in cell.source:
            gated = True
        elif "{solution-end}" in cell.source:
            gated = False
        elif cell.cell_type == "markdown":
            cell.source = ANSWER if gated else student_markdown(cell.source)
    notebook.metadata.pop("widgets", None)
    return notebook


def solution_edition(notebook):
    """A copy of ``notebook`` without the solution markers."""
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = solution_code(cell.source)
    return notebook


def write_edition(kind, source, out):
    """Write the ``kind`` ("student" or "solutions") edition of every notebook
    in ``source`` to ``out``; return the paths written."""
    source, out = Path(source), Path(out)
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no notebooks in {source}: give the book's folder with --source")
    make = student_edition if kind == "student" else solution_edition
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        edition = make(nbformat.read(path, as_version=4))
        target = out / path.name
        nbformat.write(edition, target)
        written.append(target)
    return written


def write_student_config(source, out):
    """Copy the book's configuration with ``student_edition: true``."""
    import yaml  # comes with Jupyter Book, which the student book needs anyway

    config = yaml.safe_load(Path(source).read_text())
    config.setdefault("sphinx", {}).setdefault("config", {})["student_edition"] = True
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gru_course.assign", description=__doc__.splitlines()[0])
    parser.add_argument("edition", choices=["student", "solutions", "student-config"], help="what to write")
    parser.add_argument("out", help="the folder to write the notebooks to (student-config: the file)")
    parser.add_argument(
        "--source",
        help="the source notebooks' folder (default: book) or, for student-config, "
        "the book's configuration (default: _config.yml)",
    )
    args = parser.parse_args(argv)
    if args.edition == "student-config":
        out = write_student_config(args.source or "_config.yml", args.out)
        print(f"wrote {out}: build with `jupyter-book build . --config {out}`")
        return 0
    written = write_edition(args.edition, args.source or "book", args.out)
    print(f"wrote the {args.edition} edition of {len(written)} notebooks to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
