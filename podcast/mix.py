"""Spoken segments -> one episode MP3: pauses, fades, loudness, then chunks, music and tags.

The value types are in episode.py, ffmpeg's plumbing in ffmpeg.py, the MP3 chunks in
chunks.py, the ID3 tags in tags.py and the music in music.py; this module joins the speech
and decides what has to be encoded again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from podcast.chunks import ENCODERS, LIMIT_DBFS, MP3_DELAY, MP3_LEVEL_LOSS_DB, chunk, placer
from podcast.episode import Chapter, Cue, Episode, Sound, SpokenSegment, Tags
from podcast.errors import AudioError
from podcast.ffmpeg import METER, QUIET, SILENT_LUFS, TARGET_LUFS, chosen, ffmpeg, gain, integrated, limiter, measure, raw_input
from podcast.music import (
    CHIME_HZ,
    CHIME_LEAD,
    CHIME_LUFS,
    CHIME_PARTIALS,
    CHIME_SECONDS,
    MUSIC_FADE,
    MUSIC_LUFS,
    MUSIC_SOLO,
    MUSIC_SPAN,
    OUTRO_SECONDS,
    Jingle,
    jingle,
)
from podcast.script import Script
from podcast.engines import SAMPLE_WIDTH
from podcast.tags import Provenance, join, read_provenance
from podcast.trim import FADE_MS, SILENCE_DBFS, span, trimmed

# Pauses between pieces, in seconds: each boundary of the structure gets a longer one.
SENTENCE_PAUSE = 0.35
PARAGRAPH_PAUSE = 0.7
SEGMENT_PAUSE = 1.2
EDGE_PAUSE = 0.4  # before the first word and after the last
# The defaults, as the benchmark's floor encodes with them.
BITRATE = f"{Sound.bitrate}k"
SAMPLE_RATE = Sound.sample_rate
# A small edit barely moves the episode's loudness: the gain it was encoded with is kept while
# it still brings the episode this close to TARGET_LUFS, so the unchanged chunks are reused.
GAIN_KEPT_LU = 0.5
# How pieces become an episode: part of every MP3's fingerprint, so a new recipe re-encodes.
_RECIPE = [SENTENCE_PAUSE, PARAGRAPH_PAUSE, SEGMENT_PAUSE, EDGE_PAUSE, FADE_MS, SILENCE_DBFS, TARGET_LUFS, LIMIT_DBFS,
           MP3_LEVEL_LOSS_DB, MUSIC_LUFS, MUSIC_SOLO, MUSIC_FADE, OUTRO_SECONDS, CHIME_SECONDS, CHIME_LUFS, CHIME_LEAD,
           CHIME_HZ, CHIME_PARTIALS, "chunks", MP3_DELAY, "amerge"]


def mix(script: Script, spoken: list[SpokenSegment], tags: Tags, path: Path, sound: Sound = Sound()) -> Episode:
    """Join every piece once into one stream, bring it to the podcast loudness, encode it to `path` as MP3 and tag it.

    The joined audio goes piece by piece to a raw file beside `path`, so an hour-long episode is
    never whole in memory, and to ffmpeg measuring its loudness as it comes; the encode then
    reads the file with the one gain that brings the whole episode to TARGET_LUFS, one chunk per
    segment (see chunks.MP3_DELAY), each cached by what it is made from. Chapter times and the
    duration are computed from sample counts and the chunks' frame counts, not from pydub's
    millisecond-rounded lengths, so they stay exact however many pieces there are. An MP3 already
    mixed from the same pieces, settings, tags and music (its fingerprint is in its provenance
    record) is kept as it is: encoding is most of a build's time.
    """
    sound = dataclasses.replace(sound, ffmpeg=chosen(sound.ffmpeg))  # so the fingerprint names the one in force
    frame_rate = _frame_rate(spoken)
    silence = lambda seconds: bytes(SAMPLE_WIDTH * round(seconds * frame_rate))  # noqa: E731
    intro, outro = (jingle(sound.intro, sound, True), jingle(sound.outro, sound, False)) if sound.music else (None, None)
    fingerprint = _fingerprint(spoken, frame_rate, script.title, tags, sound)
    existing = read_provenance(path)
    already_mixed = existing.fingerprint == fingerprint and bool(existing.chunks)
    path.parent.mkdir(parents=True, exist_ok=True)
    joined = path.with_name(f".{path.name}.{os.getpid()}.pcm")
    frames = 0  # so far: where the next part starts
    with _Sink(None if already_mixed else joined, frame_rate, sound.ffmpeg) as sink:

        def add(data: bytes) -> None:
            nonlocal frames
            sink.write(data)
            frames += len(data) // SAMPLE_WIDTH

        add(silence(intro.seconds if intro else EDGE_PAUSE))  # the speech starts as the intro dies away
        starts: list[int] = []
        cuts = [0]  # where each chunk starts: in the middle of a segment pause, after the intro music
        cues: list[tuple[str, int, int]] = []
        for segment_index, segment in enumerate(spoken):
            if segment_index:
                pause = round(SEGMENT_PAUSE * frame_rate)
                add(bytes(SAMPLE_WIDTH * (pause // 2)))
                if frames >= MUSIC_SPAN * frame_rate:
                    cuts.append(frames)
                add(bytes(SAMPLE_WIDTH * (pause - pause // 2)))
            starts.append(frames if segment_index else 0)
            for paragraph_index, paragraph in enumerate(segment.paragraphs):
                for sentence_index, piece in enumerate(paragraph):
                    if paragraph_index or sentence_index:
                        add(silence(SENTENCE_PAUSE if sentence_index else PARAGRAPH_PAUSE))
                    first, where = frames, span(piece.wav, piece.digest)
                    if already_mixed:  # only its length counts: where its cue and the next piece go
                        frames += where.frames
                    else:
                        add(trimmed(piece.wav, where, frame_rate))
                    cues.append((piece.text, first, frames))
        music: list[tuple[Jingle, float]] = []
        if outro:
            add(silence(SEGMENT_PAUSE))
            music = [(intro, 0.0), (outro, (frames - cuts[-1]) / frame_rate)]
            add(silence(outro.seconds))
        else:
            add(silence(EDGE_PAUSE))
        cuts.append(frames)
        if already_mixed:
            episode_gain, samples = existing.gain, existing.chunks
        else:
            episode_gain = _limited_gain(joined, frame_rate, sink.loudness(), existing.gain, sound.ffmpeg)
            last = len(cuts) - 2

            def encode(k: int) -> tuple[Path, int]:  # the intro plays in the first chunk, the outro in the last
                plays = [*(music[:1] if k == 0 else []), *(music[1:] if k == last else [])]
                return chunk(joined, cuts[k], cuts[k + 1], frame_rate, episode_gain, plays, sound, _RECIPE)

            with ThreadPoolExecutor(ENCODERS) as pool:
                parts, samples = zip(*pool.map(encode, range(last + 1)))
        at = placer(cuts, samples, frame_rate, sound.sample_rate)
        duration = sum(samples) / sound.sample_rate
        ends = [at(start) for start in starts[1:]] + [duration]
        chapters = tuple(
            Chapter(segment.title, at(start) if start else 0.0, end) for segment, start, end in zip(spoken, starts, ends)
        )
        if not already_mixed:
            join(parts, script.title, tags, chapters, Provenance(fingerprint, episode_gain, samples), path, sound.ffmpeg)
    return Episode(script.slug, script.title, path, duration, chapters, script.description,
                   tuple(Cue(text, at(first), at(end)) for text, first, end in cues))


class _Sink:
    """Where the joined speech goes when it is to be encoded: a raw file beside the MP3 and, at
    the same time on the other core, ffmpeg measuring its loudness. Nowhere when it is not.

    The meter's report goes to a temporary file: ffmpeg before 6.0 logs a line per 100 ms of
    audio, which would fill a pipe nobody reads until the end and stall both processes."""

    def __init__(self, path: Path | None, frame_rate: int, setting: str) -> None:
        self.path = path
        self.file = path.open("wb") if path else None
        self.report = tempfile.TemporaryFile() if path else None
        self.meter = subprocess.Popen(
            [ffmpeg(setting), *QUIET, *raw_input("pipe:0", frame_rate), "-af", METER, "-f", "null", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.report,
        ) if path else None

    def write(self, data: bytes) -> None:
        if self.file and self.meter and self.meter.stdin:
            self.file.write(data)
            try:
                self.meter.stdin.write(data)
            except BrokenPipeError:
                pass  # ffmpeg stopped early: loudness() says why

    def loudness(self) -> float:
        """Integrated loudness in LUFS of everything written, once it is all written."""
        assert self.file and self.meter and self.report, "nothing was written to measure"
        self.file.close()
        self.meter.communicate()
        self.report.seek(0)
        report = self.report.read().decode(errors="replace")
        return integrated(report, self.meter.returncode, "measure the loudness of the episode")

    def __enter__(self) -> _Sink:
        return self

    def __exit__(self, *exception: object) -> None:
        if self.meter and self.meter.poll() is None:
            self.meter.kill()
            self.meter.communicate()
        if self.file and self.path:
            self.file.close()
            self.path.unlink(missing_ok=True)
        if self.report:
            self.report.close()


def _frame_rate(spoken: list[SpokenSegment]) -> int:
    """The engine's sample rate, read from the first piece's header."""
    for segment in spoken:
        for paragraph in segment.paragraphs:
            for piece in paragraph:
                with wave.open(str(piece.wav), "rb") as first:
                    return first.getframerate()
    raise AudioError("there is nothing to say in this episode")


def _fingerprint(spoken: list[SpokenSegment], frame_rate: int, title: str, tags: Tags, sound: Sound) -> str:
    """Everything the MP3 file is made from: each piece's audio and where it goes, the settings,
    tags, cover and music. Same fingerprint, same file, so no need to join or encode again."""
    digest = hashlib.sha256()
    layout = [[segment.title, [len(paragraph) for paragraph in segment.paragraphs]] for segment in spoken]
    settings = [frame_rate, dataclasses.astuple(sound), _RECIPE, title, tags.show, tags.author, tags.year,
                tags.cover and tags.cover.suffix]
    digest.update(json.dumps([settings, layout], default=str).encode("utf-8"))
    for piece in (piece for segment in spoken for paragraph in segment.paragraphs for piece in paragraph):
        digest.update(bytes.fromhex(piece.digest))  # its bytes' SHA-256, checked against its seal by `speak`
    for source in (tags.cover, sound.intro, sound.outro):
        digest.update(hashlib.sha256(source.read_bytes() if source else b"").digest())
    return digest.hexdigest()


def _episode_gain(loudness: float, kept: float | None) -> float:
    """The gain in dB for an episode measuring `loudness`: the one it was encoded with before, if
    that still brings it within GAIN_KEPT_LU of TARGET_LUFS (so unchanged chunks are reused),
    else the one that brings it to TARGET_LUFS, to the hundredth of a dB that ffmpeg is given.

    >>> _episode_gain(-19.5, None), _episode_gain(-19.3, 3.5), _episode_gain(-18.9, 3.5)
    (3.5, 3.5, 2.9)
    """
    if kept is not None and abs(loudness + kept - TARGET_LUFS) <= GAIN_KEPT_LU:
        return kept
    return round(gain(TARGET_LUFS, loudness), 2)


def _limited_gain(joined: Path, frame_rate: int, loudness: float, kept: float | None, setting: str) -> float:
    """The episode's gain (see `_episode_gain`), raised by what the limiter takes away.

    A voice whose peaks stand high above its loudness (piper's reach 0 dBFS at -17 LUFS) is
    limited hard once raised, and limiting lowers its loudness: piper's episode measured -16.7
    LUFS. So the joined speech is measured again through the encode's gain and limiter, and the
    gain raised by the difference; for other voices it is a few hundredths of a dB.
    """
    raised = _episode_gain(loudness, None)
    chain = ",".join([f"volume={raised + MP3_LEVEL_LOSS_DB:.2f}dB", *limiter(10 ** (LIMIT_DBFS / 20), frame_rate)])
    limited, _seconds = measure(setting, raw_input(str(joined), frame_rate), chain, "measure the loudness of the episode")
    raised = round(raised + TARGET_LUFS + MP3_LEVEL_LOSS_DB - limited, 2) if limited > SILENT_LUFS else raised
    return kept if kept is not None and abs(raised - kept) <= GAIN_KEPT_LU else raised
