"""The show: a folder with an optional podcast.toml, its scripts/ and its episodes/.

Every setting has a default, so an empty folder is already a show. Settings are
checked when read (unknown key, wrong type) so a typo fails before any work starts.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from podcast.errors import SettingsError

SETTINGS_FILE = "podcast.toml"
LEXICON_FILE = "lexicon.toml"  # written word or phrase = how to say it, for every episode

# Apple Podcasts' categories and their subcategories (its 2019 list, as the W3C feed validator
# checks it; Apple's "Religion" subcategory is left out, the validator rejects it): a feed naming
# any other is rejected by the directory.
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"),
    "History": (),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden", "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News", "Tech News",
    ),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Spirituality"),
    "Science": (
        "Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences", "Nature",
        "Physics", "Social Sciences",
    ),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"),
    "Sports": (
        "Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby", "Running",
        "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}
# Apple accepts JPEG and PNG artwork only.
COVER_SUFFIXES = (".jpg", ".jpeg", ".png")
# The MP3 settings a podcast may use: LAME's constant bitrates from 64 to 128 kb/s, and the
# sample rates podcast apps play everywhere.
BITRATES = (64, 80, 96, 112, 128)
SAMPLE_RATES = (22050, 32000, 44100, 48000)


@dataclass(frozen=True)
class PublishTarget:
    """Where `podcast publish` sends episodes/: a folder, `[user@]host:path` (rsync over SSH) or
    `rclone:remote:path`, and optionally the address the published feed is fetched from there."""

    to: str
    url: str = ""  # checked against base_url before anything is sent


@dataclass(frozen=True)
class Show:
    """A show's settings and where its files live."""

    root: Path
    title: str = "My Digest"
    description: str = "Takeaways from what I read, spoken."
    author: str = "Anonymous"
    email: str = ""
    language: str = "en-US"
    category: str = "News"
    subcategory: str = ""  # one of Apple's subcategories of `category`, or none
    explicit: bool = False
    # Where episodes/ is reachable by podcast apps; the default is `podcast serve`'s.
    base_url: str = "http://127.0.0.1:8000/"
    engine: str = ""  # empty: hibari for English, pyttsx3 for other languages (engines.choose_engine)
    voice: str = ""  # empty: the engine's default voice for `language`
    rate: int = 165  # words a minute: a podcast pace
    # A second voice for the announcements: welcome, "Takeaway three: ...", goodbye. A voice id
    # of `engine`, or "engine:voice id" of another engine.
    announcer_voice: str = ""  # empty: the main voice says everything
    cover: str = ""  # path of a square JPEG/PNG, relative to the show folder
    bitrate: int = 64  # kb/s of the MP3: plenty for speech
    channels: int = 1  # 1: mono; 2: joint stereo
    sample_rate: int = 44100  # Hz of the MP3
    music: bool = True  # an intro and an outro: the files below, else a short chime
    intro_music: str = ""  # any audio file ffmpeg reads, relative to the show folder
    outro_music: str = ""
    lock_timeout: int = 600  # seconds a build waits for another build of this show to end
    # Which ffmpeg makes the MP3: empty, the imageio-ffmpeg wheel's; "system", the one on PATH;
    # or its path (relative to the show folder). PODCAST_FFMPEG in the environment overrides it.
    ffmpeg: str = ""
    # A bounded show: at most `keep` episodes, none older than `keep_days` days (0: no bound);
    # the feed lists at most `feed_limit` of them, newest first.
    keep: int = 0
    keep_days: int = 0
    feed_limit: int = 300
    # `podcast update`: one episode per new article ("episode") or one digest of them ("digest",
    # waiting for `min_articles`, at most `max_articles` an episode); a newly followed source
    # gives only its newest `initial` items, not its archive.
    mode: str = "episode"
    min_articles: int = 1
    max_articles: int = 10
    initial: int = 3
    # Where `podcast publish` sends episodes/; in podcast.toml a string, or a list of strings
    # and { to = "...", url = "..." } tables.
    publish_to: tuple[PublishTarget, ...] = ()
    # Not a setting: the folder a build writes episodes/ into (a staging copy, see files.staged).
    output: Path | None = None

    @property
    def scripts_dir(self) -> Path:
        return self.root / "scripts"

    @property
    def episodes_dir(self) -> Path:
        return self.output or self.root / "episodes"

    @property
    def cover_path(self) -> Path | None:
        return self.root / self.cover if self.cover else None

    @property
    def intro_music_path(self) -> Path | None:
        return self.root / self.intro_music if self.intro_music else None

    @property
    def outro_music_path(self) -> Path | None:
        return self.root / self.outro_music if self.outro_music else None

    @property
    def ffmpeg_setting(self) -> str:
        """The `ffmpeg` setting, a relative path made absolute against the show folder (a bare
        name, "system" among them, is left as it is: ffmpeg.py looks it up on PATH)."""
        if "/" not in self.ffmpeg:
            return self.ffmpeg
        return str(self.root / Path(self.ffmpeg).expanduser())

    @property
    def feed_url(self) -> str:
        return self.base_url.rstrip("/") + "/feed.xml"


_SETTINGS = {f.name: f for f in dataclasses.fields(Show) if f.name not in ("root", "output")}


def load_show(root: Path, **overrides: object) -> Show:
    """Read `root/podcast.toml` (if any), then apply non-None `overrides` from the command line."""
    values: dict[str, object] = {}
    path = root / SETTINGS_FILE
    if path.exists():
        document = _read_toml(path)
        unknown_tables = set(document) - {"show"}
        if unknown_tables:
            raise SettingsError(f"{path}: unknown table [{sorted(unknown_tables)[0]}]; settings go under [show]")
        values.update(document.get("show", {}))
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "publish_to" in values:
        values["publish_to"] = _publish_targets(path, values["publish_to"])
    for key, value in values.items():
        if key != "publish_to":
            _check(path, key, value)
    show = Show(root=root, **values)  # type: ignore[arg-type]
    if not 80 <= show.rate <= 450:
        raise SettingsError(f"{path}: rate must be between 80 and 450 words a minute, not {show.rate}")
    if show.lock_timeout < 0:
        raise SettingsError(f"{path}: lock_timeout must be 0 or more seconds, not {show.lock_timeout}")
    for key in ("keep", "keep_days", "initial"):
        if getattr(show, key) < 0:
            raise SettingsError(f"{path}: {key} must be 0 or more, not {getattr(show, key)}")
    for key in ("feed_limit", "min_articles", "max_articles"):
        if getattr(show, key) < 1:
            raise SettingsError(f"{path}: {key} must be 1 or more, not {getattr(show, key)}")
    if show.mode not in ("episode", "digest"):
        raise SettingsError(f"{path}: mode must be \"episode\" or \"digest\", not {show.mode!r}")
    if not show.base_url.startswith(("http://", "https://")):
        raise SettingsError(f"{path}: base_url must start with http:// or https://, not {show.base_url!r}")
    if show.category not in APPLE_CATEGORIES:
        raise SettingsError(f"{path}: category {show.category!r} is not one of Apple's: {', '.join(sorted(APPLE_CATEGORIES))}")
    if show.subcategory and show.subcategory not in APPLE_CATEGORIES[show.category]:
        known = ", ".join(APPLE_CATEGORIES[show.category]) or "none"
        raise SettingsError(f"{path}: subcategory {show.subcategory!r} is not one of Apple's for {show.category}: {known}")
    if show.cover and not show.cover.lower().endswith(COVER_SUFFIXES):
        raise SettingsError(f"{path}: cover {show.cover!r} must be a JPEG or PNG image (.jpg, .jpeg or .png)")
    if show.cover_path and not show.cover_path.is_file():
        raise SettingsError(f"{path}: cover {show.cover!r} not found in {root}")
    for key, music in (("intro_music", show.intro_music_path), ("outro_music", show.outro_music_path)):
        if music and not music.is_file():
            raise SettingsError(f"{path}: {key} {getattr(show, key)!r} not found in {root}")
    if show.bitrate not in BITRATES:
        raise SettingsError(f"{path}: bitrate must be one of {_listed(BITRATES)} kb/s, not {show.bitrate}")
    if show.channels not in (1, 2):
        raise SettingsError(f"{path}: channels must be 1 (mono) or 2 (joint stereo), not {show.channels}")
    if show.sample_rate not in SAMPLE_RATES:
        raise SettingsError(f"{path}: sample_rate must be one of {_listed(SAMPLE_RATES)} Hz, not {show.sample_rate}")
    return show


def _listed(values: tuple[int, ...]) -> str:
    """
    >>> _listed((1, 2, 3))
    '1, 2 or 3'
    """
    return ", ".join(map(str, values[:-1])) + f" or {values[-1]}"


def _check(path: Path, key: str, value: object) -> None:
    field = _SETTINGS.get(key)
    if field is None:
        raise SettingsError(f"{path}: unknown setting {key!r} (known: {', '.join(_SETTINGS)})")
    expected, described = _TYPES[str(field.type)]
    # bool is an int in Python; a rate of `true` is still a mistake.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise SettingsError(f"{path}: {key} must be {described}, not {value!r}")


_TYPES = {"str": (str, "a string"), "int": (int, "a whole number"), "bool": (bool, "true or false")}


def _publish_targets(path: Path, value: object) -> tuple[PublishTarget, ...]:
    """`publish_to` as written in podcast.toml: one destination, or a list of them, each a string
    or a table with `to` and an optional `url`.

    >>> _publish_targets(Path("podcast.toml"), ["web:/srv/pod/", {"to": "rclone:r2:pod", "url": "https://cdn.example/"}])
    (PublishTarget(to='web:/srv/pod/', url=''), PublishTarget(to='rclone:r2:pod', url='https://cdn.example/'))
    """
    targets = []
    for item in value if isinstance(value, list) else [value]:
        target = _publish_target(item)
        if target is None:
            raise SettingsError(
                f'{path}: publish_to must be a destination or a list of them, each "folder", "user@host:/path/", '
                f'"rclone:remote:path" or {{ to = "...", url = "https://..." }}, not {item!r}'
            )
        if target.url and not target.url.startswith(("http://", "https://")):
            raise SettingsError(f"{path}: the url of publish_to {target.to!r} must start with http:// or https://, not {target.url!r}")
        targets.append(target)
    return tuple(targets)


def _publish_target(item: object) -> PublishTarget | None:
    if isinstance(item, str):
        return PublishTarget(item) if item.strip() else None
    if not isinstance(item, dict) or not set(item) <= {"to", "url"}:
        return None
    to, url = item.get("to"), item.get("url", "")
    return PublishTarget(to, url) if isinstance(to, str) and to.strip() and isinstance(url, str) else None


def load_lexicon(root: Path) -> dict[str, str]:
    """The show's pronunciation lexicon (`lexicon.toml`: "Written" = "said"), or none.

    A name the voice gets wrong is fixed once here for every episode narrated from now on.
    """
    path = root / LEXICON_FILE
    if not path.exists():
        return {}
    entries = _read_toml(path)
    for written, said in entries.items():
        if not isinstance(said, str) or not written.strip() or not said.strip():
            raise SettingsError(f'{path}: {written!r} must map to how to say it, as in "Nguyen" = "Win"')
    return entries


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not valid TOML ({error})") from None
