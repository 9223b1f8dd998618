"""HTML pages and URLs: a real page served from 127.0.0.1, read by trafilatura and the parser."""

from __future__ import annotations

import random
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.article import load_article, load_source, parse_article
from podcast.errors import ArticleError
from podcast.reading import fetch, html_to_markdown

PAGE = Path(__file__).parent / "pages" / "night_market.html"
HEADINGS = ["Light matters more than signs", "Cash still matters", "Keep the rows short", "Close on time, every time"]
NOISE = ["Lantern sale", "Home", "Related posts", "All rights reserved", "Privacy policy", "analytics", "6 min read"]
RELEASE = threading.Event()  # lets the handler that never answers go when the test is over

# path -> (status, content type, body); "/slow" never answers in time.
ROUTES = {
    "/night-market": (200, "text/html; charset=utf-8", PAGE.read_bytes()),
    "/notes.md": (200, "text/markdown", b"# Notes\n\nWhy we wrote it.\n\n## One point\n\nIt stands alone.\n"),
    "/logo.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
    "/big": (200, "text/html", b"<html><body>" + b"<p>word</p>" * 2000 + b"</body></html>"),
    "/huge": (200, "text/html", b"<html><body>" + b"<p>word</p>" * 2000 + b"</body></html>"),
    "/empty": (200, "text/html", b""),
    "/menu-only": (200, "text/html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"),
    "/noise": (200, "text/html; charset=utf-8", random.Random(7).randbytes(4000)),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/slow":
            RELEASE.wait(10)
            return
        if self.path == "/loop":  # redirects to itself, for ever
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/trickle":  # every read is on time, the whole answer never ends
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            while not RELEASE.wait(0.1):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
            return
        status, kind, body = ROUTES.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if self.path != "/big":  # a server that does not say how much it will send
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    RELEASE.set()
    server.shutdown()
    server.server_close()


def test_a_url_gives_the_article_without_the_page_around_it(site: str) -> None:
    article = load_source(f"{site}/night-market")
    assert article.title == "Four lessons from running a night market"
    assert [t.heading for t in article.takeaways] == HEADINGS
    assert article.intro[0].startswith("We ran a small night market")
    assert len(article.takeaways[2].paragraphs) == 3  # a lead-in and two list items
    assert article.conclusion == ("None of this is new, but all of it was learned the hard way, one wet evening at a time.",)
    spoken = " ".join([*article.intro, *(p for t in article.takeaways for p in t.paragraphs), *article.conclusion])
    assert [word for word in NOISE if word in spoken] == []


def test_a_saved_page_reads_like_the_same_page_served(site: str, tmp_path: Path) -> None:
    saved = tmp_path / "saved.txt"  # a page saved under any name is still recognised as HTML
    saved.write_bytes(PAGE.read_bytes())
    assert load_article(PAGE) == load_article(saved) == load_source(f"{site}/night-market")


def test_a_url_to_a_markdown_text_is_read_as_text(site: str) -> None:
    article = load_source(f"{site}/notes.md")
    assert (article.title, [t.heading for t in article.takeaways]) == ("Notes", ["One point"])


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/gone", "/gone: the server answered 404 Not Found"),
        ("/logo.png", "/logo.png: is image/png, not an HTML page or a text article"),
        ("/big", "/big: is more than 10,000 bytes, too big for an article page"),
        ("/huge", "/huge: is more than 10,000 bytes, too big for an article page"),
        ("/slow", "/slow: no answer within 0.5 s"),
        ("/empty", "/empty: the page is empty"),
        ("/loop", "/loop: redirects in a loop or too many times"),
        ("/noise", "/noise: looks like a binary file"),
    ],
)
def test_a_fetch_that_fails_is_one_line_naming_the_url(site: str, path: str, message: str) -> None:
    with pytest.raises(ArticleError, match=message) as caught:
        fetch(site + path, timeout=0.5, max_bytes=10_000)
    assert "\n" not in str(caught.value)


def test_a_server_trickling_bytes_cannot_hold_the_fetch_past_its_deadline(site: str) -> None:
    start = time.monotonic()
    with pytest.raises(ArticleError, match="/trickle: no answer within 1 s$"):
        fetch(site + "/trickle", timeout=1.0)
    assert time.monotonic() - start < 3


def test_a_page_without_an_article_and_a_closed_port_are_article_errors(site: str) -> None:
    with pytest.raises(ArticleError, match="menu-only: (found no article text|the article has no text, only markup and page furniture)"):
        load_source(f"{site}/menu-only")
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(ArticleError, match=rf"127.0.0.1:{port}/x: cannot fetch it \(.*refused"):
        load_source(f"http://127.0.0.1:{port}/x")


# Pages made of the tags and words an article page holds, in any order, nesting or not.
PAGE_PIECES = ["<body>", "</body>", "<h1>", "</h1>", "<h2>", "</h2>", "<p>", "</p>", "<ul><li>", "</li></ul>",
               "<nav>", "</nav>", "<article>", "</article>", "<!--", "-->", "<script>", "</script>", "&amp;",
               "<title>", "</title>", "Word", "more words here", "A sentence ends.", "**", "1. ", "\n", "日本"]


@settings(deadline=None)  # the first example imports trafilatura or markdown-it; a busy machine is slow
@given(st.one_of(st.lists(st.sampled_from(PAGE_PIECES), max_size=60).map("".join), st.text()))
def test_any_page_gives_an_article_or_one_line_saying_why_not(page: str) -> None:
    try:
        article = parse_article(html_to_markdown("<html>" + page, "page.html"))
    except ArticleError as error:
        assert "\n" not in str(error)
    else:
        assert article.takeaways
