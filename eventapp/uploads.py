"""Checked image uploads: real PNG/JPEG within a size limit, re-encoded under a random name."""

import io
import secrets
import warnings
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from eventapp.errors import ValidationFailed

IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg"}
# A phone photo is 12-50 megapixels; posters and logos are shown at most 1200 pixels wide.
MAX_SIDE_PIXELS = 8000
MAX_PIXELS = 50_000_000


def store_image(content: bytes, folder: Path, max_bytes: int, max_side: int, code: str) -> str:
    """Save a clean copy of an uploaded image no larger than `max_side` pixels a side and return
    its file name. `code` prefixes the error codes ('logo_too_large', 'poster_bad_type', ...)."""
    if len(content) > max_bytes:
        raise ValidationFailed(
            _("Gambar terlalu besar: maksimal %(mb)s MB.", mb=f"{max_bytes / 1024 / 1024:g}"),
            f"{code}_too_large",
        )
    too_many_pixels = ValidationFailed(
        _(
            "Ukuran gambar terlalu besar: maksimal %(side)d piksel per sisi dan %(mp)d megapiksel.",
            side=MAX_SIDE_PIXELS,
            mp=MAX_PIXELS // 1_000_000,
        ),
        f"{code}_too_many_pixels",
    )
    try:
        # The header is read first: a small file can claim a huge picture (a decompression
        # bomb), and its size must be refused before any pixel is decoded.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            header = Image.open(io.BytesIO(content))
        width, height = header.size
        if max(width, height) > MAX_SIDE_PIXELS or width * height > MAX_PIXELS:
            raise too_many_pixels
        header.verify()
        opened = Image.open(io.BytesIO(content))
        opened.load()
        image: Image.Image | None = opened
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels
    except (UnidentifiedImageError, OSError, SyntaxError):
        image = None
    if image is None or image.format not in IMAGE_FORMATS:
        raise ValidationFailed(_("Gambar harus berupa berkas PNG atau JPEG."), f"{code}_bad_type")
    image_format = image.format
    image.thumbnail((max_side, max_side))
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    filename = f"{secrets.token_urlsafe(16)}.{IMAGE_FORMATS[image_format]}"
    folder.mkdir(parents=True, exist_ok=True)
    # Re-encoding drops anything hidden in the file (metadata, trailing payloads).
    image.save(folder / filename, format=image_format, optimize=True)
    return filename


def delete_image(folder: Path, filename: str | None) -> None:
    """Remove a replaced upload, so that it is no longer served to anyone who kept its URL."""
    if filename:
        (folder / filename).unlink(missing_ok=True)
