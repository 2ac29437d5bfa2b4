"""A small Sphinx extension (loaded from _config.yml) that keeps the HTML book offline and error-free.

Applied to the configuration once, and to each page as it is written:

- MathJax is served by the site itself, from ``book/_static/vendor/`` (``make assets``
  fetches it from the npm registry). On a machine without npm that folder is missing:
  the pages then load the same pinned MathJax from its public CDN, and the build says so.
- Sphinx 7.4 writes an inline script that an extension added during the build twice
  (``None`` and ``""`` count as different file names), and sphinx-thebe's one declares
  ``const THEBE_JS_URL``: the second copy is a SyntaxError on every page. Identical
  scripts are written once.
- The explorers' ipywidgets views are not shown in the book (their HTML twins are, see
  ``gru_course.explorers``), so the widget state saved with a notebook is dead weight:
  it is left out of the page.
- Matplotlib's ``to_jshtml`` animations link Font Awesome 4's stylesheet from a CDN.
  The theme's own Font Awesome already draws those buttons' icons, so the link is
  dropped: a reader without a network asks for nothing it cannot have.
"""

import re
from pathlib import Path

from sphinx.util import logging

# The version `make assets` fetches (NPM_ASSETS in the Makefile; a test keeps them equal).
MATHJAX_VERSION = "3.2.2"
MATHJAX_CDN = f"https://cdn.jsdelivr.net/npm/mathjax@{MATHJAX_VERSION}/es5/tex-chtml.js"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# <link ... href="https://.../font-awesome/4.x/css/font-awesome.min.css"> as matplotlib writes it.
FONT_AWESOME_4_CDN = re.compile(
    r"<link\b[^>]*\bhref=\"https?://[^\"]*/font-awesome/4\.[^\"]*\.css\"[^>]*>\s*", re.IGNORECASE
)

logger = logging.getLogger(__name__)


def mathjax_source(config, confdir):
    """The site's own MathJax if `make assets` fetched it, else the same version on its CDN."""
    for static in config.html_static_path:
        if (Path(confdir) / static / config.mathjax_path).is_file():
            return config.mathjax_path
    return MATHJAX_CDN


def choose_mathjax(app, config):
    source = mathjax_source(config, app.confdir)
    if source != config.mathjax_path:
        logger.info(
            f"offline_html: {config.mathjax_path} is missing (`make assets` fetches it with npm); "
            f"the pages load MathJax {MATHJAX_VERSION} from {MATHJAX_CDN} instead, so reading them needs a network"
        )
        config.mathjax_path = source


def _script_key(script):
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {})
    return (str(filename), getattr(script, "priority", 500), tuple(sorted(attributes.items())))


def offline_page(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        unique = {}
        for script in context["script_files"]:
            if getattr(script, "attributes", {}).get("type") != WIDGET_STATE:
                unique.setdefault(_script_key(script), script)
        context["script_files"] = list(unique.values())
    if "body" in context:
        context["body"] = FONT_AWESOME_4_CDN.sub("", context["body"])


def setup(app):
    app.connect("config-inited", choose_mathjax)
    # Late (priority 900), after myst-nb has added the widget scripts of the page.
    app.connect("html-page-context", offline_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
