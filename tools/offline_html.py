"""A small Sphinx extension (loaded from _config.yml) that keeps the HTML book offline and error-free.

Two fixes, applied to each page as it is written:

- Sphinx 7.4 writes an inline script that an extension added during the build twice
  (``None`` and ``""`` count as different file names), and sphinx-thebe's one declares
  ``const THEBE_JS_URL``: the second copy is a SyntaxError on every page. Identical
  scripts are written once.
- Matplotlib's ``to_jshtml`` animations link Font Awesome 4's stylesheet from a CDN.
  The theme's own Font Awesome already draws those buttons' icons, so the link is
  dropped: a reader without a network asks for nothing it cannot have.
"""

import re

# <link ... href="https://.../font-awesome/4.x/css/font-awesome.min.css"> as matplotlib writes it.
FONT_AWESOME_4_CDN = re.compile(
    r"<link\b[^>]*\bhref=\"https?://[^\"]*/font-awesome/4\.[^\"]*\.css\"[^>]*>\s*", re.IGNORECASE
)


def _script_key(script):
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {})
    return (str(filename), getattr(script, "priority", 500), tuple(sorted(attributes.items())))


def offline_page(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        unique = {}
        for script in context["script_files"]:
            unique.setdefault(_script_key(script), script)
        context["script_files"] = list(unique.values())
    if "body" in context:
        context["body"] = FONT_AWESOME_4_CDN.sub("", context["body"])


def setup(app):
    # Late (priority 900), after myst-nb has added the widget scripts of the page.
    app.connect("html-page-context", offline_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
