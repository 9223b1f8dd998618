"""Followed sources: the feeds a show turns into episodes, and what `podcast update` saw of them.

Three files, each with one reader in mind:

- ``sources.toml`` in the show folder: the list a person reads and edits, one ``[[source]]``
  table (``url``, ``title``) per feed. `podcast follow` appends to it, keeping what is there.
- ``episodes/.sources.json``: the keys of the feed items already built (or passed over) and each
  feed's ETag and Last-Modified. It is written only inside the staged publish of the episode it
  belongs to, so what was seen is recorded exactly with what was published: a killed update
  neither skips nor repeats an article. A validator is kept with the items it vouches for, as a
  304 must never hide an item not yet built. Hidden, so `podcast serve` does not serve it.
- ``.podcast-sources.json`` in the show folder: when each source was last checked, its last new
  item and its last error, for `podcast sources`. Rewritten on every run, so it is kept out of
  episodes/: a run that finds nothing changes nothing that is published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

from podcast.errors import SourceError
from podcast.reading import is_url
from podcast.files import atomic_write
from podcast.show import Show, _read_toml

SOURCES_FILE = "sources.toml"
SEEN_FILE = ".sources.json"
STATUS_FILE = ".podcast-sources.json"
_HEADER = """\
# The sources `podcast update` turns into episodes: one [[source]] table per feed (RSS, Atom or
# JSON Feed). Edit freely; `podcast follow URL` adds one, `podcast unfollow URL` removes one.
"""


@dataclass(frozen=True)
class Source:
    """A followed feed: its URL and the title it had when followed (for people, not for matching)."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class Seen:
    """What the published show has taken from its sources: item keys, and per feed URL the
    (ETag, Last-Modified) of the last answer whose new items were all taken."""

    keys: frozenset[str] = frozenset()
    validators: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self.keys


@dataclass(frozen=True)
class Status:
    """What `podcast sources` tells of a source: times are ISO 8601 UTC, empty for never."""

    checked: str = ""
    new: str = ""  # when it last gave a new item, and that item's title
    error: str = ""  # its last failure, empty once a check succeeds


def load_sources(show: Show) -> list[Source]:
    """The followed sources, in the order of sources.toml; none when there is no such file."""
    path = show.root / SOURCES_FILE
    if not path.exists():
        return []
    document = _read_toml(path)
    tables = document.get("source", [])
    unknown = set(document) - {"source"}
    if unknown or not isinstance(tables, list):
        raise SourceError(f"{path}: only [[source]] tables belong here, not {sorted(unknown or {'source'})[0]!r}")
    sources = []
    for number, table in enumerate(tables, start=1):
        url, title = table.get("url"), table.get("title", "")
        if not isinstance(url, str) or not is_url(url) or not isinstance(title, str) or set(table) - {"url", "title"}:
            raise SourceError(f'{path}: source {number} must be url = "http(s)://…" and an optional title, not {table!r}')
        sources.append(Source(url, title))
    return sources


def add_sources(show: Show, new: list[Source]) -> list[Source]:
    """Append the sources not yet followed to sources.toml (its text kept as it is); returns them."""
    known = {source.url for source in load_sources(show)}
    added = []
    for source in new:
        if source.url not in known:
            known.add(source.url)
            added.append(source)
    if added:
        path = show.root / SOURCES_FILE
        text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
        atomic_write(path, text + "".join(_table(source) for source in added))
    return added


def remove_source(show: Show, url: str) -> Source:
    """Stop following `url`: sources.toml is written again without it."""
    sources = load_sources(show)
    gone = next((source for source in sources if source.url == url), None)
    if gone is None:
        known = ", ".join(source.url for source in sources) or "none"
        raise SourceError(f"{url}: not followed (followed: {known})")
    atomic_write(show.root / SOURCES_FILE, _HEADER + "".join(_table(s) for s in sources if s is not gone))
    return gone


def _table(source: Source) -> str:
    r"""A [[source]] table; JSON's string escapes are TOML's basic-string escapes.

    >>> print(_table(Source("https://example.org/feed", 'A "quoted" title')), end="")
    <BLANKLINE>
    [[source]]
    url = "https://example.org/feed"
    title = "A \"quoted\" title"
    """
    lines = ["", "[[source]]", f"url = {json.dumps(source.url, ensure_ascii=False)}"]
    if source.title:
        lines.append(f"title = {json.dumps(source.title, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def read_opml(path: Path) -> list[Source]:
    """The feeds of an OPML subscription list: every outline with an xmlUrl, nested or not."""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except OSError as error:
        raise SourceError(f"{path}: cannot read it ({error})") from None
    except etree.XMLSyntaxError as error:
        raise SourceError(f"{path}: not an OPML file ({error})") from None
    sources = [
        Source(outline.get("xmlUrl", "").strip(), (outline.get("title") or outline.get("text") or "").strip())
        for outline in tree.iter("outline")
        if is_url(outline.get("xmlUrl", "").strip())
    ]
    if not sources:
        raise SourceError(f"{path}: lists no feed (no outline with an http(s) xmlUrl)")
    return sources


def render_opml(show: Show, sources: list[Source]) -> str:
    """An OPML 2.0 subscription list of the sources, which feed readers import."""
    outlines = "".join(
        f"    <outline type=\"rss\" text={quoteattr(s.title or s.url)} title={quoteattr(s.title or s.url)} xmlUrl={quoteattr(s.url)}/>\n"
        for s in sources
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
        f"  <head><title>{_escaped(show.title)}: sources</title></head>\n  <body>\n{outlines}  </body>\n</opml>\n"
    )


def _escaped(text: str) -> str:
    return quoteattr(text)[1:-1]


def load_seen(episodes: Path) -> Seen:
    """What the show in `episodes` (the published folder or a staging copy) has taken."""
    path = episodes / SEEN_FILE
    try:
        document = json.loads(path.read_bytes())
        return Seen(
            frozenset(str(key) for key in document["seen"]),
            {str(url): (str(pair[0]), str(pair[1])) for url, pair in document["validators"].items()},
        )
    except FileNotFoundError:
        return Seen()
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        raise SourceError(f"{path}: not readable ({error}); delete it and `podcast update` takes each source's newest items again") from None


def save_seen(episodes: Path, seen: Seen) -> None:
    """Write what was taken into `episodes`, which must be the staged show being published."""
    document = {"seen": sorted(seen.keys), "validators": {url: list(pair) for url, pair in sorted(seen.validators.items())}}
    atomic_write(episodes / SEEN_FILE, json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def load_status(show: Show) -> dict[str, Status]:
    """Each source's last check, new item and error; a damaged file only costs that history."""
    try:
        document = json.loads((show.root / STATUS_FILE).read_bytes())
        return {url: Status(**fields) for url, fields in document.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_status(show: Show, statuses: dict[str, Status]) -> None:
    document = {url: vars(status) for url, status in sorted(statuses.items())}
    atomic_write(show.root / STATUS_FILE, json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def now_text() -> str:
    """The current time as the status file writes it: ISO 8601, UTC, whole seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
