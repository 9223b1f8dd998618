import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pydub import AudioSegment

SHARED_ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "articles"
REAL_ARTICLE = SHARED_ARTICLES / "zuckerberg-bloomberg-interview.txt"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    """Under CI (CI=true) a skipped test fails, saying why it skipped: a tool or extra that CI
    does not install would otherwise pass unseen. Outside CI a test may skip for what is missing."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI", "").lower() == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where every test must run (.ci/run installs what tests need): {reason}"


@pytest.fixture(scope="session", autouse=True)
def speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One fresh speech cache for the run: tests really synthesise, then share what they made.

    Set in os.environ (not monkeypatch) so spawn-started speech workers inherit it.
    """
    folder = tmp_path_factory.mktemp("cache")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    return folder / "podcast-digest" / "speech"


@pytest.fixture
def real_headings(real_article: Path) -> list[str]:
    """The real article's takeaways as a careful reader counts them, read from the numbered
    list in ../shared/articles/README.md (so no text of the article is copied here)."""
    readme = (SHARED_ARTICLES / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## {real_article.name}", 1)[1]
    return [re.sub(r" \(.*", "", line) for line in re.findall(r"^ +\d+\. (.+)$", section, re.M)]


@pytest.fixture
def real_article() -> Path:
    if not REAL_ARTICLE.exists():
        pytest.skip("../shared/articles is not beside this checkout")
    return REAL_ARTICLE


def decode_mp3(path: Path) -> "AudioSegment":
    """Decode an MP3 to 44.1 kHz mono PCM with the ffmpeg the project uses (pydub would need ffprobe)."""
    import subprocess

    from pydub import AudioSegment

    from podcast.ffmpeg import ffmpeg

    command = [ffmpeg(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "44100", "-"]
    pcm = subprocess.run(command, check=True, capture_output=True).stdout
    return AudioSegment(data=pcm, sample_width=2, frame_rate=44100, channels=1)


@pytest.fixture
def decode():
    return decode_mp3


def write_image(path: Path, width: int, height: int | None = None, kind: str = "PNG") -> Path:
    """A real image file of the given size and format (a cover must be one Pillow can read)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, height or width), (200, 80, 40)).save(path, kind)
    return path


@pytest.fixture
def image():
    return write_image
