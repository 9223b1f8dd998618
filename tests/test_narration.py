from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podcast.article import Article, Takeaway, load_article
from podcast.errors import ScriptError
from podcast.narration import narrate, narrate_digest, read_script, slugify, write_script
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


def test_write_then_read_gives_the_same_script_and_drops_stale_segments(tmp_path: Path) -> None:
    script = narrate(ARTICLE, "Test Show", "Episode “One”")
    folder = tmp_path / script.slug
    (folder).mkdir()
    (folder / "07-old-takeaway.txt").write_text("# Old\n\nGone after the rewrite.\n")
    (folder / "notes.txt").write_text("a person's own notes stay")
    write_script(script, folder)
    assert read_script(folder) == script
    assert not (folder / "07-old-takeaway.txt").exists() and (folder / "notes.txt").exists()


def test_hand_edits_are_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "edited"
    write_script(narrate(ARTICLE, "Show", "Edited"), folder)
    (folder / "01-first-point.txt").write_text("# Renamed chapter\n\nNew words,\nwrapped by hand.\n\n\nSecond paragraph.")
    (folder / "02-second-point.txt").write_text("No heading line here.\n")
    (folder / "episode.toml").unlink()
    script = read_script(folder)
    assert script.title == "edited"
    assert script.segments[1].title == "Renamed chapter"
    assert script.segments[1].paragraphs == ("New words, wrapped by hand.", "Second paragraph.")
    assert script.segments[2].title == "Second point"
    assert script.segments[1].sentences() == [["New words, wrapped by hand."], ["Second paragraph."]]


def test_narrating_again_rewrites_only_the_files_that_changed(tmp_path: Path) -> None:
    """A warm rebuild narrates again: unchanged files are not rewritten (each write syncs the disk)."""
    folder = tmp_path / "episode"
    write_script(narrate(ARTICLE, "Show", "Episode"), folder)
    before = {path.name: path.stat().st_ino for path in folder.iterdir()}  # a rewrite renames a new file in
    changed = narrate(replace(ARTICLE, conclusion=("That is really all.",)), "Show", "Episode")
    write_script(changed, folder)
    after = {path.name: path.stat().st_ino for path in folder.iterdir()}
    assert sorted(name for name in before if before[name] != after[name]) == ["03-outro.txt", "episode.toml"]
    assert read_script(folder) == changed


@given(st.text())
def test_slugs_are_always_safe_file_names(title: str) -> None:
    slug = slugify(title)
    assert slug and len(slug) <= 60 and slug not in {".", ".."}
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert slugify(title) == slug


def test_narrating_again_never_overwrites_hand_edits_unless_asked(tmp_path: Path) -> None:
    folder = tmp_path / "episode"
    script = narrate(ARTICLE, "Show", "Episode")
    write_script(script, folder)
    write_script(script, folder)  # unchanged: rewriting is harmless
    changed = narrate(ARTICLE, "Renamed Show", "Episode")
    write_script(changed, folder)  # an article edit, no hand edits: the new narration wins
    assert read_script(folder) == changed

    edited = folder / "02-second-point.txt"
    edited.write_text("# Second point\n\nMy careful rewording.\n")
    with pytest.raises(ScriptError, match="has hand edits.*--overwrite"):
        write_script(script, folder)
    assert edited.read_text() == "# Second point\n\nMy careful rewording.\n"
    write_script(script, folder, overwrite=True)
    assert read_script(folder) == script


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


def test_announcements_are_marked_in_the_files_and_read_back(tmp_path: Path) -> None:
    script = narrate(ARTICLE, "Show", "Episode")
    assert [s.announcements for s in script.segments] == [(0, 2), (0,), (0,), (1,)]
    write_script(script, tmp_path / "e")
    assert (tmp_path / "e" / "02-second-point.txt").read_text() == (
        "# Second point\n\n> Takeaway two: Second point.\n\nThe US team agreed.\n"
    )
    (tmp_path / "e" / "02-second-point.txt").write_text("# Second\n\nMy own words.\n\n>Said by the announcer.\n")
    assert read_script(tmp_path / "e").segments[2].paragraphs == ("My own words.", "Said by the announcer.")
    assert read_script(tmp_path / "e").segments[2].announcements == (1,)
