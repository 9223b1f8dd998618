"""The `podcast` command: parse options, make one library call, print the outcome.

Heavy modules (pydub, feedgen, the speech engine) are imported inside the commands that need
them, so `podcast --help` stays instant.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Callable

import click

from podcast.errors import EngineFallback, PodcastError, SourceError
from podcast.show import PublishTarget, Show, load_show


class _Group(click.Group):
    """Turns the library's own errors into one line on stderr and exit status 1, and Ctrl-C
    into one line and exit status 130 (click's own would print an empty line and "Aborted!")."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", EngineFallback)
                try:
                    return super().invoke(ctx)
                finally:
                    # The library's warnings (a voice that falls back to another engine): one line each.
                    for message in dict.fromkeys(str(w.message) for w in caught if w.category is EngineFallback):
                        click.echo(f"Warning: {message}", err=True)
        except PodcastError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing was published.", err=True)
            ctx.exit(130)


overwrite_option = click.option(
    "--overwrite", is_flag=True, help="Narrate the article again even over hand edits in scripts/<episode>/."
)
show_option = click.option(
    "--show",
    "show_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The show folder: where podcast.toml, scripts/ and episodes/ are.",
)


@click.group(cls=_Group)
@click.version_option(package_name="podcast-digest")
def cli() -> None:
    """Turn a written takeaways digest into a podcast episode and feed, offline."""


engine_option = click.option(
    "--engine",
    help="Speech engine: hibari (default for English), pyttsx3 (default for other languages) or piper (needs the neural extra).",
)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--title", help="Episode title (default: the article's title, else its file name).")
@engine_option
@click.option("--voice", help="Voice id of the speech engine (see `podcast voices`).")
@click.option("--announcer-voice", help="A second voice for the announcements (intro, takeaway signposts, outro): a voice id, or ENGINE:ID.")
@click.option("--rate", type=int, help="Speaking rate in words a minute.")
@click.option("--no-music", is_flag=True, help="No intro and outro music or chime (as `music = false`).")
@click.option("--publish", "then_publish", is_flag=True, help="Then publish the show to its publish_to destinations.")
@overwrite_option
@show_option
def build(
    sources: tuple[str, ...],
    title: str | None,
    engine: str | None,
    voice: str | None,
    announcer_voice: str | None,
    rate: int | None,
    no_music: bool,
    then_publish: bool,
    overwrite: bool,
    show_dir: Path,
) -> None:
    """Build and publish an episode from articles or an edited script folder.

    SOURCES are text, Markdown or HTML article files or http(s):// URLs (several make one
    digest episode), or one folder scripts/<episode> written by an earlier build or by
    `podcast script`.
    """
    from podcast.build import build as build_episode

    show = load_show(
        show_dir, engine=engine, voice=voice, announcer_voice=announcer_voice, rate=rate, music=False if no_music else None
    )
    if then_publish:
        from podcast.remote import targets

        destinations = targets(show)  # nowhere to publish fails before the build, not after it
    with _progress("Speaking") as progress:
        entry = build_episode(show, list(sources), title, progress, overwrite, waiting=_waiting, notify=_notify)
    click.echo(f"Episode: {show.episodes_dir / entry.filename}")
    click.echo(f"Feed:    {show.episodes_dir / 'feed.xml'} ({show.feed_url})")
    _warn_missing_settings(show)
    if then_publish:
        _publish(show, destinations, dry_run=False, verbose=False)


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@click.option("--title", help="Episode title (default: the article's title, else its file name).")
@overwrite_option
@show_option
def script(articles: tuple[str, ...], title: str | None, overwrite: bool, show_dir: Path) -> None:
    """Write the narration scripts of articles (files or URLs) to scripts/<episode>/ and stop.

    Edit them, then run `podcast build scripts/<episode>`.
    """
    from podcast.build import script as write_script

    _narration, folder = write_script(load_show(show_dir), list(articles), title, overwrite, _waiting, _notify)
    click.echo(f"Script: {folder}")


@cli.command()
@engine_option
@show_option
def voices(engine: str | None, show_dir: Path) -> None:
    """List the voices the show's speech engine offers."""
    from podcast.engines import Voice
    from podcast.speech import list_voices

    show = load_show(show_dir, engine=engine)
    for info in list_voices(Voice(show.engine, show.voice, show.rate, show.language)):
        click.echo(f"{info.id}\t{info.name}\t{','.join(info.languages)}\t{info.gender}")


@cli.command()
@show_option
def episodes(show_dir: Path) -> None:
    """List the published episodes, newest first."""
    from podcast.catalog import load_catalog, numbered_newest_first

    for number, entry in numbered_newest_first(load_catalog(load_show(show_dir))):
        minutes, seconds = divmod(round(entry.duration), 60)
        click.echo(f"{entry.slug}\t#{number}\t{entry.published:%Y-%m-%d}\t{minutes}:{seconds:02d}\t{entry.title}")


@cli.command()
@show_option
def feed(show_dir: Path) -> None:
    """Regenerate feed.xml, index.html and the cover from the catalog and podcast.toml, without re-synthesising."""
    from podcast.build import refresh_feed

    show = load_show(show_dir)
    for slug, problem in refresh_feed(show, waiting=_waiting).items():
        click.echo(f"Warning: episode {slug!r} left out of the feed: {problem}; "
                   f"`podcast build scripts/{slug}` makes it again", err=True)
    click.echo(f"Feed: {show.episodes_dir / 'feed.xml'} ({show.feed_url})")
    _warn_missing_settings(show)


@cli.command()
@click.argument("slug")
@show_option
def remove(slug: str, show_dir: Path) -> None:
    """Take an episode out of the feed and delete its MP3, chapters and transcripts."""
    from podcast.build import remove_episode

    entry = remove_episode(load_show(show_dir), slug, waiting=_waiting)
    click.echo(f"Removed: {entry.title}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 lets phones on the LAN subscribe.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@show_option
def serve(host: str, port: int, show_dir: Path) -> None:
    """Serve episodes/ over HTTP for podcast apps until Ctrl-C."""
    from podcast.serve import serve as serve_episodes

    serve_episodes(load_show(show_dir), host, port, ready=lambda url: click.echo(f"Feed: {url} (Ctrl-C stops)"))
    click.echo("Stopped.")


@cli.command()
@click.argument("urls", nargs=-1)
@click.option("--opml", "opml", type=click.Path(dir_okay=False, path_type=Path), help="Follow every feed of an OPML subscription list.")
@show_option
def follow(urls: tuple[str, ...], opml: Path | None, show_dir: Path) -> None:
    """Follow feeds (RSS, Atom, JSON Feed) or the feed a web page names; `podcast update` turns their new articles into episodes."""
    from podcast.feeds import discover
    from podcast.sources import Source, add_sources, read_opml

    if not urls and opml is None:
        raise click.UsageError("give feed or page URLs, or --opml FILE")
    show = load_show(show_dir)
    wanted, failed = read_opml(opml) if opml else [], False
    for url in urls:
        try:
            wanted.append(Source(*discover(url)))
        except SourceError as error:  # one line, and the other URLs are still followed
            click.echo(f"Failed: {error}", err=True)
            failed = True
    added = add_sources(show, wanted)
    for source in wanted:
        state = "Following" if source in added else "Already following"
        click.echo(f"{state}: {source.url}" + (f" ({source.title})" if source.title else ""))
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("url")
@show_option
def unfollow(url: str, show_dir: Path) -> None:
    """Stop following a source (its published episodes stay)."""
    from podcast.sources import remove_source

    click.echo(f"Unfollowed: {remove_source(load_show(show_dir), url).url}")


@cli.command()
@click.option("--opml", is_flag=True, help="Print the sources as an OPML subscription list instead.")
@show_option
def sources(opml: bool, show_dir: Path) -> None:
    """List the followed sources: last check, last new item, last error."""
    from podcast.sources import Status, load_sources, load_status, render_opml

    show = load_show(show_dir)
    followed = load_sources(show)
    if opml:
        click.echo(render_opml(show, followed), nl=False)
        return
    statuses = load_status(show)
    for source in followed:
        status = statuses.get(source.url, Status())
        click.echo(f"{source.url}\t{source.title}")
        click.echo(f"  checked: {status.checked or 'never'}\tnew: {status.new or 'none yet'}")
        if status.error:
            click.echo(f"  error: {status.error.removeprefix(source.url + ': ')}")


@cli.command()
@click.option("--dry-run", is_flag=True, help="Check the sources and say what would be built; build and record nothing.")
@click.option("--no-wait", is_flag=True, help="If another update or build of the show is running, exit at once.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures.")
@click.option("-v", "--verbose", is_flag=True, help="Also print what each source answered.")
@click.option("--publish", "then_publish", is_flag=True, help="Then publish the show to its publish_to destinations, if anything was built.")
@show_option
def update(dry_run: bool, no_wait: bool, quiet: bool, verbose: bool, then_publish: bool, show_dir: Path) -> None:
    """Fetch every followed source and publish its new articles; silent when nothing is new.

    Exit status 1 when a source or an article failed (each failure is one line on stderr).
    """
    from podcast.update import update as update_show

    show = load_show(show_dir)
    if then_publish:
        from podcast.remote import targets

        destinations = targets(show)  # nowhere to publish fails before anything is fetched
    say = (lambda line: None) if quiet else click.echo
    outcome = update_show(
        show,
        dry_run,
        wait=not no_wait,
        say=say,
        detail=click.echo if verbose and not quiet else (lambda line: None),
        warn=lambda line: click.echo(f"Failed: {line}", err=True),
        notify=(lambda line: None) if quiet else _notify,
        waiting=(lambda: None) if quiet else _waiting,
    )
    for title in outcome.planned:
        say(f"Would build: {title}")
    if then_publish and outcome.built:
        _publish(show, destinations, dry_run=False, verbose=verbose and not quiet)
    if outcome.failures:
        sys.exit(1)


@cli.command()
@click.argument("destinations", nargs=-1)
@click.option("--dry-run", is_flag=True, help="List what would be sent and deleted; change nothing.")
@click.option("-v", "--verbose", is_flag=True, help="One line per file sent or deleted.")
@show_option
def publish(destinations: tuple[str, ...], dry_run: bool, verbose: bool, show_dir: Path) -> None:
    """Send episodes/ to a web server or cloud storage, the feed last.

    DESTINATIONS (default: publish_to in podcast.toml) are folders, USER@HOST:/PATH/ (rsync
    over SSH) or rclone:REMOTE:PATH. Only new and changed files are sent; files of removed
    episodes are deleted once the new feed is in place.
    """
    from podcast.remote import targets

    show = load_show(show_dir)
    _publish(show, targets(show, destinations), dry_run, verbose)


def _publish(show: Show, destinations: tuple[PublishTarget, ...], dry_run: bool, verbose: bool) -> None:
    """Warn about addresses that do not match, then publish to each destination and say what was done:
    a progress bar per destination on a terminal, a line per file with --verbose."""
    from podcast.remote import Plan, address_warnings, push

    for warning in address_warnings(show, destinations):
        click.echo(f"Warning: {warning}", err=True)
    bars: list[tuple[_progress, int]] = []  # the current destination's bar and its number of steps

    def planned(target: PublishTarget, plan: Plan) -> None:
        for bar, _total in bars:
            bar.__exit__()
        bars[:] = [(_progress(f"Publishing to {target.to}"), len(plan.steps()))]
        for action, name in plan.steps() if dry_run else ():
            click.echo(f"would {action} {name}")

    def done(action: str, name: str) -> None:
        if verbose:
            click.echo(f"{_PAST[action]} {name}")
        else:
            bars[0][0].advance(1, bars[0][1])

    try:
        plans = push(show, destinations, dry_run, planned, done, waiting=_waiting)
    finally:
        for bar, _total in bars:
            bar.__exit__()
    for target, plan in zip(destinations, plans):
        sent = sum(action == "send" for action, _name in plan.steps())
        verb = "Would publish" if dry_run else "Published"
        click.echo(f"{verb} to {target.to}: {sent} sent, {len(plan.delete)} deleted, {plan.unchanged} unchanged")


_PAST = {"send": "sent", "delete": "deleted"}


def _waiting() -> None:
    click.echo("waiting for another build of this show… (lock_timeout in podcast.toml)", err=True)


def _notify(line: str) -> None:
    click.echo(f"Note: {line}", err=True)


def _warn_missing_settings(show: Show) -> None:
    """One line on stderr for each setting a directory needs that the show leaves at its default."""
    from podcast.publish import missing_settings

    for warning in missing_settings(show):
        click.echo(f"Warning: {warning}", err=True)


class _progress:
    """A progress bar on a terminal; silent when stderr is not one (pipes, CI, tests)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: click.progressbar | None = None  # type: ignore[type-arg]

    def __enter__(self) -> Callable[[int, int], None]:
        return self.advance

    def advance(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
