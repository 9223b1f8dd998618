"""Sources -> Article: the structure a careful reader sees in a takeaways digest.

A takeaways digest is an optional title, an intro, a run of takeaways and an optional conclusion.
podcast.reading turns a source into text; podcast.plaintext (plain text, line by line) or
podcast.markup (Markdown, by its tokens) cut the text into blocks; this module reads the blocks:

- Page furniture headings ("Contents", "Sign up for our newsletter", "Related posts") and the
  back matter at the end ("Other resources", "Attributions", "Footnotes", "About the author")
  are left out with their sections.
- Numbering decides when two or more headings are numbered ("1.", "2)", "## 3. ..."): the numbered
  headings are the takeaways, their numbers stripped.
- Otherwise the takeaways are the headings at the shallowest level used at least twice (a ``#``
  title over ``##`` takeaways; ``##`` groups over ``###`` takeaways). Markdown and bold headings
  outrank plain lines, which outrank italic lines, which outrank lead-ins: so a subtitle or a
  sub-heading in italics heads the sections only when nothing else does. A marked heading with
  no paragraphs of its own is a label, not a takeaway.
- A numbered list is the takeaways, each item headed by its first sentence, when the article
  has no headed takeaways or its headed sections hold little but numbered items (a list of
  lessons under year headings). A numbered list elsewhere is text of its section.
- Title: a heading standing before any paragraph, unless it is plainly the first takeaway (a
  numbered one, or a ``##``-or-deeper Markdown heading like the others). A short line directly
  above the first heading is the title too.
- Intro: the paragraphs before the first takeaway. A digest always opens with one, so an
  unnumbered heading standing directly under the title, where the first takeaway would be, is a
  subtitle: it and its paragraphs are the intro (when at least two takeaways follow).
- Conclusion: after the last takeaway, a heading such as "Conclusion" (or "Conclusion:"), "Final
  thoughts", "Wrapping up", "The bottom line" or "What's next" starts the conclusion and is not
  kept (a lead-in's own paragraph is), as does such a line written without heading marks, or a
  "TL;DR:" paragraph; any other heading at the takeaway level or above (e.g. "Bonus: ...", an
  extra after the takeaways whether they are numbered or not) also starts it and is kept as its
  first paragraph, and so does a thread's closing post numbered after the last takeaway. After
  takeaways that are a list's items, what follows the list is the conclusion (unless each item is
  a list of its own between paragraphs, "1) Point", its text, "2) Point": they head like headings).
  Without such a heading, the wrap-up paragraph of a plain digest sits in the last section: it
  becomes the conclusion when that section has more paragraphs than a takeaway usually has and
  the extra paragraph refers back to the whole piece ("these takeaways ...", "In conclusion", ...),
  or the section ends with a sign-off ("See you next week!"), or the paragraph stands apart (a
  blank line or a thematic break before it) where every takeaway's text sits tight under it
  (those rules are podcast.wrapup's).
- Any other heading keeps its text as a paragraph where it stands, so nothing written is lost.
- Text that is not a digest at all (an essay or a news story without headings or numbered
  points) is read whole: its first paragraph as the intro, the rest as one chapter.

Text is kept as written (curly quotes and all); markup is removed and whitespace is collapsed.
Spoken forms are another module's job.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from podcast.blocks import (
    CONCLUSION_HEADING,
    INTRO_HEADING,
    PLAIN_LEVEL,
    Block,
    item,
    split_number,
    unshouted,
)
from podcast.furniture import is_back_matter_heading, is_furniture_heading
from podcast.errors import ArticleError
from podcast.plaintext import plain_blocks
from podcast.reading import MAX_ARTICLE_BYTES, is_markdown, is_url, read_source, title_from_name
from podcast.wrapup import trailing_wrap_up, wrap_up_line

__all__ = ["MAX_ARTICLE_BYTES", "Article", "Takeaway", "load_article", "load_source", "parse_article"]


@dataclass(frozen=True)
class Takeaway:
    """One headed section: its heading as written and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """A digest as a listener hears it: title (None when it has none), intro, takeaways, conclusion.

    `whole` marks a text that is not a digest, read whole as one chapter (its only takeaway).
    """

    title: str | None
    intro: tuple[str, ...]
    takeaways: tuple[Takeaway, ...]
    conclusion: tuple[str, ...]
    whole: bool = False


_NEWLINE = re.compile(r"\r\n?|[\v\f\x85\u2028\u2029]")
# Control characters, the byte-order mark, and what XML cannot carry (surrogates, U+FFFE/U+FFFF).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ud800-\udfff\ufffe\uffff]")
_MIN_WORDS = 12  # a text read whole has at least a sentence or two; less is a menu or a caption
_MIN_LISTED = 3  # fewer numbered items are a list inside the text, not the article's points

# A "Bonus: …" section after the last takeaway is an extra beyond the count the article gives
# ("Five habits …"), as it is after numbered ones: it opens the wrap-up.
_BONUS = re.compile(r"^bonus\b", re.IGNORECASE)



def parse_article(text: str, markdown: bool | None = None) -> Article:
    """Read a takeaways digest into its parts; see the module docstring. `markdown` says how the
    text is written (None: Markdown when it shows Markdown's signs, else plain text).

    Raises ArticleError, saying how the text was read, when it is empty or has no text at all.
    """
    text = _normalise(text).strip()
    if not text:
        raise ArticleError("the article is empty")
    if is_markdown(text) if markdown is None else markdown:
        from podcast.markup import markdown_blocks  # here: markdown-it is not imported for plain text

        blocks = markdown_blocks(text)
    else:
        blocks = plain_blocks(text)
    blocks = _without_furniture_sections(blocks)
    if not blocks:
        raise ArticleError("the article has no text, only markup and page furniture")
    return _structure(blocks)


def load_article(path: Path | str) -> Article:
    """Read an article from a file (text, Markdown or a saved HTML page) or an http(s):// URL;
    every way it can be unusable is an ArticleError of one line naming it."""
    text = read_source(path)
    try:
        return parse_article(text.text, text.markdown)
    except ArticleError as error:
        raise ArticleError(f"{path}: {error}") from None


def load_source(source: str | Path) -> Article:
    """load_article, and an article with no title of its own is named after its file or URL
    ("zuckerberg-bloomberg-interview.txt": "Zuckerberg Bloomberg Interview")."""
    article = load_article(source)
    if article.title:
        return article
    title = title_from_name(source if is_url(str(source)) else Path(source))
    if article.whole:  # its one chapter is named after it too
        return replace(article, title=title, takeaways=(replace(article.takeaways[0], heading=title),))
    return replace(article, title=title)


def _normalise(text: str) -> str:
    """One newline convention, and no control characters except newline and tab.

    >>> _normalise("a\\r\\nb\\rc\\x07d\\ufeff")
    'a\\nb\\ncd'
    """
    return _CONTROL.sub("", _NEWLINE.sub("\n", text))


def _without_furniture_sections(blocks: list[Block]) -> list[Block]:
    """Leave out the sections under furniture headings, and the back matter at the end: a back
    matter heading after the article's own headings at its level, with none of them after it."""
    back = [b.level is not None and b.heading is not None and (is_back_matter_heading(b.heading) or is_furniture_heading(b.heading))
            for b in blocks]
    tail = [False] * len(blocks)
    shallowest_after = 99  # the lowest level among the later headings that are the article's own
    for i in range(len(blocks) - 1, -1, -1):
        level = blocks[i].level
        if level is not None:
            tail[i] = back[i] and shallowest_after > level
            shallowest_after = shallowest_after if back[i] else min(shallowest_after, level)
    kept: list[Block] = []
    skipping: int | None = None
    shallowest_before = 99  # the lowest level among the earlier headings that are the article's own
    for i, block in enumerate(blocks):
        level = block.level
        if level is not None and skipping is not None and level <= skipping:
            skipping = None
        if skipping is None and level is not None:
            if (back[i] and is_furniture_heading(block.heading or "")) or (tail[i] and shallowest_before <= level):
                skipping = level
            elif not back[i]:
                shallowest_before = min(shallowest_before, level)
        if skipping is None:
            kept.append(block)
    return kept


def _structure(blocks: list[Block]) -> Article:
    """Blocks -> Article by the rules in the module docstring."""
    headings = [i for i, block in enumerate(blocks) if block.level is not None]
    takeaways, level = _takeaway_indexes(blocks, headings)
    title = _title(blocks, takeaways)
    takeaways = [i for i in takeaways if i != 0 or title is None]
    if title is not None and len(takeaways) > 2 and takeaways[0] == 1 and blocks[1].number is None:
        takeaways = takeaways[1:]  # the digest's intro always comes first: this is a subtitle over it
    listed = _listed_takeaways(blocks, takeaways) or _bulleted_takeaways(blocks, takeaways)
    # Items that are each a list of their own ("1) Point", its paragraphs, "2) Point", ...) head
    # the text after them as headings do: the last one's list ending does not end its section.
    one_item_lists = len({blocks[i].listed for i in listed}) == len(listed) > 1 and blocks[listed[0]].listed is not None
    if listed:
        takeaways, level = listed, 0  # after the list, any heading starts the conclusion
        blocks = [item(block.text, None, 0) if block.bullet and i in listed else block for i, block in enumerate(blocks)]
    if not takeaways:
        return _whole(blocks, title)

    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    apart: list[int | None] = []  # per section: where its first paragraph set apart from its heading stands
    conclusion: list[str] = []
    part = intro
    starts = set(takeaways)
    for i, block in enumerate(blocks):
        if i == 0 and title is not None:
            continue
        if i < takeaways[0] and block.level is not None and INTRO_HEADING.match(block.heading or ""):
            continue  # "Introduction" over the intro is not said: the intro is announced as such
        if i in starts:
            sections.append((unshouted(block.heading or block.text), [block.body] if block.body else []))
            part = sections[-1][1]
            apart.append(None)
            continue
        list_ended = blocks[takeaways[-1]].in_list and not block.in_list and not one_item_lists  # its list is over
        if i > takeaways[-1] and block.level is None and wrap_up_line(block.text):
            part = conclusion  # "Wrapping up" written as a line of its own, without heading marks
            continue
        last_number = blocks[takeaways[-1]].number
        if i > takeaways[-1] and part is not conclusion and block.level is None and not block.in_list \
                and last_number is not None and block.number == last_number + 1:  # a thread's closing post, "7/ That's all."
            conclusion.append(split_number(block.text)[1])
            part = conclusion
            continue
        if i > takeaways[-1] and (block.level is not None or list_ended):
            if CONCLUSION_HEADING.match(block.heading or "") and block.level is not None:
                part = conclusion
                part.extend([block.body] if block.body else [])
                continue
            if list_ended or (block.level or 0) <= level:
                part = conclusion
        part.append(block.text)
        if sections and part is sections[-1][1] and apart[-1] is None and not block.attached:
            apart[-1] = len(part) - 1
    if not conclusion:
        conclusion = trailing_wrap_up([body for _, body in sections], apart)
    return Article(
        title=title and unshouted(title),
        intro=tuple(intro),
        takeaways=tuple(Takeaway(heading, tuple(paragraphs)) for heading, paragraphs in sections),
        conclusion=tuple(conclusion),
    )


def _listed_takeaways(blocks: list[Block], takeaways: list[int]) -> list[int]:
    """The items of the numbered lists when they, not the headings, are the article's points:
    there are no headed takeaways (and the list is at least half as long as the prose around
    it), or the headed sections hold numbered lists of more than two
    items each on average and hardly any prose (at most one section in four has any before the
    last item).
    Items after a conclusion heading are the wrap-up's, not takeaways."""
    end = next(
        (i for i in range(len(blocks)) if blocks[i].level is not None and CONCLUSION_HEADING.match(blocks[i].heading or "")
         and (not takeaways or i > takeaways[-1])),
        len(blocks),
    )
    items = [i for i in range(end) if blocks[i].listed is not None]
    if len(items) < _MIN_LISTED:
        return []
    if not takeaways:  # the list is the article's substance, not an aside in an essay
        prose = sum(block.level is None and not block.in_list for block in blocks)  # an item's own paragraphs are its
        return items if 2 * len(items) >= prose else []
    in_sections = [i for i in items if i > takeaways[0]]
    bounds = [*takeaways, items[-1]]  # what follows the last item is the conclusion, not a section's prose
    with_prose = sum(
        any(blocks[i].level is None and blocks[i].listed is None for i in range(start, stop))
        for start, stop in zip(bounds, bounds[1:])
    )
    return in_sections if len(in_sections) > 2 * len(takeaways) and with_prose <= len(takeaways) // 4 else []


def _bulleted_takeaways(blocks: list[Block], takeaways: list[int]) -> list[int]:
    """The items of a bulleted list (•, -) when they are the article's points: it has no headed
    takeaways and no numbered list, and the items are at least half as many as the other
    paragraphs ("The main points:" and four bullets of a sentence or two each)."""
    if takeaways:
        return []
    items = [i for i, block in enumerate(blocks) if block.bullet]
    prose = sum(block.level is None and not block.in_list for block in blocks)
    return items if len(items) >= _MIN_LISTED and 2 * len(items) >= prose else []


def _whole(blocks: list[Block], title: str | None) -> Article:
    """A text that is not a digest: its first paragraph as the intro, the rest as one chapter."""
    paragraphs = [block.text for i, block in enumerate(blocks) if not (i == 0 and title is not None)]
    if not paragraphs:
        raise ArticleError(f"found a title (“{title}”) but no text under it")
    words = sum(len(paragraph.split()) for paragraph in paragraphs)
    if words < _MIN_WORDS:
        raise ArticleError(f"found only {words} word{'s' * (words != 1)} of text and no takeaways: not an article")
    heading = title or "The article"
    return Article(title, tuple(paragraphs[:1]), (Takeaway(heading, tuple(paragraphs[1:])),), (), whole=True)


def _takeaway_indexes(blocks: list[Block], headings: list[int]) -> tuple[list[int], int]:
    """Which headings are takeaways, and their level (see the module docstring)."""
    candidates = [i for i in headings if not CONCLUSION_HEADING.match(blocks[i].heading or "")]
    # "Introduction", "At a glance": before the first heading at their level that is not one (under a title too)
    intro = {i for i in candidates if INTRO_HEADING.match(blocks[i].heading or "")}
    first = {}
    for i in candidates:
        if i not in intro:
            first.setdefault(blocks[i].level, i)
    candidates = [i for i in candidates if i not in intro or i > first.get(blocks[i].level, -1)] or candidates
    numbered = [i for i in candidates if blocks[i].number is not None]
    if len(numbered) >= 2:
        level = Counter(blocks[i].level for i in numbered).most_common(1)[0][0]
        return [i for i in numbered if blocks[i].level == level], level
    if not candidates:
        return [], PLAIN_LEVEL
    levels = Counter(blocks[i].level for i in candidates)
    repeated = [lvl for lvl, count in levels.items() if count >= 2]
    if repeated:
        level = min(repeated)
        deeper = [lvl for lvl in repeated if lvl > level]
        if deeper and _groups(blocks, [i for i in candidates if blocks[i].level == level], min(deeper)):
            level = min(deeper)
    else:  # one takeaway: under a title when the first heading can be one
        rest = [blocks[i].level for i in candidates if i != 0 or blocks[0].level not in (1, PLAIN_LEVEL)]
        level = min(rest or levels)
    chosen = [i for i in candidates if blocks[i].level == level and _has_paragraphs(blocks, i)]
    while len(chosen) > 2 and _BONUS.match(blocks[chosen[-1]].heading or ""):  # an extra after the count
        chosen.pop()
    return chosen, level


def _groups(blocks: list[Block], heads: list[int], inner: int) -> bool:
    """Whether `heads` only group the takeaways ("Part 1" over three ``###`` lessons): each has
    two or more headings of level `inner` under it and at most a line of its own before them,
    and those headings differ (one repeated in every group is a label, not a takeaway)."""
    names: list[str] = []
    for head in heads:
        level = blocks[head].level
        own = 0
        inside = []
        for block in blocks[head + 1 :]:
            if block.level is not None and block.level <= level:  # type: ignore[operator]
                break
            if block.level == inner:
                inside.append(block.heading or "")
            elif not inside and block.level is None:
                own += 1
        if len(inside) < 2 or own > 1:
            return False
        names += [name.casefold() for name in inside]
    return len(set(names)) == len(names)


def _has_paragraphs(blocks: list[Block], index: int) -> bool:
    """Whether a heading has a paragraph before the next heading at its level or above."""
    level = blocks[index].level
    if blocks[index].body:
        return True
    for following in range(index + 1, len(blocks)):
        block = blocks[following]
        if block.level is None or block.body:  # a paragraph, or a lead-in's
            return True
        if block.level <= level:  # type: ignore[operator]
            return False
    return False


def _title(blocks: list[Block], takeaways: list[int]) -> str | None:
    """The heading standing before any paragraph, unless it is plainly the first takeaway."""
    first = blocks[0]
    if first.body is not None or INTRO_HEADING.match(first.heading or ""):  # a lead-in's paragraph, a list item, "Introduction"
        return None
    if first.level is not None:
        numbered = first.number is not None and 0 in takeaways
        marked_like_the_others = 0 in takeaways and 1 < first.level < PLAIN_LEVEL
        return None if numbered or marked_like_the_others else first.heading
    if first.heading is not None and first.listed is None and len(blocks) > 1 and blocks[1].level is not None:
        return first.heading  # a short line right above the first heading
    return None
