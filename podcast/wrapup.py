"""Where a takeaways digest's wrap-up starts when no conclusion heading says so.

A plain digest often closes without a "Conclusion" heading: its closing paragraph follows the
last takeaway's text, or a bare "Wrapping up" line stands where a heading would. These rules
(part of the article stage, podcast.article) find it by what the paragraph says ("These lessons
…", a sign-off) or by how it is set apart from the takeaways' own text.
"""

from __future__ import annotations

import re
import statistics

from podcast.blocks import CONCLUSION_HEADING, ends_sentence

_WRAP_UP = re.compile(
    r"^(?:all in all|in conclusion|in summary|in short|in sum|in the end|to sum up|to conclude|to wrap up"
    r"|overall|ultimately|taken together|that(?:[’']?s| is) (?:it|all)(?: for (?:now|today|this \w+))?[.!,]"
    r"|tl;? ?dr\b|tldr\b)"  # a summary after the last takeaway: "TL;DR: ..."
    r"|\b(?:these|those|the above)\s+(?:\w+\s+)?"
    r"(?:takeaways|insights|points|lessons|highlights|ideas|tips|findings|themes|trends|changes|habits|rules"
    r"|steps|practices|principles|mistakes|truths|observations|learnings)\b",
    re.IGNORECASE,
)

# A sign-off ends the piece, not its last takeaway: "See you next week!", "Until next time.",
# "Happy building!", "Good luck out there." (a few words at most: "Good luck getting a refund,
# because …" is a takeaway's own sentence).
_SIGN_OFF = re.compile(
    r"^(?:(?:until next time|see you (?:next|soon|then|there|around|at|in|all)|happy \w+ing|good luck|talk soon"
    r"|stay (?:curious|tuned|safe))\b(?:[ \t,]+[\w’'-]+){0,6}"
    r"|(?:take care|cheers)(?:[ \t]*,(?:[ \t]+[\w’'-]+){1,3})?)[ \t]*[.!…]*$",  # "Cheers, Dana", not "Take care of …"
    re.IGNORECASE,
)

_LABEL = re.compile(r"^([A-Z][\w’']*(?: [\w’']+){0,2}):\s")


def wrap_up_line(text: str) -> bool:
    """A short line that only names the wrap-up ("Wrapping up", "So what?"), not a sentence.

    >>> wrap_up_line("Wrapping up"), wrap_up_line("Final thoughts:"), wrap_up_line("In short, it works.")
    (True, True, False)
    """
    return len(text) <= 40 and not ends_sentence(text.rstrip(":?")) and CONCLUSION_HEADING.match(text.rstrip(":")) is not None


def _closing_label(paragraph: str) -> str | None:
    """The label a paragraph opens with ("Lesson: …", "Key takeaway: …"), if any."""
    match = _LABEL.match(paragraph)
    return match.group(1).casefold() if match else None


def trailing_wrap_up(sections: list[list[str]], apart: list[int | None]) -> list[str]:
    """Move the last section's wrap-up paragraph(s) out of it; returns them (maybe none).

    A plain digest has no conclusion heading, so its closing paragraph follows the last
    takeaway's. It is taken for the conclusion when the last section is longer than a
    takeaway usually is and the extra paragraph refers back to the whole piece; or when every
    takeaway is written tight, its text right under its heading (a post's "✅ Point" lines, bold
    lead-ins), and only the last is followed by a paragraph set apart (`apart`: per section,
    the index of its first paragraph after a blank line or a thematic break, if any); or when
    the last section ends with a sign-off ("See you next week!"): then what follows its first
    paragraphs, as many as a takeaway usually has, is the wrap-up. A closing paragraph with
    none of these signs stays in the last takeaway: written the way a takeaway's own second
    paragraph is, nothing tells the two apart.

    >>> sections = [["a."], ["b."], ["c.", "These takeaways show a lot."]]
    >>> trailing_wrap_up(sections, [0, 0, 0]), sections[-1]
    (['These takeaways show a lot.'], ['c.'])
    >>> trailing_wrap_up([["a."], ["b.", "These takeaways show a lot."], ["c.", "More."]], [0, 0, 0])
    []
    >>> trailing_wrap_up([["a."], ["b."], ["c.", "The cheapest change won."]], [None, None, 1])
    ['The cheapest change won.']
    >>> trailing_wrap_up([["a.", "Lesson: x."], ["b.", "Lesson: y."], ["c.", "Lesson: z.", "I still do."]], [0, 0, 0])
    ['I still do.']
    >>> trailing_wrap_up([["a."], ["b."], ["c.", "We fixed 212 things.", "See you at the next one!"]], [0, 0, 0])
    ['We fixed 212 things.', 'See you at the next one!']
    """
    last = sections[-1]
    if len(sections) >= 3 and apart[-1] and all(index is None for index in apart[:-1]):
        wrap_up = last[apart[-1] :]
        del last[apart[-1] :]
        return wrap_up
    labels = {_closing_label(section[-1]) for section in sections[:-1] if section}
    if len(sections) >= 3 and len(labels) == 1 and None not in labels:  # every section ends "Lesson: …"
        own = [index for index, paragraph in enumerate(last[:-1]) if _closing_label(paragraph) in labels]
        if own:
            wrap_up = last[own[-1] + 1 :]
            del last[own[-1] + 1 :]
            return wrap_up
    typical = statistics.median_low([len(section) for section in sections[:-1]] or [1])
    for index in range(max(1, typical), len(last)):
        if _WRAP_UP.search(last[index]):
            wrap_up = last[index:]
            del last[index:]
            return wrap_up
    if len(sections) >= 3 and len(last) > max(1, typical) and _SIGN_OFF.match(last[-1]):
        wrap_up = last[max(1, typical) :]
        del last[max(1, typical) :]
        return wrap_up
    return []
