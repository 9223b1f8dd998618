"""sources: follow, unfollow, list and exchange (OPML) the feeds a show turns into episodes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from feedserver import FeedServer, Post, page_html

from podcast.cli import cli
from podcast.show import Show
from podcast.sources import Source, load_sources, read_opml


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


def run(show: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--show", str(show)])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_follow_a_feed_and_a_page_then_list_and_unfollow(server: FeedServer, tmp_path: Path) -> None:
    feed = server.publish("rss", "news", [Post("news", 1)])
    atom = server.publish("atom", "notes", [Post("notes", 1)])
    page = page_html("Notes", "<p>x</p>").replace("</head>", '<link rel="alternate" type="application/atom+xml" href="/notes.atom"></head>')
    blog = server.set("/notes/", page, "text/html")
    code, out, _ = run(tmp_path, "follow", feed, blog)
    assert code == 0
    assert out.splitlines() == [f"Following: {feed} (news feed)", f"Following: {atom} (notes feed)"]
    assert load_sources(Show(root=tmp_path)) == [Source(feed, "news feed"), Source(atom, "notes feed")]
    assert run(tmp_path, "follow", atom)[1] == f"Already following: {atom} (notes feed)\n"

    code, out, _ = run(tmp_path, "sources")
    assert out.splitlines() == [f"{feed}\tnews feed", "  checked: never\tnew: none yet", f"{atom}\tnotes feed", "  checked: never\tnew: none yet"]
    assert run(tmp_path, "unfollow", feed)[:2] == (0, f"Unfollowed: {feed}\n")
    assert load_sources(Show(root=tmp_path)) == [Source(atom, "notes feed")]
    code, _, err = run(tmp_path, "unfollow", feed)
    assert code == 1 and err == f"Error: {feed}: not followed (followed: {atom})\n"


def test_a_hand_edited_sources_file_is_kept_and_a_wrong_one_is_one_line(server: FeedServer, tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text('# my feeds\n[[source]]\nurl = "https://example.org/a.xml"  # the first\n', encoding="utf-8")
    feed = server.publish("json", "kept", [Post("kept", 1)])
    assert run(tmp_path, "follow", feed)[0] == 0
    text = (tmp_path / "sources.toml").read_text(encoding="utf-8")
    assert text.startswith('# my feeds\n[[source]]\nurl = "https://example.org/a.xml"  # the first\n')
    assert [s.url for s in load_sources(Show(root=tmp_path))] == ["https://example.org/a.xml", feed]
    for wrong in ('[[source]]\nurl = "ftp://x"\n', '[[source]]\nurl = "https://x"\ncolour = 1\n', "[feeds]\n", "url = "):
        (tmp_path / "sources.toml").write_text(wrong, encoding="utf-8")
        code, _, err = run(tmp_path, "sources")
        assert code == 1 and err.count("\n") == 1 and "sources.toml" in err, err


def test_following_what_is_not_a_feed_is_one_line_and_follows_nothing(server: FeedServer, tmp_path: Path) -> None:
    for url in (server.url("/missing.xml"), server.set("/page/", page_html("P", "<p>x</p>"), "text/html")):
        code, _, err = run(tmp_path, "follow", url)
        assert code == 1 and err.count("\n") == 1 and url in err
    assert not (tmp_path / "sources.toml").exists()


def test_opml_out_and_back_in(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    (first / "sources.toml").write_text(
        '[[source]]\nurl = "https://example.org/feed?a=1&b=2"\ntitle = "Q & A <weekly>"\n\n[[source]]\nurl = "https://example.net/atom"\n',
        encoding="utf-8",
    )
    code, opml, _ = run(first, "sources", "--opml")
    assert code == 0
    (tmp_path / "list.opml").write_text(opml, encoding="utf-8")
    assert read_opml(tmp_path / "list.opml") == [
        Source("https://example.org/feed?a=1&b=2", "Q & A <weekly>"),
        Source("https://example.net/atom", "https://example.net/atom"),
    ]
    second.mkdir()
    code, out, _ = run(second, "follow", "--opml", str(tmp_path / "list.opml"))
    assert code == 0 and out.count("Following: ") == 2
    assert [s.url for s in load_sources(Show(root=second))] == ["https://example.org/feed?a=1&b=2", "https://example.net/atom"]


def test_an_opml_file_of_another_app_with_nested_outlines(tmp_path: Path) -> None:
    path = tmp_path / "export.opml"
    path.write_text(
        '<?xml version="1.0"?><opml version="1.0"><head/><body><outline text="Tech">'
        '<outline text="One" xmlUrl="https://one.example/rss"/><outline text="Two" type="rss" xmlUrl="https://two.example/feed"/>'
        '</outline><outline text="not a feed" htmlUrl="https://three.example/"/></body></opml>',
        encoding="utf-8",
    )
    assert read_opml(path) == [Source("https://one.example/rss", "One"), Source("https://two.example/feed", "Two")]
    for text in ("<opml><body/></opml>", "not xml"):
        path.write_text(text, encoding="utf-8")
        code, _, err = run(tmp_path, "follow", "--opml", str(path))
        assert code == 1 and err.count("\n") == 1 and str(path) in err
