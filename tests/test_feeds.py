"""feeds: RSS, Atom and JSON Feed from a real server on 127.0.0.1, fetched politely."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from feedserver import FeedServer, Post, page_html
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.errors import SourceError
from podcast.feeds import USER_AGENT, discover, fetch_feed, parse_feed


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_each_format_gives_its_items_newest_first_with_ids_links_and_text(server: FeedServer, kind: str) -> None:
    posts = [Post(kind, 1), Post(kind, 3, full=False), Post(kind, 2)]
    url = server.publish(kind, f"formats-{kind}", posts)
    fetched = fetch_feed(url)
    assert fetched.changed and fetched.title == f"formats-{kind} feed"
    assert [item.title for item in fetched.items] == [f"{kind.capitalize()} post {n}" for n in (3, 2, 1)]
    assert [item.link for item in fetched.items] == [server.url(f"/{kind}/{n}.html") for n in (3, 2, 1)]
    assert len({item.key for item in fetched.items}) == 3
    full, summary = fetched.items[1], fetched.items[0]
    assert "<h2>Short steps</h2>" in full.text and full.html
    assert "Short steps" not in summary.text


def test_a_second_fetch_is_conditional_and_a_304_gives_no_items(server: FeedServer) -> None:
    url = server.publish("rss", "polite", [Post("polite", 1)])
    first = fetch_feed(url)
    assert first.etag
    again = fetch_feed(url, first.etag, first.modified)
    assert not again.changed and again.items == () and again.etag == first.etag
    requests = server.requests("/polite.rss")
    assert requests[-1]["If-None-Match"] == first.etag
    assert all(headers["User-Agent"] == USER_AGENT and "podcast-digest" in USER_AGENT for headers in requests)
    server.publish("rss", "polite", [Post("polite", 1), Post("polite", 2)])  # the feed changes
    changed = fetch_feed(url, first.etag, first.modified)
    assert changed.changed and len(changed.items) == 2 and changed.etag != first.etag


def test_a_source_that_answers_too_slowly_fails_within_its_deadline(server: FeedServer) -> None:
    url = server.publish("rss", "slow", [Post("slow", 1)], delay=5.0)
    started = time.monotonic()
    with pytest.raises(SourceError, match="no whole answer within 0.5 s"):
        fetch_feed(url, deadline=0.5)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        ("<rss><channel><title>broken</ti", "application/rss+xml", "not a feed"),
        ("just some words", "text/plain", "not a feed"),
        ('{"items": []}', "application/json", "not JSON Feed"),
        ("", "application/rss+xml", "not a feed"),
    ],
)
def test_what_is_not_a_feed_is_one_error_line(server: FeedServer, body: str, kind: str, message: str) -> None:
    url = server.set(f"/bad-{abs(hash(body))}", body, kind)
    with pytest.raises(SourceError, match=message) as error:
        fetch_feed(url)
    assert "\n" not in str(error.value) and url in str(error.value)


def test_a_missing_feed_is_its_http_status(server: FeedServer) -> None:
    with pytest.raises(SourceError, match="answered 404"):
        fetch_feed(server.url("/no-such-feed.xml"))


def test_a_feed_of_500_items_is_read_whole(server: FeedServer) -> None:
    url = server.publish("atom", "big", [Post("big", n) for n in range(1, 501)])
    items = fetch_feed(url).items
    assert len(items) == 500 and items[0].title == "Big post 500" and items[-1].title == "Big post 1"


def test_a_page_leads_to_the_feed_it_advertises(server: FeedServer) -> None:
    feed = server.publish("json", "advertised", [Post("advertised", 1)])
    page = page_html("A blog", "<p>Posts.</p>").replace(
        "</head>", '<link rel="alternate" type="application/feed+json" href="/advertised.json"></head>'
    )
    assert discover(server.set("/blog/", page, "text/html")) == (feed, "advertised feed")
    assert discover(feed) == (feed, "advertised feed")
    with pytest.raises(SourceError, match="neither a feed nor a page that names one"):
        discover(server.set("/plain/", page_html("No feed", "<p>None.</p>"), "text/html"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_are_items_or_one_source_error(data: bytes) -> None:
    try:
        _title, items = parse_feed(data, "https://example.org/feed")
    except SourceError as error:
        assert "\n" not in str(error)
    else:
        assert all(item.key for item in items)
