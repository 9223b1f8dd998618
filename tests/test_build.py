"""build: a published show survives SIGKILL at any moment and two builds at once; an unchanged
article is not narrated again.

Real `podcast build` processes on a short article, killed with SIGKILL at many points of their
run; after each kill the published folder must be exactly as before the build or exactly as
after it, and the next build must finish.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import feedparser
import psutil
import pytest

from podcast.files import staging_folders

ARTICLE = """# {title}

A short article for testing what a kill does to a build. {intro}

## Small steps first

Take one step at a time. Each step is short.

## Check the result

Look at what came out before moving on.

## Keep a copy

A copy kept elsewhere saves the day when the first one breaks.
"""
SETTINGS = '[show]\nbase_url = "https://example.com/show/"\n'


def write_article(folder: Path, name: str, title: str, intro: str) -> Path:
    path = folder / name
    path.write_text(ARTICLE.format(title=title, intro=intro), encoding="utf-8")
    return path


def podcast(show: Path, *args: str, cache: Path | None = None) -> subprocess.Popen:
    env = dict(os.environ, **({"XDG_CACHE_HOME": str(cache)} if cache else {}))
    return subprocess.Popen(
        [sys.executable, "-m", "podcast", *args, "--show", str(show)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill takes its speech workers too
        # Ctrl-C as at a terminal, even when the tests run where SIGINT is ignored (a shell's
        # background job), which every child would inherit.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def finish(process: subprocess.Popen) -> str:
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return err


def state(show: Path) -> dict[str, str]:
    """Every published file's digest; the feed's build time, which changes with every write, left out."""
    digests = {}
    for path in sorted((show / "episodes").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "feed.xml":
                data = b"".join(line for line in data.splitlines() if b"<lastBuildDate>" not in line)
            digests[str(path.relative_to(show / "episodes"))] = hashlib.sha256(data).hexdigest()
    return digests


def survivors(session: int, timeout: float = 10) -> list[str]:
    """The processes of a killed build's session still alive after `timeout` seconds (zombies,
    dead but not yet reaped, do not count): its speech workers, ffmpeg, the resource tracker."""
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for process in psutil.process_iter(["pid", "status", "cmdline"]):
            try:
                if os.getsid(process.info["pid"]) == session and process.info["status"] != psutil.STATUS_ZOMBIE:
                    alive.append(" ".join(process.info["cmdline"] or []))
            except (ProcessLookupError, PermissionError):
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def check_consistent(show: Path) -> None:
    """What a podcast app relies on: the feed parses, names only whole files, and agrees with the catalog."""
    episodes = show / "episodes"
    feed = feedparser.parse((episodes / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    in_feed = {}
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        path = episodes / enclosure.href.rsplit("/", 1)[1]
        assert path.stat().st_size == int(enclosure.length), path
        in_feed[entry.id] = (path.stem, int(enclosure.length))
    catalog = json.loads((episodes / "catalog.json").read_text(encoding="utf-8"))["episodes"]
    assert in_feed == {item["guid"]: (item["slug"], item["size"]) for item in catalog}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A show with two published episodes; the kill test rebuilds one of them with new text."""
    show = tmp_path_factory.mktemp("base")
    (show / "podcast.toml").write_text(SETTINGS, encoding="utf-8")
    for name, title in [("other.md", "Another episode"), ("target.md", "The target")]:
        finish(podcast(show, "build", str(write_article(show, name, title, "It is the first version."))))
    write_article(show, "target.md", "The target", "It is the second, longer version, with more to say.")
    return show


def copy_of(base: Path, folder: Path) -> Path:
    shutil.copytree(base, folder, symlinks=True)
    return folder


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_the_show_before_or_after(base: Path, tmp_path: Path) -> None:
    before = state(base)
    check_consistent(base)
    article = "target.md"  # each copy's own: the same source as the episode it replaces

    def timed_build(name: str, cache: Path | None) -> tuple[float, dict[str, str]]:
        show = copy_of(base, tmp_path / name)
        started = time.monotonic()
        finish(podcast(show, "build", str(show / article), cache=cache))
        return time.monotonic() - started, state(show)

    cold_seconds, _ = timed_build("cold", tmp_path / "cold-cache")
    timed_build("warm", None)  # the session cache now holds every sentence
    warm_seconds, after = timed_build("warm-timed", None)
    assert after["the-target.mp3"] != before["the-target.mp3"]

    # (delay in seconds or a file whose appearance triggers the kill, empty cache or not)
    plan: list[tuple[float | str, bool]] = [(warm_seconds * 1.1 * i / 14, False) for i in range(15)]
    plan += [(cold_seconds * i / 4, True) for i in range(1, 4)]  # spread over a cold run
    plan += [("staging", False), ("the-target.mp3", False), ("catalog.json", False)]
    outcomes = {"before": 0, "after": 0}
    for number, (when, cold) in enumerate(plan):
        show = copy_of(base, tmp_path / f"kill{number}")
        cache = tmp_path / f"cache{number}" if cold else None
        process = podcast(show, "build", str(show / article), cache=cache)
        if isinstance(when, float):
            time.sleep(when)
        else:
            while process.poll() is None and not _reached(show, when):
                time.sleep(0.001)
        try:  # the build alone every other time: its workers and ffmpeg must then die by themselves
            os.kill(process.pid, signal.SIGKILL) if number % 2 else os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it finished first: the after-state
        process.wait()
        process.stdout.close()
        process.stderr.close()
        assert survivors(process.pid) == [], f"kill {number} ({when}) left processes running"
        got = state(show)
        check_consistent(show)
        finish(podcast(show, "build", str(show / article), cache=cache))  # the next build finishes the work
        # Speech from another cache differs in its samples: "after" is what this cache makes.
        finished = state(show)
        assert got in (before, finished), f"kill {number} ({when}) left a mixed state"
        assert cold or finished == after
        outcomes["before" if got == before else "after"] += 1
        assert staging_folders(show / "episodes") == []
        check_consistent(show)
    print(f"kills: {len(plan)}, left before: {outcomes['before']}, left after: {outcomes['after']}")
    assert outcomes["before"]  # at least the kill as staging starts falls inside the build


def _reached(show: Path, when: str) -> bool:
    """Whether the build has staged its copy ("staging") or a new file of that name in it."""
    stages = staging_folders(show / "episodes")
    if when == "staging" or not stages:
        return bool(stages)
    try:  # new: no longer a link to the published file
        return (stages[0] / when).stat().st_ino != (show / "episodes" / when).stat().st_ino
    except FileNotFoundError:
        return False


def test_two_builds_at_once_queue_and_both_publish(base: Path, tmp_path: Path) -> None:
    show = copy_of(base, tmp_path / "show")
    first_article = write_article(tmp_path, "first.md", "First at once", "Built at the same time as another.")
    second_article = write_article(tmp_path, "second.md", "Second at once", "Built at the same time as the first.")
    first = podcast(show, "build", str(first_article))
    while not staging_folders(show / "episodes") and first.poll() is None:
        time.sleep(0.001)  # the first holds the lock
    second = podcast(show, "build", str(second_article))
    finish(first)
    assert "waiting for another build of this show" in finish(second)
    check_consistent(show)
    slugs = {item["slug"] for item in json.loads((show / "episodes" / "catalog.json").read_text())["episodes"]}
    assert slugs == {"another-episode", "the-target", "first-at-once", "second-at-once"}


@contextmanager
def lock_held(show: Path) -> Iterator[None]:
    """Another process holding the show's lock for the block; killed (dropping the lock) after it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from podcast.files import locked\n"
         "with locked(Path(sys.argv[1]), 0):\n    print('locked', flush=True); time.sleep(600)", str(show / ".podcast.lock")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_build_that_waits_too_long_fails_and_a_killed_holder_blocks_nothing(base: Path, tmp_path: Path) -> None:
    show = copy_of(base, tmp_path / "show")
    (show / "podcast.toml").write_text(SETTINGS + "lock_timeout = 1\n", encoding="utf-8")
    with lock_held(show):
        before = state(show)
        waiting = podcast(show, "build", str(show / "target.md"))
        _out, err = waiting.communicate(timeout=60)
        assert waiting.returncode == 1
        assert err.splitlines() == [
            "waiting for another build of this show… (lock_timeout in podcast.toml)",
            f"Error: {show}: another build of this show is still running after 1 s",
        ]
        assert state(show) == before
    finish(podcast(show, "build", str(show / "target.md")))  # the killed holder's lock went with it
    check_consistent(show)


@pytest.mark.parametrize("moment", ["workers starting", "staging", "speaking"])
def test_ctrl_c_prints_one_line_and_publishes_nothing(base: Path, tmp_path: Path, moment: str) -> None:
    """SIGINT to the build's process group, as a terminal sends it: one line, exit 130, no worker
    traceback, the show as it was, and no process of the build left."""
    show = copy_of(base, tmp_path / "show")
    before = state(show)
    process = podcast(show, "build", str(show / "target.md"), cache=tmp_path / "cold")  # cold: it speaks a while
    started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < 60:
        if (moment == "workers starting" and spawned(process.pid)) or (moment != "workers starting" and staging_folders(show / "episodes")):
            break
        time.sleep(0.001)
    if moment == "speaking":
        while process.poll() is None and not list((tmp_path / "cold").rglob("*.wav")):
            time.sleep(0.001)
    os.killpg(process.pid, signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert (process.returncode, err.splitlines()) == (130, ["Interrupted: nothing was published."]), err
    assert state(show) == before and staging_folders(show / "episodes") == []
    assert survivors(process.pid) == []


def spawned(pid: int) -> bool:
    """Whether the process has started a multiprocessing child (a speech worker) yet."""
    try:
        return any("multiprocessing" in " ".join(child.cmdline()) for child in psutil.Process(pid).children())
    except psutil.Error:  # the build or the child ended meanwhile
        return False


def test_sources_are_read_before_the_show_is_locked(base: Path, tmp_path: Path) -> None:
    """A source that cannot be read fails at once, even while another build holds the lock."""
    show = copy_of(base, tmp_path / "show")
    with lock_held(show):
        build = podcast(show, "build", str(show / "missing.md"))
        _out, err = build.communicate(timeout=60)
        assert (build.returncode, err.splitlines()) == (1, [f"Error: {show / 'missing.md'}: no such file"])


# --- The narration cache: an unchanged article is not narrated again ---------------------------

NARRATION_CHANGES = {
    "nothing": lambda show, article: None,
    "the article": lambda show, article: article.write_text(
        article.read_text(encoding="utf-8").replace("Look at what came out", "Read what came out"), encoding="utf-8"),
    "the show's title": lambda show, article: (show / "podcast.toml").write_text(
        SETTINGS + 'title = "Another Show"\n', encoding="utf-8"),
    "the lexicon": lambda show, article: (show / "lexicon.toml").write_text('"Keep" = "Kept"\n', encoding="utf-8"),
    "a damaged cache entry": lambda show, article: [
        entry.write_bytes(entry.read_bytes().replace(b"Look", b"Lock"))
        for entry in (Path(os.environ["XDG_CACHE_HOME"]) / "podcast-digest" / "narration").rglob("*.json")
    ],
}


@pytest.mark.parametrize("change", NARRATION_CHANGES, ids=list(NARRATION_CHANGES))
def test_a_script_made_again_is_the_narration_of_what_is_there_now(tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Narrated once and remembered, then something changes: the script is what narrating the
    changed inputs afresh gives, never the remembered one (and is that one when nothing changed)."""
    from podcast.build import script
    from podcast.narration import narrate
    from podcast.article import load_article
    from podcast.show import load_lexicon, load_show

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # this test's own narration cache
    show_dir = tmp_path / "show"
    show_dir.mkdir()
    (show_dir / "podcast.toml").write_text(SETTINGS, encoding="utf-8")
    article = write_article(tmp_path, "steps.md", "Steps", "Keep it short.")
    script(load_show(show_dir), article)
    NARRATION_CHANGES[change](show_dir, article)
    show = load_show(show_dir)
    made, _folder = script(show, article)
    fresh = narrate(load_article(article), show.title, "Steps", load_lexicon(show_dir))
    assert (made.segments, made.description) == (fresh.segments, fresh.description)


def test_an_unchanged_article_is_rebuilt_without_loading_the_readers_or_the_spoken_forms(tmp_path: Path) -> None:
    show = tmp_path / "show"
    show.mkdir()
    (show / "podcast.toml").write_text(SETTINGS, encoding="utf-8")
    article = write_article(tmp_path, "steps.md", "Steps", "Keep it short.")
    cache = tmp_path / "cache"
    assert podcast(show, "script", str(article), cache=cache).wait() == 0
    again = (
        "import sys; from pathlib import Path; from podcast.build import script; from podcast.show import load_show; "
        f"script(load_show(Path({str(show)!r})), Path({str(article)!r})); "
        "print(sorted(m for m in ('podcast.article', 'podcast.spoken', 'podcast.narration', 'markdown_it') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", again], env=dict(os.environ, XDG_CACHE_HOME=str(cache)),
                            capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
