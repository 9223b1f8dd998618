"""Fetching followed feeds politely, and reading their items.

A show checked from a timer asks the same servers the same question every few minutes, so every
request is conditional (ETag and Last-Modified from the last answer whose items were taken): a
304 costs the server one line and us no parsing. Each source has one overall deadline, however
slowly its server drips bytes, and every request names the project in its User-Agent.

RSS and Atom are read with feedparser; JSON Feed, which feedparser 6 does not read, is mapped
here (it is plain JSON with a documented item shape). A web page that is not a feed may
advertise one with <link rel="alternate">, which `discover` follows.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import urljoin

from podcast import __version__
from podcast.errors import SourceError

USER_AGENT = f"podcast-digest/{__version__} (+https://pypi.org/project/podcast-digest/; feed reader)"
DEADLINE = 30.0  # seconds one source may take, connection to last byte
MAX_FEED_BYTES = 20_000_000  # a feed of a few thousand full-text items; more is not a feed
_FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json", "application/xml", "text/xml",
)
_ACCEPT = ", ".join(_FEED_TYPES) + ", text/html;q=0.5"


@dataclass(frozen=True)
class Item:
    """One feed item. `key` (its id, else its link) and `link` both name the article."""

    key: str
    link: str
    title: str
    text: str  # the item's own text (full content, else summary), HTML or plain; may be empty
    html: bool
    published: datetime | None


@dataclass(frozen=True)
class Fetched:
    """A feed's answer: changed False for a 304 (no items then), items newest first."""

    url: str
    changed: bool
    title: str = ""
    items: tuple[Item, ...] = ()
    etag: str = ""
    modified: str = ""


@dataclass(frozen=True)
class _Answer:
    status: int
    kind: str
    data: bytes
    etag: str
    modified: str


def fetch_feed(url: str, etag: str = "", modified: str = "", deadline: float = DEADLINE) -> Fetched:
    """GET a feed, conditionally; its items, or changed=False when the server says 304."""
    headers = {"If-None-Match": etag} if etag else {}
    if modified:
        headers["If-Modified-Since"] = modified
    answer = _get(url, headers, deadline)
    if answer.status == 304:
        return Fetched(url, changed=False, etag=etag, modified=modified)
    title, items = parse_feed(answer.data, url, answer.kind)
    return Fetched(url, True, title, items, answer.etag, answer.modified)


def discover(url: str, deadline: float = DEADLINE) -> tuple[str, str]:
    """The feed `url` names: itself when it is a feed, else the feed its page advertises;
    returns (feed URL, feed title)."""
    answer = _get(url, {}, deadline)
    try:
        return url, parse_feed(answer.data, url, answer.kind)[0]
    except SourceError:
        if answer.kind not in ("text/html", "application/xhtml+xml"):
            raise
    finder = _AlternateFinder()
    finder.feed(answer.data.decode("utf-8", "replace"))
    if not finder.feeds:
        raise SourceError(f"{url}: neither a feed nor a page that names one (<link rel=\"alternate\">)")
    feed_url = urljoin(url, finder.feeds[0])
    return feed_url, parse_feed(_get(feed_url, {}, deadline).data, feed_url, "")[0]


def parse_feed(data: bytes, url: str, kind: str = "") -> tuple[str, tuple[Item, ...]]:
    """A feed's title and items, newest first (by date when every item has one, else as listed)."""
    if kind in ("application/feed+json", "application/json") or data.lstrip()[:1] == b"{":
        title, items = _json_feed(data, url)
    else:
        title, items = _xml_feed(data, url)
    if all(item.published for item in items):
        items = sorted(items, key=lambda item: item.published, reverse=True)  # type: ignore[arg-type, return-value]
    return title, tuple(items)


def _xml_feed(data: bytes, url: str) -> tuple[str, list[Item]]:
    import feedparser  # imported here: only `podcast update` and `follow` need it

    parsed = feedparser.parse(data)
    items = []
    for entry in parsed.entries:
        link = _absolute(url, entry.get("link"))
        key = entry.get("id", "").strip() or link
        if not key:
            continue  # an item naming no article cannot be told from the next
        content = entry.get("content") or []
        body = content[0] if content else entry.get("summary_detail") or {}
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(
            Item(
                key, link, entry.get("title", "").strip(), body.get("value", ""), "html" in body.get("type", "text/html"),
                datetime(*stamp[:6], tzinfo=timezone.utc) if stamp else None,
            )
        )
    if not items and (parsed.bozo or not parsed.get("version")):  # a broken feed may still yield items
        problem = parsed.get("bozo_exception") or "no RSS or Atom in it"
        raise SourceError(f"{url}: not a feed ({problem})")
    return parsed.feed.get("title", "").strip(), items


def _json_feed(data: bytes, url: str) -> tuple[str, list[Item]]:
    """JSON Feed 1.0/1.1: items with id, url, title, content_html or content_text, summary, date_published."""
    try:
        document = json.loads(data)
        if not str(document.get("version", "")).startswith("https://jsonfeed.org/version/"):
            raise ValueError("no jsonfeed.org version")
        items = []
        for entry in document.get("items", []):
            link = _absolute(url, entry.get("url"))
            key = str(entry.get("id") or "").strip() or link
            if not key:
                continue
            html = entry.get("content_html")
            text = html if html else entry.get("content_text") or entry.get("summary") or ""
            date = entry.get("date_published") or entry.get("date_modified")
            published = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else None
            items.append(Item(key, link, str(entry.get("title") or "").strip(), str(text), bool(html), published))
        return str(document.get("title", "")).strip(), items
    except (ValueError, AttributeError, TypeError) as error:
        raise SourceError(f"{url}: not a feed (JSON, but not JSON Feed: {error})") from None


def _absolute(feed_url: str, link: object) -> str:
    """An item's link made absolute against its feed's URL; empty when it has none.

    >>> _absolute("https://example.org/blog/feed.xml", " post-1.html "), _absolute("https://example.org/", None)
    ('https://example.org/blog/post-1.html', '')
    """
    text = str(link or "").strip()
    return urljoin(feed_url, text) if text else ""


def _get(url: str, headers: dict[str, str], deadline: float) -> _Answer:
    """GET `url` within `deadline` seconds in all; an HTTP error or a failure is one SourceError."""
    end = time.monotonic() + deadline
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT, **headers})
    try:
        with urllib.request.urlopen(request, timeout=deadline) as response:
            chunks, size = [], 0
            while chunk := response.read(65536):
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise SourceError(f"{url}: more than {MAX_FEED_BYTES:,} bytes, too big for a feed")
                if time.monotonic() > end:
                    raise TimeoutError
                chunks.append(chunk)
            return _Answer(
                response.status, response.headers.get_content_type(), b"".join(chunks),
                response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""),
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return _Answer(304, "", b"", "", "")
        raise SourceError(f"{url}: the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise SourceError(f"{url}: no whole answer within {deadline:g} s") from None
        raise SourceError(f"{url}: cannot fetch it ({getattr(error.reason, 'strerror', None) or error.reason})") from None
    except (TimeoutError, socket.timeout):
        raise SourceError(f"{url}: no whole answer within {deadline:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise SourceError(f"{url}: cannot fetch it ({error})") from None


class _AlternateFinder(HTMLParser):
    """Collects the feeds a page advertises: <link rel="alternate" type="…rss/atom/feed+json" href>."""

    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        if tag == "link" and "alternate" in rels and values.get("type", "").lower() in _FEED_TYPES[:4] and values.get("href"):
            self.feeds.append(values["href"])
