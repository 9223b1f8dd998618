"""update: followed feeds on a real local server become episodes, each article exactly once.

Speech is real, so the articles are two short takeaways each and share most sentences (the
speech cache serves those).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from feedserver import FeedServer, Post
from test_build import check_consistent, state

from podcast.cli import cli
from podcast.files import locked, staging_folders
from podcast.show import load_show
from podcast.sources import STATUS_FILE
from podcast.update import UPDATE_LOCK, update


@pytest.fixture
def server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


def new_show(folder: Path, *urls: str, **settings: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[show]"] + [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    (folder / "podcast.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "sources.toml").write_text("".join(f'[[source]]\nurl = "{url}"\n' for url in urls), encoding="utf-8")
    return folder


def run(show: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--show", str(show)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def catalog(show: Path) -> list[dict]:
    path = show / "episodes" / "catalog.json"
    return json.loads(path.read_text(encoding="utf-8"))["episodes"] if path.exists() else []


def titles(show: Path) -> list[str]:
    return sorted(entry["title"] for entry in catalog(show))


class Gpodder:
    """Debian's gPodder command line, subscribed to the show as `podcast serve` serves it."""

    def __init__(self, show: Path, home: Path) -> None:
        self.gpo = shutil.which("gpo")
        if self.gpo is None:
            message = "gpo is not installed (Debian: apt-get install gpodder)"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        self.env = {**os.environ, "HOME": str(home / "home"), "GPODDER_HOME": str(home / "gpodder"), "GPODDER_DOWNLOAD_DIR": str(home / "dl")}
        self.database = home / "gpodder" / "Database"
        self.server = subprocess.Popen(
            [sys.executable, "-m", "podcast", "serve", "--port", "0", "--show", str(show)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        line = self.server.stdout.readline()  # "Feed: http://127.0.0.1:PORT/feed.xml (Ctrl-C stops)"
        self.feed = line.split()[1]

    def __call__(self, *args: str) -> str:
        result = subprocess.run([self.gpo, *args], env=self.env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def update(self) -> int:
        """How many episodes the feed has that gPodder did not know; they are then downloaded
        (gPodder counts an episode as new until it is)."""
        counted = self("update").splitlines()[-1]
        self("download")
        return int(counted.split()[0])

    def titles(self) -> list[str]:
        with sqlite3.connect(self.database) as database:
            return sorted(row[0] for row in database.execute("SELECT title FROM episode"))

    def close(self) -> None:
        self.server.terminate()
        self.server.communicate(timeout=10)


def test_three_feeds_become_their_newest_episodes_once_then_nothing_then_the_one_new_item(server: FeedServer, tmp_path: Path) -> None:
    posts = {kind: [Post(kind, 1), Post(kind, 2)] for kind in ("rss", "atom", "json")}
    urls = [server.publish(kind, kind, items) for kind, items in posts.items()]
    show = new_show(tmp_path / "show", initial=1)
    (show / "sources.toml").unlink()
    assert run(show, "follow", *urls)[0] == 0

    code, out, err = run(show, "update")
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == [f"New episode: {name} post 2 ({show / 'episodes' / f'{name.lower()}-post-2.mp3'})" for name in ("Atom", "Json", "Rss")]
    assert titles(show) == ["Atom post 2", "Json post 2", "Rss post 2"]
    assert sorted(source for entry in catalog(show) for source in entry["sources"]) == sorted(server.url(f"/{k}/2.html") for k in posts)
    check_consistent(show)
    gpo = Gpodder(show, tmp_path)
    try:
        gpo("subscribe", gpo.feed)
        assert gpo.update() == 3
        assert gpo.titles() == ["Atom post 2", "Json post 2", "Rss post 2"]

        before, asked = state(show), len(server.log)
        assert run(show, "update", "-q") == (0, "", "")  # nothing new: nothing built, nothing said
        assert state(show) == before
        feeds = [headers for _path, headers in server.log[asked:]]
        assert len(feeds) == 3 and all("If-None-Match" in headers for headers in feeds)  # each answered 304
        assert gpo.update() == 0

        posts["atom"].append(Post("atom", 3))
        server.publish("atom", "atom", posts["atom"])
        code, out, _ = run(show, "update", "-q")
        assert (code, out) == (0, "")
        assert titles(show) == ["Atom post 2", "Atom post 3", "Json post 2", "Rss post 2"]
        assert gpo.update() == 1
        assert gpo.titles() == titles(show)
        code, out, _ = run(show, "sources")
        assert f"{urls[1]}\tatom feed" in out and "Atom post 3" in out and "error" not in out
    finally:
        gpo.close()


def test_keep_holds_a_show_at_its_newest_five(server: FeedServer, tmp_path: Path) -> None:
    url = server.publish("rss", "many", [Post("many", n) for n in range(1, 7)])
    show = new_show(tmp_path / "show", url, initial=6, keep=5)
    code, out, _ = run(show, "update")
    assert code == 0 and out.count("New episode") == 6
    kept = [f"Many post {n}" for n in range(2, 7)]
    assert titles(show) == kept
    assert sorted(path.name for path in (show / "episodes").glob("*.mp3")) == [f"many-post-{n}.mp3" for n in range(2, 7)]
    assert not list((show / "episodes").glob("many-post-1.*"))
    feed = feedparser.parse((show / "episodes" / "feed.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == kept[::-1]
    page = (show / "episodes" / "index.html").read_text(encoding="utf-8")
    assert "Many post 1<" not in page and all(f"{title}<" in page for title in kept)
    check_consistent(show)
    assert run(show, "update") == (0, "", "")  # the dropped article is not built again


def test_update_publish_sends_new_episodes_to_the_destination_and_nothing_when_nothing_is_new(server: FeedServer, tmp_path: Path) -> None:
    url = server.publish("rss", "pub", [Post("pub", 1)])
    web = tmp_path / "www"
    show = new_show(tmp_path / "show", url, publish_to=str(web))
    code, out, _ = run(show, "update", "--publish")
    assert code == 0 and "New episode: Pub post 1" in out and f"Published to {web}" in out
    assert (web / "pub-post-1.mp3").read_bytes() == (show / "episodes" / "pub-post-1.mp3").read_bytes()
    assert [entry.title for entry in feedparser.parse((web / "feed.xml").read_bytes()).entries] == ["Pub post 1"]
    assert run(show, "update", "--publish", "-q") == (0, "", "")  # nothing new: nothing built or sent


def test_the_same_article_in_two_feeds_a_summary_and_sources_that_fail(server: FeedServer, tmp_path: Path) -> None:
    shared = server.url("/one/1.html")
    one = server.publish("rss", "one", [Post("one", 1)])
    two = server.publish("atom", "two", [Post("two", 1, link=shared), Post("two", 2, full=False)])
    broken = server.set("/broken.rss", "<rss><channel><item><title>x</ti", "application/rss+xml")
    slow = server.publish("json", "slow", [Post("slow", 1)], delay=5.0)
    missing = server.url("/gone.xml")
    empty = server.publish("rss", "empty", [Post("empty", 1, full=False)])
    server.set("/empty/1.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html")
    show = load_show(new_show(tmp_path / "show", one, two, broken, slow, missing, empty))
    warnings: list[str] = []

    outcome = update(show, deadline=1.0, warn=warnings.append)
    assert sorted(entry.title for entry in outcome.built) == ["One post 1", "Two post 2"]
    assert [entry["sources"] for entry in catalog(show.root) if entry["title"] == "One post 1"] == [[shared]]
    assert len(warnings) == 4 and outcome.failures == tuple(warnings)
    for url in (broken, slow, missing, server.url("/empty/1.html")):
        assert sum(url in line for line in warnings) == 1, (url, warnings)
    assert all("\n" not in line for line in warnings)
    assert server.requests("/two/2.html"), "a summary-only item is read from its page"
    check_consistent(show.root)

    # The next run builds nothing again, and tries the failed article again.
    again = update(show, deadline=1.0)
    assert again.built == () and len(again.failures) == 4
    assert len(server.requests("/empty/1.html")) == 2
    assert "error: " in run(show.root, "sources")[1]


def test_failures_are_lines_on_stderr_and_the_exit_status(server: FeedServer, tmp_path: Path) -> None:
    broken = server.set("/broken.rss", "not a feed at all", "text/plain")
    local = server.publish("rss", "local", [Post("local", 1, full=False, link="file:///etc/hostname")])
    show = new_show(tmp_path / "show", broken, server.url("/gone.xml"), local)
    code, out, err = run(show, "update", "-q")
    assert (code, out) == (1, "")
    assert [line.split(": ")[0] for line in err.splitlines()] == ["Failed"] * 3 and "Traceback" not in err
    assert "etc/hostname: the item has no whole article and no web link to one" in err  # no local file read
    code, out, _ = run(show, "update", "-v")  # the failed item is tried again: its feed's ETag was not kept
    assert code == 1 and out == f"{local}: 1 items, 1 new\n"
    assert not (show / "episodes").exists()


def test_the_first_check_takes_the_newest_few_and_a_dry_run_records_nothing(server: FeedServer, tmp_path: Path) -> None:
    url = server.publish("atom", "archive", [Post("archive", n) for n in range(1, 501)])
    show = new_show(tmp_path / "show", url)
    code, out, _ = run(show, "update", "--dry-run")
    assert code == 0
    assert out.splitlines() == [f"Would build: Archive post {n}" for n in (498, 499, 500)]
    assert not (show / "episodes").exists() and not (show / STATUS_FILE).exists()


def test_a_second_update_exits_at_once_with_no_wait(server: FeedServer, tmp_path: Path) -> None:
    show = new_show(tmp_path / "show", server.publish("rss", "locked", [Post("locked", 1)]))
    with locked(show / UPDATE_LOCK, 0):
        started = time.monotonic()
        code, _, err = run(show, "update", "--no-wait")
    assert code == 1 and time.monotonic() - started < 5
    assert err == f"Error: {show}: another update or build of this show is running; not waiting (--no-wait)\n"


def test_digest_mode_waits_for_enough_articles_then_splits_them(server: FeedServer, tmp_path: Path) -> None:
    posts = [Post("digest", 1), Post("digest", 2)]
    url = server.publish("rss", "digest", posts)
    show = new_show(tmp_path / "show", url, mode="digest", min_articles=3, max_articles=2)
    assert run(show, "update") == (0, "", "")  # two of three: waits, records nothing
    assert catalog(show) == []
    server.publish("rss", "digest", posts + [Post("digest", 3)])
    code, out, _ = run(show, "update")
    assert code == 0 and out.count("New episode") == 2
    links = [server.url(f"/digest/{n}.html") for n in (1, 2, 3)]
    assert sorted(entry["sources"] for entry in catalog(show)) == [links[:2], links[2:]]
    assert run(show, "update") == (0, "", "")


def podcast(show: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "podcast", *args, "--show", str(show)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def killed_update(show: Path, reached: Callable[[Path], bool]) -> int:
    """Start `podcast update`, SIGKILL it (with its speech workers) once `reached(show)`; the
    episodes published by then."""
    process = podcast(show, "update")
    while process.poll() is None and not reached(show):
        time.sleep(0.001)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()
    if (show / "episodes").exists():
        check_consistent(show)
    return len(catalog(show))


@pytest.mark.slow
def test_an_update_killed_anywhere_is_finished_by_the_next_with_nothing_twice(server: FeedServer, tmp_path: Path) -> None:
    """Kill points: after the fetch, during each of two builds, and before each swap (once the
    staged catalog names the new episode, a few writes before the swap: a kill that comes too
    late is tried again on a fresh show)."""

    def staged_catalog_has(count: int) -> Callable[[Path, str], bool]:
        def reached(show: Path, _name: str) -> bool:
            for stage in staging_folders(show / "episodes"):
                try:
                    return len(json.loads((stage / "catalog.json").read_bytes())["episodes"]) == count
                except (OSError, ValueError, KeyError):
                    pass
            return False

        return reached

    # kill point: (when it is reached, episodes published by then)
    plan = {
        "after the fetch": (lambda show, name: bool(server.requests(f"/{name}.rss")), 0),
        "during the first build": (lambda show, name: bool(staging_folders(show / "episodes")), 0),
        "before the first swap": (staged_catalog_has(1), 0),
        "during the second build": (lambda show, name: len(catalog(show)) == 1 and bool(staging_folders(show / "episodes")), 1),
        "before the second swap": (staged_catalog_has(2), 1),
    }
    for number, (point, (reached, published)) in enumerate(plan.items()):
        for attempt in range(5):
            name = f"kill{number}x{attempt}"
            url = server.publish("rss", name, [Post(name, 1), Post(name, 2)])
            show = new_show(tmp_path / name, url, initial=2)
            done = killed_update(show, lambda show, name=name: reached(show, name))
            if done == published:
                break
        assert done == published, f"{point}: the kill never fell there"
        finish = podcast(show, "update")
        out, err = finish.communicate(timeout=300)
        assert finish.returncode == 0, err
        assert out.count("New episode") == 2 - done, (point, out)
        assert titles(show) == [f"{name.capitalize()} post {n}" for n in (1, 2)], point
        assert staging_folders(show / "episodes") == []
        check_consistent(show)
        print(f"{point}: killed on attempt {attempt + 1}")
