"""A speech piece without the engine's padding: where its sound starts and ends, found once and
kept beside its WAV in the cache.

Finding the padding (pydub reads the piece in 10 ms steps from each end) cost a warm rebuild
about 60 ms and a cold build as much after the last sentence was spoken. So the speech worker
that makes a piece finds its span at once, and writes it as a sealed record naming the WAV's
SHA-256 and the recipe below; the mix reads the record and uses the span only when both still
match, and finds the span again otherwise (an older cache, a damaged or changed record).
"""

from __future__ import annotations

import io
import json
import os
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from podcast.cache import seal, sealed
from podcast.engines import SAMPLE_WIDTH
from podcast.errors import AudioError

if TYPE_CHECKING:
    import pydub

FADE_MS = 5  # around every cut, so no join clicks
SILENCE_DBFS = -50.0  # quieter than this at a piece's ends is the engine's padding
_RECIPE = [SILENCE_DBFS, FADE_MS, "pydub ms"]  # a record made by another recipe is found again


@dataclass(frozen=True)
class Span:
    """The part of a piece's WAV that the episode plays, in milliseconds as pydub cuts it, and
    how many frames it has once cut and faded (pydub rounds both ends to its milliseconds)."""

    start: int
    end: int
    frames: int


def span(wav: Path, digest: str) -> Span:
    """The span of the piece `wav` whose bytes have SHA-256 `digest`: from its record if that was
    made for these bytes by this recipe, else found now (and recorded for the next build)."""
    record = _record_path(wav)
    data = sealed(record)
    if data is not None:
        try:
            found = json.loads(data)
            if found["wav"] == digest and found["recipe"] == _RECIPE:
                return Span(int(found["start"]), int(found["end"]), int(found["frames"]))
        except (ValueError, KeyError, TypeError):
            pass  # a record of another shape: found again below
    return record_span(wav, wav.read_bytes(), digest)


def record_span(wav: Path, data: bytes, digest: str) -> Span:
    """Find the span of the WAV `data` (the bytes of `wav`, SHA-256 `digest`) and record it."""
    found = find_span(data, wav)
    record = json.dumps({"wav": digest, "recipe": _RECIPE, **asdict(found)}).encode()
    path = _record_path(wav)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(record)
    seal(path, record)
    temporary.replace(path)
    return found


def find_span(data: bytes, wav: Path) -> Span:
    """Where the sound of a 16-bit mono WAV starts and ends: what pydub finds quieter than
    SILENCE_DBFS at each end is cut, up to FADE_MS before the sound (the fade's room). `wav`
    names it in an error."""
    sound = _segment(io.BytesIO(data), wav)  # pydub imported there, its warning silenced
    from pydub.silence import detect_leading_silence

    lead = detect_leading_silence(sound, SILENCE_DBFS)
    trail = detect_leading_silence(sound.reverse(), SILENCE_DBFS)
    start, end = (max(lead - FADE_MS, 0), len(sound) - max(trail - FADE_MS, 0)) if lead + trail < len(sound) else (0, len(sound))
    return Span(start, end, len(_cut(sound, start, end)) // SAMPLE_WIDTH)


def trimmed(wav: Path, where: Span, frame_rate: int) -> bytes:
    """The piece's `where` part, faded in and out over FADE_MS."""
    sound = _segment(wav, wav)
    if sound.frame_rate != frame_rate:
        raise AudioError(f"{wav}: not {frame_rate} Hz 16-bit mono like the other speech pieces")
    return _cut(sound, where.start, where.end)


def _cut(sound: "pydub.AudioSegment", start: int, end: int) -> bytes:
    return sound[start:end].fade_in(FADE_MS).fade_out(FADE_MS).raw_data


def _segment(source: io.BytesIO | Path, wav: Path) -> "pydub.AudioSegment":
    sound = _audio_segment().from_wav(source)
    if sound.channels != 1 or sound.sample_width != SAMPLE_WIDTH:
        raise AudioError(f"{wav}: not 16-bit mono like the other speech pieces")
    return sound


def _audio_segment() -> type:
    """pydub's AudioSegment, imported when a piece is first cut: a rebuild whose pieces all have
    their records, and whose MP3 is kept, never imports it."""
    with warnings.catch_warnings():
        # pydub warns at import when ffmpeg is not on PATH; `ffmpeg()` finds one before encoding.
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment
    return AudioSegment


def _record_path(wav: Path) -> Path:
    return wav.with_name(wav.name + ".span")
