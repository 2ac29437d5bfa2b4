"""The book in a real browser, with no network: Debian's Chromium, driven by Playwright.

The session's strict build of the book (tests/book_build.py) is served from 127.0.0.1.
Every request to any other host is aborted and fails the test, so a pass also says that
the book reads offline (MathJax, require.js and the widget manager come from the site).

On every page of the table of contents:

- the page answers HTTP 200, and nothing fails: no console error, no uncaught script
  error, no request answered 4xx/5xx, no request leaving the machine;
- every math expression is rendered by MathJax (an ``mjx-container`` in each, no MathJax
  error box), and no raw ``$$``, ``\\(``, ``\\)``, ``\\[`` or ``\\]`` is left in the text;
- every image has loaded (natural width > 0), and every figure of the text has alt text
  and a caption;
- every saved widget is drawn exactly once;
- every internal link resolves: the target answers 200 and has the ``#fragment`` it names;
- every exercise solution is collapsed, and opens when its title is clicked;
- in the theme's dark mode, figures keep their colours on white (no dimming filter).

And the search page finds "reset gate".

Playwright's own browser download does not work on the project's machines and is not
needed: Chromium is Debian's (``make test`` installs it), at ``/usr/bin/chromium``.
"""

import functools
import html as html_lib
import http.server
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from book_build import toc_pages

pytest_plugins = ["book_build"]

CHROMIUM = Path("/usr/bin/chromium")
# Flags known to work headless on the project's machines (shared/GUIDE.md). Playwright
# adds --headless and gives every launch a fresh, empty user-data dir.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 20_000


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    """The built HTML, served on an ephemeral port of 127.0.0.1."""
    _, html = built_book
    if not (html / "index.html").is_file():
        pytest.fail("the book did not build (see test_book.py), so there is nothing to browse")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python Playwright is not installed: run `make test`, which installs requirements.txt")
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test` (or `.ci/run`), which installs Debian's chromium "
            "with apt-get; Playwright's own browser download is not used"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Tab:
    """A fresh browser context and page that records everything that goes wrong."""

    def __init__(self, browser):
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("response", self._response)

    def _route(self, route):
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.problems.append(f"request off this machine (blocked): {route.request.url}")
            route.abort()

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text} (at {message.location.get('url')})")

    def close(self):
        self.context.close()


@pytest.fixture
def tab(browser):
    opened = []

    def open_tab():
        opened.append(Tab(browser))
        return opened[-1]

    yield open_tab
    for t in opened:
        t.close()


@pytest.fixture(scope="module")
def fetch(site):
    """GET a URL of the site once: (status, text)."""
    cache: dict[str, tuple[int, str]] = {}

    def get(url):
        if url not in cache:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    cache[url] = (response.status, response.read().decode("utf-8", "replace"))
            except urllib.error.HTTPError as error:
                cache[url] = (error.code, "")
                error.close()
        return cache[url]

    return get


MATH = r"""() => {
  const maths = [...document.querySelectorAll('.math')];
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    if (/\$\$|\\\(|\\\)|\\\[|\\\]/.test(node.textContent)) raw.push(node.textContent.trim().slice(0, 100));
  }
  return {
    count: maths.length,
    unrendered: maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 100)),
    errors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 100)),
    raw,
  };
}"""

IMAGES = r"""() => {
  const problems = [];
  for (const img of document.images) {
    if (!(img.complete && img.naturalWidth > 0)) problems.push('not loaded: ' + (img.currentSrc || img.src).slice(-80));
  }
  for (const img of document.querySelectorAll('article img')) {
    // Frames of a saved widget or a matplotlib animation are drawn by their own scripts.
    if (img.closest('.widget-subarea, .text_html')) continue;
    const name = img.src.slice(-60);
    if (!(img.getAttribute('alt') || '').trim()) problems.push('no alt text: ' + name);
    const caption = img.closest('figure')?.querySelector('figcaption')?.textContent || '';
    if (!caption.trim()) problems.push('no caption: ' + name);
  }
  return problems;
}"""

WIDGETS = r"""() => {
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  return {
    views: views.length,
    areas: document.querySelectorAll('.widget-subarea').length,
    drawn: views.filter(v => v.previousElementSibling?.classList.contains('widget-subarea')
                              && v.previousElementSibling.querySelector('.jupyter-widgets')).length,
  };
}"""

DARK_FIGURES = r"""() => {
  document.documentElement.dataset.theme = 'dark';  // what the theme's button does
  const problems = [];
  for (const img of document.querySelectorAll('.cell_output img, figure img')) {
    const style = getComputedStyle(img);
    if (style.filter !== 'none') problems.push('dimmed in dark mode (' + style.filter + '): ' + img.src.slice(-60));
    if (style.backgroundColor !== 'rgb(255, 255, 255)')
      problems.push('not on white in dark mode (' + style.backgroundColor + '): ' + img.src.slice(-60));
  }
  document.documentElement.dataset.theme = 'light';
  return problems;
}"""


def wait_for(page, condition: str, what: str) -> list[str]:
    """Wait until the JavaScript ``condition`` holds; a problem saying ``what`` did not happen if it never does."""
    try:
        page.wait_for_function(condition, timeout=10_000)
    except Exception as error:
        if type(error).__name__ != "TimeoutError":
            raise
        return [f"{what} (waited 10 s)"]
    return []


def check_math(page) -> list[str]:
    if page.locator(".math").count():
        if problems := wait_for(page, "() => window.MathJax?.startup?.promise", "MathJax never started"):
            return problems
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
    math = page.evaluate(MATH)
    problems = [f"math not rendered by MathJax: {text}" for text in math["unrendered"]]
    problems += [f"MathJax error: {text}" for text in math["errors"]]
    problems += [f"raw TeX left in the text: {text}" for text in math["raw"]]
    if math["count"] and not page.locator("mjx-container").count():
        problems.append("the page has math but no mjx-container")
    return problems


def check_images(page) -> list[str]:
    page.evaluate("() => { for (const img of document.images) img.loading = 'eager'; }")
    problems = wait_for(page, "() => [...document.images].every(img => img.complete)", "images still loading")
    return problems + page.evaluate(IMAGES)


def check_widgets(page) -> list[str]:
    views = page.evaluate(WIDGETS)["views"]
    if not views:
        return []
    drawn = f"() => document.querySelectorAll('.widget-subarea .jupyter-widgets').length >= {views}"
    if problems := wait_for(page, drawn, f"{views} saved widget(s) never drawn"):
        return problems
    page.wait_for_timeout(300)  # a duplicated manager would draw its copies by now
    widgets = page.evaluate(WIDGETS)
    if widgets["areas"] != views or widgets["drawn"] != views:
        return [f"{views} saved widget(s), {widgets['areas']} drawn, {widgets['drawn']} in place: {widgets}"]
    return []


def check_links(page, site, fetch) -> list[str]:
    problems = []
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    for href in sorted(set(hrefs)):
        if not href.startswith(site):
            continue  # launch buttons, the repository, references: not this site
        target, fragment = urldefrag(href)
        status, text = fetch(target)
        if status != 200:
            problems.append(f"link to {href} answers HTTP {status}")
        elif fragment and not any(f'{attr}="{html_lib.escape(unquote(fragment))}"' in text for attr in ("id", "name")):
            problems.append(f"link to {href}: no #{unquote(fragment)} on that page")
    return problems


def check_solutions(page) -> list[str]:
    problems = []
    solutions = page.locator(".solution")
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        name = solution.get_attribute("id") or f"solution {i + 1}"
        if solution.evaluate("e => e.tagName") == "DETAILS":
            title, body = solution.locator("summary").first, solution.locator(":scope > :not(summary)").first
        else:
            title = solution.locator(".admonition-title").first
            body = solution.locator(":scope > :not(.admonition-title)").first
        if body.is_visible():
            problems.append(f"{name} is shown before it is asked for")
            continue
        title.click()
        try:
            body.wait_for(state="visible", timeout=3000)
        except Exception:
            problems.append(f"{name} does not open when its title is clicked")
    return problems


@pytest.mark.parametrize("page_name", toc_pages())
def test_page_reads_well_offline(tab, site, fetch, page_name):
    t = tab()
    page = t.page
    response = page.goto(f"{site}{page_name}.html", wait_until="load")
    assert response is not None and response.status == 200, page_name
    problems = check_math(page)
    problems += check_images(page)
    problems += check_widgets(page)
    problems += check_links(page, site, fetch)
    problems += page.evaluate(DARK_FIGURES)
    problems += check_solutions(page)
    page.wait_for_timeout(100)
    problems += t.problems
    assert not problems, f"{page_name}:\n" + "\n".join(problems)


def test_front_page_leads_to_the_first_page(tab, site):
    t = tab()
    t.page.goto(site, wait_until="load")
    t.page.wait_for_url(f"{site}{toc_pages()[0]}.html")
    assert not t.problems, "\n".join(t.problems)


def test_search_finds_reset_gate(tab, site):
    t = tab()
    t.page.goto(f"{site}search.html?q=reset+gate", wait_until="load")
    results = t.page.locator("#search-results ul.search li a")
    results.first.wait_for()
    found = {urlparse(href).path.removesuffix(".html") for href in results.evaluate_all("as => as.map(a => a.href)")}
    assert found & {f"/{page}" for page in toc_pages()}, found
    assert not t.problems, "\n".join(t.problems)
