"""Building without npm, and the pinned MathJax: the book falls back to the same version on its CDN."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from test_chapters import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import offline_html


def test_the_cdn_fallback_pins_the_version_make_assets_fetches():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^NPM_ASSETS := mathjax@(\S+)$", makefile, re.M).group(1) == offline_html.MATHJAX_VERSION
    assert f"mathjax@{offline_html.MATHJAX_VERSION}/" in offline_html.MATHJAX_CDN


def test_pages_use_the_site_s_mathjax_when_it_is_there_and_the_cdn_otherwise(tmp_path):
    config = SimpleNamespace(html_static_path=["static"], mathjax_path="vendor/mathjax/tex-chtml.js")
    assert offline_html.mathjax_source(config, tmp_path) == offline_html.MATHJAX_CDN
    local = tmp_path / "static" / "vendor" / "mathjax" / "tex-chtml.js"
    local.parent.mkdir(parents=True)
    local.write_text("// MathJax")
    assert offline_html.mathjax_source(config, tmp_path) == "vendor/mathjax/tex-chtml.js"


def test_make_assets_without_npm_says_so_and_succeeds(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    result = subprocess.run(
        ["make", "assets", "NPM=no-such-npm-here"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "npm was not found" in result.stdout and "CDN" in result.stdout
    assert not Path(tmp_path / "book").exists(), "nothing is deleted or half-written without npm"
