"""Atomic file replacement, and the two guards that keep a published show whole.

A podcast app reading episodes/ must see the old file or the new one, never half of one
(`atomic_write`). A build changes several files at once (the MP3, its sidecars, the catalog,
the feed, the page), so one file at a time is not enough: `staged` builds the folder's next
state in a copy beside it and swaps the copy in with one rename, so a build killed at any
moment leaves the folder exactly as before or exactly as after. `locked` keeps two builds of
one show from staging at the same time.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from podcast.errors import BusyError, PublishError

_RENAME_EXCHANGE = 2  # linux/fs.h: swap two paths in one step
_AT_FDCWD = -100
_UMASK = os.umask(0o022)  # read once (umask can only be read by setting it) and put back
os.umask(_UMASK)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename it into place."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); a published file must be readable by the web
        # server that episodes/ is copied to, like any file the user creates.
        os.fchmod(descriptor, 0o666 & ~_UMASK)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes | str) -> None:
    """`atomic_write`, unless `path` already holds exactly `data`: each write syncs the disk and
    gives the file a new modification time, which tells podcast apps (through the server's
    ETag) to fetch it again."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    atomic_write(path, data)


def write_staged(folder: Path, files: dict[str, str]) -> None:
    """Write `files` (name: text) into `folder`, a copy that `staged` yields, then sync them.

    No one reads a staging copy, and `staged` puts it in place whole, so the temporary file,
    rename and sync per file that `atomic_write` makes buy nothing here (a script folder has
    thousands of files for a long article): each changed file is written plainly, as a new
    file (the copy's files are hard links to the published ones, never to be written through),
    then all of them and the folder are synced in one pass, so that the swap never publishes
    a file the disk does not hold yet. A file that already holds its text is left alone.
    """
    existing = set(os.listdir(folder))
    written = []
    for name, text in files.items():
        path, data = folder / name, text.encode("utf-8")
        if name in existing:
            if path.read_bytes() == data:
                continue
            path.unlink()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # less the umask
        try:
            rest = memoryview(data)
            while rest:  # a write may take part of it (a disk nearly full); the next raises
                rest = rest[os.write(descriptor, rest) :]
        finally:
            os.close(descriptor)
        written.append(path)
    for path in (*written, folder):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextmanager
def locked(path: Path, timeout: float, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` for the duration of the block.

    A second holder waits (calling `waiting` once, so the person sees why nothing happens)
    and raises BusyError after `timeout` seconds. The lock is flock(2)'s, which the kernel
    drops when its process dies, so a killed build never leaves a stale lock behind; the
    lock file itself is never deleted (deleting it would let two holders lock two files).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise PublishError(f"{path.parent}: cannot lock the show to build it ({error.strerror or error})") from None
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(f"{path.parent}: another build of this show is still running after {timeout:g} s") from None
                if not told:
                    waiting()
                    told = True
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # releases the lock


# A write refused for want of room: a full disk, a spent quota, a file-size limit.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


@contextmanager
def room_reported(folder: Path) -> Iterator[None]:
    """Turn a write that finds no room, anywhere in the block, into one PublishError line.

    Every writer (the MP3 stream, atomic_write, the script folder) fails the same way when the
    disk fills, and what it was writing is a staging copy or a temporary file that its own
    cleanup removes on the way out: so the one thing to tell is that nothing was published.
    """
    try:
        yield
    except OSError as error:
        if error.errno not in _NO_ROOM:
            raise
        where = error.filename or folder  # the file, when the call that failed names one (it may be in a cache)
        raise PublishError(f"{where}: no room to write ({error.strerror}); nothing was published, free some space and retry") from None


def staging_folders(folder: Path) -> list[Path]:
    """The staging copies of `folder` there are: hidden folders beside it, one per process.

    A name of its own per process means a killed build's leftovers (an orphaned ffmpeg may
    still be writing into its copy) never mix with the next build's copy.
    """
    return sorted(folder.parent.glob(f".{folder.name}.staging-*"))


@contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """Yield a copy of `folder` to change; when the block ends normally, it replaces `folder` at once.

    The copy hard-links every file, so making it costs per file, not per byte; writers must
    therefore replace files (`atomic_write`, a rename), never modify one in place, or they
    would change the published file through the shared link. Leftover temporary files of
    killed writes (".name.….tmp") are not copied. If the block raises, or the process dies,
    `folder` is untouched and the copy is removed (by `recover` on the next run).
    Callers hold `locked` around it: `recover` removes every staging copy but its own.
    """
    folder = folder.resolve()  # a symlinked episodes/ is updated where it points
    recover(folder)
    stage = folder.parent / f".{folder.name}.staging-{os.getpid()}"
    try:
        stage.mkdir(parents=True)
        if folder.is_dir():
            shutil.copytree(folder, stage, symlinks=True, copy_function=_link, ignore=_temporary_files, dirs_exist_ok=True)
    except BaseException as error:  # a read-only show folder, a full disk, Ctrl-C
        shutil.rmtree(stage, ignore_errors=True)
        if isinstance(error, OSError):
            raise PublishError(f"{folder.parent}: cannot make the next {folder.name}/ beside it ({error})") from None
        raise
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _swap(stage, folder)
    shutil.rmtree(stage, ignore_errors=True)  # after the swap it holds the previous state


def recover(folder: Path) -> None:
    """Finish or undo a swap that a killed process left half done; see `_swap`.

    A leftover staging folder is either an unfinished next state or an already replaced
    previous one: in both cases `folder` holds the state to keep, so the copies go. Only the
    two-rename fallback can leave `folder` missing, with its previous state under the old name.
    """
    old = _old_folder(folder)
    if old.is_dir() and not folder.exists():
        os.rename(old, folder)
    shutil.rmtree(old, ignore_errors=True)
    for stage in staging_folders(folder):
        shutil.rmtree(stage, ignore_errors=True)


def _swap(stage: Path, folder: Path) -> None:
    """Put `stage` where `folder` is, in one step; afterwards `stage` holds the previous state.

    Linux's renameat2(RENAME_EXCHANGE) swaps two folders atomically: a reader (such as
    `podcast serve`, which looks files up by path on every request) finds one complete state
    or the other, never none. Where it is missing (other systems, old kernels or file systems
    without it) two renames are used instead; a reader may then find no folder for that
    instant, and a process killed in between leaves the previous state under the old name,
    which `recover` puts back.
    """
    if not folder.exists():
        os.rename(stage, folder)
        return
    if _exchange(stage, folder):
        return
    os.rename(folder, _old_folder(folder))
    os.rename(stage, folder)
    os.rename(_old_folder(folder), stage)


def _exchange(first: Path, second: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) through libc; False where the system does not offer it."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _old_folder(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.old"


def link_tree(folder: Path, copy: Path, ignore: Callable[[str, list[str]], set[str]]) -> None:
    """Copy `folder` to `copy` as `staged` does, one hard link per file (a copy where links are
    not possible): `podcast publish` sends such a snapshot while the next build replaces files."""
    shutil.copytree(folder, copy, symlinks=True, copy_function=_link, ignore=ignore)


def _link(source: str, target: str) -> None:
    """Hard-link a file into the staging copy; copy it where links are not possible."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _temporary_files(_folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name.startswith(".") and name.endswith(".tmp")}
