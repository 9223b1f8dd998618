"""What both readers (plain text line by line, Markdown by its tokens) cut an article into:
blocks, and the rules that say what a block is that do not depend on how it was written.

A block is a paragraph, a heading (its level set), a heading candidate (a plain line that reads
like a heading; the plain reader decides) or an item of a numbered list (its list set). Page
furniture is recognised in podcast.furniture and never becomes a block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Heading levels: Markdown 1-6, then a whole-line bold heading, then a plain (or numbered) line,
# then a whole-line italic one (a subtitle or a sub-heading inside a section, unless nothing else
# heads the sections), then a bold lead-in that starts a paragraph ("**Heading.** Body ...").
BOLD_LEVEL = 7
PLAIN_LEVEL = 8
ITALIC_LEVEL = 9
LEAD_IN_LEVEL = 10

MAX_HEADING_WORDS = 15
_MAX_HEADING_CHARS = 120


@dataclass(frozen=True)
class Block:
    """A paragraph, a heading (level set), a heading candidate (heading set, level not yet), or a
    numbered list's item (listed set: which list; heading: its first sentence; body: the rest)."""

    text: str  # as a paragraph: as written, markers removed
    heading: str | None = None  # as a heading: without markers and numbering
    number: int | None = None
    level: int | None = None
    body: str | None = None  # a lead-in's (or an item's) paragraph without its heading
    listed: int | None = None
    in_list: bool = False  # a list item's text (numbered or not): the item ends where the list does
    attached: bool = False  # a paragraph written right under the line above it, no blank line between
    bullet: bool = False  # the (first) paragraph of an item of a bulleted list that is not inside another list


# "1.", "2)", "3 —", "#4:", "Takeaway #5:", "No. 6 —", "Lesson 7:", "8️⃣", "Step 2 of 5:", "(3)" before a heading.
_NUMBER = re.compile(
    r"^(?:(?:takeaway|lesson|tip|rule|step|point|insight|idea|habit|mistake|reason|truth|principle|myth|secret|trend"
    r"|no\.?|number|№)[ \t]*)?"
    # \u20e3: a keycap, 1️⃣; "1/": a thread
    r"(?:#?([0-9]{1,3})(?:[ \t]+of[ \t]+[0-9]{1,3})?(?:[.):/]|[ \t]*[-–—:]|\ufe0f?\u20e3)|\(([0-9]{1,3})\))[ \t]+(?=\S)",
    re.IGNORECASE,
)
_LABEL = r"(?:takeaway|lesson|tip|rule|step|point|insight|idea|habit|mistake|reason|way|truth)"
_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
          " seventeen eighteen nineteen twenty").split()
# "Step three: ...", "Lesson One —": a label and a number in words.
_WORD_NUMBER = re.compile(rf"^{_LABEL}[ \t]+({'|'.join(_WORDS)})[ \t]*[.:—–-][ \t]*(?=\S)", re.IGNORECASE)
# "Day 3:", "Week 2 —": a diary's or a trip's numbering, which need not count on (days 1, 2, 4, 7).
_DATED = re.compile(r"^(?:day|week)[ \t]+([0-9]{1,3})[ \t]*[:.—–-][ \t]*(?=\S)", re.IGNORECASE)
_ROMAN = re.compile(r"^(X{0,3}(?:IX|IV|V?I{0,3}))[.):][ \t]+(?=[A-Z][a-z])")  # "IV. Harvest together" (capitals only)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
# Decorations before a heading or a line: "✅ ", "👉 ", "🔹 ", "→ " (not a keycap digit, 1️⃣).
_SYMBOL = r"[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\U0001F000-\U0001FAFF][\ufe0f\u200d\U0001F3FB-\U0001F3FF]*"
_SYMBOLS = re.compile(rf"^(?:{_SYMBOL}[ \t]*)+(?=\S)|(?<=\S)(?:[ \t]*{_SYMBOL})+$")  # and after a line: "hired 👇"
_DECORATED = re.compile(rf"[ \t]*{_SYMBOL}[ \t]*\S")
# An interview's "Q:" before a question and "A:" before its answer.
_INTERVIEW = re.compile(r"^(?:Q|A|Question|Answer)[ \t]*[:—–][ \t]*(?=\S)")
CLOSERS = "\"'”’»)]*_"
_OPENERS = "\"'“‘«"
QUOTE_END = re.compile(r"[\"”’»][)\]]?$|[\"”’»][.!?…]?$")
_SENTENCE_END = ".!?:;…"
# A heading never ends on one of these; a hard-wrapped line often does.
_DANGLING = frozenset({"a", "an", "the", "and", "or", "but", "of"})
SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")

CONCLUSION_HEADING = re.compile(
    r"^(?:in\s+)?(?:conclusions?|summary|(?:(?:a|one)\s+)?(?:final|last|closing|parting)\s+(?:thoughts?|words?|notes?)"
    r"|wrapping up|wrap[- ]?up|(?:the\s+)?bottom line|what[’']?s next|what comes next|next steps|to sum (?:it )?up"
    r"|summing up|recap|looking (?:ahead|back)|going forward|where (?:we|i|to) go from here|so what|now what|in closing"
    r"|tl;? ?dr|too long;? didn[’']?t read|in short|the short version|faqs?|frequently asked questions"
    r"|(?:key |the |final )?takeaways?)(?:\s*[:.!?—–-].*)?$",
    re.IGNORECASE,
)

# Acronyms kept in a heading written in capitals ("WHY AI WON'T TAKE YOUR JOB").
_ACRONYMS = frozenset(
    "AI API APIS AR AWS B2B B2C CEO CFO COO CSS CTO CV DIY EU FAQ GDP GPS GPU HR HTML HTTP IOT IPO KPI KPIS ML MVP "
    "NASA NGO OKR OKRS PDF PR QA ROI SAAS SEO SQL SMS TV UI UK UN UX USA VC VCS VR".split()
)

_PRONOUN_I = re.compile(r"^i(?:['’][a-z]+)?$")

# "TL;DR:", "tldr —" opening a line: a summary's label (podcast.spoken says it "In short"), which
# starts a paragraph even in lower case.
TLDR_LABEL = re.compile(r"(?:tl;? ?dr|tldr)(?:[ \t]*[:.—–-]|[ \t]*$)", re.IGNORECASE)

# A heading over the intro, not a takeaway, when it comes before them.
# So is a summary box's heading over a preview of the points ("At a glance", "In brief").
INTRO_HEADING = re.compile(
    r"^(?:introduction|intro|background|overview|preface|prologue|foreword|at a glance|(?:the )?idea in brief|in brief"
    r"|(?:quick|short) summary|highlights|key points|in a nutshell|the gist|what you[’']?ll learn|what you will learn)\s*:?$",
    re.IGNORECASE,
)

# "[^1]", and "[1]" right after a word's punctuation ("stand out.[1]"), not a list index ("a[1]").
FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\](?!:)|(?<=[.,;:!?”’\"')])\[\d{1,3}\](?![:(\[])")

# Words that name a person's job: in a pull quote's attribution, in an author's bio.
ROLES = (r"founder|co-?founder|ceo|cto|coo|cfo|chief|president|director|manager|engineer"
         r"|head|lead|editor|author|professor|partner|investor|vp|vice|officer|chair|analyst|designer|developer"
         r"|researcher|scientist|consultant|advisor|adviser|owner|principal|fellow")
# A pull quote's attribution written without a dash: "Jane Doe, CEO and Co-Founder, Acme".
_ROLE = re.compile(rf",\s*(?:[\w&.’'-]+\s+){{0,4}}(?:{ROLES})\b", re.IGNORECASE)














def is_attribution(text: str, previous: str | None) -> bool:
    """A pull quote's attribution line: a dash and a name, or a name with a role after a comma,
    or, right after a paragraph that ends in a closing quote mark, a short line with a comma or
    a name of at most three capitalised words.

    >>> is_attribution("Jane Doe, CEO and Co-Founder, Acme", "It works.")
    True
    >>> is_attribution("Sean Yu, Paraşüt", "“We solved it.”"), is_attribution("Bread, butter and jam", "It works.")
    (True, False)
    >>> is_attribution("Ada Lovelace", "“It computes.”"), is_attribution("Small teams finish", "“It computes.”")
    (True, False)
    """
    text = text.strip()
    if text[:1] in "-–—~":
        return True
    if len(text.split()) > 12 or ends_sentence(text):
        return False
    if _ROLE.search(text):
        return True
    if previous is None or QUOTE_END.search(previous.strip()) is None:
        return False
    words = text.split()
    return "," in text or (len(words) <= 3 and all(word[:1].isupper() for word in words))  # "Jane Doe"


def split_number(text: str) -> tuple[int | None, str]:
    """A heading's own numbering, and the heading without it.

    >>> split_number("3) Ship early")
    (3, 'Ship early')
    >>> split_number("2024 in review"), split_number("IV. Harvest together"), split_number("Step two: add a run")
    ((None, '2024 in review'), (4, 'Harvest together'), (2, 'Add a run'))
    >>> split_number("Step 2 of 5: Plan"), split_number("(3) Rest"), split_number("Myth #1: Rest")
    ((2, 'Plan'), (3, 'Rest'), (1, 'Rest'))
    >>> split_number("Day 4: Rest"), split_number("Daylight: more")
    ((4, 'Day 4: Rest'), (None, 'Daylight: more'))
    >>> split_number("I. M. Pei built it"), split_number("✅ Right-size it")
    ((None, 'I. M. Pei built it'), (None, 'Right-size it'))
    """
    text = unmark(text)
    match = _NUMBER.match(text)
    if match is not None:
        return int(match.group(1) or match.group(2)), text[match.end() :]
    if text[:1] in "DdWw":
        match = _DATED.match(text)
        if match is not None:  # the label says when, which the listener needs: it stays
            return int(match.group(1)), text
    match = _WORD_NUMBER.match(text)
    if match is not None:
        rest = text[match.end() :]
        return _WORDS.index(match.group(1).lower()) + 1, rest[:1].upper() + rest[1:]
    match = _ROMAN.match(text)
    if match is not None and match.group(1):
        return _roman(match.group(1)), text[match.end() :]
    return None, text


def _roman(numeral: str) -> int:
    """
    >>> _roman("IV"), _roman("XIII")
    (4, 13)
    """
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if v < next_v else v for v, next_v in zip(values, [*values[1:], 0]))


def unmark(text: str) -> str:
    """A line without the decoration before it: an emoji or arrow bullet, an interview's "Q:".

    >>> unmark("✅ Turn it off"), unmark("👉🏽 Follow me"), unmark("Q: Why?"), unmark("1️⃣ One"), unmark("Quiet: yes")
    ('Turn it off', 'Follow me', 'Why?', '1️⃣ One', 'Quiet: yes')
    >>> unmark("Here is how 👇"), unmark("🚀")
    ('Here is how', '🚀')
    """
    first = text[:1]
    if first.isascii() and first not in "QA" and text[-1:].isascii():
        return text
    return _INTERVIEW.sub("", _SYMBOLS.sub("", text), count=1)


def decorated(line: str) -> bool:
    """Whether a line starts with an emoji or arrow ("→ Charge more", "✅ Ship small").

    >>> decorated("→ Charge more"), decorated("1️⃣ One"), decorated("Plain")
    (True, False, False)
    """
    return not line.lstrip()[:1].isascii() and _DECORATED.match(line) is not None


def ends_sentence(text: str) -> bool:
    """
    >>> ends_sentence("He said “yes.”"), ends_sentence("Open-source AI")
    (True, False)
    """
    end = text.rstrip(CLOSERS)
    return bool(end) and end[-1] in _SENTENCE_END


def is_headlike(text: str) -> bool:
    """A heading is a few words, not ending like a sentence (a question is allowed) or mid-phrase.

    >>> is_headlike("The vision of multiple AI models, not one “AI to rule them all”")
    True
    >>> is_headlike("He believes open source wins."), is_headlike("Meta and the")
    (False, False)
    >>> is_headlike("Is open source winning?")
    True
    """
    if not is_short(text):
        return False
    if text.rstrip(CLOSERS)[-1:] in (",", "-", "–", "—"):
        return False
    if text[0] in "-–—~" or (text[0] in _OPENERS and text[-1] in CLOSERS):
        return False  # a pull quote's attribution line ("— Ada, engineer"), or the quote itself
    if ends_sentence(text) and not text.rstrip(CLOSERS).endswith("?"):
        return False
    return text.split()[-1].strip(CLOSERS).lower() not in _DANGLING


def is_short(text: str) -> bool:
    """Few enough words and characters for a heading, with a letter among them."""
    words = text.split()
    return 0 < len(words) <= MAX_HEADING_WORDS and len(text) <= _MAX_HEADING_CHARS and any(c.isalpha() for c in text)


def numbered_heading(heading: str) -> bool:
    """A numbered line standing alone may be a heading of a few sentences ("3. Forget the MVP.
    You Need a Functionally Viable Product."): short, starting with a capital.

    >>> numbered_heading("Forget the MVP. You Need an FVP."), numbered_heading("and then it rained.")
    (True, False)
    """
    return is_short(heading) and heading[:1].isupper() and heading.rstrip(CLOSERS)[-1:] not in (",", "-", "–", "—")


_ATTRIBUTES = re.compile(r"\s*\{:?[ \t]*[#.][^{}]*\}$")


def heading_block(text: str, level: int) -> Block:
    """A heading of `level`, its numbering, a colon after it and an attribute block (an anchor
    "{#why-it-matters}", as Google Docs, Pandoc and kramdown write them) taken off.

    >>> heading_block("Tag every ticket {#tag-every-ticket}", 2).heading, heading_block("Sets {a, b}", 2).heading
    ('Tag every ticket', 'Sets {a, b}')
    """
    if text.endswith("}"):
        text = _ATTRIBUTES.sub("", text) or text
    number, heading = split_number(text)
    heading = heading.rstrip(":").rstrip() or heading
    return Block(heading, heading, number, level)


def unshouted(heading: str) -> str:
    """A heading written in capitals, in sentence case: read aloud, "HEAT THE POT" would be
    spelled out as acronyms. The common acronyms in it stay.

    >>> unshouted("TIME IS AN INGREDIENT"), unshouted("WHY AI WON'T TAKE YOUR JOB"), unshouted("Ship AI")
    ('Time is an ingredient', "Why AI won't take your job", 'Ship AI')
    >>> unshouted("WHAT I LEARNED AND WHAT I’M KEEPING"), unshouted("THE SLOW COOK, No. 112"), unshouted("Go UP")
    ('What I learned and what I’m keeping', 'The slow cook, no. 112', 'Go UP')
    """
    words = heading.split()
    long_words = [word for word in words if sum(c.isalpha() for c in word) >= 3]  # not "No." in "ISSUE No. 4"
    if len(words) < 2 or len(long_words) < 2 or not all(word.isupper() for word in long_words):
        return heading
    said = [word if word.strip(CLOSERS + _OPENERS + ",.:;!?") in _ACRONYMS else word.lower() for word in words]
    said = ["I" + word[1:] if _PRONOUN_I.match(word) else word for word in said]
    said[0] = said[0][:1].upper() + said[0][1:]
    return " ".join(said)


def item(text: str, number: int | None, listed: int) -> Block:
    """A numbered list's item: its first sentence heads it, the rest is its paragraph.

    >>> block = item("1. Its been well run. Hats off to them.", 1, 0)
    >>> block.heading, block.body, block.number, block.listed, block.in_list
    ('Its been well run.', 'Hats off to them.', 1, 0, True)
    """
    first, *rest = SENTENCE_BREAK.split(split_number(text)[1] if number is not None else text, maxsplit=1)
    return Block(text, first.strip(), number, None, rest[0].strip() if rest else None, listed, True)
