"""Finding faces in photos and encoding them, frame by frame.

Every check looks for faces from `MIN_FACE_PX` wide, in the photo's own pixels, whatever its
size or shape, with BlazeFace (`croftpost.core.face_detector`). A 12 MP JPEG is decoded once, at
half size (draft), which is exactly the detector's finest level. An animation or a multi-page
file is read in every frame (`croftpost.core.photos.iter_frames`).

A face is encoded (dlib's ResNet, `croftpost.core.dlib_resnet`, the same numbers as dlib's own
encoder) only when it is at least `IDENTIFY_PX` wide: below that, identification is not
reliable (`benchmarks/identify_by_size.py`), so the face is kept without an encoding and
reported as too small to identify, which blocks like an unknown face. An encoded face is
encoded from a decode where it is at least `encode_face_px` wide (or the full-size photo), so
its 150 px chip is as sharp as one cut from the original.

BlazeFace's boxes are calibrated to the style of dlib's HOG boxes (`to_dlib_box`), so that the
5-point landmarks, and therefore the encodings, agree with those of the register's reference
photos enrolled before the detector changed.

Boxes are (top, right, bottom, left) in upright full-resolution pixels of their frame. Nothing
heavy happens at import time: the models are loaded on first use.
"""

from __future__ import annotations

import io
import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from croftpost.core.face_detector import BlazeFaceDetector, Detection, DetectorParams
from croftpost.core.matching import FACE_MODEL_NAME
from croftpost.core.photos import Photo, iter_frames, load_photo
from croftpost.errors import BadPhoto

Box = tuple[int, int, int, int]  # top, right, bottom, left
_FORMAT_VERSION = 4  # 4: BlazeFace, every frame, faces too small to identify kept unencoded

MIN_FACE_PX = 24  # the smallest face every check looks for (see README: about 15 m away)
IDENTIFY_PX = 40  # the smallest face matched against the register (identify_by_size)

# BlazeFace box -> dlib HOG box, fitted on the 111 faces both find in ../shared/faces (medians,
# `benchmarks/box_calibration.py`): dlib's box is 0.93 as wide and as high, on the same centre.
_DLIB_SIZE = 0.931
_DLIB_SHIFT_UP = 0.0


class EnrolmentRefused(BadPhoto):
    """A reference photo that cannot safely stand for one pupil (no face, several faces)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code  # "no_face" | "several_faces" | "face_too_small" | "not_a_face_chip"


@dataclass(frozen=True)
class ScanParams:
    """Detection and encoding settings. Changing any of them changes `key` (and the cache)."""

    detector: DetectorParams = field(default_factory=lambda: DetectorParams(MIN_FACE_PX))
    identify_px: int = IDENTIFY_PX
    encode_face_px: int = 120  # the encoder's chip holds a ~100 px face: no sharper needed

    @property
    def min_face_px(self) -> int:
        return self.detector.min_face_px

    @property
    def key(self) -> str:
        return (
            f"{FACE_MODEL_NAME}; {self.detector.key}; identify>={self.identify_px}px "
            f"encode>={self.encode_face_px}px; v{_FORMAT_VERSION}"
        )


DEFAULT_PARAMS = ScanParams()


@dataclass(frozen=True)
class DetectedFace:
    box: Box
    # 128 numbers, or None for a face too small to identify. Biometric data: never log it.
    encoding: tuple[float, ...] | None
    frame: int = 0  # which frame of an animation or multi-page file

    @property
    def identifiable(self) -> bool:
        return self.encoding is not None


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
    identify_px: int = 0  # faces narrower than this were found but not identified
    frames: int = 1  # every one of them was read
    # Where the time went (decode, detect, encode): for the benchmark, never cached.
    seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

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
            "identify_px": self.identify_px,
            "frames": self.frames,
            "faces": [
                {
                    "box": list(f.box),
                    "encoding": None if f.encoding is None else list(f.encoding),
                    "frame": f.frame,
                }
                for f in self.faces
            ],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PhotoScan:
        """Raises ValueError/KeyError/TypeError on a malformed record (treat as a cache miss)."""
        faces = tuple(
            DetectedFace(_box(f["box"]), _encoding(f["encoding"]), int(f.get("frame", 0)))
            for f in d["faces"]
        )
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
            int(d.get("identify_px", 0)),
            int(d.get("frames", 1)),
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


def _encoding(values: Sequence[Any] | None) -> tuple[float, ...] | None:
    if values is None:
        return None
    enc = tuple(float(v) for v in values)
    if len(enc) != 128 or not all(math.isfinite(v) for v in enc):
        raise ValueError("a face encoding has 128 finite numbers")
    return enc


# -- models -------------------------------------------------------------------------------------


def load_models(params: ScanParams = DEFAULT_PARAMS) -> None:
    """Load the models now (a worker process does this once, before its first photo).

    Worker processes already keep every core busy, and OpenBLAS threads that wait for a busy
    core made one encoding 3-10 times slower: each worker multiplies on one thread."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    _detector(params.detector)
    _landmarks()
    _encoder()


@cache
def _detector(params: DetectorParams) -> BlazeFaceDetector:
    return BlazeFaceDetector(params)


@cache
def _landmarks() -> Any:
    """dlib's 5-point landmark predictor, which places the encoder's face chip."""
    import dlib
    import face_recognition_models

    return dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())


@cache
def _encoder() -> Any:
    from croftpost.core.dlib_resnet import load_resnet

    return load_resnet()


# -- one photo ----------------------------------------------------------------------------------


def scan_photo(path: Path | str, params: ScanParams = DEFAULT_PARAMS) -> PhotoScan:
    """Find every face in every frame of a photo, and encode those large enough to identify.
    Raises BadPhoto for unreadable files."""
    faces: list[DetectedFace] = []
    seconds = dict.fromkeys(("decode", "detect", "encode"), 0.0)
    frames = iter_frames(path, _detection_decode(params))
    info = None
    for index in itertools.count():
        start = time.perf_counter()
        frame = next(frames, None)
        seconds["decode"] += time.perf_counter() - start
        if frame is None:
            break
        info = frame.info
        full_size = (info.width, info.height) if index == 0 else frame.image.size
        start = time.perf_counter()
        boxes = detect_boxes(frame.image, full_size, params.detector)
        seconds["detect"] += time.perf_counter() - start
        start = time.perf_counter()
        faces += _faces_of_frame(path, frame, index, full_size, boxes, params)
        seconds["encode"] += time.perf_counter() - start
    assert info is not None  # iter_frames yields at least the first frame or raises
    return PhotoScan(
        str(path),
        info.width,
        info.height,
        info.gps,
        info.content_hash,
        tuple(faces),
        params.key,
        info.format,
        params.min_face_px,
        params.identify_px,
        info.frames,
        seconds,
    )


def _detection_decode(params: ScanParams) -> Any:
    """The long side to decode a photo at: the detector's finest level (a JPEG draft)."""
    scale = params.detector.input_face_px / params.detector.min_face_px
    return lambda long_side: math.ceil(long_side * scale) if scale < 1 else None


def detect_boxes(
    image: Image.Image, full_size: tuple[int, int], params: DetectorParams | None = None
) -> list[Box]:
    """Faces in `image` (possibly a reduced decode of a `full_size` frame) as dlib-style boxes in
    full-size pixels, clipped to the frame, left to right."""
    width, height = full_size
    detector = _detector(params or DEFAULT_PARAMS.detector)
    boxes = [_clip(to_dlib_box(d), width, height) for d in detector.detect(image, full_size)]
    boxes = [b for b in boxes if b[2] > b[0] and b[1] > b[3]]
    return sorted(boxes, key=lambda b: (b[3], b[0]))


def to_dlib_box(d: Detection) -> Box:
    """BlazeFace's box in the style of dlib's HOG detector (see _DLIB_SIZE)."""
    cx = (d.left + d.right) / 2
    cy = (d.top + d.bottom) / 2 - _DLIB_SHIFT_UP * d.height
    half_w, half_h = d.width * _DLIB_SIZE / 2, d.height * _DLIB_SIZE / 2
    return round(cy - half_h), round(cx + half_w), round(cy + half_h), round(cx - half_w)


def _clip(box: Box, width: int, height: int) -> Box:
    top, right, bottom, left = box
    return max(top, 0), min(right, width), min(bottom, height), max(left, 0)


def _width(box: Box) -> int:
    return min(box[1] - box[3], box[2] - box[0])


def _faces_of_frame(
    path: Path | str,
    frame: Photo,
    index: int,
    full_size: tuple[int, int],
    boxes: list[Box],
    params: ScanParams,
) -> list[DetectedFace]:
    """The frame's faces; only those at least identify_px wide carry an encoding."""
    wanted = [i for i, b in enumerate(boxes) if _width(b) >= params.identify_px]
    encodings = _encode(path, frame, index, full_size, [boxes[i] for i in wanted], params)
    by_index = dict(zip(wanted, encodings, strict=True))
    return [DetectedFace(b, by_index.get(i), index) for i, b in enumerate(boxes)]


def _encode(
    path: Path | str,
    frame: Photo,
    index: int,
    full_size: tuple[int, int],
    boxes: list[Box],
    params: ScanParams,
) -> list[tuple[float, ...]]:
    """Encode from a decode where the smallest face is >= encode_face_px (or full size)."""
    if not boxes:
        return []
    scale = min(1.0, params.encode_face_px / max(min(_width(b) for b in boxes), 1))
    image = frame.image
    if scale * full_size[0] > image.width * 1.05:
        sharper = load_photo(path, math.ceil(max(full_size) * scale), fit=False, frame=index)
        if sharper.info.content_hash != frame.info.content_hash:
            raise BadPhoto(f"{frame.info.name} changed while it was being scanned.")
        image = sharper.image
    k = image.width / full_size[0], image.height / full_size[1]
    scaled = [
        (round(t * k[1]), round(r * k[0]), round(b * k[1]), round(left * k[0]))
        for t, r, b, left in boxes
    ]
    return encode_faces_at(image, scaled)


def encode_faces_at(image: Image.Image, boxes: Sequence[Box]) -> list[tuple[float, ...]]:
    """The encodings of faces at `boxes` (in this RGB image's pixels), in one batch: 5-point
    landmarks and dlib's 150 px chip from the pixels around each face, then the ResNet.

    Each face is cut out with a face's width to spare on every side, more than its chip ever
    reaches, so the chips are those of the whole image without copying a 100 MP photo."""
    import dlib

    from croftpost.core.dlib_resnet import face_chips

    if not boxes:
        return []
    predictor = _landmarks()
    chips = []
    for top, right, bottom, left in boxes:
        margin = max(right - left, bottom - top)
        x0, y0 = max(0, left - margin), max(0, top - margin)
        x1, y1 = min(image.width, right + margin), min(image.height, bottom + margin)
        pixels = np.ascontiguousarray(np.asarray(image.crop((x0, y0, x1, y1))), dtype=np.uint8)
        face = dlib.rectangle(left - x0, top - y0, right - x0, bottom - y0)
        chips.append(face_chips(pixels, [predictor(pixels, face)])[0])
    vectors = _encoder().encode_chips(np.stack(chips))
    return [tuple(float(v) for v in vector) for vector in vectors]


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
    # Decoded and detected exactly as a scan does, so a reference photo that is later checked
    # gives the same box and the same encoding.
    photo = next(iter_frames(path, _detection_decode(params)))
    info = photo.info
    if info.frames > 1:
        raise EnrolmentRefused(
            f"{info.name} has {info.frames} frames: use a still photo of the pupil.", "no_face"
        )
    full_size = (info.width, info.height)
    boxes = detect_boxes(photo.image, full_size, params.detector)
    box = _reference_box(path, boxes, whole_image_is_face)
    if _width(box) < MIN_REFERENCE_FACE_PX:
        raise EnrolmentRefused(
            f"The face in {info.name} is too small to enrol reliably: use a closer photo.",
            "face_too_small",
        )
    encoding = _encode(path, photo, 0, full_size, [box], params)[0]
    return ReferenceFace(encoding, box, info.content_hash, params.key, info.width, info.height)


def _reference_box(path: Path | str, boxes: list[Box], whole_image_is_face: bool) -> Box:
    name = Path(path).name
    if len(boxes) > 1:
        raise EnrolmentRefused(
            f"{name} shows {len(boxes)} faces: use a photo of the pupil "
            "alone, or crop it to their face.",
            "several_faces",
        )
    if whole_image_is_face:
        return _whole_chip_box(load_photo(path))
    if not boxes:
        raise EnrolmentRefused(
            f"{name} shows no face croftpost can find: use a clear, front-facing photo.", "no_face"
        )
    return boxes[0]


def _whole_chip_box(photo: Photo) -> Box:
    """The whole picture as the face box, once the detector confirms it holds a face."""
    w, h = photo.info.width, photo.info.height
    if max(w, h) > 1.5 * min(w, h):
        raise EnrolmentRefused(
            f"{photo.info.name} is not a face crop (it is far from square): "
            "crop it tightly to the face.",
            "not_a_face_chip",
        )
    if not chip_shows_a_face(photo.image):
        raise EnrolmentRefused(
            f"{photo.info.name} shows no face croftpost can find: use a clear, front-facing "
            "crop of the face.",
            "no_face",
        )
    return 0, w, h, 0


def chip_shows_a_face(chip: Image.Image) -> bool:
    """Whether a face is found over the chip's centre once it sits, 150 px wide, in a grey
    frame three times its size: a tight crop gives the detector no context, and this guards
    against enrolling a picture that is not a face at all."""
    k = 150 / chip.width
    small = chip.resize((150, max(1, round(chip.height * k))), Image.Resampling.BILINEAR)
    framed = ImageOps.expand(small, border=150, fill=(128, 128, 128))
    cx, cy = framed.width / 2, framed.height / 2
    found = _detector(DEFAULT_PARAMS.detector).detect(framed)
    return any(d.left <= cx <= d.right and d.top <= cy <= d.bottom for d in found)


def face_thumbnail(path: Path | str, box: Box, size: int = 96, frame: int = 0) -> bytes:
    """A square JPEG of one face (with some margin) for the screens; it carries no metadata."""
    photo = load_photo(path, frame=frame)
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
