"""Text / Markdown (HTML through podcast.extract) -> Article: the structure a careful reader sees
in a takeaways digest.

A takeaways digest is an optional title, an intro, a run of headed sections (the takeaways) and an
optional conclusion. It arrives as plain text (one paragraph per line, or paragraphs between blank
lines, possibly hard-wrapped) or as Markdown, and is read by structure in two passes.

Lines -> blocks. Each block is a paragraph, a marked heading (Markdown ``#``, setext underline, a
line that is entirely bold or entirely italic, or a paragraph's bold lead-in: ``**Heading.** Body``)
or a *heading candidate*: a plain or numbered line that reads like a heading (a few words, no
closing sentence punctuation; not a pull quote in quotation marks, nor its "— Name" attribution
line). A candidate is a heading only when a paragraph follows it, so a short last line or a run of
short lines stays text. Numbered lines in a row whose numbers count on ("1." "2." "3.") are a list,
not headings, such as a preview of the takeaways in the intro. Numbering may read "1.", "2)",
"3 —", "Takeaway #4:", "No. 5 —", "Lesson 6:" or a keycap "7️⃣". Bullet items are paragraphs of
their section. A heading repeated word for word ("What we did" in every section) is a label
inside the sections, kept as text.

Blocks -> Article:

- Numbering decides when two or more headings are numbered ("1.", "2)", "## 3. ..."): the numbered
  headings are the takeaways, their numbers stripped.
- Otherwise the takeaways are the headings at the shallowest level used at least twice (a ``#``
  title over ``##`` takeaways; ``##`` groups over ``###`` takeaways). Markdown and bold headings
  outrank plain lines, which outrank italic lines, which outrank lead-ins: so a subtitle or a
  sub-heading in italics heads the sections only when nothing else does. A marked heading with
  no paragraphs of its own is a label, not a takeaway.
- Title: a heading standing before any paragraph, unless it is plainly the first takeaway (a
  numbered one, or a ``##``-or-deeper Markdown heading like the others). A plain first line or a
  ``#`` heading is the title: a digest opens with an introduction, so a short first line followed
  by prose and then by headings reads as title + intro. A short line directly above the first
  heading is the title too.
- Intro: the paragraphs before the first takeaway. A digest always opens with one, so an
  unnumbered heading standing directly under the title, where the first takeaway would be, is a
  subtitle: it and its paragraphs are the intro (when at least two takeaways follow).
- Conclusion: after the last takeaway, a heading such as "Conclusion" (or "Conclusion:"), "Final
  thoughts", "Wrapping up", "The bottom line" or "What's next" starts the conclusion and is not
  kept (a lead-in's own paragraph is); any other heading at the takeaway level or above (e.g. an
  unnumbered "Bonus: ..." after numbered takeaways) also starts it and is kept as its first
  paragraph. Without such a heading, the wrap-up paragraph of a plain digest sits in the last
  section: it becomes the conclusion when that section has more paragraphs than a takeaway usually
  has and the extra paragraph refers back to the whole piece ("these takeaways ...", "In
  conclusion", "Overall", "Ultimately", ...).
- Any other heading keeps its text as a paragraph where it stands, so nothing written is lost.

Text is kept as written (curly quotes and all); Markdown markers are removed and whitespace is
collapsed. Spoken forms are another module's job.
"""

from __future__ import annotations

import codecs
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from podcast.errors import ArticleError
from podcast.extract import fetch, html_to_markdown, is_url, looks_like_html

MAX_ARTICLE_BYTES = 5_000_000
"""Far above any article; a bigger file is a mistake (a video, a database, a book)."""


@dataclass(frozen=True)
class Takeaway:
    """One headed section: its heading as written and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """A digest as a listener hears it: title (None when it has none), intro, takeaways, conclusion."""

    title: str | None
    intro: tuple[str, ...]
    takeaways: tuple[Takeaway, ...]
    conclusion: tuple[str, ...]


# Lines up to this long may be a hard-wrapped paragraph; one-paragraph-per-line text runs longer.
_HARD_WRAP_WIDTH = 100
_MAX_HEADING_WORDS = 15
_MAX_HEADING_CHARS = 120
# Heading levels: Markdown 1-6, then a whole-line bold heading, then a plain (or numbered) line,
# then a whole-line italic one (a subtitle or a sub-heading inside a section, unless nothing else
# heads the sections), then a bold lead-in that starts a paragraph ("**Heading.** Body ...").
_BOLD_LEVEL = 7
_PLAIN_LEVEL = 8
_ITALIC_LEVEL = 9
_LEAD_IN_LEVEL = 10

_NEWLINE = re.compile(r"\r\n?|[\v\f\x85\u2028\u2029]")
# Control characters, the byte-order mark, and what XML cannot carry (surrogates, U+FFFE/U+FFFF).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ud800-\udfff\ufffe\uffff]")
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
# "1.", "2)", "3 —", "#4:", "Takeaway #5:", "No. 6 —", "Lesson 7:", "8️⃣" before a heading.
_NUMBER = re.compile(
    r"^(?:(?:takeaway|lesson|tip|rule|step|point|insight|idea|no\.?|number)[ \t]*)?"
    r"#?([0-9]{1,3})(?:[.):]|[ \t]*[-–—:]|\ufe0f?\u20e3)[ \t]+(?=\S)",  # \u20e3: a keycap, 1️⃣
    re.IGNORECASE,
)

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STAR_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_SPACE = re.compile(r"\s+")

_CLOSERS = "\"'”’»)]*_"
_OPENERS = "\"'“‘«"
_SENTENCE_END = ".!?:;…"
# A heading never ends on one of these; a hard-wrapped line often does.
_DANGLING = frozenset({"a", "an", "the", "and", "or", "but", "of"})

_CONCLUSION_HEADING = re.compile(
    r"^(?:in\s+)?(?:conclusions?|summary|closing thoughts|final (?:thoughts|words?)|wrapping up"
    r"|wrap[- ]?up|(?:the\s+)?bottom line|what[’']?s next|to sum (?:it )?up|summing up|recap"
    r"|looking ahead|parting thoughts|last words?"
    r"|(?:key |the |final )?takeaways?)(?:\s*[:.!—–-].*)?$",
    re.IGNORECASE,
)
_TAKEAWAY_SHAPE = (
    "a takeaway is a short heading line (no closing punctuation) or a Markdown heading, followed by its own paragraphs"
)
_WRAP_UP = re.compile(
    r"^(?:all in all|in conclusion|in summary|in short|in sum|in the end|to sum up|to conclude|to wrap up"
    r"|overall|ultimately|taken together)\b"
    r"|\b(?:these|those|the above)\s+(?:\w+\s+)?"
    r"(?:takeaways|insights|points|lessons|highlights|ideas|tips|findings|themes|trends)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Block:
    """A paragraph, a heading (level set) or a heading candidate (heading set, level not yet)."""

    text: str  # as a paragraph: as written, markers removed
    heading: str | None = None  # as a heading: without markers and numbering
    number: int | None = None
    level: int | None = None
    body: str | None = None  # a lead-in's paragraph without its heading


def parse_article(text: str) -> Article:
    """Read a takeaways digest (plain text or Markdown) into its parts; see the module docstring.

    Raises ArticleError, saying how the text was read, when it is empty or has no takeaways.
    """
    text = _normalise(text).strip()
    if not text:
        raise ArticleError("the article is empty")
    blocks = _blocks(text)
    if not blocks:
        raise ArticleError("the article has no text, only Markdown markup")
    return _structure(blocks)


def load_article(path: Path) -> Article:
    """Read an article file: UTF-8 (BOM or not), else plainly Windows-1252 text; at most 5 MB.

    Every way the file can be unusable (missing, a folder, empty, binary, unknown encoding, too
    big, no takeaways) is an ArticleError of one line naming the file.
    """
    try:
        if path.is_dir():
            raise ArticleError(f"{path}: is a folder, not an article file")
        with path.open("rb") as file:  # read at most one byte past the limit: /dev/zero is a file too
            data = file.read(MAX_ARTICLE_BYTES + 1)
        if len(data) > MAX_ARTICLE_BYTES:
            size = path.stat().st_size
            amount = f"{size / 1e6:.1f} MB" if size > MAX_ARTICLE_BYTES else "more than 5 MB"
            raise ArticleError(f"{path}: is {amount}; an article must be at most 5 MB of text")
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except OSError as error:
        raise ArticleError(f"{path}: cannot read it ({error.strerror or error})") from None
    if not data:
        raise ArticleError(f"{path}: the file is empty")
    text = _decode(data, path)
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or looks_like_html(text):
        text = html_to_markdown(text, str(path))
    try:
        return parse_article(text)
    except ArticleError as error:
        raise ArticleError(f"{path}: {error}") from None


def load_source(source: str | Path) -> Article:
    """Read an article from a file (text, Markdown, HTML) or from an http(s):// URL."""
    if isinstance(source, Path) or not is_url(source):
        return load_article(Path(source))
    page = fetch(source)
    text = html_to_markdown(page.text, source) if page.html else page.text
    try:
        return parse_article(text)
    except ArticleError as error:
        raise ArticleError(f"{source}: {error}") from None


def _decode(data: bytes, path: Path) -> str:
    """Bytes -> text, refusing what is not text rather than reading noise aloud."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ArticleError(f"{path}: damaged UTF-16 text; save it as UTF-8") from None
    elif b"\x00" in data:
        raise ArticleError(f"{path}: looks like a binary file (it contains NUL bytes), not a text article")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _windows_1252(data)
            if text is None:
                raise ArticleError(
                    f"{path}: unknown text encoding (neither UTF-8 nor Windows-1252); save it as UTF-8"
                ) from None
    if _mostly_control(text):
        raise ArticleError(f"{path}: looks like a binary file (mostly control characters), not a text article")
    return text


def _windows_1252(data: bytes) -> str | None:
    """Decode bytes that are plainly Windows-1252 (or Latin-1) text, else None.

    Western text in that encoding is mostly ASCII with the odd accented letter or curly quote;
    other encodings (Shift-JIS, GBK, ...) decode to runs of symbols, and damaged UTF-8 still holds
    valid multi-byte sequences (which would be read as "â€™" noise).

    >>> _windows_1252("We met at a café – “naïve” was the word.".encode("cp1252"))
    'We met at a café – “naïve” was the word.'
    >>> _windows_1252("日本語の記事です".encode("shift_jis")) is None
    True
    >>> _windows_1252("café".encode("utf-8") + b"\\xff") is None
    True
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if any(ord(c) > 127 and c != "\ufffd" for c in data.decode("utf-8", "replace")):
        return None
    visible = [c for c in text if not c.isspace()]
    return text if sum(ord(c) > 127 for c in visible) <= 0.2 * len(visible) else None


def _mostly_control(text: str) -> bool:
    """More than 5% control characters: a binary file that happened to decode.

    >>> _mostly_control("plain text\\n\\twith a tab"), _mostly_control("\\x01\\x02ab\\x1b")
    (False, True)
    """
    control = sum(unicodedata.category(c) == "Cc" and c not in "\n\r\t\f" for c in text)
    return control > 0.05 * len(text)


def _normalise(text: str) -> str:
    """One newline convention, and no control characters except newline and tab.

    >>> _normalise("a\\r\\nb\\rc\\x07d\\ufeff")
    'a\\nb\\ncd'
    """
    return _CONTROL.sub("", _NEWLINE.sub("\n", text))


def _plain(text: str) -> str:
    """Markdown inline markup reduced to the words a reader sees, whitespace collapsed.

    Images go (a listener cannot see them); links keep their text.

    >>> _plain("**Open** source, see [the *post*](https://example.com) ![chart](c.png)")
    'Open source, see the post'
    >>> _plain("snake_case and 5 * 3 stay")
    'snake_case and 5 * 3 stay'
    """
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _STAR_EMPHASIS.sub(r"\1", text)
    text = _UNDERSCORE_EMPHASIS.sub(r"\1", text)
    return _SPACE.sub(" ", text).strip()


def _split_number(text: str) -> tuple[int | None, str]:
    """A heading's own numbering, and the heading without it.

    >>> _split_number("3) Ship early")
    (3, 'Ship early')
    >>> _split_number("2024 in review")
    (None, '2024 in review')
    """
    match = _NUMBER.match(text)
    if match is None:
        return None, text
    return int(match.group(1)), text[match.end() :]


def _ends_sentence(text: str) -> bool:
    """
    >>> _ends_sentence("He said “yes.”"), _ends_sentence("Open-source AI")
    (True, False)
    """
    end = text.rstrip(_CLOSERS)
    return bool(end) and end[-1] in _SENTENCE_END


def _is_headlike(text: str) -> bool:
    """A heading is a few words, not ending like a sentence (a question is allowed) or mid-phrase.

    >>> _is_headlike("The vision of multiple AI models, not one “AI to rule them all”")
    True
    >>> _is_headlike("He believes open source wins."), _is_headlike("Meta and the")
    (False, False)
    >>> _is_headlike("Is open source winning?")
    True
    """
    words = text.split()
    if not words or len(words) > _MAX_HEADING_WORDS or len(text) > _MAX_HEADING_CHARS:
        return False
    if not any(c.isalpha() for c in text) or text.rstrip(_CLOSERS)[-1:] in (",", "-", "–", "—"):
        return False
    if text[0] in "-–—~" or (text[0] in _OPENERS and text[-1] in _CLOSERS):
        return False  # a pull quote's attribution line ("— Ada, engineer"), or the quote itself
    if _ends_sentence(text) and not text.rstrip(_CLOSERS).endswith("?"):
        return False
    return words[-1].strip(_CLOSERS).lower() not in _DANGLING


def _starts_lower(text: str) -> bool:
    return text.lstrip()[:1].islower()


def _blocks(text: str) -> list[_Block]:
    """Cut the text into blocks, then decide which heading candidates are headings."""
    if _BLANK_LINES.search(text):
        chunks, hard_wrap = _BLANK_LINES.split(text), True
    else:  # one paragraph per line
        chunks, hard_wrap = [text], False
    blocks: list[_Block] = []
    for chunk in chunks:
        blocks.extend(_chunk_blocks(chunk.split("\n"), hard_wrap))
    return _resolve(_demote_labels([block for block in blocks if block.text]))


def _demote_labels(blocks: list[_Block]) -> list[_Block]:
    """A heading repeated word for word ("What we did", "Why it matters") labels a part of each
    section: it is text of the section, not a heading of its own.

    >>> [b.level for b in _demote_labels([_Block("A", "A", level=8), _Block("x", "x", level=7), _Block("x", "x", level=7)])]
    [8, None, None]
    """
    texts = Counter(block.heading.casefold() for block in blocks if block.heading and block.number is None)
    return [
        _Block(block.text) if block.heading and block.number is None and texts[block.heading.casefold()] > 1 else block
        for block in blocks
    ]


def _chunk_blocks(lines: list[str], hard_wrap: bool) -> list[_Block]:
    """The blocks of one run of non-blank lines (the whole text when it has no blank lines)."""
    blocks: list[_Block] = []
    run: list[str] = []  # consecutive plain lines
    in_bullet = False
    for line in lines:
        if run and _SETEXT.match(line):
            heading = _plain(run.pop())
            blocks += _run_blocks(run, hard_wrap)
            blocks.append(_heading(heading, 1 if "=" in line else 2))
            run, in_bullet = [], False
            continue
        if _RULE.match(line) or _REFERENCE.match(line) or not _QUOTE.sub("", line).strip():  # ">" alone: a break
            blocks += _run_blocks(run, hard_wrap)
            run, in_bullet = [], False
            continue
        if in_bullet and not run and line[:1] in (" ", "\t"):  # a bullet item's continuation
            blocks[-1] = _Block(f"{blocks[-1].text} {_plain(line)}")
            continue
        marked = _marked_block(line)
        if marked is None:
            run.append(_QUOTE.sub("", line))
            in_bullet = False
            continue
        blocks += _run_blocks(run, hard_wrap)
        blocks.append(marked)
        run, in_bullet = [], _BULLET.match(line) is not None
    return blocks + _run_blocks(run, hard_wrap)


def _heading(text: str, level: int) -> _Block:
    number, heading = _split_number(text)
    return _Block(heading, heading, number, level)


def _marked_block(line: str) -> _Block | None:
    """The block a Markdown-marked or numbered line makes; None for a plain line."""
    atx = _ATX.match(line)
    if atx:
        return _heading(_plain(atx.group(2) or ""), len(atx.group(1)))
    bullet = _BULLET.match(line)
    if bullet:
        return _Block(_plain(bullet.group(1)))
    bold = _BOLD_LINE.match(line)
    if bold:
        heading = _plain(bold.group(2)).rstrip(":")
        if _is_headlike(_split_number(heading)[1]):
            return _heading(heading, _BOLD_LEVEL)
    italic = _ITALIC_LINE.match(line)
    if italic and _is_headlike(_plain(italic.group(2))):
        return _heading(_plain(italic.group(2)), _ITALIC_LEVEL)
    text = _plain(line)
    number, heading = _split_number(text)
    if number is None or _LEAD_IN.match(line):  # a numbered lead-in is a paragraph's start
        return None
    return _Block(text, heading if _is_headlike(heading) else None, number)


def _run_blocks(lines: list[str], hard_wrap: bool) -> list[_Block]:
    """Plain lines -> paragraphs and heading candidates.

    Between blank lines, short lines (all within _HARD_WRAP_WIDTH) are one hard-wrapped
    paragraph, perhaps under a heading line. Otherwise each line is a paragraph, except that a
    line starting in lower case continues a line that did not end a sentence.
    """
    if not lines:
        return []
    if hard_wrap and len(lines) > 1 and all(len(line) <= _HARD_WRAP_WIDTH for line in lines):
        first = _plain(lines[0])
        heading = _candidate_heading(first)
        if heading and not _starts_lower(lines[1]):
            return [_Block(first, heading), _paragraph(" ".join(lines[1:]))]
        return [_paragraph(" ".join(lines))]
    joined: list[str] = []
    for line in lines:
        if joined and _starts_lower(line) and not _ends_sentence(joined[-1]):
            joined[-1] += " " + line
        else:
            joined.append(line)
    blocks = [_paragraph(line) for line in joined]
    return [replace(b, heading=_candidate_heading(b.text)) if b.level is None else b for b in blocks]


def _candidate_heading(text: str) -> str | None:
    """The heading a plain line would be: itself when it reads like one; a wrap-up heading
    written with a colon ("Conclusion:") without the colon; else none.

    >>> _candidate_heading("Conclusion:"), _candidate_heading("Here is what stuck:")
    ('Conclusion', None)
    """
    if _is_headlike(text):
        return text
    bare = text.rstrip(":").rstrip()
    return bare if text.endswith(":") and _is_headlike(bare) and _CONCLUSION_HEADING.match(bare) else None


def _paragraph(raw: str) -> _Block:
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
        number, heading = _split_number(heading)
        if _is_headlike(heading):
            return _Block(_plain(raw), heading, number, _LEAD_IN_LEVEL, _plain(lead["body"] or lead["body2"]))
    return _Block(_plain(raw))


def _resolve(blocks: list[_Block]) -> list[_Block]:
    """Decide heading candidates: numbered lines in a row, counting on, are a list; a candidate
    is a heading only when a paragraph follows it."""

    def numbered_line(i: int) -> bool:
        return 0 <= i < len(blocks) and blocks[i].number is not None and blocks[i].level is None

    def counts_on(i: int) -> bool:  # lines i and i + 1 are numbered one after the other
        return numbered_line(i) and numbered_line(i + 1) and blocks[i + 1].number == blocks[i].number + 1  # type: ignore[operator]

    # (a list's numbering runs on; a takeaway "1." after a preview list "1. ... 5." starts anew)
    listed = [counts_on(i - 1) or counts_on(i) for i in range(len(blocks))]
    resolved: list[_Block] = []
    for block, in_list in zip(reversed(blocks), reversed(listed)):
        followed_by_paragraph = bool(resolved) and resolved[-1].level is None
        if in_list:
            block = _Block(block.text)
        elif block.level is None and block.heading is not None and followed_by_paragraph:
            block = replace(block, level=_PLAIN_LEVEL)
        resolved.append(block)
    return resolved[::-1]


def _structure(blocks: list[_Block]) -> Article:
    """Blocks -> Article by the rules in the module docstring."""
    headings = [i for i, block in enumerate(blocks) if block.level is not None]
    if not headings:
        raise ArticleError(f"found {_count(len(blocks), 'paragraph')} but no headings: {_TAKEAWAY_SHAPE}")
    takeaways, level = _takeaway_indexes(blocks, headings)
    title = _title(blocks, takeaways)
    takeaways = [i for i in takeaways if i != 0 or title is None]
    if title is not None and len(takeaways) > 2 and takeaways[0] == 1 and blocks[1].number is None:
        takeaways = takeaways[1:]  # the digest's intro always comes first: this is a subtitle over it
    if not takeaways:
        raise ArticleError(f"found {_describe(blocks, headings, title)} but no takeaways: {_TAKEAWAY_SHAPE}")

    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    conclusion: list[str] = []
    part = intro
    starts = set(takeaways)
    for i, block in enumerate(blocks):
        if i == 0 and title is not None:
            continue
        if i in starts:
            sections.append((block.heading or block.text, [block.body] if block.body else []))
            part = sections[-1][1]
            continue
        if block.level is not None and i > takeaways[-1]:
            if _CONCLUSION_HEADING.match(block.heading or ""):
                part = conclusion
                part.extend([block.body] if block.body else [])
                continue
            if block.level <= level:
                part = conclusion
        part.append(block.text)
    if not conclusion:
        conclusion = _trailing_wrap_up([body for _, body in sections])
    return Article(
        title=title,
        intro=tuple(intro),
        takeaways=tuple(Takeaway(heading, tuple(paragraphs)) for heading, paragraphs in sections),
        conclusion=tuple(conclusion),
    )


def _takeaway_indexes(blocks: list[_Block], headings: list[int]) -> tuple[list[int], int]:
    """Which headings are takeaways, and their level (see the module docstring)."""
    candidates = [i for i in headings if not _CONCLUSION_HEADING.match(blocks[i].heading or "")]
    numbered = [i for i in candidates if blocks[i].number is not None]
    if len(numbered) >= 2:
        level = Counter(blocks[i].level for i in numbered).most_common(1)[0][0]
        return [i for i in numbered if blocks[i].level == level], level
    if not candidates:
        return [], _PLAIN_LEVEL
    levels = Counter(blocks[i].level for i in candidates)
    repeated = [lvl for lvl, count in levels.items() if count >= 2]
    if repeated:
        level = min(repeated)
    else:  # one takeaway: under a title when the first heading can be one
        rest = [blocks[i].level for i in candidates if i != 0 or blocks[0].level not in (1, _PLAIN_LEVEL)]
        level = min(rest or levels)
    return [i for i in candidates if blocks[i].level == level and _has_paragraphs(blocks, i)], level


def _has_paragraphs(blocks: list[_Block], index: int) -> bool:
    """Whether a heading has a paragraph before the next heading at its level or above."""
    level = blocks[index].level
    if blocks[index].body:
        return True
    for following in range(index + 1, len(blocks)):
        block = blocks[following]
        if block.level is None:
            return True
        if block.level <= level:
            return False
    return False


def _title(blocks: list[_Block], takeaways: list[int]) -> str | None:
    """The heading standing before any paragraph, unless it is plainly the first takeaway."""
    first = blocks[0]
    if first.body is not None:  # a paragraph with a bold lead-in, not a title
        return None
    if first.level is not None:
        numbered = first.number is not None and 0 in takeaways
        marked_like_the_others = 0 in takeaways and 1 < first.level < _PLAIN_LEVEL
        return None if numbered or marked_like_the_others else first.heading
    if first.heading is not None and len(blocks) > 1 and blocks[1].level is not None:
        return first.heading  # a short line right above the first heading
    return None


def _trailing_wrap_up(sections: list[list[str]]) -> list[str]:
    """Move the last section's wrap-up paragraph(s) out of it; returns them (maybe none).

    A plain digest has no conclusion heading, so its closing paragraph follows the last
    takeaway's. It is taken for the conclusion only when the last section is longer than a
    takeaway usually is and the extra paragraph refers back to the whole piece.

    >>> sections = [["a."], ["b."], ["c.", "These takeaways show a lot."]]
    >>> _trailing_wrap_up(sections), sections[-1]
    (['These takeaways show a lot.'], ['c.'])
    >>> _trailing_wrap_up([["a."], ["b.", "These takeaways show a lot."], ["c.", "More."]])
    []
    """
    last = sections[-1]
    typical = statistics.median_low([len(section) for section in sections[:-1]] or [1])
    for index in range(max(1, typical), len(last)):
        if _WRAP_UP.search(last[index]):
            wrap_up = last[index:]
            del last[index:]
            return wrap_up
    return []


def _describe(blocks: list[_Block], headings: list[int], title: str | None) -> str:
    """How the text was read, for an error message.

    >>> _describe([_Block("T", "T", level=8), _Block("p."), _Block("q.")], [0], "T")
    'a title (“T”) and 2 paragraphs'
    """
    others = [blocks[i].heading or blocks[i].text for i in headings if i != 0 or title is None]
    parts = [f"a title (“{title}”)"] if title is not None else []
    if others:
        listed = ", ".join(f"“{heading}”" for heading in others[:3]) + (", ..." if len(others) > 3 else "")
        parts.append(f"{_count(len(others), 'heading')} ({listed})")
    parts.append(_count(sum(block.level is None for block in blocks), "paragraph"))
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def _count(n: int, noun: str) -> str:
    """
    >>> _count(1, "paragraph"), _count(3, "heading")
    ('1 paragraph', '3 headings')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"
