"""The show's RSS feed: RSS 2.0 with Apple's iTunes tags and Podcasting 2.0's, made by feedgen
from the catalog, and the show's podcast:guid, chosen once and kept."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote, urljoin, urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from podcast import __version__
from podcast.catalog import Entry, numbered_newest_first
from podcast.cover import published_name
from podcast.episode import Chapter
from podcast.errors import PublishError, SettingsError
from podcast.show import Show
from podcast.transcript import sidecar_names, vtt_time

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


def render_feed(show: Show, entries: list[Entry], guid: str | None = None) -> bytes:
    """The RSS 2.0 feed with Apple's iTunes tags and Podcasting 2.0's tags: the newest
    `feed_limit` items, newest first (apps read the whole feed on every refresh).

    lastBuildDate is the time of the call; everything else follows from the arguments and
    which sidecar files (chapters, transcripts) exist in episodes/. `guid` is the show's
    podcast:guid (default: `show_guid`, which writes nothing).
    """
    title, description = xml_safe(show.title), xml_safe(show.description)
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
    feed.language(xml_safe(show.language))
    feed.generator(f"podcast-digest {__version__}")
    author = xml_safe(show.author)
    feed.podcast.itunes_author(author)
    if show.email:
        feed.podcast.itunes_owner(name=author, email=xml_safe(show.email))
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
    feed.podcastindex.owner = xml_safe(show.email)

    for number, entry in numbered_newest_first(entries)[: show.feed_limit]:
        item = feed.add_entry(order="append")
        item.guid(entry.guid, permalink=False)
        item.title(xml_safe(entry.title) or entry.slug)  # apps list episodes by title: never blank
        notes = xml_safe(entry.notes)
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


def sidecars(show: Show, slug: str) -> dict[str, str]:
    """The episode's sidecar files that exist in episodes/: media type -> file name."""
    names = zip(SIDECAR_TYPES, sidecar_names(slug))
    return {kind: name for kind, name in names if (show.episodes_dir / name).is_file()}


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
                xml_elem(f"{{{PSC_NS}}}chapter", chapters, start=vtt_time(chapter.start), title=xml_safe(chapter.title))
        for kind, url in self.sidecars.items():
            if kind == "application/json+chapters":
                xml_elem(f"{{{PODCAST_NS}}}chapters", item, url=url, type=kind)
            else:
                xml_elem(f"{{{PODCAST_NS}}}transcript", item, url=url, type=kind)
        return item


def xml_safe(text: str) -> str:
    """`text` without the characters an XML 1.0 document cannot carry (see _NOT_XML_TEXT)."""
    return _NOT_XML_TEXT.sub("", text)
