"""The user's cache, shared by every show: where each kind of entry lives."""

from __future__ import annotations

import os
from pathlib import Path

SPEECH = "speech"  # one WAV per sentence, voice and engine build
CHUNKS = "mp3"  # one encoded MP3 chunk per segment's audio, gain and settings
COVERS = "covers"  # covers drawn from a title, and covers scaled for the MP3


def cache_dir(kind: str) -> Path:
    """The folder of one kind of cache entry (XDG_CACHE_HOME honoured)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "podcast-digest" / kind
