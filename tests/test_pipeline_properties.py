"""Arbitrary Unicode through parse -> narrate -> feed: only ArticleError, and nothing a feed cannot carry.

The article parser, the narration and the feed each have their own property tests; this one
checks what they hand each other. Every text narration makes ends up in a podcast app
(episode title and notes in the feed, chapter titles in the MP3 and its sidecars, segment
text in transcripts), so each must be text XML can hold.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from podcast.article import parse_article
from podcast.errors import ArticleError
from podcast.episode import Chapter
from podcast.narration import narrate
from podcast.catalog import Entry
from podcast.rss import render_feed
from podcast.show import Show

# Any characters at all (surrogates included), and articles shaped like digests made of them,
# so that parsing succeeds often enough for narration and the feed to be exercised.
# Characters a random draw rarely hits: controls, BOM, non-characters, lone surrogates, separators.
EDGES = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\u2028\ufeff\ufffe\uffff\ud800\udfff"
CHARACTERS = st.one_of(st.characters(exclude_categories=()), st.sampled_from(EDGES))
ANY = st.text(CHARACTERS, max_size=40)
DIGESTS = st.builds(
    lambda title, intro, sections, end: f"# {title}\n\n{intro}\n\n"
    + "".join(f"## {heading}\n\n{body}\n\n" for heading, body in sections)
    + f"## Conclusion\n\n{end}\n",
    ANY,
    ANY,
    st.lists(st.tuples(ANY, ANY), min_size=1, max_size=3),
    ANY,
)


def xml_text(text: str) -> None:
    """lxml refuses, with ValueError, any string XML 1.0 cannot carry."""
    etree.Element("t").text = text


@settings(max_examples=300, deadline=None)
@given(st.one_of(DIGESTS, st.text(CHARACTERS)), ANY)
def test_any_text_is_read_narrated_and_published_or_refused_in_one_line(text: str, show_title: str) -> None:
    try:
        article = parse_article(text)
    except ArticleError as error:
        assert "\n" not in str(error)
        return
    script = narrate(article, show_title, article.title or "Untitled")
    for segment in script.segments:
        xml_text(segment.title)
        for paragraph in segment.paragraphs:
            xml_text(paragraph)
    xml_text(script.description)
    published = datetime(2026, 1, 1, tzinfo=timezone.utc)
    chapters = tuple(Chapter(segment.title, float(n), float(n + 1)) for n, segment in enumerate(script.segments))
    entry = Entry(script.slug, "urn:uuid:x", script.title, script.description, published, 60.0, 1000, chapters)
    item = etree.fromstring(render_feed(Show(root=Path(".")), [entry])).find("channel/item")
    assert item.findtext("title") == script.title  # as written
    assert item.find("enclosure").get("url").endswith(f"/{script.slug}.mp3")
