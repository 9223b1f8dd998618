"""The show's cover art: the show's own image, checked as Apple checks it, or one made from its title.

Apple Podcasts lists no show without square JPEG or PNG art of 1400 to 3000 pixels, so a show
that names no cover still gets one: its title set on a plain background at 3000×3000, drawn with
Pillow. The drawn cover is kept in the user's cache, named by the title, so it is drawn again
only when the title changes; publishing copies whichever cover applies into episodes/.
"""

from __future__ import annotations

import hashlib
import textwrap
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

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
_VERSION = "1"  # part of the cache key: bump it when the drawing changes


def cover_source(show: Show) -> Path:
    """The image file that is the show's cover: its own (checked), else the one drawn from its title."""
    if show.cover_path is not None:
        check_cover(show.cover_path)
        return show.cover_path
    return generated_cover(show.title)


def published_name(show: Show) -> str:
    """The cover's file name in episodes/, where the feed and the page point.

    Apple wants the image's URL to end in .jpg or .png, so "Art.JPEG" is published as "Art.jpg".
    """
    if show.cover_path is None:
        return GENERATED_NAME
    suffix = ".png" if show.cover_path.suffix.lower() == ".png" else ".jpg"
    return show.cover_path.stem + suffix


def check_cover(path: Path) -> None:
    """Raise SettingsError unless `path` is a square JPEG or PNG of 1400–3000 pixels a side."""
    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
    except (OSError, UnidentifiedImageError) as error:
        raise SettingsError(f"cover {path}: not a readable image ({error})") from None
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
    image = Image.new("RGB", (side, side), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = side // 10
    words = title.split() or ["Podcast"]
    for size in range(side // 6, side // 40, -side // 100):
        font = ImageFont.load_default(size)
        width = max(8, int((side - 2 * margin) / (size * 0.55)))
        text = "\n".join(textwrap.wrap(" ".join(words), width, break_long_words=True))
        left, top, right, bottom = draw.multiline_textbbox((0, 0), text, font=font, spacing=size // 4, align="center")
        if right - left <= side - 2 * margin and bottom - top <= side - 2 * margin:
            break
    draw.multiline_text(
        (side / 2, side / 2), text, font=font, fill=FOREGROUND, anchor="mm", spacing=size // 4, align="center"
    )
    draw.rectangle((margin // 2, margin // 2, side - margin // 2, side - margin // 2), outline=FOREGROUND, width=side // 150)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()

