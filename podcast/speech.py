"""Script -> speech: every sentence synthesised to a WAV piece, in worker processes, cached by content.

The engines themselves are in `podcast.engines`. An engine lives only inside spawn-started
worker processes: espeak-ng initialises once per process and a forked copy of an initialised
one can hang, so the parent process never loads it. The cache is keyed on what the engine is
given (the script's text through the engine's adapter), the voice and the engine's build.
"""

from __future__ import annotations

import contextlib
import functools
import ctypes
import hashlib
import json
import os
import signal
import sys
import threading
import time
import unicodedata
import wave
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from podcast.cache import SPEECH, cache_dir, seal, sealed_digest
from podcast.engines import ENGINES, SAMPLE_WIDTH, Engine, Voice, VoiceInfo, choose_engine
from podcast.errors import SpeechError
from podcast.trim import record_span

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor


@dataclass(frozen=True)
class Piece:
    """One synthesised sentence: its text, its WAV in the cache and that WAV's SHA-256 (hex), as
    checked against its seal when it was found or synthesised."""

    text: str
    wav: Path
    digest: str


def cache_path(text: str, voice: Voice, engine_version: str) -> Path:
    """Where the WAV of `text` in `voice` lives: same text, voice and engine build, same file."""
    key = json.dumps([engine_version, voice.engine, voice.name, voice.rate, voice.language, text])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return cache_dir(SPEECH) / digest[:2] / f"{digest}.wav"


def wav_seconds(path: Path) -> float | None:
    """Duration of a complete 16-bit mono WAV, or None when the file is missing, truncated or not one."""
    try:
        with wave.open(str(path), "rb") as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
            if wav.getsampwidth() != SAMPLE_WIDTH or wav.getnchannels() != 1:
                return None
        # A file cut short keeps its header's frame count: compare it with the bytes on disk.
        if frames == 0 or path.stat().st_size < 44 + frames * SAMPLE_WIDTH:
            return None
        return frames / rate
    except (OSError, EOFError, wave.Error):
        return None


def plausible(text: str, seconds: float, rate: int) -> bool:
    """Whether a piece's duration fits its word count at `rate` words a minute.

    >>> plausible("Four words are here.", 1.5, 165)
    True
    >>> plausible("Four words are here.", 0.05, 165)
    False

    A word counts as a word only in the Latin script: a voice for another language may spell
    every letter of a script it cannot read, or name it ("Chinese letter ..."), so each such
    letter may last as long as three words (measured: espeak-ng's English voice takes 8.4 s for
    the two Arabic words of "مرحبا بالعالم", 3.1 s for "东京大阪").

    >>> plausible("مرحبا بالعالم", 8.4, 165), plausible("东京大阪", 3.1, 165)
    (True, True)
    """
    expected = len(text.split()) * 60 / rate
    spelled = sum(1 for char in text if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"))
    return expected * 0.25 <= seconds <= expected * 4 + 2 + spelled * 3 * 60 / rate


def _usable(wav: Path) -> str | None:
    """The SHA-256 of a cache entry if it is the WAV that was synthesised and checked for its
    text: its bytes match the seal written with it. A damaged one is synthesised again, never
    used: cut short (with its header fixed or not), zeroed behind an intact header, or another
    sentence's WAV under its name."""
    return sealed_digest(wav)


# --- inside a worker process -------------------------------------------------------------

_worker_engines: dict[Voice, Engine] = {}


def _start_worker(voices: tuple[Voice, ...], parent: int) -> None:
    """Tie the worker's life to its parent's, then load every voice's engine: an engine loaded
    by the task that needs it was seen to write that first piece short (its warm-up still
    running). A failure is left to the first task, which loads it again and raises it where its
    message reaches the caller (an initializer's exception would only break the pool)."""
    _die_with(parent)
    for voice in sorted(voices, key=lambda voice: voice.engine == "pyttsx3"):  # pyttsx3 last: see PiperEngine
        with contextlib.suppress(Exception):
            _engine_in_worker(voice)


def _die_with(parent: int) -> None:
    """Make this worker exit when the build that started it dies, however it dies.

    A worker waits for work on a pipe whose writing end it holds itself (the pool hands each
    worker the whole queue), so it never sees end-of-file when its parent is SIGKILLed: left
    alone, it would wait forever. Linux kills it with its parent (PR_SET_PDEATHSIG); a thread
    also checks the parent is still there, for a parent gone before that was set and for
    systems without it. Ctrl-C goes to the parent alone, which ends the pool itself: a worker
    interrupted mid-sentence would only print a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back by the parent (see _ctrl_c_held)
    prctl = getattr(_libc(), "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _engine_in_worker(voice: Voice) -> Engine:
    """This worker's engine for `voice` (a show with an announcer voice has two), loaded once."""
    if voice not in _worker_engines:
        _worker_engines[voice] = ENGINES[voice.engine](voice)
    return _worker_engines[voice]


def _synthesize(text: str, target: Path, voice: Voice) -> str:
    """Synthesise into a temporary file beside `target`, check it, then rename it into place;
    returns its SHA-256. Its span (see podcast.trim) is recorded here too, while the other
    worker still speaks, rather than by the mix after the last sentence."""
    engine = _engine_in_worker(voice)
    rate = voice.rate
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.stem}.{os.getpid()}.wav")
    for _attempt in range(2):  # a rare early return from the engine is retried once
        temporary.unlink(missing_ok=True)
        engine.synthesize(text, temporary)
        seconds = wav_seconds(temporary)
        if seconds is not None and plausible(text, seconds, rate):
            data = temporary.read_bytes()
            digest = seal(target, data)
            os.replace(temporary, target)
            record_span(target, data, digest)
            _return_freed_memory()
            return digest
    temporary.unlink(missing_ok=True)
    found = "no audio" if seconds is None else f"{seconds:.1f} s of audio"
    raise SpeechError(f"the engine produced {found} for {len(text.split())} words")


def _return_freed_memory() -> None:
    """Hand the heap a sentence freed back to the system (glibc's malloc_trim; nothing elsewhere).

    glibc keeps freed memory for reuse, so each worker stayed at the size its longest sentence
    needed: with two workers, a 60-minute digest's process tree peaked above 512 MB.
    """
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    """The C library's functions on Linux (prctl, malloc_trim); None elsewhere."""
    try:
        return ctypes.CDLL(None) if sys.platform == "linux" else None
    except OSError:
        return None


def _list_voices(voice: Voice) -> list[VoiceInfo]:
    return _engine_in_worker(voice).voices()


# --- in the calling process ----------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A sentence to speak, the label of its segment (for error messages) and its voice (None:
    the voice `speak` is called with)."""

    text: str
    segment: str
    voice: Voice | None = None


def _engine(voice: Voice) -> type[Engine]:
    voice = choose_engine(voice)
    if voice.engine not in ENGINES:
        raise SpeechError(f"unknown speech engine {voice.engine!r} (known: {', '.join(ENGINES)})")
    return ENGINES[voice.engine]


def _pool(voices: Iterable[Voice], workers: int) -> ProcessPoolExecutor:
    # Imported here, as BrokenProcessPool in _result: a rebuild with nothing to say starts no
    # process, so it need not import them (with ctypes.util, 10-20 ms of its start-up).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(tuple(voices), os.getpid()),
    )


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C back while workers are started (they are started as tasks are submitted).

    SIGINT is blocked in this thread, and a process started meanwhile inherits the blocked
    signal; its initializer ignores SIGINT before unblocking it, so even a Ctrl-C during its
    start-up reaches no worker (it would print a traceback there). The kernel may still hand the
    signal to another thread of this process: Python's handler is set aside meanwhile, so no
    KeyboardInterrupt cuts a worker's start in half (it would read half its start-up data and
    print a traceback); the signal is raised again once the workers are started.
    """
    if threading.current_thread() is not threading.main_thread():  # signal handlers live in the main thread
        yield
        return
    heard: list[int] = []
    handler = signal.signal(signal.SIGINT, lambda number, frame: heard.append(number))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGINT, handler)
    if heard:  # delivered again, now to the handler that was there (ignored, if it was ignored)
        signal.raise_signal(signal.SIGINT)


def _workers(cores: int, load: float) -> int:
    """How many worker processes to speak with: two where a second core is idle, else one.

    Never more than two: a hibari worker holds about 200 MB (see HibariEngine.THREADS). Each
    worker pays its own start-up (about 1.1 s of CPU for hibari: imports, model, lexicons), so
    a second one makes a build faster only with a core of its own; on a busy machine it made
    the build slower, in wall time and CPU time alike. `load`: how many cores are busy (see
    `_busy_cores`).

    >>> _workers(2, 0.3), _workers(2, 0.8), _workers(1, 0.0), _workers(8, 5.0), _workers(2, 4.0)
    (2, 1, 1, 2, 1)
    """
    return max(1, min(2, cores, round(cores - load)))


def _busy_cores(cores: int, seconds: float = 0.1) -> float:
    """How many cores other work keeps busy now: measured over `seconds` from Linux's /proc/stat
    (cores minus the idle share, minus this process's own threads); elsewhere the 1-minute load
    average, or none.

    The load average alone lags by a minute: a build started just after other work had ended
    spoke with one worker on an idle machine, and took 1.3 times as long as with two.
    """
    def idle_and_total() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
        return ticks[3] + ticks[4], sum(ticks)  # idle + iowait, everything: over all cores

    def own_seconds() -> float:  # this process's CPU time: its other threads (the cover) are not others' work
        return sum(os.times()[:2])

    try:
        idle, total, own, start = *idle_and_total(), own_seconds(), time.monotonic()
        time.sleep(seconds)
        idle_after, total_after = idle_and_total()
        ours = (own_seconds() - own) / max(time.monotonic() - start, 1e-3)
        return max(0.0, cores * (1 - (idle_after - idle) / max(1, total_after - total)) - ours)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # a system without one: as if idle
        return 0.0


def list_voices(voice: Voice) -> list[VoiceInfo]:
    """The voices `voice.engine` offers on this machine."""
    voice = choose_engine(voice)
    _engine(voice).version()  # says how to install a missing engine before any worker starts
    with _pool([voice], 1) as pool:
        with _ctrl_c_held():
            future = pool.submit(_list_voices, voice)
        return _result(future)


def _result(future: Future):  # type: ignore[type-arg]
    """A worker's result; any failure, including an engine that could not start, as a SpeechError."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except SpeechError:
        raise
    except BrokenProcessPool:
        raise SpeechError("a speech worker process died") from None
    except Exception as error:
        raise SpeechError(str(error)) from None


def speak(
    requests: Iterable[Request],
    voice: Voice,
    progress: Callable[[int], None] = lambda done: None,
    workers: int | None = None,
) -> list[Piece]:
    """Speak every request, reusing cached audio; returns one Piece per request, in order.

    Only texts missing from the cache start worker processes at all, so a rebuild with
    nothing changed costs no synthesis.
    """
    chosen = {v: choose_engine(v) for v in {voice, *(r.voice for r in requests if r.voice)}}
    requests = [replace(r, voice=chosen[r.voice or voice]) for r in requests]
    engines = {v.engine: _engine(v) for v in chosen.values()}
    versions = {name: engine.version() for name, engine in engines.items()}
    # What each engine is given: the script's text through its adapter. The cache is keyed on it.
    said = [engines[r.voice.engine].spoken(r.text) for r in requests]
    wavs = [cache_path(text, r.voice, versions[r.voice.engine]) for r, text in zip(requests, said)]
    digests: dict[Path, str] = {}
    missing: dict[Path, Request] = {}
    for request, text, wav in zip(requests, said, wavs):
        if wav not in digests and wav not in missing:
            digest = _usable(wav)
            if digest is None:
                missing[wav] = replace(request, text=text)
            else:
                digests[wav] = digest
    progress(len(wavs) - len(missing))
    if missing:
        digests.update(_synthesized(missing, progress, workers))
    return [Piece(r.text, wav, digests[wav]) for r, wav in zip(requests, wavs)]


def _synthesized(missing: dict[Path, Request], progress: Callable[[int], None], workers: int | None) -> dict[Path, str]:
    """Synthesise every missing request into its path, in worker processes; their SHA-256s."""
    voices = dict.fromkeys(r.voice for r in missing.values())  # each voice still to be heard, once
    digests: dict[Path, str] = {}
    cores = os.cpu_count() or 1
    # One piece never needs a second worker: no 0.1 s spent looking for an idle core.
    wanted = workers or (1 if len(missing) == 1 else _workers(cores, _busy_cores(cores)))
    with _pool(voices, wanted) as pool:
        with _ctrl_c_held():
            futures = {path: pool.submit(_synthesize, r.text, path, r.voice) for path, r in missing.items()}
        try:
            for path, future in futures.items():
                try:
                    digests[path] = _result(future)
                except SpeechError as error:
                    raise SpeechError(f"speech failed in {missing[path].segment!r}: {error}") from None
                progress(1)
        except BaseException:  # a failed sentence or Ctrl-C: the pool ends without speaking the rest
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return digests
