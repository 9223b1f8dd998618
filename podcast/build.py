"""The pipeline, stage after stage: source -> Script -> speech -> Episode -> feed.

Each stage is a plain function in its own module; this one only wires them together, so the
CLI makes one call per command and Python callers get exactly the same results.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, TypeVar, Union
from urllib.parse import urlsplit

from podcast.article import load_source
from podcast.cover import check_cover, cover_source, embedded_cover
from podcast.errors import ScriptError
from podcast.extract import is_url
from podcast.files import locked, staged
from podcast.mix import Sound, SpokenSegment, Tags, mix
from podcast.narration import Script, narrate, narrate_digest, read_script, write_script
from podcast.publish import Entry, publish
from podcast.publish import load_catalog, remove, write_feed
from podcast.show import Show, load_lexicon
from podcast.speech import Request, Voice, speak
from podcast.transcript import write_sidecars

Progress = Callable[[int, int], None]  # (pieces just finished, pieces in all)
Source = Union[str, Path]  # an article file, an http(s):// URL or a script folder
LOCK_FILE = ".podcast.lock"  # in the show folder: held while a build, `feed` or `remove` runs
_Result = TypeVar("_Result")


@contextmanager
def publishing(show: Show, waiting: Callable[[], None] = lambda: None) -> Iterator[Show]:
    """The show, locked against other builds, with episodes/ replaced by a staging copy.

    Everything written through the yielded show's episodes_dir (the MP3, sidecars, catalog,
    feed, cover, page) is published together when the block ends, in one atomic swap; if the
    block fails or the process is killed, the published episodes/ stays exactly as it was.
    `waiting` is called once if another build of the show holds the lock.
    """
    with locked(show.root / LOCK_FILE, show.lock_timeout, waiting):
        with staged(show.episodes_dir) as stage:
            yield replace(show, output=stage)


def publishes(function: Callable[..., _Result]) -> Callable[..., _Result]:
    """Make `function(show, ...)` all or nothing: it runs inside `publishing`, on the staged show.

    The wrapped function also takes `waiting=`, passed on to `publishing`. Its body writes to
    `show.episodes_dir` as if it were the published folder and needs no change.
    """

    @functools.wraps(function)
    def published(show: Show, *args: object, waiting: Callable[[], None] = lambda: None, **kwargs: object) -> _Result:
        with publishing(show, waiting) as stage:
            return function(stage, *args, **kwargs)

    return published


def script(
    show: Show, source: Source | list[Source], title: str | None = None, overwrite: bool = False
) -> tuple[Script, Path]:
    """Narrate an article, or several as one digest (or re-read a script folder), and write the
    script; returns it and its folder. A source is a file, an http(s):// URL or a script folder.

    `overwrite` lets a new narration replace a script folder that has hand edits.
    """
    sources = list(source) if isinstance(source, (list, tuple)) else [source]
    folders = [s for s in sources if not is_url(str(s)) and Path(s).is_dir()]
    if folders:
        if len(sources) > 1:
            raise ScriptError(f"{folders[0]}: a script folder is rebuilt on its own, not with other sources")
        narration = read_script(Path(folders[0]))
        return (replace(narration, title=title) if title else narration), Path(folders[0])
    articles = [load_source(s) for s in sources]
    articles = [a if a.title else replace(a, title=_title_from_name(s)) for a, s in zip(articles, sources)]
    lexicon = load_lexicon(show.root)
    if len(articles) == 1:
        narration = narrate(articles[0], show.title, title or articles[0].title, lexicon)
    else:
        narration = narrate_digest(articles, show.title, title, lexicon)
    folder = show.scripts_dir / narration.slug
    write_script(narration, folder, overwrite)
    return narration, folder


@publishes
def build(
    show: Show,
    source: Source | list[Source],
    title: str | None = None,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> Entry:
    """Build and publish one episode from articles (files or URLs; several make a digest) or a script folder."""
    narration, _folder = script(show, source, title, overwrite)
    if show.cover_path is not None:
        check_cover(show.cover_path)  # a bad cover fails before any speech is made
    with ThreadPoolExecutor(1) as artist:
        # Drawing and scaling the cover takes the main process a few tenths of a second on a
        # new show: do it while the speech workers speak.
        art = artist.submit(lambda: embedded_cover(cover_source(show)))
        pieces = _spoken(show, narration, progress)
        tags = Tags(show.title, show.author, str(dt.date.today().year), art.result())
    sound = Sound(show.bitrate, show.channels, show.sample_rate, show.music, show.intro_music_path, show.outro_music_path)
    episode = mix(narration, pieces, tags, show.episodes_dir / f"{narration.slug}.mp3", sound)
    write_sidecars(episode, narration.written)
    return publish(show, episode)


def _spoken(show: Show, narration: Script, progress: Progress | None) -> list[SpokenSegment]:
    """Every sentence of the script synthesised (or taken from the cache), grouped as the script is."""
    shape = [segment.sentences() for segment in narration.segments]
    voice = Voice(show.engine, show.voice, show.rate, show.language)
    # The announcements (welcome, "Takeaway three: ...", goodbye) in the announcer's voice, if any.
    announcer = _announcer(voice, show.announcer_voice) if show.announcer_voice else voice
    requests = [
        Request(sentence, segment.title, announcer if index in segment.announcements else voice)
        for segment, paragraphs in zip(narration.segments, shape)
        for index, paragraph in enumerate(paragraphs)
        for sentence in paragraph
    ]
    report = (lambda done: progress(done, len(requests))) if progress else (lambda done: None)
    pieces = iter(speak(requests, voice, report))
    return [
        SpokenSegment(segment.title, tuple(tuple(next(pieces) for _ in paragraph) for paragraph in paragraphs))
        for segment, paragraphs in zip(narration.segments, shape)
    ]


def _announcer(voice: Voice, setting: str) -> Voice:
    """The announcer: a voice id of the show's engine, or "engine:voice id" of another one (so
    piper, which has one voice, can have an espeak-ng announcer).

    >>> _announcer(Voice(engine="piper"), "pyttsx3:gmw/en-gb-x-rp").engine
    'pyttsx3'
    >>> _announcer(Voice(), "gmw/en-gb-x-rp")
    Voice(engine='', name='gmw/en-gb-x-rp', rate=165, language='en-US')
    """
    engine, colon, name = setting.partition(":")
    return replace(voice, engine=engine, name=name) if colon else replace(voice, name=setting)


def _title_from_name(source: Source) -> str:
    """
    >>> _title_from_name(Path("notes/my_weekly-digest.md"))
    'My weekly digest'
    >>> _title_from_name("https://example.org/blog/five-habits.html?ref=feed")
    'Five habits'
    >>> _title_from_name("https://example.org/")
    'Example'
    """
    path = Path(urlsplit(source).path.strip("/") or urlsplit(source).netloc) if is_url(str(source)) else Path(source)
    return path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Untitled"


@publishes
def refresh_feed(show: Show) -> None:
    """Regenerate the feed (and what is published with it) from the catalog, all or nothing."""
    write_feed(show, load_catalog(show))


@publishes
def remove_episode(show: Show, slug: str) -> Entry:
    """Take an episode and its files out of the published show, all or nothing."""
    return remove(show, slug)
