"""Which ffmpeg a build runs, what it checks before using a system one, and how its errors read."""

import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast import ffmpeg as tool
from podcast.cli import cli
from podcast.errors import AudioError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "articles" / "sample.md"


@pytest.fixture(autouse=True)
def fresh_choice(monkeypatch: pytest.MonkeyPatch):
    """Each test chooses afresh: the check runs once per process and setting."""
    monkeypatch.delenv(tool.ENVIRONMENT, raising=False)
    tool._binary.cache_clear()
    yield
    tool._binary.cache_clear()


def wheel() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def script(folder: Path, body: str) -> Path:
    """An executable `ffmpeg` in `folder` running `body` (sh), to stand where a system one would."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ffmpeg"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def hiding(folder: Path, *names: str) -> Path:
    """A real ffmpeg (the wheel's) whose listings leave out `names`: a build without them."""
    pattern = "|".join(f" {name} " for name in names) or "^$"
    return script(folder, f'case "$2" in -encoders|-filters|-formats) "{wheel()}" "$@" | grep -Ev "{pattern}";; '
                          f'*) exec "{wheel()}" "$@";; esac')


def test_the_wheels_ffmpeg_is_used_even_with_another_first_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script(tmp_path / "bin", "exit 1")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    assert tool.ffmpeg() == wheel()
    assert CliRunner().invoke(cli, ["build", str(SAMPLE), "--show", str(tmp_path)]).exit_code == 0


@pytest.mark.parametrize(
    ("setting", "environment", "expected"),
    [
        ("system", "", "no ffmpeg on PATH"),
        ("/nowhere/ffmpeg", "", "/nowhere/ffmpeg is not an executable file"),
        ("", "/nowhere/else", "/nowhere/else is not an executable file"),  # the environment names it
        ("/nowhere/ffmpeg", "/nowhere/else", "/nowhere/else is not"),  # and wins over the show
    ],
)
def test_a_named_ffmpeg_that_is_not_there_is_one_line(setting: str, environment: str, expected: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg on it
    if environment:
        monkeypatch.setenv(tool.ENVIRONMENT, environment)
    with pytest.raises(AudioError, match=expected) as raised:
        tool.ffmpeg(setting)
    assert "\n" not in str(raised.value)


def test_a_system_ffmpeg_is_checked_and_what_it_lacks_said_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lacking = hiding(tmp_path / "bin", "libmp3lame", "ebur128", "ffmetadata")
    monkeypatch.setenv("PATH", f"{lacking.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(AudioError) as raised:
        tool.ffmpeg("system")
    message = str(raised.value)
    assert "\n" not in message and message.startswith(str(lacking))
    assert "the libmp3lame encoder, the ebur128 filter, the ffmetadata format" in message and "4.4" in message


def test_a_system_ffmpeg_with_everything_passes_and_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole build with the show naming another ffmpeg by its path (a real one: the wheel's
    behind a script that hides nothing). .ci/run builds with Debian's through PODCAST_FFMPEG."""
    system = str(hiding(tmp_path / "bin"))
    (tmp_path / "podcast.toml").write_text(f'[show]\nffmpeg = "{system}"\n')
    result = CliRunner().invoke(cli, ["build", str(SAMPLE), "--show", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert tool.ffmpeg(system) == shutil.which(system)


def test_a_bad_ffmpeg_setting_stops_the_build_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "podcast.toml").write_text('[show]\nffmpeg = "bin/ffmpeg"\n')  # relative: to the show folder
    result = CliRunner().invoke(cli, ["build", str(SAMPLE), "--show", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: ffmpeg setting {str(tmp_path / 'bin' / 'ffmpeg')!r}: {tmp_path / 'bin' / 'ffmpeg'} is not an executable "
        "file; leave the setting out to use the wheel's ffmpeg")
    assert not (tmp_path / "episodes" / "feed.xml").exists()


def test_errors_quote_ffmpegs_first_error_not_its_last_line(tmp_path: Path) -> None:
    with pytest.raises(AudioError) as raised:
        tool.run("", ["-f", "lavfi", "-i", "anullsrc", "-af", "ebur128=nonsense=1", "-f", "null", "-"], "measure it")
    message = str(raised.value)
    assert message.startswith("ffmpeg could not measure it: ") and "nonsense" in message, message
    assert "Conversion failed" not in message and "\n" not in message
