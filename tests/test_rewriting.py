"""The tests that spare a text the rules it cannot need change nothing: the rules give what
trying every one of them, in order, gives.

The spoken-form tables check what is said; these check the shortcuts against the long way, on
texts made of the pieces the rules look for (so that most texts trigger several of them).
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from podcast.numbers import _NUMBER_RULES
from podcast.pointers import _POINTER_WORD, _URL, _drop_reader_references, _has_pointer_word, _without_pointers, may_hold_url
from podcast.rewriting import Rule, Rules, _rarest
from podcast.sentences import sentences
from podcast.spoken import _ABBREVIATION_RULES, _PAUSE_RULES, _SYMBOL_RULES, _TIDY_RULES, _normalise_characters

PIECES = (
    "U.S. A.B.C. St. No. No.5 #5 # 10-15 2024 1999 1066 $5.99 US$5 €3 £1.50 ¥100 3:30 pm 10:05 14:00 3:1 16:9 "
    "7am 11 P.M. e.g. i.e. vs. vs etc. Dr. Mr. GPT-4 Q3 5G 1/2 3/4 24/7 km/h and/or firms/humans 80s '80s 1990s "
    "2000's 5th 21st 2nd 1,000 12,500 3.14 .5 Python 3.12 v2.0 3.12.1 -5 20°C 5° [1] (see the chart below) ( ) "
    "[ ] { } — -- – - & % + @ a@b.co https://x.org/a www.example.com WWW. cloud.gov click here watch the video "
    "above Read more: Source: The In AI CEOs NASA a.m. p.m. Jan 5 May 5 March 3rd Sept. 555-1234 (555) 123-4567 "
    "200-1000 * _ < > | ~ ^ \\ ` ' \" , . ! ? ; : x word Word İ ı ſ K VIDEO Bio ’ … \t"
).split(" ")
TEXTS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).flatmap(
    lambda pieces: st.sampled_from([" ", "", ", ", ". "]).map(lambda separator: separator.join(pieces))
)


def _every_rule(rules: list[Rule], text: str) -> str:
    for pattern, replacement, *_ in rules:
        text = pattern.sub(replacement, text)
    return text


def _outcome(rewrite, text: str) -> str:  # type: ignore[no-untyped-def]
    """The rewritten text, or the error: a rule that fails must fail the same way both ways."""
    try:
        return rewrite(text)
    except ValueError as error:
        return f"ValueError: {error}"


WORDING = _ABBREVIATION_RULES + _PAUSE_RULES + _NUMBER_RULES + _SYMBOL_RULES


@settings(max_examples=800, deadline=None)
@given(TEXTS)
@example("In 1999 the St. Louis team paid $5 at 3:30 pm, e.g. U.S. GPT-4 5th 3.12.1")
def test_wording_rules_give_what_every_rule_in_turn_gives(text: str) -> None:
    text = _normalise_characters(text)
    assert _outcome(Rules(WORDING), text) == _outcome(lambda t: _every_rule(WORDING, t), text)


@settings(max_examples=800, deadline=None)
@given(TEXTS)
def test_tidy_rules_give_what_every_rule_in_turn_gives(text: str) -> None:
    text = _normalise_characters(text)  # what they are given: single spaces only
    assert Rules(_TIDY_RULES)(text) == _every_rule(_TIDY_RULES, text)


def test_a_rule_is_tried_again_after_an_earlier_one_changed_the_text() -> None:
    # The second rule needs a character that only the first one writes.
    rules: list[Rule] = [(re.compile("a"), "#", ("a",)), (re.compile("#"), "sharp", ("#",))]
    assert Rules(rules)("a b") == "sharp b"


def test_the_rarest_character_is_a_sign_or_digit_then_a_capital() -> None:
    assert [_rarest(need) for need in ("St.", "e.g.", "Jan", "0s", "and/or", "  ")] == ["S", ".", "J", "0", "/", " "]


@settings(max_examples=800, deadline=None)
@given(TEXTS)
def test_a_text_without_a_url_hint_has_no_url(text: str) -> None:
    if _URL.search(text):
        assert may_hold_url(text)


@settings(max_examples=800, deadline=None)
@given(st.one_of(TEXTS, st.text()))
def test_pointer_words_are_found_as_the_pattern_finds_them(text: str) -> None:
    assert _has_pointer_word(text) == bool(_POINTER_WORD.search(text))


@settings(max_examples=800, deadline=None)
@given(TEXTS)
def test_a_text_with_nothing_to_drop_is_kept_as_it_is(text: str) -> None:
    text = _normalise_characters(text)
    kept = (_without_pointers(sentence) for sentence in sentences(text))
    assert _drop_reader_references(text) == " ".join(sentence for sentence in kept if sentence)


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="0123456789.,a _-é", max_size=16))
def test_the_digits_rule_finds_what_its_plain_pattern_finds(text: str) -> None:
    plain = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|(?<![\w.])\.[0-9]+")
    quick = _NUMBER_RULES[-1][0]
    assert [m.span() for m in quick.finditer(text)] == [m.span() for m in plain.finditer(text)]
