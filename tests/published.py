"""Shows, episodes and feeds for the publish, catalog and rss tests: real (silent) MP3s in a
show folder, and the feed read back as podcast apps read it."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import mutagen.mp3

from podcast.episode import Chapter, Episode
from podcast.show import Show

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
JAN_1 = datetime(2024, 1, 1, 9, 30, tzinfo=timezone.utc)


# Podcasting 2.0: podcast:guid is uuid5 of the feed URL without scheme and trailing slash, in this namespace.
SPEC_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
# One MPEG-1 Layer III frame: 128 kb/s, 44.1 kHz, joint stereo, 417 bytes of silence.
SILENT_FRAME = b"\xff\xfb\x90\x64" + bytes(413)


def make_show(tmp_path: Path, **settings: object) -> Show:
    settings.setdefault("base_url", "https://example.com/pod/")
    return Show(root=tmp_path, **settings)  # type: ignore[arg-type]


def make_episode(show: Show, slug: str, title: str = "An episode", frames: int = 40) -> Episode:
    """A real (silent) MP3 in episodes/, its duration as mutagen reads it."""
    path = show.episodes_dir / f"{slug}.mp3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SILENT_FRAME * frames)
    duration = mutagen.mp3.MP3(path).info.length
    chapters = (Chapter("Intro", 0.0, duration / 2), Chapter("Outro", duration / 2, duration))
    return Episode(slug, title, path, duration, chapters, f"Notes for {title}.")


def feed_path(show: Show) -> Path:
    return show.episodes_dir / "feed.xml"


def parse(show: Show) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feed_path(show).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def channel(show: Show) -> ElementTree.Element:
    return ElementTree.fromstring(feed_path(show).read_bytes()).find("channel")
