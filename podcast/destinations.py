"""Where `podcast publish` sends files: a folder, rsync over SSH, or an rclone remote.

Each is the same four operations (list what is there, send files, send the feed, delete files),
done by the tool that knows the destination: Python's own file calls for a mounted folder, rsync
with the user's own SSH setup, rclone for every storage service. remote.py decides what goes and
in which order; nothing here knows about episodes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, NamedTuple, Protocol

from podcast.errors import RemoteError, SettingsError
from podcast.page import PAGE_FILE
from podcast.rss import FEED_FILE
from podcast.show import PublishTarget, Show

HTACCESS = ".htaccess"  # Apache's cache rules, for web servers fed by a folder or rsync
TEMPORARY = ".podcast-tmp"  # suffix of a file publish is still writing at a destination
DIGESTS = "podcast-digests.json"  # see remote.py; not hidden: WebDAV servers leave hidden files out of listings

# Cache-Control: an episode's MP3 is long-cached and never revalidated, so a CDN serves it to
# every listener; the feed and the page are short-cached, so apps see a new episode within minutes.
CACHE_MEDIA = "public, max-age=31536000, immutable"
CACHE_SIDECAR = "public, max-age=3600"  # chapters, transcripts, cover, catalog
CACHE_FEED = "public, max-age=300"  # feed.xml, index.html

Done = Callable[[str, str], None]  # (action: "send" or "delete", file name), once a file is done


class Stat(NamedTuple):
    """A file as a listing sees it: what tells whether it changed."""

    size: int
    mtime: float | None  # seconds since the epoch; None where the destination keeps no times,
    md5: str = ""  # and then its MD5: the remote's own, or the one publish keeps there (DIGESTS)


class Destination(Protocol):
    """What remote.py asks of a destination; `send` and `delete` call `done` once per file."""

    headers: bool  # takes Cache-Control per file (else it is sent a .htaccess)
    digests: bool  # keeps neither times nor hashes: publish keeps the files' MD5s there (known after listing)

    def listing(self) -> dict[str, Stat]: ...

    def send(self, folder: Path, names: list[str], done: Done) -> None: ...

    def send_feed(self, folder: Path, done: Done, label: str) -> None: ...

    def delete(self, names: list[str], done: Done) -> None: ...


def cache_control(name: str) -> str:
    """
    >>> cache_control("a.mp3"), cache_control("a.vtt"), cache_control("feed.xml")
    ('public, max-age=31536000, immutable', 'public, max-age=3600', 'public, max-age=300')
    """
    if name.endswith(".mp3"):
        return CACHE_MEDIA
    return CACHE_FEED if name in (FEED_FILE, PAGE_FILE) else CACHE_SIDECAR


def destination(show: Show, target: PublishTarget) -> Destination:
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
            return files_in(self.path)
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
        self.send(folder, [FEED_FILE], lambda action, name: done(action, label))

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
        self.send(folder, [FEED_FILE], lambda action, name: done(action, label))

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
        items = {item["Name"]: item for item in json.loads("".join(lines) or "[]")}
        kept = json.loads("\n".join(self._output(["rclone", "cat", "--", self._path(DIGESTS)]))) if items.pop(DIGESTS, None) else {}
        return {
            name: Stat(item["Size"], _rfc3339(item["ModTime"]) if times else None, (item.get("Hashes") or {}).get("md5") or kept.get(name, ""))
            for name, item in items.items()
        }

    def _kind(self) -> str:
        """The remote's type: from `rclone listremotes --long`, or a `:type,options:` remote's own."""
        name = self.remote.split(":", 1)[0]
        if not name:
            return re.split("[,:]", self.remote[1:], 1)[0]
        kinds = dict(line.split(":", 1) for line in self._output(["rclone", "listremotes", "--long"]) if ":" in line)
        return kinds.get(name, "").strip()

    def send(self, folder: Path, names: list[str], done: Done) -> None:
        for cache in (CACHE_MEDIA, CACHE_SIDECAR, CACHE_FEED):  # one call per header: MP3s, then the cover, then the page
            group = [name for name in names if cache_control(name) == cache]
            if group:
                with _names_file(group) as listed:
                    # --ignore-times: the plan chose these files; rclone sends each, whatever it would compare
                    files = ["--files-from-raw", str(listed), "--no-traverse", "--ignore-times"]
                    self._rclone(["rclone", "copy", *files, *_headers(cache), str(folder), self.remote], done)

    def send_feed(self, folder: Path, done: Done, label: str) -> None:
        feed = self._path(FEED_FILE)
        first = self._path(f".{FEED_FILE}{TEMPORARY}") if self.in_place else feed
        self._rclone(["rclone", "copyto", "--ignore-times", *_headers(CACHE_FEED), str(folder / FEED_FILE), first])
        if first != feed:
            self._rclone(["rclone", "moveto", first, feed])
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


def files_in(folder: Path, htaccess: bool = True) -> dict[str, Stat]:
    """The files in a local folder (not its subfolders), with their sizes and times."""
    listing = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and (htaccess or entry.name != HTACCESS):
                status = entry.stat(follow_symlinks=False)
                listing[entry.name] = Stat(status.st_size, status.st_mtime)
    return listing


def _rfc3339(text: str) -> float:
    """
    >>> _rfc3339("2026-11-30T02:17:36.419626251Z")
    1796005056.0
    """
    return datetime.fromisoformat(re.sub(r"\.\d+", "", text).replace("Z", "+00:00")).timestamp()
