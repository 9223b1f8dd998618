"""ffmpeg plumbing: finding the binary, running it, and reading the loudness it measures."""

from __future__ import annotations

import re
import shutil
import subprocess

from podcast.errors import AudioError

# Loudness for spoken podcasts: integrated, mono measured as dual-mono as ffmpeg's ebur128 does.
TARGET_LUFS = -16.0
SILENT_LUFS = -70.0  # what ebur128 reports when nothing is above its absolute gate
QUIET = ["-nostdin", "-hide_banner", "-nostats"]
METER = "ebur128=dualmono=true:framelog=quiet"  # mono measured as dual-mono, as for podcasts


def ffmpeg() -> str:
    """The system's ffmpeg when installed, else the one the imageio-ffmpeg wheel ships."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        raise AudioError("ffmpeg not found: install ffmpeg or `pip install imageio-ffmpeg`") from None


def raw_input(pcm: str, frame_rate: int) -> list[str]:
    """ffmpeg's input options for the joined speech: raw 16-bit mono at the engine's rate."""
    return ["-f", "s16le", "-ar", str(frame_rate), "-ac", "1", "-i", pcm]


def run(arguments: list[str], doing: str, stdin: bytes = b"") -> str:
    """Run ffmpeg, giving it `stdin`; return what it reported on stderr, or raise AudioError with its last line."""
    result = subprocess.run([ffmpeg(), *QUIET, *arguments], input=stdin, capture_output=True)
    stderr = result.stderr.decode(errors="replace")
    if result.returncode:
        lines = stderr.strip().splitlines()
        raise AudioError(f"ffmpeg could not {doing}: {lines[-1] if lines else 'unknown error'}")
    return stderr


def gain(target: float, loudness: float) -> float:
    """dB from `loudness` to `target`; none for audio with nothing above ebur128's gate.

    >>> gain(-16.0, -19.5), gain(-16.0, -70.0)
    (3.5, 0.0)
    """
    return target - loudness if loudness > SILENT_LUFS else 0.0


def measure(source: list[str] | tuple[str, ...], chain: str, doing: str) -> tuple[float, float | None]:
    """Integrated loudness in LUFS of ffmpeg's input `source` after the filters `chain`, and the
    input's duration in seconds, when ffmpeg can tell it."""
    command = [ffmpeg(), *QUIET, *source, "-af", f"{chain},{METER}", "-f", "null", "-"]
    result = subprocess.run(command, capture_output=True, text=True)
    duration = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", result.stderr)
    seconds = int(duration[1]) * 3600 + int(duration[2]) * 60 + float(duration[3]) if duration else None
    return integrated(result.stderr, result.returncode, doing), seconds


def integrated(report: str, returncode: int | None, doing: str) -> float:
    """The integrated loudness in ffmpeg's ebur128 summary `report`, or why there is none."""
    found = re.findall(r"^\s+I:\s+(-?[\d.]+) LUFS", report, re.MULTILINE)
    if returncode or not found:
        lines = report.strip().splitlines()
        raise AudioError(f"ffmpeg could not {doing}: {lines[-1] if lines else 'no loudness reported'}")
    return float(found[-1])
