"""Spoken segments -> one episode MP3 with pauses, ID3 tags and chapters."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
import warnings
import wave
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import ID3, ID3NoHeaderError

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg is not on PATH; `ffmpeg()` finds one before encoding.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

from podcast.errors import AudioError
from podcast.narration import Script
from podcast.speech import SAMPLE_WIDTH, Piece, cache_dir


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float  # seconds from the start of the episode, from sample counts
    end: float


@dataclass(frozen=True)
class Cue:
    """One synthesised sentence's place in the episode: what the transcripts show, and when."""

    text: str
    start: float  # seconds from the start of the episode: the trimmed piece's first frame
    end: float  # and the end of its last frame


@dataclass(frozen=True)
class Episode:
    """A finished episode file, as the publish stage needs it."""

    slug: str
    title: str
    path: Path  # the MP3, inside the show's episodes/
    duration: float  # seconds
    chapters: tuple[Chapter, ...]
    description: str  # show notes: plain text
    cues: tuple[Cue, ...] = ()  # one per sentence, in order; none for an episode made without speech


@dataclass(frozen=True)
class SpokenSegment:
    """A segment's audio: paragraphs of synthesised sentences, in reading order."""

    title: str
    paragraphs: tuple[tuple[Piece, ...], ...]


@dataclass(frozen=True)
class Tags:
    """What the MP3 says of its show in its ID3 tags."""

    show: str
    author: str
    year: str
    cover: Path | None = None


@dataclass(frozen=True)
class Sound:
    """How the episode file is made beyond the voice: the MP3's format and the music."""

    bitrate: int = 64  # kb/s
    channels: int = 1  # 2: joint stereo
    sample_rate: int = 44100  # what the MP3 carries; the engine's rate is resampled by ffmpeg
    music: bool = True  # an intro and an outro: the files below, else a chime made here
    intro: Path | None = None  # any audio file ffmpeg reads
    outro: Path | None = None


# Pauses between pieces, in seconds: each boundary of the structure gets a longer one.
SENTENCE_PAUSE = 0.35
PARAGRAPH_PAUSE = 0.7
SEGMENT_PAUSE = 1.2
EDGE_PAUSE = 0.4  # before the first word and after the last
FADE_MS = 5  # around every cut, so no join clicks
SILENCE_DBFS = -50.0  # quieter than this at a piece's ends is the engine's padding
# The defaults, as the benchmark's floor encodes with them.
BITRATE = f"{Sound.bitrate}k"
SAMPLE_RATE = Sound.sample_rate
# Loudness for spoken podcasts: integrated, mono measured as dual-mono as ffmpeg's ebur128 does.
TARGET_LUFS = -16.0
# A sample-peak limit before the encode; MP3 encoding adds up to about half a dB of true peak
# on top of it (measured on espeak-ng voices), so the file stays at or below -1 dBTP.
LIMIT_DBFS = -2.0
# ffmpeg's LAME encoder at a constant bitrate plays 0.5 dB quieter than its input (measured here
# at 64-128 kb/s on a sine, pink noise and espeak-ng speech alike): the mix is raised as much.
MP3_LEVEL_LOSS_DB = 0.5
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
# The episode is encoded as one MP3 chunk per segment, cut in the middle of the segment pauses, so
# an edited segment re-encodes alone and a cold build encodes on both cores. Each chunk decodes
# with LAME's encoder delay plus the decoder's (576 + 529 samples at the MP3's rate) of silence
# before its audio (measured with a click, at every rate and bitrate the settings allow), and
# padding after it up to a whole frame: what precedes a time in the file is computed from that
# and the chunks' frame counts. The intro music must end in the first chunk: no cut before this.
MP3_DELAY = 1105
MUSIC_SPAN = max(MUSIC_SOLO + MUSIC_FADE, CHIME_SECONDS)
ENCODERS = 2  # chunks encoded at once: the cores these machines have
# A small edit barely moves the episode's loudness: the gain it was encoded with is kept while
# it still brings the episode this close to TARGET_LUFS, so the unchanged chunks are reused.
GAIN_KEPT_LU = 0.5
# How pieces become an episode: part of every MP3's fingerprint, so a new recipe re-encodes.
_RECIPE = [SENTENCE_PAUSE, PARAGRAPH_PAUSE, SEGMENT_PAUSE, EDGE_PAUSE, FADE_MS, SILENCE_DBFS, TARGET_LUFS, LIMIT_DBFS,
           MP3_LEVEL_LOSS_DB, MUSIC_LUFS, MUSIC_SOLO, MUSIC_FADE, OUTRO_SECONDS, CHIME_SECONDS, CHIME_LUFS, CHIME_LEAD,
           CHIME_HZ, CHIME_PARTIALS, "chunks", MP3_DELAY]


def mix(script: Script, spoken: list[SpokenSegment], tags: Tags, path: Path, sound: Sound = Sound()) -> Episode:
    """Join every piece once into one stream, bring it to the podcast loudness, encode it to `path` as MP3 and tag it.

    The joined audio goes piece by piece to a raw file beside `path`, so an hour-long episode is
    never whole in memory, and to ffmpeg measuring its loudness as it comes; the encode then
    reads the file with the one gain that brings the whole episode to TARGET_LUFS, one chunk per
    segment (see MP3_DELAY), each cached by what it is made from. Chapter times and the duration
    are computed from sample counts and the chunks' frame counts, not from pydub's
    millisecond-rounded lengths, so they stay exact however many pieces there are. An MP3 already
    made from the same pieces, settings, tags and music (its fingerprint is in a TXXX frame) is
    kept as it is: encoding is most of a build's time.
    """
    frame_rate = _frame_rate(spoken)
    silence = lambda seconds: bytes(SAMPLE_WIDTH * round(seconds * frame_rate))  # noqa: E731
    intro, outro = (_jingle(sound.intro, sound, True), _jingle(sound.outro, sound, False)) if sound.music else (None, None)
    fingerprint = _fingerprint(spoken, frame_rate, script.title, tags, sound)
    made = _made(path)
    encoded = made.fingerprint == fingerprint and bool(made.chunks)
    path.parent.mkdir(parents=True, exist_ok=True)
    joined = path.with_name(f".{path.name}.{os.getpid()}.pcm")
    frames = 0  # so far: where the next part starts
    with _Sink(None if encoded else joined, frame_rate) as sink:

        def add(data: bytes) -> None:
            nonlocal frames
            sink.write(data)
            frames += len(data) // SAMPLE_WIDTH

        add(silence(intro.seconds if intro else EDGE_PAUSE))  # the speech starts as the intro dies away
        starts: list[int] = []
        cuts = [0]  # where each chunk starts: in the middle of a segment pause, after the intro music
        cues: list[tuple[str, int, int]] = []
        for segment_index, segment in enumerate(spoken):
            if segment_index:
                pause = round(SEGMENT_PAUSE * frame_rate)
                add(bytes(SAMPLE_WIDTH * (pause // 2)))
                if frames >= MUSIC_SPAN * frame_rate:
                    cuts.append(frames)
                add(bytes(SAMPLE_WIDTH * (pause - pause // 2)))
            starts.append(frames if segment_index else 0)
            for paragraph_index, paragraph in enumerate(segment.paragraphs):
                for sentence_index, piece in enumerate(paragraph):
                    if paragraph_index or sentence_index:
                        add(silence(SENTENCE_PAUSE if sentence_index else PARAGRAPH_PAUSE))
                    first = frames
                    add(_trimmed(piece.wav, frame_rate))
                    cues.append((piece.text, first, frames))
        music: list[tuple[_Jingle, float]] = []
        if outro:
            add(silence(SEGMENT_PAUSE))
            music = [(intro, 0.0), (outro, (frames - cuts[-1]) / frame_rate)]
            add(silence(outro.seconds))
        else:
            add(silence(EDGE_PAUSE))
        cuts.append(frames)
        if encoded:
            gain, samples = made.gain, made.chunks
        else:
            gain = _limited_gain(joined, frame_rate, sink.loudness(), made.gain)
            last = len(cuts) - 2

            def encode(k: int) -> tuple[Path, int]:  # the intro plays in the first chunk, the outro in the last
                plays = [*(music[:1] if k == 0 else []), *(music[1:] if k == last else [])]
                return _chunk(joined, cuts[k], cuts[k + 1], frame_rate, gain, plays, sound)

            with ThreadPoolExecutor(ENCODERS) as pool:
                parts, samples = zip(*pool.map(encode, range(last + 1)))
        at = _placer(cuts, samples, frame_rate, sound.sample_rate)
        duration = sum(samples) / sound.sample_rate
        ends = [at(start) for start in starts[1:]] + [duration]
        chapters = tuple(
            Chapter(segment.title, at(start) if start else 0.0, end) for segment, start, end in zip(spoken, starts, ends)
        )
        if not encoded:
            _join(parts, script.title, tags, chapters, fingerprint, gain, samples, path)
    return Episode(script.slug, script.title, path, duration, chapters, script.description,
                   tuple(Cue(text, at(first), at(end)) for text, first, end in cues))


class _Sink:
    """Where the joined speech goes when it is to be encoded: a raw file beside the MP3 and, at
    the same time on the other core, ffmpeg measuring its loudness. Nowhere when it is not."""

    def __init__(self, path: Path | None, frame_rate: int) -> None:
        self.path = path
        command = [ffmpeg(), *_QUIET, *_raw_input("pipe:0", frame_rate), "-af", _METER, "-f", "null", "-"]
        self.file = path.open("wb") if path else None
        self.meter = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        ) if path else None

    def write(self, data: bytes) -> None:
        if self.file and self.meter and self.meter.stdin:
            self.file.write(data)
            try:
                self.meter.stdin.write(data)
            except BrokenPipeError:
                pass  # ffmpeg stopped early: loudness() says why

    def loudness(self) -> float:
        """Integrated loudness in LUFS of everything written, once it is all written."""
        assert self.file and self.meter, "nothing was written to measure"
        self.file.close()
        _output, report = self.meter.communicate()
        return _integrated(report.decode(errors="replace"), self.meter.returncode, "measure the loudness of the episode")

    def __enter__(self) -> _Sink:
        return self

    def __exit__(self, *exception: object) -> None:
        if self.meter and self.meter.poll() is None:
            self.meter.kill()
            self.meter.communicate()
        if self.file and self.path:
            self.file.close()
            self.path.unlink(missing_ok=True)


def _frame_rate(spoken: list[SpokenSegment]) -> int:
    """The engine's sample rate, read from the first piece's header."""
    for segment in spoken:
        for paragraph in segment.paragraphs:
            for piece in paragraph:
                with wave.open(str(piece.wav), "rb") as first:
                    return first.getframerate()
    raise AudioError("there is nothing to say in this episode")


def _trimmed(wav: Path, frame_rate: int) -> bytes:
    """A piece without the engine's leading and trailing padding, faded in and out over a few ms."""
    sound = AudioSegment.from_wav(wav)
    if sound.frame_rate != frame_rate or sound.channels != 1 or sound.sample_width != SAMPLE_WIDTH:
        raise AudioError(f"{wav}: not {frame_rate} Hz 16-bit mono like the other speech pieces")
    lead = detect_leading_silence(sound, SILENCE_DBFS)
    trail = detect_leading_silence(sound.reverse(), SILENCE_DBFS)
    if lead + trail < len(sound):
        sound = sound[max(lead - FADE_MS, 0) : len(sound) - max(trail - FADE_MS, 0)]
    return sound.fade_in(FADE_MS).fade_out(FADE_MS).raw_data


def _fingerprint(spoken: list[SpokenSegment], frame_rate: int, title: str, tags: Tags, sound: Sound) -> str:
    """Everything the MP3 file is made from: each piece's audio and where it goes, the settings,
    tags, cover and music. Same fingerprint, same file, so no need to join or encode again."""
    digest = hashlib.sha256()
    layout = [[segment.title, [len(paragraph) for paragraph in segment.paragraphs]] for segment in spoken]
    settings = [frame_rate, dataclasses.astuple(sound), _RECIPE, title, tags.show, tags.author, tags.year,
                tags.cover and tags.cover.suffix]
    digest.update(json.dumps([settings, layout], default=str).encode("utf-8"))
    pieces = [piece.wav for segment in spoken for paragraph in segment.paragraphs for piece in paragraph]
    for made_from in (*pieces, tags.cover, sound.intro, sound.outro):
        digest.update(hashlib.sha256(made_from.read_bytes() if made_from else b"").digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Made:
    """What an existing MP3 records of how it was made: its fingerprint, the gain its chunks were
    encoded with and how many samples each chunk decodes to."""

    fingerprint: str = ""
    gain: float | None = None
    chunks: tuple[int, ...] = ()


def _made(path: Path) -> _Made:
    """What the MP3 at `path` was made from; nothing when there is none or it is not ours."""
    try:
        id3 = ID3(path)
    except (OSError, ID3NoHeaderError, MutagenError):
        return _Made()
    found = {name: [str(t) for t in id3.getall(f"TXXX:{name}")] for name in (_FINGERPRINT, _GAIN, _CHUNKS)}
    if any(len(texts) != 1 for texts in found.values()):
        return _Made()
    try:
        return _Made(found[_FINGERPRINT][0], float(found[_GAIN][0]), tuple(int(n) for n in found[_CHUNKS][0].split()))
    except ValueError:
        return _Made()


_FINGERPRINT = "podcast-digest source"
_GAIN = "podcast-digest gain"
_CHUNKS = "podcast-digest chunks"


def _episode_gain(loudness: float, kept: float | None) -> float:
    """The gain in dB for an episode measuring `loudness`: the one it was encoded with before, if
    that still brings it within GAIN_KEPT_LU of TARGET_LUFS (so unchanged chunks are reused),
    else the one that brings it to TARGET_LUFS, to the hundredth of a dB that ffmpeg is given.

    >>> _episode_gain(-19.5, None), _episode_gain(-19.3, 3.5), _episode_gain(-18.9, 3.5)
    (3.5, 3.5, 2.9)
    """
    if kept is not None and abs(loudness + kept - TARGET_LUFS) <= GAIN_KEPT_LU:
        return kept
    return round(_gain(TARGET_LUFS, loudness), 2)


def _limited_gain(joined: Path, frame_rate: int, loudness: float, kept: float | None) -> float:
    """The episode's gain (see `_episode_gain`), raised by what the limiter takes away.

    A voice whose peaks stand high above its loudness (piper's reach 0 dBFS at -17 LUFS) is
    limited hard once raised, and limiting lowers its loudness: piper's episode measured -16.7
    LUFS. So the joined speech is measured again through the encode's gain and limiter, and the
    gain raised by the difference; for other voices it is a few hundredths of a dB.
    """
    gain = _episode_gain(loudness, None)
    chain = f"volume={gain + MP3_LEVEL_LOSS_DB:.2f}dB,{_LIMITER}"
    limited, _seconds = _measure(_raw_input(str(joined), frame_rate), chain, "measure the loudness of the episode")
    gain = round(gain + TARGET_LUFS + MP3_LEVEL_LOSS_DB - limited, 2) if limited > _SILENT_LUFS else gain
    return kept if kept is not None and abs(gain - kept) <= GAIN_KEPT_LU else gain


def _chunk(joined: Path, start: int, end: int, frame_rate: int, gain: float, music: list[tuple[_Jingle, float]],
           sound: Sound) -> tuple[Path, int]:
    """The MP3 of frames `start` to `end` of the joined speech, from the cache if it was encoded
    before, and how many samples it decodes to.

    Keyed on everything the chunk is made from: its samples, the gain, the output settings, the
    recipe and its music with the music files' contents.
    """
    with joined.open("rb") as file:
        file.seek(start * SAMPLE_WIDTH)
        pcm = file.read((end - start) * SAMPLE_WIDTH)
    digest = hashlib.sha256(pcm)
    settings = [frame_rate, f"{gain:.2f}", dataclasses.astuple(sound), _RECIPE, [dataclasses.astuple(j) + (t,) for j, t in music]]
    digest.update(json.dumps(settings, default=str).encode("utf-8"))
    for jingle, _start in music:
        digest.update(hashlib.sha256(Path(jingle.source[-1]).read_bytes() if jingle.source else b"").digest())
    key = digest.hexdigest()
    path = cache_dir().parent / "mp3" / key[:2] / f"{key}.mp3"
    try:
        return path, _mp3_samples(path.read_bytes())  # a damaged entry is encoded again, never used
    except (OSError, AudioError):
        path.parent.mkdir(parents=True, exist_ok=True)
        _encode(pcm, frame_rate, gain, music, sound, path)
        return path, _mp3_samples(path.read_bytes())


_BITRATES = {True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 layer III, kb/s
             False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}  # MPEG-2 and 2.5
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}  # by version bits


def _mp3_samples(data: bytes) -> int:
    """How many samples (per channel) the MPEG layer III frames `data` decode to, counted frame by
    frame: without a Xing header that is what a decoder plays, encoder delay and padding included.

    >>> _mp3_samples(bytes.fromhex("fffb50c4") + bytes(204) + bytes.fromhex("fffb52c4") + bytes(205))
    2304
    """
    samples = offset = 0
    while offset < len(data):
        header = data[offset : offset + 4].ljust(4, b"\0")
        version, bits = (header[1] >> 3) & 3, header[2]
        if header[0] != 0xFF or header[1] >> 5 != 7 or version == 1 or (header[1] >> 1) & 3 != 1 \
                or bits >> 4 in (0, 15) or (bits >> 2) & 3 == 3:
            raise AudioError(f"not a whole constant-bitrate MP3: no frame header at byte {offset}")
        mpeg1 = version == 3
        bitrate, rate = _BITRATES[mpeg1][bits >> 4] * 1000, _RATES[version][(bits >> 2) & 3]
        offset += (144 if mpeg1 else 72) * bitrate // rate + ((bits >> 1) & 1)
        samples += 1152 if mpeg1 else 576
    if offset != len(data):
        raise AudioError("not a whole constant-bitrate MP3: its last frame is cut short")
    return samples


def _placer(cuts: list[int], samples: tuple[int, ...], frame_rate: int, rate: int) -> Callable[[int], float]:
    """Where frame `n` of the joined speech plays in the MP3, in seconds: after the whole chunks
    before its own (`samples` each at the MP3's `rate`), its chunk's encoder delay, and its
    place in its chunk (which starts at frame `cuts[k]`).

    >>> at = _placer([0, 100, 300], (2304, 3456), 100, 1000)
    >>> at(0), at(50), at(100), at(250)
    (1.105, 1.605, 3.409, 4.909)
    """
    offsets = [(sum(samples[:k]) + MP3_DELAY) / rate for k in range(len(samples))]

    def at(frame: int) -> float:
        k = min(bisect.bisect_right(cuts, frame), len(samples)) - 1
        return round(offsets[k] + (frame - cuts[k]) / frame_rate, 9)

    return at


def _join(parts: tuple[Path, ...], title: str, tags: Tags, chapters: tuple[Chapter, ...], fingerprint: str,
          gain: float, samples: tuple[int, ...], path: Path) -> None:
    """Concatenate the chunks' frames into a temporary file beside `path`, have ffmpeg copy them
    with the tags, chapters, cover and how the file was made written in front, and rename the
    result into place, so a failure never leaves half an episode published."""
    frames = path.with_name(f".{path.name}.{os.getpid()}.frames")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    inputs = ["-f", "mp3", "-i", str(frames), "-f", "ffmetadata", "-i", "pipe:0"]
    cover = []
    if tags.cover:  # the input after the tags, an attached picture: ffmpeg writes it as the APIC front cover
        inputs += ["-i", str(tags.cover)]
        cover = ["-map", "2:v", "-c:v", "copy", "-disposition:v", "attached_pic",
                 "-metadata:s:v", "title=Cover", "-metadata:s:v", "comment=Cover (front)"]
    made = ((_FINGERPRINT, fingerprint), (_GAIN, f"{gain:.2f}"), (_CHUNKS, " ".join(map(str, samples))))
    try:
        with frames.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out)
        _run_ffmpeg(
            [*inputs, "-map", "0:a", "-c:a", "copy", *cover, "-map_metadata", "1", "-map_chapters", "1",
             # ID3v2.3, the version the most podcast apps read; bitexact: no TSSE naming ffmpeg's version
             "-write_xing", "0", "-id3v2_version", "3", "-fflags", "+bitexact", "-f", "mp3", "-y", str(temporary)],
            "tag the episode",
            _ffmetadata(title, tags, chapters, made).encode("utf-8"),
        )
        os.replace(temporary, path)
    finally:
        frames.unlink(missing_ok=True)
        temporary.unlink(missing_ok=True)


def ffmpeg() -> str:
    """The system's ffmpeg when installed, else the one the imageio-ffmpeg wheel ships."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        raise AudioError("ffmpeg not found: install ffmpeg or `pip install imageio-ffmpeg`") from None


def _raw_input(pcm: str, frame_rate: int) -> list[str]:
    """ffmpeg's input options for the joined speech: raw 16-bit mono at the engine's rate."""
    return ["-f", "s16le", "-ar", str(frame_rate), "-ac", "1", "-i", pcm]


def _encode(pcm: bytes, frame_rate: int, gain: float, music: list[tuple[_Jingle, float]], sound: Sound, path: Path) -> None:
    """Mix the music into the speech `pcm` (each at its start in seconds), encode with `gain`,
    into a temporary file beside `path`; then rename it into place.

    The gain is one number for the whole episode (measured as ebur128 measures the finished
    file), so quiet and loud sentences keep their balance; the limiter only touches the rare
    peaks that the gain would push too high.
    """
    speech = [f"volume={gain:.2f}dB", f"aresample={sound.sample_rate}"]
    if sound.channels == 2:
        speech.append("pan=stereo|c0=c0|c1=c0")  # both sides at full level, as dual-mono was measured
    inputs, branches = _raw_input("pipe:0", frame_rate), [f"[0:a]{','.join(speech)}[a0]"]
    files = 0
    for index, (jingle, start) in enumerate(music, 1):
        if jingle.source:  # a file: the next input; else the chime, made inside the graph
            files += 1
            inputs += jingle.source
        origin = f"[{files}:a]" if jingle.source else jingle.made + ","
        shaped = [_fit(sound), f"volume={jingle.gain:.2f}dB", *jingle.shape, f"adelay={round(start * sound.sample_rate)}S:all=1"]
        branches.append(f"{origin}{','.join(shaped)}[a{index}]")
    mixed = "".join(f"[a{index}]" for index in range(len(branches)))
    if music:
        mixed += f"amix=inputs={len(branches)}:duration=first:normalize=0,"
    limiter = f"volume={MP3_LEVEL_LOSS_DB}dB,{_LIMITER}"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # chunks encode in threads
    try:
        _run_ffmpeg(
            [*inputs, "-filter_complex", ";".join([*branches, f"{mixed}{limiter}[out]"]), "-map", "[out]",
             "-c:a", "libmp3lame", "-b:a", f"{sound.bitrate}k", "-ar", str(sound.sample_rate),
             "-ac", str(sound.channels), "-joint_stereo", "1", "-write_xing", "0", "-id3v2_version", "0",
             "-f", "mp3", "-y", str(temporary)],
            "encode the episode", pcm,
        )
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Jingle:
    """An intro or an outro: where ffmpeg reads it, how it is shaped and how long it plays alone."""

    source: tuple[str, ...]  # ffmpeg input options of a music file
    seconds: float  # intro: before the first word; outro: after the last
    shape: tuple[str, ...]  # ffmpeg filters that trim and fade it
    gain: float  # dB that bring it to MUSIC_LUFS
    # Else the ffmpeg source filter that makes it: inside the filter graph, a generated sound
    # costs no input of its own (separate inputs stalled the encode by about 0.3 s here).
    made: str = ""


def _jingle(path: Path | None, sound: Sound, intro: bool) -> _Jingle:
    """The show's intro or outro music from `path` (measured, to play at MUSIC_LUFS), else a chime."""
    if path is None:
        partials = "+".join(f"{level}*exp(-{decay}*t)*sin(2*PI*{CHIME_HZ[not intro] * ratio}*t)"
                            for ratio, level, decay in CHIME_PARTIALS)
        channels = "|".join([f"(1-exp(-1000*t))*({partials})"] * sound.channels)  # a 1 ms rise: no click
        made = f"aevalsrc=exprs={channels}:s={sound.sample_rate}:d={CHIME_SECONDS}"
        return _Jingle((), CHIME_LEAD if intro else CHIME_SECONDS, (), 0.0, made)
    role = "intro" if intro else "outro"
    source = ("-t", str(MUSIC_SOLO + MUSIC_FADE if intro else OUTRO_SECONDS), "-i", str(path))
    loudness, length = _measure(source, _fit(sound), f"read the {role} music {path}")
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
    return _Jingle(source, seconds, shape, _gain(MUSIC_LUFS, loudness))


def _fit(sound: Sound) -> str:
    """ffmpeg filters that bring any audio to the MP3's sample rate and channels."""
    return f"aresample={sound.sample_rate},aformat=channel_layouts={'stereo' if sound.channels == 2 else 'mono'}"


def _gain(target: float, loudness: float) -> float:
    """dB from `loudness` to `target`; none for audio with nothing above ebur128's gate.

    >>> _gain(-16.0, -19.5), _gain(-16.0, -70.0)
    (3.5, 0.0)
    """
    return target - loudness if loudness > _SILENT_LUFS else 0.0


_SILENT_LUFS = -70.0  # what ebur128 reports when nothing is above its absolute gate


def _measure(source: list[str] | tuple[str, ...], chain: str, doing: str) -> tuple[float, float | None]:
    """Integrated loudness in LUFS of ffmpeg's input `source` after the filters `chain`, and the
    input's duration in seconds, when ffmpeg can tell it."""
    command = [ffmpeg(), *_QUIET, *source, "-af", f"{chain},{_METER}", "-f", "null", "-"]
    result = subprocess.run(command, capture_output=True, text=True)
    duration = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", result.stderr)
    seconds = int(duration[1]) * 3600 + int(duration[2]) * 60 + float(duration[3]) if duration else None
    return _integrated(result.stderr, result.returncode, doing), seconds


def _integrated(report: str, returncode: int | None, doing: str) -> float:
    """The integrated loudness in ffmpeg's ebur128 summary `report`, or why there is none."""
    found = re.findall(r"^\s+I:\s+(-?[\d.]+) LUFS", report, re.MULTILINE)
    if returncode or not found:
        lines = report.strip().splitlines()
        raise AudioError(f"ffmpeg could not {doing}: {lines[-1] if lines else 'no loudness reported'}")
    return float(found[-1])


_QUIET = ["-nostdin", "-hide_banner", "-nostats"]
_LIMITER = f"alimiter=limit={10 ** (LIMIT_DBFS / 20):.4f}:level=false:latency=true"
_METER = "ebur128=dualmono=true:framelog=quiet"  # mono measured as dual-mono, as for podcasts


def _run_ffmpeg(arguments: list[str], doing: str, stdin: bytes = b"") -> str:
    """Run ffmpeg, giving it `stdin`; return what it reported on stderr, or raise AudioError with its last line."""
    result = subprocess.run([ffmpeg(), *_QUIET, *arguments], input=stdin, capture_output=True)
    stderr = result.stderr.decode(errors="replace")
    if result.returncode:
        lines = stderr.strip().splitlines()
        raise AudioError(f"ffmpeg could not {doing}: {lines[-1] if lines else 'unknown error'}")
    return stderr


def _ffmetadata(title: str, tags: Tags, chapters: tuple[Chapter, ...], made: tuple[tuple[str, str], ...]) -> str:
    """The episode's ID3 tags and chapters as an ffmetadata file, for the encode to write.

    ffmpeg's MP3 muxer writes the CHAP frames in chapter order, then a CTOC (top-level,
    ordered) listing them, so a reader that lists chapters in file order, as ffprobe does,
    gets them in time order too; mutagen sorts frames by size. A key that is no ID3 frame
    becomes a TXXX frame of that description: `made`, what _made reads back.
    """
    lines = [";FFMETADATA1", *(f"{_escaped(key)}={_escaped(value)}" for key, value in (
        ("title", title), ("artist", tags.author), ("album", tags.show), ("date", tags.year),
        ("genre", "Podcast"), *made))]
    for chapter in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(chapter.start * 1000)}",
                  f"END={round(chapter.end * 1000)}", f"title={_escaped(chapter.title)}"]
    return "\n".join(lines) + "\n"


def _escaped(text: str) -> str:
    """`text` as an ffmetadata key or value: its special characters behind a backslash.

    >>> print(_escaped("Q&A; 1=1 #2"))
    Q&A\\; 1\\=1 \\#2
    """
    return re.sub(r"([=;#\\\n])", r"\\\1", text)
