"""The `podcast` command end to end: real speech, real MP3s, the feed read by feedparser."""

import io
from pathlib import Path

import click
import feedparser
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3, PictureType
from PIL import Image

from podcast.cli import cli
from podcast.cover import EMBEDDED_SIDE

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "articles" / "sample.md"

def run(*args: str, show: Path) -> "click.testing.Result":
    return CliRunner().invoke(cli, [*args, "--show", str(show)], catch_exceptions=False)


def chapter_titles(mp3: Path) -> list[str]:
    chapters = sorted(ID3(mp3).getall("CHAP"), key=lambda c: c.start_time)
    return [str(c.sub_frames["TIT2"]) for c in chapters]


def test_every_command_has_help() -> None:
    for name, command in cli.commands.items():
        assert command.help, f"`podcast {name}` has no help text"
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_real_article_builds_twelve_chapters_and_a_feed(real_article: Path, real_headings: list[str], tmp_path: Path) -> None:
    result = run("build", str(real_article), show=tmp_path)
    assert result.exit_code == 0, result.output
    (mp3,) = (tmp_path / "episodes").glob("*.mp3")
    assert chapter_titles(mp3) == ["Introduction", *real_headings, "Wrap-up"]
    scripts = sorted((tmp_path / "scripts" / mp3.stem).glob("*.txt"))
    assert [p.name[:3] for p in scripts] == [f"{n:02d}-" for n in range(12)]
    spoken = " ".join(p.read_text() for p in scripts)
    assert "below" not in spoken  # the closing pointer to a video is for readers only

    feed = feedparser.parse(tmp_path / "episodes" / "feed.xml")
    assert not feed.bozo
    (entry,) = feed.entries
    (enclosure,) = entry.enclosures
    assert int(enclosure.length) == mp3.stat().st_size
    assert enclosure.type == "audio/mpeg" and enclosure.href.endswith(f"/{mp3.name}")

    again = run("build", str(real_article), show=tmp_path)
    assert again.exit_code == 0, again.output
    rebuilt = feedparser.parse(tmp_path / "episodes" / "feed.xml")
    assert [e.id for e in rebuilt.entries] == [entry.id]
    assert int(rebuilt.entries[0].enclosures[0].length) == mp3.stat().st_size


def test_script_edit_and_rebuild_from_the_folder(tmp_path: Path) -> None:
    result = run("script", str(SAMPLE), show=tmp_path)
    assert result.exit_code == 0, result.output
    folder = next((tmp_path / "scripts").iterdir())
    assert not (tmp_path / "episodes").exists()  # `script` stops before speech
    first = sorted(folder.glob("01-*.txt"))[0]
    first.write_text("# My own chapter title\n\nI rewrote this takeaway in my own words.\n")
    result = run("build", str(folder), show=tmp_path)
    assert result.exit_code == 0, result.output
    titles = chapter_titles(tmp_path / "episodes" / f"{folder.name}.mp3")
    assert titles[0] == "Introduction" and titles[1] == "My own chapter title" and titles[-1] == "Wrap-up"

    again = CliRunner().invoke(cli, ["build", str(SAMPLE), "--show", str(tmp_path)])
    assert again.exit_code == 1 and "has hand edits" in again.stderr
    assert first.read_text().startswith("# My own chapter title")
    assert run("build", str(SAMPLE), "--overwrite", show=tmp_path).exit_code == 0
    assert not first.read_text().startswith("# My own chapter title")


def test_a_second_article_adds_a_second_episode_newest_first(tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_text("# Another digest\n\nA short intro.\n\n## Only point\n\nOne paragraph of body text.\n")
    assert run("build", str(SAMPLE), show=tmp_path).exit_code == 0
    assert run("build", str(other), show=tmp_path).exit_code == 0
    feed = feedparser.parse(tmp_path / "episodes" / "feed.xml")
    assert [e.title for e in feed.entries] == ["Another digest", "Three lessons from a week of listening instead of reading"]
    listing = run("episodes", show=tmp_path).output.splitlines()
    assert [line.split("\t")[0] for line in listing] == ["another-digest", "three-lessons-from-a-week-of-listening-instead-of-reading"]
    assert run("remove", "another-digest", show=tmp_path).exit_code == 0
    assert not (tmp_path / "episodes" / "another-digest.mp3").exists()
    assert len(feedparser.parse(tmp_path / "episodes" / "feed.xml").entries) == 1


def embedded_picture(mp3: Path) -> Image.Image:
    """The MP3's front cover: a JPEG of a size players show, not the feed's full-size art."""
    (picture,) = ID3(mp3).getall("APIC")
    assert picture.mime == "image/jpeg" and picture.type == PictureType.COVER_FRONT
    shown = Image.open(io.BytesIO(picture.data))
    assert shown.format == "JPEG" and shown.size == (EMBEDDED_SIDE, EMBEDDED_SIDE)
    return shown.convert("RGB")


def looks_like(picture: Image.Image, cover: Path) -> bool:
    """Whether `picture` is `cover` scaled down: the same colours (JPEG's losses aside) at every
    point of a coarse grid."""
    original = Image.open(cover).convert("RGB").resize(picture.size)
    grid = [(x, y) for x in range(50, picture.width, 100) for y in range(50, picture.height, 100)]
    return all(max(abs(a - b) for a, b in zip(picture.getpixel(p), original.getpixel(p))) <= 24 for p in grid)


def test_a_show_cover_goes_into_the_mp3_and_beside_the_feed(tmp_path: Path, image) -> None:
    art = image(tmp_path / "art.png", 1400).read_bytes()
    (tmp_path / "podcast.toml").write_text(
        '[show]\ncover = "art.png"\nbase_url = "https://pods.example/show/"\nemail = "me@pods.example"\n'
    )
    result = run("build", str(SAMPLE), show=tmp_path)
    assert result.exit_code == 0 and result.stderr == ""  # every setting a directory needs is set: no warning
    (mp3,) = (tmp_path / "episodes").glob("*.mp3")
    assert looks_like(embedded_picture(mp3), tmp_path / "art.png")
    assert (tmp_path / "episodes" / "art.png").read_bytes() == art
    feed = feedparser.parse(tmp_path / "episodes" / "feed.xml")
    assert feed.feed.image.href == "https://pods.example/show/art.png"


def test_a_cover_apple_would_refuse_stops_the_build_before_speech(tmp_path: Path, image) -> None:
    image(tmp_path / "art.png", 1400, 1000)
    (tmp_path / "podcast.toml").write_text('[show]\ncover = "art.png"\n')
    result = CliRunner().invoke(cli, ["build", str(SAMPLE), "--show", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cover ") and "1400×1000" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "episodes").exists()


def test_missing_directory_settings_warn_once_and_the_build_goes_on(tmp_path: Path) -> None:
    result = run("build", str(SAMPLE), show=tmp_path)
    assert result.exit_code == 0, result.output
    warnings = result.stderr.splitlines()
    assert [line.split(":")[1].split()[0] for line in warnings] == ["email", "base_url"]
    assert all(line.startswith("Warning: ") for line in warnings)
    assert "owner" in warnings[0] and "http://127.0.0.1:8000/" in warnings[1]
    (mp3,) = (tmp_path / "episodes").glob("*.mp3")
    assert looks_like(embedded_picture(mp3), tmp_path / "episodes" / "cover.png")  # the drawn cover, in the MP3 too
    feed = feedparser.parse(tmp_path / "episodes" / "feed.xml")
    assert feed.feed.image.href == "http://127.0.0.1:8000/cover.png"
    assert "itunes:owner" not in (tmp_path / "episodes" / "feed.xml").read_text()


def test_the_show_lexicon_changes_only_the_segments_with_the_word(tmp_path: Path) -> None:
    assert run("script", str(SAMPLE), show=tmp_path).exit_code == 0
    folder = next((tmp_path / "scripts").iterdir())
    before = {p.name: p.read_text() for p in folder.glob("*.txt")}
    (tmp_path / "lexicon.toml").write_text('"signpost" = "sign post"\n')
    assert run("script", str(SAMPLE), show=tmp_path).exit_code == 0
    after = {p.name: p.read_text() for p in folder.glob("*.txt")}
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["01-short-sections-survive-the-ear.txt"]
    assert "like a sign post:" in after[changed[0]]


def test_no_music_leaves_out_the_chimes_as_the_setting_does(tmp_path: Path) -> None:
    from mutagen.mp3 import MP3

    from podcast.mix import EDGE_PAUSE, SEGMENT_PAUSE
    from podcast.music import CHIME_LEAD, CHIME_SECONDS

    assert run("build", str(SAMPLE), show=tmp_path).exit_code == 0
    (mp3,) = (tmp_path / "episodes").glob("*.mp3")
    with_chimes = MP3(mp3).info.length
    assert run("build", str(SAMPLE), "--no-music", show=tmp_path).exit_code == 0
    without = MP3(mp3).info.length
    assert with_chimes - without == pytest.approx(CHIME_LEAD + SEGMENT_PAUSE + CHIME_SECONDS - 2 * EDGE_PAUSE, abs=0.05)
    (tmp_path / "podcast.toml").write_text("[show]\nmusic = false\n")
    assert run("build", str(SAMPLE), show=tmp_path).exit_code == 0
    assert MP3(mp3).info.length == without


def test_podcast_feed_applies_new_settings_without_speaking_or_touching_the_episode(tmp_path: Path, speech_cache: Path) -> None:
    assert run("build", str(SAMPLE), show=tmp_path).exit_code == 0
    episodes = tmp_path / "episodes"
    (mp3,) = episodes.glob("*.mp3")
    before = {"mp3": (mp3.read_bytes(), mp3.stat().st_mtime_ns), "catalog": (episodes / "catalog.json").read_bytes()}
    cover = (episodes / "cover.png").read_bytes()
    cached = sorted(speech_cache.rglob("*.wav"))
    (tmp_path / "podcast.toml").write_text('[show]\ntitle = "Renamed Show"\nemail = "me@pods.example"\n')

    result = run("feed", show=tmp_path)

    assert result.exit_code == 0, result.output
    assert [line.split()[1] for line in result.stderr.splitlines()] == ["base_url"]  # the e-mail is set now
    assert {"mp3": (mp3.read_bytes(), mp3.stat().st_mtime_ns), "catalog": (episodes / "catalog.json").read_bytes()} == before
    assert sorted(speech_cache.rglob("*.wav")) == cached  # nothing was spoken
    assert feedparser.parse(episodes / "feed.xml").feed.title == "Renamed Show"
    assert "<title>Renamed Show</title>" in (episodes / "index.html").read_text(encoding="utf-8")
    assert (episodes / "cover.png").read_bytes() != cover  # drawn again for the new title


def test_without_the_neural_voice_an_english_build_warns_once_and_speaks_with_pyttsx3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if onnxruntime were not installed
    folder = tmp_path / "scripts" / "fallback"
    folder.mkdir(parents=True)
    (folder / "00-intro.txt").write_text("# Intro\n\nSpoken by the fallback voice. Then a second sentence.\n")
    result = run("build", str(folder), show=tmp_path)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "hibari" in line]
    assert warnings == [
        "Warning: the hibari engine is not installed: pip install hibari-tts; speaking with pyttsx3 (espeak-ng) instead"
    ]
    assert (tmp_path / "episodes" / "fallback.mp3").stat().st_size > 10_000


def test_ctrl_c_while_the_command_starts_is_one_line_not_a_traceback() -> None:
    """Importing click and the commands takes a tenth of a second; Ctrl-C then is one line and
    exit status 130, as it is once a command runs. The interrupt is sent as soon as click is
    imported (`-X importtime` says when), while the commands' own modules still are."""
    import signal
    import subprocess
    import sys

    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "podcast", "voices", "--help"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        assert process.stderr is not None
        for line in process.stderr:
            if line.split("|")[-1].strip() == "click":
                break
        process.send_signal(signal.SIGINT)
        said = [line for line in process.stderr.read().splitlines() if not line.startswith("import time:")]
        assert (process.wait(), said) == (130, ["Interrupted: nothing was done."])
