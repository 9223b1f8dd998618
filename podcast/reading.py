"""Sources -> text: article files, saved pages and http(s):// URLs, decoded once, one way.

Every way a source can be unusable (missing, a folder, a FIFO or device, empty, binary, an unknown
encoding, too big, a URL that fails, loops, trickles or answers with something that is not text)
ends in one ArticleError line naming it. What comes out is a `Text`: the article's text and
whether it is Markdown (a ``.md`` file, a ``text/markdown`` answer, or an HTML page, which
trafilatura turns into Markdown with its headings kept) or plain text read line by line.

A web page wraps its article in navigation, sidebars, cookie banners, ads and a footer. Finding
the article among them is a solved problem, so trafilatura does it.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from podcast.errors import ArticleError

MAX_ARTICLE_BYTES = 5_000_000
"""Far above any article; a bigger file is a mistake (a video, a database, a book)."""
FETCH_TIMEOUT = 20.0  # seconds for the whole fetch: a server trickling bytes cannot hold a build
MAX_PAGE_BYTES = 10_000_000  # far above an article page with its markup; more is not one
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # Unicode's Cc but \t \n \f \r
_USER_AGENT = "podcast-digest (+https://pypi.org/project/podcast-digest/)"


@dataclass(frozen=True)
class Text:
    """A source's text, and whether it is Markdown (else plain text, read line by line)."""

    text: str
    markdown: bool


@dataclass(frozen=True)
class Page:
    """What a URL answered: its text, and whether that text is HTML."""

    text: str
    html: bool


def is_url(source: str) -> bool:
    """
    >>> is_url("https://example.org/post"), is_url("HTTP://example.org"), is_url("notes/post.html")
    (True, True, False)
    """
    return source.lower().startswith(("http://", "https://"))


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML document (a saved page), whatever its file is called.

    >>> looks_like_html("<!DOCTYPE html><html><body>x</body></html>"), looks_like_html("# A title")
    (True, False)
    """
    return _HTML_START.match(text[:2000]) is not None


def title_from_name(source: str | Path) -> str:
    """A title for an article that has none, from its file or URL name, in title case.

    >>> title_from_name(Path("notes/zuckerberg-bloomberg-interview.txt"))
    'Zuckerberg Bloomberg Interview'
    >>> title_from_name("https://example.org/blog/five_habits-of-AI.html?ref=feed")
    'Five Habits of AI'
    >>> title_from_name("https://example.org/"), title_from_name(Path("2024-notes.md"))
    ('Example', '2024 Notes')
    """
    if is_url(str(source)):
        parts = urlsplit(str(source))
        name = Path(unquote(parts.path).strip("/")).stem or parts.hostname.removeprefix("www.").split(".")[0]
    else:
        name = Path(source).stem
    words = re.sub(r"[_\-.+]+", " ", name).split()
    small = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "vs"}
    titled = [
        word if not word.islower() else word if i and word in small else word[0].upper() + word[1:]
        for i, word in enumerate(words)
    ]
    return " ".join(titled) or "Untitled"


def read_source(source: str | Path) -> Text:
    """The text of a file (text, Markdown, HTML) or an http(s):// URL, refusing what is not one."""
    if isinstance(source, Path) or not is_url(source):
        return read_file(Path(source))
    page = fetch(source)
    if page.html:
        return Text(html_to_markdown(page.text, source), True)
    return Text(page.text, not urlsplit(source).path.lower().endswith(".txt") and is_markdown(page.text))


def read_file(path: Path) -> Text:
    """A regular file of at most 5 MB: UTF-8 (BOM or not), UTF-16 with a BOM, else plainly
    Windows-1252 text. A FIFO or a device is refused before it is opened: reading one may never end."""
    try:
        if path.is_dir():
            raise ArticleError(f"{path}: is a folder, not an article file")
        # Opened without blocking (a FIFO with no writer would wait for ever), then checked.
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            status = os.fstat(file.fileno())
            mode = status.st_mode
            if not stat.S_ISREG(mode):
                kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket"
                raise ArticleError(f"{path}: is {kind}, not a regular file; save the article to a file")
            data = file.read(MAX_ARTICLE_BYTES + 1)
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except OSError as error:
        raise ArticleError(f"{path}: cannot read it ({error.strerror or error})") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{path}: is {status.st_size / 1e6:.1f} MB; an article must be at most 5 MB of text")
    if not data:
        raise ArticleError(f"{path}: the file is empty")
    text = decode(data, str(path))
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES or looks_like_html(text):
        return Text(html_to_markdown(text, str(path)), True)
    return Text(text, suffix != ".txt" and is_markdown(text))


_MARKDOWN_SIGNS = re.compile(
    r"^ {0,3}(?:#{1,6}[ \t]|```|~~~|[-=]{3,}[ \t]*$|[-*+][ \t]+\S|\d{1,3}[.)][ \t]+\S)"  # blocks
    r"|\]\(|`[^`\n]+`|<[a-zA-Z/!][^>\n]*>|&(?:[a-zA-Z]+|#\d+);",  # links, code, HTML, entities
    re.MULTILINE,
)


def is_markdown(text: str) -> bool:
    """Whether a text that is not a .txt file is written in Markdown: a heading, a fence, a list,
    a link, code, HTML or an entity. A text with none of them (at most some ``**bold**``) is read
    as plain text, line by line, as a writer who typed it so meant it.

    >>> is_markdown("Title\\n\\n## One\\n\\nText."), is_markdown("Title\\n**One**\\nText.")
    (True, False)
    """
    return _MARKDOWN_SIGNS.search(text) is not None


def decode(data: bytes, origin: str, charset: str | None = None) -> str:
    """Bytes -> text, refusing what is not text rather than reading noise aloud.

    A declared charset (a server's) is used when the bytes decode with it; otherwise, as for a
    file: UTF-16 with a BOM, UTF-8, or plainly Windows-1252 text.
    """
    if charset:
        try:
            return _refuse_binary(data.decode(charset), data, origin)
        except (UnicodeDecodeError, LookupError):
            pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        try:
            return _refuse_binary(data.decode("utf-16"), b"", origin)
        except UnicodeDecodeError:
            raise ArticleError(f"{origin}: damaged UTF-16 text; save it as UTF-8") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        windows = _windows_1252(data)
        if windows is None:
            _refuse_binary(bytes(b for b in data if b < 0x80).decode("ascii"), data, origin)
            raise ArticleError(
                f"{origin}: unknown text encoding (neither UTF-8 nor Windows-1252); save it as UTF-8"
            ) from None
        text = windows
    return _refuse_binary(text, data, origin)


def _refuse_binary(text: str, data: bytes, origin: str) -> str:
    """The text, unless the bytes were plainly not text: NUL bytes, or mostly control characters."""
    if b"\x00" in data:
        raise ArticleError(f"{origin}: looks like a binary file (it contains NUL bytes), not a text article")
    if _mostly_control(text):
        raise ArticleError(f"{origin}: looks like a binary file (mostly control characters), not a text article")
    return text


def _windows_1252(data: bytes) -> str | None:
    """Decode bytes that are plainly Windows-1252 (or Latin-1) text, else None.

    Western text in that encoding is mostly ASCII with the odd accented letter or curly quote;
    other encodings (Shift-JIS, GBK, ...) decode to runs of symbols, and damaged UTF-8 still holds
    valid multi-byte sequences (which would be read as "â€™" noise).

    >>> _windows_1252("We met at a café – “naïve” was the word.".encode("cp1252"))
    'We met at a café – “naïve” was the word.'
    >>> _windows_1252("日本語の記事です".encode("shift_jis")) is None
    True
    >>> _windows_1252("café".encode("utf-8") + b"\\xff") is None
    True
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if any(ord(c) > 127 and c != "\ufffd" for c in data.decode("utf-8", "replace")):
        return None
    visible = [c for c in text if not c.isspace()]
    return text if sum(ord(c) > 127 for c in visible) <= 0.2 * len(visible) else None


def _mostly_control(text: str) -> bool:
    """More than 5% control characters (other than newline, tab and form feed): a binary file
    that happened to decode.

    >>> _mostly_control("plain text\\n\\twith a tab"), _mostly_control("\\x01\\x02ab\\x1b")
    (False, True)
    """
    return len(_CONTROL.findall(text)) > 0.05 * len(text)


def html_to_markdown(html: str, origin: str) -> str:
    """The main text of a page as Markdown: its headings as ``#`` lines, its lists as bullets.

    The page's <title> stands in for the article's own ``#`` heading when the extracted text
    has none, so the episode is still named after the article.
    """
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    options = dict(output_format="markdown", include_formatting=True, include_links=False, include_images=False,
                   include_tables=False, include_comments=False, deduplicate=False)
    text = trafilatura.extract(html, **options)
    if text and not _MARKDOWN_HEADING.search(text) and _HTML_HEADING.search(html):
        # A page with no <article> or <main> around its text (a Google Docs or other editor's
        # export, a hand-written page) is read by trafilatura's fallback, which keeps the
        # paragraphs but drops every heading; reading for recall keeps them.
        recalled = trafilatura.extract(html, favor_recall=True, **options)
        text = recalled if recalled and _MARKDOWN_HEADING.search(recalled) else text
    if not text or not text.strip():
        raise ArticleError(f"{origin}: found no article text in this HTML page")
    if not text.lstrip().startswith("# "):
        metadata = trafilatura.extract_metadata(html)
        if metadata is not None and metadata.title:
            text = f"# {metadata.title}\n\n{text}"
    return text


_MARKDOWN_HEADING = re.compile(r"^#{2,6} ", re.MULTILINE)
_HTML_HEADING = re.compile(r"<h[2-6][\s>]", re.IGNORECASE)


def fetch(url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_PAGE_BYTES) -> Page:
    """GET a page within `timeout` seconds in all, refusing what is not an article page with one
    line naming the URL.

    The fetch runs in a daemon thread that the caller stops waiting for at the deadline: a
    server that answers a byte every few seconds (each read on time) cannot hold a build.
    """
    outcome: list[Page | ArticleError] = []
    worker = threading.Thread(target=lambda: outcome.append(_fetch(url, timeout, max_bytes)), daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise ArticleError(f"{url}: no answer within {timeout:g} s")
    if isinstance(outcome[0], ArticleError):
        raise outcome[0]
    return outcome[0]


def _fetch(url: str, timeout: float, max_bytes: int) -> Page | ArticleError:
    try:
        return _get(url, timeout, max_bytes)
    except ArticleError as error:
        return error


def _get(url: str, timeout: float, max_bytes: int) -> Page:
    # Imported here: only a URL needs them, and http.client (with ssl and email) is a fifth of
    # a warm rebuild's start-up.
    import http.client
    import socket
    import urllib.error
    import urllib.request

    too_big = f"{url}: is more than {max_bytes:,} bytes, too big for an article page"
    try:
        request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT, "Accept": "text/html, text/plain"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if kind not in _HTML_TYPES + _TEXT_TYPES:
                raise ArticleError(f"{url}: is {kind}, not an HTML page or a text article")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ArticleError(too_big)
            data = response.read(max_bytes + 1)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            raise ArticleError(f"{url}: redirects in a loop or too many times (last answer {error.code})") from None
        raise ArticleError(f"{url}: the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise ArticleError(f"{url}: no answer within {timeout:g} s") from None
        raise ArticleError(f"{url}: cannot fetch it ({_first_line(getattr(reason, 'strerror', None) or reason)})") from None
    except (TimeoutError, socket.timeout):
        raise ArticleError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as error:  # a reset connection, a malformed URL or answer
        raise ArticleError(f"{url}: cannot fetch it ({_first_line(error)})") from None
    if len(data) > max_bytes:
        raise ArticleError(too_big)
    if not data.strip():
        raise ArticleError(f"{url}: the page is empty")
    return Page(decode(data, url, charset), kind in _HTML_TYPES)


def _first_line(reason: object) -> str:
    """
    >>> _first_line("refused\\nmore")
    'refused'
    """
    return str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
