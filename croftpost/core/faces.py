"""Finding faces in photos and encoding them (dlib HOG detector + dlib ResNet encoder).

Speed comes from not working at full resolution. dlib's HOG detector finds faces down to its
80 px window, in an image it may first upsample x2. A photo is scanned with its long side at
2048 px by default (`ScanParams.detect_sizes`): a 12 MP JPEG is decoded in draft mode at half
size; a photo between 1024 and 2048 px is reduced to 1024 and upsampled x2; a smaller one as
face_recognition does by default (native size, upsampled x2). So the smallest face found is
about max(40 px, long side x 80 / 2048): 160 px in a 4032 x 3024 photo, ~80 px in a 2048 one.
Smaller faces are NOT found: each scan records how small a face it looked for
(`PhotoScan.min_face_px`), and the screens and the command line say so.

Each found face is then encoded from a decode where it is at least `encode_face_px` wide, so its
150 px encoder chip is as sharp as one cut from the full-resolution photo. Many photos are
scanned in worker processes (dlib holds the GIL), see `croftpost.core.face_scan`.

Boxes are (top, right, bottom, left) in upright full-resolution pixels. Nothing heavy happens
at import time: face_recognition (which loads ~100 MB of models) is imported on first use.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from croftpost.core.errors import BadPhoto
from croftpost.core.matching import FACE_MODEL_NAME
from croftpost.core.photos import Photo, fit_long_side, load_photo

Box = tuple[int, int, int, int]  # top, right, bottom, left
_FORMAT_VERSION = 3  # 3: detection on the grey image (cached v2 scans are redone)


class EnrolmentRefused(BadPhoto):
    """A reference photo that cannot safely stand for one pupil (no face, several faces)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code  # "no_face" | "several_faces" | "face_too_small" | "not_a_face_chip"


@dataclass(frozen=True)
class ScanParams:
    """Detection and encoding settings. Changing any of them changes `key` (and the cache)."""

    # The long sides HOG scans the photo at (see the module docstring); with several, the faces
    # found at any of them count. The largest sets the smallest face found.
    detect_sizes: tuple[int, ...] = (2048,)
    encode_face_px: int = 120  # the encoder's chip holds a ~100 px face: no sharper needed
    num_jitters: int = 1

    @property
    def key(self) -> str:
        sizes = "+".join(str(s) for s in self.detect_sizes)
        return (
            f"{FACE_MODEL_NAME}; detect {sizes}px; "
            f"encode>={self.encode_face_px}px jit{self.num_jitters}; v{_FORMAT_VERSION}"
        )


HOG_WINDOW_PX = 80  # dlib's HOG face detector finds faces about this wide, or wider


def detection_plan(long_side: int, size: int) -> tuple[int | None, int]:
    """(long side to decode at, or None for native size; upsample) to scan a photo at `size`."""
    if long_side >= size:
        return size, 0
    if 2 * long_side >= size:
        return size // 2, 1
    return None, 1  # face_recognition's default: native size, one upsample


DEFAULT_PARAMS = ScanParams()
# Also scans at 4096: finds faces down to ~80 px in a 12 MP photo (DEFAULT: ~160 px), for class
# and assembly photos, at about 2.5 times the cost. HOG is not monotonic in scale (at 4096 alone
# it missed a 363 px face that 2048 finds), hence both sizes rather than 4096 alone.
THOROUGH_PARAMS = ScanParams(detect_sizes=(2048, 4096))
# Also scans a 12 MP photo at its full size upsampled x2, as face_recognition's plain pipeline
# does: faces down to ~40 px (a child ~8 m away, a sports field), at about that pipeline's cost
# per photo. For schools that post sports day photos (the school setting, `check-photo --deep`).
DEEP_PARAMS = ScanParams(detect_sizes=(2048, 4096, 8192))

# What the school may choose for the app and the command line (`SchoolService.face_scan`).
# "quick" is not among them: it would stop every scan looking for faces under 160 px.
SCHOOL_SCANS = {"full": THOROUGH_PARAMS, "deep": DEEP_PARAMS}


@dataclass(frozen=True)
class DetectedFace:
    box: Box
    encoding: tuple[float, ...]  # 128 numbers; biometric data: never log it


@dataclass(frozen=True)
class PhotoScan:
    """The faces in one photo, serialisable for the cache (keyed by content_hash + params_key)."""

    path: str
    width: int
    height: int
    gps: bool
    content_hash: str
    faces: tuple[DetectedFace, ...]
    params_key: str
    format: str = ""
    min_face_px: int = 0  # faces narrower than this (full-size pixels) were not looked for

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "width": self.width,
            "height": self.height,
            "gps": self.gps,
            "content_hash": self.content_hash,
            "params_key": self.params_key,
            "format": self.format,
            "min_face_px": self.min_face_px,
            "faces": [{"box": list(f.box), "encoding": list(f.encoding)} for f in self.faces],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PhotoScan:
        """Raises ValueError/KeyError/TypeError on a malformed record (treat as a cache miss)."""
        faces = tuple(DetectedFace(_box(f["box"]), _encoding(f["encoding"])) for f in d["faces"])
        return cls(
            str(d["path"]),
            int(d["width"]),
            int(d["height"]),
            bool(d["gps"]),
            str(d["content_hash"]),
            faces,
            str(d["params_key"]),
            str(d.get("format", "")),
            int(d.get("min_face_px", 0)),
        )


@dataclass(frozen=True)
class ScanFailure:
    """A photo that could not be scanned: its faces are unknown, so it must not be posted."""

    path: str
    message: str
    code: str = "bad_photo"  # or "scanner_failed"


@dataclass(frozen=True)
class ReferenceFace:
    """One enrolment encoding, with where it came from."""

    encoding: tuple[float, ...]
    box: Box
    content_hash: str
    params_key: str
    width: int = field(default=0)
    height: int = field(default=0)


ScanResult = PhotoScan | ScanFailure


def _box(values: Sequence[Any]) -> Box:
    top, right, bottom, left = (int(v) for v in values)
    return top, right, bottom, left


def _encoding(values: Sequence[Any]) -> tuple[float, ...]:
    enc = tuple(float(v) for v in values)
    if len(enc) != 128 or not all(math.isfinite(v) for v in enc):
        raise ValueError("a face encoding has 128 finite numbers")
    return enc


def load_models() -> None:
    """Load the models now (a worker process does this once, before its first photo)."""
    _models()


@cache
def _models() -> Any:
    """face_recognition's loaded dlib models (detector, 5-point predictor, encoder)."""
    import face_recognition.api as fr
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False  # face_recognition turns it on; we refuse such files
    return fr


# -- one photo ----------------------------------------------------------------------------------


def scan_photo(path: Path | str, params: ScanParams = DEFAULT_PARAMS) -> PhotoScan:
    """Find and encode every face in one photo. Raises BadPhoto for unreadable files."""
    small, boxes, reach = _load_and_detect(path, params)
    encodings = _encode(path, small, boxes, params) if boxes else []
    info = small.info
    faces = tuple(DetectedFace(b, e) for b, e in zip(boxes, encodings, strict=True))
    return PhotoScan(
        str(path),
        info.width,
        info.height,
        info.gps,
        info.content_hash,
        faces,
        params.key,
        info.format,
        # HOG's window, in the photo's own pixels, at the largest scale it scanned.
        math.ceil(HOG_WINDOW_PX * max(info.width, info.height) / reach),
    )


def _load_and_detect(path: Path | str, params: ScanParams) -> tuple[Photo, list[Box], int]:
    """The photo decoded once, at the largest size any scan needs; the faces found at any of
    the sizes; and the long side of the largest image HOG scanned (after upsampling).

    The decode is a JPEG draft where it can be, so a 12 MP photo scanned at 2048 and 4096 is
    decoded at half size, once: the 2048 scan then sees exactly the pixels the quick scan sees
    and finds every face the quick scan finds."""
    photo = load_photo(path, size_for=lambda side: _largest_decode(side, params.detect_sizes))
    long_side = max(photo.info.width, photo.info.height)
    boxes: list[Box] = []
    reach = 0
    reduced: dict[int, Photo] = {}
    for size in sorted(params.detect_sizes):
        decode_at, upsample = detection_plan(long_side, size)
        scaled = photo
        if decode_at is not None and max(photo.image.size) > decode_at:
            if decode_at not in reduced:
                reduced[decode_at] = Photo(photo.info, fit_long_side(photo.image, decode_at))
            scaled = reduced[decode_at]
        boxes += [b for b in _detect(scaled, upsample) if not _seen(b, boxes)]
        reach = max(reach, max(scaled.image.size) * 2**upsample)
    return photo, sorted(boxes, key=lambda b: (b[3], b[0])), reach  # left to right: stable


def _largest_decode(long_side: int, sizes: Sequence[int]) -> int | None:
    """The largest image any of the scans needs (None: the photo's native size)."""
    wanted = [detection_plan(long_side, size)[0] for size in sizes]
    return None if None in wanted else max(w for w in wanted if w is not None)


def _seen(box: Box, boxes: list[Box]) -> bool:
    """Whether another scale already found this face (they overlap by half or more)."""
    return any(_iou(box, other) >= 0.5 for other in boxes)


def _iou(a: Box, b: Box) -> float:
    top, right, bottom, left = max(a[0], b[0]), min(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])
    if bottom <= top or right <= left:
        return 0.0
    inter = (bottom - top) * (right - left)
    union = (a[2] - a[0]) * (a[1] - a[3]) + (b[2] - b[0]) * (b[1] - b[3]) - inter
    return inter / union


def _detect(photo: Photo, upsample: int) -> list[Box]:
    """HOG detection on the (reduced) image; boxes mapped to full resolution, clipped.

    The detector runs on the grey image: dlib's HOG takes the strongest gradient over the
    colour channels, and on grey it is about 30% faster. Measured over all 105 shared sample
    photos at upsample 0 and 1 (267 faces): the same faces were found, none more, none fewer.
    """
    fr = _models()
    rects = fr.face_detector(np.asarray(photo.image.convert("L")), upsample)
    sx = photo.info.width / photo.image.width
    sy = photo.info.height / photo.image.height
    boxes = []
    for r in rects:
        box = (
            round(r.top() * sy),
            round(r.right() * sx),
            round(r.bottom() * sy),
            round(r.left() * sx),
        )
        box = _clip(box, photo.info.width, photo.info.height)
        if box[2] > box[0] and box[1] > box[3]:
            boxes.append(box)
    return boxes


def _clip(box: Box, width: int, height: int) -> Box:
    top, right, bottom, left = box
    return max(top, 0), min(right, width), min(bottom, height), max(left, 0)


def _encode(
    path: Path | str, small: Photo, boxes: list[Box], params: ScanParams
) -> list[tuple[float, ...]]:
    """Encode from a decode where the smallest face is >= encode_face_px (or full size)."""
    smallest = min(min(b[1] - b[3], b[2] - b[0]) for b in boxes)
    scale = min(1.0, params.encode_face_px / max(smallest, 1))
    long_side = max(small.info.width, small.info.height)
    if scale * long_side <= max(small.image.size) * 1.05:
        photo = small  # the detection image is already sharp enough
    else:
        photo = load_photo(path, math.ceil(long_side * scale), fit=False)
        if photo.info.content_hash != small.info.content_hash:
            raise BadPhoto(f"{small.info.name} changed while it was being scanned.")
    return _encode_at(photo, boxes, params.num_jitters)


def _encode_at(photo: Photo, boxes: Sequence[Box], num_jitters: int) -> list[tuple[float, ...]]:
    import dlib

    fr = _models()
    pixels = np.asarray(photo.image)
    sx = photo.image.width / photo.info.width
    sy = photo.image.height / photo.info.height
    out = []
    for top, right, bottom, left in boxes:
        rect = dlib.rectangle(
            round(left * sx), round(top * sy), round(right * sx), round(bottom * sy)
        )
        shape = fr.pose_predictor_5_point(pixels, rect)
        vector = fr.face_encoder.compute_face_descriptor(pixels, shape, num_jitters)
        out.append(tuple(float(v) for v in vector))
    return out


# -- enrolment ----------------------------------------------------------------------------------

MIN_REFERENCE_FACE_PX = 60


def encode_reference(
    path: Path | str, *, whole_image_is_face: bool = False, params: ScanParams = DEFAULT_PARAMS
) -> ReferenceFace:
    """The encoding of the one face in a reference photo, or EnrolmentRefused.

    `whole_image_is_face` is for tight face crops (e.g. dlib's 150x150 chips), where the
    detector's box would cut the face: the whole picture is the face's box, once the detector
    confirms there is a face in it (framed with a border) and no second one.
    """
    small, boxes, _ = _load_and_detect(path, params)
    name = small.info.name
    if len(boxes) > 1:
        raise EnrolmentRefused(
            f"{name} shows {len(boxes)} faces: use a photo of the pupil "
            "alone, or crop it to their face.",
            "several_faces",
        )
    if whole_image_is_face:
        box = _whole_chip_box(small)
    elif not boxes:
        raise EnrolmentRefused(
            f"{name} shows no face croftpost can find: use a clear, front-facing photo.", "no_face"
        )
    else:
        box = boxes[0]
    if min(box[1] - box[3], box[2] - box[0]) < MIN_REFERENCE_FACE_PX:
        raise EnrolmentRefused(
            f"The face in {name} is too small to enrol reliably: use a closer photo.",
            "face_too_small",
        )
    encoding = _encode(path, small, [box], params)[0]
    info = small.info
    return ReferenceFace(encoding, box, info.content_hash, params.key, info.width, info.height)


def _whole_chip_box(photo: Photo) -> Box:
    """The whole picture as the face box, once the detector confirms it holds a face."""
    w, h = photo.info.width, photo.info.height
    if max(w, h) > 1.5 * min(w, h):
        raise EnrolmentRefused(
            f"{photo.info.name} is not a face crop (it is far from square): "
            "crop it tightly to the face.",
            "not_a_face_chip",
        )
    if not _chip_shows_a_face(photo.image):
        raise EnrolmentRefused(
            f"{photo.info.name} shows no face croftpost can find: use a clear, front-facing "
            "crop of the face.",
            "no_face",
        )
    return 0, w, h, 0


def _chip_shows_a_face(chip: Image.Image) -> bool:
    """Whether HOG finds a face over the chip's centre once it is 150 px wide with a border.

    A tight crop gives the detector little context, so it gets a grey frame; this guards
    against enrolling a picture that is not a face at all (measured: all 55 dlib "johns"
    chips and the insightface Tom Hanks chip pass; dogs.jpg and the mask photos do not).
    """
    k = 150 / chip.width
    small = chip.resize((150, max(1, round(chip.height * k))), Image.Resampling.BILINEAR)
    framed = ImageOps.expand(small, border=40, fill=(128, 128, 128))
    cx, cy = framed.width / 2, framed.height / 2
    rects = _models().face_detector(np.asarray(framed), 1)
    return any(r.left() <= cx <= r.right() and r.top() <= cy <= r.bottom() for r in rects)


def face_thumbnail(path: Path | str, box: Box, size: int = 96) -> bytes:
    """A square JPEG of one face (with some margin) for the screens; it carries no metadata."""
    photo = load_photo(path)
    top, right, bottom, left = box
    half = max(right - left, bottom - top) * 0.7
    cx, cy = (left + right) / 2, (top + bottom) / 2
    crop = photo.image.crop(
        (round(cx - half), round(cy - half), round(cx + half), round(cy + half))
    )
    thumb = Image.new("RGB", (size, size))
    thumb.paste(crop.resize((size, size), Image.Resampling.LANCZOS))
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=85)
    return buf.getvalue()
