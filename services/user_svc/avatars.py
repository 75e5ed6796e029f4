"""Avatar images: recognised by their bytes (never by a name or a declared type), decoded with
Pillow, centre-cropped to a square and re-encoded as WebP, so what is stored and served is always
an image the service produced itself (no metadata, no scripts, no oversized pixels)."""

import io
import os
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from mesh.errors import InvalidArgument

SIZE = 256
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
OUTPUT_FORMAT, OUTPUT_CONTENT_TYPE, OUTPUT_EXTENSION = "WEBP", "image/webp", "webp"
# A 2 MB file can still declare huge dimensions (a flat PNG compresses very well); decoding one
# would take gigabytes, so the size is checked from the header before any pixel is decoded.
MAX_PIXELS = 40_000_000
# Decoding takes up to MAX_PIXELS × 4 bytes and a core: a burst of uploads is processed a few at a
# time instead of all at once (32 at once would want gigabytes, and would slow every other call,
# the short transactions that store the results included).
_PROCESSING = threading.BoundedSemaphore(os.cpu_count() or 2)


@dataclass(frozen=True)
class ProcessedAvatar:
    data: bytes
    content_type: str
    extension: str
    source_format: str
    width: int
    height: int


def _bad(problem: str) -> InvalidArgument:
    return InvalidArgument.field("image", problem)


def process(raw: bytes) -> ProcessedAvatar:
    """The uploaded bytes as a SIZE×SIZE WebP; InvalidArgument naming `image` for anything else."""
    with _PROCESSING:
        return _process(raw)


def _process(raw: bytes) -> ProcessedAvatar:
    source_format = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS)
            source_format = image.format or ""
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _bad(f"{width}×{height} is too large; at most {MAX_PIXELS:,} pixels")
            image.draft("RGB", (SIZE, SIZE))  # JPEG: decode at a reduced scale, much faster
            image = ImageOps.exif_transpose(image)  # phone photos carry their rotation in EXIF
            image.load()
    except UnidentifiedImageError:
        raise _bad("not a JPEG, PNG or WebP image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bad(f"too large; at most {MAX_PIXELS:,} pixels") from None
    except (OSError, SyntaxError, ValueError):
        # Truncated or corrupt data: Pillow reports it as one of these while decoding.
        raise _bad(f"the {source_format or 'image'} data cannot be decoded") from None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    square = ImageOps.fit(image, (SIZE, SIZE), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    out = io.BytesIO()
    square.save(out, OUTPUT_FORMAT, quality=85, method=4)
    return ProcessedAvatar(out.getvalue(), OUTPUT_CONTENT_TYPE, OUTPUT_EXTENSION, source_format, SIZE, SIZE)
