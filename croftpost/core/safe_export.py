"""Safe copies for posting: chosen faces made unrecognisable, and no metadata at all.

The copy is a brand-new image built from the upright pixels, so nothing from the original file
(EXIF with GPS and orientation, XMP, IPTC, ICC profile, comments, thumbnails) can carry over.
It is written to a temporary file beside the destination and renamed into place, so a crash or
kill mid-export never leaves a half-written photo under the final name.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFilter

from croftpost.core.photos import load_photo
from croftpost.errors import BadInput, BadPhoto
from croftpost.files import MAX_PHOTO_BYTES, UnreadableFile, open_regular_file

Box = tuple[int, int, int, int]  # top, right, bottom, left, upright full-resolution pixels

# How far the blurred area reaches beyond the detector's box (which stops at the brows and the
# chin), as fractions of the box: hair, forehead and ears identify a child too.
_GROW_SIDES = 0.35
_GROW_TOP = 0.5
_GROW_BOTTOM = 0.3
_BLOCKS = 6  # the face becomes about 6 x 6 flat blocks before blurring


@dataclass(frozen=True)
class ExportResult:
    src_sha256: str
    dst_sha256: str
    width: int
    height: int
    format: str  # "JPEG" or "PNG"
    blurred: int  # how many areas were blurred


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def safe_copy_suffix(src_path: Path | str) -> str:
    """The suffix write_safe_copy needs: .png for a PNG (kept lossless), .jpg for the rest."""
    try:
        with open_regular_file(src_path, MAX_PHOTO_BYTES) as f:
            return ".png" if f.read(8) == _PNG_SIGNATURE else ".jpg"
    except (OSError, UnreadableFile):
        return ".jpg"  # load_photo will explain the problem


def write_safe_copy(
    src_path: Path | str,
    dst_path: Path | str,
    faces_to_blur: Sequence[Box],
    *,
    expected_sha256: str | None = None,
) -> ExportResult:
    """Write a metadata-free copy of src with every box in `faces_to_blur` made unrecognisable.

    `expected_sha256` (the hash the faces were found in) refuses a photo that changed since it
    was scanned: its boxes might no longer cover the faces.
    """
    src, dst = Path(src_path), Path(dst_path)
    _check_paths(src, dst)
    photo = load_photo(src)
    if expected_sha256 is not None and photo.info.content_hash != expected_sha256:
        raise BadPhoto(f"{src.name} has changed since it was checked for faces: check it again.")
    if photo.info.frames > 1:
        raise BadPhoto(still_photos_only(src.name, photo.info.frames))
    fmt = "PNG" if photo.info.format == "PNG" else "JPEG"
    if dst.suffix.lower() not in ((".png",) if fmt == "PNG" else (".jpg", ".jpeg")):
        suffix = ".png" if fmt == "PNG" else ".jpg"
        raise BadInput(f"A safe copy of {src.name} is a {fmt} file: name it {dst.stem}{suffix}.")
    pixels = _fresh_rgb(photo.image)
    for box in faces_to_blur:
        _blur(pixels, _grown(_checked(box, pixels.size, src.name), pixels.size))
    data = _encode(pixels, fmt)
    _write_atomically(dst, data)
    return ExportResult(
        photo.info.content_hash,
        hashlib.sha256(data).hexdigest(),
        pixels.width,
        pixels.height,
        fmt,
        len(faces_to_blur),
    )


def still_photos_only(name: str, frames: int) -> str:
    """Why an animation or a multi-page file gets no safe copy (its check reads every frame)."""
    return (
        f"{name} has {frames} frames (an animation or several pages): croftpost makes safe "
        "copies of still photos only. Save the frame you want to post as a photo and add that."
    )


def _check_paths(src: Path, dst: Path) -> None:
    if dst.exists() and src.exists() and os.path.samefile(src, dst):
        raise BadInput(f"The safe copy of {src.name} must not replace the original photo.")
    if not dst.parent.is_dir():
        raise BadInput(f"The folder for {dst.name} does not exist.")


def _fresh_rgb(image: Image.Image) -> Image.Image:
    """A new image holding only the pixel values: no info, no EXIF, no profile."""
    fresh = Image.frombytes("RGB", image.size, image.convert("RGB").tobytes())
    fresh.info.clear()
    return fresh


def _checked(box: Box, size: tuple[int, int], name: str) -> Box:
    top, right, bottom, left = (int(v) for v in box)
    if bottom <= top or right <= left:
        raise BadInput(f"A face to blur in {name} has an empty box {box}.")
    if right <= 0 or left >= size[0] or bottom <= 0 or top >= size[1]:
        # Most likely boxes from another photo or another orientation: refuse, never skip.
        raise BadInput(f"A face to blur in {name} lies outside the photo {box}.")
    return top, right, bottom, left


def _grown(box: Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The blur area as a PIL (left, upper, right, lower) box, clipped to the image."""
    top, right, bottom, left = box
    w, h = right - left, bottom - top
    return (
        max(0, round(left - w * _GROW_SIDES)),
        max(0, round(top - h * _GROW_TOP)),
        min(size[0], round(right + w * _GROW_SIDES)),
        min(size[1], round(bottom + h * _GROW_BOTTOM)),
    )


def _blur(image: Image.Image, area: tuple[int, int, int, int]) -> None:
    """Pixelate (destroys detail) then blur (removes the block edges HOG would latch onto)."""
    region = image.crop(area)
    w, h = region.size
    blocks = (max(1, round(w / max(w, h) * _BLOCKS)), max(1, round(h / max(w, h) * _BLOCKS)))
    region = region.resize(blocks, Image.Resampling.BOX).resize((w, h), Image.Resampling.NEAREST)
    region = region.filter(ImageFilter.GaussianBlur(radius=max(2.0, max(w, h) / 12)))
    image.paste(region, area[:2])


def blur_faces(image: Image.Image, boxes: Sequence[Box]) -> None:
    """Make each face unrecognisable in place, as a safe copy does (video frames use this)."""
    for box in boxes:
        top, right, bottom, left = box
        if right > left and bottom > top:
            _blur(image, _grown(box, image.size))


def _encode(image: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "PNG":
        image.save(buf, "PNG", optimize=True)
    else:
        image.save(buf, "JPEG", quality=90, optimize=True)
    return buf.getvalue()


def _write_atomically(dst: Path, data: bytes) -> None:
    """Temp file in the same folder, flushed to disk, then renamed over the final name.

    The file is private to the user (mode 0600 from mkstemp): it is a photo of children.
    """
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dst)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with suppress(OSError):  # make the rename itself durable where the OS allows it
        dir_fd = os.open(dst.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
