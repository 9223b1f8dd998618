"""Push: the published folder -> a destination (a folder, rsync over SSH, an rclone remote), feed last.

episodes/ changes all at once (see files.staged), but a destination changes one file at a time,
and a podcast app may fetch the feed there at any moment. So the files go in an order that keeps
the destination's feed true at every instant: files the destination lacks first; then, if MP3s it
already has are about to be replaced, a feed without those episodes (their stated lengths would
be wrong while they change); then the changed files, the cover and the page; the feed last, each
file written under a temporary name and renamed where the destination can rename; files of
removed episodes are deleted only once the new feed is in place. A publish that fails or is
killed leaves a consistent destination, and the next one finishes the work: files whose size and
modification time match are never sent again.

The tools that know the destinations do the sending: rsync (with the user's own SSH setup) and
rclone (every storage service); this module only decides what goes, in which order.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, NamedTuple, Protocol
from urllib.parse import unquote, urlsplit

from lxml import etree

from podcast.errors import RemoteError, SettingsError
from podcast.files import locked
from podcast.show import PublishTarget, Show

FEED = "feed.xml"
PAGES = ("index.html", "catalog.json")  # sent with the cover, after the media
IMAGES = (".png", ".jpg")
HTACCESS = ".htaccess"  # Apache's cache rules, for web servers fed by a folder or rsync
TEMPORARY = ".podcast-tmp"  # suffix of a file publish is still writing at a destination
# What publish may delete at a destination: the kinds of file a show publishes, and its own
# temporary files. Anything else there (a web site around the show) is left alone.
DELETABLE = (".mp3", ".json", ".vtt", ".srt", *IMAGES, TEMPORARY)
DIGESTS = "podcast-digests.json"  # see _send_digests; not hidden: WebDAV servers leave hidden files out of listings
PUBLISH_LOCK = ".podcast-publish.lock"  # one publish of a show at a time

# Cache-Control: an episode's MP3 is long-cached and never revalidated, so a CDN serves it to
# every listener; the feed and the page are short-cached, so apps see a new episode within minutes.
CACHE_MEDIA = "public, max-age=31536000, immutable"
CACHE_SIDECAR = "public, max-age=3600"  # chapters, transcripts, cover, catalog
CACHE_FEED = "public, max-age=300"  # feed.xml, index.html

Done = Callable[[str, str], None]  # (action: "send" or "delete", file name), once a file is done


class Stat(NamedTuple):
    size: int
    mtime: float | None  # seconds since the epoch; None where the destination keeps no times
    md5: str = ""  # where the destination keeps hashes but no times: then files are compared by content


@dataclass(frozen=True)
class Plan:
    """What one publish sends and deletes, in order; empty when the destination is up to date."""

    new: tuple[str, ...]  # files the destination lacks (but the page and the feed)
    replaced: tuple[str, ...]  # MP3s it has another version of: left out of the feed meanwhile
    changed: tuple[str, ...]  # then the other changed files, the cover and the page
    feed: bool  # the feed differs
    delete: tuple[str, ...]  # files of removed episodes, after the feed
    unchanged: int

    @property
    def held_feed(self) -> str:
        """How the feed sent before the replaced MP3s is named in reports."""
        return f"{FEED} (without the {len(self.replaced)} episode(s) being replaced)"

    def steps(self) -> list[tuple[str, str]]:
        held = [self.held_feed] if self.replaced else []
        sent = [*self.new, *held, *self.changed] + [FEED] * (self.feed or bool(self.replaced))
        return [("send", name) for name in sent] + [("delete", name) for name in self.delete]


class _Destination(Protocol):
    headers: bool  # takes Cache-Control per file (else it is sent a .htaccess)
    digests: bool  # keeps neither times nor hashes: publish keeps the files' MD5s there (known after listing)

    def listing(self) -> dict[str, Stat]: ...

    def send(self, folder: Path, names: list[str], done: Done) -> None: ...

    def send_feed(self, folder: Path, done: Done, label: str) -> None: ...

    def delete(self, names: list[str], done: Done) -> None: ...


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


def publish(
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
            local = _listing(folder, htaccess=not place.headers)
            for name, stat in local.items():
                if place.digests or remote.get(name, stat).md5:
                    local[name] = stat._replace(md5=hashlib.md5((folder / name).read_bytes()).hexdigest())
            plan = make_plan(local, remote)
            planned(target, plan)
            if not dry_run and plan.steps():
                if place.digests:  # vouch only for the files this publish leaves alone, until it ends
                    _send_digests(place, {name: stat.md5 for name, stat in remote.items() if name in local and name not in _touched(plan)})
                _carry_out(plan, folder, place, done)
                if place.digests:
                    _send_digests(place, {name: stat.md5 for name, stat in local.items()})
            plans.append(plan)
    return plans


def make_plan(local: dict[str, Stat], remote: dict[str, Stat]) -> Plan:
    """Compare episodes/ with the destination by size and modification time (to the second), or
    where the destination keeps no times, by size and MD5 if it keeps those, else by size."""
    differ = sorted(name for name, stat in local.items() if not _same(stat, remote.get(name)))
    early = [name for name in differ if name not in remote and name != FEED and name not in PAGES]
    later = sorted((name for name in differ if name not in early and name != FEED), key=lambda name: (_is_page(name), name))
    return Plan(
        new=tuple(early),
        replaced=tuple(name for name in later if name.endswith(".mp3")),
        changed=tuple(later),
        feed=FEED in differ,
        delete=tuple(sorted(name for name in remote if name not in local and name.endswith(DELETABLE))),
        unchanged=len(local) - len(differ),
    )


def _carry_out(plan: Plan, folder: Path, place: _Destination, done: Done) -> None:
    place.send(folder, list(plan.new), done)
    if plan.replaced:
        with tempfile.TemporaryDirectory() as held:
            (Path(held) / FEED).write_bytes(feed_without((folder / FEED).read_bytes(), set(plan.replaced)))
            place.send_feed(Path(held), done, plan.held_feed)
    place.send(folder, list(plan.changed), done)
    if plan.feed or plan.replaced:
        place.send_feed(folder, done, FEED)
    place.delete(list(plan.delete), done)


def _touched(plan: Plan) -> set[str]:
    return {*plan.new, *plan.changed, *plan.delete, FEED}


def _send_digests(place: _Destination, digests: dict[str, str]) -> None:
    """The MD5 of each file as publish last sent it whole, for a destination that keeps neither
    modification times nor hashes (plain WebDAV): how the next publish knows what changed."""
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
        shutil.rmtree(copy, ignore_errors=True)  # a killed publish's
        try:
            with locked(show.root / LOCK_FILE, show.lock_timeout, waiting):
                if not (folder / FEED).is_file():
                    raise RemoteError(f"{folder}: nothing to publish yet (no {FEED}): build an episode first")
                shutil.copytree(folder, copy, copy_function=_link, ignore=_hidden)
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


def cache_control(name: str) -> str:
    """
    >>> cache_control("a.mp3"), cache_control("a.vtt"), cache_control("feed.xml")
    ('public, max-age=31536000, immutable', 'public, max-age=3600', 'public, max-age=300')
    """
    if name.endswith(".mp3"):
        return CACHE_MEDIA
    return CACHE_FEED if name in (FEED, "index.html") else CACHE_SIDECAR


def destination(show: Show, target: PublishTarget) -> _Destination:
    """The destination a `publish_to` names: `rclone:remote:path`, `[user@]host:path` (a colon
    before any slash, as rsync reads it) or a folder (relative to the show folder)."""
    to = target.to.strip()
    if to.startswith("rclone:"):
        if ":" not in to[len("rclone:"):]:
            raise SettingsError(f"publish_to {to!r}: an rclone destination is rclone:REMOTE:PATH, as in rclone:r2:podcast")
        return _Rclone(to[len("rclone:"):])
    if "::" in to or to.startswith("rsync://"):
        raise SettingsError(f"publish_to {to!r}: rsync daemons are not supported; use SSH, as in user@host:/var/www/podcast/")
    if ":" in to.split("/", 1)[0]:
        return _Rsync(to)
    folder = (show.root / Path(to).expanduser()).resolve()
    if folder == show.episodes_dir.resolve():
        raise SettingsError(f"publish_to {to!r} is the show's own episodes/ folder")
    return _Folder(folder)


class _Folder:
    """A mounted web root: copied file by file, each to a temporary name then renamed."""

    headers = digests = False

    def __init__(self, path: Path) -> None:
        self.path = path

    def listing(self) -> dict[str, Stat]:
        if not self.path.exists():
            return {}
        try:
            return _listing(self.path, htaccess=True)
        except OSError as error:
            raise RemoteError(f"{self.path}: cannot read the destination ({error.strerror or error})") from None

    def send(self, folder: Path, names: list[str], done: Done) -> None:
        for name in names:
            temporary = self.path / f".{name}{TEMPORARY}"
            try:
                self.path.mkdir(parents=True, exist_ok=True)
                shutil.copy2(folder / name, temporary)  # with its modification time: how the next publish knows it
                os.replace(temporary, self.path / name)
            except OSError as error:
                raise RemoteError(f"{self.path / name}: cannot write it ({error.strerror or error})") from None
            done("send", name)

    def send_feed(self, folder: Path, done: Done, label: str) -> None:
        self.send(folder, [FEED], lambda action, name: done(action, label))

    def delete(self, names: list[str], done: Done) -> None:
        for name in names:
            try:
                (self.path / name).unlink(missing_ok=True)
            except OSError as error:
                raise RemoteError(f"{self.path / name}: cannot delete it ({error.strerror or error})") from None
            done("delete", name)


class _Rsync:
    """`[user@]host:path` through rsync over SSH, with the user's own SSH settings (~/.ssh/config,
    RSYNC_RSH). rsync writes every file to a temporary name and renames it into place."""

    headers = digests = False
    _LINE = re.compile(r"^(\S)\S*\s+(\d+) (\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) (.+)$")

    def __init__(self, to: str) -> None:
        self.to = to.rstrip("/") + "/"

    def listing(self) -> dict[str, Stat]:
        # TZ=UTC: rsync lists times in the local zone of this process.
        lines, failure = _run(self.to, ["rsync", "--list-only", "--no-human-readable", "--", self.to], {"TZ": "UTC"})
        if any("No such file or directory" in line for line in failure):
            return {}  # the folder is made by the first send
        _raise(self.to, failure)
        listing = {}
        for line in lines:
            match = self._LINE.match(line)
            if match and match[1] == "-":
                stamp = datetime.strptime(match[3] + " +0000", "%Y/%m/%d %H:%M:%S %z").timestamp()
                listing[match[4]] = Stat(int(match[2]), stamp)
        return listing

    def send(self, folder: Path, names: list[str], done: Done) -> None:
        if names:
            with _names_file(names) as listed:
                command = ["rsync", "--times", "--ignore-times", f"--files-from={listed}", "--out-format=%n", "--", f"{folder}/", self.to]
                _raise(self.to, _run(self.to, command, each=lambda name: done("send", name))[1])

    def send_feed(self, folder: Path, done: Done, label: str) -> None:
        self.send(folder, [FEED], lambda action, name: done(action, label))

    def delete(self, names: list[str], done: Done) -> None:
        if names:
            with _names_file(names) as listed, tempfile.TemporaryDirectory() as empty:
                # Each name missing from the (empty) source becomes a deletion at the destination.
                command = ["rsync", "--dirs", f"--files-from={listed}", "--delete-missing-args", "--", f"{empty}/", self.to]
                _raise(self.to, _run(self.to, command)[1])
            for name in names:
                done("delete", name)


class _Rclone:
    """Any rclone remote (`rclone:remote:path`): S3, R2, B2, GCS, WebDAV, SFTP…, set up with
    `rclone config`. Each file gets its Cache-Control. On file systems (where rclone 1.60 writes
    a file in place) the feed goes to a temporary name and is moved into place with a rename;
    object storage and WebDAV make an upload visible whole, and rclone's move there deletes the
    target first, so the feed is uploaded straight to its name."""

    headers = True
    digests = False  # until listing() has asked
    # Remote types rclone writes in place, and the wrappers that may hold one.
    IN_PLACE = {"local", "sftp", "ftp", "smb", "alias", "union", "combine", "crypt", "chunker", "compress", "hasher", "cache"}

    def __init__(self, remote: str) -> None:
        self.remote = remote
        self.label = f"rclone:{remote}"
        self.in_place = True  # until listing() has asked

    def _path(self, name: str) -> str:
        return self.remote + name if self.remote.endswith((":", "/")) else f"{self.remote}/{name}"

    def listing(self) -> dict[str, Stat]:
        """The files there, with what the remote keeps to compare them by (times, else MD5, else size)."""
        features = json.loads("\n".join(self._output(["rclone", "backend", "features", "--", self.remote])))
        times = features.get("Precision", 0) <= 1_000_000_000  # 100 years: the remote keeps no times
        md5 = not times and "md5" in features.get("Hashes", [])
        self.digests = not times and not md5
        self.in_place = self._kind() in self.IN_PLACE
        command = ["rclone", "lsjson", "--files-only", "--max-depth", "1", *(["--hash", "--hash-type", "md5"] * md5), "--", self.remote]
        lines, failure = _run(self.label, [*command[:2], "--use-json-log", *command[2:]])
        if any("directory not found" in line for line in failure):
            return {}
        _raise(self.label, failure)
        items = json.loads("".join(lines) or "[]")
        kept = json.loads("\n".join(self._output(["rclone", "cat", "--", self._path(DIGESTS)]))) if self.digests and any(
            item["Name"] == DIGESTS for item in items) else {}
        return {
            item["Name"]: Stat(item["Size"], _rfc3339(item["ModTime"]) if times else None, (item.get("Hashes") or {}).get("md5") or kept.get(item["Name"], ""))
            for item in items
            if item["Name"] != DIGESTS
        }

    def _kind(self) -> str:
        """The remote's type: from `rclone listremotes --long`, or a `:type,options:` remote's own."""
        name = self.remote.split(":", 1)[0]
        if not name:
            return re.split("[,:]", self.remote[1:], 1)[0]
        kinds = dict(line.split(":", 1) for line in self._output(["rclone", "listremotes", "--long"]) if ":" in line)
        return kinds.get(name, "").strip()

    def send(self, folder: Path, names: list[str], done: Done) -> None:
        for cache, run in itertools.groupby(names, cache_control):  # in order: media before the page
            with _names_file(list(run)) as listed:
                # --ignore-times: the plan chose these files; rclone sends each, whatever it would compare
                command = ["rclone", "copy", "--files-from-raw", str(listed), "--no-traverse", "--ignore-times", *_headers(cache), str(folder), self.remote]
                self._rclone(command, done)

    def send_feed(self, folder: Path, done: Done, label: str) -> None:
        if self.in_place:
            temporary = self._path(f".{FEED}{TEMPORARY}")
            self._rclone(["rclone", "copyto", "--ignore-times", *_headers(CACHE_FEED), str(folder / FEED), temporary])
            self._rclone(["rclone", "moveto", temporary, self._path(FEED)])
        else:
            self._rclone(["rclone", "copyto", "--ignore-times", *_headers(CACHE_FEED), str(folder / FEED), self._path(FEED)])
        done("send", label)

    def delete(self, names: list[str], done: Done) -> None:
        if names:
            with _names_file(names) as listed:
                self._rclone(["rclone", "delete", "--files-from-raw", str(listed), self.remote], done)

    def _output(self, command: list[str]) -> list[str]:
        lines, failure = _run(self.label, [*command[:2], "--use-json-log", *command[2:]])
        _raise(self.label, failure)
        return lines

    def _rclone(self, command: list[str], done: Done | None = None) -> None:
        def each(line: str) -> None:
            try:
                entry = json.loads(line)
            except ValueError:
                return
            message = entry.get("msg", "")
            if done and entry.get("level") == "info" and message.startswith(("Copied", "Deleted")):
                done("delete" if message == "Deleted" else "send", entry.get("object", ""))

        _lines, failure = _run(self.label, [*command[:2], "--use-json-log", "--verbose", *command[2:]], each=each, lines_on_stderr=True)
        _raise(self.label, failure)


def _run(
    where: str, command: list[str], environment: dict[str, str] | None = None,
    each: Callable[[str], None] = lambda line: None, lines_on_stderr: bool = False,
) -> tuple[list[str], list[str]]:
    """Run a tool, passing each line of one stream to `each` as it comes; returns that stream's
    lines, and if the tool failed, what it said (else nothing)."""
    lines = []
    with tempfile.TemporaryFile() as other:
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, text=True, env={**os.environ, **(environment or {})},
                stdout=other if lines_on_stderr else subprocess.PIPE, stderr=subprocess.PIPE if lines_on_stderr else other,
            )
        except FileNotFoundError:
            raise RemoteError(f"{where}: {command[0]} is not installed (Debian: apt-get install {command[0]})") from None
        stream = process.stderr if lines_on_stderr else process.stdout
        assert stream is not None
        for line in stream:
            lines.append(line.rstrip("\n"))
            each(lines[-1])
        code = process.wait()
        other.seek(0)
        said = other.read().decode("utf-8", "replace").splitlines()
    if code == 0:
        return lines, []
    return lines, [f"{command[0]} {command[1]} failed (exit status {code})", *(lines if lines_on_stderr else said)]


def _reason(lines: list[str]) -> str:
    """The line of a tool's complaint that says why: rclone's first logged error, else the last
    line that says something (ssh's "Connection refused" or "Permission denied (publickey)" after
    its banners, rsync's own complaint before its summary, rclone's fatal error).

    >>> _reason(['{"level":"warning","msg":"no config"}', '2026/11/30 02:20:26 Failed to create file system'])
    'Failed to create file system'
    >>> _reason(["@@@@@@", "me@host: Permission denied (publickey).", "rsync: connection unexpectedly closed", "rsync error: …"])
    'me@host: Permission denied (publickey).'
    """
    plain = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            plain.append(re.sub(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ", "", line).strip())
            continue
        if isinstance(entry, dict) and entry.get("level") in ("error", "critical"):
            return ": ".join(part for part in (entry.get("object"), entry.get("msg", "").strip()) if part)
    summaries = ("rsync error:", "rsync: connection unexpectedly closed")
    said = [line for line in plain if re.search(r"[A-Za-z]", line) and not line.startswith(summaries)]
    return said[-1] if said else ""


def _raise(where: str, complaint: list[str]) -> None:
    if complaint:
        raise RemoteError(f"{where}: {' '.join(_reason(complaint).split())}")


@contextmanager
def _names_file(names: list[str]) -> Iterator[Path]:
    """A list of file names, one a line, for rsync's and rclone's --files-from."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt") as listed:
        listed.write("".join(f"{name}\n" for name in names))
        listed.flush()
        yield Path(listed.name)


def _headers(cache: str) -> list[str]:
    return ["--header-upload", f"Cache-Control: {cache}"]


def _listing(folder: Path, htaccess: bool) -> dict[str, Stat]:
    listing = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and (htaccess or entry.name != HTACCESS):
                status = entry.stat(follow_symlinks=False)
                listing[entry.name] = Stat(status.st_size, status.st_mtime)
    return listing


def _same(local: Stat, remote: Stat | None) -> bool:
    if remote is None or remote.size != local.size:
        return False
    if remote.mtime is None or local.mtime is None:
        return remote.md5 == local.md5
    return int(remote.mtime) == int(local.mtime)


def _is_page(name: str) -> bool:
    return name in PAGES or name.endswith(IMAGES) or name == HTACCESS


def _rfc3339(text: str) -> float:
    """
    >>> _rfc3339("2026-11-30T02:17:36.419626251Z")
    1796005056.0
    """
    return datetime.fromisoformat(re.sub(r"\.\d+", "", text).replace("Z", "+00:00")).timestamp()


def _normal(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _hidden(_folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name.startswith(".")}
