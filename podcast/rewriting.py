"""Ordered rewriting rules, each with a cheap test that spares the text its regular expression.

A spoken form is made by some forty substitutions in a fixed order; most paragraphs hold nothing
most of them look for, and a test on the set of the text's characters costs far less than a scan
by a pattern (or than forty substring searches: a paragraph is spoken sentence by sentence, so
the tests run some two million times for a long article).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Replacement = str | Callable[[re.Match[str]], str]
# A pattern, its replacement, and what the text must hold for the pattern to match at all: one of
# some strings, and (a fourth item, where the strings say too little) a match of a simpler
# pattern. The test spares most sentences most of the ~40 regular expressions.
Rule = tuple[re.Pattern[str], Replacement, tuple[str, ...]] | tuple[re.Pattern[str], Replacement, tuple[str, ...], re.Pattern[str]]

# Characters most text holds: a needed string is best recognised by one of its others.
_COMMON = frozenset("abcdefghijklmnopqrstuvwxyz .,")


class Rules:
    """Rules applied in order, each only where the text holds what it needs.

    What a rule needs is first judged by characters: the rarest one of each string it needs
    must be in the text. Which rules pass that test depends only on which of those characters
    the text holds, so the answer is kept per such set, and a sentence walks through the few
    rules that may apply (their strings and simpler patterns then searched for) instead of all
    forty. After a rule changed the text, the walk goes on with the rules after it, chosen again.
    """

    def __init__(self, *rules: Sequence[Rule]) -> None:
        self._steps = [_step(rule) for group in rules for rule in group]
        self._keys = frozenset().union(*(key for _, _, key, _, _ in self._steps if key))
        self._chosen: dict[frozenset[str], list[int]] = {}

    def __call__(self, text: str) -> str:
        start = 0
        while True:
            for index in self._candidates(text):
                if index < start:
                    continue
                pattern, replacement, _, needs, refined = self._steps[index]
                if needs is not None and not any(map(text.__contains__, needs)):
                    continue
                if refined is not None and not refined(text):
                    continue
                changed = pattern.sub(replacement, text)
                if changed is not text:  # sub gives back the very string when nothing matched
                    text, start = changed, index + 1
                    break
            else:
                return text

    def _candidates(self, text: str) -> list[int]:
        """The rules whose characters `text` holds, by index."""
        present = self._keys.intersection(text)
        chosen = self._chosen.get(present)
        if chosen is None:
            if len(self._chosen) >= _KEPT:
                self._chosen.clear()
            chosen = self._chosen[present] = [
                index for index, (_, _, key, _, _) in enumerate(self._steps) if key is None or not key.isdisjoint(present)
            ]
        return chosen


# Sets of characters remembered per Rules; a text holds one of a few hundred in practice.
_KEPT = 4096


_Step = tuple[
    re.Pattern[str],
    Replacement,
    frozenset[str] | None,
    tuple[str, ...] | None,
    Callable[[str], object] | None,
]


def _step(rule: Rule) -> _Step:
    """A rule with its test in three: the characters (one of which must be present), the strings
    searched for only then (None when the characters say it all), and the simpler pattern."""
    pattern, replacement, needs, *refined = rule
    search = refined[0].search if refined else None
    if not needs:
        return pattern, replacement, None, None, search
    key = frozenset(_rarest(need) for need in needs)
    return pattern, replacement, key, None if all(len(need) == 1 for need in needs) else needs, search


def _rarest(need: str) -> str:
    """The character of `need` that the fewest texts hold: a sign or digit, else a capital.

    >>> _rarest("St."), _rarest("e.g."), _rarest("Jan"), _rarest("0s"), _rarest("vs")
    ('S', '.', 'J', '0', 'v')
    """
    ranked = sorted(need, key=lambda char: (char in _COMMON, char.isalpha(), char in ".,"))
    return ranked[0]
