"""Spoken forms: what the speech engine is given for what an article says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.spoken import sentences, speakable

HERE = Path(__file__).parent
REAL_ARTICLE = HERE.parent.parent / "shared" / "articles" / "zuckerberg-bloomberg-interview.txt"


def _spoken_forms() -> list[tuple[str, str]]:
    """Rows of spoken_forms.tsv (written<TAB>spoken) after its header; "# " lines group them."""
    lines = (HERE / "spoken_forms.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("# ")]


SPOKEN_FORMS = _spoken_forms()


def test_the_table_is_large_enough_to_mean_something() -> None:
    assert len(SPOKEN_FORMS) >= 90
    assert all(len(row) == 2 for row in SPOKEN_FORMS)


@pytest.mark.parametrize(("written", "spoken"), SPOKEN_FORMS, ids=[w for w, _ in SPOKEN_FORMS])
def test_spoken_form(written: str, spoken: str) -> None:
    assert speakable(written) == spoken


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Dr. Smith arrived. He sat down.", ["Dr. Smith arrived.", "He sat down."]),
        ("Use a tool, e.g. this one. Then stop.", ["Use a tool, e.g. this one.", "Then stop."]),
        ("U.S. policy changed. It was time.", ["U.S. policy changed.", "It was time."]),
        ("Growth hit 3.5 percent. Not bad.", ["Growth hit 3.5 percent.", "Not bad."]),
        ("He moved to the U.S. The rest followed.", ["He moved to the U.S.", "The rest followed."]),
        ("The U.S. Senate voted. It passed.", ["The U.S. Senate voted.", "It passed."]),
        ("Wow! Really? Yes.", ["Wow!", "Really?", "Yes."]),
        ('She said "Go." Then she left.', ['She said "Go."', "Then she left."]),
        ("Apples, pears, etc. are fruit.", ["Apples, pears, etc. are fruit."]),
        ("We bought pears, etc. Then we left.", ["We bought pears, etc.", "Then we left."]),
        ("J. K. Rowling wrote it.", ["J. K. Rowling wrote it."]),
        ("Mr. and Mrs. Jones came.", ["Mr. and Mrs. Jones came."]),
        ("It costs $5.99. That is cheap.", ["It costs $5.99.", "That is cheap."]),
        ("Line one\nstill line one. Two.", ["Line one still line one.", "Two."]),
        ("No full stop at the end", ["No full stop at the end"]),
        # Already speakable text splits the same way.
        ("It grew in the U S. The vote came.", ["It grew in the U S.", "The vote came."]),
        ("", []),
        ("   ", []),
    ],
)
def test_sentences(paragraph: str, expected: list[str]) -> None:
    assert sentences(paragraph) == expected


def test_lexicon_matches_whole_words_only() -> None:
    lexicon = {"Zuck": "Zuk"}
    assert speakable("Zuck said so.", lexicon) == "Zuk said so."
    assert speakable("Zuckerberg said so.", lexicon) == "Zuckerberg said so."
    assert speakable("Zuck’s view", lexicon) == "Zuk's view"


def test_lexicon_is_case_sensitive() -> None:
    assert speakable("Nginx and nginx", {"nginx": "engine x"}) == "Nginx and engine x"


def test_lexicon_prefers_the_longest_entry() -> None:
    lexicon = {"Meta": "Mayta", "Meta AI": "Mayta assistant"}
    assert speakable("Meta AI and Meta", lexicon) == "Mayta assistant and Mayta"


def test_lexicon_comes_before_the_other_rules_and_is_not_reread() -> None:
    lexicon = {"SQL": "SEQUEL", "U.S.": "United States"}
    assert speakable("SQL in the U.S. market", lexicon) == "SEQUEL in the United States market"


def test_an_empty_lexicon_changes_nothing() -> None:
    assert speakable("The AI boom", {}) == speakable("The AI boom") == "The AI boom"


# Characters espeak reads by name, and characters XML 1.0 does not allow (scripts end up in XML).
ODD = re.compile(r"[#*_<>\[\]{}|~^\\\x00-\x1f\x7f]")
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Text built from the pieces the rules look for, so that odd combinations are tried often.
ARTICLE_PIECES = st.lists(
    st.sampled_from(
        [*"0123456789 .,:-–—$€£%+@&#()[]'’\"“”aAsS/\n", "U.S.", "e.g.", "https://",
         "www.", ".com", "Dr.", " pm", "1990s", "'80s", "GPT-", "Python ", "March ",
         "click here", " below", "\x00", "\ufffe"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_speakable_accepts_any_text(text: str) -> None:
    spoken = speakable(text)
    assert not XML_INVALID.search(spoken)
    assert not ODD.search(spoken)
    assert spoken == spoken.strip()


@settings(max_examples=300, deadline=None)
@given(ARTICLE_PIECES)
def test_every_number_is_spoken_as_words(text: str) -> None:
    spoken = speakable(text)
    assert not re.search(r"[0-9]", spoken)
    assert not ODD.search(spoken)
    assert sentences(spoken) == sentences(" ".join(sentences(spoken)))


@pytest.mark.skipif(not REAL_ARTICLE.exists(), reason="no ../shared/articles beside the checkout")
def test_real_article_reads_as_a_listener_expects() -> None:
    paragraphs = REAL_ARTICLE.read_text(encoding="utf-8").splitlines()
    spoken = " ".join(speakable(paragraph) for paragraph in paragraphs)
    for expected in (
        "ten to fifteen year",
        "six to eight month",
        "twenty twenty-four",
        "US presidential",
        "AR and VR",
        "COS",
        "Meta's",
    ):
        assert expected in spoken
    assert "below" not in spoken
    assert not re.search(r"[0-9’“”]", spoken)
    assert spoken.endswith("society at large.")


# What each engine is given for a spoken form: espeak-ng (pyttsx3, piper) hyphenated letters,
# hibari dotted ones; words like NASA stay words.
ADAPTED = [
    ("The AI boom.", "The A-I boom.", "The A.I. boom."),
    ("the research group, COS", "the research group, C-O-S", "the research group, C.O.S."),
    ("Three CEOs signed.", "Three C-E-O's signed.", "Three C.E.O.'s signed."),
    ("the CEO's letter", "the C-E-O's letter", "the C.E.O.'s letter"),
    ("NASA and NATO", "NASA and NATO", "NASA and NATO"),
    ("It ends with AI.", "It ends with A-I.", "It ends with A.I."),
    ("OpenAI and iOS", "OpenAI and iOS", "OpenAI and iOS"),
]


@pytest.mark.parametrize(("spoken", "espeak", "hibari"), ADAPTED)
def test_each_engine_adapter_gives_its_engine_the_form_it_says_right(spoken: str, espeak: str, hibari: str) -> None:
    from podcast.engines import ENGINES

    assert ENGINES["pyttsx3"].spoken(spoken) == ENGINES["piper"].spoken(spoken) == espeak
    assert ENGINES["hibari"].spoken(spoken) == hibari


@pytest.mark.parametrize("engine", ["pyttsx3", "piper", "hibari"])
def test_no_engine_is_given_an_acronym_it_could_read_as_a_word(engine: str) -> None:
    """Every row of the spoken-form table, through the engine's adapter: no all-caps word is left
    for the engine to guess at, except those said as words."""
    from podcast.engines import ENGINES
    from podcast.letters import _WORD_ACRONYMS

    for _written, spoken in SPOKEN_FORMS:
        left = set(re.findall(r"\b[A-Z]{2,}\b", ENGINES[engine].spoken(spoken))) - _WORD_ACRONYMS
        assert not left, (spoken, left)
