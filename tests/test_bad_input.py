"""What a person can get wrong, as one table: each case is one line on stderr, exit 1, no
traceback, and the published show byte for byte as it was. The inputs the tool accepts with
a fix (legacy encodings, control characters, unsafe titles) are built for real, and the feed
still parses and keeps the title as written."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree

from podcast.cli import cli
from podcast.narration import slugify

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
    "no takeaways": (article(b"Just one paragraph.\n\nAnd another one, with no headings.\n"), r"found 2 paragraphs but no headings: a takeaway is a short heading line"),
    "only headings": (article(b"# Title\n\n## Heading\n\n## Another\n"), r"input.txt: "),
    "enormous file": (sparse, r"huge.txt: is 6.0 MB; an article must be at most 5 MB of text$"),
    "endless device": (lambda show: ["build", "/dev/zero"], r"/dev/zero: is more than 5 MB; an article must be at most 5 MB of text$"),
    "URL nothing answers": (lambda show: ["build", closed_port_url()], r"^Error: http://127.0.0.1:\d+/post: cannot fetch it \(.*refused"),
    "malformed URL": (lambda show: ["build", "http://a:b/post"], r"^Error: http://a:b/post: cannot fetch it \(nonnumeric port"),
    "page with no article": (article(b"<html><body><script>var page = 1;</script></body></html>"), r"input.txt: found no article text in this HTML page$"),
    "script folder among articles": (lambda show: ["build", "keeping.txt", "scripts/notes-on-keeping-things"], r"a script folder is rebuilt on its own, not with other sources$"),
    "music file not found": (settings('[show]\nintro_music = "/nowhere/intro.ogg"\n'), r"podcast.toml: intro_music '/nowhere/intro.ogg' not found in "),
    "cover cut short": (truncated_cover, r"art.png: not a readable image \(image file is truncated"),
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
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and re.search(message, line), line
    assert digests(show) == before


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        ("ffmpeg", "Error: ffmpeg not found: install ffmpeg or `pip install imageio-ffmpeg`"),
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
