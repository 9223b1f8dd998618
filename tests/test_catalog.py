"""catalog: what the show remembers of each published episode, kept safe and read back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from podcast.errors import PublishError
from podcast.catalog import load_catalog
from podcast.publish import add_episode, remove

from published import JAN_1, feed_path, make_episode, make_show, parse


def test_catalog_round_trips_the_entry(tmp_path):
    show = make_show(tmp_path)
    entry = add_episode(show, make_episode(show, "first"), now=JAN_1 + timedelta(microseconds=123))
    assert load_catalog(show) == [entry]
    assert entry.published == JAN_1  # whole seconds, as pubDate says it
    assert entry.filename == "first.mp3"


CORRUPT_CATALOGS = {
    "not JSON": b'{"episodes": [',
    "not UTF-8": b'{"episodes": ["\xff"]}',
    "a list": b"[]",
    "no episodes": b"{}",
    "episode not an object": b'{"episodes": ["first"]}',
    "missing field": b'{"episodes": [{"slug": "first"}]}',
    "wrong type": (
        b'{"episodes": [{"slug": "first", "guid": "g", "title": null, "description": "", '
        b'"published": "2024-01-01T00:00:00+00:00", "duration": 1, "size": 1, "chapters": []}]}'
    ),
    "naive date": (
        b'{"episodes": [{"slug": "first", "guid": "g", "title": "t", "description": "", '
        b'"published": "2024-01-01T00:00:00", "duration": 1, "size": 1, "chapters": []}]}'
    ),
    "bad date": (
        b'{"episodes": [{"slug": "first", "guid": "g", "title": "t", "description": "", '
        b'"published": "yesterday", "duration": 1, "size": 1, "chapters": []}]}'
    ),
    "slug leaving episodes/": (
        b'{"episodes": [{"slug": "../secret", "guid": "g", "title": "t", "description": "", '
        b'"published": "2024-01-01T00:00:00+00:00", "duration": 1, "size": 1, "chapters": []}]}'
    ),
    "hidden slug": (
        b'{"episodes": [{"slug": ".feed", "guid": "g", "title": "t", "description": "", '
        b'"published": "2024-01-01T00:00:00+00:00", "duration": 1, "size": 1, "chapters": []}]}'
    ),
    "slug twice": (
        b'{"episodes": ['
        + b",".join(
            [b'{"slug": "first", "guid": "g", "title": "t", "description": "", '
             b'"published": "2024-01-01T00:00:00+00:00", "duration": 1, "size": 1, "chapters": []}'] * 2
        )
        + b"]}"
    ),
}


@pytest.mark.parametrize("content", CORRUPT_CATALOGS.values(), ids=CORRUPT_CATALOGS.keys())
def test_a_corrupt_catalog_fails_in_one_line_and_is_left_untouched(tmp_path, content):
    show = make_show(tmp_path)
    episode = make_episode(show, "second")
    catalog = show.episodes_dir / "catalog.json"
    catalog.write_bytes(content)

    for attempt in (lambda: load_catalog(show), lambda: add_episode(show, episode), lambda: remove(show, "first")):
        with pytest.raises(PublishError) as error:
            attempt()
        assert str(error.value).startswith(str(catalog)) and "\n" not in str(error.value)

    assert catalog.read_bytes() == content
    assert not feed_path(show).exists()
    assert sorted(p.name for p in show.episodes_dir.iterdir()) == ["catalog.json", "second.mp3"]


@pytest.mark.parametrize(
    ("settings", "days_later", "kept"),
    [
        ({}, 0, ["e0", "e1", "e2", "e3", "e4"]),
        ({"keep": 2}, 0, ["e3", "e4"]),
        ({"keep_days": 3}, 0, ["e2", "e3", "e4"]),  # e0..e4 are 4..0 days old (and an hour)
        ({"keep": 1, "keep_days": 30}, 0, ["e4"]),
        ({"keep_days": 1}, 10, ["e4"]),  # the newest stays, however old
    ],
)
def test_a_bounded_show_keeps_its_newest_episodes_and_deletes_the_rest(tmp_path, settings, days_later, kept):
    show = make_show(tmp_path, **settings)
    for number in range(5):
        add_episode(show, make_episode(show, f"e{number}"), now=JAN_1 + timedelta(days=number))
    guids = {entry.slug: entry.guid for entry in load_catalog(show)}
    # The next build (of e4 again, which keeps its date) applies the bounds as of its time.
    add_episode(show, make_episode(show, "e4"), now=JAN_1 + timedelta(days=4 + days_later, hours=1))
    assert [entry.slug for entry in load_catalog(show)] == kept
    assert sorted(path.stem for path in show.episodes_dir.glob("*.mp3")) == kept
    assert [entry.id for entry in parse(show).entries] == [guids[slug] for slug in reversed(kept)]


@pytest.mark.parametrize(
    ("settings", "removed", "numbers"),
    [
        ({}, "e1", {"e0": "1", "e2": "3", "e3": "4", "e4": "5"}),  # a gap, as apps expect: e2 stays episode 3
        ({}, None, {"e0": "1", "e1": "2", "e2": "3", "e3": "4", "e4": "5"}),
        ({"keep": 2}, None, {"e3": "4", "e4": "5"}),  # dropping old episodes renumbers none
        ({"keep": 2}, "e3", {"e2": "3", "e4": "4"}),  # the newest number, unpublished, is given again
    ],
)
def test_an_episode_keeps_its_number_when_others_go(tmp_path, settings, removed, numbers):
    show = make_show(tmp_path, **settings)
    for number in range(4):
        add_episode(show, make_episode(show, f"e{number}"), now=JAN_1 + timedelta(days=number))
    if removed:
        remove(show, removed)
    add_episode(show, make_episode(show, "e4"), now=JAN_1 + timedelta(days=4))
    slugs = {entry.guid: entry.slug for entry in load_catalog(show)}
    assert {slugs[item.id]: item.itunes_episode for item in parse(show).entries} == numbers


def test_a_catalog_from_before_episode_numbers_keeps_the_numbers_it_showed(tmp_path):
    show = make_show(tmp_path)
    for number in range(3):
        add_episode(show, make_episode(show, f"e{number}"), now=JAN_1 + timedelta(days=number))
    catalog = show.episodes_dir / "catalog.json"
    catalog.write_text(re.sub(r', "number": \d+', "", catalog.read_text(encoding="utf-8")), encoding="utf-8")
    assert {entry.number for entry in load_catalog(show)} == {0}  # as an older version wrote it
    remove(show, "e0")
    assert [(entry.slug, entry.number) for entry in load_catalog(show)] == [("e1", 2), ("e2", 3)]
    assert [item.itunes_episode for item in parse(show).entries] == ["3", "2"]
