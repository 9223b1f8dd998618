"""Written English -> the exact text a speech engine should say.

espeak-ng reads what it is given literally: "10-15" as "ten dash fifteen", "2024" as "two
thousand twenty four", "$5.99" as "dollar five point nine nine", "U.S." as "us" and URLs letter by
letter. pyttsx3 passes no SSML, so every fix has to happen in the text itself. Doing it here, once,
also means the narration script a person reviews shows exactly what will be heard.

The work is an ordered pipeline of small steps (see `speakable`): characters are normalised,
lexicon entries are set aside, reader-only references are dropped, then URLs, abbreviations,
pauses, numbers, acronyms and symbols are rewritten in that order, because each step relies on
the earlier ones having removed what would confuse it (a URL's dots are not decimals, "U.S." is
not two sentences, "GPT-4" is not a range). All number words come from num2words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from podcast.letters import letters_dotted, letters_joined
from podcast.numbers import _NUMBER_RULES, _say_phone
from podcast.pointers import _EMAIL, _URL, _drop_reader_references, _say_email, _say_url, may_hold_url
from podcast.rewriting import Rule, Rules
from podcast.sentences import _keep_stop, _sentence_ends_at, sentences

__all__ = ["letters_dotted", "letters_joined", "sentences", "speakable", "written_sentences"]


def written_sentences(text: str) -> list[str]:
    """The sentences of written text, its typography made plain first (so that a sentence ending
    in a curly quote ends there): what a transcript shows beside each spoken sentence.

    >>> written_sentences("He said “go.” Then he left.")
    ['He said "go."', 'Then he left.']
    """
    return sentences(_normalise_characters(text))


# --- Characters -----------------------------------------------------------------------------------

_CHARACTERS = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
        "™": "", "®": "", "©": "",
    }
)


def _normalise_characters(text: str) -> str:
    """Straight quotes, compatibility forms ("…" -> "...", "①" -> "1"), no control or format
    characters (they are invalid in XML and espeak may read them), and single spaces.

    >>> _normalise_characters("Meta’s  “AI”…\\x00")
    'Meta\\'s "AI"...'
    """
    if not text.isascii():  # ASCII has nothing to translate and is its own NFKC form
        text = unicodedata.normalize("NFKC", text.translate(_CHARACTERS))
    if text.isprintable():  # no control or format characters, no whitespace but " ": most text
        return " ".join(text.split())
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or not unicodedata.category(char).startswith("C")
    )
    return " ".join(text.split())


# Characters espeak reads aloud by name ("hash", "underscore", "bar") or that are not speech.
_ODD = re.compile(r"[#*_<>\[\]{}|~^\\`]")


# --- Lexicon --------------------------------------------------------------------------------------

# Private-use code points (category Co), never in normalised text: plane 15 has room for 65534
# entries, and plane 16 after it as many again.
_PLACEHOLDER_BASE = 0xF0000


def _set_aside_lexicon(text: str, lexicon: Mapping[str, str]) -> tuple[str, list[str]]:
    """Replace lexicon entries by placeholders so later rules cannot re-read what the lexicon says.

    Entries match whole words only, case-sensitively, the longest entry first.

    >>> _set_aside_lexicon("Zuck met Zuckerberg and Zuck", {"Zuck": "Zuk"})
    ('\\U000f0000 met Zuckerberg and \\U000f0000', ['Zuk'])
    """
    entries = sorted((key for key in lexicon if key.strip()), key=len, reverse=True) if lexicon else []
    if not entries:
        return text, []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, entries)) + r")(?!\w)")
    held: dict[str, int] = {}  # one placeholder per entry, however often it occurs

    def hold(match: re.Match[str]) -> str:
        return chr(_PLACEHOLDER_BASE + held.setdefault(match.group(), len(held)))

    text = pattern.sub(hold, text)
    return text, [lexicon[entry] for entry in held]


def _restore_lexicon(text: str, said: list[str]) -> str:
    for index, spoken in enumerate(said):
        text = text.replace(chr(_PLACEHOLDER_BASE + index), spoken)
    return text


# --- Abbreviations and pauses ---------------------------------------------------------------------

_ABBREVIATIONS = {
    "e.g.": "for example",
    "i.e.": "that is",
    "a.k.a.": "also known as",
    "vs.": "versus",
    "vs": "versus",
    "etc.": "etcetera",
    "approx.": "approximately",
    "Dr.": "Doctor",
    "Mr.": "Mister",
    "Mrs.": "Missus",
    "Prof.": "Professor",
}


def _say_street_or_saint(match: re.Match[str]) -> str:
    """"St. Louis" is a saint; "Baker St." is a street."""
    before_a_name = re.match(r"\s+[A-Z]", match.string[match.end():])
    if before_a_name and not _sentence_ends_at(match.string, match.end()):
        return "Saint"
    return _keep_stop(match, "Street")


# A summary's label opening a sentence: "TL;DR:", "tldr —" (not "the TL;DR of it").
_TLDR = re.compile(r"\A(?:tl;? ?dr|tldr)(?:\s*[:.—–-]+\s*(?=\S)|\s*[:.]?\Z)", re.IGNORECASE)


def _say_in_short(match: re.Match[str]) -> str:
    """A summary's label opening a sentence, "TL;DR:", as a reader says it: "In short".

    >>> speakable("TL;DR: ship small."), speakable("tl;dr — we shipped late."), speakable("TLDR")
    ('In short: ship small.', 'In short: we shipped late.', 'In short.')
    >>> speakable("The TL;DR of it is short."), speakable("Tlaxcala said tldr: no.")
    ('The TL;DR of it is short.', 'Tlaxcala said tldr: no.')
    """
    return "In short: " if match.end() < len(match.string) else "In short."


_ABBREVIATION_RULES: list[Rule] = [
    (
        re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, _ABBREVIATIONS)) + r")(?![\w.])"),
        lambda match: _keep_stop(match, _ABBREVIATIONS[match.group()]),
        tuple(_ABBREVIATIONS),
    ),
    (re.compile(r"\bSt\.(?!\w)"), _say_street_or_saint, ("St.",)),
    (re.compile(r"\bNo\.(?=\s?[0-9])"), "number", ("No.",)),
    # Dotted initialisms: "U.S." -> "US", an acronym like any other (engines never read it "us").
    (
        re.compile(r"\b(?:[A-Z]\.){2,}(?!\w)"),
        lambda match: _keep_stop(match, match.group().replace(".", "")),
        (".",),
        re.compile(r"[A-Z]\.[A-Z]\."),
    ),
]


def _pause_unless_range(match: re.Match[str]) -> str:
    """A dash is a pause, except a hyphen or en dash between digits: that is a range ("10-15")."""
    text, start, end = match.string, match.start(), match.end()
    between_digits = text[start - 1 : start].isdigit() and text[end : end + 1].isdigit()
    return match.group() if between_digits and match.group().strip() in "-–" else ", "


# Dashes and brackets are pauses, not words.
_PAUSE_RULES: list[Rule] = [
    # Phone numbers first, before their brackets become pauses and their dash a range: "555-1234",
    # "(555) 123-4567". A local number's exchange never starts with 0 or 1, and a range's upper
    # end is rarely so precise ("200-1000" stays a range).
    (
        re.compile(
            r"(?<![\w.,-])(?:\(?[2-9][0-9]{2}\)?[ .-]?)?[2-9][0-9]{2}-(?![0-9]{2}00)[0-9]{4}(?![0-9]|[.,-][0-9])"
        ),
        lambda match: _say_phone(match),
        ("-",),
    ),
    (re.compile(r"\s*(?:—|--+|–|(?<=\s)-(?=\s))\s*"), _pause_unless_range, ("—", "-", "–")),
    (re.compile(r"\[[0-9]+\]"), "", ("[",)),  # footnote markers
    (re.compile(r"\s*[()\[\]{}]\s*"), ", ", tuple("()[]{}")),
]


# --- Symbols --------------------------------------------------------------------------------------

# After a slash, these make it "per": "km/h" is "km per h".
_PER = frozenset("h hr hour s sec second min minute day week month year yr kg km".split())

_SYMBOL_RULES: list[Rule] = [
    (re.compile(r"\s*&\s*"), " and ", ("&",)),
    (re.compile(r"\s*%"), " percent", ("%",)),
    (re.compile(r"\s*\+\s*"), " plus ", ("+",)),
    (re.compile(r"(?<![\w.])@(?=\w)"), "at ", ("@",)),
    (re.compile(r"\s*@\s*"), " at ", ("@",)),
    (re.compile(r"\band/or\b"), "and or", ("and/or",)),
    # "firms/humans" -> "firms or humans"; "km/h" -> "km per h".
    (
        re.compile(r"(?<=[A-Za-z])/([A-Za-z]+)"),
        lambda m: (" per " if m.group(1).lower() in _PER else " or ") + m.group(1),
        ("/",),
    ),
]

# For normalised text, whose only white space is single spaces (so two in a row is what "\s+"
# needs to change anything). The comma rules come after the one that takes the space out before
# a stop or comma, so a comma they could change has a stop or comma right next to it, or opens
# the text: the tests for that spare most sentences (which hold commas) three scans.
_TIDY_RULES: list[Rule] = [
    (_ODD, " ", tuple("#*_<>[]{}|~^\\`")),
    (re.compile(r"\s+"), " ", ("  ",)),
    (re.compile(r"\s+([,.!?;:])"), r"\1", tuple(" " + stop for stop in ",.!?;:")),
    (re.compile(r",(?:\s*,)+"), ",", (",,",)),
    (re.compile(r",\s*([.!?;:])"), r"\1", tuple("," + stop for stop in ".!?;:")),
    (re.compile(r"(^|[.!?;:]\s)\s*,\s*"), r"\1", (",",), re.compile(r"^\s*,")),
]


_WORDING = Rules(_ABBREVIATION_RULES, _PAUSE_RULES, _NUMBER_RULES, _SYMBOL_RULES)
_TIDYING = Rules(_TIDY_RULES)


def speakable(text: str, lexicon: Mapping[str, str] | None = None) -> str:
    """Turn one paragraph of written English into exactly what the speech engine should say.

    `lexicon` maps a word or phrase, matched whole and case-sensitively, to how to say it; its
    entries win over every other rule.

    >>> speakable("In 2024 the U.S. spent $1.2 billion on AI (see the chart below).")
    'In twenty twenty-four the US spent one point two billion dollars on AI.'
    """
    text = _normalise_characters(text)
    text, said = _set_aside_lexicon(text, lexicon or {})
    text = _drop_reader_references(text)
    if "@" in text:
        text = _EMAIL.sub(_say_email, text)
    if may_hold_url(text):
        text = _URL.sub(_say_url, text)
    if text[:2].lower() == "tl":  # before the dash after it is a pause
        text = _TLDR.sub(_say_in_short, text, count=1)
    text = _WORDING(text)
    # Again, for what the lexicon says: it may hold curly quotes or control characters too.
    text = _normalise_characters(_restore_lexicon(text, said))
    return _TIDYING(text).lstrip(" ,;:").rstrip(" ,;")
