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
from typing import Callable

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


# "1.", "2)", "3 —", "#4:", "Takeaway #5:", "No. 6 —", "Lesson 7:", "8️⃣" before a heading.
_NUMBER = re.compile(
    r"^(?:(?:takeaway|lesson|tip|rule|step|point|insight|idea|no\.?|number)[ \t]*)?"
    r"#?([0-9]{1,3})(?:[.):/]|[ \t]*[-–—:]|\ufe0f?\u20e3)[ \t]+(?=\S)",  # \u20e3: a keycap, 1️⃣; "1/": a thread
    re.IGNORECASE,
)
_LABEL = r"(?:takeaway|lesson|tip|rule|step|point|insight|idea|habit|mistake|reason|way|truth)"
_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
          " seventeen eighteen nineteen twenty").split()
# "Step three: ...", "Lesson One —": a label and a number in words.
_WORD_NUMBER = re.compile(rf"^{_LABEL}[ \t]+({'|'.join(_WORDS)})[ \t]*[.:—–-][ \t]*(?=\S)", re.IGNORECASE)
_ROMAN = re.compile(r"^(X{0,3}(?:IX|IV|V?I{0,3}))[.):][ \t]+(?=[A-Z][a-z])")  # "IV. Harvest together" (capitals only)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
# Decorations before a heading or a line: "✅ ", "👉 ", "🔹 ", "→ " (not a keycap digit, 1️⃣).
_SYMBOL = r"[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\U0001F000-\U0001FAFF][\ufe0f\u200d\U0001F3FB-\U0001F3FF]*"
_SYMBOLS = re.compile(rf"^(?:{_SYMBOL}[ \t]*)+(?=\S)|(?<=\S)(?:[ \t]*{_SYMBOL})+$")  # and after a line: "hired 👇"
# An interview's "Q:" before a question and "A:" before its answer.
_INTERVIEW = re.compile(r"^(?:Q|A|Question|Answer)[ \t]*[:—–][ \t]*(?=\S)")
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
    r"|looking ahead|parting thoughts|last words?|tl;? ?dr|too long;? didn[’']?t read|in short|the short version"
    r"|(?:key |the |final )?takeaways?)(?:\s*[:.!—–-].*)?$",
    re.IGNORECASE,
)

# Acronyms kept in a heading written in capitals ("WHY AI WON'T TAKE YOUR JOB").
_ACRONYMS = frozenset(
    "AI API APIS AR AWS B2B B2C CEO CFO COO CSS CTO CV DIY EU FAQ GDP GPS GPU HR HTML HTTP IOT IPO KPI KPIS ML MVP "
    "NASA NGO OKR OKRS PDF PR QA ROI SAAS SEO SQL SMS TV UI UK UN UX USA VC VCS VR".split()
)

_PRONOUN_I = re.compile(r"^i(?:['’][a-z]+)?$")

# A heading over the intro, not a takeaway, when it comes before them.
INTRO_HEADING = re.compile(r"^(?:introduction|intro|background|overview|preface|prologue|foreword)\s*:?$", re.IGNORECASE)

# Page furniture, as whole paragraphs or lines (matched on the text a reader sees). First the
# lines that stand beside an author's name at the top of a page: bylines, read times, dates.
_READ_TIME = r".{0,80}\b\d+\s*(?:-\s*)?min(?:ute)?s?\s+read\b.{0,40}"  # "5 min read"
_BYLINES = [
    _READ_TIME,
    r"(?:written |posted |words |story )?by\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:$|[·|•,—–-]|\s+and\s+[A-Z]|\s+on\s+[A-Z0-9])",  # byline
    r"(?:(?:updated|published|posted|last (?:updated|modified)|written)(?:\s+on)?:?\s*)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}"
    r"(?:\s*(?:at\s+)?\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?",  # date lines
    r"(?:(?:updated|published|posted|last updated)(?:\s+on)?:?\s*)?\d{4}-\d{2}-\d{2}",
    r"follow|[\d.,]+\s*[km]?\s+followers",
]
_FURNITURE = [
    *_BYLINES,
    r"(?:photo|image|picture|illustration|graphic|chart|figure|fig\.|source|credits?|photograph|courtesy|via|"
    r"caption)(?:\s+(?:by|of|credit|courtesy))?\s*[:—–|].{0,200}",  # captions and credits
    r"(?:photo(?:graph)?|image|picture|illustration|header image|cover image)\s+(?:by|via|courtesy of|from)\s+.{1,80}",
    r"related(?:\s+(?:posts?|articles?|reading|stories|links|content))?\s*(?::.*)?",
    r"(?:see also|also read|further reading|you (?:may|might) also like|recommended(?: reading)?)\s*(?::.*)?",
    r"read (?:more|next)(?:\s*[:›»→…].*|\s+(?:on|at|about|here|in)\b.*)?",
    r"(?:share (?:this|on)\b|follow (?:us|me) on\b|click here to subscribe|subscribe (?:to|for|now|here)\b|"
    r"sign up (?:for|to)\b|join (?:our|my) (?:\w+ )?(?:newsletter|mailing list)|get (?:our|the) newsletter).{0,120}",
    r"(?:this (?:article|post|piece|story|essay) (?:was )?(?:first |originally )?(?:appeared|published)"
    r"|(?:it |this )?(?:was )?originally (?:published|posted|appeared) (?:on|at|in)"
    r"|a version of this (?:article|post|piece|story) (?:first |originally )?appeared|cross-?posted (?:from|on)).*",
    r"(?:no|\d+) comments?:?|leave a (?:comment|reply).{0,40}|(?:tags|tagged|filed under|categories)\s*:.*",
    r"\[\^[^\]]+\]:.*|\[\d{1,3}\]\s.{1,400}",  # a footnote's text
    r"(?:follow|listen|share|save|clap|like|reply|print|email|tweet|subscribe|top|menu|home|--)",  # page buttons
    r"[\d.,]+\s*[km]?\s+(?:followers|claps|likes|comments|responses|shares|views|reads|subscribers)",
    r"(?:more (?:from|by)|other (?:posts|articles|stories) (?:from|by)) .{1,60}",
    r"about the author\s*[:.—–-].*",
    r"#[^\W\d_][\w-]*(?:\s+#[^\W\d_][\w-]*)*",  # hashtags
    r"[\d.,]+\s*[km]?",  # a clap, like or response count on its own
    r"(?:thanks?|thank you)(?: so much)? for reading\b.{0,160}|continue reading|keep reading|discover more from .{1,80}",
    r"(?:type|enter) your email.{0,40}|(?:\d+\s+)?restacks?|(?:follow|connect with) (?:me|us)\b.{0,80}|(?:re)?post this\b.{0,80}",
    r"(?:if (?:this|you)\b[^.]{0,60}[,.]\s*)?(?:please\s+)?(?:follow (?:me|us)|repost|reshare)\b.{0,120}",
    r"subscribe\b.{0,120}|(?:♻️\s*)?repost\b.{0,100}",
    # a post's question to its readers, who cannot answer a podcast
    r"(?:what|which)(?: one| else)? (?:would|do|will) you add\??|thoughts\?|agree\?|what(?:['’]s| is) your (?:take|experience)\b.{0,60}\?",
    r"(?:watch|listen to) (?:the|this) (?:full )?(?:video|episode|podcast|interview|talk).{0,60}"
    r"|(?:watch|listen|available) (?:it )?on (?:youtube|spotify|apple podcasts|vimeo|soundcloud).{0,60}",
    # an email's headers and its footer
    r"-*\s*forwarded message\s*-*|begin forwarded message:?|(?:from|to|cc|sent|date|subject|reply-to):\s.{1,200}",
    r"view (?:this email |it |this )?(?:in (?:your |a )?browser|online)\.?|update your (?:email )?preferences.{0,60}",
    r"we use cookies\b.{0,200}|accept(?: all)? cookies|manage (?:cookie )?preferences",
    r"(?:copyright\s*)?(?:©|\(c\))\s*(?:\d{4}|copyright).{0,120}|all rights reserved\.?",
    r"(?:privacy(?: policy)?|terms(?: of (?:service|use))?|careers|help|status|cookie (?:policy|settings)|contact(?: us)?|about us)",
]
# A page's footer starts with one of these: after it, in the second half of a page, nothing is the
# article's. (Not "©": a photo credit carries one too.)
_END_OF_PAGE = re.compile(
    r"^(?:you(?:['’]re| are) receiving this\b|you received this (?:email|message)\b|unsubscribe\b|written by\s)",
    re.IGNORECASE,
)
_FURNITURE_LINE = re.compile("|".join(f"(?:{pattern})" for pattern in _FURNITURE[1:]), re.IGNORECASE | re.DOTALL)
# Furniture known by words in its middle; matched only where a quick search finds those words.
_INSIDE = re.compile(r"\bmin(?:ute)?s?\s+read\b|\bnewsletter\b|\bin the comments\b|\bcomment below\b|\blet me know below\b", re.I)
_FURNITURE_INSIDE = re.compile(
    "|".join(f"(?:{pattern})" for pattern in [
        _READ_TIME,
        r".{0,60}\bnewsletter\b.{0,60}(?:subscribe|sign up|inbox).{0,40}|.{0,60}(?:subscribe|sign up)\b.{0,60}\bnewsletter\b.{0,40}",
        r".{0,120}\b(?:in the comments|comment below|let me know below)\b.{0,20}",
    ]),
    re.IGNORECASE | re.DOTALL,
)
_BYLINE_LINE = re.compile("|".join(f"(?:{pattern})" for pattern in _BYLINES), re.IGNORECASE)
_AUTHOR = re.compile(r"(?i:(?:written |posted |words |story )?by)\s+((?:[A-Z][\w.'’-]*\s*){1,4}?)\s*(?:$|[·|•,—–-]|\s(?:and|on)\s)")
_NAME = re.compile(r"(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w'’-]+")  # "Dana Whitfield", "Mary K. O’Neil"
_WORDY = re.compile(r"[^\W_]")
_FURNITURE_WORDS = 40  # furniture is short: a longer paragraph is the article's own text

# Headings that start page furniture: their section is left out. The first group anywhere; the
# second (back matter) only where it and every heading after it at its level is back matter.
_FURNITURE_HEADING = re.compile(
    r"^(?:(?:table of )?contents|in this (?:article|post|issue)|on this page|jump to"
    r"|related(?: posts| articles| reading| links| stories)?|you (?:may|might) also like|read (?:more|next)"
    r"|(?:sign up for|subscribe to|join|get) (?:our|my|the) (?:\w+ )?newsletter|newsletter|subscribe"
    r"|share(?: this)?(?: \w+)?|comments|leave a (?:comment|reply)|responses"
    r"|(?:more|discover more) from .{1,80}|recommended (?:from|for you|for|by) .{1,60}|written by .{1,60}|see (?:all|more) from .{1,60})\s*:?$",
    re.IGNORECASE,
)
_BACK_MATTER_HEADING = re.compile(
    r"^(?:(?:other|more|additional|useful|helpful|further|recommended|some)\b.*\bresources|resources(?: and .*)?"
    r"|references|footnotes|notes|end ?notes|sources|attributions?|credits|acknowledge?ments|bibliography"
    r"|further reading|about (?:the|this) author|about me|author bio|links)\s*:?$",
    re.IGNORECASE,
)
_BUTTON = re.compile(r"(?:share|subscribe|leave a|follow)\b", re.IGNORECASE)
# "[^1]", and "[1]" right after a word's punctuation ("stand out.[1]"), not a list index ("a[1]").
FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\](?!:)|(?<=[.,;:!?”’\"')])\[\d{1,3}\](?![:(\[])")

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
    if len(text.split()) > _FURNITURE_WORDS:
        return False
    text = text.strip()
    return _FURNITURE_LINE.fullmatch(text) is not None or (_INSIDE.search(text) is not None and _FURNITURE_INSIDE.fullmatch(text) is not None)


def page_text(blocks: list[Block], furniture: Callable[[Block], bool]) -> list[Block]:
    """The blocks that are the article's own: not `furniture`, not the page's footer (from an
    "Unsubscribe", "You are receiving this email" or "Written by …" line in the page's second half on),
    and not the author's name standing alone: beside a byline, read time or date line, or the
    name a byline gives ("Written by Dana Whitfield") wherever it stands again. A name right
    after a quote is the quote's attribution, and stays.

    >>> [b.text for b in page_text([Block("Dana Whitfield"), Block("7 min read"), Block("Intro."),
    ...  Block("Dana Whitfield"), Block("·"), Block("Agile"), Block("Teams"), Block("Unsubscribe"), Block("Street")],
    ...  lambda b: is_furniture(b.text))]
    ['Intro.']
    """
    blocks = [block for block in blocks if _WORDY.search(block.text)]  # "·", "* * *", "|---|" say nothing
    dropped = [furniture(block) for block in blocks]
    end = next((i for i in range(len(blocks) // 2, len(blocks)) if blocks[i].level is None and _END_OF_PAGE.match(blocks[i].text)),
               len(blocks))
    tags = end
    while tags and (dropped[tags - 1] or _tag(blocks[tags - 1])) and end < len(blocks):  # "Agile", "Teamwork" over a footer
        tags -= 1
    if sum(not gone for gone in dropped[tags:end]) >= 2:
        end = tags
    authors = {match.group(1).strip() for block, gone in zip(blocks, dropped)
               if (gone or block.level is not None) and (match := _AUTHOR.match(block.text))}
    for i in range(end):
        text = blocks[i].text
        if dropped[i] or blocks[i].level is not None or not _NAME.fullmatch(text):
            continue
        if i and _QUOTE_END.search(blocks[i - 1].text.strip()):
            continue
        beside = any(dropped[j] and _BYLINE_LINE.fullmatch(blocks[j].text.strip()) for j in (i - 1, i + 1) if 0 <= j < end)
        dropped[i] = beside or text in authors
    return [block for block, gone in zip(blocks[:end], dropped) if not gone]


def _tag(block: Block) -> bool:
    """A page's topic tag: a line of one to three words, not a sentence, not in a list."""
    return block.level is None and not block.in_list and block.number is None and len(block.text.split()) <= 3 and not ends_sentence(block.text)


def is_furniture_heading(text: str) -> bool:
    """
    >>> is_furniture_heading("Contents"), is_furniture_heading("Sign up for our newsletter"), is_furniture_heading("Ship it")
    (True, True, False)
    """
    return _FURNITURE_HEADING.match(text.strip()) is not None


def heads_furniture(line: str) -> bool:
    """Whether a plain line heads a furniture section ("Related posts", "Contents"), rather than
    being a button on its own ("Share this post", "Subscribe"), which takes nothing with it.

    >>> heads_furniture("Related posts"), heads_furniture("Share this post")
    (True, False)
    """
    return is_furniture_heading(line) and _BUTTON.match(line.strip()) is None


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
    >>> split_number("2024 in review"), split_number("IV. Harvest together"), split_number("Step two: add a run")
    ((None, '2024 in review'), (4, 'Harvest together'), (2, 'Add a run'))
    >>> split_number("I. M. Pei built it"), split_number("✅ Right-size it")
    ((None, 'I. M. Pei built it'), (None, 'Right-size it'))
    """
    text = unmark(text)
    match = _NUMBER.match(text)
    if match is not None:
        return int(match.group(1)), text[match.end() :]
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
    """A heading of `level`, its numbering and a colon after it taken off."""
    number, heading = split_number(text)
    heading = heading.rstrip(":").rstrip() or heading
    return Block(heading, heading, number, level)


def unshouted(heading: str) -> str:
    """A heading written in capitals, in sentence case: read aloud, "HEAT THE POT" would be
    spelled out as acronyms. The common acronyms in it stay.

    >>> unshouted("TIME IS AN INGREDIENT"), unshouted("WHY AI WON'T TAKE YOUR JOB"), unshouted("Ship AI")
    ('Time is an ingredient', "Why AI won't take your job", 'Ship AI')
    >>> unshouted("WHAT I LEARNED AND WHAT I’M KEEPING")
    'What I learned and what I’m keeping'
    """
    words = heading.split()
    if len(words) < 2 or not heading.isupper():
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
    first, *rest = _SENTENCE_BREAK.split(split_number(text)[1] if number is not None else text, maxsplit=1)
    return Block(text, first.strip(), number, None, rest[0].strip() if rest else None, listed, True)
