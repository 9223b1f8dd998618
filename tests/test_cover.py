"""cover: Apple's rules for show art, checked on real image files, and the cover drawn from a title."""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import pytest
from PIL import Image, ImageFont

from podcast.cover import check_cover, cover_lines, cover_source, draw_cover, generated_cover, published_name
from podcast.errors import SettingsError
from podcast.show import Show


@pytest.mark.parametrize(
    ("width", "height", "kind"),
    [(1400, 1400, "PNG"), (3000, 3000, "JPEG"), (2048, 2048, "PNG")],
)
def test_a_square_jpeg_or_png_of_1400_to_3000_pixels_passes(tmp_path, image, width, height, kind):
    check_cover(image(tmp_path / "art", width, height, kind))


@pytest.mark.parametrize(
    ("width", "height", "kind", "message"),
    [
        (1399, 1399, "PNG", "1399×1399 pixels; it must be square, 1400 to 3000"),
        (3001, 3001, "JPEG", "3001×3001 pixels"),
        (1400, 1500, "PNG", "1400×1500 pixels; it must be square"),
        (1400, 1400, "GIF", "a GIF image; Apple Podcasts accepts JPEG or PNG only"),
        (1400, 1400, "WEBP", "a WEBP image"),
    ],
)
def test_art_apple_refuses_is_a_settings_error_saying_why(tmp_path, image, width, height, kind, message):
    path = image(tmp_path / "art.png", width, height, kind)
    with pytest.raises(SettingsError, match=f"cover {path}: {message}"):
        check_cover(path)


def test_a_file_that_is_no_image_is_a_settings_error(tmp_path):
    path = tmp_path / "art.png"
    path.write_bytes(b"\x89PNG but not really")
    with pytest.raises(SettingsError, match="not a readable image"):
        check_cover(path)


def test_the_drawn_cover_is_a_3000_pixel_png_showing_the_title():
    with Image.open(io.BytesIO(draw_cover("My Digest"))) as drawn:
        assert (drawn.format, drawn.size) == ("PNG", (3000, 3000))
        colours = {colour for _count, colour in drawn.getcolors(maxcolors=1 << 16)}
    assert len(colours) > 2  # text, drawn with anti-aliasing, on the background
    assert draw_cover("My Digest") != draw_cover("Another Digest")


def test_the_drawn_cover_is_cached_by_title_and_drawn_again_only_for_a_new_one(tmp_path):
    first = generated_cover("Cache Check One")
    stamp = first.stat().st_mtime_ns
    assert generated_cover("Cache Check One") == first and first.stat().st_mtime_ns == stamp
    renamed = generated_cover("Cache Check Two")
    assert renamed != first and renamed.read_bytes() != first.read_bytes()
    check_cover(renamed)  # what it draws passes Apple's rules


def test_the_show_uses_its_own_cover_else_the_drawn_one(tmp_path, image):
    show = Show(root=tmp_path, title="Own Art")
    assert cover_source(show) == generated_cover("Own Art") and published_name(show) == "cover.png"
    image(tmp_path / "art" / "mine.JPEG", 1500, kind="JPEG")
    show = Show(root=tmp_path, cover="art/mine.JPEG")
    assert cover_source(show) == tmp_path / "art" / "mine.JPEG" and published_name(show) == "mine.jpg"


def test_a_long_title_still_fits_the_drawn_cover():
    title = "A very long title " * 12
    with Image.open(io.BytesIO(draw_cover(title, side=600))) as drawn:
        assert drawn.size == (600, 600)
        inner = drawn.crop((0, 0, 600, 30)).getcolors()  # the top margin stays background and frame only
    assert len(inner) <= 4


# title, side: each drawn in the largest type whose lines, broken between words, fit
WRAPPED_TITLES = {
    "a word that fits whole on a line of its own": ("Takeaways Daily", 3000),
    "many words": ("A very long title " * 12, 3000),
    "small cover": ("The Evolving Role of Social Media in Elections", 600),
    "one long word": ("Supercalifragilisticexpialidocious", 3000),
    "non-Latin words": ("Тихие заметки недели", 1400),
}


@pytest.mark.parametrize("case", list(WRAPPED_TITLES))
def test_the_drawn_title_breaks_between_words_and_shrinks_to_fit(case):
    title, side = WRAPPED_TITLES[case]
    lines, size = cover_lines(title, side)
    assert [word for line in lines for word in line.split()] == title.split()  # no word broken
    room = side - 2 * (side // 10)
    font = ImageFont.load_default(size)
    assert max(font.getlength(line) for line in lines) <= room
    bigger = ImageFont.load_default(size + max(1, side // 100))
    assert max(bigger.getlength(word) for word in title.split()) > room or len(lines) > 1 or size == side // 6


def test_a_word_too_wide_for_the_smallest_type_is_the_only_thing_broken():
    title = "Supercalifragilisticexpialidocious" * 3 + " ok"
    lines, _size = cover_lines(title, 3000)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "") and lines[-1].endswith(" ok")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def claimed_png(width: int, height: int) -> bytes:
    """A small PNG file whose header claims `width`×`height` (its pixel data is a few bytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(bytes(1000))) + png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


@pytest.mark.parametrize(
    ("side", "message"),
    [
        (20000, r"20000×20000|exceeds limit of \d+ pixels.*; it must be square, 1400 to 3000 pixels a side"),
        (10000, r"10000×10000 pixels; it must be square, 1400 to 3000"),  # Pillow only warns at this size
    ],
)
def test_a_cover_claiming_a_huge_size_is_one_settings_error_and_no_warning(tmp_path, side, message):
    path = tmp_path / "bomb.png"
    path.write_bytes(claimed_png(side, side))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a DecompressionBombWarning would raise here
        with pytest.raises(SettingsError, match=message):
            check_cover(path)


def test_a_png_named_jpg_is_published_and_declared_as_a_png(tmp_path, image):
    image(tmp_path / "art.jpg", 1400, kind="PNG")
    show = Show(root=tmp_path, cover="art.jpg")
    assert published_name(show) == "art.png"
    image(tmp_path / "photo.png", 1400, kind="JPEG")
    assert published_name(Show(root=tmp_path, cover="photo.png")) == "photo.jpg"
