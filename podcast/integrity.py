"""Whether each published MP3 is the file the catalog recorded: by size and SHA-256, reading a
file again only when its size or modification time changed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from podcast.files import atomic_write
from podcast.show import Show

if TYPE_CHECKING:
    from podcast.catalog import Entry

# In the show folder, not published: the size, modification time and SHA-256 each published MP3
# had when it was last read, so a file neither changed is trusted without reading it again.
# Deleting it costs one reading of each MP3.
CHECKED_FILE = ".podcast.checked"


def damaged(show: Show, entries: list[Entry]) -> dict[str, str]:
    """Slug -> what is wrong, for each episode whose published MP3 is not the file the catalog
    recorded: missing, another size, or other bytes. Such an episode is left out of the feed
    and the page (never an enclosure that fails or plays half), and its next build makes it again.

    A file whose size and modification time are those CHECKED_FILE remembers is not read
    again, so a rebuild or `podcast feed` reads no MP3 that nothing touched.
    """
    found = {}
    files = checked(show, [entry.filename for entry in entries])
    for entry in entries:
        size, sha256 = files[entry.filename] or (-1, "")
        if size < 0:
            found[entry.slug] = f"{entry.filename} is missing"
        elif size != entry.size:
            found[entry.slug] = f"{entry.filename} is {size} bytes, not the {entry.size} published"
        elif entry.sha256 and sha256 != entry.sha256:
            found[entry.slug] = f"{entry.filename} is not the file published (its bytes changed)"
    return found


def checked(show: Show, names: list[str]) -> dict[str, tuple[int, str] | None]:
    """Size and SHA-256 of each named file in episodes/ (None: there is none), each read only if
    its size or modification time is not the one CHECKED_FILE remembers."""
    memo_path = show.root / CHECKED_FILE
    try:
        memo = json.loads(memo_path.read_bytes())
        if not isinstance(memo, dict):
            memo = {}
    except (OSError, ValueError):
        memo = {}
    result: dict[str, tuple[int, str] | None] = {}
    changed = False
    for name in names:
        path = show.episodes_dir / name
        try:
            status = path.stat()
        except FileNotFoundError:
            result[name] = None
            continue
        known = memo.get(name)
        if not (isinstance(known, list) and known[:2] == [status.st_size, status.st_mtime_ns]):
            known = memo[name] = [status.st_size, status.st_mtime_ns, _sha256(path)]
            changed = True
        result[name] = (status.st_size, str(known[2]))
    if changed:
        atomic_write(memo_path, json.dumps(memo, indent=0) + "\n")
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
