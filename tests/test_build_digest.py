"""The whole pipeline on several inputs at once: a digest episode, with an announcer voice."""

from __future__ import annotations

import functools
import importlib.util
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from podcast.cli import cli
from podcast.script import read_script
from podcast.engines import HibariEngine, PiperEngine, Pyttsx3Engine, Voice
from podcast.speech import cache_path

PAGES = Path(__file__).parent / "pages"
NOTES = "# Kitchen notes\n\nWhat a week of cooking taught us.\n\n## Salt early\n\nIt seasons the inside.\n"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_files_and_a_url_make_one_digest_with_the_announcer_on_the_signposts(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(NOTES)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(PAGES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/night_market.html"
        result = CliRunner().invoke(
            cli,
            ["build", str(tmp_path / "notes.md"), url, "--title", "Two digests", "--announcer-voice", "gmw/en-gb-x-rp", "--show", str(tmp_path)],
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output

    (mp3,) = (tmp_path / "episodes").glob("*.mp3")
    chapters = sorted(ID3(mp3).getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == [
        "Introduction",
        "Kitchen notes",
        "Salt early",
        "Four lessons from running a night market",
        "Light matters more than signs",
        "Cash still matters",
        "Keep the rows short",
        "Close on time, every time",
        "Four lessons from running a night market: wrap-up",
        "Wrap-up",
    ]

    # An English show speaks with hibari; an espeak-ng voice id names a pyttsx3 announcer.
    announcer, body = Voice(engine="pyttsx3", name="gmw/en-gb-x-rp"), Voice(engine="hibari")
    versions = {announcer: Pyttsx3Engine.version(), body: HibariEngine.version()}
    salt = read_script(tmp_path / "scripts" / "two-digests").segments[2]
    assert salt.paragraphs == ("Takeaway one: Salt early.", "It seasons the inside.")
    assert cache_path("Takeaway one: Salt early.", announcer, versions[announcer]).is_file()
    assert not cache_path("Takeaway one: Salt early.", body, versions[body]).exists()
    assert cache_path("It seasons the inside.", body, versions[body]).is_file()
    assert not cache_path("It seasons the inside.", announcer, versions[announcer]).exists()


def test_a_failed_fetch_or_a_folder_among_articles_is_one_line_and_publishes_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(NOTES)
    assert CliRunner().invoke(cli, ["script", str(tmp_path / "notes.md"), "--show", str(tmp_path)]).exit_code == 0
    folder = tmp_path / "scripts" / "kitchen-notes"
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}/post"
    for sources, message in [
        ([str(tmp_path / "notes.md"), closed], f"Error: {closed}: cannot fetch it"),
        ([str(folder), str(tmp_path / "notes.md")], f"Error: {folder}: a script folder is rebuilt on its own"),
    ]:
        result = CliRunner().invoke(cli, ["build", *sources, "--show", str(tmp_path)])
        assert result.exit_code == 1
        assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert not (tmp_path / "episodes").exists()


@pytest.mark.skipif(importlib.util.find_spec("piper") is None, reason="the neural extra is not installed")
def test_an_episode_in_piper_s_voice_with_an_espeak_announcer(tmp_path: Path, decode) -> None:
    (tmp_path / "notes.md").write_text(NOTES)
    options = ["--engine", "piper", "--announcer-voice", "pyttsx3:gmw/en-gb-x-rp", "--show", str(tmp_path)]
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "notes.md"), *options])
    assert result.exit_code == 0, result.output
    mp3 = tmp_path / "episodes" / "kitchen-notes.mp3"
    chapters = sorted(ID3(mp3).getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == ["Introduction", "Salt early", "Wrap-up"]
    assert 8 < len(decode(mp3)) / 1000 < 40  # about twenty seconds of speech
    piper = Voice(engine="piper")
    assert cache_path("It seasons the inside.", piper, PiperEngine.version()).is_file()
    announcer = Voice(engine="pyttsx3", name="gmw/en-gb-x-rp")
    assert cache_path("Takeaway one: Salt early.", announcer, Pyttsx3Engine.version()).is_file()
