"""script: the script folder written whole, read back, hand edits kept."""

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podcast.errors import ScriptError
from podcast.narration import narrate
from podcast.script import read_script, slugify, write_script

from test_narration import ARTICLE  # the same small article


def test_write_then_read_gives_the_same_script_and_drops_stale_segments(tmp_path: Path) -> None:
    script = narrate(ARTICLE, "Test Show", "Episode “One”")
    folder = tmp_path / script.slug
    (folder).mkdir()
    (folder / "07-old-takeaway.txt").write_text("# Old\n\nGone after the rewrite.\n")
    (folder / "notes.txt").write_text("a person's own notes stay")
    write_script(script, folder)
    assert read_script(folder) == script
    assert not (folder / "07-old-takeaway.txt").exists() and (folder / "notes.txt").exists()


def test_hand_edits_are_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "edited"
    write_script(narrate(ARTICLE, "Show", "Edited"), folder)
    (folder / "01-first-point.txt").write_text("# Renamed chapter\n\nNew words,\nwrapped by hand.\n\n\nSecond paragraph.")
    (folder / "02-second-point.txt").write_text("No heading line here.\n")
    (folder / "episode.toml").unlink()
    script = read_script(folder)
    assert script.title == "edited"
    assert script.segments[1].title == "Renamed chapter"
    assert script.segments[1].paragraphs == ("New words, wrapped by hand.", "Second paragraph.")
    assert script.segments[2].title == "Second point"
    assert script.segments[1].sentences() == [["New words, wrapped by hand."], ["Second paragraph."]]


def test_narrating_again_rewrites_only_the_files_that_changed(tmp_path: Path) -> None:
    """A warm rebuild narrates again: unchanged files are not rewritten (each write syncs the disk)."""
    folder = tmp_path / "episode"
    write_script(narrate(ARTICLE, "Show", "Episode"), folder)
    before = {path.name: path.stat().st_ino for path in folder.iterdir()}  # a rewrite renames a new file in
    changed = narrate(replace(ARTICLE, conclusion=("That is really all.",)), "Show", "Episode")
    write_script(changed, folder)
    after = {path.name: path.stat().st_ino for path in folder.iterdir()}
    assert sorted(name for name in before if before[name] != after[name]) == ["03-outro.txt", "episode.toml"]
    assert read_script(folder) == changed


@given(st.text())
def test_slugs_are_always_safe_file_names(title: str) -> None:
    slug = slugify(title)
    assert slug and len(slug) <= 60 and slug not in {".", ".."}
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert slugify(title) == slug


def test_narrating_again_never_overwrites_hand_edits_unless_asked(tmp_path: Path) -> None:
    folder = tmp_path / "episode"
    script = narrate(ARTICLE, "Show", "Episode")
    write_script(script, folder)
    write_script(script, folder)  # unchanged: rewriting is harmless
    changed = narrate(ARTICLE, "Renamed Show", "Episode")
    write_script(changed, folder)  # an article edit, no hand edits: the new narration wins
    assert read_script(folder) == changed

    edited = folder / "02-second-point.txt"
    edited.write_text("# Second point\n\nMy careful rewording.\n")
    with pytest.raises(ScriptError, match="has hand edits.*--overwrite"):
        write_script(script, folder)
    assert edited.read_text() == "# Second point\n\nMy careful rewording.\n"
    write_script(script, folder, overwrite=True)
    assert read_script(folder) == script


def test_announcements_are_marked_in_the_files_and_read_back(tmp_path: Path) -> None:
    script = narrate(ARTICLE, "Show", "Episode")
    assert [s.announcements for s in script.segments] == [(0, 2), (0,), (0,), (1,)]
    write_script(script, tmp_path / "e")
    assert (tmp_path / "e" / "02-second-point.txt").read_text() == (
        "# Second point\n\n> Takeaway two: Second point.\n\nThe US team agreed.\n"
    )
    (tmp_path / "e" / "02-second-point.txt").write_text("# Second\n\nMy own words.\n\n>Said by the announcer.\n")
    assert read_script(tmp_path / "e").segments[2].paragraphs == ("My own words.", "Said by the announcer.")
    assert read_script(tmp_path / "e").segments[2].announcements == (1,)
