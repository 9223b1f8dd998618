"""Spoken segments -> one episode MP3 with pauses, ID3 tags and chapters."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
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
    from pydub.exceptions import CouldntEncodeError
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
class Cue:
    """One synthesised sentence's place in the episode: what the transcripts show, and when."""

    text: str
    start: float  # seconds from the start of the episode: the trimmed piece's first frame
    end: float  # and the end of its last frame


@dataclass(frozen=True)
class Episode:
    """A finished episode file, as the publish stage needs it."""

    slug: str
    title: str
    path: Path  # the MP3, inside the show's episodes/
    duration: float  # seconds
    chapters: tuple[Chapter, ...]
    description: str  # show notes: plain text
    cues: tuple[Cue, ...] = ()  # one per sentence, in order; none for an episode made without speech


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


# Pauses between pieces, in seconds: each boundary of the structure gets a longer one.
SENTENCE_PAUSE = 0.35
PARAGRAPH_PAUSE = 0.7
SEGMENT_PAUSE = 1.2
EDGE_PAUSE = 0.4  # before the first word and after the last
FADE_MS = 5  # around every cut, so no join clicks
SILENCE_DBFS = -50.0  # quieter than this at a piece's ends is the engine's padding
BITRATE = "64k"
SAMPLE_RATE = 44100  # what the MP3 carries; the engine's rate is resampled by ffmpeg


def mix(script: Script, spoken: list[SpokenSegment], tags: Tags, path: Path) -> Episode:
    """Join every piece once into one stream, encode it to `path` as MP3 and tag it.

    Chapter times and the duration are computed from sample counts, not from pydub's
    millisecond-rounded lengths, so they stay exact however many pieces there are. An MP3
    already encoded from the same audio, tags and chapters (its fingerprint is in a TXXX
    frame) is kept as it is: encoding is most of a build's time.
    """
    frame_rate = _frame_rate(spoken)
    silence = lambda seconds: AudioSegment.silent(int(seconds * 1000), frame_rate=frame_rate).raw_data  # noqa: E731
    parts: list[bytes] = []
    frames = 0  # so far: where the next part starts

    def add(data: bytes) -> None:
        nonlocal frames
        parts.append(data)
        frames += len(data) // SAMPLE_WIDTH

    add(silence(EDGE_PAUSE))
    starts: list[int] = []
    cues: list[Cue] = []
    for segment_index, segment in enumerate(spoken):
        if segment_index:
            add(silence(SEGMENT_PAUSE))
        starts.append(frames if segment_index else 0)
        for paragraph_index, paragraph in enumerate(segment.paragraphs):
            for sentence_index, piece in enumerate(paragraph):
                if paragraph_index or sentence_index:
                    add(silence(SENTENCE_PAUSE if sentence_index else PARAGRAPH_PAUSE))
                first = frames
                add(_trimmed(piece.wav, frame_rate))
                cues.append(Cue(piece.text, first / frame_rate, frames / frame_rate))
    add(silence(EDGE_PAUSE))
    pcm = b"".join(parts)
    duration = frames / frame_rate
    ends = starts[1:] + [frames]
    chapters = tuple(
        Chapter(segment.title, start / frame_rate, end / frame_rate)
        for segment, start, end in zip(spoken, starts, ends)
    )
    fingerprint = _fingerprint(pcm, frame_rate, script.title, tags, chapters)
    if not _encoded_from(path, fingerprint):
        audio = AudioSegment(data=pcm, sample_width=SAMPLE_WIDTH, frame_rate=frame_rate, channels=1)
        _encode(audio, script.title, tags, chapters, fingerprint, path)
    return Episode(script.slug, script.title, path, duration, chapters, script.description, tuple(cues))


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


def _fingerprint(pcm: bytes, frame_rate: int, title: str, tags: Tags, chapters: tuple[Chapter, ...]) -> str:
    """Everything the MP3 file is made from: same fingerprint, same file, so no need to encode again."""
    digest = hashlib.sha256(pcm)
    cover = tags.cover.read_bytes() if tags.cover else b""
    settings = [frame_rate, BITRATE, SAMPLE_RATE, title, tags.show, tags.author, tags.year, tags.cover and tags.cover.suffix]
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


def _encode(
    audio: AudioSegment, title: str, tags: Tags, chapters: tuple[Chapter, ...], fingerprint: str, path: Path
) -> None:
    """Encode and tag into a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    AudioSegment.converter = ffmpeg()
    try:
        try:
            audio.export(
                str(temporary),
                format="mp3",
                bitrate=BITRATE,
                parameters=["-ar", str(SAMPLE_RATE), "-ac", "1"],
            ).close()
        except CouldntEncodeError as error:
            last_line = str(error).strip().splitlines()[-1] if str(error).strip() else "unknown error"
            raise AudioError(f"ffmpeg could not encode the episode: {last_line}") from None
        _tag(temporary, title, tags, chapters, fingerprint)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


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
