"""publish: episodes added, updated and removed, and what a change leaves on disk."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest

from podcast.errors import PublishError, SettingsError
from podcast.episode import Episode
from podcast.catalog import load_catalog
from podcast.publish import add_episode, missing_settings, remove, write_feed
from podcast.show import Show

from published import ITUNES, JAN_1, PODCAST, SILENT_FRAME, channel, feed_path, make_episode, make_show, parse


def test_republishing_keeps_guid_and_date_and_updates_the_file(tmp_path):
    show = make_show(tmp_path)
    first = add_episode(show, make_episode(show, "first", "First", frames=20), now=JAN_1)
    add_episode(show, make_episode(show, "second", "Second"), now=JAN_1 + timedelta(days=1))

    rebuilt = make_episode(show, "first", "First, rebuilt", frames=60)
    again = add_episode(show, rebuilt, now=JAN_1 + timedelta(days=2))

    assert (again.guid, again.published) == (first.guid, first.published)
    assert again.size == rebuilt.path.stat().st_size == 60 * len(SILENT_FRAME) != first.size
    assert [entry.slug for entry in load_catalog(show)] == ["first", "second"]  # replaced in place
    items = parse(show).entries
    assert [item.title for item in items] == ["Second", "First, rebuilt"]
    assert items[1].id == first.guid
    assert parsedate_to_datetime(items[1].published) == JAN_1
    assert int(items[1].enclosures[0].length) == again.size
    assert [item.itunes_episode for item in items] == ["2", "1"]


def test_remove_takes_the_episode_out_and_deletes_its_mp3(tmp_path):
    show = make_show(tmp_path)
    first = add_episode(show, make_episode(show, "first", "First"), now=JAN_1)
    add_episode(show, make_episode(show, "second", "Second"), now=JAN_1 + timedelta(days=1))

    removed = remove(show, "second")

    assert removed.slug == "second" and removed.title == "Second"
    assert load_catalog(show) == [first]
    assert [item.title for item in parse(show).entries] == ["First"]
    assert not (show.episodes_dir / "second.mp3").exists()
    assert (show.episodes_dir / "first.mp3").exists()


def test_removing_an_unknown_slug_fails_and_changes_nothing(tmp_path):
    show = make_show(tmp_path)
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    before = feed_path(show).read_bytes()
    with pytest.raises(PublishError, match="'nope'.*first"):
        remove(show, "nope")
    assert feed_path(show).read_bytes() == before


def test_write_feed_applies_new_settings_to_the_published_episodes(tmp_path):
    show = make_show(tmp_path)
    entry = add_episode(show, make_episode(show, "first"), now=JAN_1)

    write_feed(make_show(tmp_path, title="Renamed", explicit=True), load_catalog(show))

    feed = parse(show)
    assert feed.feed.title == "Renamed"
    assert [item.id for item in feed.entries] == [entry.guid]
    assert channel(show).findtext(f"{ITUNES}explicit") == "true"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"title": "\x01"}, "title"),
        ({"description": ""}, "description"),
    ],
)
def test_a_bad_setting_fails_before_anything_is_written(tmp_path, settings, message):
    show = make_show(tmp_path, **settings)
    episode = make_episode(show, "first")
    with pytest.raises(SettingsError, match=message):
        add_episode(show, episode, now=JAN_1)
    assert [p.name for p in show.episodes_dir.iterdir()] == ["first.mp3"]


def test_a_cover_apple_would_refuse_fails_before_anything_is_written(tmp_path, image):
    image(tmp_path / "wide.png", 1600, 1400)
    show = make_show(tmp_path, cover="wide.png")
    make_episode(show, "first")
    with pytest.raises(SettingsError, match="1600×1400 pixels; it must be square"):
        add_episode(show, make_episode(show, "first"), now=JAN_1)
    assert [p.name for p in show.episodes_dir.iterdir()] == ["first.mp3"]


def test_remove_with_a_bad_setting_keeps_the_mp3(tmp_path):
    show = make_show(tmp_path)
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    catalog = (show.episodes_dir / "catalog.json").read_bytes()
    with pytest.raises(SettingsError):
        remove(make_show(tmp_path, title=""), "first")
    assert (show.episodes_dir / "first.mp3").exists()
    assert (show.episodes_dir / "catalog.json").read_bytes() == catalog


def test_an_mp3_outside_episodes_is_refused(tmp_path):
    show = make_show(tmp_path)
    elsewhere = tmp_path / "elsewhere.mp3"
    elsewhere.write_bytes(SILENT_FRAME * 4)
    with pytest.raises(PublishError, match="put the MP3 there"):
        add_episode(show, Episode("first", "First", elsewhere, 0.1, (), ""), now=JAN_1)
    assert not show.episodes_dir.exists()


def test_a_missing_mp3_is_refused(tmp_path):
    show = make_show(tmp_path)
    path = show.episodes_dir / "first.mp3"
    with pytest.raises(PublishError, match="cannot publish"):
        add_episode(show, Episode("first", "First", path, 0.1, (), ""), now=JAN_1)


def test_sidecars_are_named_only_once_they_exist_and_removed_with_the_episode(tmp_path):
    show = make_show(tmp_path)
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    assert not [tag for tag in channel(show).find("item") if tag.tag.startswith(PODCAST)]
    sidecar_files = [show.episodes_dir / f"first{suffix}" for suffix in (".chapters.json", ".vtt", ".srt")]
    for path in sidecar_files:
        path.write_text("x", encoding="utf-8")
    add_episode(show, make_episode(show, "second"), now=JAN_1 + timedelta(days=1))
    assert len([tag for tag in channel(show).iter() if tag.tag.startswith(PODCAST) and tag.get("url")]) == 3

    remove(show, "first")
    assert not any(path.exists() for path in sidecar_files)
    assert (show.episodes_dir / "second.mp3").exists()


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        ({"email": "a@b.example", "base_url": "https://pods.example/"}, []),
        ({"email": "", "base_url": "https://pods.example/"}, ["email"]),
        ({"email": " ", "base_url": "http://localhost:8000/"}, ["email", "base_url"]),
        ({"email": "a@b.example", "base_url": "http://127.0.0.1:9000/x/"}, ["base_url"]),
        ({"email": "a@b.example", "base_url": "http://[::1]:8000/"}, ["base_url"]),
    ],
)
def test_missing_settings_name_each_setting_once(tmp_path, settings, missing):
    warnings = missing_settings(make_show(tmp_path, **settings))
    assert [warning.split()[0] for warning in warnings] == missing


def _other_episodes_mp3(mp3: Path) -> bytes:
    """Another episode's MP3 (the same audio retitled: of nearly the same size) under this one's name."""
    from click.testing import CliRunner

    from podcast.cli import cli

    other = mp3.parents[2] / "other-show"
    sample = Path(__file__).resolve().parents[1] / "articles" / "sample.md"
    assert CliRunner().invoke(cli, ["build", str(sample), "--title", "Another", "--show", str(other)]).exit_code == 0
    return next((other / "episodes").glob("*.mp3")).read_bytes()


# What can happen to a published MP3 behind the show's back, and what `podcast feed` says of it.
DAMAGED_PUBLISHED = {
    "deleted by hand": (lambda mp3: mp3.unlink(), "is missing"),
    "truncated": (lambda mp3: mp3.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2]), "bytes, not the"),
    "bytes changed, same size": (lambda mp3: mp3.write_bytes(mp3.read_bytes()[:-4096] + bytes(4096)), "its bytes changed"),
    "another episode's file": (lambda mp3: mp3.write_bytes(_other_episodes_mp3(mp3)), "not the"),
}


@pytest.mark.parametrize("damage", DAMAGED_PUBLISHED, ids=list(DAMAGED_PUBLISHED))
def test_a_damaged_published_mp3_is_reported_by_feed_and_made_again_by_the_next_build(damage: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from podcast.cli import cli

    show = tmp_path / "show"
    sample = Path(__file__).resolve().parents[1] / "articles" / "sample.md"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(sample), "--show", str(show)]).exit_code == 0
    (entry,) = load_catalog(Show(show))
    mp3 = show / "episodes" / entry.filename
    published = mp3.read_bytes()
    assert entry.size == len(published) and len(entry.sha256) == 64

    harm, said = DAMAGED_PUBLISHED[damage]
    harm(mp3)
    result = runner.invoke(cli, ["feed", "--show", str(show)])
    assert result.exit_code == 0
    warning = f"Warning: episode {entry.slug!r} left out of the feed: {entry.filename} "
    assert any(line.startswith(warning) and said in line for line in result.output.splitlines()), result.output
    assert feedparser.parse((show / "episodes" / "feed.xml").read_bytes()).entries == []  # no enclosure that fails

    rebuilt = runner.invoke(cli, ["build", str(show / "scripts" / entry.slug), "--show", str(show)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert mp3.read_bytes() == published  # made again from the cached chunks, to the byte
    (again,) = load_catalog(Show(show))
    assert (again.guid, again.size, again.sha256) == (entry.guid, entry.size, entry.sha256)
    (item,) = feedparser.parse((show / "episodes" / "feed.xml").read_bytes()).entries
    assert item.enclosures[0].length == str(len(published))
    assert "left out of the feed" not in runner.invoke(cli, ["feed", "--show", str(show)]).output
