from dataclasses import replace
from pathlib import Path


from podcast.article import Article, Takeaway, load_article
from podcast.narration import narrate, narrate_digest
from podcast.script import read_script, write_script
from podcast.show import load_show

REPO = Path(__file__).resolve().parents[1]
ARTICLE = Article(
    title="A title",
    intro=("In 2024 we tried it.",),
    takeaways=(
        Takeaway("First point", ("It took 10-15 minutes.", "Watch the video below:")),
        Takeaway("Second point", ("The U.S. team agreed.",)),
    ),
    conclusion=("That is all.",),
)


def test_intro_names_show_episode_and_count_then_announced_takeaways_then_outro() -> None:
    script = narrate(ARTICLE, "Test Show", "Episode One")
    assert [s.name for s in script.segments] == ["00-intro", "01-first-point", "02-second-point", "03-outro"]
    assert [s.title for s in script.segments] == ["Introduction", "First point", "Second point", "Wrap-up"]
    intro, first, second, outro = (s.paragraphs for s in script.segments)
    assert intro == ("Welcome to Test Show. This is Episode One.", "In twenty twenty-four we tried it.", "Two takeaways follow.")
    assert first == ("Takeaway one: First point.", "It took ten to fifteen minutes.")  # the video is not spoken
    assert second == ("Takeaway two: Second point.", "The US team agreed.")
    assert outro == ("That is all.", "That was Episode One, from Test Show. Thanks for listening.")
    assert script.slug == "episode-one"
    assert script.description == "In 2024 we tried it.\n\n1. First point\n2. Second point"


def test_each_spoken_sentence_keeps_its_written_form_for_the_transcripts(tmp_path: Path) -> None:
    script = narrate(replace(ARTICLE, conclusion=("Revenue hit $1.2 billion.",)), "Test Show", "Episode 1")
    assert script.written == {
        "In twenty twenty-four we tried it.": "In 2024 we tried it.",
        "It took ten to fifteen minutes.": "It took 10-15 minutes.",
        "The US team agreed.": "The U.S. team agreed.",
        "Revenue hit one point two billion dollars.": "Revenue hit $1.2 billion.",
        "This is Episode one.": "This is Episode 1.",
        "That was Episode one, from Test Show.": "That was Episode 1, from Test Show.",
    }
    write_script(script, tmp_path / script.slug)
    assert read_script(tmp_path / script.slug).written == script.written
    (tmp_path / script.slug / "written.json").write_text("{not json")
    assert read_script(tmp_path / script.slug).written == {}  # shown as spoken, still right


def test_the_demo_scripts_in_the_repository_are_what_narration_writes(tmp_path: Path) -> None:
    """Golden files: scripts/<slug>/ of the demo show is exactly the sample article's narration."""
    article = load_article(REPO / "articles" / "sample.md")
    # As `make demo` narrates it: the article's path relative to the show (the repository).
    script = replace(narrate(article, load_show(REPO).title, article.title), sources=("articles/sample.md",))
    write_script(script, tmp_path / script.slug)
    committed = REPO / "scripts" / script.slug
    written = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / script.slug).iterdir()}
    assert written == {p.name: p.read_text(encoding="utf-8") for p in committed.iterdir()}


OTHER = Article(
    title="Other notes",
    intro=(),
    takeaways=(Takeaway("Only point", ("Said once.",)),),
    conclusion=(),
)


def test_several_articles_make_one_digest_each_introduced_by_its_title(tmp_path: Path) -> None:
    script = narrate_digest([ARTICLE, OTHER], "Test Show")
    assert (script.title, script.slug) == ("A title and Other notes", "a-title-and-1-more")
    assert [(s.name, s.title) for s in script.segments] == [
        ("00-intro", "Introduction"),
        ("01-a-title", "A title"),
        ("02-first-point", "First point"),
        ("03-second-point", "Second point"),
        ("04-a-title-wrap-up", "A title: wrap-up"),
        ("05-other-notes", "Other notes"),
        ("06-only-point", "Only point"),
        ("07-outro", "Wrap-up"),
    ]
    intro, first, _, _, wrap_up, other, only, outro = (s.paragraphs for s in script.segments)
    assert intro == ("Welcome to Test Show.", "Two articles follow: A title and Other notes.")
    assert first == ("Article one: A title.", "In twenty twenty-four we tried it.", "It has two takeaways.")
    assert (wrap_up, other) == (("That is all.",), ("Article two: Other notes.", "It has one takeaway."))
    assert only == ("Takeaway one: Only point.", "Said once.")  # numbering restarts in each article
    assert outro == ("That was Test Show. Thanks for listening.",)
    assert script.description.startswith("A title\n\nIn 2024 we tried it.\n\n1. First point\n2. Second point\n\nOther notes")

    write_script(script, tmp_path / script.slug)  # the script folder holds a digest as it is
    assert read_script(tmp_path / script.slug) == script

    named = narrate_digest([ARTICLE, OTHER], "Test Show", "Week 12")
    assert (named.title, named.slug) == ("Week 12", "week-12")
    assert named.segments[0].paragraphs[0] == "Welcome to Test Show. This is Week twelve."
    assert named.segments[-1].paragraphs == ("That was Week twelve, from Test Show. Thanks for listening.",)


def test_a_signpost_keeps_the_headings_own_question_or_exclamation_mark_and_never_doubles_a_stop() -> None:
    headings = ["Why does pricing matter?", "Ship it!", "Forget the MVP. You Need an FVP.", "Conclusion:",
                "Ask “why?”", "Really?!", "He said “stop.”"]
    article = Article(None, (), tuple(Takeaway(heading, ("Text.",)) for heading in headings), ())
    signposts = [segment.paragraphs[0] for segment in narrate(article, "Show", "Title").segments[1:-1]]
    assert signposts == [
        "Takeaway one: Why does pricing matter?",
        "Takeaway two: Ship it!",
        "Takeaway three: Forget the MVP. You Need an FVP.",
        "Takeaway four: Conclusion.",
        'Takeaway five: Ask "why?"',
        "Takeaway six: Really?!",
        'Takeaway seven: He said "stop."',
    ]


def test_a_question_as_show_episode_or_article_title_is_announced_as_a_question_and_never_with_two_stops() -> None:
    article = Article("Is remote work over?", (), (Takeaway("One", ("Text.",)),), ())
    single = narrate(article, "What Now?", "Is remote work over?")
    assert single.segments[0].paragraphs[0] == "Welcome to What Now? This is Is remote work over?"
    assert single.segments[-1].paragraphs[0] == "That was Is remote work over?, from What Now? Thanks for listening."
    stated = narrate(replace(article, title="Ten lessons learned."), "Show", "Ten lessons learned.")
    assert stated.segments[-1].paragraphs[0] == "That was Ten lessons learned, from Show. Thanks for listening."
    digest = narrate_digest([article, Article("Plain title", (), (Takeaway("Two", ("Text.",)),), ())], "Show", None)
    assert [segment.paragraphs[0] for segment in digest.segments if segment.name.endswith(("-is-remote-work-over", "-plain-title"))] == [
        "Article one: Is remote work over?", "Article two: Plain title."]
