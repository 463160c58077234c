"""dlib's face encoder (dlib_face_recognition_resnet_model_v1) in plain NumPy.

Why this exists: the dlib wheel used here (dlib-bin) is built without BLAS, so its ResNet takes
~80-160 ms per face. This is the same network with the same weights, read straight from dlib's
.dat file at load time and run as im2col + one float32 matrix product per convolution on
NumPy's OpenBLAS, several faces per forward pass. Its descriptors match dlib's
`compute_face_descriptor` to float32 rounding (scripts/verify_dlib_resnet.py checks this).

The network is `anet_type` of dlib's examples/dnn_face_recognition_ex.cpp. The file holds
(dlib/serialize.h, dlib/dnn/core.h): the loss layer, one version number per layer from the
outermost (fc) inwards, the input layer, then each layer's details from the innermost (the
first convolution) outwards. Every layer name, version and tensor shape is checked against that
architecture; anything else is refused with ValueError. Tensors here are NHWC (channels last).

Threads: NumPy's OpenBLAS starts a thread per core. When the cores are already busy (worker
processes, other programs) those threads wait on each other and a face can take 3-10x longer;
processes that already use every core should run OpenBLAS single-threaded
(OPENBLAS_NUM_THREADS=1 in their environment before NumPy loads): ~12 ms per face here.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

Array = npt.NDArray[np.float32]
CHIP_SIZE = 150  # the encoder's input: dlib's 150x150 face chip with padding 0.25
CHIP_PADDING = 0.25
DESCRIPTOR_SIZE = 128
SUB_BATCH = 16  # faces per forward pass, as dlib does: at most ~70 MB of im2col and outputs
_NONE: Array = np.empty(0, np.float32)


@dataclass(frozen=True)
class _Spec:
    """One layer of the expected architecture. n: filters / outputs, or the tag number."""

    kind: str  # con affine relu max_pool avg_pool add_prev tag skip fc
    n: int = 0
    size: int = 0  # window (con, pools); 0 = the whole image
    stride: int = 1


def _block(n: int, stride: int) -> list[_Spec]:
    """dlib's `block`, innermost first: con, affine, relu, con, affine."""
    first, second = _Spec("con", n, 3, stride), _Spec("con", n, 3, 1)
    return [first, _Spec("affine", n), _Spec("relu"), second, _Spec("affine", n)]


def _ares(n: int) -> list[_Spec]:
    return [_Spec("tag", 1), *_block(n, 1), _Spec("add_prev", 1), _Spec("relu")]


def _ares_down(n: int) -> list[_Spec]:
    shortcut = [_Spec("tag", 2), _Spec("skip", 1), _Spec("avg_pool", 0, 2, 2)]
    return [_Spec("tag", 1), *_block(n, 2), *shortcut, _Spec("add_prev", 2), _Spec("relu")]


def _architecture() -> list[_Spec]:
    """anet_type, innermost (the first convolution) first, without the loss layer."""
    stem = [_Spec("con", 32, 7, 2), _Spec("affine", 32), _Spec("relu"), _Spec("max_pool", 0, 3, 2)]
    levels = [*(_ares(32) * 3), *_ares_down(64), *(_ares(64) * 3), *_ares_down(128),
              *(_ares(128) * 2), *_ares_down(256), *(_ares(256) * 2), *_ares_down(256)]
    return [*stem, *levels, _Spec("avg_pool", 0, 0, 1), _Spec("fc", DESCRIPTOR_SIZE)]


# -- dlib's serialisation format --------------------------------------------------------------


class _Reader:
    """Packed integers, strings, float_details, bools and tensors, each checked as read."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name, self.pos, self.layer = data, name, 0, ""

    def fail(self, what: str) -> ValueError:
        where = f"{self.layer}, byte {self.pos}" if self.layer else f"byte {self.pos}"
        return ValueError(f"{self.name}: not dlib's face ResNet ({what}; at {where})")

    def take(self, count: int, what: str) -> bytes:
        if self.pos + count > len(self.data):
            raise self.fail(f"file truncated while reading {what}")
        self.pos += count
        return self.data[self.pos - count:self.pos]

    def int_(self, what: str, expected: int | None = None, nbytes: int = 8,
             signed: bool = True) -> int:
        """A packed integer: a byte (length, | 0x80 if negative), then little-endian bytes."""
        control = self.take(1, what)[0]
        size = control & (0x0F if signed else 0x8F)
        if size == 0 or size > nbytes:
            raise self.fail(f"bad integer in {what}")
        value = int.from_bytes(self.take(size, what), "little")
        value = -value if signed and control & 0x80 else value
        if expected is not None and value != expected:
            raise self.fail(f"{what} is {value}, expected {expected}")
        return value

    def version(self, allowed: Sequence[str], what: str) -> str:
        raw = self.take(self.int_(what, signed=False), what)
        found = raw.decode("latin-1")
        if found not in allowed:
            raise self.fail(f"found {found!r} where {what} ({' or '.join(allowed)}) belongs")
        return found

    def float_(self, what: str) -> float:
        """dlib's float_details: mantissa (int64) * 2**exponent (int16)."""
        if self.data[self.pos:self.pos + 1] and self.data[self.pos] & 0x70:
            raise self.fail(f"old text-format number in {what}")
        mantissa, exponent = self.int_(what), self.int_(what, nbytes=2)
        if exponent > 1000:  # too large for a double, or dlib's codes for inf, -inf and nan
            raise self.fail(f"{what} is not a finite number")
        return math.ldexp(mantissa, exponent)

    def bool_(self, what: str) -> bool:
        byte = self.take(1, what)
        if byte not in (b"0", b"1"):
            raise self.fail(f"bad bool in {what}")
        return byte == b"1"

    def dims(self, what: str, expected: tuple[int, ...] | None = None) -> tuple[int, ...]:
        shape = tuple(self.int_(what) for _ in range(4))
        if min(shape) < 0 or (expected is not None and shape != expected):
            raise self.fail(f"{what} has shape {shape}, expected {expected or 'sizes >= 0'}")
        return shape

    def tensor(self, what: str) -> Array:
        """A resizable_tensor: version 2, four sizes, then little-endian float32s (returned as a
        read-only view of the file's bytes; the layers keep rearranged copies)."""
        self.int_(f"{what} version", 2, nbytes=4)
        shape = self.dims(what)
        count = math.prod(shape)
        self.take(4 * count, what)
        return np.frombuffer(self.data, "<f4", count, self.pos - 4 * count).reshape(shape)

    def alias(self, what: str, expected: tuple[int, ...]) -> None:
        """An alias_tensor: version 1 and a shape, which must be `expected`."""
        self.int_(f"{what} version", 1, nbytes=4)
        self.dims(what, expected)


@dataclass(frozen=True)
class _Layer:
    spec: _Spec
    weights: Array = field(default_factory=lambda: _NONE)  # con: (k*k*c_in, n); fc: (in, out)
    add: Array = field(default_factory=lambda: _NONE)  # con bias, affine beta
    mul: Array = field(default_factory=lambda: _NONE)  # affine gamma


def _read_con(r: _Reader, spec: _Spec, c_in: int) -> _Layer:
    version = r.version(("con_4", "con_5", "con_6"), "a convolution")
    k, n, size = spec.size, spec.n, spec.n * c_in * spec.size**2
    params = r.tensor("convolution parameters").ravel()
    r.int_("number of filters", n)
    pad = k // 2 if spec.stride == 1 else 0  # dlib's default padding
    for value in (k, k, spec.stride, spec.stride, pad, pad):
        r.int_("filter size, stride and padding", value)
    r.alias("filters", (n, c_in, k, k))
    r.alias("biases", (1, n, 1, 1))
    for _ in range(4):
        r.float_("learning rate multipliers")
    if version != "con_4" and not r.bool_("use_bias"):
        raise r.fail("convolution without bias")
    if version == "con_6" and r.bool_("use_relu"):
        raise r.fail("convolution with a built-in relu")
    if params.size != size + n:
        raise r.fail(f"convolution has {params.size} parameters, expected {size + n}")
    filters = params[:size].reshape(n, c_in, k, k).transpose(2, 3, 1, 0)
    return _Layer(spec, np.ascontiguousarray(filters.reshape(-1, n)), params[size:].copy())


def _read_affine(r: _Reader, spec: _Spec, c_in: int) -> _Layer:
    version = r.version(("affine_", "affine_2"), "an affine layer")
    params = r.tensor("affine parameters").ravel()
    r.alias("gamma", (1, c_in, 1, 1))
    r.alias("beta", (1, c_in, 1, 1))
    r.int_("affine mode (0: per channel)", 0, nbytes=4)
    if version == "affine_2" and r.bool_("disabled"):
        raise r.fail("disabled affine layer")
    if params.size != 2 * c_in:
        raise r.fail(f"affine layer has {params.size} parameters, expected {2 * c_in}")
    return _Layer(spec, mul=params[:c_in].copy(), add=params[c_in:].copy())


def _read_fc(r: _Reader, spec: _Spec, c_in: int) -> _Layer:
    version = r.version(("fc_2", "fc_3"), "the fully connected layer")
    r.int_("number of outputs", spec.n, signed=False)
    r.int_("number of inputs", c_in, signed=False)
    params = r.tensor("fully connected weights")
    r.alias("weights", (c_in, spec.n, 1, 1))
    r.alias("biases", (0, 0, 0, 0))
    r.int_("bias mode (1: no bias)", 1, nbytes=4)
    for _ in range(4):
        r.float_("learning rate multipliers")
    if version == "fc_3":
        r.bool_("use_bias")  # meaningless without a bias
    if params.size != c_in * spec.n:
        raise r.fail(f"fully connected layer has {params.size} weights, expected {c_in * spec.n}")
    return _Layer(spec, weights=params.reshape(c_in, spec.n).copy())  # dlib: (in, out)


def _read_other(r: _Reader, spec: _Spec, c_in: int) -> _Layer:
    if spec.kind == "relu":
        if r.version(("relu_", "relu_2"), "a relu") == "relu_2" and r.bool_("disabled"):
            raise r.fail("disabled relu")
    elif spec.kind == "add_prev":
        r.version(("add_prev_",), "an add_prev")
    else:
        r.version((f"{spec.kind}_2",), f"a {spec.kind}")
        for value in (spec.size, spec.size, spec.stride, spec.stride, 0, 0):
            r.int_(f"{spec.kind} size, stride and padding", value)
    return _Layer(spec)


_READERS: dict[str, Callable[[_Reader, _Spec, int], _Layer]] = {
    "con": _read_con, "affine": _read_affine, "fc": _read_fc, "relu": _read_other,
    "add_prev": _read_other, "max_pool": _read_other, "avg_pool": _read_other,
}


def _read_layer_states(r: _Reader, version: int, on_input: bool) -> None:
    """What add_layer saves after the details: three bools, cached (here empty) tensors and,
    on the input layer since version 3, the sample expansion factor."""
    for what in ("setup flag", "stale flag", "disabled flag"):
        r.bool_(what)
    for what in ("x_grad", "cached output", "gradient")[: 3 if on_input or version >= 2 else 2]:
        r.tensor(what)
    if on_input and version == 3:
        r.int_("sample expansion factor", 1, nbytes=4, signed=False)


def load_resnet(path: Path | None = None) -> ResNetEncoder:
    """Read dlib_face_recognition_resnet_model_v1.dat (by default face_recognition's copy)."""
    if path is None:
        models = importlib.import_module("face_recognition_models")
        path = Path(str(models.face_recognition_model_location()))
    r = _Reader(path.read_bytes(), path.name)
    r.int_("loss layer version", 1, nbytes=4)
    if r.version(("loss_metric_", "loss_metric_2"), "the metric loss") == "loss_metric_2":
        r.float_("margin")
        r.float_("distance threshold")
    specs = _architecture()
    versions = _read_versions(r, specs)
    r.version(("input_rgb_image_sized",), "the input layer")
    mean = np.array([r.float_("channel mean") for _ in range(3)], np.float32)
    r.int_("input rows", CHIP_SIZE, signed=False)
    r.int_("input columns", CHIP_SIZE, signed=False)
    layers = _read_layers(r, specs, versions)
    if r.pos != len(r.data):
        raise r.fail(f"{len(r.data) - r.pos} unexpected bytes after the network")
    return ResNetEncoder(mean, layers)


def _read_versions(r: _Reader, specs: list[_Spec]) -> list[int]:
    """One version per layer, outermost first (dlib's layer<1>, after the loss): tag and skip 1,
    add_layer 1-2, and 2-3 for the first convolution (an add_layer on the input layer)."""
    versions = []
    for index, spec in enumerate(reversed(specs), start=1):
        found = r.int_(f"version of layer<{index}>", nbytes=4)
        allowed = (1,) if spec.kind in ("tag", "skip") else (1, 2)
        if found not in (allowed if spec is not specs[0] else (2, 3)):
            raise r.fail(f"layer<{index}> should be {spec.kind}, found version {found}")
        versions.append(found)
    return versions[::-1]


def _read_layers(r: _Reader, specs: list[_Spec], versions: list[int]) -> list[_Layer]:
    """Each layer's details, innermost first, checked against the channels flowing in."""
    layers: list[_Layer] = []
    c_in, tag_channels = 3, dict[int, int]()
    for index, spec, version in zip(range(len(specs), 0, -1), specs, versions, strict=True):
        r.layer = f"layer<{index}> {spec.kind}"
        if spec.kind in ("tag", "skip"):  # these hold nothing but their version number
            layers.append(_Layer(spec))
            if spec.kind == "tag":
                tag_channels[spec.n] = c_in
            c_in = tag_channels[spec.n]
            continue
        layers.append(_READERS[spec.kind](r, spec, c_in))
        _read_layer_states(r, version, on_input=spec is specs[0])
        if spec.kind in ("con", "fc"):
            c_in = spec.n
        elif spec.kind == "add_prev":
            c_in = max(c_in, tag_channels[spec.n])
    r.layer = ""
    return layers


# -- the forward pass (NHWC float32) ----------------------------------------------------------


def _conv(layer: _Layer, x: Array, tags: dict[int, Array]) -> Array:
    """dlib's con_ (cross-correlation; zero padding k//2 at stride 1, none otherwise) as im2col
    and one matrix product over the batch. A filter row (k pixels x c channels) is a contiguous
    run of an image row, so im2col is k strided copies."""
    k, stride = layer.spec.size, layer.spec.stride
    if stride == 1:
        x = np.pad(x, ((0, 0), (k // 2, k // 2), (k // 2, k // 2), (0, 0)))
    n, h, w, c = x.shape
    ho, wo = (h - k) // stride + 1, (w - k) // stride + 1
    windows = sliding_window_view(x.reshape(n, h, w * c), k * c, axis=2)[:, :, :: stride * c]
    cols = np.empty((n, ho, wo, k, k * c), np.float32)
    for dy in range(k):
        cols[:, :, :, dy] = windows[:, dy:dy + stride * (ho - 1) + 1:stride, :wo]
    out = cols.reshape(n * ho * wo, k * k * c) @ layer.weights
    out += layer.add
    return out.reshape(n, ho, wo, layer.spec.n)


# affine and relu work in place: in this network their input is never a tagged tensor.
def _affine(layer: _Layer, x: Array, tags: dict[int, Array]) -> Array:
    x *= layer.mul  # dlib: gamma[k] * x + beta[k]
    x += layer.add
    return x


def _relu(layer: _Layer, x: Array, tags: dict[int, Array]) -> Array:
    return np.maximum(x, np.float32(0), out=x)


def _pool(layer: _Layer, x: Array, tags: dict[int, Array]) -> Array:
    """dlib's max_pool_ / avg_pool_ (no padding here); the average sums the window row by row
    and divides by its size, as dlib's mean() does. Size 0 pools the whole image."""
    n, h, w, c = x.shape
    kh, kw = (layer.spec.size, layer.spec.size) if layer.spec.size else (h, w)
    s = layer.spec.stride
    ho, wo = (h - kh) // s + 1, (w - kw) // s + 1
    out = x[:, : s * (ho - 1) + 1 : s, : s * (wo - 1) + 1 : s].copy()
    for dy, dx in [(dy, dx) for dy in range(kh) for dx in range(kw)][1:]:
        tap = x[:, dy:dy + s * (ho - 1) + 1:s, dx:dx + s * (wo - 1) + 1:s]
        if layer.spec.kind == "max_pool":
            np.maximum(out, tap, out=out)
        else:
            out += tap
    if layer.spec.kind == "avg_pool":
        out /= np.float32(kh * kw)
    return out


def _add_prev(layer: _Layer, x: Array, tags: dict[int, Array]) -> Array:
    """dlib's add_prev_: the sum takes the larger of each size; missing values count as 0."""
    other = tags[layer.spec.n]
    if x.shape == other.shape:
        return x + other
    out = np.zeros(np.maximum(x.shape, other.shape), np.float32)
    out[: x.shape[0], : x.shape[1], : x.shape[2], : x.shape[3]] = x
    out[: other.shape[0], : other.shape[1], : other.shape[2], : other.shape[3]] += other
    return out


def _tag_or_skip(layer: _Layer, x: Array, tags: dict[int, Array]) -> Array:
    """tagN remembers its input; skipN goes on from what tagN remembered."""
    if layer.spec.kind == "tag":
        tags[layer.spec.n] = x
    return tags[layer.spec.n]


def _fc(layer: _Layer, x: Array, tags: dict[int, Array]) -> Array:
    return x.reshape(x.shape[0], -1) @ layer.weights  # x is (n, 1, 1, 256)


_FORWARD: dict[str, Callable[[_Layer, Array, dict[int, Array]], Array]] = {
    "con": _conv, "affine": _affine, "relu": _relu, "max_pool": _pool, "avg_pool": _pool,
    "add_prev": _add_prev, "tag": _tag_or_skip, "skip": _tag_or_skip, "fc": _fc,
}


class ResNetEncoder:
    """dlib's face ResNet with its weights: 150x150 RGB face chips in, 128-D descriptors out.
    Stateless once loaded, so one encoder may serve several threads."""

    def __init__(self, mean: Array, layers: list[_Layer]) -> None:
        self._mean = mean  # per-channel RGB means of dlib's input layer
        self._layers = layers

    def encode_chips(self, chips: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
        """(n, 150, 150, 3) uint8 RGB chips, as dlib.get_face_chip(s) / `face_chips` cut them,
        -> (n, 128) descriptors. The faces go through the network SUB_BATCH at a time."""
        chips = np.asarray(chips)
        if chips.dtype != np.uint8 or chips.shape[1:] != (CHIP_SIZE, CHIP_SIZE, 3):
            raise ValueError(f"want (n, 150, 150, 3) uint8 chips, not {chips.shape} {chips.dtype}")
        out = np.empty((len(chips), DESCRIPTOR_SIZE), np.float64)
        for start in range(0, len(chips), SUB_BATCH):
            out[start:start + SUB_BATCH] = self._forward(chips[start:start + SUB_BATCH])
        return out

    def _forward(self, chips: npt.NDArray[np.uint8]) -> Array:
        # dlib's input_rgb_image_sized: (pixel - channel mean) / 256, in float32
        x: Array = np.subtract(chips, self._mean, dtype=np.float32)
        x *= np.float32(1 / 256)
        tags: dict[int, Array] = {}
        for layer in self._layers:
            x = _FORWARD[layer.spec.kind](layer, x, tags)
        return x


def face_chips(image: npt.NDArray[np.uint8], shapes: Sequence[Any]) -> npt.NDArray[np.uint8]:
    """The encoder's chips of `shapes` (dlib full_object_detections, e.g. from face_recognition's
    5-point predictor) in an RGB image, cut as dlib's compute_face_descriptor cuts them:
    get_face_chip_details(shape, 150, 0.25), then extract_image_chips."""
    import dlib

    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an RGB uint8 image, got {image.shape} {image.dtype}")
    if not shapes:
        return np.empty((0, CHIP_SIZE, CHIP_SIZE, 3), np.uint8)
    detections = dlib.full_object_detections()
    detections.extend(list(shapes))
    pixels = np.ascontiguousarray(image)
    chips = dlib.get_face_chips(pixels, detections, size=CHIP_SIZE, padding=CHIP_PADDING)
    return np.stack([np.asarray(chip, np.uint8) for chip in chips])
