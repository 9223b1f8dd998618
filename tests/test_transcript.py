"""Sidecar files of a really built episode, read back with real parsers: webvtt-py, srt, json, mutagen, ffmpeg."""

import html
import io
import json
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
import srt
import webvtt
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st
from mutagen.id3 import ID3

from podcast.build import build
from podcast.cli import cli
from podcast.episode import Chapter, Cue, Episode
from podcast.ffmpeg import ffmpeg
from podcast.script import read_script
from podcast.publish import remove
from podcast.show import load_show
from podcast.transcript import sidecar_names, srt as srt_text, vtt as vtt_text

# A three-sentence episode in two chapters, built from a script folder as a person may write one.
SEGMENTS = {
    "00-intro.txt": "# Introduction\n\nWelcome to the transcript test. Here is the only point.\n",
    "01-outro.txt": "# Wrap-up\n\nThanks for listening.\n",
}
SOUND_DBFS = -40.0  # a 10 ms window louder than this is speech
SILENCE_DBFS = -50.0  # quieter than this is a pause


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The show folder after `build` of the three-sentence script; returns the episode's MP3."""
    root = tmp_path_factory.mktemp("show")
    folder = root / "scripts" / "transcript-test"
    folder.mkdir(parents=True)
    for name, text in SEGMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    build(load_show(root, music=False), folder)  # silence before the first cue, not a chime
    return root / "episodes" / "transcript-test.mp3"


def sidecar(mp3: Path, index: int) -> Path:
    return mp3.with_name(sidecar_names(mp3.stem)[index])


def vtt_cues(path: Path) -> list[tuple[str, int, int]]:
    """(text, start ms, end ms) of each cue, as webvtt-py reads them."""
    return [(html.unescape(c.text), _ms(c.start_time), _ms(c.end_time)) for c in webvtt.read(str(path))]


def _ms(stamp: "webvtt.models.Timestamp") -> int:
    return ((stamp.hours * 60 + stamp.minutes) * 60 + stamp.seconds) * 1000 + stamp.milliseconds


def ffmpeg_chapters(mp3: Path) -> list[tuple[str, int]]:
    """(title, start ms) of each chapter in file order, as ffmpeg's MP3 demuxer reads them: the
    libavformat reader `ffprobe -show_chapters` lists. -copyts keeps the times the file holds
    (else ffmpeg shifts them back by the encoder delay, as it does the audio's timestamps)."""
    command = [ffmpeg(), "-v", "error", "-copyts", "-i", str(mp3), "-map_chapters", "0", "-an", "-vn", "-f", "ffmetadata", "-"]
    sections = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split("\n[CHAPTER]\n")[1:]
    chapters = []
    for section in sections:
        fields = dict(line.split("=", 1) for line in section.splitlines())
        start = int(fields["START"]) * Fraction(fields["TIMEBASE"]) * 1000
        chapters.append((re.sub(r"\\(.)", r"\1", fields["title"]), round(start)))
    return chapters


def json_chapters(mp3: Path) -> list[tuple[str, int]]:
    """(title, start ms) of each chapter in the episode's JSON chapters."""
    document = json.loads(sidecar(mp3, 0).read_text(encoding="utf-8"))
    return [(c["title"], round(c["startTime"] * 1000)) for c in document["chapters"]]


def script_sentences(folder: Path) -> list[str]:
    return [s for segment in read_script(folder).segments for para in segment.sentences() for s in para]


def test_the_vtt_has_one_cue_per_sentence_in_order_inside_the_episode(built: Path, decode) -> None:
    cues = vtt_cues(sidecar(built, 1))
    sentences = script_sentences(built.parents[1] / "scripts" / built.stem)
    assert len(sentences) == 3 and [text for text, _, _ in cues] == sentences
    length = len(decode(built))  # milliseconds of audio the MP3 really holds
    assert 0 <= cues[0][1]
    for (_, start, end), (_, following, _) in zip(cues, cues[1:]):
        assert start < end < following
    assert cues[-1][1] < cues[-1][2] <= length


def test_the_srt_carries_the_same_cues_as_the_vtt(built: Path) -> None:
    parsed = list(srt.parse(sidecar(built, 2).read_text(encoding="utf-8")))
    assert [c.index for c in parsed] == list(range(1, len(parsed) + 1))
    as_read = [(c.content, round(c.start.total_seconds() * 1000), round(c.end.total_seconds() * 1000)) for c in parsed]
    assert as_read == vtt_cues(sidecar(built, 1))


def test_json_chapters_match_the_id3_chapters_to_the_millisecond(built: Path) -> None:
    document = json.loads(sidecar(built, 0).read_text(encoding="utf-8"))
    assert document["version"] == "1.2.0" and document["fileName"] == built.name
    id3 = sorted(ID3(built).getall("CHAP"), key=lambda c: c.start_time)
    assert [(c["title"], round(c["startTime"] * 1000), round(c["endTime"] * 1000)) for c in document["chapters"]] == [
        (str(c.sub_frames["TIT2"]), c.start_time, c.end_time) for c in id3
    ]
    assert [c["title"] for c in document["chapters"]] == ["Introduction", "Wrap-up"]


def test_ffmpeg_lists_the_json_chapters_in_file_order(built: Path) -> None:
    (first, first_start), (second, second_start) = ffmpeg_chapters(built)
    assert [(first, first_start), (second, second_start)] == json_chapters(built)
    assert (first, first_start, second) == ("Introduction", 0, "Wrap-up")
    assert second_start in {start for _, start, _ in vtt_cues(sidecar(built, 1))}  # on its first sentence's cue


def test_each_cue_starts_within_50_ms_of_its_sentences_first_sound(built: Path, decode) -> None:
    """From the middle of the pause before a cue, the first loud 10 ms window is the sentence's first sound."""
    audio = decode(built)
    cues = vtt_cues(sidecar(built, 1))
    for (text, start, _), previous_end in zip(cues, [0] + [end for _, _, end in cues]):
        pause = (previous_end + start) // 2
        assert audio[pause : pause + 100].dBFS < SILENCE_DBFS, f"no pause before the cue {text!r}"
        onset = next(at for at in range(pause, start + 500) if audio[at : at + 10].dBFS > SOUND_DBFS)
        assert abs(onset - start) <= 50, f"{text!r}: cue at {start} ms, first sound at {onset} ms"


def test_removing_the_episode_deletes_its_sidecars(built: Path, tmp_path: Path) -> None:
    show = tmp_path / "show"
    folder = show / "scripts" / built.stem
    shutil.copytree(built.parents[1] / "scripts" / built.stem, folder)
    build(load_show(show), folder)  # same text: all speech comes from the cache
    files = [show / "episodes" / name for name in sidecar_names(built.stem)]
    assert all(path.is_file() for path in files)
    remove(load_show(show), built.stem)
    assert not any(path.exists() for path in files) and not (show / "episodes" / built.name).exists()


def test_a_sidecar_that_cannot_be_written_is_one_line_of_error(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "scripts" / built.stem
    shutil.copytree(built.parents[1] / "scripts" / built.stem, folder)
    (tmp_path / "episodes" / f"{built.stem}.srt").mkdir(parents=True)  # in the way of the transcript
    result = CliRunner().invoke(cli, ["build", str(folder), "--show", str(tmp_path)])
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit
    assert result.stderr.count("\n") == 1 and f"{built.stem}.srt: cannot write it" in result.stderr


def test_real_article_has_twelve_json_chapters_equal_to_the_id3_chapters(real_article: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(real_article), "--show", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (mp3,) = (tmp_path / "episodes").glob("*.mp3")
    document = json.loads(sidecar(mp3, 0).read_text(encoding="utf-8"))
    id3 = sorted(ID3(mp3).getall("CHAP"), key=lambda c: c.start_time)
    assert len(document["chapters"]) == 12
    assert [c["title"] for c in document["chapters"]] == [str(c.sub_frames["TIT2"]) for c in id3]
    assert [round(c["startTime"] * 1000) for c in document["chapters"]] == [c.start_time for c in id3]
    cues = vtt_cues(sidecar(mp3, 1))
    script = read_script(tmp_path / "scripts" / mp3.stem)
    assert [text for text, _, _ in cues] == [script.written.get(s, s) for s in script_sentences(tmp_path / "scripts" / mp3.stem)]
    # The transcript reads like the article; the script says what the voice says.
    shown = " ".join(text for text, _, _ in cues)
    assert "2024" in shown and "10-15" in shown and "twenty twenty-four" not in shown
    said = " ".join(s for segment in script.segments for s in segment.paragraphs)
    assert "twenty twenty-four" in said and "2024" not in said
    assert srt.parse(sidecar(mp3, 2).read_text(encoding="utf-8")).__next__().content == cues[0][0]
    assert {c.start_time for c in id3[1:]} <= {start for _, start, _ in cues}  # each chapter opens on its first cue
    in_file_order = ffmpeg_chapters(mp3)  # as ffprobe -show_chapters lists them
    assert in_file_order == json_chapters(mp3)
    assert {start for _, start in in_file_order[1:]} <= {start for _, start, _ in cues}


characters = st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\r\t")
cue_texts = st.text(characters, min_size=1).filter(str.strip)


@given(st.lists(cue_texts, min_size=1, max_size=5))
@example(["Q&A: a <b> --> c &amp;", "Two\n\nparagraphs.", "2\n00:00:01,000 --> 00:00:02,000"])
def test_any_sentence_survives_both_parsers(texts: list[str]) -> None:
    """Whatever a sentence holds (&, <, -->, line breaks, digits), each parser reads back one cue with its words."""
    cues = tuple(Cue(text, index * 2.0, index * 2.0 + 1.5) for index, text in enumerate(texts))
    episode = Episode("e", "E", Path("e.mp3"), 2.0 * len(texts), (Chapter("All", 0.0, 2.0 * len(texts)),), "", cues)
    words = [" ".join(text.split()) for text in texts]
    assert [html.unescape(c.text) for c in webvtt.from_buffer(io.StringIO(vtt_text(episode)))] == words
    assert [c.content for c in srt.parse(srt_text(episode))] == words
