"""HTML pages and http(s):// URLs -> the article's text as Markdown, for the takeaway parser.

A web page wraps its article in navigation, sidebars, cookie banners, ads and a footer. Finding
the article among them is a solved problem, so trafilatura does it; asking it for Markdown keeps
the headings (``## ...``), which is what tells the parser where each takeaway starts. Fetching is
urllib with a timeout and a size cap: a URL that does not answer, answers with an error, is not a
page or is far too big ends in one ArticleError line naming it.
"""

from __future__ import annotations

import re
import http.client
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

from podcast.errors import ArticleError

FETCH_TIMEOUT = 20.0  # seconds without an answer before a fetch is given up
MAX_PAGE_BYTES = 10_000_000  # far above an article page with its markup; more is not one
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_USER_AGENT = "podcast-digest (+https://pypi.org/project/podcast-digest/)"


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


def html_to_markdown(html: str, origin: str) -> str:
    """The main text of a page as Markdown: its headings as ``#`` lines, its lists as bullets.

    The page's <title> stands in for the article's own ``#`` heading when the extracted text
    has none, so the episode is still named after the article.
    """
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    text = trafilatura.extract(
        html,
        output_format="markdown",
        include_formatting=True,
        include_links=False,
        include_images=False,
        include_tables=False,
        include_comments=False,
        deduplicate=False,
    )
    if not text or not text.strip():
        raise ArticleError(f"{origin}: found no article text in this HTML page")
    if not text.lstrip().startswith("# "):
        metadata = trafilatura.extract_metadata(html)
        if metadata is not None and metadata.title:
            text = f"# {metadata.title}\n\n{text}"
    return text


def fetch(url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_PAGE_BYTES) -> Page:
    """GET a page, refusing what is not an article page with one line naming the URL."""
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
        raise ArticleError(f"{url}: the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise ArticleError(f"{url}: no answer within {timeout:g} s") from None
        raise ArticleError(f"{url}: cannot fetch it ({getattr(reason, 'strerror', None) or reason})") from None
    except (TimeoutError, socket.timeout):
        raise ArticleError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as error:  # a reset connection, a malformed URL or answer
        raise ArticleError(f"{url}: cannot fetch it ({error})") from None
    if len(data) > max_bytes:
        raise ArticleError(too_big)
    if not data.strip():
        raise ArticleError(f"{url}: the page is empty")
    try:
        text = data.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        text = data.decode("cp1252", "replace")
    return Page(text, kind in _HTML_TYPES)
