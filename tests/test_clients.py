"""Real podcast clients against `podcast serve` on 127.0.0.1: the measure of issue 5.

One show is built once for the module with real speech (so with the chapters JSON, VTT and
SRT the build writes beside the MP3) and served by the real command in a subprocess. feedparser and gPodder's podcastparser read
the served feed, Debian's gPodder (`gpo`) subscribes and downloads, and Debian's chromium
plays the show page. Debian tools missing here skip outside CI; under CI they must be there.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Callable, NoReturn
from dataclasses import dataclass
from pathlib import Path

import feedparser
import podcastparser
import pytest
import webvtt

from podcast.build import build
from podcast.catalog import Entry
from podcast.show import Show, load_show

ARTICLE = """# Two quick points

A short intro, read aloud for the clients.

## Listen first

One sentence for the first chapter.

## Then read

One sentence for the second chapter.
"""
# Every setting a directory asks for, so nothing is left to a default.
SETTINGS = """[show]
title = "Client Check"
description = "A show built for real podcast clients to read."
author = "Test Author"
email = "owner@pods.example"
category = "Technology"
base_url = "https://pods.example/show/"
"""
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def require(tool: str, package: str = "") -> str:
    """The tool's path (servers such as sshd are found in /usr/sbin too); a missing one skips the
    test, except under CI, where .ci/run installs it."""
    path = shutil.which(tool, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))
    if path is None:
        unavailable(f"{tool} is not installed (Debian: apt-get install {package or ('gpodder' if tool == 'gpo' else tool)})")
    return path


def unavailable(message: str) -> NoReturn:
    """Skip the test for want of a Debian package, except under CI, where .ci/run installs it."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; .ci/run should have installed it")
    pytest.skip(message)


@dataclass(frozen=True)
class Served:
    show: Show
    entry: Entry
    origin: str  # http://127.0.0.1:PORT

    @property
    def mp3(self) -> Path:
        return self.show.episodes_dir / self.entry.filename


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("clients")
    (root / "podcast.toml").write_text(SETTINGS, encoding="utf-8")
    (root / "two-points.md").write_text(ARTICLE, encoding="utf-8")
    show = load_show(root)
    entry = build(show, root / "two-points.md")

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "podcast", "serve", "--port", str(port), "--show", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        line = process.stdout.readline()
        assert line.startswith(f"Feed: http://127.0.0.1:{port}/feed.xml"), line + process.stderr.read()
        yield Served(show, entry, f"http://127.0.0.1:{port}")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_feedparser_reads_every_tag_from_the_server(served: Served) -> None:
    feed = feedparser.parse(fetch(f"{served.origin}/feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Client Check"
    assert feed.feed.image.href == f"{served.origin}/cover.png"
    [item] = feed.entries
    slug = served.entry.slug
    assert item.title == "Two quick points"
    assert item.id == served.entry.guid
    assert item.itunes_duration == str(round(served.entry.duration))
    [enclosure] = item.enclosures
    assert enclosure.href == f"{served.origin}/{slug}.mp3"
    assert int(enclosure.length) == served.mp3.stat().st_size
    assert item.podcast_chapters == {"url": f"{served.origin}/{slug}.chapters.json", "type": "application/json+chapters"}
    assert item.podcast_transcript["url"] in (f"{served.origin}/{slug}.vtt", f"{served.origin}/{slug}.srt")
    assert "00:00 Introduction" in item.summary and "Listen first" in item.summary
    for url, kind in [(enclosure.href, "audio/mpeg"), (item.podcast_chapters["url"], "application/json+chapters")]:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.headers["Content-Type"] == kind
    assert json.loads(fetch(item.podcast_chapters["url"]))["version"] == "1.2.0"


def test_feedparser_sees_every_transcript_tag(served: Served) -> None:
    """feedparser keeps only the last of repeated unknown tags, so read the XML for all of them."""
    body = fetch(f"{served.origin}/feed.xml").decode()
    slug = served.entry.slug
    for name, kind in [("vtt", "text/vtt"), ("srt", "application/x-subrip")]:
        assert f'<podcast:transcript url="{served.origin}/{slug}.{name}" type="{kind}"/>' in body
        with urllib.request.urlopen(f"{served.origin}/{slug}.{name}", timeout=10) as response:
            assert response.headers["Content-Type"] == kind
            assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_podcastparser_reads_what_gpodder_shows(served: Served) -> None:
    """gPodder's parser: title, enclosure, duration, guid, and the chapters from psc:chapters.

    It maps the podcast: prefix only for the namespace's old URI, so it sees neither
    podcast:chapters nor podcast:transcript in a feed that uses the current one: checked here,
    so a podcastparser that learns the current URI shows up.
    """
    parsed = podcastparser.parse(f"{served.origin}/feed.xml", urllib.request.urlopen(f"{served.origin}/feed.xml", timeout=10))
    assert parsed["title"] == "Client Check"
    assert parsed["cover_url"] == f"{served.origin}/cover.png"
    [episode] = parsed["episodes"]
    assert episode["title"] == "Two quick points"
    assert episode["guid"] == served.entry.guid
    assert episode["total_time"] == round(served.entry.duration)
    assert episode["number"] == 1
    assert episode["enclosures"] == [
        {"url": f"{served.origin}/{served.entry.slug}.mp3", "file_size": served.mp3.stat().st_size, "mime_type": "audio/mpeg"}
    ]
    assert episode["chapters"] == [{"start": int(c.start), "title": c.title} for c in served.entry.chapters]
    assert [c["title"] for c in episode["chapters"]] == ["Introduction", "Listen first", "Then read", "Wrap-up"]
    assert "chapters_json_url" not in episode and "transcript_url" not in episode


def gpodder(gpo: str, folder: Path) -> Callable[..., str]:
    """Runs `gpo` with its settings, database and downloads in `folder`; returns what it printed."""
    home = {"HOME": str(folder / "home"), "GPODDER_HOME": str(folder / "gpodder"), "GPODDER_DOWNLOAD_DIR": str(folder / "downloads")}

    def run(*args: str) -> str:
        result = subprocess.run([gpo, *args], env={**os.environ, **home}, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    return run


def test_gpodder_subscribes_downloads_byte_identical_and_a_rebuild_is_no_new_episode(served: Served, tmp_path: Path) -> None:
    run = gpodder(require("gpo"), tmp_path)
    run("subscribe", f"{served.origin}/feed.xml")
    assert "1 new episode" in run("update")
    assert "1 episodes downloaded" in run("download")
    [downloaded] = (tmp_path / "downloads").rglob("*.mp3")
    assert downloaded.read_bytes() == served.mp3.read_bytes()

    build(served.show, served.show.root / "two-points.md")  # the same episode again
    assert "0 new episodes" in run("update")
    with sqlite3.connect(tmp_path / "gpodder" / "Database") as database:
        rows = database.execute("SELECT guid, title, total_time FROM episode").fetchall()
    assert rows == [(served.entry.guid, "Two quick points", round(served.entry.duration))]


def test_the_show_page_plays_and_its_chapters_seek_in_chromium(served: Served) -> None:
    chromium = require("chromium")
    from playwright.sync_api import sync_playwright

    chapters = served.entry.chapters
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            response = page.goto(f"{served.origin}/", wait_until="load")
            assert response is not None and response.status == 200
            assert page.title() == "Client Check"
            assert page.input_value("#feed-url") == f"{served.origin}/feed.xml"
            page.wait_for_function("document.querySelector('audio').duration > 0", timeout=20_000)
            duration = page.evaluate("document.querySelector('audio').duration")
            assert abs(duration - served.entry.duration) < 0.2

            page.click(f"a[data-start='{chapters[2].start:.3f}']")
            page.wait_for_function(f"document.querySelector('audio').currentTime >= {chapters[2].start - 0.01}", timeout=10_000)
            position = page.evaluate("document.querySelector('audio').currentTime")
            assert chapters[2].start - 0.01 <= position < chapters[2].end

            page.wait_for_function("document.querySelectorAll('.transcript p').length > 0", timeout=10_000)
            cues = page.eval_on_selector_all(".transcript p", "lines => lines.map(line => line.textContent)")
            vtt = webvtt.read(str(served.show.episodes_dir / f"{served.entry.slug}.vtt"))
            assert cues == [caption.text for caption in vtt] and len(cues) >= 5  # a cue a sentence
            cover = page.evaluate("document.querySelector('header img').naturalWidth")
            assert cover == 3000
            assert errors == []
        finally:
            browser.close()
