"""Where sentences end in written English: after abbreviations, initials and decimals they do not.

Speech is said sentence by sentence and the transcript pairs written with spoken sentences, so
both the written text and its spoken form are split here, by the same rules.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
    return list(_sentences(text))


@lru_cache(maxsize=64)
def _sentences(text: str) -> tuple[str, ...]:
    """`sentences`, remembered for the last few texts: narration splits each sentence again
    (to pair its written and spoken forms) right after splitting its paragraph."""
    text = " ".join(text.split())
    found, start = [], 0
    for match in _SENTENCE_PUNCT.finditer(text):
        if _is_sentence_break(text, match):
            found.append(text[start : match.end()].strip())
            start = match.end()
    found.append(text[start:].strip())
    return tuple(sentence for sentence in found if sentence)


def _keep_stop(match: re.Match[str], spoken: str) -> str:
    """Give back the full stop an abbreviation swallowed when it also ended the sentence."""
    ends = match.group().endswith(".") and _sentence_ends_at(match.string, match.end())
    return spoken + "." if ends else spoken
