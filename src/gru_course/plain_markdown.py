"""From the book's MyST markdown to plain Jupyter markdown, numbered as the book is.

The HTML book is written in MyST: roles (``{eq}`label```, ``{doc}`page```,
``{cite}`key```, ``{numref}`figure```), labelled equations (``$$ ... $$ (label)``),
and the ``exercise`` / ``solution`` directives. Jupyter and Colab show all of
that as raw text. :class:`Book` reads the table of contents and every notebook
once, and numbers chapters, equations, figures and exercises exactly as the
HTML book does (chapter 3's second labelled equation is (3.2); an appendix's
are (1), (2), ...). :meth:`Book.plain` then rewrites a markdown text for
Jupyter: an equation reference becomes "(3.2)" and its equation carries
``\\tag{3.2}``; a page reference becomes a link to the notebook (or to the
published page); a citation becomes "(Williams and Peng, 1990)"; an exercise
becomes a bold "Exercise 3.2" paragraph. Anything else in MyST syntax raises
:class:`ValueError`, so that a new construct cannot slip into a student's
notebook unconverted.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROLE = re.compile(r"\{([a-z-]+)\}`([^`]*)`")
LABELLED_EQUATION = re.compile(r"\$\$(.*?)\$\$[ \t]*\(([\w:.-]+)\)[ \t]*$", re.S | re.M)
DIRECTIVE = re.compile(
    r"^(:{3,}|`{3,})\{([a-z-]+)\}[ \t]*([^\n]*)\n((?::[\w-]+:[^\n]*\n)*)(.*?)^\1[ \t]*$", re.S | re.M
)
KIND = re.compile(r"^\(([A-Z][a-z]+(?: and [a-z]+)?), (\d+) points?\.\)\s*", re.M)


@dataclass
class Directive:
    """One MyST directive in a markdown text."""

    name: str
    argument: str
    options: dict
    body: str
    start: int
    end: int


def directives(text):
    """The top-level directives of a markdown text, in order."""
    found = []
    for match in DIRECTIVE.finditer(text):
        options = dict(re.findall(r"^:([\w-]+):[ \t]*([^\n]*)$", match.group(4), re.M))
        found.append(
            Directive(
                match.group(2), match.group(3).strip(), options, match.group(5).strip("\n"), match.start(), match.end()
            )
        )
    return found


def exercise_kind(statement):
    """(kind, points) from an exercise statement that starts "(Derive, 2 points.)"."""
    match = KIND.match(statement.strip())
    if match is None:
        raise ValueError(
            f"an exercise must start with its kind and points, e.g. '(Derive, 2 points.)'; got "
            f"{statement.strip()[:60]!r}"
        )
    return match.group(1), int(match.group(2))


@dataclass
class Book:
    """Chapter, equation, figure and exercise numbers of the book, and its citations.

    root: the folder of ``_config.yml`` and ``_toc.yml``.
    """

    root: Path
    chapters: dict = field(default_factory=dict)  # page -> chapter number, or None for an unnumbered page
    titles: dict = field(default_factory=dict)  # page -> title
    equations: dict = field(default_factory=dict)  # label -> (page, number)
    figures: dict = field(default_factory=dict)  # name -> (page, number)
    exercises: dict = field(default_factory=dict)  # label -> (page, number)
    citations: dict = field(default_factory=dict)  # key -> "Williams and Peng, 1990"
    url: str = ""  # the published book, for pages that are not notebooks

    @classmethod
    def read(cls, root):
        root = Path(root)
        book = cls(root)
        config = yaml.safe_load((root / "_config.yml").read_text())
        book.url = config.get("html", {}).get("baseurl", "").rstrip("/")
        chapter = 0
        for page, numbered in _toc_pages(yaml.safe_load((root / "_toc.yml").read_text())):
            if numbered:
                chapter += 1
            book.chapters[page] = chapter if numbered else None
            path = root / f"{page}.ipynb"
            cells = json.loads(path.read_text())["cells"] if path.is_file() else []
            markdown = _markdown_of(root, page, cells)
            book.titles[page] = re.search(r"^# (.+)$", markdown, re.M).group(1).strip()
            book._number(page, markdown, cells)
        for bib in config.get("bibtex_bibfiles", []):
            book.citations.update(_citations((root / bib).read_text()))
        return book

    def _number(self, page, markdown, cells):
        prefix = "" if self.chapters[page] is None else f"{self.chapters[page]}."
        for k, match in enumerate(LABELLED_EQUATION.finditer(markdown), 1):
            self.equations[match.group(2)] = (page, f"{prefix}{k}")
        figures = [c["metadata"]["mystnb"]["figure"] for c in cells if "figure" in c["metadata"].get("mystnb", {})]
        for k, figure in enumerate(figures, 1):
            self.figures[figure.get("name", f"{page}-figure-{k}")] = (page, f"{prefix}{k}")
        labels = [d.options.get("label") for d in directives(markdown) if d.name == "exercise"]
        for k, label in enumerate(labels, 1):
            self.exercises[label] = (page, f"{prefix}{k}")

    def figure_number(self, page, k):
        """The number of the k-th figure (from 1) of a page, as the book shows it."""
        prefix = "" if self.chapters[page] is None else f"{self.chapters[page]}."
        return f"{prefix}{k}"

    # -- rewriting ---------------------------------------------------------------------

    def plain(self, text, page):
        """``text`` (markdown of ``page``) in plain Jupyter markdown."""
        text = LABELLED_EQUATION.sub(lambda m: self._tagged(m, page), text)
        text = _replace_directives(text, self._directive)
        return ROLE.sub(lambda m: self._role(m.group(1), m.group(2), page), text)

    def _tagged(self, match, page):
        body = match.group(1).rstrip()
        return f"$${body}\n\\tag{{{self.equations[match.group(2)][1]}}}\n$$"

    def exercise_text(self, label, body, page):
        """An exercise's statement as the book numbers it: "**Exercise 3.2.** (Derive, ...) ..."."""
        return self.plain(f"**Exercise {self.exercises[label][1]}.** {body}", page)

    def _directive(self, directive):
        if directive.name == "exercise":
            return f"**Exercise {self.exercises[directive.options['label']][1]}.** {directive.body}"
        if directive.name == "solution":
            return f"**Solution.** {directive.body}"
        raise ValueError(f"no plain-markdown form for the MyST directive {{{directive.name}}}")

    def _role(self, role, content, page):
        if role == "eq":
            return f"({self.equations[content][1]})"
        if role == "numref":
            if content in self.exercises:
                return f"Exercise {self.exercises[content][1]}"
            return f"Fig. {self.figures[content][1]}"
        if role == "cite":
            cited = "; ".join(self.citations[key.strip()] for key in content.split(","))
            return f"[({cited})]({self.url}/book/references.html)"
        if role == "doc":
            match = re.fullmatch(r"(.*?)\s*<(.+)>", content)
            text, target = (match.group(1), match.group(2)) if match else (None, content)
            target = str(Path(page).parent / target) if "/" not in target else target
            link = Path(target).name + ".ipynb" if (self.root / f"{target}.ipynb").is_file() else None
            return f"[{text or self.titles[target]}]({link or f'{self.url}/{target}.html'})"
        raise ValueError(f"no plain-markdown form for the MyST role {{{role}}}")


def _replace_directives(text, render):
    pieces, position = [], 0
    for directive in directives(text):
        pieces += [text[position : directive.start], render(directive)]
        position = directive.end
    return "".join(pieces) + text[position:]


def _toc_pages(toc):
    """(page, numbered) for every page of a jb-book table of contents, in reading order."""
    yield toc["root"], False
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            yield chapter["file"], bool(part.get("numbered"))


def _markdown_of(root, page, cells):
    if cells:
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return (root / f"{page}.md").read_text()


def _citations(bibtex):
    """{key: "Author and Author, year"} from a BibTeX file (et al. beyond two authors)."""
    found = {}
    for key, body in re.findall(r"@\w+\{([^,\s]+),(.*?)\n\}", bibtex, re.S):
        authors = re.search(r"author\s*=\s*\{(.*?)\},?\s*\n", body, re.S).group(1)
        year = re.search(r"year\s*=\s*\{?(\d{4})", body).group(1)
        surnames = [_surname(name) for name in re.split(r"\s+and\s+", authors)]
        if len(surnames) > 2:
            names = f"{surnames[0]} et al."
        else:
            names = " and ".join(surnames)
        found[key] = f"{names}, {year}"
    return found


def _surname(name):
    name = re.sub(r"[{}\\\"']", "", name).strip()
    return name.split(",")[0].strip() if "," in name else name.split()[-1]
