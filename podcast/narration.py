"""Article -> Script: what the voice says, segment by segment, and the editable files that hold it.

A script folder (`scripts/<slug>/`) is the episode's source of truth once written: one UTF-8
file per segment in reading order, each starting with a `# Chapter title` line, paragraphs
separated by blank lines, plus `episode.toml` with the episode's title and show notes. A
person may edit any of it and rebuild from the folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from num2words import num2words

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from podcast.article import Article
from podcast.errors import ScriptError
from podcast.files import atomic_write
from podcast.spoken import sentences, speakable

EPISODE_FILE = "episode.toml"
_SEGMENT_FILE = re.compile(r"^\d{2,3}-[\w-]*\.txt$")


@dataclass(frozen=True)
class Segment:
    name: str  # file stem, which also orders the segments: "00-intro", "01-...", "NN-outro"
    title: str  # the chapter title
    paragraphs: tuple[str, ...]  # spoken text

    def sentences(self) -> list[list[str]]:
        """The segment as paragraphs of sentences: the pieces that are synthesised one by one."""
        return [sentences(paragraph) for paragraph in self.paragraphs]


@dataclass(frozen=True)
class Script:
    title: str
    slug: str
    description: str  # show notes, as written
    segments: tuple[Segment, ...]


def slugify(text: str, limit: int = 60) -> str:
    """A file-name-safe, stable slug; text in scripts without Latin letters gets a short hash.

    >>> slugify("Ada’s case for open-source AI")
    'adas-case-for-open-source-ai'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    >>> slugify("The evolving role of social media in elections", 40)
    'the-evolving-role-of-social-media-in'
    >>> slugify("东京") == slugify("东京") != slugify("大阪")
    True
    >>> slugify("CON"), slugify("Lpt1")
    ('con-episode', 'lpt1-episode')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "")).strip("-")
    if len(slug) > limit:  # cut at a word boundary where there is one
        slug = slug[: limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    if slug in _RESERVED_NAMES:  # Windows refuses these as file names, whatever the extension
        return f"{slug}-episode"
    return slug or "episode-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


_RESERVED_NAMES = frozenset(["con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))])


def narrate(article: Article, show_title: str, title: str, lexicon: dict[str, str] | None = None) -> Script:
    """Turn an article into spoken segments: intro, one per takeaway (announced), outro."""

    def say(paragraphs: tuple[str, ...]) -> list[str]:
        spoken = (speakable(p, lexicon) for p in paragraphs)
        return [p for p in spoken if p]

    count = len(article.takeaways)
    spoken_title = speakable(title, lexicon)
    intro = [f"Welcome to {speakable(show_title, lexicon)}. This is {spoken_title}."]
    intro += say(article.intro)
    intro.append(f"{_count_phrase(count).capitalize()} follow.")
    segments = [Segment("00-intro", "Introduction", tuple(intro))]
    for number, takeaway in enumerate(article.takeaways, start=1):
        heading = speakable(takeaway.heading, lexicon).rstrip(".!?:;,")
        announcement = f"Takeaway {num2words(number)}: {heading}."
        name = f"{number:02d}-{slugify(takeaway.heading, 40)}"
        segments.append(Segment(name, takeaway.heading, (announcement, *say(takeaway.paragraphs))))
    outro = say(article.conclusion)
    outro.append(f"That was {spoken_title}, from {speakable(show_title, lexicon)}. Thanks for listening.")
    segments.append(Segment(f"{count + 1:02d}-outro", "Wrap-up", tuple(outro)))
    return Script(title, slugify(title), show_notes(article), tuple(segments))


def _count_phrase(count: int) -> str:
    """
    >>> _count_phrase(1), _count_phrase(10)
    ('one takeaway', 'ten takeaways')
    """
    return f"{num2words(count)} takeaway{'s' if count != 1 else ''}"


def show_notes(article: Article) -> str:
    """The intro as written and the list of takeaways: what a podcast app shows under the episode."""
    headings = "\n".join(f"{n}. {t.heading}" for n, t in enumerate(article.takeaways, start=1))
    return "\n\n".join(filter(None, ["\n\n".join(article.intro), headings]))


def write_script(script: Script, folder: Path, overwrite: bool = False) -> None:
    """Write the script folder, replacing segment files of an earlier version of the episode.

    episode.toml records a fingerprint of the segment files as written; if they no longer
    match it, a person has edited them, and narrating the article again would silently throw
    that work away, so it is refused unless `overwrite` is set.
    """
    files = {f"{segment.name}.txt": _segment_text(segment) for segment in script.segments}
    if folder.is_dir() and not overwrite:
        recorded = _read_episode_file(folder).get("fingerprint")
        current = _fingerprint({path.name: path.read_bytes().decode("utf-8", "replace") for path in _segment_files(folder)})
        if recorded and recorded != current and current != _fingerprint(files):
            raise ScriptError(
                f"{folder} has hand edits: rebuild from it with `podcast build {folder}`, "
                "or pass --overwrite to narrate the article again"
            )
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        _write_if_changed(folder / name, text)
    for stale in _segment_files(folder):
        if stale.name not in files:
            stale.unlink()
    # JSON strings are valid TOML basic strings, so json.dumps quotes them safely.
    _write_if_changed(
        folder / EPISODE_FILE,
        f"title = {json.dumps(script.title, ensure_ascii=False)}\n"
        f"description = {json.dumps(script.description, ensure_ascii=False)}\n"
        f"# Of the segment files as narrated: tells a hand edit from an old narration.\n"
        f"fingerprint = {json.dumps(_fingerprint(files))}\n",
    )


def _segment_text(segment: Segment) -> str:
    return f"# {segment.title}\n\n" + "\n\n".join(segment.paragraphs) + "\n"


def _segment_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if _SEGMENT_FILE.match(path.name))


def _fingerprint(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(files.items())).encode("utf-8")).hexdigest()[:16]


def _write_if_changed(path: Path, text: str) -> None:
    """Write `text` only where the file does not already hold it: each atomic write syncs the
    disk, and rewriting every unchanged script file was a large part of a warm rebuild."""
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return
    except FileNotFoundError:
        pass
    atomic_write(path, text)


def _read_episode_file(folder: Path) -> dict[str, object]:
    try:
        return tomllib.loads((folder / EPISODE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ScriptError(f"{folder / EPISODE_FILE}: not valid TOML ({error})") from None


def read_script(folder: Path) -> Script:
    """Read a script folder, as written by `write_script` and perhaps edited by hand."""
    files = _segment_files(folder)
    if not files:
        raise ScriptError(f"{folder}: no segment files (like 00-intro.txt) in this script folder")
    settings = _read_episode_file(folder)
    segments = [_read_segment(path) for path in files]
    title = str(settings.get("title") or folder.name)
    return Script(title, folder.name, str(settings.get("description", "")), tuple(s for s in segments if s))


def _read_segment(path: Path) -> Segment | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScriptError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    lines = text.strip().splitlines()
    title = path.stem.split("-", 1)[-1].replace("-", " ").capitalize()
    if lines and lines[0].startswith("# "):
        title, lines = lines[0][2:].strip(), lines[1:]
    paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", "\n".join(lines)) if p.strip())
    return Segment(path.stem, title, paragraphs) if paragraphs else None
