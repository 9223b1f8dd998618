"""The show's cover art: the show's own image, checked as Apple checks it, or one made from its title.

Apple Podcasts lists no show without square JPEG or PNG art of 1400 to 3000 pixels, so a show
that names no cover still gets one: its title set on a plain background at 3000×3000, drawn with
Pillow. The drawn cover is kept in the user's cache, named by the title, so it is drawn again
only when the title changes; publishing copies whichever cover applies into episodes/.
"""

from __future__ import annotations

import hashlib
import warnings
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

from podcast.cache import COVERS, cache_dir
from podcast.errors import SettingsError
from podcast.files import atomic_write
from podcast.show import Show

MIN_SIDE, MAX_SIDE = 1400, 3000  # pixels, Apple's limits for show art
FORMATS = {"JPEG", "PNG"}  # Apple accepts these two only
GENERATED_SIDE = 3000
GENERATED_NAME = "cover.png"  # the drawn cover's name in episodes/
# The copy inside each MP3: players show it on a phone's screen, while directories take the
# feed's full-size image. A 3000 px PNG would add megabytes to every download and slow the encode.
EMBEDDED_SIDE = 1000
BACKGROUND = (24, 48, 72)
FOREGROUND = (245, 240, 225)
_VERSION = "2"  # part of the cache key: bump it when the drawing changes


def cover_source(show: Show) -> Path:
    """The image file that is the show's cover: its own (checked), else the one drawn from its title."""
    if show.cover_path is not None:
        check_cover(show.cover_path)
        return show.cover_path
    return generated_cover(show.title)


def published_name(show: Show) -> str:
    """The cover's file name in episodes/, where the feed and the page point.

    Apple wants the image's URL to end in .jpg or .png, and a server names the media type by
    the suffix, so the suffix follows what the file holds, not what it is called: "Art.JPEG"
    is published as "Art.jpg", and a PNG saved as "art.jpg" as "art.png".
    """
    if show.cover_path is None:
        return GENERATED_NAME
    kind, _width, _height = _header(show.cover_path)
    return show.cover_path.stem + (".png" if kind == "PNG" else ".jpg")


def _header(path: Path) -> tuple[str, int, int]:
    """The image's format and size, from its header alone.

    An image whose header claims a huge size is refused by Pillow (DecompressionBombError, past
    twice its pixel limit) or warned about on stderr (DecompressionBombWarning): the size check
    that follows says in one line what is wrong with either, so the warning is not shown.
    """
    from PIL import Image, UnidentifiedImageError  # here, as in every function that draws: a
    # rebuild whose covers are all made already does not import Pillow
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return str(image.format), *image.size
    except Image.DecompressionBombError as error:
        raise SettingsError(f"cover {path}: {error}; it must be square, {MIN_SIDE} to {MAX_SIDE} pixels a side") from None
    except (OSError, UnidentifiedImageError) as error:
        raise SettingsError(f"cover {path}: not a readable image ({error})") from None


def check_cover(path: Path) -> None:
    """Raise SettingsError unless `path` is a square JPEG or PNG of 1400–3000 pixels a side."""
    kind, width, height = _header(path)
    if kind not in FORMATS:
        raise SettingsError(f"cover {path}: a {kind} image; Apple Podcasts accepts JPEG or PNG only")
    if width != height or not MIN_SIDE <= width <= MAX_SIDE:
        raise SettingsError(
            f"cover {path}: {width}×{height} pixels; it must be square, {MIN_SIDE} to {MAX_SIDE} pixels a side"
        )


def generated_cover(title: str) -> Path:
    """The cover drawn from `title`, drawn now only if this title's cover is not in the cache yet."""
    key = hashlib.sha256(f"{_VERSION}\0{title}".encode()).hexdigest()[:16]
    # Beside the speech cache: per user, shared by every show, safe to delete.
    path = cache_dir(COVERS) / f"{key}.png"
    if not path.exists():
        atomic_write(path, draw_cover(title))
    return path


def embedded_cover(cover: Path) -> Path:
    """A JPEG of `cover` at EMBEDDED_SIDE pixels for the MP3's APIC frame, made once per image."""
    data = cover.read_bytes()
    key = hashlib.sha256(f"{_VERSION}\0{EMBEDDED_SIDE}".encode() + data).hexdigest()[:16]
    path = cache_dir(COVERS) / f"{key}-embedded.jpg"
    if not path.exists():
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(BytesIO(data)) as image:
                image.draft("RGB", (EMBEDDED_SIDE, EMBEDDED_SIDE))  # a JPEG decodes at the size wanted
                # reducing_gap: box-average most of the way down first, LANCZOS only the last step
                # (a tenth of the time, no visible difference at this scale).
                small = image.convert("RGB").resize((EMBEDDED_SIDE, EMBEDDED_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
        except (OSError, UnidentifiedImageError) as error:  # a header that reads well over damaged pixels
            raise SettingsError(f"cover {cover}: not a readable image ({error})") from None
        buffer = BytesIO()
        small.save(buffer, "JPEG", quality=88)
        atomic_write(path, buffer.getvalue())
    return path


def draw_cover(title: str, side: int = GENERATED_SIDE) -> bytes:
    """A square PNG with `title` in large type, wrapped and shrunk until it fits with a margin."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (side, side), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = side // 10
    lines, size = cover_lines(title, side)
    draw.multiline_text(
        (side / 2, side / 2), "\n".join(lines), font=ImageFont.load_default(size), fill=FOREGROUND, anchor="mm",
        spacing=size // 4, align="center",
    )
    draw.rectangle((margin // 2, margin // 2, side - margin // 2, side - margin // 2), outline=FOREGROUND, width=side // 150)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()



def cover_lines(title: str, side: int = GENERATED_SIDE) -> tuple[list[str], int]:
    """The title's lines on a cover of `side` pixels, and their type size: the largest size at
    which the lines, broken between words as measured in that type, fit inside the margins.

    A word is broken only when it is wider than the room even at the smallest size.
    """
    from PIL import Image, ImageDraw, ImageFont

    room = side - 2 * (side // 10)
    words = title.split() or ["Podcast"]
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    sizes = range(side // 6, side // 40, -max(1, side // 100))
    for size in sizes[:-1]:
        font = ImageFont.load_default(size)
        lines = _wrapped(words, font, room, breaking=False)
        if lines:
            box = measure.multiline_textbbox((0, 0), "\n".join(lines), font=font, spacing=size // 4, align="center")
            if box[2] - box[0] <= room and box[3] - box[1] <= room:
                return lines, size
    return _wrapped(words, ImageFont.load_default(sizes[-1]), room, breaking=True), sizes[-1]


def _wrapped(words: list[str], font: ImageFont.FreeTypeFont, room: int, breaking: bool) -> list[str]:
    """`words` in lines no wider than `room`, broken between words; [] if a word alone is wider,
    unless `breaking`, which breaks such a word between its letters."""
    lines: list[str] = []
    for word in words:
        if font.getlength(word) > room:
            if not breaking:
                return []
            pieces = [""]
            for char in word:
                pieces[-1:] = [pieces[-1] + char] if font.getlength(pieces[-1] + char) <= room else [pieces[-1], char]
            lines += [piece for piece in pieces if piece]
        elif lines and font.getlength(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
