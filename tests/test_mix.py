import re
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import JOINTSTEREO, MONO, MP3, MPEGFrame

from podcast.mix import PARAGRAPH_PAUSE, SEGMENT_PAUSE, Sound, SpokenSegment, Tags, ffmpeg, mix
from podcast.narration import Script
from podcast.speech import Request, Voice, speak, wav_seconds

SEGMENTS = {
    "Introduction": [["Welcome to the test show.", "Two chapters follow."]],
    "The middle part": [["Takeaway one: the middle part."], ["It has a second paragraph.", "And two sentences."]],
    "Wrap-up": [["Thanks for listening."]],
}


def say(voice: Voice) -> list[SpokenSegment]:
    texts = [(title, sentence) for title, paras in SEGMENTS.items() for para in paras for sentence in para]
    pieces = iter(speak([Request(text, title) for title, text in texts], voice))
    return [
        SpokenSegment(title, tuple(tuple(next(pieces) for _ in para) for para in paras))
        for title, paras in SEGMENTS.items()
    ]


@pytest.fixture(scope="module")
def spoken() -> list[SpokenSegment]:
    return say(Voice())


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS, mono as dual-mono) and true peak (dBTP), as ffmpeg's ebur128 reports them."""
    command = [ffmpeg(), "-nostdin", "-hide_banner", "-nostats", "-i", str(path),
               "-af", "ebur128=peak=true:dualmono=true:framelog=quiet", "-f", "null", "-"]
    report = subprocess.run(command, check=True, capture_output=True, text=True).stderr
    summary = report[report.rindex("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, report[-500:]
    return float(integrated[1]), float(peak[1])


@pytest.fixture(scope="module")
def episode(spoken: list[SpokenSegment], tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("episodes") / "test-episode.mp3"
    script = Script("A test episode", "test-episode", "Notes.", ())
    return mix(script, spoken, Tags("The Test Show", "Ann Author", "2026"), path)


def test_the_episode_is_an_mp3_of_the_computed_duration(episode, spoken: list[SpokenSegment]) -> None:
    audio = MP3(episode.path)
    assert audio.info.channels == 1 and audio.info.sample_rate == 44100
    assert abs(audio.info.length - episode.duration) < 0.1
    speech = sum(wav_seconds(p.wav) for s in spoken for para in s.paragraphs for p in para)
    pauses = 2 * SEGMENT_PAUSE + PARAGRAPH_PAUSE
    # Padding trimmed from each piece, pauses of our own added: shorter than the raw pieces plus pauses.
    assert pauses < episode.duration < speech + pauses + 1


def test_decoded_audio_matches_the_duration(episode, decode) -> None:
    decoded = decode(episode.path)
    assert abs(decoded.duration_seconds - episode.duration) < 0.1
    assert decoded.dBFS > -40  # speech, not silence


def test_id3_tags_and_one_chapter_per_segment(episode) -> None:
    tags = ID3(episode.path)
    assert tags.version[:2] == (2, 3)
    assert (str(tags["TIT2"]), str(tags["TPE1"]), str(tags["TALB"])) == (
        "A test episode",
        "Ann Author",
        "The Test Show",
    )
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == list(SEGMENTS)
    assert [c.element_id for c in chapters] == tags.getall("CTOC")[0].child_element_ids
    assert [c.start_time for c in chapters] == [round(c.start * 1000) for c in episode.chapters]
    assert chapters[0].start_time == 0 and chapters[-1].end_time == round(episode.duration * 1000)
    for before, after in zip(chapters, chapters[1:]):
        assert before.end_time == after.start_time


def test_chapters_start_where_their_speech_starts(episode, decode) -> None:
    """Just before each chapter is the segment pause's silence; just after it, speech."""
    decoded = decode(episode.path)
    for chapter in episode.chapters[1:]:
        at = round(chapter.start * 1000)
        assert decoded[at - 300 : at - 50].dBFS < -50
        assert decoded[at : at + 300].dBFS > -35


def test_cover_art_is_embedded(spoken: list[SpokenSegment], tmp_path: Path) -> None:
    cover = tmp_path / "cover.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    script = Script("With cover", "with-cover", "", ())
    result = mix(script, spoken[:1], Tags("Show", "Me", "2026", cover), tmp_path / "with-cover.mp3")
    (picture,) = ID3(result.path).getall("APIC")
    assert picture.mime == "image/png" and picture.data == cover.read_bytes()


def test_unchanged_inputs_are_not_encoded_again(spoken: list[SpokenSegment], tmp_path: Path) -> None:
    script = Script("Encoded once", "encoded-once", "", ())
    path = tmp_path / "encoded-once.mp3"
    first = mix(script, spoken, Tags("Show", "Me", "2026"), path)
    stamp = path.stat().st_mtime_ns, path.stat().st_ino
    assert mix(script, spoken, Tags("Show", "Me", "2026"), path) == first
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == stamp

    retitled = mix(Script("Encoded twice", "encoded-once", "", ()), spoken, Tags("Show", "Me", "2026"), path)
    assert str(ID3(path)["TIT2"]) == "Encoded twice" and retitled.duration == first.duration
    stamp = path.stat().st_mtime_ns, path.stat().st_ino
    mix(Script("Encoded twice", "encoded-once", "", ()), spoken[:2], Tags("Show", "Me", "2026"), path)
    assert (path.stat().st_mtime_ns, path.stat().st_ino) != stamp  # different audio: a new file
    stamp = path.stat().st_mtime_ns, path.stat().st_ino
    mix(Script("Encoded twice", "encoded-once", "", ()), spoken[:2], Tags("Show", "Me", "2026"), path, Sound(bitrate=96))
    assert (path.stat().st_mtime_ns, path.stat().st_ino) != stamp  # other MP3 settings: a new file


def audio_frame_modes(path: Path, count: int = 20) -> set[int]:
    """The channel modes of the first audio frames (the first frame is the Xing header, which
    ffmpeg marks plain stereo whatever the encoder then chose)."""
    with path.open("rb") as file:
        file.seek(ID3(path).size)
        MPEGFrame(file)
        return {MPEGFrame(file).mode for _ in range(count)}


def test_the_episode_meets_the_podcast_loudness(episode) -> None:
    integrated, peak = loudness(episode.path)
    assert -17 <= integrated <= -15 and peak <= -1


def test_another_voice_at_a_slow_rate_meets_it_too(tmp_path: Path) -> None:
    """A slower, different voice has another level of its own: one gain per episode evens it out."""
    spoken = say(Voice(name="gmw/en-gb-scotland", rate=100))
    script = Script("Slow", "slow", "", ())
    result = mix(script, spoken, Tags("Show", "Me", "2026"), tmp_path / "slow.mp3")
    integrated, peak = loudness(result.path)
    assert -17 <= integrated <= -15 and peak <= -1


@pytest.mark.parametrize("sound, mode", [(Sound(96, 2, 48000), JOINTSTEREO), (Sound(128, 1, 22050), MONO)])
def test_the_mp3_has_the_shows_output_settings(spoken: list[SpokenSegment], tmp_path: Path, sound: Sound, mode: int) -> None:
    result = mix(Script("Settings", "settings", "", ()), spoken[:2], Tags("Show", "Me", "2026"), tmp_path / "s.mp3", sound)
    info = MP3(result.path).info
    assert (info.bitrate, info.channels, info.sample_rate) == (sound.bitrate * 1000, sound.channels, sound.sample_rate)
    assert mode in audio_frame_modes(result.path)
    integrated, peak = loudness(result.path)  # stereo carries the voice on both sides at the same loudness
    assert -17 <= integrated <= -15 and peak <= -1
