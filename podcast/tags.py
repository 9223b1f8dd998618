"""The episode file's ID3 tags: the show's tags, chapters, cover, and the provenance record
(what the MP3 was made from) that lets a rebuild keep an MP3 that would come out the same."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import ID3, ID3NoHeaderError

from podcast.episode import Chapter, Tags
from podcast.ffmpeg import run


@dataclass(frozen=True)
class Provenance:
    """What an MP3 records of how it was made: its fingerprint, the gain its chunks were
    encoded with and how many samples each chunk decodes to."""

    fingerprint: str = ""
    gain: float | None = None
    chunks: tuple[int, ...] = ()


_FINGERPRINT = "podcast-digest source"
_GAIN = "podcast-digest gain"
_CHUNKS = "podcast-digest chunks"


def read_provenance(path: Path) -> Provenance:
    """What the MP3 at `path` was made from; nothing when there is none or it is not ours."""
    try:
        id3 = ID3(path)
    except (OSError, ID3NoHeaderError, MutagenError):
        return Provenance()
    found = {name: [str(t) for t in id3.getall(f"TXXX:{name}")] for name in (_FINGERPRINT, _GAIN, _CHUNKS)}
    if any(len(texts) != 1 for texts in found.values()):
        return Provenance()
    try:
        return Provenance(found[_FINGERPRINT][0], float(found[_GAIN][0]), tuple(int(n) for n in found[_CHUNKS][0].split()))
    except ValueError:
        return Provenance()


def join(parts: tuple[Path, ...], title: str, tags: Tags, chapters: tuple[Chapter, ...], provenance: Provenance,
         path: Path, setting: str) -> None:
    """Concatenate the chunks' frames into a temporary file beside `path`, have ffmpeg copy them
    with the tags, chapters, cover and provenance written in front, and rename the result into
    place, so a failure never leaves half an episode published. `setting` names the ffmpeg."""
    frames = path.with_name(f".{path.name}.{os.getpid()}.frames")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    inputs = ["-f", "mp3", "-i", str(frames), "-f", "ffmetadata", "-i", "pipe:0"]
    cover = []
    if tags.cover:  # the input after the tags, an attached picture: ffmpeg writes it as the APIC front cover
        inputs += ["-i", str(tags.cover)]
        cover = ["-map", "2:v", "-c:v", "copy", "-disposition:v", "attached_pic",
                 "-metadata:s:v", "title=Cover", "-metadata:s:v", "comment=Cover (front)"]
    record = ((_FINGERPRINT, provenance.fingerprint), (_GAIN, f"{provenance.gain:.2f}"),
              (_CHUNKS, " ".join(map(str, provenance.chunks))))
    try:
        with frames.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out)
        run(
            setting,
            [*inputs, "-map", "0:a", "-c:a", "copy", *cover, "-map_metadata", "1", "-map_chapters", "1",
             # ID3v2.3, the version the most podcast apps read; bitexact: no TSSE naming ffmpeg's version
             "-write_xing", "0", "-id3v2_version", "3", "-fflags", "+bitexact", "-f", "mp3", "-y", str(temporary)],
            "tag the episode",
            ffmetadata(title, tags, chapters, record).encode("utf-8"),
        )
        os.replace(temporary, path)
    finally:
        frames.unlink(missing_ok=True)
        temporary.unlink(missing_ok=True)


def ffmetadata(title: str, tags: Tags, chapters: tuple[Chapter, ...], record: tuple[tuple[str, str], ...]) -> str:
    """The episode's ID3 tags and chapters as an ffmetadata file, for the encode to write.

    ffmpeg's MP3 muxer writes the CHAP frames in chapter order, then a CTOC (top-level,
    ordered) listing them, so a reader that lists chapters in file order, as ffprobe does,
    gets them in time order too; mutagen sorts frames by size. A key that is no ID3 frame
    becomes a TXXX frame of that description: the provenance `record`, which read_provenance reads back.
    """
    lines = [";FFMETADATA1", *(f"{_escaped(key)}={_escaped(value)}" for key, value in (
        ("title", title), ("artist", tags.author), ("album", tags.show), ("date", tags.year),
        ("genre", "Podcast"), *record))]
    for chapter in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(chapter.start * 1000)}",
                  f"END={round(chapter.end * 1000)}", f"title={_escaped(chapter.title)}"]
    return "\n".join(lines) + "\n"


def _escaped(text: str) -> str:
    """`text` as an ffmetadata key or value: its special characters behind a backslash.

    >>> print(_escaped("Q&A; 1=1 #2"))
    Q&A\\; 1\\=1 \\#2
    """
    return re.sub(r"([=;#\\\n])", r"\\\1", text)
