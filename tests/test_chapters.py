"""The shape every chapter promises: the notebooks of the table of contents are
clean, executed in order, and have goals, a summary, exercises and citations."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def toc_files():
    toc = (ROOT / "_toc.yml").read_text()
    return re.findall(r"^\s*(?:-\s*file|root):\s*(\S+)", toc, re.M)


def notebooks():
    return [ROOT / f"{name}.ipynb" for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]


def test_every_notebook_in_book_is_in_the_toc_and_vice_versa():
    on_disk = {p.relative_to(ROOT) for p in (ROOT / "book").glob("*.ipynb")}
    listed = {p.relative_to(ROOT) for p in notebooks()}
    assert on_disk == listed
    for name in toc_files():
        assert (ROOT / f"{name}.ipynb").exists() or (ROOT / f"{name}.md").exists(), name


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_notebook_is_clean_and_executed_in_order(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", "".join(cell["source"])[:80]
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r" at 0x[0-9a-f]{6,}", text), "memory address in an output"
            assert out.get("name") != "stderr", f"stderr output in {path.name}: {text[:200]}"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_chapter_has_goals_summary_exercises_and_citations(path):
    nb = json.loads(path.read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "**What you will learn**" in text
    assert "## Summary" in text
    exercises = re.findall(r":::\{exercise\}\n:label: (\S+)", text)
    written = re.findall(r":::\{solution\} (\S+)\n:class: dropdown", text)
    gated = re.findall(r"```\{solution-start\} (\S+)\n:class: dropdown", text)
    assert len(exercises) >= 3 and sorted(exercises) == sorted(written + gated)
    kinds = re.findall(r":::\{exercise\}\n:label: \S+\n\n\(([A-Z][a-z ]+), (\d+) points?\.\)", text)
    assert len(kinds) == len(exercises), "every exercise starts with its kind and points: (Derive, 2 points.)"
    for kind in ("Derive", "Implement", "Diagnose"):
        assert kind in {k for k, _ in kinds}, f"no {kind} exercise"
    implemented = [label for label, (kind, _) in zip(exercises, kinds, strict=True) if kind == "Implement"]
    assert sorted(implemented) == sorted(gated), "Implement exercises are exactly those with checked code"
    assert "{cite}`" in text


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_every_code_exercise_is_followed_by_its_check(path):
    """solution-start, the solution's code cells (with nbgrader's markers), solution-end, a check cell."""
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells]
    starts = [i for i, s in enumerate(sources) if "{solution-start}" in s]
    assert starts, "no implementation exercise with a checked solution"
    for start in starts:
        end = next(i for i in range(start, len(cells)) if "{solution-end}" in sources[i])
        code = [sources[i] for i in range(start + 1, end) if cells[i]["cell_type"] == "code"]
        assert code and all("### BEGIN SOLUTION" in c and "### END SOLUTION" in c for c in code)
        check = cells[end + 1]
        assert check["cell_type"] == "code" and "from gru_course.exercises import check_" in sources[end + 1]
        assert any("✓" in "".join(out.get("text", "")) for out in check["outputs"]), "the stored check did not pass"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_every_figure_has_a_caption_and_alt_text(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        if any("image/png" in out.get("data", {}) for out in cell["outputs"]):
            meta = cell["metadata"].get("mystnb", {})
            assert meta.get("figure", {}).get("caption"), "".join(cell["source"])[:80]
            assert meta.get("image", {}).get("alt"), "".join(cell["source"])[:80]


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_first_cell_installs_the_package_from_the_configured_repository(path):
    """On Colab the package is missing: the first cell installs it from repository.url, at the
    tag of this release, v<version of pyproject.toml> (a fork that changes repository.url in
    _config.yml must change these cells too)."""
    url = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", (ROOT / "_config.yml").read_text(), re.M).group(1)
    first = json.loads(path.read_text())["cells"][0]
    source = "".join(first["source"])
    assert first["cell_type"] == "code" and "remove-cell" in first["metadata"].get("tags", [])
    assert 'find_spec("gru_course") is None' in source
    version = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert f"git+{url}@v{version}" in source, "install the release this notebook belongs to, not a moving branch"
    assert not first["outputs"], "the install cell must do nothing where gru_course is installed"


def test_the_code_shown_on_the_intro_page_runs_and_says_what_it_claims(capsys):
    """The intro's snippet is shown, not executed by the build: run it here."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "book" / "intro.md").read_text(), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "intro.md", "exec"), {})
    assert capsys.readouterr().out.strip() == "True"


def test_the_package_version_is_the_project_s():
    import gru_course

    version = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert gru_course.__version__ == version
