"""The pipeline, stage after stage: source -> Script -> speech -> Episode -> feed.

Each stage is a plain function in its own module; this one only wires them together, so the
CLI makes one call per command and Python callers get exactly the same results.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar, Union

from podcast.cache import NARRATION, cache_dir, code_fingerprint, remember, sealed
from podcast.cover import check_cover, cover_source, embedded_cover
from podcast.errors import ScriptError
from podcast.reading import is_url
from podcast.files import locked, room_reported, staged
from podcast.episode import Sound, SpokenSegment, Tags
from podcast.script import Script, as_json, from_json, ignored_files, read_script, recorded_sources, slugify, write_script
from podcast.catalog import Entry, load_catalog
from podcast.show import Show, load_lexicon
from podcast.engines import Voice
from podcast.speech import Request, speak
from podcast.transcript import write_sidecars

if TYPE_CHECKING:
    from podcast.article import Article

Progress = Callable[[int, int], None]  # (pieces just finished, pieces in all)
Source = Union[str, Path]  # an article file, an http(s):// URL or a script folder
LOCK_FILE = ".podcast.lock"  # in the show folder: held while a build, `feed` or `remove` runs
_Result = TypeVar("_Result")


@contextmanager
def staged_show(show: Show, waiting: Callable[[], None] = lambda: None) -> Iterator[Show]:
    """The show, locked against other builds, with episodes/ replaced by a staging copy.

    Everything written through the yielded show's episodes_dir (the MP3, sidecars, catalog,
    feed, cover, page) is published together when the block ends, in one atomic swap; if the
    block fails or the process is killed, the published episodes/ stays exactly as it was.
    `waiting` is called once if another build of the show holds the lock.
    """
    with room_reported(show.root), locked(show.root / LOCK_FILE, show.lock_timeout, waiting):
        with staged(show.episodes_dir) as stage:
            yield replace(show, output=stage)


def all_or_nothing(function: Callable[..., _Result]) -> Callable[..., _Result]:
    """Make `function(show, ...)` all or nothing: it runs inside `staged_show`, on the staged show.

    The wrapped function also takes `waiting=`, passed on to `staged_show`. Its body writes to
    `show.episodes_dir` as if it were the published folder and needs no change.
    """

    @functools.wraps(function)
    def on_staged_show(show: Show, *args: object, waiting: Callable[[], None] = lambda: None, **kwargs: object) -> _Result:
        with staged_show(show, waiting) as stage:
            return function(stage, *args, **kwargs)

    return on_staged_show


def script(
    show: Show,
    source: Source | list[Source],
    title: str | None = None,
    overwrite: bool = False,
    waiting: Callable[[], None] = lambda: None,
    notify: Callable[[str], None] = lambda line: None,
) -> tuple[Script, Path]:
    """Narrate an article, or several as one digest (or re-read a script folder), and write the
    script; returns it and its folder. A source is a file, an http(s):// URL or a script folder.

    `overwrite` lets a new narration replace a script folder that has hand edits. `notify` gets
    one line for each thing the person should know that does not stop the work (an article
    given a slug of its own, files in a script folder that are not read).
    """
    narration, folder = _narration_of_sources(show, source, title, notify)  # every source read before the lock
    with room_reported(show.root), locked(show.root / LOCK_FILE, show.lock_timeout, waiting):
        return _placed(show, narration, folder, overwrite, notify)


def build(
    show: Show,
    source: Source | list[Source],
    title: str | None = None,
    progress: Progress | None = None,
    overwrite: bool = False,
    waiting: Callable[[], None] = lambda: None,
    notify: Callable[[str], None] = lambda line: None,
) -> Entry:
    """Build and publish one episode from articles (files or URLs; several make a digest) or a script folder.

    The sources are read before the show is locked: a slow download or a stalled input never
    keeps other builds of the show waiting.
    """
    narration, folder = _narration_of_sources(show, source, title, notify)
    if show.cover_path is not None:
        check_cover(show.cover_path)  # a bad cover fails before any speech is synthesised
    with staged_show(show, waiting) as stage:
        narration, _folder = _placed(stage, narration, folder, overwrite, notify)
        return _published(stage, narration, progress)


def build_articles(
    show: Show,
    articles: list[Article],
    sources: tuple[str, ...],
    progress: Progress | None = None,
    waiting: Callable[[], None] = lambda: None,
    notify: Callable[[str], None] = lambda line: None,
    record: Callable[[Show], None] = lambda stage: None,
) -> Entry:
    """Build and publish one episode of articles already read (several make a digest), known
    by `sources` (one identity per article, e.g. its URL).

    `record(stage)` writes into the staged show what must be published with the episode or
    not at all: `podcast update` records there which feed items it has now built.
    """
    narration = replace(_narrated(show, articles, None), sources=sources)
    if show.cover_path is not None:
        check_cover(show.cover_path)
    with staged_show(show, waiting) as stage:
        narration, _folder = _placed(stage, narration, None, False, notify)
        entry = _published(stage, narration, progress)
        record(stage)
        return entry


def _published(show: Show, narration: Script, progress: Progress | None) -> Entry:
    """Speak, mix and publish the episode of `narration` into the (staged) show."""
    # Imported here (and in the two functions below): `podcast script` needs neither mixing nor
    # feeds, and importing them was a third of its start-up.
    from podcast.mix import mix
    from podcast.publish import add_episode, discard_damaged

    with ThreadPoolExecutor(1) as artist:
        # Drawing and scaling the cover takes the main process a few tenths of a second on a
        # new show: do it while the speech workers speak.
        art = artist.submit(lambda: embedded_cover(cover_source(show)))
        pieces = _spoken(show, narration, progress)
        tags = Tags(show.title, show.author, str(dt.date.today().year), art.result())
    sound = Sound(show.bitrate, show.channels, show.sample_rate, show.music, show.intro_music_path, show.outro_music_path,
                  show.ffmpeg_setting)
    discard_damaged(show, narration.slug)  # a damaged or missing published MP3 is mixed again, never kept
    episode = mix(narration, pieces, tags, show.episodes_dir / f"{narration.slug}.mp3", sound)
    write_sidecars(episode, narration.written)
    return add_episode(show, episode, sources=narration.sources)


def _narration_of_sources(
    show: Show, source: Source | list[Source], title: str | None, notify: Callable[[str], None]
) -> tuple[Script, Path | None]:
    """The narration of the sources, with what it was made from, and the script folder it was
    read from (None: narrated now, its folder still to be written)."""
    sources = list(source) if isinstance(source, (list, tuple)) else [source]
    folders = [s for s in sources if not is_url(str(s)) and Path(s).is_dir()]
    if folders:
        if len(sources) > 1:
            raise ScriptError(f"{folders[0]}: a script folder is rebuilt on its own, not with other sources")
        folder = Path(folders[0])
        narration = read_script(folder)
        for name in ignored_files(folder):
            notify(f"{folder / name}: not read; a segment file is named like 01-name.txt")
        # A folder of unknown origin (made by hand) is its own source; its name, made safe, its slug.
        narration = replace(narration, slug=slugify(folder.resolve().name), sources=narration.sources or (_identity(show, folder),))
        return (replace(narration, title=title) if title else narration), folder
    remembered = _remembered_narration(show, sources, title)
    if remembered is not None and (known := sealed(remembered)) is not None:
        return from_json(known), None
    from podcast.article import load_source  # here: an unchanged article's rebuild never needs the readers

    articles = [load_source(s) for s in sources]  # each titled, after its file or URL if need be
    narration = replace(_narrated(show, articles, title), sources=tuple(_identity(show, s) for s in sources))
    if remembered is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs the next rebuild
            remember(remembered, as_json(narration).encode("utf-8"))
    return narration, None


def _remembered_narration(show: Show, sources: list[Source], title: str | None) -> Path | None:
    """Where the narration of these article files is kept, by everything it is made from: each
    file's path and bytes, the show's folder, title and lexicon, the episode title asked for, and
    this code and its dependencies (`code_fingerprint`). None for a URL, which must be fetched
    anyway, or a file that cannot be read as one (narrating it says why).

    Narrating is quick; importing the article readers and the spoken-form rules it needs was a
    third of a rebuild with nothing to do."""
    made_from: list[object] = [code_fingerprint(), str(show.root.resolve()), show.title, title or ""]
    for source in sources:
        path = Path(source)
        if is_url(str(source)) or not path.is_file():
            return None
        try:
            made_from += [str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest()]
        except OSError:
            return None
    made_from.append(load_lexicon(show.root))
    key = hashlib.sha256(json.dumps(made_from, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    return cache_dir(NARRATION) / key[:2] / f"{key}.json"


def _narrated(show: Show, articles: list[Article], title: str | None) -> Script:
    """One article's narration, or several articles' as one digest, with the show's lexicon."""
    from podcast.narration import narrate, narrate_digest  # here: see _remembered_narration

    lexicon = load_lexicon(show.root)
    if len(articles) == 1:
        return narrate(articles[0], show.title, title or articles[0].title, lexicon)
    return narrate_digest(articles, show.title, title, lexicon)


def _identity(show: Show, source: Source) -> str:
    """What names a source for good: a URL as given; a file by its path, relative to the show
    folder when it is inside it (so a show moved or copied elsewhere keeps its episodes' sources).

    >>> _identity(Show(root=Path("/shows/a")), "/shows/a/notes/../week.md"), _identity(Show(root=Path("/shows/a")), "/tmp/x.md")
    ('week.md', '/tmp/x.md')
    """
    if is_url(str(source)):
        return str(source)
    path, root = Path(source).resolve(), show.root.resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _placed(
    show: Show, narration: Script, folder: Path | None, overwrite: bool, notify: Callable[[str], None]
) -> tuple[Script, Path]:
    """The narration under the slug of its sources' episode, its script folder written (whole).

    Called with the show locked, so no other build takes the same slug meanwhile.
    """
    slug, known = _episode_slug(show, narration.slug, narration.sources)
    if not known and slug != narration.slug:
        notify(f"{narration.slug!r} is another article's episode: this one is published as {slug!r}")
    narration = replace(narration, slug=slug)
    if folder is None:
        folder = show.scripts_dir / slug
        write_script(narration, folder, overwrite)
    return narration, folder


def _episode_slug(show: Show, wanted: str, sources: tuple[str, ...]) -> tuple[str, bool]:
    """The slug the episode of `sources` goes by, and whether it is published already: the slug
    it has, else `wanted`, else the first of `wanted`-2, -3, … that no other sources' episode or
    script folder holds.

    An episode published before sources were recorded is taken to be of the first sources that
    rebuild it under its slug.
    """
    entries = load_catalog(show)
    for entry in entries:
        if entry.sources == sources:
            return entry.slug, True
    owners = {entry.slug: entry.sources for entry in entries}
    slug, number = wanted, 1
    while (owners[slug] if slug in owners else recorded_sources(show.scripts_dir / slug)) not in ((), sources):
        number += 1
        slug = f"{wanted}-{number}"
    return slug, False


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


@all_or_nothing
def refresh_feed(show: Show) -> dict[str, str]:
    """Regenerate the feed (and what is published with it) from the catalog, all or nothing;
    returns the episodes left out because their MP3 is damaged or missing (slug -> why)."""
    from podcast.publish import write_feed

    return write_feed(show, load_catalog(show))


@all_or_nothing
def remove_episode(show: Show, slug: str) -> Entry:
    """Take an episode and its files out of the published show, all or nothing."""
    from podcast.publish import remove

    return remove(show, slug)
