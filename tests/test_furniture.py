"""Page furniture: the lines pages, posts and e-mails carry that a listener does not need, and
lines of articles that look like them but are the article's own."""

from __future__ import annotations

import pytest

from podcast.blocks import Block
from podcast.furniture import heads_furniture, is_bio, is_furniture, page_text

FURNITURE = [
    "By Jane Doe · 5 min read", "Updated March 3, 2025", "7 min read", "Photo by Sam Lee on Unsplash",
    "1.2K Followers", "214", "Follow", "Listen", "Share", "#startups #careers", "👉 Follow me for more tips",
    "If this was useful, follow me for more and repost to help a founder", "Thanks for reading! Subscribe for free.",
    "Type your email…", "2 Restacks", "Continue reading", "Discover more from The Release Train",
    "---------- Forwarded message ---------", "From: The Weekly Build <hello@example.org>",
    "Subject: Issue 112", "View this email in your browser", "Update your preferences",
    "We use cookies to improve your experience.", "Accept all cookies", "© 2024 Example Press. All rights reserved.",
    "Watch the video", "Listen on Spotify", "Subscribe wherever you get your podcasts.",
    "What's the best cost win you've seen? Drop it in the comments", "Thoughts?", "[2] Counted by hand in March.",
    "Privacy policy", "Terms of service",
    "Forwarded this email? Subscribe here for more like it.", "Sponsored",
    "This issue is brought to you by Acme. Acme makes sturdy boxes. Readers get 10% off.",
    "Throwaway for obvious reasons.", "TL;DR at the bottom.", "Edit: wow, thanks for the gold!",
    "If you found this useful, retweet the first post ♻️", "/end", "By Priya Raman · March 4, 2025",
    "If you found this useful, share it with someone starting a new job this month.",
    "Previous post: Fixing cheap solar lights", "Next Post →", "Published in Better Programming", "Posted in Gardening, Tools",
    "Get the latest posts delivered right to your inbox", "jamie@example.com", "Member-only story",
]
ARTICLE = [
    "By the end of May we had shipped.", "Read more books.", "Sources say no.", "Follow the money, not the hype.",
    "Most users subscribe within a week of their first visit.", "Share your screen less and your notes more.",
    "From then on, every deploy was small.", "Date nights matter as much as sprints.",
    "If you follow these steps, the build takes a minute.", "Our newsletter grew by a third in a year.",
    "2024 was the year we stopped estimating.",
    "Edit: several people asked, so yes, the shop is still open.", "Sponsors want numbers, not stories.", "By Friday, we had shipped everything.",
    "Published in 2019, the book sold well.", "Posted in a hurry, the fix broke the build.", "Next post we will cover pricing.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_lines_are_left_out(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", ARTICLE)
def test_article_lines_that_look_like_furniture_stay(line: str) -> None:
    assert not is_furniture(line)


def test_a_button_line_takes_no_section_with_it_but_a_furniture_heading_does() -> None:
    assert [heads_furniture(line) for line in ("Related posts", "Contents", "Share this post", "Subscribe")] == [
        True, True, False, False]


@pytest.mark.parametrize(("heading", "furniture"), [
    ("Sponsored", True), ("Today's sponsor: Acme", True), ("A word from our sponsor", True), ("Our sponsors", True),
    ("Sponsors want stories", False), ("What I'm reading", False),
])
def test_a_sponsors_heading_takes_its_section_out(heading: str, furniture: bool) -> None:
    assert heads_furniture(heading) is furniture


def test_the_authors_name_goes_beside_a_byline_and_where_a_byline_names_it_but_stays_after_a_quote() -> None:
    blocks = [Block(text) for text in (
        "Dana Whitfield", "6 min read", "Why we stopped.", "“Ship it.”", "Dana Whitfield", "More text here.",
        "Written by Dana Whitfield", "Dana Whitfield", "Product engineer.")]
    kept = page_text(blocks, lambda block: is_furniture(block.text))
    assert [block.text for block in kept] == ["Why we stopped.", "“Ship it.”", "Dana Whitfield", "More text here."]


def test_the_name_that_stood_beside_the_read_time_goes_again_in_the_footer() -> None:
    texts = ["Dana Whitfield", "6 min read", "Why we stopped.", "More text here.", "Dana Whitfield", "Product engineer."]
    kept = page_text([Block(text) for text in texts], lambda block: is_furniture(block.text))
    assert [block.text for block in kept] == ["Why we stopped.", "More text here.", "Product engineer."]


def test_an_email_footer_ends_the_page_only_in_its_second_half() -> None:
    texts = ["Intro.", "Unsubscribe from nothing here.", "One.", "Two.", "Three.", "Unsubscribe | Preferences", "12 High St"]
    kept = page_text([Block(text) for text in texts], lambda block: is_furniture(block.text))
    assert [block.text for block in kept] == ["Intro.", "One.", "Two.", "Three."]


BIOS = [
    "Jane Doe is a product lead at Acme and writes about pricing. Follow her on LinkedIn.",
    "Tomás Ferreira is the head of customer support at Lumen Books. He is based in Porto.",
    "Mary K. O’Neil writes about cities and the people who plan them.",
    "Dr. Ada Byrne is a senior research scientist at the Harbour Institute.",
    "Sam Lee is a freelance designer and writer in Glasgow.",
    "Jane Doe (@janedoe) is a staff engineer at Acme.",
    "Noor Haddad, a former nurse, writes about software for hospitals.",
]
NOT_BIOS = [  # last paragraphs that name a person, and are the article's own
    "Sam Okoro is the reason we started. He wrote down everything that confused him.",
    "Arne Holm now lives in Bergen and volunteers at the maritime museum.",
    "Alex Kim is the engineer who rewrote the pipeline, and she gets the last word: measure first.",
    "Jane Doe is a good example of a founder at ease with raising prices.",
    "Marta Kowalski was right: the price is part of the product.",
    "The founder is a writer at heart.",
    "Sam Okoro, the engineer on call that night, is the reason we changed the rota.",
    "Marta Kowalski, our first customer, is a designer at heart and said so.",
    "Lena Fischer is a researcher at the Habit Lab, and her advice is short: “start with two minutes.”",
]


@pytest.mark.parametrize(("text", "bio"), [(text, True) for text in BIOS] + [(text, False) for text in NOT_BIOS])
def test_an_authors_bio_takes_a_full_name_and_a_job_or_a_beat(text: str, bio: bool) -> None:
    assert is_bio(text) == bio


def test_a_bio_goes_only_where_it_ends_the_page_after_a_paragraph_and_not_after_a_quote() -> None:
    def kept(*texts: str | Block) -> list[str]:
        blocks = [text if isinstance(text, Block) else Block(text) for text in texts]
        return [block.text for block in page_text(blocks, lambda block: is_furniture(block.text))]

    bio = BIOS[0]
    assert kept("Intro.", "Last point.", bio, "Follow her on Bluesky for more.") == ["Intro.", "Last point."]
    assert kept("Intro.", bio, "Last point.") == ["Intro.", bio, "Last point."]  # not at the end
    said = bio.removesuffix(" Follow her on LinkedIn.")  # where it stays, without the call it ends on
    assert kept("Intro.", Block("Conclusion", "Conclusion", level=2), bio)[-1] == said  # a section's only paragraph
    assert kept("Intro.", "“We never looked back.”", bio)[-1] == said  # the quote's attribution
    # Under the name a byline gave, a bio needs no job: "Dana Whitfield lives in …".
    assert kept("By Dana Whitfield", "Intro.", "Last point.", "Dana Whitfield lives in Leeds.") == ["Intro.", "Last point."]
    assert kept("Intro.", "Last point.", "Dana Whitfield lives in Leeds.")[-1] == "Dana Whitfield lives in Leeds."
    assert kept("By Dana Whitfield", "Intro.", "Last point.", "Dana lives in Leeds.") == ["Intro.", "Last point."]
