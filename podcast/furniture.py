"""Page furniture: what a page, a post or an e-mail carries around an article that a listener
does not need. Bylines, read times and date lines, captions and credits, "Related:", share,
follow and subscribe lines, claps and follower counts, hashtags, "Thanks for reading!", an
e-mail's headers and footer, cookie notices, footnotes; headings whose sections are furniture
("Contents", "More from …") or back matter ("Attributions", "About the author"); an author's bio
that ends the page without a heading. The patterns are data; both readers (podcast.plaintext,
podcast.markup) leave out what they match.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from podcast.blocks import BOLD_LEVEL, QUOTE_END, ROLES, SENTENCE_BREAK, Block, ends_sentence, is_headlike, unmark

# Page furniture, as whole paragraphs or lines (matched on the text a reader sees). First the
# lines that stand beside an author's name at the top of a page: bylines, read times, dates.
_READ_TIME = r".{0,80}\b\d+\s*(?:-\s*)?min(?:ute)?s?\s+read\b.{0,40}"  # "5 min read"
_BYLINES = [
    _READ_TIME,
    r"(?:written |posted |words |story )?by\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:$|[·|•,—–-]|\s+and\s+[A-Z]|\s+on\s+[A-Z0-9])"
    r"(?:(?<=[·|•—–-])\s*\S.{0,80})?",  # byline, and a date or read time after it: "By Jane Doe · March 4, 2025"
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
    r"(?:if (?:this|you|it)\b[^.]{0,60}[,.]\s*)?(?:please\s+)?(?:follow (?:me|us)|repost|reshare|retweet|share (?:it|this))\b.{0,120}",
    r"(?:follow|connect with|find) (?:him|her|them) (?:on|at) (?:linkedin|twitter|x|bluesky|mastodon|threads|instagram"
    r"|substack|medium|github|youtube|tiktok|facebook)\b.{0,80}",  # under an author's bio
    r"subscribe\b.{0,120}|(?:♻️\s*)?repost\b.{0,100}",
    # a post's question to its readers, who cannot answer a podcast
    r"(?:what|which)(?: one| else)? (?:would|do|will) you add\??|thoughts\?|agree\?|what(?:['’]s| is) your (?:take|experience)\b.{0,60}\?",
    r"(?:watch|listen to) (?:the|this) (?:full )?(?:video|episode|podcast|interview|talk).{0,60}"
    r"|(?:watch|listen|available) (?:it )?on (?:youtube|spotify|apple podcasts|vimeo|soundcloud).{0,60}",
    # a blog's post navigation, sign-up box and post footer (Ghost, WordPress, Medium)
    r"(?:previous|next|older|newer) (?:post|article|story|entry)(?:\s*[:«»←→›‹].{0,100})?|copy link|loading\.*…?|like this:"
    r"|member-only story|(?:published|posted|filed) in (?-i:[A-Z][\w&'’.-]*(?:,?\s+[A-Z&][\w&'’.-]*){0,5})"
    r"|get the latest posts delivered\b.{0,60}|(?:great|success)!?\s*you[’']?ve successfully (?:signed up|subscribed)\b.{0,60}"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+",
    # a newsletter's sponsor lines and its note to a forwarded copy's reader
    r"(?:this (?:issue|edition|week[’']s issue|newsletter|email|episode|post) is )?(?:brought to you|sponsored|presented|supported)"
    r" by\b.{1,300}|sponsored|(?:today[’']s |this week[’']s |our )?sponsors?|forwarded this (?:e-?mail|newsletter|issue)\?.{0,120}",
    # a thread's end mark; a forum post's notes about itself: "Throwaway because …", "TL;DR at the
    # bottom", "Edit: thanks for the gold!"
    r"/(?:end|fin)|(?:end|fin)/|throwaway\b.{0,120}|(?:tl;? ?dr|summary) (?:is )?at the (?:bottom|end)\b.{0,40}"
    r"|edit(?:\s*\d+)?\s*:.{0,80}\b(?:gold|silver|platinum|awards?|upvotes?|karma|front page)\b.{0,80}",
    # an email's headers and its footer
    r"-*\s*forwarded message\s*-*|begin forwarded message:?|(?:from|to|cc|sent|date|subject|reply-to):\s.{1,200}",
    r"view (?:this email |it |this )?(?:in (?:your |a )?browser|online)\.?|update your (?:email )?preferences.{0,60}|unsubscribe\b.{0,80}",
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
# (Searched for in the lower-cased text: without IGNORECASE or \b the engine skips to the
# words' first letters, three times faster on a sentence with none of them.)
_INSIDE = re.compile(r"min(?:ute)?s?\s+read|newsletter|in the comments|comment below|let me know below")
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
    r"|share(?: this)?(?: \w+)?|comments|leave a (?:comment|reply)|responses|sponsored(?: by .{1,60})?"
    r"|(?:today[’']s |this week[’']s |our |a word from (?:our |today[’']s )?)?sponsors?(?:\s*[:—–-].{1,60})?"
    r"|(?:more|discover more) from .{1,80}|recommended (?:from|for you|for|by) .{1,60}|written by .{1,60}|see (?:all|more) from .{1,60})\s*:?$",
    re.IGNORECASE,
)
_BACK_MATTER_HEADING = re.compile(
    r"^(?:(?:other|more|additional|useful|helpful|further|recommended|some)\b.*\bresources|resources(?: and .*)?"
    r"|references|footnotes|notes|end ?notes|sources|attributions?|credits|acknowledge?ments|bibliography"
    r"|further reading|about (?:the|this) author|about me|author bio|links|reading list"
    r"|what i(?:[’']m| am| have been|[’']ve been) reading|(?:good |interesting )?links (?:of the week|i liked|worth \w+ing))\s*:?$",
    re.IGNORECASE,
)
# What a closing call asks a reader to do (a "Thanks for reading, and see you next year." is said)
_CALL = re.compile(r"\b(?:follow|repost|retweet|reshare|share|subscribe|sign up|clap)\b", re.IGNORECASE)
_CONTENTS = frozenset({"contents", "table of contents", "in this article", "in this post", "in this issue", "on this page"})
_BUTTON = re.compile(r"(?:share|subscribe|leave a|follow)\b", re.IGNORECASE)

# An author's bio: a named person, in the third person, and what they do. In italics (set apart)
# or under the name a byline gave, "Sam writes about …" is one. Otherwise it takes a full name and
# a job somewhere ("Jane Doe is a product lead at Acme", not "… is the engineer who …"; not "…
# is now a consultant", an interview's epilogue) or a writer's beat ("writes about"): a
# conclusion may well open on a person ("Sam Okoro is the reason we started").
_NAMED_BIO = re.compile(r"^(?:[A-Z][\w.'’-]+ ){1,3}(?:is|was|writes|has written|has been|lives|works)\b")
_BIO = re.compile(
    r"^(?!(?:The|This|That|These|Those|Our|My|Your|Their|His|Her|Its|Every|Each|Some|Most|All|No|One)\s)"
    r"(?:[A-Z][\w.'’-]*\s+){1,2}[A-Z][\w'’-]+"  # a full name: "Jane Doe", "Mary K. O’Neil"
    r"(?:\s+\([^()]{1,40}\))?(?:,\s*(?:a|an|the)\s[^,]{1,60},)?\s+"  # "(@jane)", ", a former nurse,"
    r"(?i:(?:is|was)\s+(?:(?:a|an|the|also)\s+)+(?:(?!(?:of|for|at|in|on|to|who|that)\s)[\w&'’-]+\s+){0,3}?"
    rf"(?:{ROLES}|writer|journalist|reporter|columnist|contributor|marketer|coach|strategist|entrepreneur|architect"
    r"|programmer|teacher|lecturer|freelancer)s?(?:\s+(?:at|of|for|with|in|and)\s|,|\.)"
    r"|writes\s+(?:about|on)\s)",
)
_BIO_WORDS = 80  # a bio is a few sentences; a longer paragraph is the article's own
_QUOTE_MARKS = ("“", "”", '"')


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
    text = unmark(text.strip())
    return _FURNITURE_LINE.fullmatch(text) is not None or (_INSIDE.search(text.lower()) is not None and _FURNITURE_INSIDE.fullmatch(text) is not None)


def is_furniture_block(block: Block) -> bool:
    """Whether a block is furniture: a paragraph, or a bold or italic line or a bold lead-in
    ("*Published in Notes · 6 min read*", "**Brought to you by Acme.** Acme makes …"), that is.
    A heading of furniture ("Contents", "Sponsored") stays, to take its section out with it.

    >>> is_furniture_block(Block("5 min read", "5 min read", level=9)), is_furniture_block(Block("Sponsored", "Sponsored", level=9))
    (True, False)
    """
    return (block.level is None or block.level >= BOLD_LEVEL) and is_furniture(block.text) and not heads_furniture(block.text)


def page_text(blocks: list[Block], furniture: Callable[[Block], bool]) -> list[Block]:
    """The blocks that are the article's own: not `furniture`, not the page's footer (from an
    "Unsubscribe", "You are receiving this email" or "Written by …" line in the page's second half on),
    and not the author's name standing alone: beside a byline, read time or date line, or the
    name a byline gives ("Written by Dana Whitfield") or that stood there, wherever it stands
    again. A name right after a quote is the quote's attribution, and stays.

    >>> [b.text for b in page_text([Block("Dana Whitfield"), Block("7 min read"), Block("Intro."),
    ...  Block("Dana Whitfield"), Block("·"), Block("Agile"), Block("Teams"), Block("Unsubscribe"), Block("Street")],
    ...  lambda b: is_furniture(b.text))]
    ['Intro.']
    """
    blocks = _without_contents([block for block in blocks if _WORDY.search(block.text)])  # "·", "* * *", "|---|" say nothing
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
    names = [i for i in range(end) if not dropped[i] and blocks[i].level is None and _NAME.fullmatch(blocks[i].text)
             and not (i and QUOTE_END.search(blocks[i - 1].text.strip()))]  # after a quote: its attribution
    for i in names:
        if any(dropped[j] and _BYLINE_LINE.fullmatch(blocks[j].text.strip()) for j in (i - 1, i + 1) if 0 <= j < end):
            authors.add(blocks[i].text)
    for i in names:
        dropped[i] = blocks[i].text in authors
    kept = [block for block, gone in zip(blocks[:end], dropped) if not gone]
    if kept and kept[-1].level is None and kept[-1].body is None:
        kept[-1] = replace(kept[-1], text=_without_closing_call(kept[-1].text))
    return kept[:-1] if _ends_in_bio(kept, authors) else kept


def _without_closing_call(text: str) -> str:
    """The page's last paragraph without the call to readers it ends on ("That's the list. If it
    helped, repost the first tweet."): a sentence of furniture, where a post puts it.

    >>> _without_closing_call("That's the list. If it helped, repost the first tweet ♻️")
    "That's the list."
    """
    sentences = SENTENCE_BREAK.split(text)
    while len(sentences) > 1 and _CALL.search(sentences[-1]) and is_furniture(sentences[-1]):
        sentences.pop()
    return " ".join(sentences)


def _without_contents(blocks: list[Block]) -> list[Block]:
    """The blocks without a table of contents written as a line ("Table of contents", bold or
    not, as an editor's export writes it) over the headings it lists, one short line each.

    >>> [b.text for b in _without_contents([Block("Contents"), Block("Ship it"), Block("Ask why"), Block("We did."), Block("Ship it")])]
    ['We did.', 'Ship it']
    """
    kept: list[Block] = []
    skipping = False
    for block in blocks:
        text = block.text
        if (block.level is None or block.level >= BOLD_LEVEL) and len(text) <= 24 and text.rstrip(": ").casefold() in _CONTENTS:
            skipping = True
            continue
        skipping = skipping and (block.level is None or block.level >= BOLD_LEVEL) and is_headlike(text)
        if not skipping:
            kept.append(block)
    return kept


def _ends_in_bio(blocks: list[Block], authors: set[str]) -> bool:
    """Whether the last block is an author's bio standing after the article's last paragraph
    (not after a heading, whose only paragraph it would be; not after a quote, whose
    attribution it would be). A bio about a name a byline gave needs no more than the name."""
    if len(blocks) < 2:
        return False
    last, before = blocks[-1], blocks[-2]
    if last.level is not None or last.in_list or before.level is not None or QUOTE_END.search(before.text.strip()):
        return False
    named = any(last.text.startswith((author + " ", author.split()[0] + " ")) for author in authors)
    return is_bio(last.text, named)


def is_bio(text: str, set_apart: bool = False) -> bool:
    """Whether a paragraph is an author's bio (see _BIO); `set_apart`: in italics, or about the
    author a byline named.

    >>> is_bio("Jane Doe is a product lead at Acme and writes about pricing. Follow her on X.")
    True
    >>> is_bio("Sam Okoro is the reason we started."), is_bio("Arne Holm is now a consultant in Bergen.")
    (False, False)
    >>> is_bio("Sam writes about tools."), is_bio("Sam writes about tools.", set_apart=True)
    (False, True)
    """
    if not text[:1].isupper() or len(text.split()) > _BIO_WORDS:
        return False
    if set_apart:
        return _NAMED_BIO.match(text) is not None
    return _BIO.match(text) is not None and not any(mark in text for mark in _QUOTE_MARKS)  # quoting: citing the person


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
