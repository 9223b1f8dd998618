"""serve: a real server on a free port, spoken to over real HTTP the way podcast players do."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from PIL import Image

from podcast.errors import ServeError
from podcast.episode import Chapter, Episode
from podcast.publish import add_episode
from podcast.serve import make_server
from podcast.show import Show, load_show

AUDIO = os.urandom(200_000)  # several chunks, so streaming is exercised across chunk boundaries
SIZE = len(AUDIO)
SECRET = b"SECRET-OUTSIDE-EPISODES"
HOSTILE_PATHS = [
    "/../pyproject.toml",
    "/..%2fpyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/%252e%252e/pyproject.toml",
    "/..%5c..%5cpyproject.toml",
    "/..\\pyproject.toml",
    "//etc/passwd",
    "/a%00b",
    "/ep.mp3%00.png",
    "/leak.txt",  # a symlink inside episodes/ to a file outside it
    "/.feed.xml.tmp",  # an atomic write's temporary file
    "/.hidden/ep.mp3",
    "/sub/",  # a folder: no listings
    "http://127.0.0.1/../pyproject.toml",
    "/%2e%2e%2fpyproject.toml",
    "/%252e%252e%252fpyproject.toml",
    "/%2fetc%2fpasswd",
    "/%5c..%5cpyproject.toml",
    "/C:%5cWindows%5cwin.ini",
    "/..%00/pyproject.toml",
    "/%c0%ae%c0%ae/pyproject.toml",  # an overlong UTF-8 dot
    "/%ff%fe",
    "/escape/outside.txt",  # a symlinked folder inside episodes/ that leads out of it
]


def make_show(root: Path) -> Show:
    """A published show: an MP3 of known bytes, its feed and catalog, sidecars, a dotfile, an escape link."""
    Image.new("RGB", (1400, 1400)).save(root / "cover.png")  # publish copies it into episodes/
    (root / "podcast.toml").write_text('[show]\nbase_url = "https://example.com/pod/"\ncover = "cover.png"\n', encoding="utf-8")
    show = load_show(root)
    episodes = show.episodes_dir
    episodes.mkdir(parents=True)
    (episodes / "ep.mp3").write_bytes(AUDIO)
    add_episode(show, Episode("ep", "An episode", episodes / "ep.mp3", 12.5, (Chapter("All", 0.0, 12.5),), "Notes."))
    for name, data in {
        "ep.chapters.json": b'{"version": "1.2.0", "chapters": []}',
        "ep.vtt": b"WEBVTT\n",
        "ep.srt": b"1\n00:00:00,000 --> 00:00:01,000\nHi\n",
        "cover.jpg": b"\xff\xd8\xff",
        ".feed.xml.tmp": SECRET,
    }.items():
        (episodes / name).write_bytes(data)
    (episodes / "sub").mkdir()
    (root / "pyproject.toml").write_bytes(SECRET)
    (root / "outside.txt").write_bytes(SECRET)
    (episodes / "leak.txt").symlink_to(root / "outside.txt")
    (episodes / "escape").symlink_to(root)
    return show


@pytest.fixture
def show(tmp_path: Path) -> Show:
    return make_show(tmp_path)


@pytest.fixture
def port(show: Show) -> Iterator[int]:
    """A server for `show` running in a thread; its port."""
    server = make_server(show, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


def get(port: int, path: str, method: str = "GET", **headers: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={name.replace("_", "-"): value for name, value in headers.items()})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_full_get_sends_the_exact_bytes(port: int) -> None:
    status, headers, body = get(port, "/ep.mp3")
    assert (status, body) == (200, AUDIO)
    assert headers["Content-Length"] == str(SIZE)
    assert headers["Content-Type"] == "audio/mpeg"
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["ETag"] and headers["Last-Modified"]
    assert "Access-Control-Allow-Origin" not in headers


def test_head_sends_the_headers_of_get_and_no_body(port: int) -> None:
    status, headers, body = get(port, "/ep.mp3", "HEAD")
    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == str(SIZE)
    assert headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-0", 0, 1),
        ("bytes=100-70000", 100, 70001),
        (f"bytes=1000-{SIZE * 2}", 1000, SIZE),  # an end past the file is clipped
        ("bytes=150000-", 150000, SIZE),
        ("bytes=-500", SIZE - 500, SIZE),
        (f"bytes=-{SIZE * 2}", 0, SIZE),  # a suffix longer than the file is all of it
        ("BYTES=5-9", 5, 10),
    ],
)
def test_a_range_is_sent_byte_exact(port: int, header: str, start: int, stop: int) -> None:
    status, headers, body = get(port, "/ep.mp3", Range=header)
    assert status == 206
    assert body == AUDIO[start:stop]
    assert headers["Content-Length"] == str(stop - start)
    assert headers["Content-Range"] == f"bytes {start}-{stop - 1}/{SIZE}"


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE}-{SIZE + 10}", "bytes=-0"])
def test_a_range_past_the_end_is_416(port: int, header: str) -> None:
    status, headers, body = get(port, "/ep.mp3", Range=header)
    assert (status, body) == (416, b"")
    assert headers["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize(
    "header",
    ["bytes=", "bytes=-", "bytes=9-5", "bytes=0-1,5-9", "items=0-5", "bytes=a-b", "bytes=0-1 junk", "bytes=" + "9" * 5000 + "-"],
)
def test_a_malformed_or_multiple_range_gets_the_whole_file(port: int, header: str) -> None:
    status, headers, body = get(port, "/ep.mp3", Range=header)
    assert (status, body) == (200, AUDIO)
    assert "Content-Range" not in headers


def test_one_connection_serves_several_requests(port: int) -> None:
    """HTTP/1.1 keep-alive, as players use it: each response must be exactly as long as it says."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for headers, expected in [({"Range": "bytes=10-19"}, AUDIO[10:20]), ({}, AUDIO), ({"Range": "bytes=-3"}, AUDIO[-3:])]:
            connection.request("GET", "/ep.mp3", headers=headers)
            assert connection.getresponse().read() == expected
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "content_type", "cors"),
    [
        ("/ep.mp3", "audio/mpeg", False),
        ("/feed.xml", "application/rss+xml", True),
        ("/catalog.json", "application/json", True),
        ("/ep.chapters.json", "application/json+chapters", True),
        ("/ep.vtt", "text/vtt", True),
        ("/ep.srt", "application/x-subrip", True),
        ("/cover.png", "image/png", False),
        ("/cover.jpg", "image/jpeg", False),
        ("/index.html", "text/html; charset=utf-8", False),
    ],
)
def test_content_types_and_cors(port: int, path: str, content_type: str, cors: bool) -> None:
    status, headers, _body = get(port, path)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert headers["Access-Control-Allow-Origin"] == ("*" if cors else None)


@pytest.mark.parametrize("path", ["/ep.mp3", "/feed.xml"])
def test_validators_answer_304(port: int, path: str) -> None:
    _status, headers, _body = get(port, path)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert get(port, path, If_None_Match=etag)[::2] == (304, b"")
    assert get(port, path, If_None_Match=f'"other", W/{etag}')[0] == 304
    assert get(port, path, If_Modified_Since=last_modified)[::2] == (304, b"")
    assert get(port, path, If_None_Match='"other"', If_Modified_Since=last_modified)[0] == 200  # the ETag wins
    assert get(port, path, If_Modified_Since="Sat, 01 Jan 2000 00:00:00 GMT")[0] == 200
    assert get(port, path, If_Modified_Since="not a date")[0] == 200


def test_if_range_of_an_older_file_gets_the_whole_new_one(port: int) -> None:
    etag = get(port, "/ep.mp3", "HEAD")[1]["ETag"]
    assert get(port, "/ep.mp3", Range="bytes=0-9", If_Range=etag)[0] == 206
    assert get(port, "/ep.mp3", Range="bytes=0-9", If_Range='"stale"')[::2] == (200, AUDIO)


def enclosure(body: bytes) -> str:
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    [item] = feed.entries
    [link] = [link for link in item.links if link.rel == "enclosure"]
    return link.href


def test_the_feed_names_the_host_the_client_used(port: int) -> None:
    status, headers, body = get(port, "/feed.xml")
    assert status == 200 and headers["Content-Length"] == str(len(body))
    assert enclosure(body) == f"http://127.0.0.1:{port}/ep.mp3"
    assert get(port, enclosure(body).split(str(port), 1)[1])[2] == AUDIO  # the enclosure really is served

    lan = get(port, "/feed.xml", Host="192.168.1.20:8000")[2]
    assert enclosure(lan) == "http://192.168.1.20:8000/ep.mp3"
    feed = feedparser.parse(lan).feed
    assert feed.link == "http://192.168.1.20:8000/"
    assert [link.href for link in feed.links if link.rel == "self"] == ["http://192.168.1.20:8000/feed.xml"]
    assert feed.image.href == "http://192.168.1.20:8000/cover.png"
    assert b"example.com" not in lan


def test_the_rewritten_feed_varies_by_host_and_so_does_its_etag(port: int) -> None:
    """A cache (or an app behind a proxy) must not hand the copy made for one address to a
    client of another: the feed says Vary: Host, and a tag from one host is stale at another."""
    tags = {}
    for host in ("127.0.0.1", "192.168.1.20:8000"):
        status, headers, _body = get(port, "/feed.xml", Host=host)
        assert status == 200 and headers["Vary"] == "Host"
        tags[host] = headers["ETag"]
        not_modified = get(port, "/feed.xml", Host=host, If_None_Match=tags[host])
        assert not_modified[0] == 304 and not_modified[1]["Vary"] == "Host"
    assert tags["127.0.0.1"] != tags["192.168.1.20:8000"]
    assert get(port, "/feed.xml", Host="192.168.1.20:8000", If_None_Match=tags["127.0.0.1"])[0] == 200
    assert "Vary" not in get(port, "/ep.mp3")[1]


def test_a_burst_of_connections_is_queued_not_dropped(show: Show) -> None:
    """64 clients connecting at once to a server busy elsewhere are all taken into the listen
    queue (a backlog of 5 dropped the SYN of all but six, which then waited a second or more)."""
    with make_server(show, "127.0.0.1", 0) as server:  # listening, not yet accepting
        clients = [socket.socket() for _ in range(64)]
        try:
            for client in clients:
                client.settimeout(0.5)
                client.connect(server.server_address)  # times out once the queue is full
        finally:
            for client in clients:
                client.close()


@pytest.mark.parametrize("host", ["evil.example/x", "a b", "host:99999", "x@y"])
def test_an_implausible_host_gets_the_feed_as_published(port: int, show: Show, host: str) -> None:
    status, _headers, body = get(port, "/feed.xml", Host=host)
    assert status == 200
    assert body == (show.episodes_dir / "feed.xml").read_bytes()
    assert enclosure(body) == "https://example.com/pod/ep.mp3"


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_nothing_outside_episodes_is_served(port: int, path: str) -> None:
    status, _headers, body = get(port, path)
    assert status in (403, 404)
    assert SECRET not in body


def test_root_is_the_show_page_or_404(port: int, show: Show) -> None:
    status, headers, body = get(port, "/")
    assert (status, body) == (200, (show.episodes_dir / "index.html").read_bytes())  # publish wrote it
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    (show.episodes_dir / "index.html").unlink()
    status, _headers, body = get(port, "/")
    assert status == 404 and b"feed.xml" not in body  # never a listing


def test_a_taken_port_or_missing_episodes_is_a_serve_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ServeError, match="cannot serve on 127.0.0.1"):
            make_server(make_show(tmp_path), "127.0.0.1", taken.getsockname()[1])
    with pytest.raises(ServeError, match="no such folder"):
        make_server(Show(root=tmp_path / "empty"), "127.0.0.1", 0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def podcast_serve(show: Show, port: int) -> subprocess.Popen[str]:
    # SIGINT as the default action in the child, even when this run was started in the background.
    return subprocess.Popen(
        [sys.executable, "-m", "podcast", "serve", "--port", str(port)],
        cwd=show.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def hang_up_mid_request(port: int) -> None:
    """What a player does when the user seeks: drop the connection with a reset, mid-request."""
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(b"GET /ep.mp3 HTTP/1.1\r\n")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_the_command_prints_the_feed_url_and_stops_cleanly_on_ctrl_c(show: Show) -> None:
    port = free_port()
    process = podcast_serve(show, port)
    try:
        line = process.stdout.readline()
        assert line.startswith(f"Feed: http://127.0.0.1:{port}/feed.xml"), line + process.stderr.read()
        hang_up_mid_request(port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.xml", timeout=10) as response:
            assert enclosure(response.read()) == f"http://127.0.0.1:{port}/ep.mp3"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert err == ""  # no traceback, no access log, no complaint about the dropped client
    assert out.endswith("Stopped.\n")


def test_the_command_reports_a_taken_port_in_one_line(show: Show) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process = podcast_serve(show, taken.getsockname()[1])
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert err.startswith("Error: cannot serve on 127.0.0.1:") and err.count("\n") == 1


def raw(port: int, request: bytes) -> bytes:
    """Send bytes as they are (http.client would refuse or fix most of these) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(request)
        client.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "target",
    [b"pyproject.toml", b"../pyproject.toml", b"/ep.mp3\x00.png", b"\\..\\pyproject.toml", b"*",
     b"//../pyproject.toml", b"/./../pyproject.toml", b"/escape/../../pyproject.toml", b"/" + b"a" * 70000],
)
def test_raw_hostile_request_lines_get_an_error_status_and_nothing_else(port: int, target: bytes) -> None:
    answer = raw(port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert answer.split(b" ", 2)[1] in (b"400", b"403", b"404", b"414"), answer[:100]
    assert SECRET not in answer
    assert get(port, "/ep.mp3")[::2] == (200, AUDIO)  # and the server carries on


@pytest.mark.parametrize(
    "header",
    ["bytes=--5", "bytes=5-5-5", "bytes= 0-5", "bytes=0-5,", "bytes=0-99999999999999999999", "bytes=\u0661-\u0665",
     "bytes=" + ",".join(["0-1"] * 2000), "bytes=-" + "9" * 30, "\t", "bytes=1-0x10"],
)
def test_any_malformed_range_gets_416_or_the_whole_file(port: int, header: str) -> None:
    answer = raw(port, f"GET /ep.mp3 HTTP/1.1\r\nRange: {header}\r\nConnection: close\r\n\r\n".encode("utf-8"))
    head, _, body = answer.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    assert status == b"416" and body == b"" or status == b"200" and body == AUDIO, head


def test_a_stalled_client_blocks_no_one_and_is_dropped(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from podcast import serve

    monkeypatch.setattr(serve._Handler, "timeout", 1)  # the real 30 s, shortened for the test
    stalled = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    try:
        for client in stalled:
            client.sendall(b"GET /ep.mp3 HTTP/1.1\r\nHo")  # half a request, then nothing
        assert get(port, "/ep.mp3")[::2] == (200, AUDIO)  # others are served meanwhile
        for client in stalled:
            assert client.recv(1024) == b""  # and the server hangs up on the staller
    finally:
        for client in stalled:
            client.close()


def test_serving_goes_on_while_builds_swap_episodes(show: Show) -> None:
    """Requests during repeated publications: never a 404 or a broken feed, only whole versions of the MP3."""
    from podcast.build import staged_show
    from podcast.files import atomic_write

    versions = [AUDIO[: SIZE - 1000 * n] for n in range(40)]
    server = make_server(show, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    port = server.server_address[1]
    seen: list[tuple[str, int, bytes]] = []
    stop = threading.Event()

    def fetch() -> None:
        while not stop.is_set():
            for path in ("/feed.xml", "/ep.mp3"):
                status, _headers, body = get(port, path)
                seen.append((path, status, body))

    readers = [threading.Thread(target=fetch) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        for audio in versions[1:]:
            with staged_show(show) as stage:
                atomic_write(stage.episodes_dir / "ep.mp3", audio)
                add_episode(stage, Episode("ep", "An episode", stage.episodes_dir / "ep.mp3", 12.5, (Chapter("All", 0.0, 12.5),), "Notes."))
    finally:
        stop.set()
        for reader in readers:
            reader.join()
        server.shutdown()
        server.server_close()
        thread.join()
    assert {status for _path, status, _body in seen} == {200}
    assert all(body in versions for path, _status, body in seen if path == "/ep.mp3")
    assert all(not feedparser.parse(body).bozo for path, _status, body in seen if path == "/feed.xml")
    assert len(seen) > 40


def random_range_reads(port: int, seconds: float, seed: int) -> tuple[int, list[str]]:
    """One client: keep-alive range reads of the episode until `seconds` have passed; requests made, errors."""
    import random
    import time

    chooser = random.Random(seed)
    deadline = time.monotonic() + seconds
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    count, errors = 0, []
    try:
        while time.monotonic() < deadline:
            start = chooser.randrange(SIZE)
            stop = min(SIZE, start + chooser.randrange(1, 100_000))
            try:
                connection.request("GET", "/ep.mp3", headers={"Range": f"bytes={start}-{stop - 1}"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{type(error).__name__}: {error}")
                connection.close()
                continue
            count += 1
            if response.status != 206 or body != AUDIO[start:stop]:
                errors.append(f"bytes {start}-{stop - 1}: status {response.status}, {len(body)} bytes")
    finally:
        connection.close()
    return count, errors


@pytest.mark.slow
def test_fifty_clients_reading_ranges_for_twenty_seconds_get_exact_bytes(show: Show) -> None:
    """A bounded load test against `podcast serve` in its own process: every response byte-exact, no error."""
    from concurrent.futures import ThreadPoolExecutor

    port = free_port()
    process = podcast_serve(show, port)
    try:
        assert process.stdout.readline().startswith("Feed: ")
        with ThreadPoolExecutor(50) as clients:
            results = list(clients.map(lambda seed: random_range_reads(port, 20, seed), range(50)))
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    requests = sum(count for count, _errors in results)
    errors = [error for _count, errors in results for error in errors]
    print(f"{requests} range requests from 50 clients in 20 s, {len(errors)} errors")
    assert errors == [] and err == ""
    assert all(count > 0 for count, _errors in results)
