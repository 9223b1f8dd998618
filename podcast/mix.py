"""Spoken segments -> one episode MP3 with pauses, ID3 tags and chapters."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import warnings
import wave
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TXXX, CTOCFlags, ID3NoHeaderError, PictureType

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg is not on PATH; `ffmpeg()` finds one before encoding.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

from podcast.errors import AudioError
from podcast.narration import Script
from podcast.speech import SAMPLE_WIDTH, Piece


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float  # seconds from the start of the episode, from sample counts
    end: float


@dataclass(frozen=True)
class Episode:
    """A finished episode file, as the publish stage needs it."""

    slug: str
    title: str
    path: Path  # the MP3, inside the show's episodes/
    duration: float  # seconds
    chapters: tuple[Chapter, ...]
    description: str  # show notes: plain text


@dataclass(frozen=True)
class SpokenSegment:
    """A segment's audio: paragraphs of synthesised sentences, in reading order."""

    title: str
    paragraphs: tuple[tuple[Piece, ...], ...]


@dataclass(frozen=True)
class Tags:
    """What the MP3 says of its show in its ID3 tags."""

    show: str
    author: str
    year: str
    cover: Path | None = None


@dataclass(frozen=True)
class Sound:
    """How the episode file is made beyond the voice: the MP3's format."""

    bitrate: int = 64  # kb/s
    channels: int = 1  # 2: joint stereo
    sample_rate: int = 44100  # what the MP3 carries; the engine's rate is resampled by ffmpeg


# Pauses between pieces, in seconds: each boundary of the structure gets a longer one.
SENTENCE_PAUSE = 0.35
PARAGRAPH_PAUSE = 0.7
SEGMENT_PAUSE = 1.2
EDGE_PAUSE = 0.4  # before the first word and after the last
FADE_MS = 5  # around every cut, so no join clicks
SILENCE_DBFS = -50.0  # quieter than this at a piece's ends is the engine's padding
# The defaults, as the benchmark's floor encodes with them.
BITRATE = f"{Sound.bitrate}k"
SAMPLE_RATE = Sound.sample_rate
# Loudness for spoken podcasts: integrated, mono measured as dual-mono as ffmpeg's ebur128 does.
TARGET_LUFS = -16.0
# A sample-peak limit before the encode; MP3 encoding adds up to about half a dB of true peak
# on top of it (measured on espeak-ng voices), so the file stays at or below -1 dBTP.
LIMIT_DBFS = -2.0
# ffmpeg's LAME encoder at a constant bitrate plays 0.5 dB quieter than its input (measured here
# at 64-128 kb/s on a sine, pink noise and espeak-ng speech alike): the gain makes up for it.
MP3_LEVEL_LOSS_DB = 0.5

def mix(script: Script, spoken: list[SpokenSegment], tags: Tags, path: Path, sound: Sound = Sound()) -> Episode:
    """Join every piece once into one stream, bring it to the podcast loudness, encode it to `path` as MP3 and tag it.

    The joined audio goes piece by piece to a raw file beside `path`, so an hour-long episode is
    never whole in memory; ffmpeg reads that file to measure its loudness, then again to encode
    it with the one gain that brings the whole episode to TARGET_LUFS. Chapter times and the
    duration are computed from sample counts, not from pydub's millisecond-rounded lengths, so
    they stay exact however many pieces there are. An MP3 already encoded from the same audio,
    settings, tags and chapters (its fingerprint is in a TXXX frame) is kept as it is:
    encoding is most of a build's time.
    """
    frame_rate = _frame_rate(spoken)
    silence = lambda seconds: bytes(SAMPLE_WIDTH * round(seconds * frame_rate))  # noqa: E731
    path.parent.mkdir(parents=True, exist_ok=True)
    joined = path.with_name(f".{path.name}.{os.getpid()}.pcm")
    digest = hashlib.sha256()
    frames = 0  # so far: where the next part starts
    try:
        with joined.open("wb") as out:

            def add(data: bytes) -> None:
                nonlocal frames
                out.write(data)
                digest.update(data)
                frames += len(data) // SAMPLE_WIDTH

            add(silence(EDGE_PAUSE))
            starts: list[int] = []
            for segment_index, segment in enumerate(spoken):
                if segment_index:
                    add(silence(SEGMENT_PAUSE))
                starts.append(frames if segment_index else 0)
                for paragraph_index, paragraph in enumerate(segment.paragraphs):
                    for sentence_index, piece in enumerate(paragraph):
                        if paragraph_index or sentence_index:
                            add(silence(SENTENCE_PAUSE if sentence_index else PARAGRAPH_PAUSE))
                        add(_trimmed(piece.wav, frame_rate))
            add(silence(EDGE_PAUSE))
        duration = frames / frame_rate
        ends = starts[1:] + [frames]
        chapters = tuple(
            Chapter(segment.title, start / frame_rate, end / frame_rate)
            for segment, start, end in zip(spoken, starts, ends)
        )
        fingerprint = _fingerprint(digest, frame_rate, script.title, tags, chapters, sound)
        if not _encoded_from(path, fingerprint):
            _encode(_raw_input(joined, frame_rate), sound, script.title, tags, chapters, fingerprint, path)
    finally:
        joined.unlink(missing_ok=True)
    return Episode(script.slug, script.title, path, duration, chapters, script.description)


def _frame_rate(spoken: list[SpokenSegment]) -> int:
    """The engine's sample rate, read from the first piece's header."""
    for segment in spoken:
        for paragraph in segment.paragraphs:
            for piece in paragraph:
                with wave.open(str(piece.wav), "rb") as first:
                    return first.getframerate()
    raise AudioError("there is nothing to say in this episode")


def _trimmed(wav: Path, frame_rate: int) -> bytes:
    """A piece without the engine's leading and trailing padding, faded in and out over a few ms."""
    sound = AudioSegment.from_wav(wav)
    if sound.frame_rate != frame_rate or sound.channels != 1 or sound.sample_width != SAMPLE_WIDTH:
        raise AudioError(f"{wav}: not {frame_rate} Hz 16-bit mono like the other speech pieces")
    lead = detect_leading_silence(sound, SILENCE_DBFS)
    trail = detect_leading_silence(sound.reverse(), SILENCE_DBFS)
    if lead + trail < len(sound):
        sound = sound[max(lead - FADE_MS, 0) : len(sound) - max(trail - FADE_MS, 0)]
    return sound.fade_in(FADE_MS).fade_out(FADE_MS).raw_data


def _fingerprint(
    digest: "hashlib._Hash", frame_rate: int, title: str, tags: Tags, chapters: tuple[Chapter, ...], sound: Sound
) -> str:
    """Everything the MP3 file is made from (`digest` has hashed its audio): same fingerprint,
    same file, so no need to encode again."""
    cover = tags.cover.read_bytes() if tags.cover else b""
    settings = [frame_rate, dataclasses.astuple(sound), TARGET_LUFS, LIMIT_DBFS, MP3_LEVEL_LOSS_DB, title, tags.show, tags.author,
                tags.year, tags.cover and tags.cover.suffix]
    digest.update(json.dumps([settings, [dataclasses.astuple(c) for c in chapters]]).encode("utf-8"))
    digest.update(hashlib.sha256(cover).digest())
    return digest.hexdigest()


def _encoded_from(path: Path, fingerprint: str) -> bool:
    """Whether the MP3 at `path` was already encoded from exactly these inputs."""
    try:
        return [str(t) for t in ID3(path).getall(f"TXXX:{_FINGERPRINT}")] == [fingerprint]
    except (OSError, ID3NoHeaderError, MutagenError):
        return False


_FINGERPRINT = "podcast-digest source"


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


def _raw_input(pcm: Path, frame_rate: int) -> list[str]:
    """ffmpeg's input options for the joined speech: raw 16-bit mono at the engine's rate."""
    return ["-f", "s16le", "-ar", str(frame_rate), "-ac", "1", "-i", str(pcm)]


def _encode(
    voice: list[str], sound: Sound, title: str, tags: Tags, chapters: tuple[Chapter, ...], fingerprint: str, path: Path
) -> None:
    """Measure, then encode with the gain that meets TARGET_LUFS and tag, into a temporary file
    beside `path`; then rename it into place.

    The gain is one number for the whole episode (measured as ebur128 measures the finished
    file), so quiet and loud sentences keep their balance; the limiter only touches the rare
    peaks that the gain would push too high.
    """
    loudness = _loudness(voice)
    # Nothing above ebur128's gate (no speech at all): no level to correct.
    gain = TARGET_LUFS - loudness + MP3_LEVEL_LOSS_DB if loudness > _SILENT_LUFS else 0.0
    chain = [f"volume={gain:.2f}dB", f"aresample={sound.sample_rate}"]
    if sound.channels == 2:
        chain.append("pan=stereo|c0=c0|c1=c0")  # both sides at full level, as dual-mono was measured
    chain.append(f"alimiter=limit={10 ** (LIMIT_DBFS / 20):.4f}:level=false:latency=true")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _run_ffmpeg(
            [*voice, "-af", ",".join(chain), "-c:a", "libmp3lame", "-b:a", f"{sound.bitrate}k",
             "-ar", str(sound.sample_rate), "-ac", str(sound.channels), "-joint_stereo", "1", "-f", "mp3",
             "-y", str(temporary)],
            "encode the episode",
        )
        _tag(temporary, title, tags, chapters, fingerprint)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


_SILENT_LUFS = -70.0  # what ebur128 reports when nothing is above its absolute gate


def _loudness(source: list[str]) -> float:
    """Integrated loudness in LUFS of ffmpeg's input `source`, mono measured as dual-mono."""
    report = _run_ffmpeg([*source, "-af", "ebur128=dualmono=true:framelog=quiet", "-f", "null", "-"],
                         "measure the loudness")
    found = re.findall(r"^\s+I:\s+(-?[\d.]+) LUFS", report, re.MULTILINE)
    if not found:
        raise AudioError("ffmpeg did not report the loudness of the episode")
    return float(found[-1])


def _run_ffmpeg(arguments: list[str], doing: str) -> str:
    """Run ffmpeg; return what it reported on stderr, or raise AudioError with its last line."""
    result = subprocess.run([ffmpeg(), "-nostdin", "-hide_banner", "-nostats", *arguments],
                            capture_output=True, text=True)
    if result.returncode:
        lines = result.stderr.strip().splitlines()
        raise AudioError(f"ffmpeg could not {doing}: {lines[-1] if lines else 'unknown error'}")
    return result.stderr


def _tag(path: Path, title: str, tags: Tags, chapters: tuple[Chapter, ...], fingerprint: str) -> None:
    """ID3v2.3 tags with CHAP/CTOC chapters: the version the most podcast apps read."""
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=title))
    id3.add(TPE1(encoding=3, text=tags.author))
    id3.add(TALB(encoding=3, text=tags.show))
    id3.add(TDRC(encoding=3, text=tags.year))
    id3.add(TCON(encoding=3, text="Podcast"))
    id3.add(TXXX(encoding=3, desc=_FINGERPRINT, text=fingerprint))
    if tags.cover:
        mime = "image/png" if tags.cover.suffix.lower() == ".png" else "image/jpeg"
        id3.add(APIC(encoding=3, mime=mime, type=PictureType.COVER_FRONT, desc="Cover", data=tags.cover.read_bytes()))
    ids = [f"chp{index}" for index in range(len(chapters))]
    id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                 sub_frames=[TIT2(encoding=3, text="Chapters")]))
    for element_id, chapter in zip(ids, chapters):
        id3.add(CHAP(element_id=element_id, start_time=round(chapter.start * 1000), end_time=round(chapter.end * 1000),
                     sub_frames=[TIT2(encoding=3, text=chapter.title)]))
    id3.save(str(path), v2_version=3)
