"""The user's cache, shared by every show: where each kind of entry lives, and how an entry is
known to be the one that was made.

Every entry has a seal beside it (`<name>.sha256`): the SHA-256 of its bytes, written as it was
made. An entry whose bytes do not match its seal (cut short, emptied, zeroed, replaced by
another entry, or made by a process killed before sealing it) is made again, never used.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

SPEECH = "speech"  # one WAV per sentence, voice and engine build, and its span (see podcast.trim)
CHUNKS = "mp3"  # one encoded MP3 chunk per segment's audio, gain and settings
COVERS = "covers"  # covers drawn from a title, and covers scaled for the MP3
NARRATION = "narration"  # an article's script, by the article's bytes and this code (see build._remembered_narration)


def cache_dir(kind: str) -> Path:
    """The folder of one kind of cache entry (XDG_CACHE_HOME honoured)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "podcast-digest" / kind


def sealed(path: Path) -> bytes | None:
    """The entry's bytes if they are the ones sealed when it was made; None if it is missing,
    unsealed or damaged."""
    found = _checked(path)
    return None if found is None else found[0]


def sealed_digest(path: Path) -> str | None:
    """The SHA-256 (hex) of the entry's bytes if they are the ones sealed; None as for `sealed`."""
    found = _checked(path)
    return None if found is None else found[1]


def _checked(path: Path) -> tuple[bytes, str] | None:
    try:
        data, seal = path.read_bytes(), _seal(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return (data, seal) if hashlib.sha256(data).hexdigest() == seal else None


def seal(path: Path, data: bytes) -> str:
    """Record that `data` are the bytes of the entry at `path` (written before or after it:
    until both are in place the entry is not used); returns their SHA-256 (hex)."""
    target = _seal(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256(data).hexdigest()
    temporary.write_text(digest + "\n", encoding="ascii")
    os.replace(temporary, target)
    return digest


def _seal(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def remember(path: Path, data: bytes) -> None:
    """Write a cache entry whole (a temporary file renamed into place), then seal it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    seal(path, data)


def code_fingerprint() -> str:
    """What decides an entry that code makes from its inputs: this package's source files and
    every installed distribution's name and version (see `dist_info_folders`)."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    for names in dist_info_folders():
        digest.update("\0".join(names).encode())
    return digest.hexdigest()


@functools.cache
def dist_info_folders() -> tuple[tuple[str, ...], ...]:
    """The `name-version.dist-info` folders on sys.path, entry by entry in path order (an
    unreadable entry left out), each entry's sorted: which distributions are installed and at
    which version, the first of a name being the one importlib.metadata finds (pip installs a
    wheel so). Read without importlib.metadata, whose import (it brings the email package) costs
    a rebuild more than the listing; listed once a process, for the code fingerprint and the
    engines' versions, which both go into cache keys.
    """
    listing = []
    for entry in sys.path:
        try:
            listing.append(tuple(sorted(name for name in os.listdir(entry or ".") if name.endswith(".dist-info"))))
        except OSError:
            continue
    return tuple(listing)
