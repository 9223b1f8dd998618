"""Ordered rewriting rules, each with a cheap test that spares the text its regular expression.

A spoken form is made by some forty substitutions in a fixed order; most paragraphs hold nothing
most of them look for, and a substring test costs far less than a scan by a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A pattern, its replacement, and what the text must contain (one of) for the pattern to match at
# all: the cheap test spares most paragraphs most of the ~40 regular expressions.
Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str], tuple[str, ...]]
_ALWAYS: tuple[str, ...] = ()


def _apply(rules: list[Rule], text: str) -> str:
    for pattern, replacement, needs in rules:
        if not needs or any(map(text.__contains__, needs)):
            text = pattern.sub(replacement, text)
    return text
