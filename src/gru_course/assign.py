"""The course's editions for instructors and students, from the book's own notebooks.

    python -m gru_course.assign nbgrader OUT        an nbgrader course folder (make nbgrader)
    python -m gru_course.assign student OUT         student notebooks (make student)
    python -m gru_course.assign solutions OUT       solution notebooks (make solutions)
    python -m gru_course.assign student-config OUT  the configuration of the student book (make student-book)

``--book`` names the folder of ``_config.yml`` and ``_toc.yml`` (default: here).

**nbgrader**: ``OUT/nbgrader_config.py`` and ``OUT/source/<chapter>/<chapter>.ipynb``
for every chapter with exercises, each the chapter as an nbgrader assignment
(:mod:`gru_course.graded_notebook`), ready for ``nbgrader generate_assignment
<chapter>`` with no hand editing.

**student**: nbgrader's own release of every chapter: solutions replaced by
``raise NotImplementedError()`` or "YOUR ANSWER HERE", hidden tests and outputs
removed, in plain Jupyter markdown. They carry the grading metadata, so that
collected submissions autograde in the course folder of ``make nbgrader``.

**solutions**: every chapter in plain Jupyter markdown with its answers in
place, for instructors.

**student-config**: a copy of ``_config.yml`` for the HTML book without
solutions (see ``tools/student_edition.py``), and of its table of contents
without the instructor guide: no solution, no source notebooks to download,
no launch buttons (they would open the book's notebooks, solutions included).
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
import yaml

from .graded_notebook import graded_notebook, solution_notebook
from .plain_markdown import Book, directives

COURSE_ID = "gru-course"
NBGRADER_CONFIG = f'''\
# nbgrader's configuration for the gru-course assignments (written by `make nbgrader`).
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "{COURSE_ID}"
# The training chapter runs for about half a minute; leave room on a slow machine.
c.Execute.timeout = 600
'''


def chapters_with_exercises(book):
    """The pages of the book that are notebooks with exercises, in reading order."""
    pages = []
    for page in book.chapters:
        path = book.root / f"{page}.ipynb"
        if path.is_file():
            markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
            if any(d.name == "exercise" for d in directives(markdown)):
                pages.append(page)
    return pages


def write_nbgrader_course(book, out):
    """Write the nbgrader course folder; return the assignment names (one per chapter)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(NBGRADER_CONFIG)
    names = []
    for page in chapters_with_exercises(book):
        name = Path(page).name
        folder = out / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        notebook = nbformat.read(book.root / f"{page}.ipynb", as_version=4)
        nbformat.write(graded_notebook(notebook, page, book), folder / f"{name}.ipynb")
        names.append(name)
    return names


def generate_assignments(course, names):
    """Run nbgrader's ``generate_assignment`` for each name in the course folder."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(Path(course).resolve())
    config.CourseDirectory.course_id = COURSE_ID
    api = NbGraderAPI(config=config)
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), path])  # nbgrader runs `alembic`
    try:
        for name in names:
            result = api.generate_assignment(name)
            if not result["success"]:
                raise SystemExit(f"nbgrader could not release {name}:\n{result.get('error') or result.get('log')}")
    finally:
        os.environ["PATH"] = path


def write_student_edition(book, out):
    """nbgrader's release of every chapter, copied to ``out``; return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as course:
        names = write_nbgrader_course(book, course)
        generate_assignments(course, names)
        written = []
        for name in names:
            target = out / f"{name}.ipynb"
            shutil.copyfile(Path(course) / "release" / name / f"{name}.ipynb", target)
            written.append(target)
    return written


def write_solution_edition(book, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page in chapters_with_exercises(book):
        target = out / f"{Path(page).name}.ipynb"
        nbformat.write(solution_notebook(nbformat.read(book.root / f"{page}.ipynb", as_version=4), page, book), target)
        written.append(target)
    return written


INSTRUCTOR_PAGES = {"book/instructor_guide"}


def write_student_config(root, out):
    """A copy of the book's configuration for the HTML book without solutions, and of its
    table of contents without the instructor guide (``_toc_student.yml`` next to ``out``)."""
    root = Path(root)
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c["file"] not in INSTRUCTOR_PAGES]
    toc["parts"] = [part for part in toc.get("parts", []) if part["chapters"]]
    config = yaml.safe_load((root / "_config.yml").read_text())
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["student_edition"] = True
    sphinx["html_copy_source"] = False  # no _sources/*.ipynb, which hold the solutions
    sphinx.setdefault("html_theme_options", {})["use_download_button"] = False
    config["launch_buttons"] = {"notebook_interface": "jupyterlab"}  # no Binder, Colab or JupyterHub
    config.setdefault("html", {})["use_repository_button"] = False
    config["html"]["use_issues_button"] = False
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    (out.parent / "_toc_student.yml").write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gru_course.assign", description=__doc__.splitlines()[0])
    parser.add_argument("edition", choices=["nbgrader", "student", "solutions", "student-config"])
    parser.add_argument("out", help="the folder to write (student-config: the file)")
    parser.add_argument("--book", default=".", help="the folder of _config.yml and _toc.yml (default: .)")
    args = parser.parse_args(argv)
    if args.edition == "student-config":
        out = write_student_config(args.book, args.out)
        toc = out.parent / "_toc_student.yml"
        print(f"wrote {out} and {toc}: build with `jupyter-book build . --config {out} --toc {toc}`")
        return 0
    book = Book.read(args.book)
    if args.edition == "nbgrader":
        names = write_nbgrader_course(book, args.out)
        print(f"wrote an nbgrader course with {len(names)} assignments to {args.out}: {', '.join(names)}")
        print(f"next: cd {args.out} && nbgrader generate_assignment <assignment>")
        return 0
    write = write_student_edition if args.edition == "student" else write_solution_edition
    written = write(book, args.out)
    print(f"wrote the {args.edition} edition of {len(written)} chapters to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
