"""ffmpeg plumbing: which ffmpeg runs, what it must be able to do, running it, and reading the
loudness it measures.

The imageio-ffmpeg wheel's binary is the default: the one build every test runs against. A
system ffmpeg is used only when the show (`ffmpeg = "system"` or a path) or the environment
(PODCAST_FFMPEG) names it, and only after a check, at its first use, that it has every codec,
format and filter a build runs. The filter graphs use only options that ffmpeg 4.2 already
has (run with real 4.2.2, 5.1 and 9.0 binaries), so Ubuntu 22.04's 4.4 and Debian 12's 5.1 can
run them; 4.4 is the oldest supported (4.2.2's MP3 comes out a frame short of its duration).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

from podcast.errors import AudioError

ENVIRONMENT = "PODCAST_FFMPEG"  # "system" or a path: overrides the show's `ffmpeg` setting
WHEEL = ""  # the setting's value (its default) for the imageio-ffmpeg wheel's binary
SYSTEM = "system"  # the ffmpeg on PATH
# What a build asks of ffmpeg, by the section of `ffmpeg -hide_banner -<section>` that lists it.
NEEDED = {
    "encoders": ("libmp3lame",),
    "filters": ("adelay", "aevalsrc", "afade", "aformat", "alimiter", "amerge", "apad", "aresample", "atrim",
                "ebur128", "pan", "volume"),
    "formats": ("ffmetadata", "mp3", "null", "s16le"),
}
# Loudness for spoken podcasts: integrated, mono measured as dual-mono as ffmpeg's ebur128 does.
TARGET_LUFS = -16.0
SILENT_LUFS = -70.0  # what ebur128 reports when nothing is above its absolute gate
# Every line ffmpeg logs starts with its level ("[error] ..."), so its first error is found
# among the information lines the loudness summary needs.
QUIET = ["-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info"]
# Mono measured as dual-mono, as for podcasts. No `framelog` option: ffmpeg 5.1 has none, so
# the meter logs every 100 ms frame and a report is read from a file, never a full pipe.
METER = "ebur128=dualmono=true"


def chosen(setting: str) -> str:
    """The ffmpeg setting in force: the environment's PODCAST_FFMPEG, else the show's `setting`."""
    return os.environ.get(ENVIRONMENT, "").strip() or setting


def ffmpeg(setting: str = WHEEL) -> str:
    """The path of the ffmpeg that `setting` (with PODCAST_FFMPEG over it) names, checked once per process."""
    return _binary(chosen(setting))


@functools.lru_cache(maxsize=None)
def _binary(setting: str) -> str:
    if setting == WHEEL:
        try:
            import imageio_ffmpeg

            return imageio_ffmpeg.get_ffmpeg_exe()
        except (ImportError, RuntimeError):
            raise AudioError("the imageio-ffmpeg wheel's ffmpeg is missing: `pip install imageio-ffmpeg`, "
                             f'or set ffmpeg = "{SYSTEM}" to use an installed one') from None
    found = shutil.which("ffmpeg") if setting == SYSTEM else shutil.which(os.path.expanduser(setting))
    if not found:
        wanted = "no ffmpeg on PATH" if setting == SYSTEM else f"{setting} is not an executable file"
        raise AudioError(f"ffmpeg setting {setting!r}: {wanted}; leave the setting out to use the wheel's ffmpeg")
    lacking = _lacking(found)
    if lacking:
        raise AudioError(f"{found} lacks {', '.join(lacking)}: podcast-digest needs ffmpeg 4.4 or newer "
                         "built with libmp3lame; leave the ffmpeg setting out to use the wheel's")
    return found


def _lacking(binary: str) -> list[str]:
    """What of NEEDED `binary` does not list, each as "the <name> <kind>"; all of it if it does not run."""
    lacking = []
    for section, names in NEEDED.items():
        try:
            listing = subprocess.run([binary, "-hide_banner", f"-{section}"], capture_output=True, text=True,
                                     timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            listing = ""
        listed = {words[1] for words in map(str.split, listing.splitlines()) if len(words) > 1}
        listed |= {name for entry in listed for name in entry.split(",")}  # formats: "mp3" in "mp3,mp2"
        lacking += [f"the {name} {section[:-1]}" for name in names if name not in listed]
    return lacking


def raw_input(pcm: str, frame_rate: int) -> list[str]:
    """ffmpeg's input options for the joined speech: raw 16-bit mono at the engine's rate."""
    return ["-f", "s16le", "-ar", str(frame_rate), "-ac", "1", "-i", pcm]


def run(setting: str, arguments: list[str], doing: str, stdin: bytes = b"") -> str:
    """Run the ffmpeg `setting` names, giving it `stdin`; return what it reported on stderr, or
    raise AudioError quoting its first error."""
    result = subprocess.run([ffmpeg(setting), *QUIET, *arguments], input=stdin, capture_output=True)
    report = result.stderr.decode(errors="replace")
    if result.returncode:
        raise AudioError(f"ffmpeg could not {doing}: {first_error(report)}")
    return report


def first_error(report: str) -> str:
    """The first line ffmpeg logged at error level or worse, without its level, else its last line.

    >>> first_error("[info] Input #0\\n[mp3 @ 0x1] [error] Header missing\\n[fatal] Conversion failed!")
    '[mp3 @ 0x1] Header missing'
    """
    lines = [line for line in report.splitlines() if line.strip()]
    for line in lines:
        if re.search(r"\[(error|fatal|panic)\] ", line):
            return re.sub(r"\[(error|fatal|panic)\] ", "", line, count=1).strip()
    return lines[-1].strip() if lines else "no message"


def gain(target: float, loudness: float) -> float:
    """dB from `loudness` to `target`; none for audio with nothing above ebur128's gate.

    >>> gain(-16.0, -19.5), gain(-16.0, -70.0)
    (3.5, 0.0)
    """
    return target - loudness if loudness > SILENT_LUFS else 0.0


def measure(setting: str, source: list[str] | tuple[str, ...], chain: str, doing: str) -> tuple[float, float | None]:
    """Integrated loudness in LUFS of ffmpeg's input `source` after the filters `chain`, and the
    input's duration in seconds, when ffmpeg can tell it."""
    command = [ffmpeg(setting), *QUIET, *source, "-af", f"{chain},{METER}", "-f", "null", "-"]
    result = subprocess.run(command, capture_output=True, text=True, errors="replace")
    duration = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", result.stderr)
    seconds = int(duration[1]) * 3600 + int(duration[2]) * 60 + float(duration[3]) if duration else None
    return integrated(result.stderr, result.returncode, doing), seconds


def integrated(report: str, returncode: int | None, doing: str) -> float:
    """The integrated loudness in ffmpeg's ebur128 summary `report`, or why there is none."""
    summary = report.rpartition("Summary:")[2]
    found = re.findall(r"\bI:\s+(-?[\d.]+) LUFS", summary)
    if returncode or not found:
        raise AudioError(f"ffmpeg could not {doing}: {first_error(report)}")
    return float(found[0])


def limiter(limit: float, sample_rate: int) -> list[str]:
    """ffmpeg filters for a lookahead peak limiter at `limit` (linear) that neither delays nor
    shortens the audio.

    alimiter's `latency` option does this only from ffmpeg 5.1 on; before it the limiter delays
    by its lookahead (5 ms, less one sample) and drops as much at the end. Padding by that much
    and trimming it from the front gives, sample for sample, what `latency=true` gives (checked
    at every rate and channel count with ffmpeg 4.2, 5.1 and 9.0).
    """
    lookahead = int(sample_rate * _ATTACK_MS / 1000) - 1
    return [f"apad=pad_len={lookahead}", f"alimiter=limit={limit:.4f}:attack={_ATTACK_MS}:level=false",
            f"atrim=start_sample={lookahead}"]


_ATTACK_MS = 5  # alimiter's default lookahead

