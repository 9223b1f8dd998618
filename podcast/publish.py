"""Publish: the catalog of published episodes and the podcast feed built from it.

`episodes/catalog.json` is the source of truth. It remembers each episode's guid and first
publication date, which podcast apps use to tell a new episode from an updated one, so
`episodes/feed.xml` can be rebuilt from it at any time (after editing settings) without
re-synthesising anything.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urljoin

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from podcast import __version__
from podcast.errors import PublishError, SettingsError
from podcast.files import atomic_write
from podcast.mix import Chapter, Episode
from podcast.show import Show
from podcast.transcript import sidecar_names

CATALOG_FILE = "catalog.json"
FEED_FILE = "feed.xml"

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The fixed namespace the Podcasting 2.0 specification derives every podcast:guid from.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

# Characters XML 1.0 cannot carry (C0 controls but tab and newlines, surrogates, U+FFFE/U+FFFF)
# and the C1 controls it discourages: lxml refuses the former, and none belongs in a title.
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One published episode, as the catalog remembers it."""

    slug: str
    guid: str  # never changes once published: apps key their episode list on it
    title: str
    description: str
    published: datetime  # first publication, UTC; kept when the episode is rebuilt
    duration: float  # seconds
    size: int  # bytes of the MP3: the enclosure length apps check downloads against
    chapters: tuple[Chapter, ...]

    @property
    def filename(self) -> str:
        return f"{self.slug}.mp3"


def load_catalog(show: Show) -> list[Entry]:
    """The published episodes, in catalog order; none when nothing was published yet.

    A catalog that cannot be read raises PublishError and is left as it is: it holds the
    guids apps know the episodes by, which no rebuild can recover.
    """
    path = show.episodes_dir / CATALOG_FILE
    try:
        document = json.loads(path.read_bytes())
        entries = [_entry_from_json(item) for item in document["episodes"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as error:
        detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        raise PublishError(f"{path}: not a readable episode catalog ({detail}); left unchanged, fix or restore it") from None
    slugs = [entry.slug for entry in entries]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise PublishError(f"{path}: episode {duplicates[0]!r} is listed twice; left unchanged, fix or restore it")
    return entries


def publish(show: Show, episode: Episode, now: datetime | None = None) -> Entry:
    """Add `episode` to the catalog and the feed, or update it in place if its slug is published.

    An updated episode keeps its guid and first publication date, so podcast apps see the same
    episode with new audio rather than a new one. `now` (default: the current time; a naive
    datetime is taken as local time) is the publication date of a new episode.
    """
    expected = show.episodes_dir / f"{episode.slug}.mp3"
    if episode.path.resolve() != expected.resolve():
        raise PublishError(f"{episode.path}: the feed serves episode {episode.slug!r} from {expected}; put the MP3 there")
    try:
        size = episode.path.stat().st_size
    except OSError as error:
        raise PublishError(f"{episode.path}: cannot publish it ({error.strerror})") from None
    entries = load_catalog(show)
    previous = next((entry for entry in entries if entry.slug == episode.slug), None)
    published = (now if now is not None else datetime.now(timezone.utc)).astimezone(timezone.utc)
    entry = Entry(
        slug=episode.slug,
        guid=previous.guid if previous else f"urn:uuid:{uuid.uuid4()}",
        title=_clean(episode.title),
        description=_clean(episode.description),
        # Whole seconds: what pubDate can say, so the catalog and the feed agree.
        published=previous.published if previous else published.replace(microsecond=0),
        duration=episode.duration,
        size=size,
        chapters=episode.chapters,
    )
    if previous:
        entries[entries.index(previous)] = entry
    else:
        entries.append(entry)
    _save(show, entries)
    return entry


def remove(show: Show, slug: str) -> Entry:
    """Take an episode out of the catalog and the feed, then delete its MP3 and sidecar files.

    The files go last, so the feed never names a file that is already gone.
    """
    entries = load_catalog(show)
    entry = next((entry for entry in entries if entry.slug == slug), None)
    if entry is None:
        known = ", ".join(entry.slug for entry in entries) or "none"
        raise PublishError(f"no published episode {slug!r} (published: {known})")
    entries.remove(entry)
    _save(show, entries)
    (show.episodes_dir / entry.filename).unlink(missing_ok=True)
    for name in sidecar_names(slug):
        (show.episodes_dir / name).unlink(missing_ok=True)
    return entry


def write_feed(show: Show, entries: list[Entry]) -> None:
    """Regenerate episodes/feed.xml (and the cover beside it), e.g. after the show's settings changed."""
    _write_rendered_feed(show, render_feed(show, entries))


def _write_rendered_feed(show: Show, feed: bytes) -> None:
    """The cover first, so the feed never names an image that is not there yet."""
    _copy_cover(show)
    atomic_write(show.episodes_dir / FEED_FILE, feed)


def _copy_cover(show: Show) -> None:
    """Put the show's cover in episodes/, where the feed's itunes:image URL points."""
    if show.cover_path is not None:
        target = show.episodes_dir / show.cover_path.name
        data = show.cover_path.read_bytes()
        if not target.exists() or target.read_bytes() != data:
            atomic_write(target, data)


def render_feed(show: Show, entries: list[Entry]) -> bytes:
    """The RSS 2.0 feed with Apple's iTunes tags and Podcasting 2.0's guid, items newest first.

    lastBuildDate is the time of the call; everything else follows from the arguments.
    """
    title, description = _clean(show.title), _clean(show.description)
    if not title.strip() or not description.strip():
        raise SettingsError("the show needs a title and a description: podcast apps reject a feed without them")
    base = show.base_url.rstrip("/") + "/"

    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.register_extension("apple", _AppleTags, atom=False)
    feed.register_extension("podcastindex", _PodcastIndexTags, atom=False)
    feed.title(title)
    feed.description(description)
    # feedgen's RSS <link> is the last link given, so the self link goes first.
    feed.link(href=show.feed_url, rel="self", type="application/rss+xml")
    feed.link(href=show.base_url, rel="alternate")
    feed.language(_clean(show.language))
    feed.generator(f"podcast-digest {__version__}")
    author = _clean(show.author)
    feed.podcast.itunes_author(author)
    if show.email:
        feed.podcast.itunes_owner(name=author, email=_clean(show.email))
    feed.podcast.itunes_category(show.category)
    feed.podcast.itunes_type("episodic")
    feed.apple.explicit = show.explicit
    if show.cover:
        cover = Path(show.cover).name
        feed.apple.image = urljoin(base, quote(cover))
        feed.image(url=feed.apple.image, title=title, link=show.base_url)
    feed.podcastindex.guid = str(podcast_guid(show.feed_url))
    feed.podcastindex.owner = _clean(show.email)

    for number, entry in numbered_newest_first(entries):
        item = feed.add_entry(order="append")
        item.guid(entry.guid, permalink=False)
        item.title(_clean(entry.title) or entry.slug)  # apps list episodes by title: never blank
        item.description(_clean(entry.description))
        item.enclosure(urljoin(base, quote(entry.filename)), str(entry.size), "audio/mpeg")
        item.pubDate(entry.published)
        item.podcast.itunes_duration(round(entry.duration))
        item.podcast.itunes_episode(number)
    return feed.rss_str(pretty=True)


def numbered_newest_first(entries: list[Entry]) -> list[tuple[int, Entry]]:
    """Entries with their episode numbers, newest first.

    Numbers count publications, oldest first; entries published in the same second keep
    catalog order, so the later-added one is the newer.
    """
    return list(reversed(list(enumerate(sorted(entries, key=lambda entry: entry.published), start=1))))


def podcast_guid(feed_url: str) -> uuid.UUID:
    """Podcasting 2.0's podcast:guid: uuid5 of the feed URL without its scheme and trailing slashes."""
    return uuid.uuid5(PODCAST_GUID_NAMESPACE, feed_url.split("://", 1)[-1].rstrip("/"))


class _AppleTags(BaseExtension):
    """The two channel tags feedgen 1.0 gets wrong for Apple.

    feedgen writes itunes:explicit only as yes/no/clean, while Apple and the W3C validator
    require true/false; and it silently drops an itunes:image whose URL does not end in
    exactly .jpg or .png (so a .jpeg or .PNG cover would vanish).
    """

    def __init__(self) -> None:
        self.explicit = False
        self.image = ""

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed[0]
        if self.image:
            xml_elem(f"{{{ITUNES_NS}}}image", channel, href=self.image)
        xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self.explicit else "false"
        return feed


class _PodcastIndexTags(BaseExtension):
    """Podcasting 2.0 channel tags, which feedgen does not know: podcast:guid and podcast:locked."""

    def __init__(self) -> None:
        self.guid = ""
        self.owner = ""  # an e-mail address, optional

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed[0]
        xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        # "no": other platforms may import this feed; a one-machine show has nothing to guard.
        locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
        locked.text = "no"
        if self.owner:
            locked.attrib["owner"] = self.owner
        return feed


def _clean(text: str) -> str:
    return _NOT_XML_TEXT.sub("", text)


def _save(show: Show, entries: list[Entry]) -> None:
    """Write the catalog, then the feed; render first, so a bad setting changes nothing."""
    feed = render_feed(show, entries)
    catalog = {"episodes": [_entry_to_json(entry) for entry in entries]}
    atomic_write(show.episodes_dir / CATALOG_FILE, json.dumps(catalog, indent=2, ensure_ascii=False) + "\n")
    _write_rendered_feed(show, feed)


def _entry_to_json(entry: Entry) -> dict[str, object]:
    fields = dataclasses.asdict(entry)
    fields["published"] = entry.published.isoformat()
    return fields


def _entry_from_json(item: Any) -> Entry:
    published = datetime.fromisoformat(_typed(item, "published", str))
    if published.tzinfo is None:
        raise ValueError(f"published date {published} has no time zone")
    return Entry(
        slug=_typed(item, "slug", str),
        guid=_typed(item, "guid", str),
        title=_typed(item, "title", str),
        description=_typed(item, "description", str),
        published=published.astimezone(timezone.utc),
        duration=_number(item, "duration"),
        size=_typed(item, "size", int),
        chapters=tuple(
            Chapter(_typed(chapter, "title", str), _number(chapter, "start"), _number(chapter, "end"))
            for chapter in _typed(item, "chapters", list)
        ),
    )


_T = TypeVar("_T")


def _typed(item: Any, key: str, kind: type[_T]) -> _T:
    """item[key], checked: a hand-edited catalog must fail loudly, not publish "None" as a title."""
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(f"{key} must be a {kind.__name__}, not {value!r}")
    return value


def _number(item: Any, key: str) -> float:
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key} must be a number, not {value!r}")
    return float(value)
