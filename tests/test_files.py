"""files: the staging swap and the show lock, on real folders and real processes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from podcast import files
from podcast.files import atomic_write, recover, staged, staging_folders, write_staged

def published(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def episodes(tmp_path: Path) -> Path:
    folder = tmp_path / "episodes"
    (folder / "sub").mkdir(parents=True)
    (folder / "feed.xml").write_text("old feed")
    (folder / "ep.mp3").write_bytes(b"old audio")
    (folder / "sub" / "page.html").write_text("page")
    (folder / ".feed.xml.abc.tmp").write_text("a killed write's leftover")
    return folder


def test_a_finished_block_replaces_the_folder_at_once(episodes: Path) -> None:
    unchanged = os.stat(episodes / "ep.mp3").st_ino
    with staged(episodes) as stage:
        assert published(episodes)["feed.xml"] == b"old feed"  # nothing visible before the end
        files.atomic_write(stage / "feed.xml", "new feed")
        (stage / "new.vtt").write_text("WEBVTT")
        assert os.stat(stage / "ep.mp3").st_ino == unchanged  # linked, not copied
    assert published(episodes) == {"feed.xml": b"new feed", "ep.mp3": b"old audio", "sub/page.html": b"page", "new.vtt": b"WEBVTT"}
    assert os.stat(episodes / "ep.mp3").st_ino == unchanged
    assert staging_folders(episodes) == []


def test_staged_writes_never_change_a_published_file_through_its_link(episodes: Path) -> None:
    old_feed = os.stat(episodes / "feed.xml")
    kept = os.stat(episodes / "ep.mp3")
    with staged(episodes) as stage:
        write_staged(stage, {"feed.xml": "new feed", "ep.mp3": "old audio", "notes.txt": "é"})
        assert published(episodes)["feed.xml"] == b"old feed"  # the link was replaced, not written through
    assert published(episodes) == {"feed.xml": b"new feed", "ep.mp3": b"old audio", "sub/page.html": b"page", "notes.txt": "é".encode()}
    assert os.stat(episodes / "feed.xml").st_ino != old_feed.st_ino
    unchanged = os.stat(episodes / "ep.mp3")  # same text: the same file, its time untouched
    assert (unchanged.st_ino, unchanged.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)
    assert stat.S_IMODE(os.stat(episodes / "notes.txt").st_mode) == 0o666 & ~files._UMASK


def test_a_failed_block_changes_nothing(episodes: Path) -> None:
    before = published(episodes)
    with pytest.raises(RuntimeError), staged(episodes) as stage:
        files.atomic_write(stage / "feed.xml", "half-made")
        (stage / "ep.mp3").unlink()
        raise RuntimeError("the build failed")
    assert published(episodes) == before
    assert staging_folders(episodes) == []


def test_the_first_publication_creates_the_folder(tmp_path: Path) -> None:
    with staged(tmp_path / "episodes") as stage:
        (stage / "feed.xml").write_text("first")
    assert published(tmp_path / "episodes") == {"feed.xml": b"first"}


def test_without_renameat2_two_renames_do_the_swap(episodes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback for systems without RENAME_EXCHANGE (simulated: it cannot be removed from this kernel)."""
    monkeypatch.setattr(files, "_exchange", lambda first, second: False)
    with staged(episodes) as stage:
        files.atomic_write(stage / "feed.xml", "new feed")
    assert published(episodes)["feed.xml"] == b"new feed"
    assert sorted(p.name for p in episodes.parent.iterdir()) == ["episodes"]


@pytest.mark.parametrize("leftover", ["staging", "staging-after-swap", "old-before-second-rename", "old-after-second-rename"])
def test_recover_keeps_the_published_state_a_killed_swap_left(episodes: Path, leftover: str) -> None:
    """Every state a kill can leave: the published folder is the one kept, whole."""
    stage, old = episodes.parent / ".episodes.staging-1", episodes.parent / ".episodes.old"
    before = published(episodes)
    if leftover.startswith("staging"):
        stage.mkdir()
        (stage / "feed.xml").write_text("the other state")
    elif leftover == "old-before-second-rename":  # the fallback's first rename done, not the second
        episodes.rename(old)
        stage.mkdir()
    else:
        old.mkdir()
        (old / "feed.xml").write_text("the previous state")
    recover(episodes)
    assert published(episodes) == before
    assert sorted(p.name for p in episodes.parent.iterdir()) == ["episodes"]


def test_written_files_get_the_mode_the_umask_allows_not_mkstemps_private_one(tmp_path: Path) -> None:
    """mkstemp makes private (0600) files; a published feed copied to a web host must not be one."""
    atomic_write(tmp_path / "feed.xml", "<rss/>")
    assert stat.S_IMODE((tmp_path / "feed.xml").stat().st_mode) == 0o666 & ~files._UMASK
