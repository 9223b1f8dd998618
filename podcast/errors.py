"""Every error a user can cause, in one place.

The library raises these; only the CLI turns them into a one-line message and a
non-zero exit. Anything else escaping is a bug in this project.
"""


class PodcastError(Exception):
    """Base class: the message is one line, written for the person at the terminal."""


class ArticleError(PodcastError):
    """The input cannot be read as an article (missing, empty, binary, no takeaways)."""


class ScriptError(PodcastError):
    """A script folder cannot be read, or narrating again would overwrite hand edits in it."""


class SettingsError(PodcastError):
    """podcast.toml or a command-line option has a value this tool cannot use."""


class SpeechError(PodcastError):
    """The speech engine is missing or produced no usable audio for a segment."""


class AudioError(PodcastError):
    """ffmpeg is missing or could not encode the episode."""


class PublishError(PodcastError):
    """The catalog or feed in episodes/ cannot be read or updated."""


class ServeError(PodcastError):
    """`podcast serve` cannot start: the port is taken, the address is wrong, or there is no episodes/."""


class BusyError(PodcastError):
    """Another build of the same show held its lock for longer than the show's lock_timeout."""


class SourceError(PodcastError):
    """A followed source cannot be fetched or read (no answer, an HTTP error, not a feed, no
    article), or sources.toml or an OPML file cannot be used."""


class RemoteError(PodcastError):
    """`podcast publish` cannot reach or write a destination: ssh refused, rclone missing, a bad path."""


class EngineFallback(UserWarning):
    """The default neural voice cannot be loaded here, so pyttsx3 speaks instead (a warning, not an error)."""
