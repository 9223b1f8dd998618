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
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from podcast import __version__
from podcast.cover import cover_source, published_name
from podcast.errors import PublishError, SettingsError
from podcast.files import atomic_write, write_if_changed
from podcast.integrity import checked, damaged
from podcast.episode import Chapter, Episode
from podcast.page import PAGE_FILE, PageEpisode, render_page, show_notes
from podcast.show import Show
from podcast.transcript import sidecar_names, vtt_time

CATALOG_FILE = "catalog.json"
FEED_FILE = "feed.xml"
# The show's podcast:guid, in the show folder beside podcast.toml rather than in episodes/: it
# names the show for life, so it must outlive episodes/ (deleted, regenerated, copied elsewhere)
# and a change of base_url; and it is not a setting a person should retype.
GUID_FILE = "podcast.guid"

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The media types of the files the transcripts stage writes beside an episode's MP3, in
# sidecar_names' order, as podcast:chapters and podcast:transcript name them.
SIDECAR_TYPES = ("application/json+chapters", "text/vtt", "application/x-subrip")
# Podlove Simple Chapters: chapters inline in the item, which gPodder and others read.
PSC_NS = "http://podlove.org/simple-chapters"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
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
    sha256: str = ""  # of the MP3's bytes; empty in catalogs written before it was recorded
    # What it was made from (file paths, URLs; see narration.Script.sources); () in catalogs
    # written before sources were recorded.
    sources: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.slug}.mp3"

    @property
    def notes(self) -> str:
        """The show notes as HTML: what the feed item's description and the page show."""
        return show_notes(self.description, self.chapters)


def load_catalog(show: Show) -> list[Entry]:
    """The published episodes, in catalog order; none when nothing was published yet.

    A catalog that cannot be read raises PublishError and is left as it is: it holds the
    guids apps know the episodes by, which no rebuild can recover.
    """
    path = show.episodes_dir / CATALOG_FILE
    published = show.root / "episodes" / CATALOG_FILE  # what to name in messages: not a build's staging copy
    try:
        document = json.loads(path.read_bytes())
        entries = [_entry_from_json(item) for item in document["episodes"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as error:
        detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        raise PublishError(f"{published}: not a readable episode catalog ({detail}); left unchanged, fix or restore it") from None
    counts = Counter(entry.slug for entry in entries)  # not list.count: linear in the catalog's length
    duplicates = sorted(slug for slug, count in counts.items() if count > 1)
    if duplicates:
        raise PublishError(f"{published}: episode {duplicates[0]!r} is listed twice; left unchanged, fix or restore it")
    return entries


def publish(show: Show, episode: Episode, now: datetime | None = None, sources: tuple[str, ...] = ()) -> Entry:
    """Add `episode` to the catalog and the feed, or update it in place if its slug is published.

    An updated episode keeps its guid and first publication date, so podcast apps see the same
    episode with new audio rather than a new one. `now` (default: the current time; a naive
    datetime is taken as local time) is the publication date of a new episode; `sources`, what
    it was made from, is recorded (an update without them keeps the recorded ones).
    """
    expected = show.episodes_dir / f"{episode.slug}.mp3"
    if episode.path.resolve() != expected.resolve():
        raise PublishError(f"{episode.path}: the feed serves episode {episode.slug!r} from {expected}; put the MP3 there")
    try:
        size, sha256 = checked(show, [episode.path.name])[episode.path.name] or (-1, "")
    except OSError as error:
        raise PublishError(f"{episode.path}: cannot publish it ({error.strerror})") from None
    if size < 0:
        raise PublishError(f"{episode.path}: cannot publish it (it is gone)")
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
        sha256=sha256,
        sources=sources or (previous.sources if previous else ()),
    )
    if previous:
        entries[entries.index(previous)] = entry
    else:
        entries.append(entry)
    kept = retained(show, entries, published)
    _save(show, kept)
    kept_slugs = {kept_entry.slug for kept_entry in kept}
    for gone in entries:
        if gone.slug not in kept_slugs:
            _delete_files(show, gone)
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
    _delete_files(show, entry)
    return entry


def retained(show: Show, entries: list[Entry], now: datetime) -> list[Entry]:
    """The entries a bounded show keeps, in catalog order: the newest `keep`, none published
    more than `keep_days` before `now`, and always the newest one (a build never publishes
    nothing). Dropped episodes' guids are random uuids, so no later episode ever reuses one.
    """
    newest_first = [entry for _number, entry in numbered_newest_first(entries)]
    kept = newest_first[: show.keep] if show.keep else newest_first
    if show.keep_days:
        oldest = now - timedelta(days=show.keep_days)
        kept = kept[:1] + [entry for entry in kept[1:] if entry.published >= oldest]
    slugs = {entry.slug for entry in kept}
    return [entry for entry in entries if entry.slug in slugs]


def _delete_files(show: Show, entry: Entry) -> None:
    """Delete an episode's MP3 and sidecars; called after the catalog stops naming them."""
    (show.episodes_dir / entry.filename).unlink(missing_ok=True)
    for name in sidecar_names(entry.slug):
        (show.episodes_dir / name).unlink(missing_ok=True)


def write_feed(show: Show, entries: list[Entry]) -> dict[str, str]:
    """Regenerate the cover, episodes/feed.xml and episodes/index.html, e.g. after the show's
    settings changed; returns the episodes left out of them as `damaged` found them."""
    broken = damaged(show, entries)
    _write_published(_render_published(show, entries, broken))
    return broken


def discard_damaged(show: Show, slug: str) -> None:
    """Delete the episode's MP3 from (the staging copy of) episodes/ if it is not the file the
    catalog recorded, so the build makes it again instead of keeping it as it is."""
    entry = next((entry for entry in load_catalog(show) if entry.slug == slug), None)
    if entry and damaged(show, [entry]):
        (show.episodes_dir / entry.filename).unlink(missing_ok=True)


def missing_settings(show: Show) -> list[str]:
    """Settings a directory wants but a local show can do without: one line each, saying what it is for.

    They never stop a build; the CLI shows them so the feed's honest defaults are no surprise.
    """
    missing = []
    if not show.email.strip():
        missing.append(
            "email is not set: podcast directories (Apple Podcasts) need an owner e-mail to list the show; "
            "the feed has no itunes:owner"
        )
    if urlsplit(show.base_url).hostname in LOCAL_HOSTS:
        missing.append(
            f"base_url is not set to a public address: the feed's URLs point at {show.base_url}, "
            "which only `podcast serve` on this machine answers"
        )
    return missing


def sidecars(show: Show, slug: str) -> dict[str, str]:
    """The episode's sidecar files that exist in episodes/: media type -> file name."""
    names = zip(SIDECAR_TYPES, sidecar_names(slug))
    return {kind: name for kind, name in names if (show.episodes_dir / name).is_file()}


def _render_published(show: Show, entries: list[Entry], broken: dict[str, str]) -> list[tuple[Path, bytes]]:
    """Every file made from the catalog, in the order they are written: the show's guid (kept
    from its first feed on), the cover before the feed and page that name it. Made before
    anything is written, so a bad setting changes nothing. An episode whose MP3 is damaged or
    missing (`broken`, as `damaged` found it) is left out of the feed and the page."""
    guid = show_guid(show)
    cover = cover_source(show)
    entries = [entry for entry in entries if entry.slug not in broken]
    page = render_page(
        show,
        [
            PageEpisode(
                number, entry.slug, entry.title or entry.slug, entry.description, entry.published, entry.chapters,
                sidecars(show, entry.slug),
            )
            for number, entry in numbered_newest_first(entries)[: show.feed_limit]  # a page as light as the feed
        ],
        published_name(show),
        show.feed_url,
    )
    folder = show.episodes_dir
    return [
        (show.root / GUID_FILE, f"{guid}\n".encode()),
        (folder / published_name(show), cover.read_bytes()),
        (folder / FEED_FILE, render_feed(show, entries, guid)),
        (folder / PAGE_FILE, page.encode()),
    ]


def _write_published(files: list[tuple[Path, bytes]]) -> None:
    """Write each file, leaving one that is unchanged alone (its ETag with it)."""
    for path, data in files:
        write_if_changed(path, data)


def render_feed(show: Show, entries: list[Entry], guid: str | None = None) -> bytes:
    """The RSS 2.0 feed with Apple's iTunes tags and Podcasting 2.0's tags: the newest
    `feed_limit` items, newest first (apps read the whole feed on every refresh).

    lastBuildDate is the time of the call; everything else follows from the arguments and
    which sidecar files (chapters, transcripts) exist in episodes/. `guid` is the show's
    podcast:guid (default: `show_guid`, which writes nothing).
    """
    title, description = _clean(show.title), _clean(show.description)
    if not title.strip() or not description.strip():
        raise SettingsError("the show needs a title and a description: podcast apps reject a feed without them")
    base = show.base_url.rstrip("/") + "/"

    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.register_extension("apple", _AppleTags, atom=False)
    feed.register_extension("podcastindex", _PodcastIndexTags, _PodcastIndexEntryTags, atom=False)
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
    if show.subcategory:
        feed.podcast.itunes_category(show.category, show.subcategory)
    else:
        feed.podcast.itunes_category(show.category)
    feed.podcast.itunes_type("episodic")
    feed.apple.explicit = show.explicit
    # Every show has a cover (its own or one drawn from its title); episodes have no art of their own.
    feed.apple.image = urljoin(base, quote(published_name(show)))
    feed.image(url=feed.apple.image, title=title, link=show.base_url)
    feed.podcastindex.guid = guid or show_guid(show)
    feed.podcastindex.owner = _clean(show.email)

    for number, entry in numbered_newest_first(entries)[: show.feed_limit]:
        item = feed.add_entry(order="append")
        item.guid(entry.guid, permalink=False)
        item.title(_clean(entry.title) or entry.slug)  # apps list episodes by title: never blank
        notes = _clean(entry.notes)
        if notes:
            item.description(notes)
            item.content(notes, type="CDATA")  # content:encoded: where Apple and others look for HTML notes
        item.enclosure(urljoin(base, quote(entry.filename)), str(entry.size), "audio/mpeg")
        item.pubDate(entry.published)
        item.podcast.itunes_duration(round(entry.duration))
        item.podcast.itunes_episode(number)
        item.podcastindex.chapters = entry.chapters
        item.podcastindex.sidecars = {kind: urljoin(base, quote(name)) for kind, name in sidecars(show, entry.slug).items()}
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


def show_guid(show: Show) -> str:
    """The show's podcast:guid: chosen once, kept in GUID_FILE (written with the feed), never
    derived again.

    The first time, a show whose published feed is already at a public address keeps the guid
    that feed has (apps and directories know it by it); a new show at a public address gets the
    specification's uuid5 of its feed URL; a show at `podcast serve`'s local default gets a
    random uuid4, as uuid5 of the same local URL would be shared by every such show.
    """
    path = show.root / GUID_FILE
    try:
        return str(uuid.UUID(path.read_text(encoding="ascii").strip()))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:  # UnicodeDecodeError is a ValueError
        raise PublishError(f"{path}: not the show's guid ({error}); restore it, or delete it to get a new one") from None
    guid = _published_guid(show)
    if guid is not None:
        return guid
    public = urlsplit(show.base_url).hostname not in LOCAL_HOSTS
    return str(podcast_guid(show.feed_url) if public else uuid.uuid4())


def _published_guid(show: Show) -> str | None:
    """The podcast:guid of the feed in episodes/, if it was published at a public address."""
    try:
        channel = etree.parse(str(show.episodes_dir / FEED_FILE), etree.XMLParser(resolve_entities=False, no_network=True)).find("channel")
        guid = str(uuid.UUID(channel.findtext(f"{{{PODCAST_NS}}}guid") or ""))
        link = channel.find("{http://www.w3.org/2005/Atom}link[@rel='self']")
    except (OSError, ValueError, AttributeError, etree.XMLSyntaxError):
        return None
    return guid if link is not None and urlsplit(link.get("href", "")).hostname not in LOCAL_HOSTS else None


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
        return {"podcast": PODCAST_NS, "psc": PSC_NS}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed[0]
        xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        # "no": other platforms may import this feed; a one-machine show has nothing to guard.
        locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
        locked.text = "no"
        if self.owner:
            locked.attrib["owner"] = self.owner
        return feed


class _PodcastIndexEntryTags(BaseEntryExtension):
    """Chapter and transcript item tags: Podcasting 2.0's podcast:chapters and podcast:transcript,
    one per sidecar file, and the chapters inline as Podlove Simple Chapters.

    gPodder's parser maps the podcast: prefix only for the namespace's old URI, so it reads
    the chapters from psc:chapters instead.
    """

    def __init__(self) -> None:
        self.sidecars: dict[str, str] = {}  # media type -> absolute URL
        self.chapters: tuple[Chapter, ...] = ()

    def extend_rss(self, item: etree._Element) -> etree._Element:
        if self.chapters:
            chapters = xml_elem(f"{{{PSC_NS}}}chapters", item, version="1.2")
            for chapter in self.chapters:
                xml_elem(f"{{{PSC_NS}}}chapter", chapters, start=vtt_time(chapter.start), title=_clean(chapter.title))
        for kind, url in self.sidecars.items():
            if kind == "application/json+chapters":
                xml_elem(f"{{{PODCAST_NS}}}chapters", item, url=url, type=kind)
            else:
                xml_elem(f"{{{PODCAST_NS}}}transcript", item, url=url, type=kind)
        return item


def _clean(text: str) -> str:
    return _NOT_XML_TEXT.sub("", text)


def _save(show: Show, entries: list[Entry]) -> None:
    """Write the catalog, then the cover, feed and page; render first, so a bad setting changes nothing."""
    files = _render_published(show, entries, damaged(show, entries))
    # One episode a line: still readable and diffable, and written by json's C encoder (an
    # indented dump is pure Python, seconds for a show of a few thousand episodes).
    lines = ",\n".join(json.dumps(_entry_to_json(entry), ensure_ascii=False) for entry in entries)
    atomic_write(show.episodes_dir / CATALOG_FILE, '{"episodes": [\n' + lines + "\n]}\n")
    _write_published(files)


def _entry_to_json(entry: Entry) -> dict[str, object]:
    # By hand, not dataclasses.asdict: that deep-copies every field, the catalog's largest cost.
    fields = {field.name: getattr(entry, field.name) for field in dataclasses.fields(entry)}
    fields["published"] = entry.published.isoformat()
    fields["chapters"] = [{"title": c.title, "start": c.start, "end": c.end} for c in entry.chapters]
    fields["sources"] = list(entry.sources)
    return fields


def _entry_from_json(item: Any) -> Entry:
    published = datetime.fromisoformat(_typed(item, "published", str))
    if published.tzinfo is None:
        raise ValueError(f"published date {published} has no time zone")
    slug = _typed(item, "slug", str)
    if not slug or slug.startswith(".") or any(char in slug for char in "/\\\0"):
        # `remove` deletes <slug>.mp3 and its sidecars: a slug must name a file in episodes/.
        raise ValueError(f"slug {slug!r} is not a file name in episodes/")
    return Entry(
        slug=slug,
        guid=_typed(item, "guid", str),
        title=_typed(item, "title", str),
        description=_typed(item, "description", str),
        published=published.astimezone(timezone.utc),
        duration=_number(item, "duration"),
        size=_typed(item, "size", int),
        sha256=_typed(item, "sha256", str) if "sha256" in item else "",
        chapters=tuple(
            Chapter(_typed(chapter, "title", str), _number(chapter, "start"), _number(chapter, "end"))
            for chapter in _typed(item, "chapters", list)
        ),
        sources=tuple(_typed({"source": s}, "source", str) for s in (_typed(item, "sources", list) if "sources" in item else [])),
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
