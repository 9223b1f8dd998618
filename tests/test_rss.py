"""rss: the feed, read back the way podcast apps read it (feedparser, a real client's parser,
and xml.etree, strict XML), against Apple's and the W3C validator's rules and Podcasting 2.0's."""

from __future__ import annotations

import html
import re
import shutil
import uuid
import xml.etree.ElementTree as ElementTree
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podcast.cover import generated_cover
from podcast.errors import PublishError
from podcast.episode import Chapter, Episode
from podcast.catalog import Entry, load_catalog
from podcast.publish import add_episode, write_feed
from podcast.rss import podcast_guid, render_feed
from podcast.show import APPLE_CATEGORIES, Show

from published import ITUNES, JAN_1, PODCAST, SILENT_FRAME, SPEC_NAMESPACE, channel, feed_path, make_episode, make_show, parse


def test_one_episode_reads_back_as_apple_wants_it(tmp_path):
    show = make_show(tmp_path, title="Digest", author="Ada", email="ada@example.com", language="fr")
    episode = make_episode(show, "first", "First takeaways", frames=100)

    entry = add_episode(show, episode, now=JAN_1)

    feed = parse(show)
    assert feed.version == "rss20"
    assert (feed.feed.title, feed.feed.link, feed.feed.language) == ("Digest", "https://example.com/pod/", "fr")
    assert feed.feed.author == "Ada"
    assert any(link.rel == "self" and link.href == "https://example.com/pod/feed.xml" for link in feed.feed.links)
    assert feed.feed.tags[0].term == "News"
    [item] = feed.entries
    assert item.title == "First takeaways"
    notes = "<p>Notes for First takeaways.</p><ul><li>00:00 Intro</li><li>00:01 Outro</li></ul>"
    assert item.summary == notes
    assert [content.value for content in item.content] == [notes]  # content:encoded too
    assert item.id == entry.guid and entry.guid.startswith("urn:uuid:")
    uuid.UUID(entry.guid.removeprefix("urn:uuid:"))
    assert parsedate_to_datetime(item.published) == JAN_1 == entry.published
    assert item.itunes_duration == "3"  # 100 frames of 1152 samples at 44.1 kHz: 2.6 s
    assert item.itunes_episode == "1"
    [enclosure] = item.enclosures
    assert enclosure.href == "https://example.com/pod/first.mp3"
    assert int(enclosure.length) == episode.path.stat().st_size == 100 * len(SILENT_FRAME) == entry.size
    assert enclosure.type == "audio/mpeg"

    xml_item = channel(show).find("item")
    assert xml_item.find("guid").get("isPermaLink") == "false"
    owner = channel(show).find(f"{ITUNES}owner")
    assert (owner.findtext(f"{ITUNES}name"), owner.findtext(f"{ITUNES}email")) == ("Ada", "ada@example.com")
    assert channel(show).findtext(f"{ITUNES}type") == "episodic"
    assert channel(show).findtext("lastBuildDate")
    assert channel(show).findtext("generator").startswith("podcast-digest")


@pytest.mark.parametrize(("explicit", "text"), [(False, "false"), (True, "true")])
def test_explicit_is_true_or_false(tmp_path, explicit, text):
    # feedparser maps only yes/clean, so read the tag itself.
    show = make_show(tmp_path, explicit=explicit)
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    assert [e.text for e in channel(show).iter(f"{ITUNES}explicit")] == [text]


@pytest.mark.parametrize(
    ("base_url", "slug", "href"),
    [
        ("https://example.com/pod/", "first", "https://example.com/pod/first.mp3"),
        ("https://example.com/pod", "first", "https://example.com/pod/first.mp3"),
        ("http://127.0.0.1:8000/", "first", "http://127.0.0.1:8000/first.mp3"),
        ("https://example.com", "two words", "https://example.com/two%20words.mp3"),
        ("https://example.com/a/", "café#1", "https://example.com/a/caf%C3%A9%231.mp3"),
    ],
)
def test_enclosure_url_is_absolute_under_base_url(tmp_path, base_url, slug, href):
    show = make_show(tmp_path, base_url=base_url)
    add_episode(show, make_episode(show, slug), now=JAN_1)
    assert parse(show).entries[0].enclosures[0].href == href


def test_owner_is_left_out_without_an_email(tmp_path):
    show = make_show(tmp_path, email="")
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    assert channel(show).find(f"{ITUNES}owner") is None
    assert channel(show).find(f"{PODCAST}locked").get("owner") is None


def test_second_episode_comes_first(tmp_path):
    show = make_show(tmp_path)
    add_episode(show, make_episode(show, "first", "First"), now=JAN_1)
    add_episode(show, make_episode(show, "second", "Second"), now=JAN_1 + timedelta(days=1))

    items = parse(show).entries
    assert [item.title for item in items] == ["Second", "First"]
    assert [item.itunes_episode for item in items] == ["2", "1"]


@pytest.mark.parametrize(
    ("title", "cleaned", "feedparser_title"),
    [
        ("Cats <&> dogs", "Cats <&> dogs", "Cats <&> dogs"),
        ("Bell\x07 and\x00 null", "Bell and null", "Bell and null"),
        ("Tab\tand\nnewline kept", "Tab\tand\nnewline kept", "Tab\tand\nnewline kept"),
        ("C1\x85 control, \ufffe non-character", "C1 control,  non-character", "C1 control,  non-character"),
        # The XML carries it exactly; feedparser escapes what looks like markup in a title.
        ("]]> <![CDATA[ &amp;", "]]> <![CDATA[ &amp;", "]]> &lt;![CDATA[ &amp;"),
        ("Ünïcödé — ✓", "Ünïcödé — ✓", "Ünïcödé — ✓"),
        ("\x01\x02", "", "first"),  # nothing left of the title: the slug stands in
    ],
)
def test_any_text_gives_a_well_formed_feed(tmp_path, title, cleaned, feedparser_title):
    show = make_show(tmp_path, title=f"Show {title}", description=f"About {title}", author=f"By {title}")
    episode = make_episode(show, "first", title)
    add_episode(show, Episode(episode.slug, title, episode.path, 1.0, (), f"Notes: {title}"), now=JAN_1)

    root = channel(show)  # a strict XML parser: raises on anything not well-formed
    assert root.findtext("title") == f"Show {cleaned}"
    assert root.findtext("description") == f"About {cleaned}"
    assert root.findtext(f"{ITUNES}author") == f"By {cleaned}"
    assert root.find("item").findtext("title") == (cleaned or "first")
    assert root.find("item").findtext("description") == f"<p>{html.escape(f'Notes: {cleaned}'.strip())}</p>"
    assert parse(show).entries[0].title == feedparser_title


@given(st.text())
def test_render_feed_is_well_formed_for_any_text(text):
    show = Show(root=Path("."), title=f"T{text}", description=f"D{text}", author=text)
    entry = Entry("e", "urn:uuid:x", text, text, JAN_1, 1.0, 1, ())
    root = ElementTree.fromstring(render_feed(show, [entry])).find("channel")
    assert root.findtext("title").startswith("T")
    assert root.find("item").find("guid").text == "urn:uuid:x"


@pytest.mark.parametrize(
    ("feed_url", "guid"),
    [
        # The example the Podcasting 2.0 specification gives for podcast:guid.
        ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
        ("http://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
        ("https://example.com/feed/", str(uuid.uuid5(SPEC_NAMESPACE, "example.com/feed"))),
    ],
)
def test_podcast_guid_follows_the_specification(feed_url, guid):
    assert str(podcast_guid(feed_url)) == guid


def feed_guid(show: Show) -> str:
    return channel(show).findtext(f"{PODCAST}guid")


def test_podcast_guid_is_chosen_once_and_kept_with_the_show(tmp_path):
    """A new show at a public address gets the specification's uuid5 of its feed URL, once: it is
    kept in podcast.guid beside podcast.toml, so neither a move to another base_url nor a
    regenerated episodes/ changes it."""
    show = make_show(tmp_path, base_url="https://example.com/pod")
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    expected = str(uuid.uuid5(SPEC_NAMESPACE, "example.com/pod/feed.xml"))
    assert feed_guid(show) == expected == (tmp_path / "podcast.guid").read_text().strip()

    moved = make_show(tmp_path, base_url="https://elsewhere.org/casts/", title="Renamed")
    write_feed(moved, load_catalog(moved))
    assert feed_guid(moved) == expected and "elsewhere.org" in parse(moved).feed.links[0].href
    catalog = load_catalog(moved)
    shutil.rmtree(tmp_path / "episodes")
    write_feed(moved, catalog)
    assert feed_guid(moved) == expected
    assert channel(show).findtext(f"{PODCAST}locked") == "no"
    assert b'xmlns:podcast="https://podcastindex.org/namespace/1.0"' in feed_path(show).read_bytes()


def test_shows_at_the_local_default_address_each_get_a_guid_of_their_own(tmp_path):
    guids = []
    for name in ("one", "two"):
        show = make_show(tmp_path / name, base_url="http://127.0.0.1:8000/")
        add_episode(show, make_episode(show, "first"), now=JAN_1)
        guids.append(uuid.UUID(feed_guid(show)))
    assert guids[0] != guids[1] and {guid.version for guid in guids} == {4}
    assert str(podcast_guid("http://127.0.0.1:8000/feed.xml")) not in map(str, guids)


@pytest.mark.parametrize(("base_url", "kept"), [("https://old.example.com/", True), ("http://localhost:8000/", False)])
def test_a_show_published_before_keeps_its_feeds_guid_unless_it_was_a_local_one(tmp_path, base_url, kept):
    """Migration: a feed made before podcast.guid existed keeps its guid, which apps know the show
    by; a guid of the local default address was shared by every such show, so it is replaced."""
    show = make_show(tmp_path, base_url=base_url)
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    old = str(uuid.uuid4())  # as if derived from an address the show no longer has
    feed_path(show).write_bytes(feed_path(show).read_bytes().replace(feed_guid(show).encode(), old.encode()))
    (tmp_path / "podcast.guid").unlink()
    moved = make_show(tmp_path, base_url="https://new.example.org/")
    write_feed(moved, load_catalog(moved))
    assert (feed_guid(moved) == old) is kept
    assert (tmp_path / "podcast.guid").read_text().strip() == feed_guid(moved)


def test_a_damaged_guid_file_is_one_line_and_changes_nothing(tmp_path):
    show = make_show(tmp_path)
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    (tmp_path / "podcast.guid").write_text("not a uuid\n")
    before = feed_path(show).read_bytes()
    with pytest.raises(PublishError, match=r"podcast.guid: not the show's guid .*; restore it, or delete it"):
        write_feed(show, load_catalog(show))
    assert feed_path(show).read_bytes() == before


@pytest.mark.parametrize(
    ("cover", "href"),
    [
        ("cover.jpg", "https://example.com/pod/cover.jpg"),
        # feedgen's own itunes_image would silently drop these two.
        ("art/Cover.PNG", "https://example.com/pod/Cover.png"),  # Apple wants .jpg or .png
        ("art/my cover.jpeg", "https://example.com/pod/my%20cover.jpg"),
        ("", None),
    ],
)
def test_cover_is_the_itunes_image_and_the_rss_image(tmp_path, image, cover, href):
    if cover:
        image(tmp_path / cover, 1400, kind="PNG" if cover.lower().endswith(".png") else "JPEG")
    show = make_show(tmp_path, cover=cover)
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    images = channel(show).findall(f"{ITUNES}image")
    assert [image.get("href") for image in images] == [href or "https://example.com/pod/cover.png"]
    assert channel(show).findtext("image/url") == images[0].get("href")
    published = show.episodes_dir / href.rsplit("/", 1)[-1].replace("%20", " ") if href else show.episodes_dir / "cover.png"
    # The image is published beside the feed, where its URL points: the show's own, else one drawn.
    assert published.read_bytes() == ((tmp_path / cover).read_bytes() if cover else generated_cover(show.title).read_bytes())


# --- The W3C Feed Validation Service's rules for RSS 2.0 and the iTunes tags -----------------
# The service cannot be reached from here, so the rules of its source (w3c/feedvalidator: rss,
# item, itunes and validators modules) that apply to this feed are written out below as checks.
# Only its errors are checked, plus the warnings Apple turns into rejections.


RFC822 = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}")
DURATION = re.compile(r"\d+|(\d+:)?[0-5]?\d:[0-5]\d")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
MIME = re.compile(r"[a-z]+/[a-z0-9.+-]+")
SAFE_HTML = {"p", "ul", "ol", "li", "a", "b", "i", "em", "strong", "br"}
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
UNIQUE_IN_CHANNEL = ["title", "link", "description", "language", "lastBuildDate", f"{ITUNES}author",
                     f"{ITUNES}explicit", f"{ITUNES}image", f"{ITUNES}owner", f"{ITUNES}type"]
UNIQUE_IN_ITEM = ["title", "description", "guid", "enclosure", "pubDate", f"{ITUNES}duration", f"{ITUNES}episode", f"{CONTENT}encoded"]


def w3c_errors(feed: bytes) -> list[str]:
    """What the W3C validator would report as errors (and Apple as rejections) in `feed`."""
    errors: list[str] = []
    rss = ElementTree.fromstring(feed)
    root = rss.find("channel")
    if rss.tag != "rss" or rss.get("version") != "2.0" or root is None:
        return ["not RSS 2.0"]

    def check(condition: object, message: str) -> None:
        if not condition:
            errors.append(message)

    for name in ["title", "link", "description", "language"]:
        check((root.findtext(name) or "").strip(), f"channel lacks {name}")
    for parent, names in [(root, UNIQUE_IN_CHANNEL)] + [(item, UNIQUE_IN_ITEM) for item in root.iter("item")]:
        for name in names:
            check(len(parent.findall(name)) <= 1, f"{name} repeated in {parent.tag}")
    check(RFC822.fullmatch(root.findtext("lastBuildDate") or ""), "lastBuildDate is not an RFC 822 date")
    check(len(root.findtext(f"{ITUNES}author") or "") <= 255, "itunes:author over 255 characters")
    check(root.findtext(f"{ITUNES}explicit") in ("true", "false"), "itunes:explicit is not true or false")
    check(root.findtext(f"{ITUNES}type") in ("episodic", "serial"), "itunes:type is not episodic or serial")
    image = root.find(f"{ITUNES}image")
    check(image is not None and re.fullmatch(r"https?://\S+\.(jpg|png)", image.get("href", "")), "itunes:image href is not an http URL of a .jpg/.png")
    categories = root.findall(f"{ITUNES}category")
    check(categories, "no itunes:category")
    for category in categories:
        check(category.get("text") in APPLE_CATEGORIES, f"itunes:category {category.get('text')!r} is not Apple's")
        for sub in category.findall(f"{ITUNES}category"):
            check(sub.get("text") in APPLE_CATEGORIES.get(category.get("text"), ()), f"subcategory {sub.get('text')!r} is not Apple's")
    owner = root.find(f"{ITUNES}owner")
    if owner is not None:
        check(EMAIL.fullmatch(owner.findtext(f"{ITUNES}email") or ""), "itunes:owner has no valid itunes:email")
    selves = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    check(len(selves) == 1 and re.fullmatch(r"https?://\S+", selves[0].get("href", "")), "no absolute atom:link rel=self")

    guids = [item.findtext("guid") for item in root.iter("item")]
    check(len(guids) == len(set(guids)), "guids are not unique")
    for item in root.iter("item"):
        check((item.findtext("title") or "").strip(), "item without a title")
        guid = item.find("guid")
        check(guid is not None and guid.text, "item without a guid")
        if guid is not None and guid.get("isPermaLink", "true") == "true":
            check(re.fullmatch(r"https?://\S+", guid.text or ""), "a permalink guid that is not an http URL")
        enclosure = item.find("enclosure")
        check(enclosure is not None, "item without an enclosure")
        if enclosure is not None:
            check(re.fullmatch(r"https?://\S+\.mp3", enclosure.get("url", "")), "enclosure url is not an absolute URL of an .mp3")
            check((enclosure.get("length") or "").isdigit(), "enclosure length is not a whole number")
            check(MIME.fullmatch(enclosure.get("type", "")), "enclosure type is not a media type")
        check(RFC822.fullmatch(item.findtext("pubDate") or ""), "pubDate is not an RFC 822 date")
        check(DURATION.fullmatch(item.findtext(f"{ITUNES}duration") or ""), "itunes:duration is not seconds or [hh:]mm:ss")
        check(re.fullmatch(r"[1-9]\d*", item.findtext(f"{ITUNES}episode") or ""), "itunes:episode is not a positive whole number")
        children = [child.tag for child in item]
        if f"{CONTENT}encoded" in children:
            check("description" in children[: children.index(f"{CONTENT}encoded")], "content:encoded before description")
        for html_text in [item.findtext("description") or "", item.findtext(f"{CONTENT}encoded") or ""]:
            tags = set(re.findall(r"</?([A-Za-z0-9]+)", html_text))
            check(tags <= SAFE_HTML, f"unsafe HTML in show notes: {sorted(tags - SAFE_HTML)}")
            check(not re.search(r"\son\w+\s*=", html_text), "an event handler attribute in show notes")
    return errors


def full_show(tmp_path: Path, image) -> Show:
    image(tmp_path / "art.jpg", 3000, kind="JPEG")
    return make_show(
        tmp_path, title="Digest", description="Takeaways, spoken.", author="Ada", email="ada@example.com",
        category="Science", subcategory="Mathematics", cover="art.jpg", explicit=True,
    )


def test_a_fully_set_feed_passes_the_w3c_rules_and_names_its_sidecars(tmp_path, image):
    show = full_show(tmp_path, image)
    add_episode(show, make_episode(show, "first", "First <b>bold</b> & co"), now=JAN_1)
    add_episode(show, make_episode(show, "second", "Second"), now=JAN_1 + timedelta(days=1))
    for name in ["first.chapters.json", "first.vtt", "first.srt", "second.vtt"]:
        (show.episodes_dir / name).write_text("x", encoding="utf-8")
    write_feed(show, load_catalog(show))

    feed = feed_path(show).read_bytes()
    assert w3c_errors(feed) == []
    category = channel(show).find(f"{ITUNES}category")
    assert (category.get("text"), category.find(f"{ITUNES}category").get("text")) == ("Science", "Mathematics")
    tags = {
        item.findtext("title"): [(tag.tag.removeprefix(PODCAST), tag.get("url"), tag.get("type")) for tag in item if tag.tag.startswith(PODCAST)]
        for item in channel(show).iter("item")
    }
    base = "https://example.com/pod/"
    assert tags == {
        "First <b>bold</b> & co": [
            ("chapters", f"{base}first.chapters.json", "application/json+chapters"),
            ("transcript", f"{base}first.vtt", "text/vtt"),
            ("transcript", f"{base}first.srt", "application/x-subrip"),
        ],
        "Second": [("transcript", f"{base}second.vtt", "text/vtt")],
    }


def test_a_feed_without_email_or_public_address_has_no_errors(tmp_path):
    show = make_show(tmp_path, base_url="http://127.0.0.1:8000/", email="")
    add_episode(show, make_episode(show, "first"), now=JAN_1)
    assert w3c_errors(feed_path(show).read_bytes()) == []


W3C_BREAKAGES = {
    "explicit yes": (b"<itunes:explicit>false</itunes:explicit>", b"<itunes:explicit>no</itunes:explicit>"),
    "old category": (b'<itunes:category text="Science">', b'<itunes:category text="Science &amp; Medicine">'),
    "old subcategory": (b'<itunes:category text="Mathematics"/>', b'<itunes:category text="Physics &amp; Maths"/>'),
    "no guid": (b'<guid isPermaLink="false">', b'<guid isPermaLink="true">'),
    "bad duration": (b"<itunes:duration>1</itunes:duration>", b"<itunes:duration>1 min</itunes:duration>"),
    "relative enclosure": (b'url="https://example.com/pod/first.mp3"', b'url="first.mp3"'),
    "script in notes": (b"&lt;p&gt;Notes", b"&lt;script&gt;Notes"),
    "bad owner e-mail": (b"<itunes:email>ada@example.com<", b"<itunes:email>ada<"),
    "episode zero": (b"<itunes:episode>1</itunes:episode>", b"<itunes:episode>0</itunes:episode>"),
}


@pytest.mark.parametrize(("before", "after"), W3C_BREAKAGES.values(), ids=W3C_BREAKAGES.keys())
def test_the_w3c_rules_catch_a_broken_feed(tmp_path, image, before, after):
    show = full_show(tmp_path, image)
    add_episode(show, make_episode(show, "first", frames=40), now=JAN_1)
    feed = feed_path(show).read_bytes().replace(b"<itunes:explicit>true</", b"<itunes:explicit>false</")
    assert before in feed
    assert w3c_errors(feed) == [] and w3c_errors(feed.replace(before, after)) != []


def test_show_notes_and_psc_chapters_carry_the_chapter_times(tmp_path):
    show = make_show(tmp_path)
    episode = make_episode(show, "first", frames=4000)  # 104.5 s
    chapters = (Chapter("Introduction", 0.0, 61.25), Chapter("A <point>", 61.25, 3700.0), Chapter("Wrap-up", 3700.0, 3725.0))
    add_episode(show, Episode("first", "First", episode.path, 3725.0, chapters, "Why this matters.\n\n1. A <point>"), now=JAN_1)
    item = channel(show).find("item")
    assert item.findtext("description") == (
        "<p>Why this matters.</p><ul><li>00:00 Introduction</li><li>01:01 A &lt;point&gt;</li><li>1:01:40 Wrap-up</li></ul>"
    )
    psc = "{http://podlove.org/simple-chapters}"
    assert [(c.get("start"), c.get("title")) for c in item.find(f"{psc}chapters")] == [
        ("00:00:00.000", "Introduction"), ("00:01:01.250", "A <point>"), ("01:01:40.000", "Wrap-up"),
    ]


def test_the_feed_and_page_list_the_newest_feed_limit_episodes_and_stay_light(tmp_path):
    show = make_show(tmp_path, feed_limit=300)
    chapters = tuple(Chapter(f"Takeaway {n}: a heading of a usual length", n * 60.0, n * 60.0 + 60.0) for n in range(6))
    entries = [
        Entry(f"episode-{n}", f"urn:uuid:{uuid.UUID(int=n)}", f"Episode {n}: the title of an article", "Why it matters, in a sentence or two.",
              JAN_1 + timedelta(hours=n), 300.0, 2048, chapters)
        for n in range(1000)
    ]
    show.episodes_dir.mkdir()
    for entry in entries:  # the MP3 the catalog names (or the feed leaves it out), transcripts beside it
        (show.episodes_dir / entry.filename).write_bytes(bytes(entry.size))
        (show.episodes_dir / f"{entry.slug}.vtt").write_text("WEBVTT\n", encoding="utf-8")
    write_feed(show, entries)
    feed = parse(show)
    assert len(feed.entries) == 300 and feed.entries[0].title == "Episode 999: the title of an article"
    assert feed.entries[-1].title == "Episode 700: the title of an article"
    page = (show.episodes_dir / "index.html").read_bytes()
    assert len(page) < 1_000_000 and page.count(b"<article") == 300
