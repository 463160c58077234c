"""Finding faces: MediaPipe's BlazeFace full-range model, run by LiteRT on whole photos.

dlib's HOG detector finds faces from 80 px and reaches smaller ones only by upsampling the photo,
which is what made small faces expensive. BlazeFace is a small convolutional network (1 MB,
Apache-2.0, `assets/models/`, see its NOTICE) that finds faces about 12 to 80 px wide in its
input. Its body is fully convolutional, so instead of squeezing a photo into its 192 x 192 input
(where a child at the back of the hall would be a couple of pixels) it reads the photo itself
(`_whole_image_model`): the final reshapes are dropped and the three upsampling sizes become
inputs, so one model takes any size that is a multiple of 32.

A photo is read as a pyramid (`plan_levels`): the finest level scales it so that the smallest
face looked for (`DetectorParams.min_face_px`, in the photo's own pixels, whatever its shape)
becomes `input_face_px` wide; each coarser level is `level_ratio` times smaller, down to a level
where the whole photo is one small input, so a face that fills the frame is found too. Large
levels are read in overlapping tiles of at most `tile_px` (memory stays near 200 MB whatever the
photo's size). Detections from every level and tile are merged by weighted non-maximum
suppression, as MediaPipe does.

Nothing here touches the database or Qt; the model is loaded on first use, never at import.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from croftpost.config import assets_dir

MODEL_FILE = "face_detection_full_range.tflite"
MODEL_SHA256 = "99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3"
_STRIDE = 4  # one anchor per 4 x 4 input pixels, as in MediaPipe's full-range configuration
_MULTIPLE = 32  # the network halves its input five times


@dataclass(frozen=True)
class DetectorParams:
    """How the pyramid is built. Changing any of them changes `key` (and the scan cache)."""

    min_face_px: int = 24  # in the photo's own pixels
    # How wide that face is in the finest level's input. 12 px: a 12 MP JPEG's finest level is
    # its half-size draft decode; with the second look below it found 43 of 43 faces at 24 px
    # and 42-43 at 26-32 px (dlib's annotated group photos, each pasted alone at each size).
    input_face_px: float = 12.0
    level_ratio: float = 4.0  # each coarser level is this many times smaller
    coarsest_px: int = 128  # the last level: the whole photo's long side this wide
    tile_px: int = 1024  # the largest input read at once (memory)
    min_score: float = 0.5  # as MediaPipe; 0.4 added 3 false faces in ../shared/faces
    # A second look: a box scoring at least `candidate_score` but under `min_score` is read
    # again on its own, enlarged so the face is each of `confirm_face_px` wide, and kept if it
    # then scores `confirm_score` at every one of them. Faces of 24-35 px score low at the
    # finest level; enlarged, real ones score high (two sizes: bokeh and a hand passed one).
    # Measured on the first held-out scenes (benchmarks/heldout_faces.py), which this was then
    # tuned on: faces of 24-64 px found 39 -> 49 of 54.
    candidate_score: float = 0.1
    confirm_face_px: tuple[float, ...] = (24.0, 32.0)
    confirm_score: float = 0.5

    @property
    def key(self) -> str:
        return (
            f"blazeface-full-range {MODEL_SHA256[:8]} from {self.min_face_px}px "
            f"in{self.input_face_px:g} r{self.level_ratio:g} c{self.coarsest_px} "
            f"t{self.tile_px} s{self.min_score:g} c{self.candidate_score:g}@"
            f"{'+'.join(f'{px:g}' for px in self.confirm_face_px)}>{self.confirm_score:g}"
        )


@dataclass(frozen=True)
class Detection:
    """A face in the photo's own (upright) pixels: BlazeFace's box, not yet dlib's style."""

    left: float
    top: float
    right: float
    bottom: float
    score: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


Tile = tuple[int, int, int, int]  # left, top, width, height


@dataclass(frozen=True)
class Level:
    """One level of the pyramid: the photo resized to `size`, read in these tiles."""

    scale: float  # level pixels per photo pixel
    size: tuple[int, int]  # width, height
    tiles: tuple[Tile, ...]  # left, top, width, height (multiples of 32)


def plan_levels(width: int, height: int, params: DetectorParams) -> list[Level]:
    """The pyramid for a photo of this size (pure arithmetic, so it can be tested alone)."""
    long_side = max(width, height)
    scales: list[float] = []
    scale = params.input_face_px / params.min_face_px
    while long_side * scale > params.coarsest_px:
        scales.append(scale)
        scale /= params.level_ratio
    scales.append(params.coarsest_px / long_side)
    levels = []
    for s in scales:
        size = (max(1, round(width * s)), max(1, round(height * s)))
        levels.append(Level(s, size, _tiles(size, params.tile_px, _overlap(params))))
    return levels


def _overlap(params: DetectorParams) -> int:
    """Tiles overlap by the widest face a level finds, so every face lies whole in one tile."""
    widest = params.input_face_px * params.level_ratio * 1.5
    return math.ceil(widest / _MULTIPLE) * _MULTIPLE


def _tiles(size: tuple[int, int], tile_px: int, overlap: int) -> tuple[Tile, ...]:
    """Equal tiles (one model shape per level), each a multiple of 32, covering `size`."""
    spans = [_spans(length, tile_px, overlap) for length in size]
    return tuple((x, y, w, h) for y, h in spans[1] for x, w in spans[0])


def _spans(length: int, tile_px: int, overlap: int) -> list[tuple[int, int]]:
    padded = _round_up(length)
    count = 1 if padded <= tile_px else math.ceil((length - overlap) / (tile_px - overlap))
    span = _round_up(math.ceil((length + (count - 1) * overlap) / count))
    step = (length - span) / (count - 1) if count > 1 else 0
    return [(round(i * step), span) for i in range(count)]


def _round_up(n: int) -> int:
    return max(_MULTIPLE, math.ceil(n / _MULTIPLE) * _MULTIPLE)


class BlazeFaceDetector:
    """One LiteRT interpreter per input shape, kept for the next photo of the same size.

    Not thread-safe by design: each face scanning worker process owns one."""

    _KEEP_SHAPES = 6

    def __init__(self, params: DetectorParams | None = None) -> None:
        self.params = params or DetectorParams()
        self._model = _whole_image_model()
        self._interpreters: OrderedDict[tuple[int, int], _Runner] = OrderedDict()
        self._lock = threading.Lock()

    def detect(self, image: Image.Image, photo_size: tuple[int, int] | None = None) -> list[
        Detection
    ]:
        """Every face in an RGB image, in the pixels of `photo_size` (the full-size photo the
        image may be a reduced decode of; default: the image's own size)."""
        width, height = photo_size or image.size
        found: list[Detection] = []
        with self._lock:
            for level, pixels in self._levels(image, width, height):
                for tile in level.tiles:
                    found += self._detect_tile(pixels, tile, level.scale)
            sure = [d for d in found if d.score >= self.params.min_score]
            unsure = self._candidates(found, weighted_nms(sure))
            k = image.width / width
            sure += [c for d in unsure if (c := self._confirmed(image, d, k)) is not None]
        return weighted_nms(sure)

    def _confirmed(self, image: Image.Image, candidate: Detection, k: float) -> Detection | None:
        """The candidate as seen close up, if every second look finds it."""
        looks = [self._second_look(image, candidate, k, px) for px in self.params.confirm_face_px]
        return looks[0] if looks and all(looks) else None

    def _candidates(self, found: list[Detection], sure: list[Detection]) -> list[Detection]:
        """The low-scoring boxes worth a second look, best first: apart from every face
        already found, and at most `_SECOND_LOOKS` of them (a bound on the time)."""
        low = [d for d in found if d.score < self.params.min_score]
        taken = np.array([(d.left, d.top, d.right, d.bottom) for d in sure], dtype=np.float64)
        alone = [d for d in weighted_nms(low)
                 if not len(taken) or _ious(_array(d), taken).max() <= 0]
        return alone[:_SECOND_LOOKS]

    def _second_look(
        self, image: Image.Image, candidate: Detection, k: float, face_px: float
    ) -> Detection | None:
        """The candidate's surroundings, from the decoded image, enlarged so the face is
        `face_px` wide in a 96 px window: the face found over its centre, or None.
        `k`: image pixels per photo pixel."""
        side = _CONFIRM_WINDOW
        face = max(candidate.width, candidate.height) * k
        crop_side = side * face / face_px
        cx = (candidate.left + candidate.right) / 2 * k
        cy = (candidate.top + candidate.bottom) / 2 * k
        left, top = cx - crop_side / 2, cy - crop_side / 2
        window = _crop(image, (left, top, left + crop_side, top + crop_side), side)
        scores, boxes = self._runner((side, side)).run(window)
        zoom = side / crop_side  # window pixels per image pixel
        for d in _decode(scores, boxes, 0, 0, 1.0, self.params.confirm_score):
            if d.left <= side / 2 <= d.right and d.top <= side / 2 <= d.bottom:
                return Detection(
                    (left + d.left / zoom) / k,
                    (top + d.top / zoom) / k,
                    (left + d.right / zoom) / k,
                    (top + d.bottom / zoom) / k,
                    d.score,
                )
        return None

    def _levels(
        self, image: Image.Image, width: int, height: int
    ) -> Iterator[tuple[Level, np.ndarray]]:
        for level in plan_levels(width, height, self.params):
            scaled = image if image.size == level.size else _resize(image, level.size)
            yield level, np.asarray(scaled, dtype=np.float32) / 127.5 - 1.0

    def _detect_tile(
        self, pixels: np.ndarray, tile: tuple[int, int, int, int], scale: float
    ) -> list[Detection]:
        left, top, width, height = tile
        window = np.zeros((height, width, 3), np.float32)  # padding reads as mid grey
        part = pixels[top : top + height, left : left + width]
        window[: part.shape[0], : part.shape[1]] = part
        scores, boxes = self._runner((height, width)).run(window)
        return _decode(scores, boxes, left, top, scale, self.params.candidate_score)

    def _runner(self, shape: tuple[int, int]) -> _Runner:
        runner = self._interpreters.pop(shape, None) or _Runner(self._model, shape)
        self._interpreters[shape] = runner
        while len(self._interpreters) > self._KEEP_SHAPES:
            self._interpreters.popitem(last=False)
        return runner


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


_CONFIRM_WINDOW = 96  # the second look's input: the face and three more face widths around it
_SECOND_LOOKS = 64  # about 1 ms each


def _array(d: Detection) -> np.ndarray:
    return np.array([d.left, d.top, d.right, d.bottom], dtype=np.float64)


def _crop(image: Image.Image, area: tuple[float, float, float, float], side: int) -> np.ndarray:
    """`area` of the image resized to side x side, normalised; outside the image is mid grey."""
    left, top, right, _ = area
    scale = side / (right - left)
    inner = _inside(area, image.size)
    x0, y0 = round((inner[0] - left) * scale), round((inner[1] - top) * scale)
    x1, y1 = round((inner[2] - left) * scale), round((inner[3] - top) * scale)
    window = np.zeros((side, side, 3), np.float32)
    if x1 > x0 and y1 > y0:
        part = image.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR, box=inner)
        window[y0:y1, x0:x1] = np.asarray(part, dtype=np.float32) / 127.5 - 1.0
    return window


def _inside(
    area: tuple[float, float, float, float], size: tuple[int, int]
) -> tuple[float, float, float, float]:
    left, top, right, bottom = area
    return max(0.0, left), max(0.0, top), min(float(size[0]), right), min(float(size[1]), bottom)


def _decode(
    scores: np.ndarray, boxes: np.ndarray, left: int, top: int, scale: float, min_score: float
) -> list[Detection]:
    """Anchor offsets to boxes in photo pixels (anchors at cell centres, fixed size 1)."""
    with np.errstate(over="ignore"):
        probability = 1.0 / (1.0 + np.exp(-np.clip(scores, -100.0, 100.0)))
    out = []
    for y, x in zip(*np.nonzero(probability >= min_score), strict=True):
        dx, dy, w, h = (float(v) for v in boxes[y, x, :4])
        cx = left + (x + 0.5) * _STRIDE + dx
        cy = top + (y + 0.5) * _STRIDE + dy
        out.append(
            Detection(
                (cx - w / 2) / scale,
                (cy - h / 2) / scale,
                (cx + w / 2) / scale,
                (cy + h / 2) / scale,
                float(probability[y, x]),
            )
        )
    return out


def weighted_nms(found: list[Detection], min_iou: float = 0.3) -> list[Detection]:
    """MediaPipe's weighted suppression: overlapping boxes become their score-weighted mean.
    (Vectorised: a photo's finest level can give thousands of low-scoring candidates.)"""
    if not found:
        return []
    boxes = np.array([(d.left, d.top, d.right, d.bottom) for d in found], dtype=np.float64)
    scores = np.array([d.score for d in found], dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    boxes, scores = boxes[order], scores[order]
    alive = np.ones(len(found), dtype=bool)
    merged = []
    for best in range(len(found)):
        if not alive[best]:
            continue
        group = np.flatnonzero(alive & (_ious(boxes[best], boxes) >= min_iou))
        weights = scores[group]
        left, top, right, bottom = weights @ boxes[group] / weights.sum()
        merged.append(Detection(left, top, right, bottom, float(scores[best])))
        alive[group] = False
    return merged


def _ious(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one (left, top, right, bottom) box with each of `boxes`."""
    w = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    h = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = (box[2] - box[0]) * (box[3] - box[1]) + areas - inter
    ratio: np.ndarray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return ratio


def iou(a: Detection, b: Detection) -> float:
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a.width * a.height + b.width * b.height - inter)


class _Runner:
    """A LiteRT interpreter set up for one input shape."""

    def __init__(self, model: _Model, shape: tuple[int, int]) -> None:
        from ai_edge_litert.interpreter import Interpreter

        height, width = shape
        with _quiet_stderr():  # LiteRT prints "INFO: Created ... XNNPACK delegate" to fd 2
            self._interpreter = Interpreter(model_content=model.content, num_threads=1)
            inputs = self._interpreter.get_input_details()
            self._input = inputs[0]["index"]
            self._interpreter.resize_tensor_input(self._input, [1, height, width, 3])
            self._interpreter.allocate_tensors()
        for detail, (fy, fx) in zip(inputs[1:], model.upsampled, strict=True):
            size = np.array([round(fy * height), round(fx * width)], np.int32)
            self._interpreter.set_tensor(detail["index"], size)
        outputs = {d["name"]: d["index"] for d in self._interpreter.get_output_details()}
        self._scores = next(i for n, i in outputs.items() if "classifier" in n)
        self._boxes = next(i for n, i in outputs.items() if "regressor" in n)

    def run(self, window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores H/4 x W/4, box offsets H/4 x W/4 x 16) for one normalised RGB window."""
        self._interpreter.set_tensor(self._input, window[np.newaxis])
        self._interpreter.invoke()
        scores = self._interpreter.get_tensor(self._scores)[0, :, :, 0]
        return scores, self._interpreter.get_tensor(self._boxes)[0]


_STOCK_INPUT = 192


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Standard error closed at the file-descriptor level while LiteRT sets up: its C++ logger
    ignores every setting, and an INFO line would land in the command line's output. Errors
    still arrive: LiteRT raises them as Python exceptions."""
    try:
        saved = os.dup(2)
    except OSError:  # no standard error at all (a windowed app): nothing to hide
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def model_path() -> Path:
    return assets_dir() / "models" / MODEL_FILE


@cache
def _whole_image_model() -> _Model:
    """The stock model rewritten to read any input size (checked against its known hash)."""
    data = model_path().read_bytes()
    if hashlib.sha256(data).hexdigest() != MODEL_SHA256:
        raise RuntimeError(f"{MODEL_FILE} is not the face detection model croftpost ships.")
    return _rewrite(data)


@dataclass(frozen=True)
class _Model:
    content: bytes
    upsampled: tuple[tuple[float, float], ...]  # each upsampling's size per input pixel


def _rewrite(data: bytes) -> _Model:
    """Drop the two final RESHAPEs (outputs become the score and box grids) and turn the three
    RESIZE_BILINEAR size constants into inputs, set per shape by `_Runner`."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model: Any = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    graph = model.subgraphs[0]
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    ops, outputs, sizes = [], [], []
    for op in graph.operators:
        code = codes[op.opcodeIndex]
        if code == schema.BuiltinOperator.RESHAPE and op.outputs[0] in graph.outputs:
            outputs.append(op.inputs[0])
            continue
        if code == schema.BuiltinOperator.RESIZE_BILINEAR:
            size = graph.tensors[op.inputs[1]]
            stock = np.frombuffer(bytes(model.buffers[size.buffer].data), np.int32)
            size.buffer = 0  # no constant: it is fed at run time
            sizes.append((op.inputs[1], int(stock[0]), int(stock[1])))
        ops.append(op)
    if len(outputs) != 2 or not sizes:
        raise RuntimeError(f"{MODEL_FILE} does not have the layout croftpost expects.")
    graph.operators = ops
    graph.outputs = outputs
    graph.inputs = [graph.inputs[0], *(tensor for tensor, _, _ in sizes)]
    builder = flatbuffers.Builder(len(data) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    # Each upsampling's output size, as a fraction of the input: 12/192, 24/192, 48/192.
    fractions = tuple((h / _STOCK_INPUT, w / _STOCK_INPUT) for _, h, w in sizes)
    return _Model(bytes(builder.Output()), fractions)
