"""Serve a show's episodes/ over HTTP, so podcast apps on this machine or the LAN can subscribe.

Podcast players stream and resume downloads with byte ranges and poll the feed with
conditional requests, so both are supported; everything else a static file server might do
(directory listings, files outside episodes/) is refused. The feed names its episodes with
absolute URLs under `base_url`; it is rewritten per request for the address the client used, so
a phone subscribing to this machine's LAN address gets enclosure URLs it can reach.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import sys
from datetime import datetime, timezone
from email.utils import formatdate, parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, Callable
from urllib.parse import unquote

from lxml import etree

from podcast.errors import ServeError
from podcast.rss import FEED_FILE
from podcast.show import Show

CHUNK = 64 * 1024  # bytes read and sent at a time: an MP3 is never held in memory whole
TIMEOUT = 30  # seconds a client may stall (idle keep-alive, unread response) before it is dropped

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".xml": "application/rss+xml",
    ".json": "application/json",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".html": "text/html; charset=utf-8",
}
# Web players fetch the feed and the transcript/chapter sidecars from other origins.
CORS_SUFFIXES = frozenset({".json", ".vtt", ".srt", ".xml"})

# One range only: "a-b", "a-" or "-n". At most 18 digits, so int() never meets a huge number.
_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})", re.IGNORECASE)
# A host name, IPv4 address or bracketed IPv6 address, with an optional port.
_HOST = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?")
# The feed is parsed, never trusted: no entities expanded, nothing fetched.
_FEED_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def serve(show: Show, host: str = "127.0.0.1", port: int = 8000, ready: Callable[[str], None] = print) -> None:
    """Serve the show's episodes/ until Ctrl-C, which returns normally: it is how serving stops.

    `ready` is called with the feed URL once the port is bound, so the caller can announce it.
    """
    with make_server(show, host, port) as server:
        ready(feed_url(server))
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def make_server(show: Show, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A bound server for the show's episodes/ (port 0: any free port); the caller runs and closes it."""
    root = show.episodes_dir.resolve()
    if not root.is_dir():
        raise ServeError(f"{show.episodes_dir}: no such folder; build an episode first")
    handler = partial(_Handler, root=root, base_url=show.base_url)
    try:
        return _Server((host, port), handler)
    except OSError as error:
        raise ServeError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None


def feed_url(server: ThreadingHTTPServer) -> str:
    """The feed's URL on `server`; a server on every interface is named by this machine's host name."""
    host, port = server.server_address[:2]
    if host == "0.0.0.0":
        host = socket.gethostname() or "127.0.0.1"
    return f"http://{host}:{port}/{FEED_FILE}"


def content_type(name: str) -> str:
    """The media type of a file in episodes/, by its name."""
    if name.lower().endswith(".chapters.json"):
        return "application/json+chapters"  # what Podcasting 2.0's podcast:chapters names
    return CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def byte_range(header: str | None, size: int) -> range | None:
    """The bytes a Range header asks for, clipped to the file.

    None means the whole file: no header, or one this server does not honour (malformed,
    several ranges), which HTTP allows to be ignored. An empty range means no byte of the file
    matches: a 416.
    """
    match = _RANGE.fullmatch(header.strip()) if header else None
    if not match:
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        if last and int(last) < start:
            return None
        stop = min(int(last) + 1, size) if last else size
    elif last:
        start, stop = max(size - int(last), 0), size
    else:
        return None
    return range(start, stop) if start < stop else range(0)


def rewrite_feed(feed: bytes, base_url: str, origin: str) -> bytes:
    """The feed with every URL under `base_url` moved under `origin` ("http://host:port").

    Every attribute and element text is looked at, so enclosures, the self and alternate
    links, the cover and any URL a later feed version adds all move together.
    """
    prefix = base_url.rstrip("/")

    def moved(url: str) -> str:
        if url == prefix or url.startswith(prefix + "/"):
            return origin + (url[len(prefix):] or "/")
        return url

    document = etree.fromstring(feed, _FEED_PARSER)
    for element in document.iter(etree.Element):
        if element.text:
            element.text = moved(element.text)
        for name, value in element.attrib.items():
            element.set(name, moved(value))
    return etree.tostring(document.getroottree(), xml_declaration=True, encoding="UTF-8")


def valid_host(host: str | None) -> bool:
    """Whether a Host header is a plain host[:port], safe to put in the feed's URLs."""
    match = _HOST.fullmatch(host) if host else None
    return bool(match) and int(match.group(1) or 0) <= 65535


class _Server(ThreadingHTTPServer):
    """A threaded server that takes a client hanging up or stalling as routine, not as a bug."""

    # listen(2)'s backlog: socketserver's 5 made about one connection in seven wait a second
    # for a retransmitted SYN when an app opened many at once (feed, cover, chapters, ranges).
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        """Players drop connections all the time (seeking, pausing); only other errors print a traceback."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD of the files in episodes/, with ranges, validators and the rewritten feed."""

    protocol_version = "HTTP/1.1"  # keep-alive: players make many range requests
    server_version = "podcast-digest"
    timeout = TIMEOUT

    def __init__(self, *args: object, root: Path, base_url: str, **kwargs: object) -> None:
        self.root = root
        self.base_url = base_url
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # handles the request

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: a player's dozens of range requests a minute would bury the terminal."""

    def _serve(self, send_body: bool) -> None:
        path = self._target()
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        try:
            file = path.open("rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        with file:
            stat = os.fstat(file.fileno())  # of the file opened: an atomic replace cannot mix two
            etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
            last_modified = formatdate(stat.st_mtime, usegmt=True)
            host = self.headers.get("Host")
            rewritten = path == self.root / FEED_FILE and valid_host(host)
            if rewritten:  # the bytes sent depend on the Host header: so does their tag
                etag = f'{etag[:-1]}-{hashlib.sha256(host.lower().encode()).hexdigest()[:12]}"'
            if self._not_modified(etag, stat.st_mtime):
                self._start(HTTPStatus.NOT_MODIFIED, path, etag, last_modified)
                self.end_headers()
                return
            if rewritten:
                self._send_feed(file, path, etag, last_modified, f"http://{host}", send_body)
                return
            wanted = byte_range(self.headers.get("Range"), stat.st_size)
            if_range = self.headers.get("If-Range")
            if if_range and if_range not in (etag, last_modified):
                wanted = None  # the client's partial copy is of an older file: send the new one whole
            if wanted is None:
                wanted = range(stat.st_size)
                self._start(HTTPStatus.OK, path, etag, last_modified)
            elif not wanted:
                self._start(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, path, etag, last_modified)
                self.send_header("Content-Range", f"bytes */{stat.st_size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            else:
                self._start(HTTPStatus.PARTIAL_CONTENT, path, etag, last_modified)
                self.send_header("Content-Range", f"bytes {wanted.start}-{wanted.stop - 1}/{stat.st_size}")
            self.send_header("Content-Length", str(len(wanted)))
            self.end_headers()
            if send_body:
                self._copy(file, wanted)

    def _target(self) -> Path | None:
        """The file in episodes/ the request names, or None for anything else.

        The path is percent-decoded once (so "%252e" stays a literal "%2e"), and every part of
        it must be a plain name: not empty ("//"), not a dotfile (which covers ".." and the
        temporary files of atomic writes), without backslashes or NUL bytes. The resolved file
        must still be inside episodes/, so a symlink cannot lead out.
        """
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        if not raw.startswith("/"):
            return None
        parts = unquote(raw)[1:].split("/") if raw != "/" else ["index.html"]
        if any(not part or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
            return None
        try:
            path = self.root.joinpath(*parts).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a symlink loop
            return None
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        if any(part.startswith(".") for part in path.relative_to(self.root).parts):
            return None
        return path

    def _not_modified(self, etag: str, mtime: float) -> bool:
        """Whether the client's cached copy is current; If-None-Match wins over If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in tags or etag in tags
        try:
            since = parsedate_to_datetime(self.headers.get("If-Modified-Since", ""))
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return datetime.fromtimestamp(int(mtime), timezone.utc) <= since

    def _start(self, status: HTTPStatus, path: Path, etag: str, last_modified: str) -> None:
        """The status line and the headers every response about a file carries."""
        self.send_response(status)
        self.send_header("Content-Type", content_type(path.name))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        if path.suffix.lower() in CORS_SUFFIXES:
            self.send_header("Access-Control-Allow-Origin", "*")
        if path == self.root / FEED_FILE:  # rewritten per Host: a cache must not hand one host's copy to another
            self.send_header("Vary", "Host")

    def _send_feed(self, file: BinaryIO, path: Path, etag: str, last_modified: str, origin: str, send_body: bool) -> None:
        """The feed rewritten for `origin`, whole (it is small; ranges are ignored), or as it is if it does not parse."""
        feed = file.read()
        try:
            feed = rewrite_feed(feed, self.base_url, origin)
        except etree.XMLSyntaxError:
            pass
        self._start(HTTPStatus.OK, path, etag, last_modified)
        self.send_header("Content-Length", str(len(feed)))
        self.end_headers()
        if send_body:
            self.wfile.write(feed)

    def _copy(self, file: BinaryIO, wanted: range) -> None:
        """Send `wanted` bytes of `file` in chunks."""
        file.seek(wanted.start)
        remaining = len(wanted)
        while remaining:
            chunk = file.read(min(CHUNK, remaining))
            if not chunk:  # truncated while being sent: closing tells the client its body is short
                self.close_connection = True
                return
            self.wfile.write(chunk)
            remaining -= len(chunk)
