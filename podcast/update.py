"""`podcast update`: the new items of the followed feeds become episodes, each article once.

Every source is fetched (politely, see feeds.py) before anything is built, and every article is
read before the show is locked, as `podcast build` does. An item is new when neither its key
(id, else link) nor its link was taken before, from any source: the same article in two feeds is
one article. What was taken is recorded in the very staged publish that publishes its episode
(`build_articles`' record), so a crash or a kill at any point leaves the show as if the run had
stopped between two episodes, and the next run builds exactly what is missing.

A source that fails (no answer, an HTTP error, not a feed, an item whose page has no article)
costs one line and is skipped; its feed validators are not advanced, so the next run sees its
items again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from html import escape
from typing import Callable

from podcast.article import Article, load_source, parse_article
from podcast.build import build_articles, staged_show
from podcast.errors import ArticleError, BusyError, PodcastError, SourceError
from podcast.reading import html_to_markdown, is_url
from podcast.feeds import DEADLINE, Fetched, Item, fetch_feed
from podcast.files import locked
from podcast.catalog import Entry, load_catalog
from podcast.show import Show
from podcast.sources import SOURCES_FILE, Seen, Status, load_seen, load_sources, load_status, now_text, save_seen, save_status

UPDATE_LOCK = ".podcast-update.lock"  # in the show folder: one `podcast update` of a show at a time

Line = Callable[[str], None]


@dataclass
class _New:
    """A new article: its first item seen, every key it goes by, the sources that gave it."""

    item: Item
    keys: set[str]
    sources: list[str]
    article: Article | None = None


@dataclass(frozen=True)
class Outcome:
    """What a run did: the episodes it published, its failures, and (dry run) what it would build."""

    built: tuple[Entry, ...] = ()
    failures: tuple[str, ...] = ()
    planned: tuple[str, ...] = ()


@dataclass
class _Run:
    show: Show
    say: Line
    detail: Line
    warn: Line
    notify: Line
    waiting: Callable[[], None]
    failures: list[str] = field(default_factory=list)
    built: list[Entry] = field(default_factory=list)

    def fail(self, line: str) -> None:
        self.failures.append(line)
        self.warn(line)


def update(
    show: Show,
    dry_run: bool = False,
    wait: bool = True,
    deadline: float = DEADLINE,
    say: Line = lambda line: None,
    detail: Line = lambda line: None,
    warn: Line = lambda line: None,
    notify: Line = lambda line: None,
    waiting: Callable[[], None] = lambda: None,
) -> Outcome:
    """Check every followed source and build what is new (nothing, with `dry_run`).

    `say` gets a line per episode published, `detail` a line per source checked, `warn` a line
    per failure, `notify` what a build notes. Without `wait`, a show another update or build
    holds is left alone at once (BusyError) instead of after its lock_timeout.
    """
    sources = load_sources(show)
    if not sources:
        raise SourceError(f"{show.root / SOURCES_FILE}: no sources followed; add one with `podcast follow URL`")
    if not wait:
        show = replace(show, lock_timeout=0)
    try:
        with locked(show.root / UPDATE_LOCK, show.lock_timeout, waiting):
            run = _Run(show, say, detail, warn, notify, waiting)
            return _update(run, [source.url for source in sources], dry_run, deadline)
    except BusyError:
        if wait:
            raise
        raise BusyError(f"{show.root}: another update or build of this show is running; not waiting (--no-wait)") from None


def _update(run: _Run, urls: list[str], dry_run: bool, deadline: float) -> Outcome:
    show = run.show
    seen = load_seen(show.episodes_dir)
    statuses = load_status(show)
    answers, articles, passed = _check(run, urls, seen, statuses, deadline)
    if dry_run:
        return Outcome(failures=tuple(run.failures), planned=tuple(_planned(show, articles)))
    for new in articles:
        try:
            new.article = _article(new.item)
        except PodcastError as error:
            run.fail(f"{new.sources[0]}: {error}")
    ready = [new for new in articles if new.article is not None]
    for group in _episodes(show, ready, run):
        _build(run, group)
    recorded = load_seen(show.episodes_dir).keys
    built = {source for new in ready if new.keys <= recorded for source in new.sources}
    unsettled = {source for new in articles if not new.keys <= recorded for source in new.sources}
    validators = {url: (a.etag, a.modified) for url, a in answers.items() if a.changed and url not in unsettled}
    _commit(run, passed, validators)
    for url in built:
        statuses[url] = replace(statuses[url], new=now_text() + " " + _titles(ready, url))
    save_status(show, statuses)
    return Outcome(tuple(run.built), tuple(run.failures))


def _check(
    run: _Run, urls: list[str], seen: Seen, statuses: dict[str, Status], deadline: float
) -> tuple[dict[str, Fetched], list[_New], set[str]]:
    """Fetch every source: its answer, the new articles of all (oldest first, each once), and
    the keys to record as taken without an episode. `statuses` is updated in place."""
    taken = set(seen.keys) | {source for entry in load_catalog(run.show) for source in entry.sources}
    answers: dict[str, Fetched] = {}
    passed: set[str] = set()
    fresh: dict[str, _New] = {}  # every key and link of a new article -> it
    for url in urls:
        status = statuses.get(url, Status())
        etag, modified = seen.validators.get(url, ("", ""))
        try:
            fetched = fetch_feed(url, etag, modified, deadline)
        except SourceError as error:
            statuses[url] = replace(status, checked=now_text(), error=str(error))
            run.fail(str(error))
            continue
        statuses[url] = replace(status, checked=now_text(), error="")
        answers[url] = fetched
        items = fetched.items
        if url not in seen.validators:  # first check: only the newest few, not the archive
            passed |= {key for item in items[run.show.initial :] for key in (item.key, item.link) if key}
            items = items[: run.show.initial]
        new = [item for item in items if item.key not in taken and item.link not in taken]
        # Items known only from the catalog (built by hand from their URL) are recorded too: a
        # bounded show may drop that episode, and its article must not come back as new.
        passed |= {key for item in items if item not in new for key in (item.key, item.link) if key and key not in seen}
        run.detail(f"{url}: {'unchanged' if not fetched.changed else f'{len(fetched.items)} items, {len(new)} new'}")
        for item in new:
            known = fresh.get(item.key) or fresh.get(item.link) or _New(item, set(), [])
            known.keys |= {key for key in (item.key, item.link) if key}
            known.sources.append(url)
            for key in known.keys:
                fresh[key] = known
    return answers, _oldest_first(list({id(new): new for new in fresh.values()}.values())), passed


def _oldest_first(articles: list[_New]) -> list[_New]:
    """Build order: by date when every item has one, else as found (feeds list newest first)."""
    if all(new.item.published for new in articles):
        return sorted(articles, key=lambda new: new.item.published)  # type: ignore[arg-type, return-value]
    return list(reversed(articles))


def _planned(show: Show, articles: list[_New]) -> list[str]:
    titles = [new.item.title or new.item.link for new in articles]
    if show.mode == "episode":
        return titles
    if len(titles) < show.min_articles:
        return []
    return [" + ".join(chunk) for chunk in _chunks(titles, show.max_articles)]


def _chunks(values: list, size: int) -> list[list]:
    """
    >>> _chunks([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [values[start : start + size] for start in range(0, len(values), size)]


def _episodes(show: Show, ready: list[_New], run: _Run) -> list[list[_New]]:
    """The episodes to build: one per article, or digests of at most max_articles once there
    are min_articles (fewer wait, unrecorded, for the next run)."""
    if show.mode == "episode":
        return [[new] for new in ready]
    if len(ready) < show.min_articles:
        if ready:
            run.detail(f"waiting for {show.min_articles} new articles before a digest; {len(ready)} so far")
        return []
    return _chunks(ready, show.max_articles)


def _build(run: _Run, group: list[_New]) -> None:
    """Publish one episode of the group's articles, with their keys recorded as taken."""
    keys = set().union(*(new.keys for new in group))

    def record(stage: Show) -> None:
        committed = load_seen(stage.episodes_dir)
        save_seen(stage.episodes_dir, Seen(committed.keys | keys, committed.validators))

    identities = tuple(new.item.link or new.item.key for new in group)
    try:
        entry = build_articles(
            run.show, [new.article for new in group], identities, None, run.waiting, run.notify, record  # type: ignore[misc]
        )
    except BusyError:
        raise
    except PodcastError as error:
        run.fail(f"{group[0].sources[0]}: {error}")
        return
    run.built.append(entry)
    run.say(f"New episode: {entry.title} ({run.show.root / 'episodes' / entry.filename})")


def _commit(run: _Run, passed: set[str], validators: dict[str, tuple[str, str]]) -> None:
    """Record what no episode carried (passed-over items, feed validators), if anything changed."""
    committed = load_seen(run.show.episodes_dir)
    if passed <= committed.keys and all(committed.validators.get(url) == pair for url, pair in validators.items()):
        return
    with staged_show(run.show, run.waiting) as stage:
        current = load_seen(stage.episodes_dir)
        save_seen(stage.episodes_dir, Seen(current.keys | passed, {**current.validators, **validators}))


def _titles(ready: list[_New], url: str) -> str:
    return "; ".join(new.item.title or new.item.link for new in ready if url in new.sources)


def _article(item: Item) -> Article:
    """The item's article: from its own text when that reads as a whole article, else from the
    page it links to (a summary alone has no takeaways)."""
    origin = item.link or item.key
    if item.text.strip():
        try:
            text = html_to_markdown(_as_page(item), origin) if item.html else item.text
            return _titled(parse_article(text), item)
        except ArticleError:
            pass
    if not is_url(item.link):  # never a file path: a feed must not make us read local files
        raise SourceError(f"{origin}: the item has no whole article and no web link to one")
    return _titled(load_source(item.link), item)


def _as_page(item: Item) -> str:
    return f"<html><head><title>{escape(item.title)}</title></head><body><article>{item.text}</article></body></html>"


def _titled(article: Article, item: Item) -> Article:
    return replace(article, title=item.title or article.title or item.link)
