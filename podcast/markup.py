"""Markdown -> blocks, read by a real CommonMark parser (markdown-it-py) rather than by lines.

The parser's tokens say what each piece is, so nothing written in a code block becomes a heading
(``# list big files`` in a shell example) and no markup is spoken: code blocks are left out (a
listener cannot use them), a short inline code span is spoken as its words, inline HTML keeps
only its text, entities are decoded, images go, links keep their text, and a table is read row
by row ("Plan: Basic; Price: 5 dollars.") instead of as pipes. Headings keep their level; a
paragraph that is all bold or all italic is a heading of its own kind, and one that starts with a
bold phrase ("**Heading.** Body") is a lead-in. The items of numbered lists become item blocks,
which the article stage may take as the takeaways. Page furniture (see podcast.blocks), a short
line under an image (its caption), front matter and Hugo shortcodes are left out.
"""

from __future__ import annotations

import gc
import html
import re
from dataclasses import replace
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from podcast.blocks import (
    BOLD_LEVEL,
    FOOTNOTE_MARK,
    ITALIC_LEVEL,
    LEAD_IN_LEVEL,
    PLAIN_LEVEL,
    Block,
    decorated,
    ends_sentence,
    heading_block,
    is_headlike,
    is_short,
    item,
    numbered_heading,
    split_number,
    unmark,
)
from podcast.furniture import is_bio, is_furniture, is_furniture_block, page_text


def _inline(state: StateCore) -> None:
    """markdown-it's own core rule "inline", except that a text holding none of the characters
    any enabled inline rule starts at (most headings and plain prose paragraphs) becomes its one
    text token at once: what the inline parser would make of it, at a fraction of the cost
    (the inline parser was two thirds of markdown-it's time on a long article)."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.content and _INLINE_MARKS.isdisjoint(token.content):
            token.children = [Token("text", "", 0, content=token.content)]
        else:
            token.children = token.children or []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


# Where the enabled inline rules (CommonMark's: escapes, code spans, emphasis, links and images
# (whose "!" needs a "["), autolinks and inline HTML, entities, line breaks) can start; text
# without any of these is plain text.
_INLINE_MARKS = frozenset("\n\\`*_[<&")
_PARSER = MarkdownIt("commonmark").enable("table")
_PARSER.core.ruler.at("inline", _inline)
# A link is spoken by its text; its address is never used, so it is not normalised (percent-
# encoded, punycoded: a tenth of markdown-it's time on a page of links). validateLink still
# drops "javascript:" and other unsafe links, as before.
_PARSER.normalizeLink = lambda url: url  # type: ignore[method-assign]
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n.*?\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title[ \t]*[:=][ \t]*([\"']?)(.+?)\1[ \t]*$", re.MULTILINE)
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%.*?%\}", re.DOTALL)  # Hugo's, and Liquid's (Jekyll, DEV: "{% youtube x %}")
_TAG = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<[^>]*>", re.DOTALL | re.IGNORECASE)
_MEDIA_BLOCK = re.compile(r"^\s*<(?:figure|img|picture|video|audio|iframe|svg|script|style|object|embed)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SPACE = re.compile(r"\s+")
_MD_LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)")  # not parsed inside HTML: its text, no image
_INLINE_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
# Unclosed markup is literal text, but not words: "`+|\*{2,}|_{2,}|~{2,}", written to start with the
# class of its characters, which lets the engine skip to them (8 times faster on plain text).
_STRAY_MARKS = re.compile(r"[`*_~](?:(?<=`)`*|(?<=\*)\*+|(?<=_)_+|(?<=~)~+)")
_LOOSE_STOP = re.compile(r" ([.,;:!?])(?=\s|$)")  # where a left-out code span stood before a stop
_LEAD_END = ".:!?—–"
_PROPERTY = re.compile(r"[A-Z][\w ]{0,24}:[ \t]+\S")  # "Created: …": a property line (a cheap first test)
_NUMBER_MARK = re.compile(r"[0-9](?:[.):/–—-]| ?[–—:-]|\ufe0f?\u20e3)")  # "1.", "2)", "#3 —", "4:", "5/", "6️⃣"
_MAX_CODE_WORDS = 6  # a longer inline code span is a command or an expression, not words


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown text (see the module docstring)."""
    text = _SHORTCODE.sub("", _without_front_matter(text))
    # The tokens are many small objects that form no cycles and die together: the cycle
    # collector, scanning them again and again as they pile up, costs a long article a third more.
    # They die (by reference count) with the reader, before the collector is back, which would
    # otherwise scan all of them once more.
    collecting = gc.isenabled()
    gc.disable()
    try:
        blocks, links, bios = _read(text)
    finally:
        if collecting:
            gc.enable()
    # Short lines that are each only a link, two or more in a row, are a page's tags or menu.
    menu = {i for i in range(len(blocks)) if links[i] and ((i and links[i - 1]) or (i + 1 < len(links) and links[i + 1]))}
    kept = page_text([block for i, block in enumerate(blocks) if i not in menu], is_furniture_block)
    return kept[:-1] if kept and id(kept[-1]) in bios else kept  # an author's bio, in italics, ends the page


def _read(text: str) -> tuple[list[Block], list[bool], set[int]]:
    """The blocks of the text, whether each is a short line holding only a link, and (by id)
    those that are italic notes about the author."""
    reader = _Reader(_PARSER.parse(text))
    blocks = reader.blocks()
    return blocks, [id(block) in reader.links for block in blocks], reader.bios


def _without_front_matter(text: str) -> str:
    """The text without its front matter, whose title stands in as the ``#`` title when the text
    has none of its own.

    >>> _without_front_matter('---\\ntitle: "Five things"\\ntags: a\\n---\\nIntro.')
    '# Five things\\n\\nIntro.'
    """
    front = _FRONT_MATTER.match(text)
    if front is None:
        return text
    rest = text[front.end() :]
    title = _FRONT_TITLE.search(front.group())
    return f"# {title.group(2)}\n\n{rest}" if title and not rest.lstrip().startswith("# ") else rest


class _Reader:
    """One walk over the tokens; the list nesting and what came just before are its state."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.lists: list[int | None] = []  # per open list: its id when numbered, else None
        self.next_list = 0
        self.first_in_item = False
        self.number: int | None = None  # the open list item's number
        self.after_image = False
        self.bios: set[int] = set()  # the blocks that are italic notes about the author (by id)
        self.links: set[int] = set()  # the blocks that are a short line holding only a link (by id)

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        i = 0
        while i < len(self.tokens):
            token = self.tokens[i]
            kind = token.type
            if kind == "heading_open":
                out.append(heading_block(_inline_text(self.tokens[i + 1].children or []), int(token.tag[1])))
                i += 3
                self.after_image = False
                continue
            if kind == "paragraph_open":
                out.extend(self._paragraph(self.tokens[i + 1]))
                i += 3
                continue
            if kind == "table_open":
                close = next(j for j in range(i, len(self.tokens)) if self.tokens[j].type == "table_close")
                out.extend(Block(row) for row in _table_rows(self.tokens[i:close]))
                i = close + 1
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                top_level = not self.lists
                self.lists.append(self.next_list if kind == "ordered_list_open" and top_level else None)
                self.next_list += kind == "ordered_list_open" and top_level
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.first_in_item = True
                self.number = int(token.info) if token.info.isdigit() else None
            elif kind == "html_block" and not _MEDIA_BLOCK.match(token.content):
                out.extend(Block(text) for text in _html_text(token.content))
            i += 1
        return out

    def _paragraph(self, inline: Token) -> list[Block]:
        children = inline.children or []
        text = unmark(_inline_text(children))
        marks = _marks(children)
        image_only = not text and "image" in marks
        # A caption: a short line under an image (in italics it may be a sentence), or after it in its paragraph.
        caption = (self.after_image and is_short(text) and (not ends_sentence(text) or _all_italic(marks))) or (
            marks[:1] == ["image"] and is_short(text))
        self.after_image = image_only
        if not text or caption:
            return []
        first, self.first_in_item = self.first_in_item, False
        if "softbreak" in marks and not self.lists:
            if _PROPERTY.match(inline.content) and _properties(inline.content):
                return []
            lines = _decorated_lines(children)
            if lines:  # "→ Charge more" lines, one under another: a list
                return [Block(line, in_list=True, bullet=True) for line in lines]
        listed = self.lists[-1] if self.lists and first else None
        if listed is not None:
            return [item(text, self.number, listed)]
        if self.lists:  # a bullet: a bold lead-in may head it ("- **Speed.** Fast pages sell.")
            bullet = first and len(self.lists) == 1
            return [replace((first and _lead_in(children, text)) or Block(text), in_list=True, bullet=bullet)]
        if marks == ["text"]:  # most paragraphs: words and nothing else
            return [_numbered_line(text) or Block(text)]
        block = _emphasised(marks, text) or _lead_in(children, text) or Block(text)
        if _all_italic(marks) and is_bio(text, set_apart=True):
            self.bios.add(id(block))
        elif marks[0] == "link_open" and marks[-1] == "link_close" and is_headlike(text):
            self.links.add(id(block))
        return [block]


def _numbered_line(text: str) -> Block | None:
    """A short paragraph that numbers itself and reads like a heading ("#1 — Charge early",
    "No. 2: Keep it small", "Lesson 3: Ask"), as a numbered line standing alone is in plain text;
    a Markdown list ("1. …") is read as a list.

    >>> _numbered_line("#1 — Charge from the first customer").number, _numbered_line("We grew 3 times.")
    (1, None)
    """
    if len(text) > 120 or _NUMBER_MARK.search(text, 0, 16) is None:  # cheap: most paragraphs number nothing
        return None
    number, heading = split_number(text)
    if number is None or not (is_headlike(heading) or numbered_heading(heading)):
        return None
    return heading_block(text, PLAIN_LEVEL)


def _properties(content: str) -> bool:
    """Whether a paragraph's lines are a page's properties, one "Name: value" a line, with page
    furniture among them, as Notion exports them under the title ("Created: …", "Tags: …").

    >>> _properties("Created: May 2, 2025 9:32 AM\\nTags: Team, Process"), _properties("Cost: $5\\nTime: an hour")
    (True, False)
    """
    lines = content.split("\n")
    return all(_PROPERTY.match(line) for line in lines) and any(is_furniture(line) for line in lines)


def _decorated_lines(children: Sequence[Token]) -> list[str]:
    """The lines of a paragraph when each starts with an emoji or arrow ("→ Charge more"), else none."""
    lines: list[list[Token]] = [[]]
    for child in children:
        if child.type == "softbreak":
            lines.append([])
        else:
            lines[-1].append(child)
    texts = [_inline_text(line) for line in lines]
    return [unmark(text) for text in texts] if all(decorated(text) for text in texts) else []


def _inline_text(children: Sequence[Token]) -> str:
    """What a reader sees of a run of inline tokens, as one line of words."""
    parts: list[str] = []
    in_marker = False  # inside <sup>…</sup>: a footnote marker
    for child in children:
        if child.type == "html_inline":
            tag = _INLINE_TAG.match(child.content)
            name = tag.group(2).lower() if tag else ""
            in_marker = (name == "sup" and not tag.group(1)) or (in_marker and name != "sup")  # type: ignore[union-attr]
            parts.append(" " if name == "br" else "")
        elif in_marker or child.type == "image":
            continue
        elif child.type == "text":
            parts.append(_STRAY_MARKS.sub("", child.content))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "code_inline":
            parts.append(_code_words(child.content))
    text = " ".join("".join(parts).split())
    if "[" in text:
        text = FOOTNOTE_MARK.sub("", text)
    return _LOOSE_STOP.sub(r"\1", text) if " " in text and _LOOSE_STOP.search(text) else text


def _code_words(code: str) -> str:
    """A short inline code span as the words in it; a longer one (a command) is left out.

    >>> _code_words("--enable-workload-profiles"), _code_words("vi.stubGlobal"), _code_words("a && b | c d e f g")
    ('enable workload profiles', 'vi stubGlobal', '')
    """
    words = _WORD.findall(code)
    return " ".join(words) if len(words) <= _MAX_CODE_WORDS and len(code.split()) <= _MAX_CODE_WORDS - 2 else ""


def _emphasised(marks: list[str], text: str) -> Block | None:
    """A paragraph that is all bold (or all italic) and reads like a heading is one; `marks`: its tokens' kinds."""
    for opening, level in (("strong_open", BOLD_LEVEL), ("em_open", ITALIC_LEVEL)):
        if marks[:1] == [opening] and marks[-1:] == [opening.replace("open", "close")] and marks.count(opening) == 1:
            heading = text.rstrip(":")
            if is_headlike(split_number(heading)[1]):
                return heading_block(heading, level)
    return None


def _marks(children: Sequence[Token]) -> list[str]:
    """The kinds of a paragraph's inline tokens, blank text left out."""
    return [child.type for child in children if child.type != "text" or child.content.strip()]


def _all_italic(marks: list[str]) -> bool:
    return marks[:1] == ["em_open"] and marks[-1:] == ["em_close"]


def _lead_in(children: Sequence[Token], text: str) -> Block | None:
    """A paragraph opening with a bold phrase that ends like a heading ("**Carry a spare.** A
    puncture ...", "**Quiet streets** — the back streets ...") is headed by it."""
    children = [child for child in children if child.type != "text" or child.content]
    if children and children[0].type == "text" and not _WORD.search(children[0].content):  # "➡️ **Lead.** …"
        children = children[1:]
    if not children or children[0].type != "strong_open":
        return None
    close = next((i for i, child in enumerate(children) if child.type == "strong_close"), None)
    if close is None:
        return None
    lead = _inline_text(children[1:close])
    body = _inline_text(children[close + 1 :])
    if not lead or not body:
        return None
    number, rest = split_number(f"{lead} {body}")
    if number is not None and rest == body and (is_headlike(body) or numbered_heading(body)):
        return Block(text, body, number, BOLD_LEVEL)  # only the number in bold: "**1)** Mornings got easier"
    if lead[-1] not in _LEAD_END:
        if body[0] not in ":—–":
            return None
        body = body[1:].strip()
    number, heading = split_number(lead.rstrip(".:—– "))
    if not is_headlike(heading) or not body:
        return None
    return Block(text, heading, number, LEAD_IN_LEVEL, body)


def _table_rows(tokens: list[Token]) -> list[str]:
    """A table read row by row: each body row as "header: cell; header: cell.".

    >>> _table_rows(_PARSER.parse("| Plan | Price |\\n|---|---|\\n| Basic | $5 |\\n| Pro | |"))
    ['Plan: Basic; Price: $5.', 'Plan: Pro.']
    """
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline":
            row.append(_inline_text(token.children or []))
        elif token.type == "tr_close":
            if header:
                rows.append(row)
            else:
                header = row
    spoken = []
    for cells in rows:
        pairs = [f"{name}: {cell}" if name else cell for name, cell in zip(header, cells) if cell]
        if pairs:
            spoken.append("; ".join(pairs).rstrip(".") + ".")
    return spoken


def _html_text(content: str) -> list[str]:
    """The paragraphs of text in a block of HTML, tags gone and entities decoded.

    >>> _html_text("<div>\\n<p>See <b>this</b> &amp; that.</p>\\n<p>More.</p>\\n</div>\\n"), _html_text('<hr class="x">')
    (['See this & that.', 'More.'], [])
    """
    paragraphs = re.split(r"</?(?:p|div|li|h[1-6]|blockquote|section|article|br)\b[^>]*>", content, flags=re.IGNORECASE)
    texts = (_SPACE.sub(" ", _STRAY_MARKS.sub("", _MD_LINK.sub(r"\1", html.unescape(_TAG.sub(" ", part))))).strip()
             for part in paragraphs)
    return [text for text in texts if text]
