"""Face scanning speed: face_recognition's plain pipeline against croftpost's, in the same run.

Inputs are the nine annotated dlib group photos (43 ground-truth faces) on 4032 x 3024 canvases
(12 MP, JPEG quality 90) in a temporary folder that is deleted afterwards, in three scenes:

- close: each photo fills the canvas, as in the issue's benchmark (faces 300 to 880 px);
- class photo: scaled so the smallest face is 90 px, a child about 4 m from a phone camera;
- far: the smallest face is 45 px, about 8 m away (the plain pipeline still finds 40 px faces),
  where the deep scan (`check-photo --deep`) is measured too.

For each scene and scan mode it prints photos per second, the speed-up over the plain pipeline,
recall on the ground-truth faces and how many of the faces the plain pipeline found it missed.

    uv run python -m benchmarks.bench_photos
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from croftpost.core.face_scan import FaceScanner
from croftpost.core.faces import (
    DEEP_PARAMS,
    DEFAULT_PARAMS,
    THOROUGH_PARAMS,
    Box,
    PhotoScan,
    ScanParams,
    ScanResult,
)
from croftpost.core.photos import file_sha256

WIDTH, HEIGHT = 4032, 3024
MIN_IOU = 0.4  # a found box overlapping a ground-truth box this much is that face
GroundTruth = dict[str, list[Box]]


def faces_dir() -> Path | None:
    configured = os.environ.get("CROFTPOST_FACE_SAMPLES")
    default = Path(__file__).resolve().parents[2] / "shared" / "faces"
    folder = Path(configured) if configured else default
    return folder if folder.is_dir() else None


def ground_truth(group_dir: Path) -> GroundTruth:
    """Boxes from dlib's training.xml and testing.xml, as (top, right, bottom, left)."""
    boxes: GroundTruth = {}
    for xml in ("training.xml", "testing.xml"):
        for image in ET.parse(group_dir / xml).getroot().iter("image"):
            boxes[str(image.get("file"))] = [
                (
                    int(b.get("top", 0)),
                    int(b.get("left", 0)) + int(b.get("width", 0)),
                    int(b.get("top", 0)) + int(b.get("height", 0)),
                    int(b.get("left", 0)),
                )
                for b in image.iter("box")
            ]
    return boxes


def build_inputs(
    group_dir: Path, out_dir: Path, truth: GroundTruth, smallest_face: int | None = None
) -> GroundTruth:
    """Each photo on a white 4032 x 3024 canvas, its boxes scaled the same way: scaled to fill
    the canvas, or (`smallest_face`) so that its smallest face is that many pixels wide."""
    scaled: GroundTruth = {}
    for name, boxes in sorted(truth.items()):
        src = Image.open(group_dir / name).convert("RGB")
        k = min(WIDTH / src.width, HEIGHT / src.height)
        if smallest_face is not None:
            k = min(k, smallest_face / min(r - left for _, r, _, left in boxes))
        size = (round(src.width * k), round(src.height * k))
        dx, dy = (WIDTH - size[0]) // 2, (HEIGHT - size[1]) // 2
        canvas = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
        canvas.paste(src.resize(size, Image.Resampling.LANCZOS), (dx, dy))
        canvas.save(out_dir / name, quality=90)
        scaled[str(out_dir / name)] = [
            (round(t * k) + dy, round(r * k) + dx, round(b * k) + dy, round(left * k) + dx)
            for t, r, b, left in boxes
        ]
    return scaled


def iou(a: Box, b: Box) -> float:
    top, right, bottom, left = max(a[0], b[0]), min(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])
    if bottom <= top or right <= left:
        return 0.0
    inter = (bottom - top) * (right - left)

    def area(x: Box) -> int:
        return (x[2] - x[0]) * (x[1] - x[3])

    return inter / (area(a) + area(b) - inter)


def recall(truth: GroundTruth, found: dict[str, list[Box]]) -> tuple[int, int]:
    """(faces of `truth` that `found` has, faces in `truth`)."""
    hits = sum(
        any(iou(g, f) >= MIN_IOU for f in found[path])
        for path, boxes in truth.items()
        for g in boxes
    )
    return hits, sum(len(b) for b in truth.values())


def run_baseline(paths: list[str]) -> tuple[float, dict[str, list[tuple[Box, np.ndarray]]]]:
    """The plain pipeline: full-size load, face_locations(img, 1), face_encodings."""
    import face_recognition

    out = {}
    start = time.perf_counter()
    for path in paths:
        img = face_recognition.load_image_file(path)
        locations = face_recognition.face_locations(img, 1)
        out[path] = list(
            zip(locations, face_recognition.face_encodings(img, locations), strict=True)
        )
    return time.perf_counter() - start, out


def run_croftpost(
    paths: list[str], params: ScanParams = DEFAULT_PARAMS
) -> tuple[float, float, list[ScanResult]]:
    """(worker start-up seconds, scan seconds, results) with two worker processes."""
    start = time.perf_counter()
    scanner = FaceScanner(workers=2, params=params)
    try:
        scanner.warm_up()
        ready = time.perf_counter()
        results = scanner.scan(paths)
        return ready - start, time.perf_counter() - ready, results
    finally:
        scanner.close()


def cached_recheck(paths: list[str], scans: list[PhotoScan]) -> float:
    """The cache is keyed by content hash: a re-check only hashes the files."""
    cache = {s.content_hash: s.to_dict() for s in scans}
    start = time.perf_counter()
    for path in paths:
        record = cache[file_sha256(Path(path))]
        PhotoScan.from_dict(record)
    return time.perf_counter() - start


def encoding_agreement(
    baseline: dict[str, list[tuple[Box, np.ndarray]]], scans: list[PhotoScan]
) -> list[float]:
    """Distance between the baseline's and our encoding of the same face."""
    distances = []
    for scan in scans:
        for box, encoding in baseline[scan.path]:
            same = [f for f in scan.faces if iou(box, f.box) >= MIN_IOU]
            if same:
                distances.append(float(np.linalg.norm(encoding - np.array(same[0].encoding))))
    return distances


@dataclass(frozen=True)
class Measured:
    label: str
    params: ScanParams
    start_s: float  # starting the workers and loading the models
    scan_s: float
    scans: list[PhotoScan]


def measure(label: str, paths: list[str], params: ScanParams) -> Measured:
    start_s, scan_s, results = run_croftpost(paths, params)
    scans = [r for r in results if isinstance(r, PhotoScan)]
    if len(scans) != len(paths):
        raise SystemExit("croftpost failed to scan some benchmark photos")
    return Measured(label, params, start_s, scan_s, scans)


MODES = (("quick", DEFAULT_PARAMS), ("full", THOROUGH_PARAMS))
# (scene, smallest face in px or None to fill the canvas, scan modes)
SCENES: tuple[tuple[str, int | None, tuple[tuple[str, ScanParams], ...]], ...] = (
    ("close", None, MODES),
    ("class photo", 90, MODES),
    ("far", 45, (*MODES, ("deep", DEEP_PARAMS))),
)


@dataclass(frozen=True)
class SceneResult:
    scene: str
    truth: GroundTruth
    base_s: float
    baseline: dict[str, list[tuple[Box, np.ndarray]]]
    measured: list[Measured]
    cached_s: float

    def baseline_boxes(self) -> dict[str, list[Box]]:
        return {path: [box for box, _ in faces] for path, faces in self.baseline.items()}

    def missed(self, m: Measured) -> int:
        """Faces the plain pipeline found that this mode did not: the issue asks for none."""
        found = {s.path: [f.box for f in s.faces] for s in m.scans}
        hits, total = recall(self.baseline_boxes(), found)
        return total - hits


def run_scene(
    group_dir: Path,
    scene: str,
    smallest_face: int | None,
    truth: GroundTruth,
    modes: Sequence[tuple[str, ScanParams]] = MODES,
) -> SceneResult:
    with tempfile.TemporaryDirectory(prefix="croftpost-bench-") as tmp:
        scaled = build_inputs(group_dir, Path(tmp), truth, smallest_face)
        paths = sorted(scaled)
        base_s, baseline = run_baseline(paths)
        measured = [measure(label, paths, params) for label, params in modes]
        cached_s = cached_recheck(paths, measured[0].scans)
    return SceneResult(scene, scaled, base_s, baseline, measured, cached_s)


def run() -> list[tuple[str, str]]:
    folder = faces_dir()
    if folder is None:
        return [("skipped", "no face samples (set CROFTPOST_FACE_SAMPLES or add ../shared/faces)")]
    group_dir = folder / "dlib" / "examples" / "faces"
    truth = ground_truth(group_dir)
    rows: list[tuple[str, str]] = []
    for scene, smallest_face, modes in SCENES:
        rows += scene_rows(run_scene(group_dir, scene, smallest_face, truth, modes))
    return rows


def scene_rows(r: SceneResult) -> list[tuple[str, str]]:
    n = len(r.truth)
    hits, total = recall(r.truth, r.baseline_boxes())
    sizes = sorted(b[1] - b[3] for boxes in r.truth.values() for b in boxes)
    rows = [
        (
            f"{r.scene}: photos",
            f"{n} x {WIDTH}x{HEIGHT} JPEG q90, {total} faces of {sizes[0]} to {sizes[-1]} px",
        ),
        (
            f"{r.scene}: plain face_recognition, 1 process",
            f"{r.base_s:.1f} s = {n / r.base_s:.2f} photos/s; recall {hits}/{total}, "
            f"{sum(len(v) for v in r.baseline.values())} faces found",
        ),
    ]
    for m in r.measured:
        dist = encoding_agreement(r.baseline, m.scans)
        hits, _ = recall(r.truth, {s.path: [f.box for f in s.faces] for s in m.scans})
        spread = f"encoding distance to plain median {statistics.median(dist):.3f}" if dist else ""
        rows.append(
            (
                f"{r.scene}: croftpost {m.label} (faces from {m.scans[0].min_face_px} px)",
                f"{m.scan_s:.1f} s = {n / m.scan_s:.2f} photos/s = {r.base_s / m.scan_s:.1f}x; "
                f"recall {hits}/{total}; missed {r.missed(m)} of the plain pipeline's faces; "
                f"{spread}",
            )
        )
    rows.append(
        (
            f"{r.scene}: worker start-up, cached re-check",
            f"{r.measured[0].start_s:.2f} s once; {r.cached_s * 1000 / n:.2f} ms per photo",
        )
    )
    return rows


def main() -> None:
    rows = run()
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
