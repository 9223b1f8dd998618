"""Markdown read by its tokens: what real pages put inside a takeaway, and exactly what is said.

Each case is a piece of Markdown placed under the first of two takeaways of a small digest; the
expectation is the first takeaway's chapter exactly as the script speaks it (after the signpost).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.article import parse_article
from podcast.errors import ArticleError
from podcast.narration import narrate


def spoken_first_takeaway(body: str) -> list[str]:
    text = f"# A digest\n\nWhy it was written.\n\n## First point\n\n{body}\n\n## Second point\n\nIt also matters.\n"
    article = parse_article(text, markdown=True)
    assert [t.heading for t in article.takeaways] == ["First point", "Second point"]
    segment = narrate(article, "The Show", "A digest").segments[1]
    assert segment.paragraphs[0] == "Takeaway one: First point."
    return list(segment.paragraphs[1:])


CASES = {
    "fenced code holding a shell comment is neither a heading nor spoken": (
        "Find what fills the disk:\n\n```bash\n# list big files\ndu -sh * | sort -h\n```\n\nThen delete them.",
        ["Find what fills the disk:", "Then delete them."],
    ),
    "indented code is left out": ("Run it once.\n\n    # setup\n    make install\n\nDone.", ["Run it once.", "Done."]),
    "inline HTML and entities": ("See <b>this</b> &amp; that.", ["See this and that."]),
    "a short inline code span is spoken as its words, a command is left out": (
        "Pass `--dry-run` first, then run `rsync -av src/ host:/srv | tee log`.",
        ["Pass dry run first, then run."],
    ),
    "a table is read row by row": (
        "| Plan | Price |\n|---|---|\n| Basic | $5 |\n| Team | $12 |",
        ["Plan: Basic; Price: five dollars.", "Plan: Team; Price: twelve dollars."],
    ),
    "an HTML block keeps its text": ('<div class="note">\n<p>Keep <i>notes</i>.</p>\n</div>', ["Keep notes."]),
    "an image and its caption line are left out": (
        "The chart says it all.\n\n![chart](prices.png)\n\nPrices by month\n\nPrices rose.",
        ["The chart says it all.", "Prices rose."],
    ),
    "footnote markers and footnotes are left out": (
        "Most teams ship weekly.[^1]\n\n[^1]: A survey of forty teams, asked twice.",
        ["Most teams ship weekly."],
    ),
    "page furniture lines are left out": (
        "It matters.\n\nRelated: [Ten more tips](https://example.org/tips)\n\nShare this post\n\nPhoto: Jane Doe / Example",
        ["It matters."],
    ),
    "a pull quote and its attribution are spoken": (
        "> “Ship it before you are ready.”\n\nJane Doe, CEO and Co-Founder, Acme",
        ['"Ship it before you are ready."', "Jane Doe, CEO and Co-Founder, Acme"],
    ),
    "a superscript footnote marker is left out": ("Most teams ship weekly.<sup>2</sup>", ["Most teams ship weekly."]),
    "a numbered footnote marker and its note are left out": (
        "Most teams ship weekly.[3]\n\n[3] A survey of forty teams, asked twice.",
        ["Most teams ship weekly."],
    ),
    "an emoji before a paragraph is not said": ("✅ Most teams ship weekly. 👇", ["Most teams ship weekly."]),
    "a bullet list inside a takeaway is its text": ("- one thing\n- another thing", ["one thing", "another thing"]),
    "arrow lines one under another are a list, said without the arrows": (
        "→ one thing\n→ another thing", ["one thing", "another thing"]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_markdown_inside_a_takeaway_is_spoken_as_a_listener_needs(case: str) -> None:
    body, spoken = CASES[case]
    assert spoken_first_takeaway(body) == spoken


def test_front_matter_and_shortcodes_are_not_read() -> None:
    text = (
        "---\ntitle: x\ntags: [a]\n---\n# Notes\n\nWhy.\n\n## One\n\nFirst.\n\n"
        '{{< figure src="a.png" alt="95% said yes" >}}\n\n## Two\n\nSecond.\n'
    )
    article = parse_article(text)
    assert (article.title, article.intro) == ("Notes", ("Why.",))
    assert [(t.heading, t.paragraphs) for t in article.takeaways] == [("One", ("First.",)), ("Two", ("Second.",))]


def test_an_author_bio_in_italics_at_the_end_is_left_out() -> None:
    text = "# Notes\n\nWhy.\n\n## One\n\nFirst.\n\n## Two\n\nSecond.\n\n*Jane Doe is a writer at Example and lives in Leeds.*\n"
    article = parse_article(text)
    assert [(t.heading, t.paragraphs) for t in article.takeaways] == [("One", ("First.",)), ("Two", ("Second.",))]
    assert article.conclusion == ()


# Markdown made of the marks real pages hold, in any order.
PIECES = ["# ", "## ", "### ", "1. ", "2. ", "- ", "> ", "```", "    ", "**", "_", "`", "<b>", "</b>", "<div>",
          "&amp;", "| a | b |\n|---|---|\n", "![i](x.png)", "[l](u)", "[^1]", "Word", "more words here.",
          "A sentence ends.", "Jane Doe, CEO", "Related: x", "\n", "\n\n",
          "✅ ", "👇", "1/ ", "IV. ", "Step two: ", "Q: ", "#tag ", "Written by Jane Doe", "© 2024", "Jane Doe", "5 min read"]


@settings(deadline=None)  # the first example imports trafilatura or markdown-it; a busy machine is slow
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_any_markdown_gives_an_article_or_one_line_saying_why_not(text: str) -> None:
    try:
        article = parse_article(text, markdown=True)
    except ArticleError as error:
        assert "\n" not in str(error)
    else:
        assert article.takeaways
        spoken = [article.title or "", *article.intro, *article.conclusion]
        spoken += [t.heading for t in article.takeaways] + [p for t in article.takeaways for p in t.paragraphs]
        assert not any(mark in part for part in spoken for mark in ("<b>", "```", "](", "&amp;"))


# Inline text of every kind: plain words, signs no rule starts at, and every mark one does, alone
# and in the pairs that make emphasis, code, links, images, HTML, entities and breaks.
INLINE_PIECES = ["Word", " ", "it's", ": ", "5 + 3 = 8", "#", "-", "!", "~", "*", "_", "`", "[", "]", "<", "&", "\n",
                 "*a*", "**b**", "_c_", "`d`", "[l](u)", "![i](x.png)", "<b>", "</b>", "<https://x.org>", "&amp;",
                 "\\*", "\\#", "  \n", "\\\n", "é", "→"]


@pytest.mark.parametrize("piece", INLINE_PIECES)
def test_each_inline_mark_alone_gets_markdown_its_tokens(piece: str) -> None:
    assert_same_tokens(f"Word {piece} word")


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(INLINE_PIECES), max_size=12).map("".join))
def test_plain_text_skips_the_inline_parser_and_gets_the_same_tokens(text: str) -> None:
    """The shortcut for text without inline marks (markup._inline) gives exactly markdown-it's tokens."""
    assert_same_tokens(text)


def assert_same_tokens(text: str) -> None:
    from markdown_it import MarkdownIt

    from podcast.markup import _PARSER

    stock = MarkdownIt("commonmark").enable("table")
    stock.normalizeLink = _PARSER.normalizeLink
    for source in (text, f"# {text}", f"- {text}"):
        assert _PARSER.parse(source) == stock.parse(source)


@given(st.text(alphabet="`*_~ ab"))
def test_stray_marks_pattern_finds_what_its_plain_form_finds(text: str) -> None:
    import re

    from podcast.markup import _STRAY_MARKS

    assert _STRAY_MARKS.sub("", text) == re.sub(r"`+|\*{2,}|_{2,}|~{2,}", "", text)
