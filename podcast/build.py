"""The pipeline, stage after stage: source -> Script -> speech -> Episode -> feed.

Each stage is a plain function in its own module; this one only wires them together, so the
CLI makes one call per command and Python callers get exactly the same results.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Callable

from podcast.article import load_article
from podcast.cover import cover_source
from podcast.mix import SpokenSegment, Tags, mix
from podcast.narration import Script, narrate, read_script, write_script
from podcast.publish import Entry, publish
from podcast.show import Show, load_lexicon
from podcast.speech import Request, Voice, speak
from podcast.transcript import write_sidecars

Progress = Callable[[int, int], None]  # (pieces just finished, pieces in all)


def script(show: Show, source: Path, title: str | None = None, overwrite: bool = False) -> tuple[Script, Path]:
    """Narrate an article (or re-read a script folder) and write the script; returns it and its folder.

    `overwrite` lets a new narration replace a script folder that has hand edits.
    """
    if source.is_dir():
        narration = read_script(source)
        return (replace(narration, title=title) if title else narration), source
    article = load_article(source)
    title = title or article.title or _title_from_name(source)
    narration = narrate(article, show.title, title, load_lexicon(show.root))
    folder = show.scripts_dir / narration.slug
    write_script(narration, folder, overwrite)
    return narration, folder


def build(
    show: Show,
    source: Path,
    title: str | None = None,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> Entry:
    """Build and publish one episode from an article file or a script folder."""
    narration, _folder = script(show, source, title, overwrite)
    cover = cover_source(show)  # a bad cover fails before any speech is made
    shape = [segment.sentences() for segment in narration.segments]
    requests = [
        Request(sentence, segment.title)
        for segment, paragraphs in zip(narration.segments, shape)
        for paragraph in paragraphs
        for sentence in paragraph
    ]
    report = (lambda done: progress(done, len(requests))) if progress else (lambda done: None)
    pieces = iter(speak(requests, Voice(show.engine, show.voice, show.rate, show.language), report))
    spoken = [
        SpokenSegment(segment.title, tuple(tuple(next(pieces) for _ in paragraph) for paragraph in paragraphs))
        for segment, paragraphs in zip(narration.segments, shape)
    ]
    tags = Tags(show.title, show.author, str(dt.date.today().year), cover)
    episode = mix(narration, spoken, tags, show.episodes_dir / f"{narration.slug}.mp3")
    write_sidecars(episode)
    return publish(show, episode)


def _title_from_name(path: Path) -> str:
    """
    >>> _title_from_name(Path("notes/my_weekly-digest.md"))
    'My weekly digest'
    """
    return path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Untitled"
