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
from collections.abc import Callable, Mapping
from functools import lru_cache

from num2words import num2words

__all__ = ["letters_dotted", "letters_joined", "sentences", "speakable", "written_sentences"]

# A pattern, its replacement, and what the text must contain (one of) for the pattern to match at
# all: the cheap test spares most paragraphs most of the ~40 regular expressions.
Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str], tuple[str, ...]]
_ALWAYS: tuple[str, ...] = ()
_DIGITS = tuple("0123456789")
_MONTH_STARTS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _apply(rules: list[Rule], text: str) -> str:
    for pattern, replacement, needs in rules:
        if not needs or any(map(text.__contains__, needs)):
            text = pattern.sub(replacement, text)
    return text


# --- Sentences ------------------------------------------------------------------------------------

# Words that start sentences. After an abbreviation that may also end a sentence ("U.S.", "etc.",
# "p.m."), a following capitalised word only starts a new sentence if it is one of these: "the U.S.
# Senate" stays one sentence, "in the U.S. The vote" is two.
_OPENERS = frozenset(
    "A An And As At But By During For From He Her His How However I If In It Its Many Most Now On "
    "One Our She So Some That The Their Then There These They This Those Today We What When Where "
    "Which While Who Why With Yet You".split()
)
# Abbreviations that never end a sentence: the word after them belongs to the same sentence.
_NEVER_FINAL = frozenset(
    "Dr Mr Mrs Ms Prof St Mt Sen Rep Gov Gen Col Lt Capt Rev No Nos vs v cf approx Fig e.g i.e "
    "a.k.a Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
# Abbreviations that end a sentence only when an opener follows (see _OPENERS).
_MAYBE_FINAL = frozenset("etc Inc Ltd Corp Co Jr Sr a.m p.m".split())
_SENTENCE_PUNCT = re.compile(r"""[.!?…]+["')\]]*(?=\s)""")


def _sentence_ends_at(text: str, end: int) -> bool:
    """Whether a sentence can end at `end`, judged by the word that follows.

    >>> _sentence_ends_at("in the U.S. The vote", 11), _sentence_ends_at("the U.S. Senate", 8)
    (True, False)
    """
    if not _NON_SPACE.search(text, end):
        return True
    follower = _FOLLOWER.match(text, end)
    return bool(follower and follower.group(1) in _OPENERS)


# These look at the text from a position on, never copying the rest of it: a paragraph of a
# thousand sentences would otherwise be copied a thousand times.
_NON_SPACE = re.compile(r"\S")
_FOLLOWER = re.compile(r"""\s+["']?([A-Z][a-z]*)\b""")
_NEXT_CHARACTER = re.compile(r"\s*(\S?)")


def _word_before(text: str, end: int) -> str:
    """The run of word characters, dots, apostrophes and hyphens that ends at `end`.

    >>> _word_before("in the U.S. now", 11)
    'U.S.'
    """
    start = end
    while start and (text[start - 1].isalnum() or text[start - 1] in "_.'-"):  # \w is alnum or _
        start -= 1
    return text[start:end]


def _is_sentence_break(text: str, match: re.Match[str]) -> bool:
    if _NEXT_CHARACTER.match(text, match.end()).group(1).islower():
        return False
    if match.group().rstrip("\"')]") != ".":
        return True
    word = _word_before(text, match.start())
    if word in _NEVER_FINAL:
        return False
    if word in _MAYBE_FINAL or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]", word):
        return _sentence_ends_at(text, match.end())
    return True


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations, initials and decimals whole.

    Speech is synthesised sentence by sentence (pyttsx3's cost grows with the square of a text's
    length), so a wrong split puts a pause inside "Dr. Smith" or "3.5".

    >>> sentences("Dr. Smith moved to the U.S. in 2020. He earns 3.5 times more!")
    ['Dr. Smith moved to the U.S. in 2020.', 'He earns 3.5 times more!']
    """
    text = " ".join(text.split())
    found, start = [], 0
    for match in _SENTENCE_PUNCT.finditer(text):
        if _is_sentence_break(text, match):
            found.append(text[start : match.end()].strip())
            start = match.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]


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
    entries = sorted((key for key in lexicon if key.strip()), key=len, reverse=True)
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


# --- References only a reader can use -------------------------------------------------------------

# Parenthesised asides that point at the page: "(pictured)", "(see the chart above)", "(Photo: AP)".
_POINTER_ASIDE = re.compile(
    r"\s*\((?:[^()]*\b(?:see|pictured|click|tap|watch|photo|image|video|chart|graph|figure)\b"
    r"[^()]*|above|below)\)",
    re.IGNORECASE,
)
# A phrase that only makes sense to someone looking at the page.
_POINTER = re.compile(
    r"""\b(?:click|tap)\s+(?:here|on\s+the\s+link|the\s+link)\b
      | \blink\s+in\s+(?:the\s+|my\s+|our\s+)?bio\b
      | \b(?:watch|see|view)\s+the\s+(?:full\s+|whole\s+)?video\b
      | \b(?:watch|see|view|read|listen\s+to|find|check\s+out|shown|seen|pictured|embedded|linked)
        \b(?:\s+\S+){0,8}?\s+(?:above|below)\s*$
      | \b(?:chart|graph|table|figure|image|photo|picture|map|video|clip|tweet|post|link)
        \s+(?:above|below)\b
      | ^(?:you\s+can\s+(?:also\s+)?)?(?:watch|view)\s+(?:\S+\s+){0,5}?
        (?:talk|keynote|presentation|session|recording|webinar|livestream|panel|demo)s?\b
      | ^pictured\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Every pointer above holds one of these words: a sentence without any has no pointer.
_POINTER_WORD = re.compile(r"click|tap|bio|video|above|below|watch|view|pictured", re.IGNORECASE)
# Lines that only introduce a link: "Read more: ...", "Source: ...".
_POINTER_LEAD = re.compile(r"^(?:read more|related|see also|source|via)\s*:", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"(\s*[,;:]\s+|\s*—\s*|\s+[–-]\s+)")
# Clauses that only lead into the main one: "For the full list, click here."
_LEAD_IN = re.compile(r"^(?:for|to|if|want|curious|interested|looking)\b", re.IGNORECASE)
# A pointer clause opening with one of these hangs off another clause and can go on its own.
_SUBORDINATE = re.compile(
    r"^(?:as|like|which|where|pictured|shown|seen|and|but|so|or)\b", re.IGNORECASE
)


def _without_pointers(sentence: str) -> str:
    """The sentence without what only a reader can use; "" if that was all it said.

    A pointer in the main clause ("You can watch the interview below:", "For more, click here.")
    drops the sentence; a pointer in a side clause ("..., as the chart above shows.") drops that
    clause.

    >>> _without_pointers("Sales rose, as the chart above shows.")
    'Sales rose.'
    >>> _without_pointers("For the full list, click here.")
    ''
    """
    if "(" in sentence:
        sentence = _POINTER_ASIDE.sub("", sentence)
    if _POINTER_LEAD.match(sentence):
        return ""
    if not _POINTER_WORD.search(sentence):
        return sentence
    body, end = re.match(r"(.*?)([.!?:]*[\"')]*)$", sentence).groups()
    parts = _CLAUSE_BREAK.split(body)
    clauses, breaks = parts[0::2], parts[1::2]
    points = [bool(_POINTER.search(clause)) for clause in clauses]
    if not any(points):
        return sentence
    for clause, pointer in zip(clauses, points):
        if pointer and not _SUBORDINATE.match(clause):
            return ""
        if not _LEAD_IN.match(clause):
            break
    kept = ""
    for index, clause in enumerate(clauses):
        if points[index]:
            continue
        if kept:
            kept += breaks[index - 1] if not points[index - 1] else " "
        kept += clause
    kept = kept.strip()
    if not re.search(r"\w", kept):
        return ""
    return kept[0].upper() + kept[1:] + end


def _drop_reader_references(text: str) -> str:
    kept = (_without_pointers(sentence) for sentence in sentences(text))
    return " ".join(sentence for sentence in kept if sentence)


# --- URLs and e-mail addresses --------------------------------------------------------------------

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_TLDS = "com|org|net|io|ai|co|dev|app|edu|gov|uk|us|de|fr|eu|tv|me|info|news"
_URL = re.compile(
    rf"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*|\b(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?:/\S*)?",
    re.IGNORECASE,
)


def _say_domain(url: str) -> str:
    """A URL as a listener can use it: its site, not its path.

    >>> _say_domain("https://www.example.com/a/b?c")
    'example dot com'
    """
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.IGNORECASE)
    host = re.split(r"[/?#:]", host.split("@")[-1])[0]
    host = re.sub(r"^www\.", "", host, flags=re.IGNORECASE)
    return " dot ".join(label for label in host.split(".") if label)


def _say_email(match: re.Match[str]) -> str:
    """An e-mail address, said the way people read one out.

    >>> _say_email(re.match(".*", "jo.li@example.com"))
    'jo dot li at example dot com'
    """
    user, domain = match.group().split("@")
    return " dot ".join(user.split(".")) + " at " + _say_domain(domain)


def _say_url(match: re.Match[str]) -> str:
    """The short domain, or nothing where a link stands bare at a sentence's end.

    A bare domain name is a name ("cloud.gov" as a heading), said like any other; a bare link
    (a scheme, "www." or a path) only points a reader somewhere.
    """
    url = match.group()
    trailing = re.search(r"""[.,;:!?)\]'"]*$""", url).group()
    url = url[: len(url) - len(trailing)]
    before = match.string[: match.start()].rstrip()
    bare = not before or before[-1] in ".!?:"
    link = re.search(r"://|^www\.|/", url, re.IGNORECASE)
    if link and bare and _sentence_ends_at(match.string, match.end()):
        return trailing
    return _say_domain(url) + trailing


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


def _keep_stop(match: re.Match[str], spoken: str) -> str:
    """Give back the full stop an abbreviation swallowed when it also ended the sentence."""
    ends = match.group().endswith(".") and _sentence_ends_at(match.string, match.end())
    return spoken + "." if ends else spoken


def _say_street_or_saint(match: re.Match[str]) -> str:
    """"St. Louis" is a saint; "Baker St." is a street."""
    before_a_name = re.match(r"\s+[A-Z]", match.string[match.end():])
    if before_a_name and not _sentence_ends_at(match.string, match.end()):
        return "Saint"
    return _keep_stop(match, "Street")


_ABBREVIATION_RULES: list[Rule] = [
    (
        re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, _ABBREVIATIONS)) + r")(?![\w.])"),
        lambda match: _keep_stop(match, _ABBREVIATIONS[match.group()]),
        (".", "vs"),
    ),
    (re.compile(r"\bSt\.(?!\w)"), _say_street_or_saint, ("St.",)),
    (re.compile(r"\bNo\.(?=\s?[0-9])"), "number", ("No.",)),
    # Dotted initialisms: "U.S." -> "US", an acronym like any other (engines never read it "us").
    (
        re.compile(r"\b(?:[A-Z]\.){2,}(?!\w)"),
        lambda match: _keep_stop(match, match.group().replace(".", "")),
        (".",),
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


# --- Numbers --------------------------------------------------------------------------------------


def _words(spoken: str) -> str:
    """num2words's British "and" and thousands commas removed: "two thousand five"."""
    return spoken.replace(",", "").replace(" and ", " ")


@lru_cache(maxsize=4096)
def _digits(digits: str) -> str:
    """Digit by digit, for leading zeros and numbers too long to say as one.

    >>> _digits("007")
    'zero zero seven'
    """
    return " ".join(num2words(int(digit)) for digit in digits)


@lru_cache(maxsize=4096)
def _cardinal(number: str) -> str:
    """An integer as words, with or without thousands separators.

    >>> _cardinal("12,500")
    'twelve thousand five hundred'
    """
    number = number.replace(",", "")
    if len(number) > 15 or (number.startswith("0") and len(number) > 1):
        return _digits(number)
    return _words(num2words(int(number)))


@lru_cache(maxsize=4096)
def _number(number: str) -> str:
    """A number with an optional decimal part, the decimals said digit by digit.

    >>> _number("3.14"), _number(".5")
    ('three point one four', 'point five')
    """
    whole, _, fraction = number.partition(".")
    words = [_cardinal(whole)] if whole else []
    if fraction:
        words += ["point", _digits(fraction)]
    return " ".join(words)


@lru_cache(maxsize=4096)
def _year(year: str) -> str:
    """A year as people say it.

    >>> [_year(y) for y in ("2024", "1999", "2005", "1905")]
    ['twenty twenty-four', 'nineteen ninety-nine', 'two thousand five', 'nineteen oh-five']
    """
    return _words(num2words(int(year), to="year"))


def _is_year(number: str) -> bool:
    return len(number) == 4 and 1100 <= int(number) <= 2099


def _plural(words: str) -> str:
    """The decade of a year said as words: "nineteen ninety" -> "nineteen nineties"."""
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _short_decade(digits: str) -> str:
    """A decade named by two digits, as in "the '80s".

    >>> _short_decade("80"), _short_decade("00")
    ('eighties', 'two thousands')
    """
    return _plural(_year("2000") if digits == "00" else _cardinal(digits))


@lru_cache(maxsize=4096)
def _ordinal(number: str) -> str:
    return _words(num2words(int(number.replace(",", "")), to="ordinal"))


_MONTHS = (
    "January February March April May June July August September October November December".split()
)
_MONTH_BY_ABBREVIATION = {month[:3]: month for month in _MONTHS} | {"Sept": "September"}
_MONTH = r"(?P<month>" + "|".join(_MONTHS + list(_MONTH_BY_ABBREVIATION)) + r")\b\.?"
_DAY = r"(?P<day>[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?\b(?![.,:][0-9])"


def _month(match: re.Match[str]) -> str:
    return _MONTH_BY_ABBREVIATION.get(match.group("month"), match.group("month"))


def _say_time(match: re.Match[str]) -> str:
    """"3:30 pm" -> "three thirty PM", "10:05" -> "ten oh five", "14:00" -> "fourteen hundred"."""
    hour, minute, meridiem = match.group("hour"), match.groupdict().get("minute"), match["meridiem"]
    spoken = _cardinal(hour)
    if minute and minute != "00":
        spoken += (" oh " if minute.startswith("0") else " ") + _cardinal(minute.lstrip("0"))
    elif minute and not meridiem:
        spoken += " o'clock" if int(hour) <= 12 else " hundred"
    if meridiem:
        return _keep_stop(match, spoken + " " + meridiem[0].upper() + "M")
    return spoken


_MERIDIEM = r"\s?(?P<meridiem>[AaPp])(?:\.[Mm]\.|[Mm]\b)"  # "pm", "PM", "p.m."

_CURRENCIES = {  # symbol: (one, many, one hundredth, many hundredths)
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "", ""),
}
# Dollars named by a country before the sign: "US$5", "A$20".
_DOLLAR_PREFIXES = {"US": "US", "A": "Australian", "C": "Canadian", "NZ": "New Zealand", "HK": "Hong Kong",
                    "S": "Singapore"}
_SCALES = {"k": "thousand", "K": "thousand", "m": "million", "M": "million", "bn": "billion",
           "B": "billion", "tn": "trillion", "T": "trillion"}
_AMOUNT = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"


def _say_money(match: re.Match[str]) -> str:
    """Money as people say it, the unit after the amount.

    "$5.99" -> "five dollars and ninety-nine cents", "$1.2 billion" -> "one point two billion
    dollars", "$10-20" -> "ten to twenty dollars". After "a" the amount describes a noun and the
    unit stays singular: "a $5 fee" -> "a five dollar fee".
    """
    one, many, cent, cents = _CURRENCIES[match.group("symbol")]
    if match.group("prefix"):  # "US$5" -> "five US dollars"
        country = _DOLLAR_PREFIXES[match.group("prefix")]
        one, many = f"{country} {one}", f"{country} {many}"
    amount, upper, scale, short = match.group("amount", "upper", "scale", "short")
    scale = scale or _SCALES.get(short or "")
    whole, _, fraction = amount.replace(",", "").partition(".")
    if scale or upper or len(fraction) != 2 or not cent:
        spoken = _number(amount) + (_range_word(match) + _number(upper) if upper else "")
        describes = re.search(r"\b[Aa]n?\s+$", match.string[: match.start()])
        plural = not describes and (scale or upper or amount not in ("1", "1.0", "1.00"))
        return spoken + (" " + scale if scale else "") + " " + (many if plural else one)
    parts = []
    if int(whole):
        parts.append(_cardinal(whole) + " " + (one if int(whole) == 1 else many))
    if int(fraction) or not parts:
        hundredths = _cardinal(fraction.lstrip("0") or "0")
        parts.append(hundredths + " " + (cent if fraction == "01" else cents))
    return " and ".join(parts)


def _range_word(match: re.Match[str]) -> str:
    """"between 1.5-2" is "between one point five and two"; any other range is "from ... to"."""
    return " and " if re.search(r"\bbetween\s+$", match.string[: match.start()], re.IGNORECASE) else " to "


def _say_range(match: re.Match[str]) -> str:
    """"10-15" -> "ten to fifteen"; "2010–2015" -> "twenty ten to twenty fifteen"."""
    low, high = match.group(1, 2)
    if _is_year(low):
        return _year(low) + _range_word(match) + (_year(high) if _is_year(high) else _cardinal(high))
    return _number(low) + _range_word(match) + _number(high)


def _say_phone(match: re.Match[str]) -> str:
    """A phone number digit by digit in its groups: "555-1234" is not a range.

    >>> _say_phone(re.match(r".*", "(555) 123-4567"))
    'five five five, one two three, four five six seven'
    """
    return ", ".join(_digits(group) for group in re.findall(r"[0-9]+", match.group()))


_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}


def _say_slash(match: re.Match[str]) -> str:
    """"1/2" -> "one half", "3/4" -> "three quarters"; numbers that are not a fraction are said
    one after the other: "24/7" -> "twenty-four seven".

    >>> [_say_slash(re.match(r"([0-9]+)/([0-9]+)", f)) for f in ("1/2", "2/3", "3/4", "24/7")]
    ['one half', 'two thirds', 'three quarters', 'twenty-four seven']
    """
    top, bottom = int(match.group(1)), int(match.group(2))
    if not 0 < top < bottom <= 10:
        return _cardinal(match.group(1)) + " " + _cardinal(match.group(2))
    one, many = _DENOMINATORS.get(bottom, (_ordinal(str(bottom)), _ordinal(str(bottom)) + "s"))
    return _cardinal(match.group(1)) + " " + (one if top == 1 else many)


_DEGREES = {"C": " degrees Celsius", "F": " degrees Fahrenheit", "": " degrees"}


# Capitalised words that come before a number without naming a product ("In 3.25 seconds").
_NOT_PRODUCTS = frozenset(
    "A About All Almost An And Are Around At But By Each For From In Is Just Nearly Now Of On "
    "Only Or Over Roughly Some Than The Then To Under Up Was Were With".split()
)


def _say_version(match: re.Match[str]) -> str:
    """"Python 3.12" -> "Python three point twelve": after a product name, dots separate numbers.

    Elsewhere "3.12" is a decimal, "three point one two".
    """
    name, version = match.group("name", "version")
    named = name != name.lower() and name not in _NOT_PRODUCTS
    if not (named or name in ("version", "release", "v")):
        return match.group()
    return name + " " + _version(version)


def _version(version: str) -> str:
    """Version parts are whole numbers: "3.12" is "three point twelve", not "point one two".

    >>> _version("3.12.1")
    'three point twelve point one'
    """
    return " point ".join(_cardinal(part) for part in version.split("."))


# After a four-digit number these words make it a quantity, not a year ("2048 bytes").
_UNITS = (
    r"percent|people|persons|users|customers|employees|workers|jobs|students|members|"
    r"subscribers|followers|downloads|views|visitors|votes|units|items|copies|words|pages|lines|"
    r"times|points|calories|steps|hours|minutes|seconds|days|weeks|months|years|miles|km|"
    r"kilometres|kilometers|metres|meters|feet|ft|kg|lbs?|tons|tonnes|mph|bytes|bits|pixels|px|"
    r"[kMGT]B|mAh|k?W|[MG]W|kWh|[kMG]?Hz|dollars|euros|pounds|yen|x"
)

_NUMBER_RULES: list[Rule] = [
    (re.compile(r"#(?=[0-9])"), "number ", ("#",)),
    (
        re.compile(
            r"(?<![0-9:])(?P<hour>[0-9]{1,2}):(?P<minute>[0-5][0-9])(?![0-9]|:[0-9])"
            rf"(?:{_MERIDIEM})?"
        ),
        _say_time,
        (":",),
    ),
    (re.compile(rf"(?<![0-9:.,])(?P<hour>1[0-2]|0?[1-9]){_MERIDIEM}"), _say_time, ("m", "M")),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}"), lambda m: _month(m) + " " + _ordinal(m.group("day")), _MONTH_STARTS),
    (
        re.compile(rf"(?<![0-9.,]){_DAY}\s+(?:of\s+)?{_MONTH}"),
        lambda m: "the " + _ordinal(m.group("day")) + " of " + _month(m),
        _MONTH_STARTS,
    ),
    (
        re.compile(
            rf"(?:\b(?P<prefix>{'|'.join(_DOLLAR_PREFIXES)})(?=\$))?(?P<symbol>[$€£¥])\s?(?P<amount>{_AMOUNT})"
            rf"(?:\s?[-–]\s?[$€£¥]?(?P<upper>{_AMOUNT}))?"
            r"(?:\s?(?P<scale>thousand|million|billion|trillion)\b|(?P<short>bn|tn|[kKmMBT])\b)?"
        ),
        _say_money,
        tuple("$€£¥"),
    ),
    (
        re.compile(r"(?<![0-9.,])([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:st|nd|rd|th)\b"),
        lambda match: _ordinal(match.group(1)),
        ("st", "nd", "rd", "th"),
    ),
    (
        re.compile(r"(?<![0-9.,])(1[1-9][0-9]0|20[0-9]0)'?s\b"),
        lambda match: _plural(_year(match.group(1))),
        ("0s", "0's"),
    ),
    (
        re.compile(r"(?<![\w.,'])'?([0-9]0)'?s\b"),
        lambda match: _short_decade(match.group(1)),
        ("0s", "0's"),
    ),
    (
        re.compile(
            r"(?<![\w.,-])([0-9]+(?:\.[0-9]+)?)\s?[-–]\s?([0-9]+(?:\.[0-9]+)?)"
            r"(?![0-9]|[.,-][0-9])"
        ),
        _say_range,
        ("-", "–"),
    ),
    (re.compile(r"(?<![\w.,/])([0-9]+)/([0-9]+)(?![\w/]|[.,][0-9])"), _say_slash, ("/",)),
    (
        re.compile(r"(?<![\w.])(-?[0-9]+(?:\.[0-9]+)?)\s?°(?:\s?([CF])(?![a-z]))?"),
        lambda match: match.group(1) + _DEGREES[match.group(2) or ""],
        ("°",),
    ),
    # Ratios: "3:1", "16:9" (a time has two digits after its colon, read above).
    (re.compile(r"(?<![0-9:.])([0-9]+):([0-9])(?![0-9:])"), lambda m: m.group(1) + " to " + m.group(2), (":",)),
    # "GPT-4" -> "GPT 4", "Q3" -> "Q 3", "5G" -> "5 G": letters and digits are said apart.
    (re.compile(r"(?<=[A-Za-z])-?(?=[0-9])|(?<=[0-9])(?=[A-Za-z])"), " ", _DIGITS),
    (
        re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+){2,})(?![0-9])"),
        lambda match: _version(match.group(1)),
        (".",),
    ),
    (
        re.compile(
            r"(?<![\w.])(?P<name>[A-Za-z]+)\s(?P<version>[0-9]+\.[0-9]+)(?![0-9]|[.,][0-9])"
        ),
        _say_version,
        (".",),
    ),
    (re.compile(r"(?<![\w.,])-(?=[0-9])"), "minus ", ("-",)),
    (
        re.compile(
            r"(?<![0-9.,])(1[1-9][0-9]{2}|20[0-9]{2})"
            rf"(?![0-9]|[.,][0-9]|%|\s?(?:{_UNITS})\b)"
        ),
        lambda match: _year(match.group(1)),
        _DIGITS,
    ),
    # Every digit the rules above left: "12,500", "3.14", ".5", "42".
    (
        re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|(?<![\w.])\.[0-9]+"),
        lambda match: _number(match.group()),
        _DIGITS,
    ),
]


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

_TIDY_RULES: list[Rule] = [
    (_ODD, " ", tuple("#*_<>[]{}|~^\\`")),
    (re.compile(r"\s+"), " ", _ALWAYS),
    (re.compile(r"\s+([,.!?;:])"), r"\1", _ALWAYS),
    (re.compile(r",(?:\s*,)+"), ",", (",",)),
    (re.compile(r",\s*([.!?;:])"), r"\1", (",",)),
    (re.compile(r"(^|[.!?;:]\s)\s*,\s*"), r"\1", (",",)),
]


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
    text = _EMAIL.sub(_say_email, text)
    text = _URL.sub(_say_url, text)
    text = _apply(_ABBREVIATION_RULES + _PAUSE_RULES + _NUMBER_RULES, text)
    text = _apply(_SYMBOL_RULES, text)
    # Again, for what the lexicon says: it may hold curly quotes or control characters too.
    text = _normalise_characters(_restore_lexicon(text, said))
    return _apply(_TIDY_RULES, text).lstrip(" ,;:").rstrip(" ,;")
