"""Numbers as people say them: money, dates, times, years, decades, ranges, fractions, versions,
phone numbers, temperatures. Every number word comes from num2words; each result is cached,
since an article repeats its numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

from podcast.rewriting import Rule
from podcast.sentences import _keep_stop

_DIGITS = tuple("0123456789")
_DIGIT_DOT_DIGIT = re.compile(r"[0-9]\.[0-9]")  # a version has one
# A digit with a letter before it (or a letter and a hyphen) or after it; starting with the digit
# lets the pattern skip straight to digits, which are few.
_LETTER_MEETS_DIGIT = re.compile(r"[0-9](?:(?<=[A-Za-z][0-9])|(?<=[A-Za-z]-[0-9])|[A-Za-z])")
_MONTH_STARTS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


def number_words(number: int) -> str:
    """A count in words, said as every number of the narration is: "one hundred one".

    >>> number_words(3), number_words(101)
    ('three', 'one hundred one')
    """
    return _cardinal(str(number))


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
    return len(number) == 4 and number.isdigit() and 1100 <= int(number) <= 2099


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
    (
        re.compile(rf"(?<![0-9:.,])(?P<hour>1[0-2]|0?[1-9]){_MERIDIEM}"),
        _say_time,
        _DIGITS,
        re.compile(r"[0-9]\s?[AaPp][.Mm]"),
    ),
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
        _DIGITS,
        re.compile(r"[0-9](?:st|nd|rd|th)"),
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
    (re.compile(r"(?<=[A-Za-z])-?(?=[0-9])|(?<=[0-9])(?=[A-Za-z])"), " ", _DIGITS, _LETTER_MEETS_DIGIT),
    (
        re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+){2,})(?![0-9])"),
        lambda match: _version(match.group(1)),
        _DIGITS,
        _DIGIT_DOT_DIGIT,
    ),
    (
        re.compile(
            r"(?<![\w.])(?P<name>[A-Za-z]+)\s(?P<version>[0-9]+\.[0-9]+)(?![0-9]|[.,][0-9])"
        ),
        _say_version,
        _DIGITS,
        _DIGIT_DOT_DIGIT,
    ),
    (re.compile(r"(?<![\w.,])-(?=[0-9])"), "minus ", ("-",)),
    (
        re.compile(
            r"(?<![0-9.,])(1[1-9][0-9]{2}|20[0-9]{2})"
            rf"(?![0-9]|[.,][0-9]|%|\s?(?:{_UNITS})\b)"
        ),
        lambda match: _year(match.group(1)),
        _DIGITS,
        re.compile(r"[12][0-9]{3}"),
    ),
    # Every digit the rules above left: "12,500", "3.14", ".5", "42". That is
    # (?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|(?<![\w.])\.[0-9]+ written to start with
    # one character class, which lets the pattern skip straight to digits and dots (a third of
    # the time on a sentence).
    (
        re.compile(r"[0-9.](?:(?<=[0-9])(?:[0-9]{0,2}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?|(?<=\.)(?<![\w.]\.)[0-9]+)"),
        lambda match: _number(match.group()),
        _DIGITS,
    ),
]
