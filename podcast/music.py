"""The episode's intro and outro: the show's music files, measured and shaped, else a chime."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from podcast.episode import Sound
from podcast.errors import AudioError
from podcast.ffmpeg import TARGET_LUFS, gain, measure

# Music plays at the voice's loudness, so the episode measures the same however long its music
# is compared to its speech. An intro plays alone for up to MUSIC_SOLO seconds, then fades out
# over MUSIC_FADE seconds under the first words; an outro plays after the last word for up to
# OUTRO_SECONDS and fades out over its last MUSIC_FADE seconds.
MUSIC_LUFS = TARGET_LUFS
MUSIC_SOLO = 6.0
MUSIC_FADE = 3.0
OUTRO_SECONDS = 12.0
# Without music files, a chime marks the start (the voice comes in as it dies away) and, a fourth
# lower, the end: a few sine partials (frequency ratio, level, decay per second), made by ffmpeg
# at levels that measure CHIME_LUFS after a pause (a test measures it), so a build need not.
CHIME_SECONDS = 2.5
CHIME_LUFS = -18.0  # a ding is short: a little under the voice, so it does not stand out
CHIME_LEAD = 1.0
CHIME_HZ = (660.0, 495.0)  # intro, outro
CHIME_PARTIALS = ((1.0, 0.3, 2.5), (2.0, 0.12, 4.0), (3.01, 0.05, 6.0))
# The intro music must end in the first MP3 chunk: no chunk starts before this.
MUSIC_SPAN = max(MUSIC_SOLO + MUSIC_FADE, CHIME_SECONDS)


@dataclass(frozen=True)
class Jingle:
    """An intro or an outro: where ffmpeg reads it, how it is shaped and how long it plays alone."""

    source: tuple[str, ...]  # ffmpeg input options of a music file
    seconds: float  # intro: before the first word; outro: after the last
    shape: tuple[str, ...]  # ffmpeg filters that trim and fade it
    gain: float  # dB that bring it to MUSIC_LUFS
    # Else the ffmpeg source filter that generates it: inside the filter graph, a generated
    # sound costs no input of its own (separate inputs stalled the encode by about 0.3 s here).
    generator: str = ""


def jingle(path: Path | None, sound: Sound, intro: bool) -> Jingle:
    """The show's intro or outro music from `path` (measured, to play at MUSIC_LUFS), else a chime."""
    if path is None:
        partials = "+".join(f"{level}*exp(-{decay}*t)*sin(2*PI*{CHIME_HZ[not intro] * ratio}*t)"
                            for ratio, level, decay in CHIME_PARTIALS)
        channels = "|".join([f"(1-exp(-1000*t))*({partials})"] * sound.channels)  # a 1 ms rise: no click
        generator = f"aevalsrc=exprs={channels}:s={sound.sample_rate}:d={CHIME_SECONDS}"
        return Jingle((), CHIME_LEAD if intro else CHIME_SECONDS, (), 0.0, generator)
    role = "intro" if intro else "outro"
    source = ("-t", str(MUSIC_SOLO + MUSIC_FADE if intro else OUTRO_SECONDS), "-i", str(path))
    loudness, length = measure(sound.ffmpeg, source, fit(sound), f"read the {role} music {path}")
    if length is None:
        raise AudioError(f"ffmpeg cannot tell how long the {role} music {path} is")
    if intro:
        seconds = min(length, MUSIC_SOLO)
        fade = max(seconds - 1, 0.0)  # from a second before the first word
        shape = (f"atrim=end={fade + MUSIC_FADE}", f"afade=t=out:st={fade}:d={MUSIC_FADE}")
    else:
        seconds = min(length, OUTRO_SECONDS)
        fade = max(seconds - MUSIC_FADE, 0.0)
        shape = (f"atrim=end={seconds}", f"afade=t=out:st={fade}:d={seconds - fade}")
    return Jingle(source, seconds, shape, gain(MUSIC_LUFS, loudness))


def fit(sound: Sound) -> str:
    """ffmpeg filters that bring any audio to the MP3's sample rate and channels."""
    return f"aresample={sound.sample_rate},aformat=channel_layouts={'stereo' if sound.channels == 2 else 'mono'}"
