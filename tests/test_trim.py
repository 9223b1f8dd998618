import hashlib
import json
import shutil
from pathlib import Path

import pytest
from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from podcast.cache import seal
from podcast.engines import Voice
from podcast.speech import Piece, Request, speak
from podcast.trim import FADE_MS, SILENCE_DBFS, Span, span, trimmed

VOICE = Voice(engine="pyttsx3")
SENTENCES = ["The span of this piece is recorded as it is made.", "A second piece, of other words."]


@pytest.fixture(scope="module")
def pieces() -> list[Piece]:
    return speak([Request(text, "Trim") for text in SENTENCES], VOICE)


def record(piece: Piece) -> Path:
    return piece.wav.with_name(piece.wav.name + ".span")


def cut_as_before(wav: Path) -> bytes:
    """The piece as the mix cut it before spans were recorded: pydub, start to end."""
    sound = AudioSegment.from_wav(wav)
    lead = detect_leading_silence(sound, SILENCE_DBFS)
    trail = detect_leading_silence(sound.reverse(), SILENCE_DBFS)
    if lead + trail < len(sound):
        sound = sound[max(lead - FADE_MS, 0) : len(sound) - max(trail - FADE_MS, 0)]
    return sound.fade_in(FADE_MS).fade_out(FADE_MS).raw_data


def test_the_worker_records_each_piece_span_and_it_cuts_as_before(pieces: list[Piece]) -> None:
    for piece in pieces:
        assert piece.digest == hashlib.sha256(piece.wav.read_bytes()).hexdigest()
        assert record(piece).exists()  # written by the speech worker that made the piece
        where = span(piece.wav, piece.digest)
        audio = trimmed(piece.wav, where, AudioSegment.from_wav(piece.wav).frame_rate)
        assert audio == cut_as_before(piece.wav)
        assert len(audio) // 2 == where.frames
        assert len(audio) < len(AudioSegment.from_wav(piece.wav).raw_data)  # the engine's padding is cut


def forge(piece: Piece, found: Span, **changes: object) -> None:
    """Write the piece's record with `changes`, sealed as a good one is."""
    data = json.dumps({**json.loads(record(piece).read_bytes()), **changes}).encode()
    record(piece).write_bytes(data)
    seal(record(piece), data)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda piece, other, found: record(piece).write_text('{"start": 0, "end": 1, "frames": 1'), id="edited, unsealed"),
        pytest.param(lambda piece, other, found: record(piece).write_bytes(b""), id="emptied"),
        pytest.param(lambda piece, other, found: record(piece).unlink(), id="missing"),
        pytest.param(lambda piece, other, found: (shutil.copy(record(other), record(piece)),
                                                  shutil.copy(f"{record(other)}.sha256", f"{record(piece)}.sha256")),
                     id="another piece's record, with its seal"),
        pytest.param(lambda piece, other, found: forge(piece, found, recipe=[-40.0, FADE_MS]), id="another recipe"),
        pytest.param(lambda piece, other, found: forge(piece, found, wav="0" * 64, frames=1), id="another WAV's bytes"),
    ],
)
def test_a_changed_or_damaged_record_is_found_again_never_trusted(pieces: list[Piece], damage) -> None:
    piece, other = pieces
    found = span(piece.wav, piece.digest)
    damage(piece, other, found)
    assert span(piece.wav, piece.digest) == found
    assert json.loads(record(piece).read_bytes())["frames"] == found.frames  # and recorded again, sealed
    assert span(piece.wav, piece.digest) == found


def test_a_record_names_the_bytes_it_was_found_for(pieces: list[Piece], tmp_path: Path) -> None:
    """A WAV replaced under the same name (its record left behind) has its span found again."""
    piece, other = pieces
    wav = tmp_path / "piece.wav"
    shutil.copy(piece.wav, wav)
    first = span(wav, piece.digest)
    shutil.copy(other.wav, wav)
    assert span(wav, other.digest) == span(other.wav, other.digest) != first
