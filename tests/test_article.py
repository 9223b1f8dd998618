"""The article stage: what a careful reader sees in a takeaways digest, and every unusable file."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podcast.article import MAX_ARTICLE_BYTES, Article, load_article, load_source, parse_article
from podcast.errors import ArticleError
from podcast.narration import narrate

from test_furniture import BIOS

CASES = Path(__file__).parent / "articles"
# A case is a pair: <case>.txt, .md or .html, and <case>.json with what the reader should find.
CASE_INPUTS = sorted(path for path in CASES.iterdir() if path.suffix in (".txt", ".md", ".html"))

def summary(article: Article) -> dict:
    """An Article in the golden file's shape: every paragraph's full text."""
    shape = {
        "title": article.title,
        "intro": list(article.intro),
        "takeaways": [{"heading": t.heading, "paragraphs": list(t.paragraphs)} for t in article.takeaways],
        "conclusion": list(article.conclusion),
    }
    return {**shape, "whole": True} if article.whole else shape


@pytest.mark.parametrize("source", CASE_INPUTS, ids=lambda path: path.name)
def test_golden_article(source: Path) -> None:
    expected = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    if "error" in expected:
        with pytest.raises(ArticleError, match=re.escape(expected["error"])):
            load_article(source)
    else:
        assert summary(load_article(source)) == expected


def test_every_golden_input_has_its_expectation() -> None:
    assert len(CASE_INPUTS) >= 8
    assert [path for path in CASE_INPUTS if not path.with_suffix(".json").exists()] == []


def test_real_article_reads_as_a_careful_reader_counts(real_article: Path, real_headings: list[str]) -> None:
    article = load_article(real_article)
    paragraphs = real_article.read_text(encoding="utf-8").splitlines()
    assert article.title is None
    assert [t.heading for t in article.takeaways] == real_headings
    assert article.intro == (paragraphs[0],)
    assert len(article.takeaways[3].paragraphs) == 3
    assert [len(t.paragraphs) for i, t in enumerate(article.takeaways) if i != 3] == [1] * 9
    assert len(article.conclusion) == 1
    assert article.conclusion[0].startswith("These takeaways offer")


def test_markdown_markers_and_crlf_do_not_change_the_reading() -> None:
    plain = "Intro paragraph here.\n\nFirst point\n\nIt matters.\n\nSecond point\n\nIt also matters."
    marked = "Intro **paragraph** here.\r\n\r\n## First point\r\n\r\nIt matters.\r\n\r\n## Second *point*\r\n\r\nIt also matters."
    assert parse_article(marked) == parse_article(plain)


WINDOWS_1252_TEXT = "Café notes\n\nIntro – “quoted” and naïve.\n\nFirst point\n\nIt matters.\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "missing.txt: no such file"),
        ("folder", "dir", "folder: is a folder"),
        ("empty.txt", b"", "empty.txt: the file is empty"),
        ("blank.txt", b"  \n\t\r\n \n", "blank.txt: the article is empty"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.png: looks like a binary file"),
        ("noise.txt", bytes(range(1, 32)) * 20, "noise.txt: looks like a binary file"),
        ("japanese.txt", "日本語の記事です。".encode("shift_jis") * 5, "japanese.txt: unknown text encoding.*UTF-8"),
        ("huge.txt", b"a" * (MAX_ARTICLE_BYTES + 1), r"huge.txt: is 5.0 MB; an article must be at most 5 MB"),
        ("title.md", b"# Just a title\n", "title.md: found a title .*Just a title.* but no text under it"),
        ("fifo", "fifo", "fifo: is a FIFO, not a regular file"),
    ],
)
def test_load_article_refuses_with_one_line_naming_the_file(
    tmp_path: Path, name: str, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content == "fifo":
        os.mkfifo(path)
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(ArticleError, match=message) as caught:
        load_article(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "encoded",
    [
        WINDOWS_1252_TEXT.encode("cp1252"),
        ("\ufeff" + WINDOWS_1252_TEXT.replace("\n", "\r\n")).encode("utf-8"),
        WINDOWS_1252_TEXT.encode("utf-16"),
        WINDOWS_1252_TEXT.replace("Intro", "Intro\x07\x1b").encode("utf-8"),
    ],
    ids=["windows-1252", "utf-8-bom-crlf", "utf-16", "control-characters"],
)
def test_load_article_decodes_text_files(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(encoded)
    article = load_article(path)
    assert article.title == "Café notes"
    assert article.intro == ("Intro – “quoted” and naïve.",)
    assert [t.heading for t in article.takeaways] == ["First point"]


# Text made mostly of the marks the parser reads: headings, numbers, bold, quotes, dashes.
PIECES = [*"ab Z1.)#*_>—“”:-\n", "\n\n", "**", "1. ", "No. 2 — ", "Takeaway #3: ", "Word words"]
MARKUP = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)


@given(st.one_of(st.text(), MARKUP))
def test_parse_article_reads_any_text_or_says_why_not(text: str) -> None:
    try:
        article = parse_article(text)
    except ArticleError as error:
        assert "\n" not in str(error)
    else:
        assert article.takeaways
        assert all(t.heading.strip() for t in article.takeaways)


def test_a_news_story_is_narrated_whole_with_one_line_saying_so() -> None:
    article = load_article(CASES / "whole_news_story.txt")
    script = narrate(article, "The Show", article.title or "")
    intro, chapter, outro = script.segments
    assert intro.paragraphs[-1] == "This piece is not a list of takeaways, so it is read whole."
    assert chapter.title == "Harbour bridge to close for repairs in spring"
    assert chapter.paragraphs[0].startswith("Buses will be diverted")  # no "Takeaway one:" signpost
    assert len(chapter.paragraphs) == 3
    untitled = load_source(CASES / "whole_no_headings.txt")
    assert untitled.title == untitled.takeaways[0].heading == "Whole No Headings"


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("numbered_bold_lead_ins_tldr_top.md", "In short: charge more, write contracts, keep a buffer, and say no often."),
        ("plain_tldr_label_one_per_line.txt",
         "In short: pick a fixed date, keep talks short, feed people, and hand over before you burn out."),
        ("markdown_tldr_heading_over_summary.md", "In short."),
    ],
)
def test_a_tldr_label_is_said_in_short_and_shown_as_written(case: str, said: str) -> None:
    article = load_article(CASES / case)
    script = narrate(article, "The Show", article.title or "")
    assert script.segments[0].paragraphs[1] == said  # after the welcome
    assert script.written[said] == article.intro[0]  # the transcript shows the label as written


def test_an_article_without_a_title_is_named_after_its_file_in_title_case(tmp_path: Path) -> None:
    path = tmp_path / "zuckerberg-bloomberg_interview.txt"
    path.write_text("Why we met.\n\nFirst point\n\nIt matters.\n\nSecond point\n\nIt also matters.\n", encoding="utf-8")
    assert load_article(path).title is None
    assert load_source(path).title == load_source(str(path)).title == "Zuckerberg Bloomberg Interview"


# Furniture lines of the kinds real pages, posts and newsletters carry; none of it is the article's.
# (A line that heads a section of links, "Read more" or "Related posts", takes the section with
# it, so it is not one to drop just anywhere.)
FURNITURE = ["By Jane Doe · 5 min read", "Updated March 3, 2025", "Photo: Sam Lee / Example", "Share this post",
             "Related: How we ship", "#startups #careers", "👉 Follow me for more tips", "1.2K Followers", "12",
             "Thanks for reading! Subscribe for free to receive new posts.", "View this email in your browser",
             "Listen on Spotify", "If this was useful, repost it ♻️", "Subscribe", "Thoughts? 👇",
             "[2] Counted by hand in March.", "© 2025 Example Press"]
WORDS = st.sampled_from("ship small teams write often fast notes users every week review code plan".split())
SENTENCE = st.lists(WORDS, min_size=4, max_size=10).map(lambda words: " ".join(words).capitalize() + ".")
HEADING = st.lists(WORDS, min_size=2, max_size=5, unique=True).map(lambda words: " ".join(words).capitalize())


@given(
    st.lists(st.tuples(HEADING, SENTENCE), min_size=2, max_size=5, unique_by=lambda pair: pair[0]),
    SENTENCE,
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from(FURNITURE)), max_size=6),
    st.booleans(),
)
def test_furniture_anywhere_changes_nothing_a_listener_hears(
    sections: list[tuple[str, str]], intro: str, furniture: list[tuple[int, str]], markdown: bool
) -> None:
    mark = "## " if markdown else ""
    parts = ["# Notes" if markdown else "Notes", intro]
    for heading, paragraph in sections:
        parts += [mark + heading, paragraph]
    clean = parse_article("\n\n".join(parts), markdown)
    for position, line in furniture:
        parts.insert(1 + position % len(parts), line)
    assert parse_article("\n\n".join(parts), markdown) == clean
    assert [t.heading for t in clean.takeaways] == [heading for heading, _ in sections]


PEOPLE = st.sampled_from(["Jane Doe", "Sam Okoro", "Mary K. O’Neil", "Arne Holm", "Dr. Ada Byrne"])
PERSON_VERBS = st.sampled_from(["is", "was", "is the", "is a", "is now a", "is also a", "writes", "lives", "said", "has been"])


@given(
    st.lists(st.tuples(HEADING, SENTENCE), min_size=2, max_size=4, unique_by=lambda pair: pair[0]),
    SENTENCE, SENTENCE, PEOPLE, PERSON_VERBS, st.lists(WORDS, min_size=2, max_size=8), st.sampled_from(BIOS), st.booleans(),
)
def test_a_bio_ending_the_page_is_left_out_but_a_last_paragraph_about_a_person_is_kept(
    sections: list[tuple[str, str]], intro: str, wrap_up: str, person: str, verb: str, words: list[str], bio: str,
    markdown: bool,
) -> None:
    mark = "## " if markdown else ""
    parts = ["# Notes" if markdown else "Notes", intro]
    for heading, paragraph in sections:
        parts += [mark + heading, paragraph]
    parts += [mark + "Final thoughts", wrap_up]
    clean = parse_article("\n\n".join(parts), markdown)
    assert parse_article("\n\n".join([*parts, bio]), markdown) == clean
    closing = f"{person} {verb} {' '.join(words)}."  # names a person, says no job or beat
    assert parse_article("\n\n".join([*parts, closing]), markdown).conclusion == (*clean.conclusion, closing)


@given(
    st.lists(st.tuples(HEADING, SENTENCE), min_size=2, max_size=5, unique_by=lambda pair: pair[0]),
    SENTENCE,
    st.dictionaries(st.integers(0, 5), st.sampled_from(["---", "* * *", "***", "___", "- - -"]), max_size=4),
    st.booleans(),
)
def test_a_thematic_break_after_any_paragraph_of_a_plain_digest_changes_no_takeaway(
    sections: list[tuple[str, str]], intro: str, breaks: dict[int, str], one_per_line: bool
) -> None:
    def text(with_breaks: bool) -> str:
        lines = ["Notes", intro, *([breaks[0]] if with_breaks and 0 in breaks else [])]
        for number, (heading, paragraph) in enumerate(sections, start=1):
            lines += [heading, paragraph, *([breaks[number]] if with_breaks and number in breaks else [])]
        return ("\n" if one_per_line else "\n\n").join(lines)

    clean = parse_article(text(False), False)
    broken = parse_article(text(True), False)
    assert [t.heading for t in broken.takeaways] == [t.heading for t in clean.takeaways] == [h for h, _ in sections]


@given(
    st.lists(HEADING, min_size=3, max_size=5, unique=True),
    st.lists(SENTENCE, min_size=1, max_size=3),
    st.sampled_from(["See you next week!", "Until next time.", "Happy building!", "Cheers, Dana"]),
    st.booleans(),
)
def test_only_a_sign_off_takes_the_last_takeaways_extra_paragraphs_to_the_wrap_up(
    headings: list[str], last: list[str], sign_off: str, one_per_line: bool
) -> None:
    lines = ["Notes", "Why we wrote this down."]
    for heading in headings[:-1]:
        lines += [heading, "Plan the week."]
    lines += [headings[-1], *last]
    separator = "\n" if one_per_line else "\n\n"
    unsigned = parse_article(separator.join(lines), False)
    assert (unsigned.takeaways[-1].paragraphs, unsigned.conclusion) == (tuple(last), ())
    signed = parse_article(separator.join([*lines, sign_off]), False)
    assert (signed.takeaways[-1].paragraphs, signed.conclusion) == (tuple(last[:1]), (*last[1:], sign_off))


MEDIUM_PASTED = """Why our small team stopped estimating
What we use instead
Dana Whitfield
Follow
6 min read
·
Feb 2, 2024
214
For three years our team estimated every ticket in story points. Last spring we stopped.
Nobody missed the meetings
Planning took two hours every fortnight. Without points it takes twenty minutes.
We split work smaller instead
Instead of arguing whether a ticket was a five or an eight, we split anything that felt big.
Forecasts got better, not worse
Counting finished tickets per week predicted our release dates better than velocity did.
If your team spends more time estimating than it saves, try a quarter without points.
Agile
Teamwork
Written by Dana Whitfield
1.2K Followers
Product engineer. I write about small software.
Follow
More from Dana Whitfield
"""


def test_a_medium_page_pasted_as_text_keeps_no_byline_tags_or_author_box() -> None:
    article = parse_article(MEDIUM_PASTED, markdown=False)
    spoken = [article.title, *article.intro, *article.conclusion, *(p for t in article.takeaways for p in t.paragraphs)]
    assert article.title == "Why our small team stopped estimating"
    assert article.intro == ("What we use instead", "For three years our team estimated every ticket in story points. Last spring we stopped.")
    assert [t.heading for t in article.takeaways] == ["Nobody missed the meetings", "We split work smaller instead", "Forecasts got better, not worse"]
    assert not [text for text in spoken if "Dana" in text or text in ("Agile", "Teamwork", "214") or "engineer" in text]
