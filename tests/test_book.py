"""The book builds with Sphinx's strictest settings, serves its own scripts, and has launch buttons.

The build itself is the session fixture ``built_book`` (tests/book_build.py), shared with
the browser test.
"""

import re
from urllib.parse import quote

from book_build import config, notebook_pages, toc_pages

pytest_plugins = ["book_build"]


def test_book_builds_without_warnings(built_book):
    result, html = built_book
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert not re.search(r": WARNING:|^WARNING:", log, re.M), log[-5000:]
    assert (html / "index.html").is_file()


def test_every_page_of_the_toc_is_built(built_book):
    _, html = built_book
    pages = toc_pages()
    assert pages
    for page in pages:
        assert (html / f"{page}.html").is_file(), page


def test_pages_load_scripts_and_styles_from_the_site_itself(built_book):
    """MathJax and the explorers' script are copied into the site; no page asks a CDN."""
    _, html = built_book
    assert (html / "_static" / "vendor" / "mathjax" / "tex-chtml.js").is_file()
    assert (html / "_static" / "explorers.js").is_file()
    for page in [*toc_pages(), "search"]:
        text = (html / f"{page}.html").read_text()
        for tag in re.findall(r"<script\b[^>]*>|<link\b[^>]*>", text):
            if tag.startswith("<link") and not re.search(r"\brel=\"(stylesheet|preload|modulepreload|icon)\"", tag):
                continue  # prev/next/search links: navigation, not something the page loads
            url = re.search(r"\b(?:src|href)=\"([^\"]*)\"", tag)
            assert not (url and re.match(r"(\w+:)?//", url.group(1))), (page, tag)


def test_notebook_pages_have_binder_and_colab_buttons_for_the_configured_repository(built_book):
    """The launch buttons follow repository.url and repository.branch in _config.yml (forks included)."""
    _, html = built_book
    cfg = config()
    url, branch = cfg["repository"]["url"].rstrip("/"), cfg["repository"].get("branch", "master")
    org_repo = url.removeprefix("https://github.com/")
    interface = {"classic": "tree", "jupyterlab": "lab/tree"}[cfg["launch_buttons"]["notebook_interface"]]
    binder = cfg["launch_buttons"]["binderhub_url"].rstrip("/")
    colab = cfg["launch_buttons"]["colab_url"].rstrip("/")
    pages = notebook_pages()
    assert pages
    for page in pages:
        text = (html / f"{page}.html").read_text().replace("&amp;", "&")
        assert f"{binder}/v2/gh/{org_repo}/{branch}?urlpath={interface}/{quote(page)}.ipynb" in text, page
        assert f"{colab}/github/{org_repo}/blob/{branch}/{page}.ipynb" in text, page


def test_pages_carry_no_saved_widget_state(built_book):
    """The explorers' page versions replace their ipywidgets views, whose saved state is left out."""
    _, html = built_book
    for page in toc_pages():
        text = (html / f"{page}.html").read_text()
        assert "application/vnd.jupyter.widget-state+json" not in text, page
        assert "application/vnd.jupyter.widget-view+json" not in text, page


def test_the_build_prints_no_kernel_transport_notice(built_book):
    """The kernels run over IPC (tools/ipc_kernels.py): no "TCP without encryption" lines."""
    log = built_book.result.stdout + built_book.result.stderr
    assert "without encryption" not in log
