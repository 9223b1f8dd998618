"""The catalog of published episodes: `episodes/catalog.json`, the show's source of truth.

It remembers each episode's guid and first publication date, which podcast apps use to tell a
new episode from an updated one, so the feed and the page can be rebuilt from it at any time
(after editing settings) without re-synthesising anything. A catalog that cannot be read is
never overwritten: the guids in it cannot be recovered by any rebuild.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from podcast.episode import Chapter
from podcast.errors import PublishError
from podcast.files import atomic_write
from podcast.page import timed_notes_html
from podcast.show import Show

CATALOG_FILE = "catalog.json"


@dataclass(frozen=True)
class Entry:
    """One published episode, as the catalog remembers it."""

    slug: str
    guid: str  # never changes once published: apps key their episode list on it
    title: str
    description: str
    published: datetime  # first publication, UTC; kept when the episode is rebuilt
    duration: float  # seconds
    size: int  # bytes of the MP3: the enclosure length apps check downloads against
    chapters: tuple[Chapter, ...]
    sha256: str = ""  # of the MP3's bytes; empty in catalogs written before it was recorded
    # What it was made from (file paths, URLs; see script.Script.sources); () in catalogs
    # written before sources were recorded.
    sources: tuple[str, ...] = ()
    # Its episode number (itunes:episode, shown by apps and the page), given once when first
    # published, so removing or dropping older episodes never renumbers the rest; 0 in catalogs
    # written before numbers were recorded (see `numbered`).
    number: int = 0

    @property
    def filename(self) -> str:
        return f"{self.slug}.mp3"

    @property
    def notes(self) -> str:
        """The show notes as HTML: what the feed item's description and the page show."""
        return timed_notes_html(self.description, self.chapters)


def load_catalog(show: Show) -> list[Entry]:
    """The published episodes, in catalog order; none when nothing was published yet.

    A catalog that cannot be read raises PublishError and is left as it is: it holds the
    guids apps know the episodes by, which no rebuild can recover.
    """
    path = show.episodes_dir / CATALOG_FILE
    published = show.root / "episodes" / CATALOG_FILE  # what to name in messages: not a build's staging copy
    try:
        document = json.loads(path.read_bytes())
        entries = [_entry_from_json(item) for item in document["episodes"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as error:
        detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        raise PublishError(f"{published}: not a readable episode catalog ({detail}); left unchanged, fix or restore it") from None
    counts = Counter(entry.slug for entry in entries)  # not list.count: linear in the catalog's length
    duplicates = sorted(slug for slug, count in counts.items() if count > 1)
    if duplicates:
        raise PublishError(f"{published}: episode {duplicates[0]!r} is listed twice; left unchanged, fix or restore it")
    return entries


def write_catalog(show: Show, entries: list[Entry]) -> None:
    """Write episodes/catalog.json whole (atomically): one episode a line, still readable and
    diffable, and written by json's C encoder (an indented dump is pure Python, seconds for a
    show of a few thousand episodes)."""
    lines = ",\n".join(json.dumps(_entry_to_json(entry), ensure_ascii=False) for entry in entries)
    atomic_write(show.episodes_dir / CATALOG_FILE, '{"episodes": [\n' + lines + "\n]}\n")


def retained(show: Show, entries: list[Entry], now: datetime) -> list[Entry]:
    """The entries a bounded show keeps, in catalog order: the newest `keep`, none published
    more than `keep_days` before `now`, and always the newest one (a build never publishes
    nothing). Dropped episodes' guids are random uuids, so no later episode ever reuses one.
    """
    newest_first = [entry for _number, entry in numbered_newest_first(entries)]
    kept = newest_first[: show.keep] if show.keep else newest_first
    if show.keep_days:
        oldest = now - timedelta(days=show.keep_days)
        kept = kept[:1] + [entry for entry in kept[1:] if entry.published >= oldest]
    slugs = {entry.slug for entry in kept}
    return [entry for entry in entries if entry.slug in slugs]


def numbered(entries: list[Entry]) -> list[Entry]:
    """The entries, in catalog order, each with its episode number recorded. One without (from a
    catalog written before numbers were recorded) gets its place in publication order, the
    number it was shown with then; entries published in the same second keep catalog order.

    >>> day = datetime(2025, 1, 1, tzinfo=timezone.utc)
    >>> old = [Entry(slug, "", "", "", day + timedelta(days=days), 0, 0, ()) for slug, days in [("b", 1), ("a", 0)]]
    >>> [(entry.slug, entry.number) for entry in numbered(old)]
    [('b', 2), ('a', 1)]
    """
    by_date = sorted(range(len(entries)), key=lambda index: entries[index].published)
    place = {index: position for position, index in enumerate(by_date, start=1)}
    return [entry if entry.number else dataclasses.replace(entry, number=place[index]) for index, entry in enumerate(entries)]


def next_number(entries: list[Entry]) -> int:
    """The episode number of a new episode: one more than the highest in the catalog."""
    return max((entry.number for entry in numbered(entries)), default=0) + 1


def numbered_newest_first(entries: list[Entry]) -> list[tuple[int, Entry]]:
    """Entries with their episode numbers, newest first (published in the same second: the
    later-added one is the newer)."""
    newest_first = reversed(sorted(numbered(entries), key=lambda entry: entry.published))
    return [(entry.number, entry) for entry in newest_first]


def _entry_to_json(entry: Entry) -> dict[str, object]:
    # By hand, not dataclasses.asdict: that deep-copies every field, the catalog's largest cost.
    fields = {field.name: getattr(entry, field.name) for field in dataclasses.fields(entry)}
    fields["published"] = entry.published.isoformat()
    fields["chapters"] = [{"title": c.title, "start": c.start, "end": c.end} for c in entry.chapters]
    fields["sources"] = list(entry.sources)
    return fields


def _entry_from_json(item: Any) -> Entry:
    published = datetime.fromisoformat(_typed(item, "published", str))
    if published.tzinfo is None:
        raise ValueError(f"published date {published} has no time zone")
    slug = _typed(item, "slug", str)
    if not slug or slug.startswith(".") or any(char in slug for char in "/\\\0"):
        # `remove` deletes <slug>.mp3 and its sidecars: a slug must name a file in episodes/.
        raise ValueError(f"slug {slug!r} is not a file name in episodes/")
    return Entry(
        slug=slug,
        guid=_typed(item, "guid", str),
        title=_typed(item, "title", str),
        description=_typed(item, "description", str),
        published=published.astimezone(timezone.utc),
        duration=_number(item, "duration"),
        size=_typed(item, "size", int),
        sha256=_typed(item, "sha256", str) if "sha256" in item else "",
        chapters=tuple(
            Chapter(_typed(chapter, "title", str), _number(chapter, "start"), _number(chapter, "end"))
            for chapter in _typed(item, "chapters", list)
        ),
        sources=tuple(_typed({"source": s}, "source", str) for s in (_typed(item, "sources", list) if "sources" in item else [])),
        number=_typed(item, "number", int) if "number" in item else 0,
    )


_T = TypeVar("_T")


def _typed(item: Any, key: str, kind: type[_T]) -> _T:
    """item[key], checked: a hand-edited catalog must fail loudly, not publish "None" as a title."""
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(f"{key} must be a {kind.__name__}, not {value!r}")
    return value


def _number(item: Any, key: str) -> float:
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key} must be a number, not {value!r}")
    return float(value)
