"""pyttsx3 (espeak-ng): what its adapter gives it, and which voice speaks when none is named."""

from __future__ import annotations

import subprocess
import sys

import pytest

from podcast.engines import ENGINES, Pyttsx3Engine

# What pyttsx3 is given for a spoken form: acronyms as hyphenated letters (as piper is), and a
# name compounded with -berg or -burg with a hyphen where its parts meet (espeak-ng drops the
# "b" of "Bloomberg" and runs "Zuckerberg" into one word).
ESPEAK_WORDS = [
    ("Bloomberg reported it.", "Bloom-berg reported it."),
    ("Bloomberg's Emily Chang", "Bloom-berg's Emily Chang"),
    ("Mark Zuckerberg and Sheryl Sandberg", "Mark Zucker-berg and Sheryl Sand-berg"),
    ("The Goldbergs moved to Hamburg.", "The Gold-bergs moved to Ham-burg."),
    ("Johannesburg’s mayor", "Johannes-burg’s mayor"),
    ("Meta AI at Bloomberg", "Meta A-I at Bloom-berg"),
    # Not a compound name: "burgh", a longer word, a lower-case word, the part alone, capitals.
    ("Pittsburgh and Edinburgh", "Pittsburgh and Edinburgh"),
    ("Hamburgers and icebergs", "Hamburgers and icebergs"),
    ("Berg, Burg and BLOOMBERG", "Berg, Burg and BLOOMBERG"),
]


@pytest.mark.parametrize(("spoken", "given"), ESPEAK_WORDS)
def test_pyttsx3_is_given_names_it_says_right(spoken: str, given: str) -> None:
    assert ENGINES["pyttsx3"].spoken(spoken) == given


def test_piper_is_given_names_as_written() -> None:
    """piper phonemises through espeak-ng too, but its voice was not measured with the names rule."""
    assert ENGINES["piper"].spoken("Bloomberg's AI") == "Bloomberg's A-I"


def _chosen_voice(language: str, name: str = "") -> str:
    """The espeak-ng voice pyttsx3 speaks with, asked in a process of its own: espeak-ng is
    loaded once per process, and never in the test runner's (see podcast.speech)."""
    code = (
        "import sys; from podcast.engines import Pyttsx3Engine, Voice; "
        "print(Pyttsx3Engine(Voice(engine='pyttsx3', name=sys.argv[2], language=sys.argv[1]))._voice)"
    )
    run = subprocess.run([sys.executable, "-c", code, language, name], capture_output=True, text=True, check=True)
    return run.stdout.strip()


@pytest.mark.parametrize("language", ["en-US", "en-GB", "en"])
def test_english_speaks_with_the_voice_whisper_hears_best(language: str) -> None:
    assert _chosen_voice(language).lower() == f"{Pyttsx3Engine.ENGLISH_VOICE}+{Pyttsx3Engine.ENGLISH_VARIANT}"


def test_a_named_voice_and_other_languages_keep_their_own() -> None:
    assert _chosen_voice("en-US", "gmw/en-us") == "gmw/en-us"
    assert _chosen_voice("fr-FR") == "roa/fr"
