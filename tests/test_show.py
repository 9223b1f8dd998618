from pathlib import Path

import pytest

from podcast.errors import SettingsError
from podcast.show import Show, load_lexicon, load_show


def test_an_empty_folder_is_a_show_with_defaults(tmp_path: Path) -> None:
    show = load_show(tmp_path)
    assert show == Show(root=tmp_path)
    assert show.episodes_dir == tmp_path / "episodes"
    assert show.feed_url == "http://127.0.0.1:8000/feed.xml"


def test_settings_come_from_podcast_toml_and_options_win(tmp_path: Path) -> None:
    (tmp_path / "podcast.toml").write_text(
        '[show]\ntitle = "Weekly Reads"\nrate = 150\nexplicit = true\nbase_url = "https://example.org/pod"\n'
    )
    show = load_show(tmp_path, rate=170, voice=None)
    assert (show.title, show.rate, show.explicit) == ("Weekly Reads", 170, True)
    assert show.feed_url == "https://example.org/pod/feed.xml"


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[show]\ntitel = 'x'\n", "unknown setting 'titel'"),
        ("[show]\nrate = 'fast'\n", "rate must be a whole number"),
        ("[show]\nrate = true\n", "rate must be a whole number"),
        ("[show]\nexplicit = 'no'\n", "explicit must be true or false"),
        ("[show]\nrate = 20\n", "rate must be between 80 and 450"),
        ("[show]\nbase_url = 'example.org'\n", "base_url must start with http"),
        ("[episodes]\n", "unknown table [episodes]"),
        ("[show]\ncategory = 'Podcasts'\n", "category 'Podcasts' is not one of Apple's"),
        ("[show]\ncategory = 'News'\nsubcategory = 'Physics'\n", "subcategory 'Physics' is not one of Apple's for News: Business News"),
        ("[show]\ncategory = 'Technology'\nsubcategory = 'Podcasting'\n", "subcategory 'Podcasting' is not one of Apple's for Technology: none"),
        ("[show]\ncover = 'cover.gif'\n", "must be a JPEG or PNG"),
        ("[show]\ncover = 'missing.png'\n", "cover 'missing.png' not found"),
        ("[show\n", "not valid TOML"),
        ("[show]\nbitrate = 192\n", "bitrate must be one of 64, 80, 96, 112 or 128 kb/s, not 192"),
        ("[show]\nchannels = 6\n", "channels must be 1 .mono. or 2 .joint stereo., not 6"),
        ("[show]\nintro_music = 'intro.ogg'\n", "intro_music 'intro.ogg' not found"),
        ("[show]\nouttro_music = 'x.ogg'\n", "unknown setting 'outtro_music'"),
        ("[show]\nmusic = 'off'\n", "music must be true or false"),
        ("[show]\nsample_rate = 16000\n", "sample_rate must be one of 22050, 32000, 44100 or 48000 Hz"),
        ("[show]\nkeep = -1\n", "keep must be 0 or more, not -1"),
        ("[show]\nfeed_limit = 0\n", "feed_limit must be 1 or more, not 0"),
        ("[show]\nmax_articles = 0\n", "max_articles must be 1 or more"),
        ("[show]\nmode = 'weekly'\n", "mode must be \"episode\" or \"digest\", not 'weekly'"),
    ],
)
def test_bad_settings_say_which_key_and_what_was_expected(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "podcast.toml").write_text(toml)
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_show(tmp_path)


def test_the_lexicon_is_optional_and_checked(tmp_path: Path) -> None:
    assert load_lexicon(tmp_path) == {}
    (tmp_path / "lexicon.toml").write_text('"Nguyen" = "Win"\n"Qi Lu" = "Chee Loo"\n', encoding="utf-8")
    assert load_lexicon(tmp_path) == {"Nguyen": "Win", "Qi Lu": "Chee Loo"}
    (tmp_path / "lexicon.toml").write_text('"Nguyen" = 3\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="'Nguyen' must map to how to say it"):
        load_lexicon(tmp_path)


def test_a_subcategory_of_the_category_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "podcast.toml").write_text("[show]\ncategory = 'Science'\nsubcategory = 'Mathematics'\n")
    assert (load_show(tmp_path).category, load_show(tmp_path).subcategory) == ("Science", "Mathematics")
