"""page: the show page's HTML, parsed back with a real HTML parser (the browser test is in test_clients)."""

from __future__ import annotations

from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from podcast.episode import Chapter
from podcast.page import PageEpisode, render_page
from podcast.show import Show

JAN_1 = datetime(2024, 1, 1, tzinfo=timezone.utc)
CHAPTERS = (Chapter("Introduction", 0.0, 20.5), Chapter("A point", 20.5, 80.25), Chapter("Wrap-up", 80.25, 90.0))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text, as a browser would read them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def episode(number: int = 1, sidecars: dict[str, str] | None = None, **fields: object) -> PageEpisode:
    values = {"slug": f"ep-{number}", "title": f"Episode {number}", "description": "Intro.\n\n1. A point",
              "published": JAN_1, "chapters": CHAPTERS, "sidecars": sidecars or {}}
    values.update(fields)
    return PageEpisode(number=number, **values)  # type: ignore[arg-type]


def test_the_page_has_cover_feed_url_players_and_chapter_links() -> None:
    show = Show(root=Path("."), title="My Digest", description="Takeaways, spoken.")
    vtt = {"text/vtt": "ep-2.vtt", "application/json+chapters": "ep-2.chapters.json"}
    page = Elements(render_page(show, [episode(2, vtt), episode(1)], "cover.png", "http://127.0.0.1:8000/feed.xml"))

    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in page.all("meta")
    assert page.all("img")[0]["src"] == "cover.png"
    assert page.all("input")[0]["value"] == "http://127.0.0.1:8000/feed.xml"
    assert [(a["id"], a["src"], a["preload"]) for a in page.all("audio")] == [
        ("player-2", "ep-2.mp3", "metadata"), ("player-1", "ep-1.mp3", "metadata"),
    ]
    seeks = [(a["data-player"], a["data-start"]) for a in page.all("a") if "data-start" in a]
    assert seeks == [("player-2", "0.000"), ("player-2", "20.500"), ("player-2", "80.250"),
                     ("player-1", "0.000"), ("player-1", "20.500"), ("player-1", "80.250")]
    assert [(t["src"], t["kind"], t["data-transcript"]) for t in page.all("track")] == [("ep-2.vtt", "captions", "transcript-2")]
    assert [d["id"] for d in page.all("div") if d.get("class") == "transcript"] == ["transcript-2"]
    links = [a["href"] for a in page.all("a") if "data-start" not in a]
    assert links == ["ep-2.mp3", "ep-2.vtt", "ep-2.chapters.json", "ep-1.mp3"]
    text = "".join(page.text)
    assert "Intro." in text and "1. A point" not in text  # the chapter links stand for the list
    assert "01:20" in text and "2024-01-01" in text


def test_no_episodes_yet_says_so() -> None:
    page = render_page(Show(root=Path(".")), [], "cover.png", "http://127.0.0.1:8000/feed.xml")
    assert "No episodes yet." in page and "<audio" not in page


@given(st.text(), st.text(), st.text())
def test_any_text_is_escaped(title: str, description: str, chapter: str) -> None:
    """Whatever a title holds, it is text on the page, never markup: the tags are exactly the page's own."""
    show = Show(root=Path("."), title=title, description=description)
    one = episode(title=title, description=description, chapters=(Chapter(chapter, 0.0, 1.0),))
    page = Elements(render_page(show, [one], "cover.png", f"http://h/{title}"))
    plain = Elements(render_page(Show(root=Path("."), title="t"), [episode(chapters=(Chapter("c", 0.0, 1.0),))], "cover.png", "u"))
    # Paragraphs come and go with the description's; every other element is exactly the page's own.
    assert [name for name, _ in page.tags if name != "p"] == [name for name, _ in plain.tags if name != "p"]
    assert page.all("input")[0]["value"] == f"http://h/{title}"
    assert page.all("img")[0]["alt"] == f"Cover of {title}"


def test_file_names_with_url_characters_are_linked_quoted() -> None:
    """A slug from a catalog written before slugs were made safe ("a#b?c") must still link to its
    files, not to "a" with a fragment."""
    show = Show(root=Path("."), title="My Digest", description="Takeaways, spoken.")
    sidecars = {"text/vtt": "a#b?c.vtt", "application/json+chapters": "a#b?c.chapters.json"}
    page = Elements(render_page(show, [episode(1, sidecars, slug="a#b?c")], "cover.png", "http://127.0.0.1:8000/feed.xml"))
    assert [audio["src"] for audio in page.all("audio")] == ["a%23b%3Fc.mp3"]
    assert [track["src"] for track in page.all("track")] == ["a%23b%3Fc.vtt"]
    assert {"a%23b%3Fc.mp3", "a%23b%3Fc.vtt", "a%23b%3Fc.chapters.json"} <= {a["href"] for a in page.all("a")}
