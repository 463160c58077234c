"""Loading photos: upright RGB pixels, or a one-sentence refusal.

Everything that reads a photo goes through `load_photo`, so every path gets the same protection
against files that are not photos, truncated files and decompression bombs, and the same
orientation and colour handling. Nothing here imports Qt or touches the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import struct
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from croftpost.errors import BadPhoto
from croftpost.files import (
    MAX_PHOTO_BYTES,
    UnreadableFile,
    open_regular_file,
    read_regular_file,
)

# A 100 MP camera photo is fine; beyond ~120 MP we refuse rather than risk gigabytes of RAM.
MAX_PIXELS = 120_000_000
# An animation or a multi-page file is checked frame by frame: every frame is read, or the file
# is refused. These bound the work (a 10 s GIF at 25 fps is 250 frames).
MAX_FRAMES = 500
MAX_FRAME_PIXELS = 600_000_000  # over all frames together

_GPS_IFD = 0x8825
_ORIENTATION = 0x0112
_SWAPS_AXES = {5, 6, 7, 8}  # EXIF orientations that turn the picture a quarter
_setup_lock = threading.Lock()
_setup_done = False


@dataclass(frozen=True)
class PhotoInfo:
    """What the checks need to know about a photo file, in upright full-resolution terms."""

    name: str
    format: str  # Pillow's format name: JPEG, PNG, WEBP, GIF, HEIF...
    width: int
    height: int
    gps: bool
    content_hash: str  # sha256 of the file's bytes, hex
    frames: int = 1  # the frames of an animation, the pages of a TIFF, the images of a HEIF


@dataclass(frozen=True)
class Photo:
    """Upright RGB pixels; `image` may be reduced (see `scale`) when a max size was asked for."""

    info: PhotoInfo
    image: Image.Image

    @property
    def scale(self) -> float:
        """Pixels in `image` per full-resolution pixel (1.0 when not reduced)."""
        return self.image.width / self.info.width


def _set_up_pillow() -> None:
    """Once, on first use (never at import time): the pixel limit and the HEIC opener."""
    global _setup_done
    with _setup_lock:
        if _setup_done:
            return
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError:  # pragma: no cover - HEIC support is optional at run time
            pass
        _setup_done = True


def file_sha256(path: Path) -> str:
    """The content hash the scan cache is keyed by."""
    digest = hashlib.sha256()
    try:
        f = open_regular_file(path, MAX_PHOTO_BYTES)
    except UnreadableFile as e:
        raise _bad(Path(path).name, e.reason) from None
    with f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_photo(
    path: Path | str,
    max_long_side: int | None = None,
    *,
    fit: bool = True,
    size_for: Callable[[int], int | None] | None = None,
    frame: int = 0,
) -> Photo:
    """Read a photo (one frame of it) as upright RGB, at most `max_long_side` pixels on its
    long side if given.

    With `fit=False` only the cheap JPEG draft reduction is applied: the image keeps at least
    ~`max_long_side` pixels but may be up to twice that (no resampling pass). `size_for`
    chooses `max_long_side` from the photo's own long side, read before anything is decoded.

    Raises BadPhoto (one sentence naming the file) for anything that is not a readable photo.
    """
    photos = _frames(Path(path), max_long_side, fit, size_for, range(frame, frame + 1))
    return next(photos)


def iter_frames(
    path: Path | str, size_for: Callable[[int], int | None] | None = None
) -> Iterator[Photo]:
    """Every frame of a photo, in order, from one read of the file (see `load_photo`).

    An animation's frames are read as they are shown (each one composed over the last); a
    JPEG with extra MPF images (a phone's gain map or preview) is one frame: those images are
    renderings of the same picture, and safe copies never carry them. Only the cheap JPEG
    draft reduction is applied (`fit=False`)."""
    return _frames(Path(path), None, False, size_for, None)


def _frames(
    path: Path,
    max_long_side: int | None,
    fit: bool,
    size_for: Callable[[int], int | None] | None,
    wanted: range | None,
) -> Iterator[Photo]:
    _set_up_pillow()
    data = _read_bytes(path)
    with _reading(path.name):
        im = Image.open(io.BytesIO(data))
        _check_size(path.name, im.width, im.height)
        if size_for is not None:
            max_long_side = size_for(max(im.size))
        exif = im.getexif()
        orientation = exif.get(_ORIENTATION, 1)
        info = _info(path.name, data, im, exif, orientation)
    for index in wanted if wanted is not None else range(info.frames):
        if index >= info.frames:
            raise _bad(path.name, f"it has no frame {index + 1}")
        with _reading(path.name):
            image = _frame(path.name, im, index, orientation, max_long_side, fit)
        yield Photo(info, image)  # (outside the warning filters: the caller runs here)


@contextlib.contextmanager
def _reading(name: str) -> Iterator[None]:
    """Decoder failures as one BadPhoto sentence, with Pillow's process-wide switches set."""
    # Importing face_recognition sets this process-wide to True, which makes Pillow fill the
    # missing part of a truncated photo with grey instead of refusing it. Refuse, always.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():  # (process-wide filters; a moment's overlap is harmless)
            # Pillow only warns between MAX_PIXELS and twice that: _check_size refuses those
            # with the actual size in the message. Beyond twice, Pillow raises
            # DecompressionBombError.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # A damaged EXIF block makes Pillow warn ("Corrupt EXIF data") and skip the tags it
            # can't read. The pixels are intact, so the photo is read as if those tags were
            # absent, the same whether warnings are shown, ignored or (as under pytest) errors.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")
            yield
    except BadPhoto:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        limit = f"the {MAX_PIXELS // 1_000_000} megapixels croftpost accepts"
        raise _bad(name, f"it declares more than {limit}") from None
    except UnidentifiedImageError:
        if Path(name).suffix.lower() in (".mp4", ".mov", ".m4v"):
            raise BadPhoto(f"{name} is a video clip, not a photo: check it with `croftpost "
                           "check-video`, or post it with `croftpost draft`.") from None
        raise _bad(name, "it is not an image file") from None
    except MemoryError:
        raise _bad(name, "it is too large to open on this computer") from None
    except Exception as e:  # any decoder failure means "not readable"
        # Pillow reports truncated or damaged data as OSError, SyntaxError, ValueError, and
        # its plugins occasionally as struct.error or IndexError: all the same to the user.
        raise _bad(name, f"the file is damaged or incomplete ({_short(e)})") from None


def _read_bytes(path: Path) -> bytes:
    """Read once: the hash and the pixels then come from exactly the same bytes."""
    try:
        data = read_regular_file(path, MAX_PHOTO_BYTES)
    except UnreadableFile as e:
        raise _bad(path.name, e.reason) from None
    if not data:
        raise _bad(path.name, "the file is empty")
    return data


def _info(name: str, data: bytes, im: Image.Image, exif: Image.Exif, orientation: int) -> PhotoInfo:
    width, height = (im.height, im.width) if orientation in _SWAPS_AXES else im.size
    frames = 1 if im.format == "MPO" else int(getattr(im, "n_frames", 1))
    if frames > MAX_FRAMES or frames * width * height > MAX_FRAME_PIXELS:
        raise _bad(
            name,
            f"it has {frames} frames of {width} x {height} pixels, more than croftpost checks "
            f"(at most {MAX_FRAMES} frames, {MAX_FRAME_PIXELS // 1_000_000} megapixels in all)",
        )
    content_hash = hashlib.sha256(data).hexdigest()
    return PhotoInfo(name, str(im.format), width, height, _has_gps(im, exif), content_hash, frames)


def _frame(
    name: str, im: Image.Image, index: int, orientation: int, max_long_side: int | None, fit: bool
) -> Image.Image:
    """One frame, upright RGB, reduced as asked. (A TIFF's pages may differ in size.)"""
    if max_long_side and im.format == "JPEG" and max(im.size) > max_long_side:
        # Draft mode: the JPEG decoder itself skips detail (1/2, 1/4, 1/8), saving time and RAM.
        # Accept a draft up to 5% under the target: a 4032 px photo decodes at 1/2 for 2048.
        k = max(im.size) / (max_long_side * 0.95)
        im.draft("RGB", (int(im.width / k), int(im.height / k)))
    im.seek(index)
    _check_size(name, im.width, im.height)
    im.load()
    upright = _to_rgb(ImageOps.exif_transpose(im) if orientation != 1 else im)
    if fit and max_long_side and max(upright.size) > max_long_side:
        upright = fit_long_side(upright, max_long_side)
    return upright


def _check_size(name: str, width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise _bad(name, "it has no pixels")
    if width * height > MAX_PIXELS:
        raise _bad(
            name,
            f"it declares {width} x {height} pixels, more than the "
            f"{MAX_PIXELS // 1_000_000} megapixels croftpost accepts",
        )


def _has_gps(im: Image.Image, exif: Image.Exif) -> bool:
    """GPS in the EXIF GPS IFD (with content), or GPS coordinates in XMP."""
    if _GPS_IFD in exif:
        try:
            if any(v not in (None, b"", ()) for v in exif.get_ifd(_GPS_IFD).values()):
                return True
        except (KeyError, ValueError, TypeError, struct.error):  # a damaged GPS IFD
            return True  # fail safe: something claims to be GPS, treat it as present
    xmp = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp") or b""
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", "replace")
    return b"GPSLatitude" in xmp or b"GPSLongitude" in xmp


def _to_rgb(im: Image.Image) -> Image.Image:
    """RGB for every mode we may meet; transparency is composited on white."""
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        # Pillow clips 16-bit values when converting; scale them to 8 bits instead.
        arr = np.asarray(im, dtype=np.float64)
        top = 65535.0 if im.mode != "F" else max(float(arr.max()), 1.0)
        arr8 = np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
        key = im.info.get("transparency")
        if isinstance(key, int) and im.mode != "F":
            arr8[arr == key] = 255  # the transparent value, on white like every other mode
        return Image.fromarray(arr8, "L").convert("RGB")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im if im.mode == "RGB" else im.convert("RGB")


def fit_long_side(im: Image.Image, max_long_side: int) -> Image.Image:
    """A resized copy whose long side is max_long_side (bilinear, with Pillow's fast reduce)."""
    k = max(im.size) / max_long_side
    size = (max(1, round(im.width / k)), max(1, round(im.height / k)))
    return im.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def _short(e: BaseException) -> str:
    text = str(e).strip().rstrip(".") or type(e).__name__
    return text[:120]


def _bad(name: str, reason: str) -> BadPhoto:
    return BadPhoto(f"{name} is not a photo croftpost can read: {reason}.")
