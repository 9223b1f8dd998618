"""Every engine's episode at the podcast loudness: -16 LUFS within half a LU, true peak at most -1 dBTP.

Voices differ in how far their peaks stand above their loudness (piper's reach 0 dBFS), so the
same gain and limiter left piper's episode at -16.7 LUFS; each installed engine is built and
measured with ffmpeg's ebur128, the meter podcast guidelines name.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from podcast.build import build
from podcast.mix import ffmpeg
from podcast.show import load_show
from podcast.engines import ENGINES

SEGMENTS = {
    "00-intro.txt": "# Introduction\n\nWelcome to the loudness test. Every engine must come out at the same level.\n",
    "01-body.txt": "# Body\n\nPeaks, plosives and pauses: Peter picked a peck of pickled peppers. "
    "Quiet words follow loud ones, and the meter must still read minus sixteen.\n\n"
    "The second paragraph keeps going for a while, so that the measurement has enough speech to integrate.\n",
    "02-outro.txt": "# Wrap-up\n\nThanks for listening to the loudness test.\n",
}


def measured(mp3: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an MP3, mono measured as dual-mono."""
    command = [ffmpeg(), "-nostats", "-i", str(mp3), "-af", "ebur128=dualmono=true:peak=true", "-f", "null", "-"]
    report = subprocess.run(command, capture_output=True, text=True).stderr
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", report)[-1]), float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", report)[-1])


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_every_engines_episode_is_at_the_podcast_loudness(engine: str, tmp_path: Path) -> None:
    try:
        ENGINES[engine].version()
    except Exception:
        pytest.skip(f"{engine} is not installed here (the neural extra brings piper)")
    folder = tmp_path / "scripts" / "loudness"
    folder.mkdir(parents=True)
    for name, text in SEGMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    build(load_show(tmp_path, engine=engine, music=False), folder)
    loudness, true_peak = measured(tmp_path / "episodes" / "loudness.mp3")
    assert -16.5 <= loudness <= -15.5 and true_peak <= -1.0, (engine, loudness, true_peak)
