"""What only a reader can use, made fit for a listener: pointers at the page ("see the chart
below", "click here") are dropped, links and e-mail addresses said the way people read them out.
"""

from __future__ import annotations

import re

from podcast.sentences import _sentence_ends_at, sentences

# --- References only a reader can use -------------------------------------------------------------

# Parenthesised asides that point at the page: "(pictured)", "(see the chart above)", "(Photo: AP)".
_POINTER_ASIDE = re.compile(
    r"\s*\((?:[^()]*\b(?:see|pictured|click|tap|watch|photo|image|video|chart|graph|figure)\b"
    r"[^()]*|above|below)\)",
    re.IGNORECASE,
)
# A phrase that only makes sense to someone looking at the page (or able to answer on it).
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
      | ^pictured\b
      | \b(?:share|tell\s+(?:me|us)|leave|drop|post|write|add|let\s+(?:me|us)\s+know)\b[^.?!]{0,60}?
        \s(?:in\s+the\s+comments?(?:\s+section)?|(?:a\s+)?comment\s+below)\b
      | \b(?:hit|just)\s+reply\b | ^reply\s+(?:to\s+this\s+(?:e-?mail|post|newsletter)|and\s+(?:tell|let))\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Every pointer above holds one of these words: a sentence without any has no pointer.
_POINTER_WORDS = ("click", "tap", "bio", "video", "above", "below", "watch", "view", "pictured", "comment", "reply")
_POINTER_WORD = re.compile("|".join(_POINTER_WORDS), re.IGNORECASE)


def _has_pointer_word(text: str) -> bool:
    """`_POINTER_WORD.search`, quicker: ASCII text lower-cased is what the pattern matches,
    ignoring case, and substring tests take a tenth of its time."""
    if not text.isascii():
        return bool(_POINTER_WORD.search(text))
    lowered = text.lower()
    return any(map(lowered.__contains__, _POINTER_WORDS))


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
    if not _has_pointer_word(sentence):
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
    """`text` (normalised: single spaces) without what only a reader can use.

    A text with no bracket, no colon and none of the pointer words has nothing to drop: its
    sentences, joined again, are the text itself.
    """
    if "(" not in text and ":" not in text and not _has_pointer_word(text):
        return text
    kept = (_without_pointers(sentence) for sentence in sentences(text))
    return " ".join(sentence for sentence in kept if sentence)


# --- URLs and e-mail addresses --------------------------------------------------------------------

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_TLDS = "com|org|net|io|ai|co|dev|app|edu|gov|uk|us|de|fr|eu|tv|me|info|news"
_URL = re.compile(
    rf"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*|\b(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?:/\S*)?",
    re.IGNORECASE,
)


def may_hold_url(text: str) -> bool:
    """Whether `text` has what every URL has: "://", or a dot after "www" or before a letter (a
    top-level domain). Far cheaper than looking for URLs, and most sentences have neither.

    >>> may_hold_url("It ended."), may_hold_url("See example.org"), may_hold_url("ftp://x")
    (False, True, True)
    """
    if "://" in text:
        return True
    dot = text.find(".")
    while dot != -1:
        if text[dot + 1 : dot + 2].isalpha() or text[max(dot - 3, 0) : dot].lower() == "www":
            return True
        dot = text.find(".", dot + 1)
    return False


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
