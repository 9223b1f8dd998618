"""`podcast publish` to a folder, and what every destination shares: the plan, its order, the
settings, the one-line errors. Real shows are built (real speech, real MP3s); rsync over SSH,
rclone and nginx are in test_remote_servers.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click.testing
import feedparser
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from podcast.build import build, remove_episode
from podcast.cli import cli
from podcast.destinations import DIGESTS, Stat, destination
from podcast.errors import SettingsError
from podcast.rss import FEED_FILE as FEED
from podcast.remote import Plan, feed_without, make_plan
from podcast.show import PublishTarget, load_show

SETTINGS = """[show]
title = "Publish Check"
email = "owner@pods.example"
category = "Technology"
base_url = "{base_url}"
"""


def article(title: str, extra: str = "") -> str:
    return f"# {title}\n\nA short intro for {title}.\n\n## First point\n\nOne sentence.{extra}\n\n## Second point\n\nAnother one.\n"


def make_show(root: Path, base_url: str, titles: tuple[str, ...] = ("Alpha notes", "Beta notes")) -> Path:
    """A show folder with one built episode per title."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "podcast.toml").write_text(SETTINGS.format(base_url=base_url), encoding="utf-8")
    for title in titles:
        add_episode(root, title)
    return root


def add_episode(root: Path, title: str, extra: str = "") -> None:
    source = root / f"{title.split()[0].lower()}.md"
    source.write_text(article(title, extra), encoding="utf-8")
    build(load_show(root), source, overwrite=True)


def change_show(root: Path) -> None:
    """The next state of a show made by make_show: Gamma is new, Alpha rebuilt longer, Beta removed."""
    before = (root / "episodes" / "alpha-notes.mp3").stat().st_size
    add_episode(root, "Alpha notes", " And a second sentence, so the episode is longer.")
    assert (root / "episodes" / "alpha-notes.mp3").stat().st_size != before
    add_episode(root, "Gamma notes")
    remove_episode(load_show(root), "beta-notes")


def publish(root: Path, *args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    return CliRunner().invoke(cli, ["publish", *args, "--show", str(root)], env=env, catch_exceptions=False)


def same_files(episodes: Path, published: Path) -> None:
    """The destination holds exactly episodes/, byte for byte (and no temporary files)."""
    names = sorted(p.name for p in episodes.iterdir() if not p.name.startswith("."))
    assert sorted(p.name for p in published.iterdir() if p.name not in (".htaccess", DIGESTS)) == names
    for name in names:
        assert (published / name).read_bytes() == (episodes / name).read_bytes(), name


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A show with two episodes, built once; tests copy it (with its files' times)."""
    return make_show(tmp_path_factory.mktemp("built") / "show", "https://pods.example/show/")


@pytest.fixture
def show(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "show", symlinks=True))


def test_a_folder_gets_the_show_in_order_and_the_next_publish_sends_only_changes(show: Path, tmp_path: Path) -> None:
    www = tmp_path / "www"
    first = publish(show, "-v", str(www))
    assert first.exit_code == 0, first.output
    same_files(show / "episodes", www)
    assert first.output.splitlines()[-2:] == ["sent feed.xml", f"Published to {www}: 13 sent, 0 deleted, 0 unchanged"]
    assert publish(show, str(www)).output == f"Published to {www}: 0 sent, 0 deleted, 13 unchanged\n"

    change_show(show)
    listed = publish(show, "--dry-run", str(www))
    assert listed.exit_code == 0 and "would delete beta-notes.mp3" in listed.output
    assert "beta-notes.mp3" in os.listdir(www) and "gamma-notes.mp3" not in os.listdir(www)  # nothing changed

    second = publish(show, "-v", str(www))
    assert second.exit_code == 0, second.output
    lines = [line.split(" ", 1)[1] for line in second.output.splitlines()[:-1]]
    assert listed.output.replace("would send ", "sent ").replace("would delete ", "deleted ").splitlines()[:-1] == second.output.splitlines()[:-1]
    new = ["gamma-notes.chapters.json", "gamma-notes.mp3", "gamma-notes.srt", "gamma-notes.vtt"]
    changed = ["alpha-notes.chapters.json", "alpha-notes.mp3", "alpha-notes.srt", "alpha-notes.vtt", "catalog.json", "index.html"]
    removed = ["beta-notes.chapters.json", "beta-notes.mp3", "beta-notes.srt", "beta-notes.vtt"]
    assert lines == [*new, "feed.xml (without the 1 episode(s) being replaced)", *changed, FEED, *removed]
    same_files(show / "episodes", www)
    feed = feedparser.parse(www / FEED)
    assert [entry.title for entry in feed.entries] == ["Gamma notes", "Alpha notes"]


def test_the_feed_sent_while_mp3s_are_replaced_leaves_their_episodes_out(show: Path) -> None:
    feed = (show / "episodes" / FEED).read_bytes()
    held = feedparser.parse(feed_without(feed, {"alpha-notes.mp3"}))
    assert not held.bozo and [entry.title for entry in held.entries] == ["Beta notes"]
    assert held.feed.title == "Publish Check"
    assert feed_without(feed, set()) .count(b"<item>") == feed.count(b"<item>") == 2


@pytest.mark.parametrize(
    "local, remote, expected",
    [
        ({}, {}, Plan((), (), (), False, (), 0)),
        ({"feed.xml": Stat(9, 5.5)}, {"feed.xml": Stat(9, 5.0)}, Plan((), (), (), False, (), 1)),
        ({"feed.xml": Stat(9, 6.0)}, {"feed.xml": Stat(9, 5.0)}, Plan((), (), (), True, (), 0)),
        # a page the destination lacks waits for the media; an image it lacks does not
        ({"index.html": Stat(1, 1), "a.mp3": Stat(1, 1), "b.png": Stat(1, 1)}, {}, Plan(("a.mp3", "b.png"), (), ("index.html",), False, (), 0)),
        ({"a.mp3": Stat(2, 1), "a.vtt": Stat(2, 1)}, {"a.mp3": Stat(1, 1), "a.vtt": Stat(1, 1)}, Plan((), ("a.mp3",), ("a.mp3", "a.vtt"), False, (), 0)),
        # only the kinds of file a show publishes are deleted, and publish's own leftovers
        ({}, {"old.mp3": Stat(1, 1), "site.php": Stat(1, 1), ".feed.xml.podcast-tmp": Stat(1, 1)}, Plan((), (), (), False, (".feed.xml.podcast-tmp", "old.mp3"), 0)),
    ],
)
def test_the_plan(local: dict[str, Stat], remote: dict[str, Stat], expected: Plan) -> None:
    assert make_plan(local, remote) == expected


names = st.sampled_from(["a.mp3", "a.vtt", "b.mp3", "b.chapters.json", "cover.png", "index.html", "catalog.json", FEED, "site.php", ".x.podcast-tmp"])
stats = st.builds(Stat, st.integers(0, 3), st.one_of(st.none(), st.floats(0, 3)), st.sampled_from(["", "m1", "m2"]))


@given(st.dictionaries(names, stats), stats, st.dictionaries(names, stats))
def test_every_plan_sends_each_file_once_in_a_consistent_order(local: dict[str, Stat], feed: Stat, remote: dict[str, Stat]) -> None:
    local = {**local, FEED: feed}  # a published show always has its feed
    plan = make_plan(local, remote)
    steps = plan.steps()
    sent = [name for action, name in steps if action == "send" and name != plan.held_feed]
    assert sorted(sent) == sorted(set(sent))  # no file twice
    assert len(sent) + plan.unchanged == len(local) + (plan.feed is False and bool(plan.replaced))
    assert all(name in local for name in sent)
    assert set(plan.delete) <= set(remote) - set(local)
    if FEED in sent:  # the feed after every other file sent, and before every deletion
        assert [name for action, name in steps][len(sent) + bool(plan.replaced) - 1] == FEED
    for name in plan.replaced:  # an MP3 the destination has is replaced only while the feed leaves it out
        assert steps.index(("send", plan.held_feed)) < steps.index(("send", name))
    assert not any(name in plan.new for name in remote)


@pytest.mark.parametrize(
    "to, kind",
    [
        ("rclone:r2:podcast/show", "_Rclone"), ("me@example.org:/var/www/pod/", "_Rsync"), ("web:pod", "_Rsync"),
        ("www", "_Folder"), ("./odd:name", "_Folder"), ("/srv/pod", "_Folder"),
    ],
)
def test_destinations_are_told_apart_as_rsync_does(to: str, kind: str, tmp_path: Path) -> None:
    assert type(destination(load_show(tmp_path), PublishTarget(to))).__name__ == kind


@pytest.mark.parametrize("to", ["rclone:nocolon", "host::module", "rsync://host/module", "episodes"])
def test_destinations_publish_cannot_use(to: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        destination(load_show(tmp_path), PublishTarget(to))


@pytest.mark.parametrize(
    "setting, expected",
    [
        ('"www"', (PublishTarget("www"),)),
        ('["www", { to = "rclone:r2:pod", url = "https://cdn.example/" }]', (PublishTarget("www"), PublishTarget("rclone:r2:pod", "https://cdn.example/"))),
    ],
)
def test_publish_to_settings(setting: str, expected: tuple[PublishTarget, ...], tmp_path: Path) -> None:
    (tmp_path / "podcast.toml").write_text(f"[show]\npublish_to = {setting}\n", encoding="utf-8")
    assert load_show(tmp_path).publish_to == expected


@pytest.mark.parametrize("setting", ["3", '[""]', '[{ to = "www", path = "x" }]', '[{ to = "www", url = "ftp://x/" }]'])
def test_a_wrong_publish_to_is_one_line(setting: str, tmp_path: Path) -> None:
    (tmp_path / "podcast.toml").write_text(f"[show]\npublish_to = {setting}\n", encoding="utf-8")
    result = publish(tmp_path)
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1 and "publish_to" in result.output


def test_a_url_other_than_base_url_is_one_warning_before_anything_is_sent(show: Path, tmp_path: Path) -> None:
    settings = (show / "podcast.toml").read_text() + f'publish_to = [{{ to = "{tmp_path / "www"}", url = "https://cdn.example/" }}]\n'
    (show / "podcast.toml").write_text(settings, encoding="utf-8")
    result = publish(show, "-v")
    assert result.exit_code == 0
    warning, first = result.output.splitlines()[:2]
    assert warning.startswith(f"Warning: publish_to {tmp_path / 'www'} is reached at https://cdn.example/, but base_url is")
    assert first == "sent .htaccess" and result.stderr == warning + "\n"

    (show / "podcast.toml").write_text(settings.replace("https://cdn.example/", "https://PODS.example/show"), encoding="utf-8")
    assert publish(show).stderr == ""


def test_failures_are_one_line_and_change_nothing(show: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    cases = [
        ([str(blocker / "www")], {}, f"{blocker / 'www' / '.htaccess'}: cannot write it (Not a directory)"),
        (["rclone:r2:pod"], {"PATH": "/nonexistent"}, "rclone:r2:pod: rclone is not installed (Debian: apt-get install rclone)"),
        (["me@127.0.0.1:/srv/pod/"], {"RSYNC_RSH": "ssh -p 1 -o BatchMode=yes"}, "me@127.0.0.1:/srv/pod/: ssh: connect to host 127.0.0.1 port 1: Connection refused"),
        ([], {}, "nowhere to publish: set publish_to in podcast.toml or name a destination"),
    ]
    if shutil.which("rsync") is None:
        cases.pop(2)  # rsync's own test, with a real sshd, requires it (test_remote_servers.py)
    for args, env, message in cases:
        result = publish(show, *args, env=env)
        assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    empty = publish(tmp_path / "new-show", str(tmp_path / "www"))
    assert empty.exit_code == 1 and "nothing to publish yet" in empty.output
    assert not (tmp_path / "www").exists()


def test_build_publish_publishes_after_the_build_and_refuses_before_it_without_a_destination(show: Path, tmp_path: Path) -> None:
    source = show / "delta.md"
    source.write_text(article("Delta notes"), encoding="utf-8")
    refused = CliRunner().invoke(cli, ["build", str(source), "--publish", "--show", str(show)])
    assert refused.exit_code == 1 and "nowhere to publish" in refused.output
    assert not (show / "episodes" / "delta-notes.mp3").exists()

    (show / "podcast.toml").write_text((show / "podcast.toml").read_text() + 'publish_to = ["../www", "../mirror"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(source), "--publish", "--show", str(show)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [f"Published to ../{name}: 17 sent, 0 deleted, 0 unchanged" for name in ("www", "mirror")]
    same_files(show / "episodes", tmp_path / "www")
    same_files(show / "episodes", tmp_path / "mirror")
