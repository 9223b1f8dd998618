"""Plain text -> blocks, line by line: how published digests that carry no markup are read.

A plain digest arrives as one paragraph per line, or paragraphs between blank lines, possibly
hard-wrapped. A short line that reads like a heading (a few words, no closing sentence
punctuation; not a pull quote in quotation marks, nor its attribution line) is a heading
candidate, and a heading only when a paragraph follows it, so a short last line or a run of short
lines stays text. A numbered line standing alone may be a heading even when it holds a sentence
or two ("3. Forget the MVP. You Need an FVP."). Numbered lines in a row whose numbers count on
("1." "2." "3.") are a numbered list, whose items the article stage may take as the takeaways.
Numbering may read "1.", "2)", "3 —", "Takeaway #4:", "No. 5 —", "Lesson 6:" or a keycap "7️⃣";
a thread exported as text counts its posts "1/8", "(2/8)", and its hook (with 🧵) is the intro.
Writers of plain text borrow a little Markdown (``**bold**``, ``## heading``, ``- item``), so
that is read too. A heading repeated word for word ("What we did" in every section) is a label
inside the sections, kept as text. Page furniture (see podcast.blocks) is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from podcast.blocks import (
    BOLD_LEVEL,
    CONCLUSION_HEADING,
    FOOTNOTE_MARK,
    ITALIC_LEVEL,
    LEAD_IN_LEVEL,
    PLAIN_LEVEL,
    TLDR_LABEL,
    Block,
    heading_block,
    ends_sentence,
    is_attribution,
    decorated,
    is_headlike,
    item,
    numbered_heading,
    split_number,
    unmark,
)
from podcast.furniture import is_furniture, is_furniture_block, page_text

# Lines up to this long may be a hard-wrapped paragraph; one-paragraph-per-line text runs longer.
_HARD_WRAP_WIDTH = 100
_BLANK_LINES = re.compile(r"\n\s*\n")

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+")
_BULLET = re.compile(r"^[ \t]*[-*+•◦▪–][ \t]+(\S.*)$")
_BOLD_LINE = re.compile(r"^[ \t]*(\*\*|__)((?:(?!\1).)+)\1[ \t]*$")
_ITALIC_LINE = re.compile(r"^[ \t]*([*_])(?![*_\s])((?:(?!\1).)+)(?<!\s)\1[ \t]*$")
# A bold run-in heading: "**Heading.** Body", "**Heading:** body", "**Heading** — body".
_LEAD_IN = re.compile(r"^[ \t]*(\*\*|__)(?P<lead>(?:(?!\1).)+?[.:!?—–])\1[ \t]*(?P<body>\S.*)$|"
                      r"^[ \t]*(\*\*|__)(?P<lead2>(?:(?!\4).)+?)\4[ \t]*[:—–][ \t]*(?P<body2>\S.*)$", re.DOTALL)
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")

# "1/8" or "(2/8)" before a post, or on the line over it.
_THREAD_COUNTER = re.compile(
    r"^[ \t]*[(\[]?([0-9]{1,3})[ \t]*/[ \t]*([0-9]{1,3})[)\]]?(?:[ \t]*\n(?=[ \t]*\S)|[ \t]+(?=\S))", re.MULTILINE
)
_HOOK = re.compile(r"\s*1/[ \t]+")  # the first post's number, as _thread_counters leaves it
_SECOND_POST = re.compile(r"^[ \t]*2/[ \t]", re.MULTILINE)
_THREAD = "\U0001F9F5"  # 🧵 marks a thread's opening post: its hook, the intro, never a heading

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STAR_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_SPACE = re.compile(r"\s+")
_MARKS = re.compile(r"[\[`*_]")


def plain_blocks(text: str) -> list[Block]:
    """Cut the text into blocks, then decide which heading candidates are headings."""
    if "/" in text:
        text = _thread_counters(text)
        if _THREAD in text:
            text = _unnumbered_hook(text)
    if _BLANK_LINES.search(text):
        chunks, hard_wrap = _BLANK_LINES.split(text), True
    else:  # one paragraph per line
        chunks, hard_wrap = [text], False
    while len(chunks) > 1 and all(is_furniture(line) for line in chunks[0].split("\n")):  # a forwarded email's headers
        chunks = chunks[1:]
    blocks: list[Block] = []
    for chunk in chunks:
        blocks.extend(_chunk_blocks(chunk.split("\n"), hard_wrap))
    kept = page_text([b for b in blocks if b.text], is_furniture_block)
    return _resolve(_demote_labels(kept))


def _thread_counters(text: str) -> str:
    """A thread exported as text numbers its posts "1/12" or "(2/12)", often on a line of their
    own: each counter numbers the line it stands on or over ("2/ …", as a thread's own numbering
    reads). (Its "end/" mark is furniture.)

    Only counters out of the same total, two or more, are a thread's ("10/10 would do it again" is not).

    >>> _thread_counters("1/8\\nRaise your rate.\\n\\n(2/8) Put it in writing.\\n\\n10/10 would do it again.")
    '1/ Raise your rate.\\n\\n2/ Put it in writing.\\n\\n10/10 would do it again.'
    """
    totals = Counter(match.group(2) for match in _THREAD_COUNTER.finditer(text))
    if max(totals.values(), default=0) < 2:
        return text
    return _THREAD_COUNTER.sub(lambda match: f"{match.group(1)}/ " if totals[match.group(2)] > 1 else match.group(), text)


def _unnumbered_hook(text: str) -> str:
    """A thread whose first post, its hook (the one with 🧵), is numbered "1/" like the points:
    the hook is the intro, so its number goes.

    >>> _unnumbered_hook("1/ Five lessons 🧵\\n\\n2/ Ship early.\\nIt works.")
    'Five lessons 🧵\\n\\n2/ Ship early.\\nIt works.'
    """
    first = _HOOK.match(text)
    second = _SECOND_POST.search(text)
    if first is None or second is None or _THREAD not in text[: second.start()]:
        return text
    return text[first.end() :]


def _plain(text: str) -> str:
    """Markdown inline markup reduced to the words a reader sees, whitespace collapsed.

    Images go (a listener cannot see them); links keep their text.

    >>> _plain("**Open** source, see [the *post*](https://example.com) ![chart](c.png)")
    'Open source, see the post'
    >>> _plain("snake_case and 5 * 3 stay")
    'snake_case and 5 * 3 stay'
    """
    if not _MARKS.search(text):  # most lines: no markup to remove
        return unmark(" ".join(text.split()))
    text = FOOTNOTE_MARK.sub("", _IMAGE.sub("", text))
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _STAR_EMPHASIS.sub(r"\1", text)
    text = _UNDERSCORE_EMPHASIS.sub(r"\1", text)
    return unmark(_SPACE.sub(" ", text).strip())


def _starts_lower(text: str) -> bool:
    """Whether a line starts in lower case, and so may continue the line above it; a "tl;dr —"
    label starts a paragraph of its own.

    >>> _starts_lower("and then it rained."), _starts_lower("tl;dr — it rained."), _starts_lower("tldr: no.")
    (True, False, False)
    """
    text = text.lstrip()
    return text[:1].islower() and not (text[:2] == "tl" and TLDR_LABEL.match(text))


def _demote_labels(blocks: list[Block]) -> list[Block]:
    """A heading repeated word for word ("What we did", "Why it matters") labels a part of each
    section: it is text of the section, not a heading of its own.

    >>> [b.level for b in _demote_labels([Block("A", "A", level=8), Block("x", "x", level=7), Block("x", "x", level=7)])]
    [8, None, None]
    """
    texts = Counter(block.heading.casefold() for block in blocks if block.heading and block.number is None)
    return [
        Block(block.text) if block.heading and block.number is None and texts[block.heading.casefold()] > 1 else block
        for block in blocks
    ]


def _chunk_blocks(lines: list[str], hard_wrap: bool) -> list[Block]:
    """The blocks of one run of non-blank lines (the whole text when it has no blank lines).

    A paragraph is attached to the line above it unless it starts the run or follows a thematic
    break ("* * *", "---" under a line that is no heading): the break sets it apart.
    """
    blocks: list[Block] = []
    run: list[str] = []  # consecutive plain lines
    broken_at = 0  # how many blocks stood before the last break: the next paragraph is not attached
    in_bullet = False
    # Two or more lines in a row that start with an emoji or arrow are a list ("→ Charge more");
    # one alone may head the line under it ("✅ Ship small").
    listed: set[int] = set()
    if len(lines) > 1 and not "".join(lines).isascii():
        marks = [decorated(line) for line in lines]
        listed = {k for k, mark in enumerate(marks) if mark and ((k and marks[k - 1]) or (k + 1 < len(marks) and marks[k + 1]))}
    for k, line in enumerate(lines):
        if k in listed:
            blocks += _run_blocks(run, hard_wrap, len(blocks) > broken_at)
            blocks.append(replace(_paragraph(line), in_list=True, bullet=True))
            run, in_bullet = [], False
            continue
        if run and _SETEXT.match(line) and ("=" in line or _underlined(_plain(run[-1]))):
            heading = _plain(run.pop())
            blocks += _run_blocks(run, hard_wrap, len(blocks) > broken_at)
            blocks.append(heading_block(heading, 1 if "=" in line else 2))
            run, in_bullet = [], False
            continue
        if _RULE.match(line) or _REFERENCE.match(line) or not _QUOTE.sub("", line).strip():  # ">" alone: a break
            blocks += _run_blocks(run, hard_wrap, len(blocks) > broken_at)
            run, in_bullet = [], False
            broken_at = len(blocks) if _RULE.match(line) else broken_at
            continue
        if in_bullet and not run and line[:1] in (" ", "\t"):  # a bullet item's continuation
            blocks[-1] = Block(f"{blocks[-1].text} {_plain(line)}")
            continue
        # A numbered line stands alone between blank lines, or heads its item's text: a whole
        # sentence over a line of its own ("1. Price it clearly." over "   People do not ask.")
        alone = len(lines) == 1 or (k == 0 and lines[1].strip()[:1].isupper() and ends_sentence(line.rstrip()))
        marked = _marked_block(line, alone)
        if marked is None:
            run.append(_QUOTE.sub("", line))
            in_bullet = False
            continue
        blocks += _run_blocks(run, hard_wrap, len(blocks) > broken_at)
        blocks.append(marked)
        run, in_bullet = [], _BULLET.match(line) is not None
    return blocks + _run_blocks(run, hard_wrap, len(blocks) > broken_at)


def _underlined(text: str) -> bool:
    """Whether a line over "---" is a heading (a setext one); under a paragraph, "---" is a break.

    >>> _underlined("Ship small"), _underlined("3. Forget the MVP. You Need an FVP."), _underlined("We shipped it.")
    (True, True, False)
    """
    number, heading = split_number(text)
    return is_headlike(heading) or (number is not None and numbered_heading(heading))


def _marked_block(line: str, alone: bool) -> Block | None:
    """The block a Markdown-marked or numbered line makes; None for a plain line. A numbered
    line `alone` between blank lines may be a heading of a sentence or two."""
    atx = _ATX.match(line)
    if atx:
        return heading_block(_plain(atx.group(2) or ""), len(atx.group(1)))
    bullet = _BULLET.match(line)
    if bullet:
        return replace(_paragraph(bullet.group(1)), in_list=True, bullet=not line[:1].isspace())
    bold = _BOLD_LINE.match(line)
    if bold:
        heading = _plain(bold.group(2)).rstrip(":")
        if is_headlike(split_number(heading)[1]):
            return heading_block(heading, BOLD_LEVEL)
    italic = _ITALIC_LINE.match(line)
    if italic and is_headlike(_plain(italic.group(2))):
        return heading_block(_plain(italic.group(2)), ITALIC_LEVEL)
    text = _plain(line)
    number, heading = split_number(text)
    if number is None or _LEAD_IN.match(line):  # a numbered lead-in is a paragraph's start
        return None
    headlike = is_headlike(heading) or (alone and numbered_heading(heading))
    return Block(text, heading if headlike else None, number)


def _run_blocks(lines: list[str], hard_wrap: bool, attached: bool) -> list[Block]:
    """Plain lines -> paragraphs and heading candidates.

    Between blank lines, short lines (all within _HARD_WRAP_WIDTH) are one hard-wrapped
    paragraph, perhaps under a heading line. Otherwise each line is a paragraph, except that a
    line starting in lower case continues a line that did not end a sentence. A paragraph
    after another line of its run, or of its chunk (`attached`: the run does not start it, nor
    follows a thematic break), is marked attached.
    """
    if not lines:
        return []
    if hard_wrap and len(lines) > 1 and all(len(line) <= _HARD_WRAP_WIDTH for line in lines):
        first = _plain(lines[0])
        heading = _candidate_heading(first) if _THREAD not in lines[0] else None
        if heading and not _starts_lower(lines[1]):
            return [Block(first, heading), _paragraph(" ".join(lines[1:]), attached=True)]
        return [_paragraph(" ".join(lines), attached)]
    joined: list[str] = []
    for line in lines:
        if joined and _starts_lower(line) and not ends_sentence(joined[-1]):
            joined[-1] += " " + line
        else:
            joined.append(line)
    blocks = [_paragraph(line, attached or k > 0) for k, line in enumerate(joined)]
    return [replace(b, heading=_candidate_heading(b.text) if _THREAD not in line else None) if b.level is None else b
            for b, line in zip(blocks, joined)]


def _candidate_heading(text: str) -> str | None:
    """The heading a plain line would be: itself when it reads like one; a wrap-up heading
    written with a colon ("Conclusion:") without the colon; else none.

    >>> _candidate_heading("Conclusion:"), _candidate_heading("Here is what stuck:")
    ('Conclusion', None)
    """
    if is_headlike(text):
        return text
    bare = text.rstrip(":").rstrip()
    return bare if text.endswith(":") and is_headlike(bare) and CONCLUSION_HEADING.match(bare) else None


def _paragraph(raw: str, attached: bool = False) -> Block:
    """A paragraph, or a bold lead-in heading with its paragraph ("**Heading.** Body ...").

    >>> _paragraph("**Carry a spare.** A puncture is a nuisance.").body
    'A puncture is a nuisance.'
    >>> lead = _paragraph("**2. Quiet streets** — the back streets took four minutes more.")
    >>> lead.heading, lead.number, lead.body
    ('Quiet streets', 2, 'the back streets took four minutes more.')
    >>> _paragraph("**Bold words** carry on the sentence.").level is None
    True
    """
    lead = _LEAD_IN.match(raw)
    if lead:
        heading = _plain(lead["lead"] or lead["lead2"]).rstrip(".:—– ")
        number, heading = split_number(heading)
        if is_headlike(heading):
            return Block(_plain(raw), heading, number, LEAD_IN_LEVEL, _plain(lead["body"] or lead["body2"]))
    return Block(_plain(raw), attached=attached)


def _resolve(blocks: list[Block]) -> list[Block]:
    """Decide heading candidates: numbered lines in a row, counting on, are a list's items; a
    pull quote's attribution line is text; another candidate is a heading only when a paragraph
    follows it."""

    def numbered_line(i: int) -> bool:
        return 0 <= i < len(blocks) and blocks[i].number is not None and blocks[i].level is None

    def counts_on(i: int) -> bool:  # lines i and i + 1 are numbered one after the other
        return numbered_line(i) and numbered_line(i + 1) and blocks[i + 1].number == blocks[i].number + 1  # type: ignore[operator]

    # (a list's numbering runs on; a takeaway "1." after a preview list "1. ... 5." starts anew)
    resolved: list[Block] = []
    lists = 0
    for i, block in enumerate(blocks):
        if counts_on(i - 1) or counts_on(i):
            lists += not counts_on(i - 1)
            block = item(block.text, block.number, lists)
        elif block.heading is not None and block.level is None and block.number is None:
            if is_attribution(block.text, blocks[i - 1].text if i else None):
                block = Block(block.text)
        resolved.append(block)
    for i in range(len(resolved) - 1, -1, -1):  # from the end: whether a paragraph follows
        block = resolved[i]
        followed_by_paragraph = i + 1 < len(resolved) and resolved[i + 1].level is None
        if block.level is None and block.listed is None and block.heading is not None and followed_by_paragraph:
            resolved[i] = replace(block, level=PLAIN_LEVEL)
    return resolved
