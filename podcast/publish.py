"""Publish: add, update and remove episodes, then write what is rendered from the catalog.

Each change is made to the catalog (`podcast.catalog`) first, then the show's guid, cover,
feed (`podcast.rss`) and page are rendered whole before anything is written, so a bad setting
changes nothing; files an episode leaves behind are deleted last, so the feed never names a
file that is already gone.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from podcast.catalog import Entry, load_catalog, next_number, numbered, numbered_newest_first, retained, write_catalog
from podcast.cover import cover_source, published_name
from podcast.episode import Episode
from podcast.errors import PublishError
from podcast.files import write_if_changed
from podcast.integrity import checked, damaged
from podcast.page import PAGE_FILE, PageEpisode, render_page
from podcast.rss import FEED_FILE, GUID_FILE, LOCAL_HOSTS, render_feed, show_guid, sidecars, xml_safe
from podcast.show import Show
from podcast.transcript import sidecar_names


def add_episode(show: Show, episode: Episode, now: datetime | None = None, sources: tuple[str, ...] = ()) -> Entry:
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
    entries = numbered(load_catalog(show))  # recorded now, so no later removal renumbers them
    previous = next((entry for entry in entries if entry.slug == episode.slug), None)
    published = (now if now is not None else datetime.now(timezone.utc)).astimezone(timezone.utc)
    entry = Entry(
        slug=episode.slug,
        guid=previous.guid if previous else f"urn:uuid:{uuid.uuid4()}",
        title=xml_safe(episode.title),
        description=xml_safe(episode.description),
        # Whole seconds: what pubDate can say, so the catalog and the feed agree.
        published=previous.published if previous else published.replace(microsecond=0),
        duration=episode.duration,
        size=size,
        chapters=episode.chapters,
        sha256=sha256,
        sources=sources or (previous.sources if previous else ()),
        number=previous.number if previous else next_number(entries),
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
    entries = numbered(load_catalog(show))  # recorded now, so no later removal renumbers them
    entry = next((entry for entry in entries if entry.slug == slug), None)
    if entry is None:
        known = ", ".join(entry.slug for entry in entries) or "none"
        raise PublishError(f"no published episode {slug!r} (published: {known})")
    entries.remove(entry)
    _save(show, entries)
    _delete_files(show, entry)
    return entry


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
    catalog recorded, so the build mixes it again instead of keeping it as it is."""
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


def _render_published(show: Show, entries: list[Entry], broken: dict[str, str]) -> list[tuple[Path, bytes]]:
    """Every file rendered from the catalog, in the order they are written: the show's guid (kept
    from its first feed on), the cover before the feed and page that name it. Rendered before
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


def _save(show: Show, entries: list[Entry]) -> None:
    """Write the catalog, then the cover, feed and page; render first, so a bad setting changes nothing."""
    files = _render_published(show, entries, damaged(show, entries))
    write_catalog(show, entries)
    _write_published(files)
