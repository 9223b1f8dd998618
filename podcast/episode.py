"""The plain values the mix makes and the publish stage reads: chapters, cues, episodes, and what
the mix is given (spoken segments, tags, sound settings).

Kept apart from the mix itself so that the feed, the page and the transcripts can name an
Episode without importing pydub, mutagen or ffmpeg's plumbing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from podcast.speech import Piece


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


@dataclass(frozen=True)
class Sound:
    """How the episode file is made beyond the voice: the MP3's format and the music."""

    bitrate: int = 64  # kb/s
    channels: int = 1  # 2: joint stereo
    sample_rate: int = 44100  # what the MP3 carries; the engine's rate is resampled by ffmpeg
    music: bool = True  # an intro and an outro: the files below, else a chime made here
    intro: Path | None = None  # any audio file ffmpeg reads
    outro: Path | None = None
    ffmpeg: str = ""  # which ffmpeg makes it: "" the imageio-ffmpeg wheel's, "system" or a path
