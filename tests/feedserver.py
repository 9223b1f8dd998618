"""A real HTTP server on 127.0.0.1 serving feeds and pages that tests change between runs.

Every route answers with an ETag and honours If-None-Match with a 304, as a polite server
does; a route may delay its answer (a source that times out). Every request is logged, so a
test sees what `podcast update` asked for.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE_DATE = datetime(2026, 11, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Route:
    body: bytes
    kind: str
    delay: float = 0.0
    validators: bool = True  # False: a server that sends no ETag (every request is a 200)


@dataclass(frozen=True)
class Post:
    """A feed item: its number fixes its id, link, title and date (later numbers are newer)."""

    feed: str
    number: int
    full: bool = True  # the whole article in the item, else only a summary
    link: str = ""  # default: the post's own page on the server

    @property
    def title(self) -> str:
        return f"{self.feed.capitalize()} post {self.number}"

    @property
    def date(self) -> datetime:
        return BASE_DATE + timedelta(hours=self.number)


def article_html(title: str, number: int) -> str:
    """A short takeaways article (two takeaways): speech is real, so it is kept small. Only the
    title and one number differ between articles, so the speech cache serves the rest."""
    return (
        f"<p>This is article number {number}, about small things.</p>"
        "<h2>Short steps</h2><p>Take one short step at a time.</p>"
        "<h2>Check the result</h2><p>Look at what came out before going on.</p>"
    )


def page_html(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Footer text</footer></body></html>"
    )


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                server.log.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                time.sleep(route.delay)
                tag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if route.validators and self.headers.get("If-None-Match") == tag:
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", route.kind)
                self.send_header("Content-Length", str(len(route.body)))
                if route.validators:
                    self.send_header("ETag", tag)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def set(self, path: str, body: str | bytes, kind: str, **options: object) -> str:
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, kind, **options)  # type: ignore[arg-type]
        return self.url(path)

    def requests(self, path: str) -> list[dict[str, str]]:
        return [headers for logged, headers in self.log if logged == path]

    def publish(self, kind: str, name: str, posts: list[Post], **options: object) -> str:
        """Serve a feed of `posts` (rss, atom or json) at /<name>.<kind>, and each post's page."""
        for post in posts:
            self.set(f"/{post.feed}/{post.number}.html", page_html(post.title, article_html(post.title, post.number)), "text/html")
        render = {"rss": _rss, "atom": _atom, "json": _json}[kind]
        body, media = render(self, name, posts)
        return self.set(f"/{name}.{kind}", body, media, **options)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _link(server: FeedServer, post: Post) -> str:
    return post.link or server.url(f"/{post.feed}/{post.number}.html")


def _text(post: Post) -> str:
    return article_html(post.title, post.number) if post.full else f"<p>A summary of article {post.number}.</p>"


def _rss(server: FeedServer, name: str, posts: list[Post]) -> tuple[str, str]:
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>{escape(_link(server, p))}</link>"
        f"<guid isPermaLink=\"false\">{name}-{p.number}</guid><pubDate>{format_datetime(p.date)}</pubDate>"
        f"<description>{escape(f'Article {p.number} in short.')}</description>"
        + (f"<content:encoded><![CDATA[{_text(p)}]]></content:encoded>" if p.full else "")
        + "</item>"
        for p in posts
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{name} feed</title><link>{server.origin}/</link><description>d</description>{items}</channel></rss>",
        "application/rss+xml",
    )


def _atom(server: FeedServer, name: str, posts: list[Post]) -> tuple[str, str]:
    entries = "".join(
        f"<entry><title>{escape(p.title)}</title><link href=\"{escape(_link(server, p))}\"/>"
        f"<id>urn:{name}:{p.number}</id><updated>{p.date.isoformat()}</updated>"
        + (f'<content type="html">{escape(_text(p))}</content>' if p.full else f'<summary type="html">{escape(_text(p))}</summary>')
        + "</entry>"
        for p in posts
    )
    return (
        f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{name} feed</title>'
        f"<id>urn:{name}</id><updated>{BASE_DATE.isoformat()}</updated>{entries}</feed>",
        "application/atom+xml",
    )


def _json(server: FeedServer, name: str, posts: list[Post]) -> tuple[str, str]:
    items = [
        {
            "id": f"{name}-{p.number}",
            "url": _link(server, p),
            "title": p.title,
            "date_published": p.date.isoformat(),
            **({"content_html": _text(p)} if p.full else {"summary": f"A summary of article {p.number}."}),
        }
        for p in posts
    ]
    document = {"version": "https://jsonfeed.org/version/1.1", "title": f"{name} feed", "items": items}
    return json.dumps(document), "application/feed+json"
