"""The script: what the voice says, segment by segment, and the editable folder that holds it.

A script folder (`scripts/<slug>/`) is the episode's source of truth once written: one UTF-8
file per segment in reading order, each starting with a `# Chapter title` line, paragraphs
separated by blank lines, plus `episode.toml` with the episode's title and show notes. A
person may edit any of it and rebuild from the folder.

The segment files hold what is said ("twenty twenty-four"); transcripts show what was written
("2024"). `written.json` maps each spoken sentence to its written form, so a transcript cue reads
like the article while its timing comes from the spoken sentence. A sentence edited by hand has
no written form there and is shown as spoken.

Kept apart from the narration (`podcast.narration`, Article -> Script) so that reading a script,
as every build does, never loads the article readers and the spoken-form rules.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from podcast.errors import ScriptError
from podcast.files import staged, write_staged
from podcast.sentences import sentences

EPISODE_FILE = "episode.toml"
WRITTEN_FILE = "written.json"
_SEGMENT_FILE = re.compile(r"^\d{2,3}-[\w-]*\.txt$")


@dataclass(frozen=True)
class Segment:
    name: str  # file stem, which also orders the segments: "00-intro", "01-...", "NN-outro"
    title: str  # the chapter title
    paragraphs: tuple[str, ...]  # spoken text
    # Which paragraphs announce the structure (welcome, "Takeaway three: ...", goodbye): the
    # show's announcer voice speaks them, when it has one. Written as "> " lines in the file.
    announcements: tuple[int, ...] = ()

    def sentences(self) -> list[list[str]]:
        """The segment as paragraphs of sentences: the pieces that are synthesised one by one."""
        return [sentences(paragraph) for paragraph in self.paragraphs]


@dataclass(frozen=True)
class Script:
    title: str
    slug: str
    description: str  # show notes, as written
    segments: tuple[Segment, ...]
    # What it was narrated from (file paths, relative to the show folder when inside it; URLs):
    # rebuilding the same sources replaces its episode, while another article with the same
    # title gets an episode of its own.
    sources: tuple[str, ...] = ()
    # Each spoken sentence's written form, where the narration knows it: what transcripts show.
    written: Mapping[str, str] = field(default_factory=dict)


def as_json(script: Script) -> str:
    """The script as JSON, all of it (`from_json` reads it back): for the narration cache."""
    segments = [[s.name, s.title, list(s.paragraphs), list(s.announcements)] for s in script.segments]
    fields = [script.title, script.slug, script.description, segments, list(script.sources), dict(script.written)]
    return json.dumps(fields, ensure_ascii=False)


def from_json(text: str | bytes) -> Script:
    """
    >>> script = Script("T", "t", "Notes.", (Segment("00-intro", "Intro", ("Hi.",), (0,)),), ("a.md",), {"two": "2"})
    >>> from_json(as_json(script)) == script
    True
    """
    title, slug, description, segments, sources, written = json.loads(text)
    parts = tuple(Segment(name, heading, tuple(paragraphs), tuple(announced)) for name, heading, paragraphs, announced in segments)
    return Script(title, slug, description, parts, tuple(sources), written)


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


def write_script(script: Script, folder: Path, overwrite: bool = False) -> None:
    """Write the script folder, replacing segment files of an earlier version of the episode.

    The folder is written whole or not at all: into a copy beside it that replaces it in one
    step (files.staged), so a full disk or a kill mid-way leaves the earlier version as it was.

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
    with staged(folder) as stage:
        _write_files(script, files, stage)


def _write_files(script: Script, files: dict[str, str], folder: Path) -> None:
    for stale in _segment_files(folder):
        if stale.name not in files:
            stale.unlink()
    written = json.dumps(dict(script.written), ensure_ascii=False, indent=0, sort_keys=True)
    # JSON strings are valid TOML basic strings, so json.dumps quotes them safely.
    episode = (
        f"title = {json.dumps(script.title, ensure_ascii=False)}\n"
        f"description = {json.dumps(script.description, ensure_ascii=False)}\n"
        f"# Of the segment files as narrated: tells a hand edit from an old narration.\n"
        f"fingerprint = {json.dumps(_fingerprint(files))}\n"
        f"# What it was narrated from: a rebuild of the same sources replaces its episode.\n"
        f"sources = {json.dumps(list(script.sources), ensure_ascii=False)}\n"
    )
    write_staged(folder, {**files, WRITTEN_FILE: written + "\n", EPISODE_FILE: episode})


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANNOUNCEMENT = "> "  # marks a paragraph of the announcer's in a segment file


def _segment_text(segment: Segment) -> str:
    paragraphs = (
        _ANNOUNCEMENT + paragraph if index in segment.announcements else paragraph
        for index, paragraph in enumerate(segment.paragraphs)
    )
    return f"# {segment.title}\n\n" + "\n\n".join(paragraphs) + "\n"


def _segment_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if _SEGMENT_FILE.match(path.name))


def ignored_files(folder: Path) -> list[str]:
    """Files in a script folder that are not read: not `NN-name.txt`, episode.toml, written.json, or hidden."""
    return sorted(
        path.name for path in folder.iterdir()
        if not _SEGMENT_FILE.match(path.name) and path.name not in (EPISODE_FILE, WRITTEN_FILE) and not path.name.startswith(".")
    )


def _fingerprint(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(files.items())).encode("utf-8")).hexdigest()[:16]


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
    description = str(settings.get("description", ""))
    segments = tuple(s for s in segments if s)
    return Script(title, folder.name, description, segments, sources=recorded_sources(folder), written=_read_written(folder))


def recorded_sources(folder: Path) -> tuple[str, ...]:
    """What the script in `folder` was narrated from, as its episode.toml says; () if unknown."""
    sources = _read_episode_file(folder).get("sources") if folder.is_dir() else None
    return tuple(map(str, sources)) if isinstance(sources, list) else ()


def _read_written(folder: Path) -> dict[str, str]:
    """The written forms of the spoken sentences; none when the file is missing or damaged (the
    transcript then shows the spoken form, which is still right)."""
    try:
        written = json.loads((folder / WRITTEN_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(written, dict):
        return {}
    return {k: v for k, v in written.items() if isinstance(k, str) and isinstance(v, str)}


def _read_segment(path: Path) -> Segment | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScriptError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    # Control characters a hand edit can bring in (a pasted escape, a form feed) are not speech
    # and would reach the transcripts: only line breaks and tabs are kept.
    lines = _CONTROL.sub("", text).strip().splitlines()
    title = path.stem.split("-", 1)[-1].replace("-", " ").capitalize()
    if lines and lines[0].startswith("# "):
        title, lines = lines[0][2:].strip(), lines[1:]
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", "\n".join(lines)) if p.strip()]
    announced = tuple(i for i, p in enumerate(paragraphs) if p.startswith(_ANNOUNCEMENT.strip()))
    paragraphs = [p[1:].strip() if i in announced else p for i, p in enumerate(paragraphs)]
    return Segment(path.stem, title, tuple(paragraphs), announced) if paragraphs else None
