"""Acronyms and names as the speech engines need them: the script keeps "AI" and "Bloomberg" as
written, and each engine's adapter spells the letters out its own way ("A-I" for espeak-ng, "A.I."
for hibari) and, for espeak-ng, marks where a compound name's parts meet ("Bloom-berg").
"""

from __future__ import annotations

import re

# --- Acronyms, for the engines ---------------------------------------------------------------------

# All-caps words said as words; any other all-caps token of 2-5 letters is said letter by letter.
_WORD_ACRONYMS = frozenset(
    "NASA NATO UNESCO OPEC SIM LASER SCUBA UNICEF FIFA NAFTA COVID AIDS RAM ROM PIN RADAR SONAR "
    "IKEA DARPA FEMA CERN ISIS ASEAN GIF JPEG JSON MIDI SARS MERS POTUS FOMO YOLO NIMBY SWAT "
    "WASP LEGO".split()
)
_ACRONYM = re.compile(r"\b([A-Z]{2,5})(s|'s)?\b")


def _spelled(text: str, separator: str, last: str) -> str:
    """Every acronym said letter by letter written with `separator` between its letters and
    `last` after them (unless a full stop follows already)."""

    def spell(match: re.Match[str]) -> str:
        letters, plural = match.groups()
        if letters in _WORD_ACRONYMS:
            return match.group()
        end = "" if match.string.startswith(".", match.end()) and not plural else last
        return separator.join(letters) + end + ("'s" if plural else "")

    return _ACRONYM.sub(spell, text)


def letters_joined(text: str) -> str:
    """An engine adapter for espeak-ng (pyttsx3 and piper): acronyms as "A-I", "C-O-S", "C-E-O's".

    The script keeps acronyms as written ("AI", "CEO"), which is what a reviewer reads. espeak-ng
    reads "AR" and "COS" as words, and "A I" with the article "uh"; letters joined by hyphens it
    says as letters, the phonemes of "A-I" being those it gives "AI".

    >>> letters_joined("Meta AI and the CEOs of NASA, AR and VR firms")
    "Meta A-I and the C-E-O's of NASA, A-R and V-R firms"
    """
    return _spelled(text, "-", "")


def letters_dotted(text: str) -> str:
    """An engine adapter for hibari: acronyms as "A.I.", "C.O.S.", "C.E.O.'s".

    hibari reads an all-caps word it does not know as the lower-case word ("COS" as "cos", "IT"
    as "it"), and a hyphenated "A-I" after "for" as "uh I"; dotted letters it always says as
    letters.

    >>> letters_dotted("Meta AI and the CEOs of NASA, AR and VR firms. We love AI.")
    "Meta A.I. and the C.E.O.'s of NASA, A.R. and V.R. firms. We love A.I."
    """
    return _spelled(text, ".", ".")


# --- Names, for espeak-ng --------------------------------------------------------------------------

# A capitalised name compounded with -berg or -burg ("Bloomberg", "Spielberg", "Hamburg"), and its
# plural or possessive; not "burgh" ("Edinburgh") nor a longer word ("Hamburger").
_BERG_NAME = re.compile(r"\b([A-Z][a-z]+)(b(?:erg|urg))(?=(?:s|'s|’s)?\b)")


def espeak_words(text: str) -> str:
    """The adapter for pyttsx3 (espeak-ng): acronyms as `letters_joined` gives them, and names
    compounded with -berg or -burg written with a hyphen where the parts meet.

    espeak-ng's English spelling rules drop the "b" of "mb" after a long vowel, right for "tomb"
    and "plumber", so it says "Bloomberg" and "Romberg" without their "b" (Whisper base heard
    "Duma", "blumers", "Ramon"); and it runs a long name into one word that Whisper heard as
    "Nuckabird" for "Zuckerberg". Given "Bloom-berg", "Zucker-berg", it says both parts as spelled.
    Measured on `bench/names.txt`, thirty news sentences full of names none of which is the real
    article's: 32 and 25 word errors in two runs without this rule, 26 and 20 with it.

    >>> espeak_words("Bloomberg's AI, Spielberg and Hamburg; not Edinburgh, hamburgers or icebergs")
    "Bloom-berg's A-I, Spiel-berg and Ham-burg; not Edinburgh, hamburgers or icebergs"
    """
    return _BERG_NAME.sub(r"\1-\2", letters_joined(text))
