"""The student edition of the HTML book: built by one command, without any solution."""

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gru_course import assign
from test_chapters import ROOT, notebooks


@pytest.fixture(scope="module")
def student_book(tmp_path_factory):
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    if jupyter_book is None:
        pytest.fail("jupyter-book is not installed: run `make test`, which installs requirements.txt")
    config = ROOT / "_config_student.yml"  # next to _config.yml, as `make student-book` writes it
    assign.main(["student-config", str(config), "--source", str(ROOT / "_config.yml")])
    out = tmp_path_factory.mktemp("student-book")
    try:
        result = subprocess.run(
            [jupyter_book, "build", str(ROOT), "--config", str(config), "--path-output", str(out), "-W", "-n"],
            capture_output=True,
            text=True,
            timeout=1200,
        )
    finally:
        config.unlink()
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return out / "_build" / "html"


def visible_text(page):
    """The page's text as a reader sees it: tags removed, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_no_solution_is_in_the_student_book(path, student_book):
    page = (student_book / "book" / f"{path.stem}.html").read_text()
    assert 'class="solution' not in page
    text = visible_text(page)
    nb = json.loads(path.read_text())
    solution_lines = [
        " ".join(line.split())
        for cell in nb["cells"]
        for region in assign.solution_regions("".join(cell["source"]))
        for line in region
        if len(re.sub(r"[\W_]", "", line)) > 20  # distinctive lines, not "return params"
    ]
    assert solution_lines
    # a line also shown outside the solutions (in printed source code, say) is not secret
    public = " ".join(
        " ".join(assign.student_code("".join(c["source"])).split())
        + " ".join("".join(out.get("text", "")) for out in c.get("outputs", []))
        for c in nb["cells"]
    )
    for line in solution_lines:
        assert line in public or line not in text, line
    assert "from gru_course.exercises import check_" in text  # the checks stay
