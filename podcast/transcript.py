"""An episode's sidecar files: Podcasting 2.0 JSON chapters and WebVTT/SRT transcripts.

Podcast apps that do not read the MP3's ID3 chapters read `<slug>.chapters.json`, and apps
that show a transcript read `<slug>.vtt` or `<slug>.srt`; the feed points at all three. They
are made from the Episode that `mix()` returns, whose chapter and cue times were counted in
samples, so every file tells the same times as the audio and its ID3 chapters.

A cue is timed by the sentence as spoken ("twenty twenty-four") but shows it as the article
wrote it ("2024"), where the script knows that written form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Callable

from podcast.errors import PublishError
from podcast.files import write_if_changed
from podcast.episode import Cue, Episode

CHAPTERS_VERSION = "1.2.0"


def sidecar_names(slug: str) -> tuple[str, str, str]:
    """The file names of an episode's chapters, WebVTT and SRT files, beside `<slug>.mp3`.

    >>> sidecar_names("my-episode")
    ('my-episode.chapters.json', 'my-episode.vtt', 'my-episode.srt')
    """
    return f"{slug}.chapters.json", f"{slug}.vtt", f"{slug}.srt"


def write_sidecars(episode: Episode, written: Mapping[str, str] | None = None) -> list[Path]:
    """Write the chapters JSON, the WebVTT and the SRT beside the episode's MP3; returns their paths.

    `written` maps spoken sentences to their written forms (the script's `written`): the cues
    show those. Each file is replaced atomically, so an app fetching one meanwhile gets the old
    or the new file whole.
    """
    episode = as_written(episode, written or {})
    paths = [episode.path.with_name(name) for name in sidecar_names(episode.slug)]
    for path, text in zip(paths, (chapters_json(episode), vtt(episode), srt(episode))):
        try:
            write_if_changed(path, text)
        except OSError as error:
            raise PublishError(f"{path}: cannot write it ({error.strerror or error})") from None
    return paths


def as_written(episode: Episode, written: Mapping[str, str]) -> Episode:
    """The episode with each cue's text in its written form, where `written` has one.

    >>> cue = Cue("It cost one dollar.", 0, 1)
    >>> as_written(Episode("s", "t", Path("s.mp3"), 1.0, (), "", (cue,)), {cue.text: "It cost $1."}).cues[0].text
    'It cost $1.'
    """
    cues = tuple(replace(cue, text=written.get(cue.text, cue.text)) for cue in episode.cues)
    return replace(episode, cues=cues)


def chapters_json(episode: Episode) -> str:
    """JSON chapters 1.2.0, with times rounded to the millisecond exactly like the ID3 CHAP frames."""
    document = {
        "version": CHAPTERS_VERSION,
        "title": episode.title,
        "fileName": episode.path.name,
        "chapters": [
            {"startTime": _ms(chapter.start) / 1000, "endTime": _ms(chapter.end) / 1000, "title": chapter.title}
            for chapter in episode.chapters
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def vtt(episode: Episode) -> str:
    """A WebVTT transcript: one numbered cue per spoken sentence."""
    return "WEBVTT\n\n" + _cues(episode, vtt_time, _vtt_text)


def srt(episode: Episode) -> str:
    """A SubRip transcript: the same cues as the WebVTT one, in SubRip's notation."""
    return _cues(episode, srt_time, _line)


def _cues(episode: Episode, clock: Callable[[float], str], text: Callable[[Cue], str]) -> str:
    """Numbered cues separated by blank lines: the block both formats share."""
    return "\n".join(
        f"{number}\n{clock(cue.start)} --> {clock(cue.end)}\n{text(cue)}\n"
        for number, cue in enumerate(episode.cues, start=1)
    )


def vtt_time(seconds: float) -> str:
    """WebVTT's timestamp, always with hours so that any length reads the same way.

    >>> vtt_time(3661.5)
    '01:01:01.500'
    >>> vtt_time(0.0004)
    '00:00:00.000'
    """
    return _clock(seconds, ".")


def srt_time(seconds: float) -> str:
    """SubRip's timestamp: a comma before the milliseconds.

    >>> srt_time(59.9996)
    '00:01:00,000'
    """
    return _clock(seconds, ",")


def _clock(seconds: float, separator: str) -> str:
    """
    >>> _clock(360000.25, ".")
    '100:00:00.250'
    """
    minutes, milliseconds = divmod(_ms(seconds), 60_000)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{milliseconds // 1000:02d}{separator}{milliseconds % 1000:03d}"


def _ms(seconds: float) -> int:
    """Whole milliseconds, rounded as the ID3 CHAP frames round them, so all the files agree."""
    return round(seconds * 1000)


def _line(cue: Cue) -> str:
    """The cue's text on one line: a line break, let alone a blank line, would end a cue early.

    >>> _line(Cue("Two\\n\\nparagraphs.", 0, 1))
    'Two paragraphs.'
    """
    return " ".join(cue.text.split())


def _vtt_text(cue: Cue) -> str:
    """The cue's text with the characters WebVTT reserves (&, <, >) escaped; that also breaks up `-->`.

    >>> _vtt_text(Cue("Q&A: a <b> --> c", 0, 1))
    'Q&amp;A: a &lt;b&gt; --&gt; c'
    """
    return _line(cue).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
