"""What a person can get wrong, as one table: each case is one line on stderr, exit 1, no
traceback, and the published show byte for byte as it was. The inputs the tool accepts with
a fix (legacy encodings, control characters, unsafe titles) are built for real, and the feed
still parses and keeps the title as written."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree

from podcast.cli import cli
from podcast.script import slugify
from test_cover import claimed_png  # tests/ is on sys.path: pytest puts it there

ARTICLE = """Notes on keeping things

Most of what we lose, we lose by accident.

Label the boxes

A box without a label is a box nobody opens again.

Keep one list

One list beats three lists that disagree.
"""
# What a machine without a tool looks like to every process of a build (speech workers too),
# as a sitecustomize.py: the wheel that brings the tool cannot be imported, and no system copy
# is found (ffmpeg: PATH holds only Python's folder; espeak-ng: the library lookup finds none).
HIDDEN = {
    "ffmpeg": "import sys\nsys.modules['imageio_ffmpeg'] = None\n",
    "espeak-ng": "import sys, ctypes.util\nsys.modules['espeakng_loader'] = None\n"
    "_find = ctypes.util.find_library\nctypes.util.find_library = lambda name: None if 'espeak' in name else _find(name)\n",
    "piper": "import sys\nsys.modules['piper'] = None\n",  # the neural extra not installed
}


def digests(show: Path) -> dict[str, str]:
    return {str(p.relative_to(show)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((show / "episodes").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    show = tmp_path_factory.mktemp("published")
    (show / "keeping.txt").write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(show / "keeping.txt"), "--show", str(show)])
    assert result.exit_code == 0, result.output
    return show


@pytest.fixture
def show(published: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(published, tmp_path / "show", symlinks=True))


def settings(text: str):
    def prepare(show: Path) -> list[str]:
        (show / "podcast.toml").write_text(text, encoding="utf-8")
        return ["build", "keeping.txt"]

    return prepare


def article(data: bytes, *options: str):
    def prepare(show: Path) -> list[str]:
        (show / "input.txt").write_bytes(data)
        return ["build", "input.txt", *options]

    return prepare


def sparse(show: Path) -> list[str]:
    with open(show / "huge.txt", "wb") as file:
        file.truncate(6_000_000)  # 6 MB without writing them
    return ["build", "huge.txt"]


def closed_port_url() -> str:
    with socket.socket() as unused:  # a port nothing listens on once this closes
        unused.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{unused.getsockname()[1]}/post"


def truncated_cover(show: Path) -> list[str]:
    """A cover whose header reads well (square, 1400 px) over pixel data cut short, as a copy
    interrupted half-way leaves it."""
    from PIL import Image

    Image.effect_noise((1400, 1400), 60).convert("RGB").save(show / "art.png")
    data = (show / "art.png").read_bytes()
    (show / "art.png").write_bytes(data[: len(data) // 2])
    (show / "podcast.toml").write_text('[show]\ncover = "art.png"\n', encoding="utf-8")
    return ["build", "keeping.txt"]


def claimed_cover(side: int, name: str = "art.png"):
    """A cover whose PNG header claims `side`×`side` pixels over a few bytes of pixel data."""

    def prepare(show: Path) -> list[str]:
        (show / name).write_bytes(claimed_png(side, side))
        (show / "podcast.toml").write_text(f'[show]\ncover = "{name}"\n', encoding="utf-8")
        return ["build", "keeping.txt"]

    return prepare


def damaged_catalog(show: Path) -> list[str]:
    catalog = show / "episodes" / "catalog.json"
    catalog.write_bytes(catalog.read_bytes()[:-40])
    return ["build", "keeping.txt", "--title", "Something new"]


# case: (prepare the show folder -> command arguments, what the one line must say)
FAILURES = {
    "missing file": (lambda show: ["build", "nowhere.txt"], r"nowhere.txt: no such file$"),
    "a folder, not a script": (lambda show: ["build", "episodes"], r"episodes: no segment files \(like 00-intro.txt\) in this script folder$"),
    "empty file": (article(b""), r"input.txt: the file is empty$"),
    "whitespace only": (article(b" \n\n\t \n"), r"the article is empty$"),
    "binary with NUL bytes": (article(bytes(range(256)) * 8), r"looks like a binary file \(it contains NUL bytes\)"),
    "binary without NUL": (article(bytes(range(1, 32)) * 64), r"looks like a binary file \(mostly control characters\)"),
    "undecodable encoding": (article("日本語の記事です。".encode("shift_jis") * 20), r"unknown text encoding \(neither UTF-8 nor Windows-1252\); save it as UTF-8"),
    "no takeaways": (article(b"Just one paragraph.\n\nAnd another one, with no headings.\n"), r"found only 9 words of text and no takeaways: not an article"),
    "only headings": (article(b"# Title\n\n## Heading\n\n## Another\n"), r"input.txt: "),
    "enormous file": (sparse, r"huge.txt: is 6.0 MB; an article must be at most 5 MB of text$"),
    "endless device": (lambda show: ["build", "/dev/zero"], r"/dev/zero: is a device, not a regular file; save the article to a file$"),
    "URL nothing answers": (lambda show: ["build", closed_port_url()], r"^Error: http://127.0.0.1:\d+/post: cannot fetch it \(.*refused"),
    "malformed URL": (lambda show: ["build", "http://a:b/post"], r"^Error: http://a:b/post: cannot fetch it \(nonnumeric port"),
    "page with no article": (article(b"<html><body><script>var page = 1;</script></body></html>"), r"input.txt: found no article text in this HTML page$"),
    "script folder among articles": (lambda show: ["build", "keeping.txt", "scripts/notes-on-keeping-things"], r"a script folder is rebuilt on its own, not with other sources$"),
    "music file not found": (settings('[show]\nintro_music = "/nowhere/intro.ogg"\n'), r"podcast.toml: intro_music '/nowhere/intro.ogg' not found in "),
    "cover cut short": (truncated_cover, r"art.png: not a readable image \(image file is truncated"),
    "cover claiming 20000×20000 pixels": (claimed_cover(20000), r"art.png: Image size \(400000000 pixels\) exceeds limit .*; it must be square, 1400 to 3000 pixels a side$"),
    "cover of 10000×10000 pixels (Pillow warns)": (claimed_cover(10000), r"art.png: 10000×10000 pixels; it must be square, 1400 to 3000 pixels a side$"),
    "PNG cover named .jpg, too small": (claimed_cover(1000, "art.jpg"), r"art.jpg: 1000×1000 pixels"),
    "setting of the wrong type": (settings('[show]\nrate = "fast"\n'), r"podcast.toml: rate must be a whole number, not 'fast'$"),
    "unknown setting": (settings('[show]\ncolour = "red"\n'), r"podcast.toml: unknown setting 'colour' \(known: title, "),
    "unknown table": (settings('[podcast]\ntitle = "x"\n'), r"unknown table \[podcast\]; settings go under \[show\]$"),
    "not TOML": (settings('[show\ntitle = "x"\n'), r"podcast.toml: not valid TOML"),
    "rate out of range": (lambda show: ["build", "keeping.txt", "--rate", "5"], r"rate must be between 80 and 450 words a minute, not 5$"),
    "unknown speech engine": (settings('[show]\nengine = "festival"\n'), r"unknown speech engine 'festival' \(known: pyttsx3, piper, hibari\)$"),
    "unknown voice": (lambda show: ["build", "keeping.txt", "--voice", "xx/none"], r"unknown voice 'xx/none': `podcast voices` lists"),
    "damaged catalog": (damaged_catalog, r"catalog.json: not a readable episode catalog .*; left unchanged, fix or restore it$"),
    "removing what is not published": (lambda show: ["remove", "no-such-episode"], r"no published episode 'no-such-episode' \(published: notes-on-keeping-things\)$"),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_a_mistake_is_one_line_and_the_published_show_is_unchanged(case: str, show: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare, message = FAILURES[case]
    monkeypatch.chdir(show)
    arguments = prepare(show)
    before = digests(show)
    result = CliRunner().invoke(cli, [*arguments, "--show", str(show)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and re.search(message, line), line
    assert digests(show) == before


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        ("ffmpeg", "Error: the imageio-ffmpeg wheel's ffmpeg is missing: `pip install imageio-ffmpeg`, "
                   'or set ffmpeg = "system" to use an installed one'),
        ("espeak-ng", "Error: no espeak-ng: pip install espeakng-loader, or set PODCAST_ESPEAK=system"),
        ("piper", "Error: the piper engine is not installed: pip install 'podcast-digest[neural]'"),
    ],
)
def test_a_missing_tool_says_what_to_install(tool: str, message: str, show: Path, tmp_path: Path) -> None:
    """A real `podcast build` process on a machine made to lack the tool (see HIDDEN)."""
    (tmp_path / "sitecustomize.py").write_text(HIDDEN[tool], encoding="utf-8")
    env = dict(os.environ, PATH=str(Path(sys.executable).parent), PYTHONPATH=str(tmp_path))
    assert shutil.which("ffmpeg", path=env["PATH"]) is None
    # A title never spoken before, so the build must both synthesise and encode.
    command = [sys.executable, "-m", "podcast", "build", "keeping.txt", "--title", f"Needs {tool}", "--show", str(show)]
    command += ["--engine", "piper"] if tool == "piper" else ["--engine", "pyttsx3"] if tool == "espeak-ng" else []
    before = digests(show)
    result = subprocess.run(command, cwd=show, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [message]
    assert digests(show) == before


# title given on the command line (None: the article's own), the article's bytes
ACCEPTED = {
    "Windows-1252 article": (None, "Café notes – “naïve” ideas\n\n".encode("cp1252") + ARTICLE.encode("ascii").split(b"\n", 2)[2]),
    "control and non-XML characters": ("Bell\x07 and \x1b escape \ufffe title", ARTICLE.replace("accident.", "accident.\x0b\x01\x7f").encode()),
    "slashes and dot-dot": ("../../etc/passwd", ARTICLE.encode()),
    "backslashes": ("..\\..\\Windows\\win.ini", ARTICLE.encode()),
    "reserved name": ("CON", ARTICLE.encode()),
    "very long": (" ".join(["endless"] * 120), ARTICLE.encode()),
    "non-Latin script": ("Тихие заметки", ARTICLE.encode()),
    # An English voice spells letters it cannot read: longer than its word count allows for.
    "Arabic title in an English show": ("مرحبا بالعالم", ARTICLE.encode()),
    "Japanese title in an English show": ("東京の静かなメモ帳", ARTICLE.encode()),
}
XML_SAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_an_input_fixed_on_the_way_is_published_safely(case: str, show: Path) -> None:
    title, data = ACCEPTED[case]
    old = digests(show)
    (show / "input.txt").write_bytes(data)
    result = CliRunner().invoke(cli, ["build", str(show / "input.txt"), "--show", str(show), *(["--title", title] if title else [])])
    assert result.exit_code == 0, result.output
    expected_title = XML_SAFE.sub("", title) if title else "Café notes – “naïve” ideas"
    slug = slugify(expected_title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= 70
    assert slug == slugify(expected_title) and (show / "episodes" / f"{slug}.mp3").is_file()
    feed_bytes = (show / "episodes" / "feed.xml").read_bytes()
    etree.fromstring(feed_bytes)  # well-formed XML
    feed = feedparser.parse(feed_bytes)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == [expected_title, "Notes on keeping things"]
    unchanged = [name for name in old if name.endswith(".mp3")]
    assert {name: digests(show)[name] for name in unchanged} == {name: old[name] for name in unchanged}


def catalog(show: Path) -> dict[str, dict]:
    return {item["slug"]: item for item in json.loads((show / "episodes" / "catalog.json").read_text(encoding="utf-8"))["episodes"]}


def retitled(name: str, title: str):
    def prepare(show: Path) -> list[str]:
        (show / name).write_text(ARTICLE.replace("Notes on keeping things", title, 1), encoding="utf-8")
        return ["build", name]

    return prepare


FIRST = "notes-on-keeping-things"
# case: (prepare -> arguments, the slugs published after it, the note on stderr or None)
IDENTITIES = {
    "another article with the same title": (retitled("other.txt", "Notes On Keeping Things"), {FIRST, f"{FIRST}-2"}, f"Note: '{FIRST}' is another article's episode: this one is published as '{FIRST}-2'"),
    "the same article again": (lambda show: ["build", "keeping.txt"], {FIRST}, None),
    "the same article by another path": (lambda show: ["build", str(show / "scripts" / ".." / "keeping.txt")], {FIRST}, None),
    "the same article under a new title": (lambda show: ["build", "keeping.txt", "--title", "Keeping, revised"], {FIRST}, None),
    "the same article, edited, retitled": (retitled("keeping.txt", "Keeping things, second edition"), {FIRST}, None),
    "its script folder": (lambda show: ["build", f"scripts/{FIRST}"], {FIRST}, None),
    "its script folder as .": (lambda show: ["build", "."], {FIRST}, None),  # run inside the folder
}


@pytest.mark.parametrize("case", list(IDENTITIES))
def test_a_source_keeps_its_episode_and_another_never_takes_it(case: str, show: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare, slugs, note = IDENTITIES[case]
    monkeypatch.chdir(show / "scripts" / FIRST if case.endswith("as .") else show)
    first = catalog(show)[FIRST]
    result = CliRunner().invoke(cli, [*prepare(show), "--show", str(show)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("Note: ")]
    assert notes == ([note] if note else [])
    published = catalog(show)
    assert set(published) == slugs
    assert (published[FIRST]["guid"], published[FIRST]["published"]) == (first["guid"], first["published"])
    assert published[FIRST]["sources"] == ["keeping.txt"]
    feed = feedparser.parse((show / "episodes" / "feed.xml").read_bytes())
    assert len({entry.id for entry in feed.entries}) == len(slugs) == len(feed.entries)
    if len(slugs) > 1:  # the first article's episode is untouched, the second has its own files
        assert (show / "episodes" / f"{FIRST}-2.mp3").is_file()
        assert published[f"{FIRST}-2"]["sources"] == ["other.txt"]
        assert published[f"{FIRST}-2"]["title"] == "Notes On Keeping Things"


def hand_made_script(show: Path, name: str) -> Path:
    """A script folder a person made by hand: two segment files, no episode.toml."""
    folder = show / "scripts" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "00-intro.txt").write_text("# Introduction\n\nA folder made by hand.\n", encoding="utf-8")
    (folder / "01-outro.txt").write_text("# Wrap-up\n\nThat was all.\n", encoding="utf-8")
    return folder


# script folder name -> the slug it is published under
FOLDER_SLUGS = {
    ".secret": "secret",
    "a#b?c": "a-b-c",
    "Hello World": "hello-world",
    "x" * 200: "x" * 60,
    "Тихие": slugify("Тихие"),
    "...": slugify("..."),
}


@pytest.mark.parametrize("name", list(FOLDER_SLUGS), ids=lambda name: name[:20])
def test_a_script_folder_of_any_name_publishes_under_a_safe_slug(name: str, show: Path) -> None:
    folder = hand_made_script(show, name)
    result = CliRunner().invoke(cli, ["build", str(folder), "--show", str(show)])
    assert result.exit_code == 0, result.output
    slug = FOLDER_SLUGS[name]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert set(catalog(show)) == {FIRST, slug} and (show / "episodes" / f"{slug}.mp3").is_file()
    page = (show / "episodes" / "index.html").read_text(encoding="utf-8")
    assert f'src="{slug}.mp3"' in page
    # built again from the same folder: the same episode, not a third one
    assert CliRunner().invoke(cli, ["build", str(folder), "--show", str(show)]).exit_code == 0
    assert set(catalog(show)) == {FIRST, slug}


def test_segment_files_not_read_are_named_and_control_characters_never_reach_the_transcripts(show: Path) -> None:
    folder = show / "scripts" / FIRST
    (folder / "notes.txt").write_text("my own notes", encoding="utf-8")
    (folder / "5-extra.txt").write_text("# Extra\n\nNot read: one digit.\n", encoding="utf-8")
    (folder / "02-bad name.txt").write_text("# Extra\n\nNot read: a space.\n", encoding="utf-8")
    intro = folder / "00-intro.txt"
    intro.write_text(intro.read_text(encoding="utf-8").replace("Most", "\x1b[31mMost\x07\x0c\x7f\u0085"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(folder), "--show", str(show)])
    assert result.exit_code == 0, result.output
    notes = sorted(line for line in result.stderr.splitlines() if line.startswith("Note: "))
    assert notes == [
        f"Note: {folder / name}: not read; a segment file is named like 01-name.txt"
        for name in ("02-bad name.txt", "5-extra.txt", "notes.txt")
    ]
    for suffix in (".vtt", ".srt"):
        text = (show / "episodes" / f"{FIRST}{suffix}").read_text(encoding="utf-8")
        assert "[31mMost" in text and not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)


def test_remove_never_deletes_outside_episodes(show: Path) -> None:
    """A catalog edited to name an episode '../secret' is refused as a whole, in one line."""
    (show / "secret.mp3").write_bytes(b"not an episode")
    (show / "secret.vtt").write_bytes(b"not a transcript")
    path = show / "episodes" / "catalog.json"
    path.write_text(path.read_text(encoding="utf-8").replace(f'"slug": "{FIRST}"', '"slug": "../secret"'), encoding="utf-8")
    before = digests(show)
    result = CliRunner().invoke(cli, ["remove", "../secret", "--show", str(show)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {path}: not a readable episode catalog (slug '../secret' is not a file name in episodes/); left unchanged, fix or restore it"
    ]
    assert (show / "secret.mp3").read_bytes() == b"not an episode" and (show / "secret.vtt").exists()
    assert digests(show) == before


@pytest.mark.slow
def test_a_one_letter_lexicon_entry_on_a_large_article(show: Path) -> None:
    """`"a" = "ay"` took one placeholder character per match and ran out of them past about a
    million matches (chr() arg not in range): an article of 2.2 MB, within the 5 MB limit."""
    (show / "lexicon.toml").write_text('"a" = "ay"\n', encoding="utf-8")
    body = " ".join(["a"] * 1_100_000)
    (show / "big.txt").write_text(f"Big notes\n\n{body}.\n\nFirst point\n\nA box.\n\nSecond point\n\nA list.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["script", str(show / "big.txt"), "--show", str(show)])
    assert result.exit_code == 0, result.output
    intro = (show / "scripts" / "big-notes" / "00-intro.txt").read_text(encoding="utf-8")
    assert intro.count("ay ay") > 500_000 and " a " not in intro


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 16 MB file system (tmpfs), so a write finds a really full disk: root only."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], check=True, capture_output=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill `disk` until `leave` bytes are free; returns the filler file."""
    filler = disk / "filler"
    stat = os.statvfs(disk)
    with open(filler, "wb") as file:
        file.write(bytes(max(0, stat.f_bavail * stat.f_frsize - leave)))
    return filler


# case: (bytes left free, command): each fails at a different write of the build, which needs
# about 2 MB here (the joined speech of a 20 s episode, its MP3 chunks, the tagged MP3, the rest;
# measured with the default voice: at 1.55-1.7 MB left only the tagged MP3 finds no room)
NO_ROOM = {
    "build, disk full": (0, ["build", "other.txt"]),
    "build, room for the script folder": (64_000, ["build", "other.txt"]),
    "build, room for part of the joined speech": (600_000, ["build", "other.txt"]),
    "build, room for the joined speech": (1_300_000, ["build", "other.txt"]),
    "build, room for all but the tagged MP3": (1_600_000, ["build", "other.txt"]),
    "rebuild from the script folder": (0, ["build", f"scripts/{FIRST}", "--title", "Kept, retitled"]),
    "feed": (0, ["feed"]),
    "remove": (0, ["remove", FIRST]),
}


@pytest.mark.parametrize("case", list(NO_ROOM))
def test_a_full_disk_is_one_line_and_nothing_is_half_written(case: str, published: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    leave, arguments = NO_ROOM[case]
    show = Path(shutil.copytree(published, small_disk / "show", symlinks=True))
    (show / "other.txt").write_text(ARTICLE.replace("Notes on keeping things", "Other things kept", 1), encoding="utf-8")
    monkeypatch.chdir(show)
    before, scripts = digests(show), sorted(p.name for p in (show / "scripts").iterdir())
    filler = fill(small_disk, leave)
    result = CliRunner().invoke(cli, [*arguments, "--show", str(show)])
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    # ffmpeg writes the tagged MP3 itself, and says so in its own words (as one line too)
    assert re.match(rf"Error: ({re.escape(str(show))}(/\S*)?: no room to write \(No space left on device\); nothing was published|ffmpeg could not tag the episode: )", line), line
    assert digests(show) == before
    assert sorted(p.name for p in (show / "scripts").iterdir()) in (scripts, sorted([*scripts, "other-things-kept"]))
    if (show / "scripts" / "other-things-kept").exists():  # written whole, or not at all
        assert len(list((show / "scripts" / "other-things-kept").glob("*.txt"))) == 4
    assert not list(show.glob(".*staging*"))
    filler.unlink()  # with room again, the same command succeeds
    result = CliRunner().invoke(cli, [*arguments, "--show", str(show)])
    assert result.exit_code == 0, result.output
