"""Checked image uploads: real PNG/JPEG within a size limit, re-encoded under a random name."""

import io
import secrets
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from eventapp.errors import ValidationFailed

IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def store_image(content: bytes, folder: Path, max_bytes: int, max_side: int, code: str) -> str:
    """Save a clean copy of an uploaded image no larger than `max_side` pixels a side and return
    its file name. `code` prefixes the error codes ('logo_too_large', 'poster_bad_type', ...)."""
    if len(content) > max_bytes:
        raise ValidationFailed(
            _("Gambar terlalu besar: maksimal %(mb)s MB.", mb=f"{max_bytes / 1024 / 1024:g}"),
            f"{code}_too_large",
        )
    try:
        Image.open(io.BytesIO(content)).verify()
        image = Image.open(io.BytesIO(content))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
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
