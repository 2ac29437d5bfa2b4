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
- every display equation fits the text column at laptop width (1280 px): none scrolls;
- every explorer draws itself with the book's script: moving each of its controls
  redraws it, and the numbers it computes equal gru_course's for that setting;
- every internal link resolves: the target answers 200 and has the ``#fragment`` it names;
- every exercise solution is collapsed, and opens when its title is clicked;
- in the theme's dark mode, figures keep their colours on white (no dimming filter).

At phone width (390 px), no page scrolls sideways as a whole (an equation or a code block
may scroll inside its own box). And the search page finds "reset gate".

Chromium is Debian's (``make test`` installs it with apt-get where apt-get exists), at
``/usr/bin/chromium``, or else the one that ``playwright install chromium`` downloads.
Without either the test skips with a message, except in CI (``CI`` set), where it fails.
"""

import functools
import html as html_lib
import http.server
import os
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import numpy as np
import pytest

from book_build import toc_pages
from gru_course import explorers

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


def find_chromium(playwright):
    """Debian's Chromium, or the one `playwright install chromium` fetched; None if neither."""
    if CHROMIUM.is_file():
        return CHROMIUM
    bundled = Path(playwright.chromium.executable_path)
    return bundled if bundled.is_file() else None


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python Playwright is not installed: run `make test`, which installs requirements.txt")
    with sync_playwright() as playwright:
        executable = find_chromium(playwright)
        if executable is None:
            how = (
                f"no Chromium: install Debian's (`apt-get install chromium`, at {CHROMIUM}) or Playwright's "
                "(`.venv/bin/playwright install chromium`)"
            )
            if os.environ.get("CI"):
                pytest.fail(how)
            pytest.skip(how + "; the browser test runs whenever one is there, and always in CI")
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Tab:
    """A fresh browser context and page that records everything that goes wrong."""

    def __init__(self, browser, width=1280, height=900):
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
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

    def open_tab(**viewport):
        opened.append(Tab(browser, **viewport))
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

EQUATIONS_THAT_SCROLL = r"""() => [...document.querySelectorAll('mjx-container[display="true"]')]
  .filter(m => m.scrollWidth > m.clientWidth + 1)
  .map(m => `${m.scrollWidth - m.clientWidth}px too wide: ${(m.querySelector('mjx-assistive-mml')
    ?.textContent || m.textContent).slice(0, 80)}`)"""

WIDER_THAN_THE_SCREEN = r"""() => {
  const scrolls = e => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX);
  const wide = [];
  for (const e of document.body.querySelectorAll('*')) {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= window.innerWidth + 1) continue;
    let inside = false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (scrolls(a)) { inside = true; break; }
    }
    const name = `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`;
    if (!inside) wide.push(`${name} ends at ${Math.round(box.right)}px`);
  }
  return {page: document.documentElement.scrollWidth, screen: window.innerWidth, wide: wide.slice(0, 5)};
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


def close(got, expected):
    """Do the page's numbers equal the package's (to rounding)?"""
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(close(got.get(key), value) for key, value in expected.items())
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    scale = max(np.abs(expected).max(initial=0.0), 1e-300)
    return got.shape == expected.shape and bool(np.abs(got - expected).max(initial=0.0) <= 1e-9 * scale)


def check_explorers(page) -> list[str]:
    """Every explorer is drawn; each control redraws it; its numbers are the package's."""
    count = page.locator("figure.gc-explorer").count()
    if not count:
        return []
    if problems := wait_for(
        page, f"() => document.querySelectorAll('.gc-live').length === {count}", "an explorer never drew itself"
    ):
        return problems
    problems = []
    for i in range(count):
        figure = page.locator("figure.gc-explorer").nth(i)
        kind = figure.get_attribute("data-kind")
        for control in figure.evaluate("f => f.gcExplorer.controls()"):
            values = control["options"] if "options" in control else [control["min"], control["max"]]
            for value in (values[0], values[-1]):
                before = figure.evaluate("f => f.querySelector('svg').innerHTML")
                state = figure.evaluate(
                    "(f, [name, value]) => { f.gcExplorer.set(name, value); return f.gcExplorer.state; }",
                    [control["name"], value],
                )
                after = figure.evaluate("f => f.querySelector('svg').innerHTML")
                if value != control["value"] and before == after:
                    problems.append(f"{kind}: moving {control['name']} to {value} did not redraw it")
                expected = explorers.PAGE_NUMBERS[kind](**state["values"])
                if not close(state["numbers"], expected):
                    problems.append(f"{kind}: at {state['values']} its numbers differ from gru_course's")
            figure.evaluate("(f, [name, value]) => f.gcExplorer.set(name, value)", [control["name"], control["value"]])
    return problems


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
    problems += page.evaluate(EQUATIONS_THAT_SCROLL)
    problems += check_images(page)
    problems += check_explorers(page)
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


@pytest.mark.parametrize("page_name", toc_pages())
def test_page_reads_on_a_phone_without_scrolling_sideways(tab, site, page_name):
    t = tab(width=390, height=844)
    t.page.goto(f"{site}{page_name}.html", wait_until="load")
    check_math(t.page)
    layout = t.page.evaluate(WIDER_THAN_THE_SCREEN)
    assert layout["page"] <= layout["screen"] + 1, f"{page_name} scrolls sideways at 390 px: {layout['wide']}"
    assert not t.problems, "\n".join(t.problems)


def test_every_explorer_of_the_package_is_in_the_book(built_book):
    kinds = set()
    for page in toc_pages():
        kinds |= set(
            re.findall(r'class="gc-explorer" data-kind="([\w-]+)"', (built_book.html / f"{page}.html").read_text())
        )
    assert kinds == set(explorers.PAGE_NUMBERS)
