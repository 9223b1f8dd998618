"""Push (`podcast publish`): the published folder -> a destination (a folder, rsync over SSH, an rclone remote), feed last.

episodes/ changes all at once (see files.staged), but a destination changes one file at a time,
and a podcast app may fetch the feed there at any moment. So the files go in an order that keeps
the destination's feed true at every instant: files the destination lacks first; then, if MP3s it
already has are about to be replaced, a feed without those episodes (their stated lengths would
be wrong while they change); then the changed files, the cover and the page; the feed last, each
file written under a temporary name and renamed where the destination can rename; files of
removed episodes are deleted only once the new feed is in place. A push that fails or is
killed leaves a consistent destination, and the next one finishes the work: files that match
(by size and time, or by content where the destination keeps no times) are never sent again.
The destinations themselves, and the tools that send to them, are in destinations.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from lxml import etree

from podcast.destinations import (
    CACHE_FEED, CACHE_MEDIA, CACHE_SIDECAR, DIGESTS, HTACCESS, TEMPORARY, Destination, Done, Stat, destination, files_in,
)
from podcast.errors import RemoteError, SettingsError
from podcast.files import link_tree, locked
from podcast.page import PAGE_FILE
from podcast.catalog import CATALOG_FILE
from podcast.rss import FEED_FILE
from podcast.show import PublishTarget, Show

PAGES = (PAGE_FILE, CATALOG_FILE)  # sent with the cover, after the media
IMAGES = (".png", ".jpg")
# What a push may delete at a destination: the kinds of file a show publishes, and its own
# temporary files. Anything else there (a web site around the show) is left alone.
DELETABLE = (".mp3", ".json", ".vtt", ".srt", *IMAGES, TEMPORARY)
PUBLISH_LOCK = ".podcast-publish.lock"  # one push of a show at a time (`podcast publish`)


@dataclass(frozen=True)
class Plan:
    """What one push sends and deletes, in order; empty when the destination is up to date."""

    new: tuple[str, ...]  # files the destination lacks (but the page and the feed)
    replaced: tuple[str, ...]  # MP3s it has another version of: left out of the feed meanwhile
    changed: tuple[str, ...]  # then the other changed files, the cover and the page
    feed: bool  # the feed differs
    delete: tuple[str, ...]  # files of removed episodes, after the feed
    unchanged: int

    @property
    def held_feed(self) -> str:
        """How the feed sent before the replaced MP3s is named in reports."""
        return f"{FEED_FILE} (without the {len(self.replaced)} episode(s) being replaced)"

    def steps(self) -> list[tuple[str, str]]:
        held = [self.held_feed] if self.replaced else []
        sent = [*self.new, *held, *self.changed] + [FEED_FILE] * (self.feed or bool(self.replaced))
        return [("send", name) for name in sent] + [("delete", name) for name in self.delete]


def targets(show: Show, given: tuple[str, ...] = ()) -> tuple[PublishTarget, ...]:
    """The destinations named on the command line, else the show's `publish_to`; each checked."""
    chosen = tuple(PublishTarget(to) for to in given) or show.publish_to
    if not chosen:
        raise SettingsError("nowhere to publish: set publish_to in podcast.toml or name a destination")
    for target in chosen:
        destination(show, target)  # a malformed destination fails before any work
    return chosen


def address_warnings(show: Show, chosen: tuple[PublishTarget, ...]) -> list[str]:
    """One line per destination reached at another address than base_url, where the feed's URLs point."""
    base = _normal(show.base_url)
    return [
        f"publish_to {target.to} is reached at {target.url}, but base_url is {show.base_url}: apps reading the feed "
        f'there would fetch episodes from base_url; set base_url = "{target.url}" and run `podcast feed`'
        for target in chosen
        if target.url and _normal(target.url) != base
    ]


def push(
    show: Show,
    chosen: tuple[PublishTarget, ...],
    dry_run: bool = False,
    planned: Callable[[PublishTarget, Plan], None] = lambda target, plan: None,
    done: Done = lambda action, name: None,
    waiting: Callable[[], None] = lambda: None,
) -> list[Plan]:
    """Bring each destination up to date with episodes/, in a consistent order; returns the plans.

    `planned` hears each destination's plan before anything is sent (all of it, with `dry_run`,
    which sends nothing); `done` hears each file sent or deleted.
    """
    plans = []
    with snapshot(show, waiting) as folder:
        for target in chosen:
            place = destination(show, target)
            remote = place.listing()
            local = files_in(folder, htaccess=not place.headers)
            for name, stat in local.items():
                if place.digests or remote.get(name, stat).md5:
                    local[name] = stat._replace(md5=hashlib.md5((folder / name).read_bytes()).hexdigest())
            plan = make_plan(local, remote)
            planned(target, plan)
            if not dry_run and plan.steps():
                if place.digests:  # vouch only for the files this push leaves alone, until it ends
                    _send_digests(place, {name: stat.md5 for name, stat in remote.items() if name in local and name not in _touched(plan)})
                _carry_out(plan, folder, place, done)
                if place.digests:
                    _send_digests(place, {name: stat.md5 for name, stat in local.items()})
            plans.append(plan)
    return plans


def make_plan(local: dict[str, Stat], remote: dict[str, Stat]) -> Plan:
    """Compare episodes/ with the destination by size and modification time (to the second), or
    by size and MD5 where the destination keeps no times (see Stat)."""
    differ = sorted(name for name, stat in local.items() if not _same(stat, remote.get(name)))
    early = [name for name in differ if name not in remote and name != FEED_FILE and name not in PAGES]
    later = sorted((name for name in differ if name not in early and name != FEED_FILE), key=lambda name: (_is_page(name), name))
    return Plan(
        new=tuple(early),
        replaced=tuple(name for name in later if name.endswith(".mp3")),
        changed=tuple(later),
        feed=FEED_FILE in differ,
        delete=tuple(sorted(name for name in remote if name not in local and name.endswith(DELETABLE))),
        unchanged=len(local) - len(differ),
    )


def _carry_out(plan: Plan, folder: Path, place: Destination, done: Done) -> None:
    if plan.replaced:
        place.send(folder, list(plan.new), done)
        with tempfile.TemporaryDirectory() as held:
            (Path(held) / FEED_FILE).write_bytes(feed_without((folder / FEED_FILE).read_bytes(), set(plan.replaced)))
            place.send_feed(Path(held), done, plan.held_feed)
        place.send(folder, list(plan.changed), done)
    else:  # nothing the feed names changes length: one batch (each call of rsync or rclone is a connection)
        place.send(folder, [*plan.new, *plan.changed], done)
    if plan.feed or plan.replaced:
        place.send_feed(folder, done, FEED_FILE)
    place.delete(list(plan.delete), done)


def _touched(plan: Plan) -> set[str]:
    return {*plan.new, *plan.changed, *plan.delete, FEED_FILE}


def _send_digests(place: Destination, digests: dict[str, str]) -> None:
    """The MD5 of each file as a push last sent it whole, for a destination that keeps neither
    modification times nor hashes (plain WebDAV): how the next push knows what changed."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / DIGESTS).write_text(json.dumps(digests, indent=0, sort_keys=True), encoding="utf-8")
        place.send(Path(folder), [DIGESTS], lambda action, name: None)


def feed_without(feed: bytes, files: set[str]) -> bytes:
    """The feed without the items whose enclosure is one of `files` (names in episodes/)."""
    root = etree.fromstring(feed)
    for item in root.findall("channel/item"):
        enclosure = item.find("enclosure")
        if enclosure is not None and unquote(urlsplit(enclosure.get("url", "")).path.rsplit("/", 1)[-1]) in files:
            root.find("channel").remove(item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@contextmanager
def snapshot(show: Show, waiting: Callable[[], None] = lambda: None) -> Iterator[Path]:
    """A hard-linked copy of episodes/ as one build left it, to send while the next build runs.

    Taken under the show's build lock, so it is one whole state; builds replace files rather
    than change them, so the links keep this state's bytes however long the upload takes.
    """
    from podcast.build import LOCK_FILE  # the build's lock; build.py imports the whole pipeline

    folder = show.episodes_dir.resolve()
    copy = folder.parent / f".{folder.name}.publishing"
    with locked(show.root / PUBLISH_LOCK, show.lock_timeout, waiting):
        shutil.rmtree(copy, ignore_errors=True)  # a killed push's
        try:
            with locked(show.root / LOCK_FILE, show.lock_timeout, waiting):
                if not (folder / FEED_FILE).is_file():
                    raise RemoteError(f"{folder}: nothing to publish yet (no {FEED_FILE}): build an episode first")
                link_tree(folder, copy, ignore=_hidden)
            (copy / HTACCESS).write_text(htaccess(), encoding="utf-8")
            stamp = 1_600_000_000 + zlib.crc32(htaccess().encode()) % 10**8  # a time of its own: sent again only when it changes
            os.utime(copy / HTACCESS, (stamp, stamp))
            yield copy
        finally:
            shutil.rmtree(copy, ignore_errors=True)


def htaccess() -> str:
    """Apache's rules for the show's folder: cache headers and media types (needs mod_headers
    and `AllowOverride FileInfo`)."""
    rules = [(r"\.mp3$", CACHE_MEDIA), (r"\.(json|vtt|srt|png|jpg)$", CACHE_SIDECAR), (r"^(feed\.xml|index\.html)$", CACHE_FEED)]
    lines = ["# Written by podcast-digest's `podcast publish`; replaced on every publish.", "<IfModule mod_headers.c>"]
    for pattern, cache in rules:
        lines += [f'    <FilesMatch "{pattern}">', f'        Header set Cache-Control "{cache}"', "    </FilesMatch>"]
    lines += ["</IfModule>", "AddType audio/mpeg .mp3", "AddType application/rss+xml .xml", "AddType text/vtt .vtt"]
    return "\n".join([*lines, "AddType application/x-subrip .srt", ""])


def _same(local: Stat, remote: Stat | None) -> bool:
    if remote is None or remote.size != local.size:
        return False
    if remote.mtime is None or local.mtime is None:
        return remote.md5 == local.md5
    return int(remote.mtime) == int(local.mtime)


def _is_page(name: str) -> bool:
    return name in PAGES or name.endswith(IMAGES) or name == HTACCESS


def _normal(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _hidden(_folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name.startswith(".")}
