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
levels are read in overlapping tiles of at most `tile_pixels` (about 200 MB of working memory
whatever the photo's size). Detections from every level and tile are merged by weighted non-maximum
suppression, as MediaPipe does.

Nothing here touches the database or Qt; the model is loaded on first use, never at import.
"""

from __future__ import annotations

import contextlib
import functools
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
    tile_pixels: int = 1_200_000  # the largest input read at once: about 200 MB of memory
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
            f"t{self.tile_pixels} s{self.min_score:g} c{self.candidate_score:g}@"
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
        levels.append(Level(s, size, _tiles(size, params.tile_pixels, _overlap(params))))
    return levels


def _overlap(params: DetectorParams) -> int:
    """Tiles overlap by twice the widest face only this level finds (a wider one is found at
    the next level), so every face lies whole in some tile with context around it: near a
    tile's edge the network scores faces lower (1.25 times lost a 45 px face at a seam)."""
    return math.ceil(params.input_face_px * params.level_ratio * 2)


def _tiles(size: tuple[int, int], tile_pixels: int, overlap: int) -> tuple[Tile, ...]:
    """Equal tiles (one model shape per level), sides multiples of 32, each at most
    `tile_pixels`, covering `size` with the least padding."""
    best: tuple[int, list[tuple[int, int]], list[tuple[int, int]]] | None = None
    for cols in range(1, 1 + math.ceil(size[0] / _MULTIPLE)):
        across = _spans(size[0], cols, overlap)
        for rows in range(1, 1 + math.ceil(size[1] / _MULTIPLE)):
            down = _spans(size[1], rows, overlap)
            if across[0][1] * down[0][1] <= tile_pixels:
                total = cols * rows * across[0][1] * down[0][1]
                if best is None or total < best[0]:
                    best = (total, across, down)
                break  # more rows only adds padding
    if best is None:
        raise ValueError(f"cannot tile {size} in {tile_pixels} pixels")
    _, across, down = best
    return tuple((x, y, w, h) for y, h in down for x, w in across)


def _spans(length: int, count: int, overlap: int) -> list[tuple[int, int]]:
    """`count` equal spans (multiples of 32) covering `length`, overlapping by `overlap`."""
    span = _round_up(math.ceil((length + (count - 1) * overlap) / count))
    step = (length - span) / (count - 1) if count > 1 else 0
    return [(max(0, round(i * step)), span) for i in range(count)]


def _round_up(n: int) -> int:
    return max(_MULTIPLE, math.ceil(n / _MULTIPLE) * _MULTIPLE)


class BlazeFaceDetector:
    """One LiteRT interpreter per input shape, kept for the next photo of the same size.

    Not thread-safe by design: each face scanning worker process owns one."""

    def __init__(self, params: DetectorParams | None = None) -> None:
        self.params = params or DetectorParams()
        _verified_model()  # a wrong model file is refused now, not on the first photo
        self._interpreters: OrderedDict[tuple[int, int, int], _Runner] = OrderedDict()
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
            sure += self._confirmed(image, unsure, image.width / width)
        return weighted_nms(sure)

    def _confirmed(
        self, image: Image.Image, candidates: list[Detection], k: float
    ) -> list[Detection]:
        """The candidates that every second look finds, as the first look sees them close up.
        `k`: image pixels per photo pixel."""
        alive = list(range(len(candidates)))
        seen: dict[int, Detection] = {}
        for face_px in self.params.confirm_face_px:
            looks = self._second_looks(image, [candidates[i] for i in alive], k, face_px)
            for i, look in zip(alive, looks, strict=True):
                if look is not None:
                    seen.setdefault(i, look)
            alive = [i for i, look in zip(alive, looks, strict=True) if look is not None]
        return [seen[i] for i in alive]

    def _candidates(self, found: list[Detection], sure: list[Detection]) -> list[Detection]:
        """The low-scoring boxes worth a second look, best first: apart from every face
        already found, and at most `_SECOND_LOOKS` of them (a bound on the time)."""
        # Only small faces score low at the finest level: a larger one is found by the next.
        widest = self.params.min_face_px * self.params.level_ratio
        low = [d for d in found if d.score < self.params.min_score and d.width < widest]
        taken = np.array([(d.left, d.top, d.right, d.bottom) for d in sure], dtype=np.float64)
        alone = [d for d in weighted_nms(low)
                 if not len(taken) or _ious(_array(d), taken).max() <= 0]
        return alone[:_SECOND_LOOKS]

    def _second_looks(
        self, image: Image.Image, candidates: list[Detection], k: float, face_px: float
    ) -> list[Detection | None]:
        """Each candidate's surroundings, from the decoded image, enlarged so the face is
        `face_px` wide in a 96 px window, read _LOOK_BATCH at a time: the face found over the
        window's centre, or None."""
        side = _CONFIRM_WINDOW
        areas = [_look_area(c, k, face_px) for c in candidates]
        out: list[Detection | None] = []
        for start in range(0, len(areas), _LOOK_BATCH):
            batch = areas[start:start + _LOOK_BATCH]
            windows = np.zeros((_LOOK_BATCH, side, side, 3), np.float32)
            for n, area in enumerate(batch):
                windows[n] = _crop(image, area, side)
            scores, boxes = self._runner((side, side), _LOOK_BATCH).run(windows)
            out += [_centre_face(scores[n], boxes[n], area, side, k, self.params.confirm_score)
                    for n, area in enumerate(batch)]
        return out

    def _levels(
        self, image: Image.Image, width: int, height: int
    ) -> Iterator[tuple[Level, np.ndarray]]:
        for level in plan_levels(width, height, self.params):
            scaled = image if image.size == level.size else _resize(image, level.size)
            yield level, np.asarray(scaled)  # uint8: each tile is made float on its own

    def _detect_tile(
        self, pixels: np.ndarray, tile: tuple[int, int, int, int], scale: float
    ) -> list[Detection]:
        left, top, width, height = tile
        window = np.zeros((height, width, 3), np.float32)  # padding reads as mid grey
        part = pixels[top : top + height, left : left + width]
        window[: part.shape[0], : part.shape[1]] = part
        window[: part.shape[0], : part.shape[1]] *= 1 / 127.5
        window[: part.shape[0], : part.shape[1]] -= 1.0
        scores, boxes = self._runner((height, width)).run(window[np.newaxis])
        return _decode(scores[0], boxes[0], left, top, scale, self.params.candidate_score)

    def _runner(self, shape: tuple[int, int], batch: int = 1) -> _Runner:
        """An interpreter for this input, kept for the next photo of the same size while the
        kept ones read at most _KEEP_PIXELS at once (each holds ~170 bytes a pixel)."""
        key = (*shape, batch)
        runner = self._interpreters.pop(key, None)
        if runner is None:
            budget = _KEEP_PIXELS - shape[0] * shape[1] * batch
            while self._interpreters and _pixels(self._interpreters) > budget:
                self._interpreters.popitem(last=False)  # the longest unused goes first
            runner = _Runner(shape, batch)
        self._interpreters[key] = runner
        return runner


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


_KEEP_PIXELS = 1_500_000  # interpreters kept between photos: about 250 MB of arenas


def _pixels(runners: OrderedDict[tuple[int, int, int], _Runner]) -> int:
    return sum(h * w * n for h, w, n in runners)


_CONFIRM_WINDOW = 96  # the second look's input: the face and three more face widths around it
_SECOND_LOOKS = 64  # about 1 ms each
_LOOK_BATCH = 8  # second looks read at once


Area = tuple[float, float, float, float]  # left, top, right, bottom in image pixels


def _look_area(candidate: Detection, k: float, face_px: float) -> Area:
    """The square around a candidate that, at _CONFIRM_WINDOW px, shows it `face_px` wide."""
    crop_side = _CONFIRM_WINDOW * max(candidate.width, candidate.height) * k / face_px
    cx = (candidate.left + candidate.right) / 2 * k
    cy = (candidate.top + candidate.bottom) / 2 * k
    return cx - crop_side / 2, cy - crop_side / 2, cx + crop_side / 2, cy + crop_side / 2


def _centre_face(
    scores: np.ndarray, boxes: np.ndarray, area: Area, side: int, k: float, min_score: float
) -> Detection | None:
    """The face found over the centre of a second look's window, in photo pixels."""
    left, top, right, _ = area
    zoom = side / (right - left)  # window pixels per image pixel
    for d in _decode(scores, boxes, 0, 0, 1.0, min_score):
        if d.left <= side / 2 <= d.right and d.top <= side / 2 <= d.bottom:
            return Detection(
                (left + d.left / zoom) / k,
                (top + d.top / zoom) / k,
                (left + d.right / zoom) / k,
                (top + d.bottom / zoom) / k,
                d.score,
            )
    return None


def _array(d: Detection) -> np.ndarray:
    return np.array([d.left, d.top, d.right, d.bottom], dtype=np.float64)


def _crop(image: Image.Image, area: Area, side: int) -> np.ndarray:
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
    """A LiteRT interpreter set up for `batch` inputs of one shape."""

    def __init__(self, shape: tuple[int, int], batch: int = 1) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.batch = batch
        with _quiet_stderr():  # LiteRT prints "INFO: Created ... XNNPACK delegate" to fd 2
            self._interpreter = Interpreter(model_content=_model_for(shape, batch), num_threads=1)
            self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = {d["name"]: d["index"] for d in self._interpreter.get_output_details()}
        self._scores = next(i for n, i in outputs.items() if "classifier" in n)
        self._boxes = next(i for n, i in outputs.items() if "regressor" in n)

    def run(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores n x H/4 x W/4, box offsets n x H/4 x W/4 x 16) for `batch` normalised RGB
        windows (n x H x W x 3)."""
        self._interpreter.set_tensor(self._input, windows)
        self._interpreter.invoke()
        scores = self._interpreter.get_tensor(self._scores)[..., 0]
        return scores, self._interpreter.get_tensor(self._boxes)


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
def _verified_model() -> bytes:
    """The stock model file, checked against the hash it shipped with."""
    data = model_path().read_bytes()
    if hashlib.sha256(data).hexdigest() != MODEL_SHA256:
        raise RuntimeError(f"{MODEL_FILE} is not the face detection model croftpost ships.")
    return data


@functools.lru_cache(maxsize=16)
def _model_for(shape: tuple[int, int], batch: int) -> bytes:
    """The stock model rewritten to read `batch` inputs of `shape` (height, width, multiples
    of 32) at once: the two final RESHAPEs go (the outputs become the score and box grids)
    and the three RESIZE_BILINEAR sizes are set for this shape. Fixed shapes let LiteRT's
    XNNPACK run the whole network as one graph (sizes fed at run time split it: 15% slower)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    data = _verified_model()
    model: Any = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    graph = model.subgraphs[0]
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    ops, outputs, resized = [], [], 0
    for op in graph.operators:
        code = codes[op.opcodeIndex]
        if code == schema.BuiltinOperator.RESHAPE and op.outputs[0] in graph.outputs:
            outputs.append(op.inputs[0])
            continue
        if code == schema.BuiltinOperator.RESIZE_BILINEAR:
            buffer = model.buffers[graph.tensors[op.inputs[1]].buffer]
            stock = np.frombuffer(bytes(buffer.data), np.int32)
            size = np.array(shape) * stock // _STOCK_INPUT  # 12, 24, 48 of 192
            buffer.data = np.frombuffer(size.astype(np.int32).tobytes(), np.uint8)
            resized += 1
        ops.append(op)
    if len(outputs) != 2 or resized != 3:
        raise RuntimeError(f"{MODEL_FILE} does not have the layout croftpost expects.")
    graph.operators, graph.outputs = ops, outputs
    graph.tensors[graph.inputs[0]].shape = np.array([batch, *shape, 3], np.int32)
    builder = flatbuffers.Builder(len(data) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
