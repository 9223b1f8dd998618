"""Article -> Script: what the voice says, segment by segment: the welcome, each takeaway
announced by its number, the wrap-up, every sentence in its spoken form (`podcast.spoken`), with
the written form of each sentence the narration changed, for the transcripts. The script and its
folder are `podcast.script`'s.
"""

from __future__ import annotations

from podcast.article import Article
from podcast.numbers import number_words
from podcast.script import Script, Segment, slugify
from podcast.spoken import sentences, speakable, written_sentences

# Said instead of the count of takeaways when an article is not a digest (an essay, a news story).
_WHOLE = "This piece is not a list of takeaways, so it is read whole."


def narrate(article: Article, show_title: str, title: str, lexicon: dict[str, str] | None = None) -> Script:
    """Turn an article into spoken segments: intro, one per takeaway (announced), outro."""
    narrator = _Narrator(show_title, lexicon)
    count = len(article.takeaways)
    counted = _WHOLE if article.whole else f"{_count_phrase(count).capitalize()} follow."
    intro = _segment("00-intro", "Introduction", [narrator.welcome(title)], narrator.paragraphs(article.intro), [counted])
    conclusion = narrator.paragraphs(article.conclusion)
    outro = _segment(f"{count + 1:02d}-outro", "Wrap-up", [], conclusion, [narrator.goodbye(title)])
    segments = (intro, *_takeaway_segments(article, 1, 2, narrator), outro)
    return Script(title, slugify(title), episode_description(article), segments, written=narrator.written)


def narrate_digest(
    articles: list[Article], show_title: str, title: str | None = None, lexicon: dict[str, str] | None = None
) -> Script:
    """Several articles as one episode: one intro naming them all, then each article introduced by
    its title with its takeaways as chapters (and its own conclusion, if any), then one outro.

    Every article should have a title (the caller names untitled ones, e.g. after their files).
    Without an episode title, the titles joined ("A, B and C") name it, and its slug is the first
    one's with "-and-N-more", so it never takes the place of that article's own episode; the
    intro then does not say that title, as it lists the articles anyway.
    """
    narrator = _Narrator(show_title, lexicon)
    width = max(2, len(str(sum(len(article.takeaways) + 2 for article in articles) + 1)))
    titles = [article.title or f"Article {number}" for number, article in enumerate(articles, start=1)]
    listed = _join([narrator.say(t) for t in titles])
    counted = narrator.announce(
        f"{_count_phrase(len(articles), 'article').capitalize()} follow: {_join(titles)}.",
        f"{_count_phrase(len(articles), 'article').capitalize()} follow: {listed}.",
    )
    segments = [_segment(f"{0:0{width}d}-intro", "Introduction", [narrator.welcome(title), counted])]
    for number, (article, article_title) in enumerate(zip(articles, titles), start=1):
        article_slug = slugify(article_title, 40)
        said = number_words(number)
        opening = narrator.announce(f"Article {said}: {_ended(article_title)}", f"Article {said}: {_ended(narrator.say(article_title))}")
        counted = _WHOLE if article.whole else f"It has {_count_phrase(len(article.takeaways))}."
        name = f"{len(segments):0{width}d}-{article_slug}"
        segments.append(_segment(name, article_title, [opening], narrator.paragraphs(article.intro), [counted]))
        segments += _takeaway_segments(article, len(segments), width, narrator)
        if article.conclusion:
            name = f"{len(segments):0{width}d}-{article_slug}-wrap-up"
            segments.append(_segment(name, f"{article_title}: wrap-up", [], narrator.paragraphs(article.conclusion)))
    segments.append(_segment(f"{len(segments):0{width}d}-outro", "Wrap-up", [narrator.goodbye(title)]))
    notes = "\n\n".join(f"{t}\n\n{episode_description(a)}" for t, a in zip(titles, articles))
    slug = slugify(title) if title else f"{slugify(titles[0], 40)}-and-{len(articles) - 1}-more"
    return Script(title or _join(titles), slug, notes, tuple(segments), written=narrator.written)


class _Narrator:
    """What is said, in spoken form with the show's lexicon applied, including the announcements."""

    def __init__(self, show_title: str, lexicon: dict[str, str] | None) -> None:
        self.lexicon = lexicon
        self.show_title = show_title
        self.show = self.say(show_title)
        self.written: dict[str, str] = {}  # spoken sentence -> written sentence

    def say(self, text: str) -> str:
        return speakable(text, self.lexicon)

    def paragraphs(self, paragraphs: tuple[str, ...]) -> list[str]:
        """Spoken paragraphs, said sentence by sentence so that each keeps its written form; a
        sentence only a reader could use ("see the chart below") disappears, and so does a
        paragraph of nothing else."""
        spoken = []
        for paragraph in paragraphs:
            said = [self.announce(sentence, self.say(sentence)) for sentence in written_sentences(paragraph)]
            if any(said):
                spoken.append(" ".join(filter(None, said)))
        return spoken

    def announce(self, written: str, spoken: str) -> str:
        """Remember the written form of each sentence of `spoken`, when they pair one to one."""
        if spoken == written:  # every sentence said as written: nothing to remember
            return spoken
        pairs = sentences(written), sentences(spoken)
        if len(pairs[0]) == len(pairs[1]):
            self.written.update((said, shown) for shown, said in zip(*pairs) if said != shown)
        return spoken

    def welcome(self, title: str | None) -> str:
        if not title:
            return self.announce(f"Welcome to {_ended(self.show_title)}", f"Welcome to {_ended(self.show)}")
        return self.announce(
            f"Welcome to {_ended(self.show_title)} This is {_ended(title)}",
            f"Welcome to {_ended(self.show)} This is {_ended(self.say(title))}",
        )

    def goodbye(self, title: str | None) -> str:
        if not title:
            return self.announce(f"That was {_ended(self.show_title)} Thanks for listening.", f"That was {_ended(self.show)} Thanks for listening.")
        # The title goes mid-sentence: a full stop or colon it ends on would stop the sentence there.
        said, shown = self.say(title).rstrip(".:; "), title.rstrip(".:; ")
        return self.announce(
            f"That was {shown}, from {_ended(self.show_title)} Thanks for listening.",
            f"That was {said}, from {_ended(self.show)} Thanks for listening.",
        )


def _segment(
    name: str, title: str, opening: list[str], body: list[str] | None = None, closing: list[str] | None = None
) -> Segment:
    """A segment whose `opening` and `closing` paragraphs are announcements around its `body`."""
    body, closing = body or [], closing or []
    paragraphs = (*opening, *body, *closing)
    announced = (*range(len(opening)), *range(len(opening) + len(body), len(paragraphs)))
    return Segment(name, title, paragraphs, announced)


def _takeaway_segments(article: Article, first: int, width: int, narrator: _Narrator) -> list[Segment]:
    """One segment per takeaway, its file numbered from `first`, each announced by its number."""
    segments = []
    for number, takeaway in enumerate(article.takeaways, start=1):
        heading = _ended(narrator.say(takeaway.heading))
        name = f"{first + number - 1:0{width}d}-{slugify(takeaway.heading, 40)}"
        shown = _ended(" ".join(takeaway.heading.split()))
        said = number_words(number)
        signpost = [] if article.whole else [narrator.announce(f"Takeaway {said}: {shown}", f"Takeaway {said}: {heading}")]
        segments.append(_segment(name, takeaway.heading, signpost, narrator.paragraphs(takeaway.paragraphs)))
    return segments


def _ended(heading: str) -> str:
    """A heading or title as an announcement ends ("Takeaway three: …", "This is …"): on its own
    question or exclamation mark (a listener hears the question), else on one full stop, never two.

    >>> _ended("Why does pricing matter?"), _ended("Ship it!"), _ended("Small teams win."), _ended("Conclusion:")
    ('Why does pricing matter?', 'Ship it!', 'Small teams win.', 'Conclusion.')
    >>> _ended('Ask "why?"'), _ended("Really?!"), _ended("Why?."), _ended('He said "stop."')
    ('Ask "why?"', 'Really?!', 'Why?', 'He said "stop."')
    """
    heading = heading.rstrip(".:;, ")
    return heading if heading.rstrip("\"'”’»)]")[-1:] in ("?", "!", ".", "…") else heading + "."


def _join(items: list[str]) -> str:
    """
    >>> _join(["A"]), _join(["A", "B"]), _join(["A", "B", "C"])
    ('A', 'A and B', 'A, B and C')
    """
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _count_phrase(count: int, noun: str = "takeaway") -> str:
    """
    >>> _count_phrase(1), _count_phrase(10), _count_phrase(3, "article")
    ('one takeaway', 'ten takeaways', 'three articles')
    """
    return f"{number_words(count)} {noun}{'s' if count != 1 else ''}"


def episode_description(article: Article) -> str:
    """The intro as written and the list of takeaways: what a podcast app shows under the episode."""
    headings = "\n".join(f"{n}. {t.heading}" for n, t in enumerate(article.takeaways, start=1))
    return "\n\n".join(filter(None, ["\n\n".join(article.intro), headings]))
