"""Every real article in ../shared/articles/ reads as a careful reader counts it.

The articles and their expected takeaways (expected.tsv: file, count, other counts a careful
reader could honestly give, headings in order) live beside the checkout, never in it: their
text is others' work. In CI the folder must be there, so a missing folder fails the run.
"""

from __future__ import annotations

import csv
import os
import re

import pytest

from podcast.article import load_article
from podcast.narration import narrate

from conftest import SHARED_ARTICLES

EXPECTED = SHARED_ARTICLES / "expected.tsv"


def rows() -> list[list[str]]:
    if not EXPECTED.exists():
        return []
    with EXPECTED.open(encoding="utf-8", newline="") as file:
        return [row for row in csv.reader(file, delimiter="\t") if row and not row[0].startswith("#")]


def bare(heading: str) -> str:
    """A heading without its numbering: the parser strips "1. " (the narration says the number)."""
    return re.sub(r"^\d{1,3}[.)]\s+", "", heading)


def test_the_development_set_is_here() -> None:
    if not EXPECTED.exists():
        message = f"{SHARED_ARTICLES} is missing: the real articles must be beside the checkout"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert len(rows()) >= 11


@pytest.mark.parametrize("row", rows(), ids=lambda row: row[0])
def test_a_real_article_gives_the_careful_readers_count_and_headings(row: list[str]) -> None:
    name, count, also, headings = row[0], int(row[1]), row[2], row[3].split(" | ")
    article = load_article(SHARED_ARTICLES / name)
    found = [t.heading for t in article.takeaways]
    accepted = {count, *(int(n) for n in re.findall(r"\d+", also))}
    assert len(found) in accepted
    if len(found) == count:
        assert found == [bare(h) for h in headings]
    else:  # an also-accepted count leaves takeaways out of the expected list, never reorders it
        expected = [bare(h) for h in headings]
        assert [h for h in expected if h in found] == found
    assert not article.whole


@pytest.mark.parametrize("row", rows(), ids=lambda row: row[0])
def test_no_page_furniture_or_markup_is_spoken(row: list[str]) -> None:
    script = narrate(load_article(SHARED_ARTICLES / row[0]), "Show", "Title")
    spoken = "\n".join(p for segment in script.segments for p in segment.paragraphs)
    furniture = [r"\bRelated:", r"\bRead more on\b", r"No comments", r"Sign up for our newsletter", r"\{\{<",
                 r"<hr", r"\]\(", r"```", r"\|\s*---", r"&amp;", r"\*\*", r"^#", r"Attributions"]
    assert [pattern for pattern in furniture if re.search(pattern, spoken, re.M)] == []
