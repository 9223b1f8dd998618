"""What both readers (plain text line by line, Markdown by its tokens) cut an article into:
blocks, and the rules that say what a block is that do not depend on how it was written.

A block is a paragraph, a heading (its level set), a heading candidate (a plain line that reads
like a heading; the plain reader decides) or an item of a numbered list (its list set). Page
furniture — bylines, date lines, captions and credits, "Related:", "Read more", share and
newsletter lines, "This article first appeared on …", footnotes, a table of contents, an author
bio — is recognised here, by the patterns below (data, not code), and never becomes a block.
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


# "1.", "2)", "3 —", "#4:", "Takeaway #5:", "No. 6 —", "Lesson 7:", "8️⃣" before a heading.
_NUMBER = re.compile(
    r"^(?:(?:takeaway|lesson|tip|rule|step|point|insight|idea|no\.?|number)[ \t]*)?"
    r"#?([0-9]{1,3})(?:[.):]|[ \t]*[-–—:]|\ufe0f?\u20e3)[ \t]+(?=\S)",  # \u20e3: a keycap, 1️⃣
    re.IGNORECASE,
)
CLOSERS = "\"'”’»)]*_"
_OPENERS = "\"'“‘«"
_QUOTE_END = re.compile(r"[\"”’»][)\]]?$|[\"”’»][.!?…]?$")
_SENTENCE_END = ".!?:;…"
# A heading never ends on one of these; a hard-wrapped line often does.
_DANGLING = frozenset({"a", "an", "the", "and", "or", "but", "of"})
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")

CONCLUSION_HEADING = re.compile(
    r"^(?:in\s+)?(?:conclusions?|summary|closing thoughts|final (?:thoughts|words?)|wrapping up"
    r"|wrap[- ]?up|(?:the\s+)?bottom line|what[’']?s next|to sum (?:it )?up|summing up|recap"
    r"|looking ahead|parting thoughts|last words?"
    r"|(?:key |the |final )?takeaways?)(?:\s*[:.!—–-].*)?$",
    re.IGNORECASE,
)

# Page furniture, as whole paragraphs or lines (matched on the text a reader sees).
_FURNITURE = [
    r"(?:written |posted |words |story )?by\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:$|[·|•,—–-]|\s+and\s+[A-Z]|\s+on\s+[A-Z0-9])",  # byline
    r".{0,80}\b\d+\s*(?:-\s*)?min(?:ute)?s?\s+read\b.{0,40}",  # "5 min read"
    r"(?:(?:updated|published|posted|last (?:updated|modified)|written)(?:\s+on)?:?\s*)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}"
    r"(?:\s*(?:at\s+)?\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?",  # date lines
    r"(?:(?:updated|published|posted|last updated)(?:\s+on)?:?\s*)?\d{4}-\d{2}-\d{2}",
    r"(?:photo|image|picture|illustration|graphic|chart|figure|fig\.|source|credits?|photograph|courtesy|via|"
    r"caption)(?:\s+(?:by|of|credit|courtesy))?\s*[:—–|].{0,200}",  # captions and credits
    r"(?:photo(?:graph)?|image|picture|illustration|header image|cover image)\s+(?:by|via|courtesy of|from)\s+.{1,80}",
    r"related(?:\s+(?:posts?|articles?|reading|stories|links|content))?\s*(?::.*)?",
    r"(?:see also|also read|further reading|you (?:may|might) also like|recommended(?: reading)?)\s*(?::.*)?",
    r"read (?:more|next)(?:\s*[:›»→…].*|\s+(?:on|at|about|here|in)\b.*)?",
    r"(?:share (?:this|on)\b|follow (?:us|me) on\b|click here to subscribe|subscribe (?:to|for|now|here)\b|"
    r"sign up (?:for|to)\b|join (?:our|my) (?:\w+ )?(?:newsletter|mailing list)|get (?:our|the) newsletter).{0,120}",
    r".{0,60}\bnewsletter\b.{0,60}(?:subscribe|sign up|inbox).{0,40}|.{0,60}(?:subscribe|sign up)\b.{0,60}\bnewsletter\b.{0,40}",
    r"(?:this (?:article|post|piece|story|essay) (?:was )?(?:first |originally )?(?:appeared|published)"
    r"|(?:it |this )?(?:was )?originally (?:published|posted|appeared) (?:on|at|in)"
    r"|a version of this (?:article|post|piece|story) (?:first |originally )?appeared|cross-?posted (?:from|on)).*",
    r"(?:no|\d+) comments?:?|leave a (?:comment|reply).{0,40}|(?:tags|tagged|filed under|categories)\s*:.*",
    r"\[\^[^\]]+\]:.*",  # a footnote's text
    r"(?:follow|listen|share|save|clap|like|reply|print|email|tweet|subscribe|top|menu|home|--)",  # page buttons
    r"[\d.,]+\s*[km]?\s+(?:followers|claps|likes|comments|responses|shares|views|reads|subscribers)",
    r"(?:more (?:from|by)|other (?:posts|articles|stories) (?:from|by)) .{1,60}",
    r"about the author\s*[:.—–-].*",
]
_FURNITURE_LINE = re.compile("|".join(f"(?:{pattern})" for pattern in _FURNITURE), re.IGNORECASE | re.DOTALL)
_FURNITURE_WORDS = 40  # furniture is short: a longer paragraph is the article's own text

# Headings that start page furniture: their section is left out. The first group anywhere; the
# second (back matter) only where it and every heading after it at its level is back matter.
_FURNITURE_HEADING = re.compile(
    r"^(?:(?:table of )?contents|in this (?:article|post|issue)|on this page|jump to"
    r"|related(?: posts| articles| reading| links| stories)?|you (?:may|might) also like|read (?:more|next)"
    r"|(?:sign up for|subscribe to|join|get) (?:our|my|the) (?:\w+ )?newsletter|newsletter|subscribe"
    r"|share(?: this)?(?: \w+)?|comments|leave a (?:comment|reply))\s*:?$",
    re.IGNORECASE,
)
_BACK_MATTER_HEADING = re.compile(
    r"^(?:(?:other|more|additional|useful|helpful|further|recommended|some)\b.*\bresources|resources(?: and .*)?"
    r"|references|footnotes|notes|end ?notes|sources|attributions?|credits|acknowledge?ments|bibliography"
    r"|further reading|about (?:the|this) author|about me|author bio|links)\s*:?$",
    re.IGNORECASE,
)
FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\](?!:)")

# A pull quote's attribution written without a dash: "Jane Doe, CEO and Co-Founder, Acme".
_ROLE = re.compile(
    r",\s*(?:[\w&.’'-]+\s+){0,4}(?:founder|co-?founder|ceo|cto|coo|cfo|chief|president|director|manager|engineer"
    r"|head|lead|editor|author|professor|partner|investor|vp|vice|officer|chair|analyst|designer|developer"
    r"|researcher|scientist|consultant|advisor|adviser|owner|principal|fellow)\b",
    re.IGNORECASE,
)


def is_furniture(text: str) -> bool:
    """Whether a paragraph is page furniture that a listener does not need.

    >>> [is_furniture(t) for t in ["By Jane Doe · 5 min read", "Updated March 3, 2025", "Photo: Reuters",
    ...  "Related: How we ship", "Share this post", "This article first appeared on Example.com.",
    ...  "Photo by Sam Lee on Unsplash", "Follow", "1.2K Followers", "More from Jane Doe"]]
    [True, True, True, True, True, True, True, True, True, True]
    >>> [is_furniture(t) for t in ["By the end of May we had shipped.", "Read more books.", "Sources say no."]]
    [False, False, False]
    """
    return len(text.split()) <= _FURNITURE_WORDS and _FURNITURE_LINE.fullmatch(text.strip()) is not None


def is_furniture_heading(text: str) -> bool:
    """
    >>> is_furniture_heading("Contents"), is_furniture_heading("Sign up for our newsletter"), is_furniture_heading("Ship it")
    (True, True, False)
    """
    return _FURNITURE_HEADING.match(text.strip()) is not None


def is_back_matter_heading(text: str) -> bool:
    """
    >>> is_back_matter_heading("Other rate limiter design resources"), is_back_matter_heading("Use free resources")
    (True, False)
    """
    return _BACK_MATTER_HEADING.match(text.strip()) is not None


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
    if previous is None or _QUOTE_END.search(previous.strip()) is None:
        return False
    words = text.split()
    return "," in text or (len(words) <= 3 and all(word[:1].isupper() for word in words))  # "Jane Doe"


def split_number(text: str) -> tuple[int | None, str]:
    """A heading's own numbering, and the heading without it.

    >>> split_number("3) Ship early")
    (3, 'Ship early')
    >>> split_number("2024 in review")
    (None, '2024 in review')
    """
    match = _NUMBER.match(text)
    if match is None:
        return None, text
    return int(match.group(1)), text[match.end() :]


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


def heading_block(text: str, level: int) -> Block:
    """A heading of `level`, its numbering taken off."""
    number, heading = split_number(text)
    return Block(heading, heading, number, level)


def item(text: str, number: int | None, listed: int) -> Block:
    """A numbered list's item: its first sentence heads it, the rest is its paragraph.

    >>> item("1. Its been well run. Hats off to them.", 1, 0)
    Block(text='1. Its been well run. Hats off to them.', heading='Its been well run.', number=1, level=None, body='Hats off to them.', listed=0, in_list=True)
    """
    first, *rest = _SENTENCE_BREAK.split(split_number(text)[1] if number is not None else text, maxsplit=1)
    return Block(text, first.strip(), number, None, rest[0].strip() if rest else None, listed, True)
