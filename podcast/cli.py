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

from podcast.errors import EngineFallback, PodcastError
from podcast.show import Show, load_show


class _Group(click.Group):
    """Turns the library's own errors into one line on stderr and exit status 1."""

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
    with _progress("Speaking") as progress:
        entry = build_episode(show, list(sources), title, progress, overwrite, waiting=_waiting)
    click.echo(f"Episode: {show.episodes_dir / entry.filename}")
    click.echo(f"Feed:    {show.episodes_dir / 'feed.xml'} ({show.feed_url})")
    _warn_missing_settings(show)


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

    _narration, folder = write_script(load_show(show_dir), list(articles), title, overwrite)
    click.echo(f"Script: {folder}")


@cli.command()
@engine_option
@show_option
def voices(engine: str | None, show_dir: Path) -> None:
    """List the voices the show's speech engine offers."""
    from podcast.speech import Voice, list_voices

    show = load_show(show_dir, engine=engine)
    for info in list_voices(Voice(show.engine, show.voice, show.rate, show.language)):
        click.echo(f"{info.id}\t{info.name}\t{','.join(info.languages)}\t{info.gender}")


@cli.command()
@show_option
def episodes(show_dir: Path) -> None:
    """List the published episodes, newest first."""
    from podcast.publish import load_catalog, numbered_newest_first

    for number, entry in numbered_newest_first(load_catalog(load_show(show_dir))):
        minutes, seconds = divmod(round(entry.duration), 60)
        click.echo(f"{entry.slug}\t#{number}\t{entry.published:%Y-%m-%d}\t{minutes}:{seconds:02d}\t{entry.title}")


@cli.command()
@show_option
def feed(show_dir: Path) -> None:
    """Regenerate feed.xml, index.html and the cover from the catalog and podcast.toml, without re-synthesising."""
    from podcast.build import refresh_feed

    show = load_show(show_dir)
    refresh_feed(show, waiting=_waiting)
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


def _waiting() -> None:
    click.echo("waiting for another build of this show… (lock_timeout in podcast.toml)", err=True)


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
