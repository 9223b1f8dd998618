"""The episode's MP3, one chunk per segment: encoded with the episode's gain and its music,
cached by what each chunk is made from, and placed in time by counting their frames."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

from podcast.cache import CHUNKS, cache_dir, seal, sealed
from podcast.episode import Sound
from podcast.errors import AudioError
from podcast.ffmpeg import limiter, raw_input, run
from podcast.music import Jingle, fit
from podcast.engines import SAMPLE_WIDTH

# A sample-peak limit before the encode; MP3 encoding adds up to about half a dB of true peak
# on top of it (measured on espeak-ng voices), so the file stays at or below -1 dBTP.
LIMIT_DBFS = -2.0
# ffmpeg's LAME encoder at a constant bitrate plays 0.5 dB quieter than its input (measured here
# at 64-128 kb/s on a sine, pink noise and espeak-ng speech alike): the mix is raised as much.
MP3_LEVEL_LOSS_DB = 0.5
# The episode is encoded as one MP3 chunk per segment, cut in the middle of the segment pauses, so
# an edited segment re-encodes alone and a cold build encodes on both cores. Each chunk decodes
# with LAME's encoder delay plus the decoder's (576 + 529 samples at the MP3's rate) of silence
# before its audio (measured with a click, at every rate and bitrate the settings allow), and
# padding after it up to a whole frame: what precedes a time in the file is computed from that
# and the chunks' frame counts.
MP3_DELAY = 1105
ENCODERS = 2  # chunks encoded at once: the cores these machines have


def chunk(joined: Path, start: int, end: int, frame_rate: int, gain: float, music: list[tuple[Jingle, float]],
          sound: Sound, recipe: list[object]) -> tuple[Path, int]:
    """The MP3 of frames `start` to `end` of the joined speech, from the cache if it was encoded
    before, and how many samples it decodes to.

    Keyed on everything the chunk is made from: its samples, the gain, the output settings, the
    mix's `recipe` and its music with the music files' contents.
    """
    with joined.open("rb") as file:
        file.seek(start * SAMPLE_WIDTH)
        pcm = file.read((end - start) * SAMPLE_WIDTH)
    digest = hashlib.sha256(pcm)
    settings = [frame_rate, f"{gain:.2f}", dataclasses.astuple(sound), recipe, [dataclasses.astuple(j) + (t,) for j, t in music]]
    digest.update(json.dumps(settings, default=str).encode("utf-8"))
    for jingle, _start in music:
        digest.update(hashlib.sha256(Path(jingle.source[-1]).read_bytes() if jingle.source else b"").digest())
    key = digest.hexdigest()
    path = cache_dir(CHUNKS) / key[:2] / f"{key}.mp3"
    data = sealed(path)  # a damaged entry is encoded again, never used
    if data is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        encode(pcm, frame_rate, gain, music, sound, path)
        data = path.read_bytes()
        seal(path, data)
    return path, mp3_samples(data)


_BITRATES = {True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 layer III, kb/s
             False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}  # MPEG-2 and 2.5
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}  # by version bits


def mp3_samples(data: bytes) -> int:
    """How many samples (per channel) the MPEG layer III frames `data` decode to, counted frame by
    frame: without a Xing header that is what a decoder plays, encoder delay and padding included.

    >>> mp3_samples(bytes.fromhex("fffb50c4") + bytes(204) + bytes.fromhex("fffb52c4") + bytes(205))
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


def placer(cuts: list[int], samples: tuple[int, ...], frame_rate: int, rate: int) -> Callable[[int], float]:
    """Where frame `n` of the joined speech plays in the MP3, in seconds: after the whole chunks
    before its own (`samples` each at the MP3's `rate`), its chunk's encoder delay, and its
    place in its chunk (which starts at frame `cuts[k]`).

    >>> at = placer([0, 100, 300], (2304, 3456), 100, 1000)
    >>> at(0), at(50), at(100), at(250)
    (1.105, 1.605, 3.409, 4.909)
    """
    offsets = [(sum(samples[:k]) + MP3_DELAY) / rate for k in range(len(samples))]

    def at(frame: int) -> float:
        k = min(bisect.bisect_right(cuts, frame), len(samples)) - 1
        return round(offsets[k] + (frame - cuts[k]) / frame_rate, 9)

    return at


def encode(pcm: bytes, frame_rate: int, gain: float, music: list[tuple[Jingle, float]], sound: Sound, path: Path) -> None:
    """Mix the music into the speech `pcm` (each at its start in seconds), encode with `gain`,
    into a temporary file beside `path`; then rename it into place.

    The gain is one number for the whole episode (measured as ebur128 measures the finished
    file), so quiet and loud sentences keep their balance; the limiter only touches the rare
    peaks that the gain would push too high.
    """
    layout = "stereo" if sound.channels == 2 else "mono"
    # Each input of the mix in one sample format and layout: amerge cannot choose them itself.
    common = f"aformat=sample_fmts=flt:channel_layouts={layout}"
    speech = [f"volume={gain:.2f}dB", f"aresample={sound.sample_rate}"]
    if sound.channels == 2:
        speech.append("pan=stereo|c0=c0|c1=c0")  # both sides at full level, as dual-mono was measured
    inputs, branches = raw_input("pipe:0", frame_rate), [f"[0:a]{','.join(speech + ([common] if music else []))}[a0]"]
    files = 0
    for index, (jingle, start) in enumerate(music, 1):
        if jingle.source:  # a file: the next input; else the chime, generated inside the graph
            files += 1
            inputs += jingle.source
        origin = f"[{files}:a]" if jingle.source else jingle.generator + ","
        delay = "|".join([f"{round(start * sound.sample_rate)}S"] * sound.channels)
        # Padded without end, so the mix lasts exactly as long as the speech.
        shaped = [fit(sound), f"volume={jingle.gain:.2f}dB", *jingle.shape, f"adelay={delay}", "apad", common]
        branches.append(f"{origin}{','.join(shaped)}[a{index}]")
    mixed = "".join(f"[a{index}]" for index in range(len(branches)))
    if music:  # the inputs' channels side by side, then summed as they are: each is already at its level
        sums = "|".join(f"c{side}=" + "+".join(f"c{k * sound.channels + side}" for k in range(len(branches)))
                        for side in range(sound.channels))
        mixed += f"amerge=inputs={len(branches)},pan={layout}|{sums},"
    mixed += ",".join([f"volume={MP3_LEVEL_LOSS_DB}dB", *limiter(10 ** (LIMIT_DBFS / 20), sound.sample_rate)])
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # chunks encode in threads
    try:
        run(
            sound.ffmpeg,
            [*inputs, "-filter_complex", ";".join([*branches, f"{mixed}[out]"]), "-map", "[out]",
             "-c:a", "libmp3lame", "-b:a", f"{sound.bitrate}k", "-ar", str(sound.sample_rate),
             "-ac", str(sound.channels), "-joint_stereo", "1", "-write_xing", "0", "-id3v2_version", "0",
             "-f", "mp3", "-y", str(temporary)],
            "encode the episode", pcm,
        )
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
