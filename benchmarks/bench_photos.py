"""Face scanning speed: face_recognition's plain pipeline against croftpost's, in the same run.

Inputs are the nine annotated dlib group photos (43 ground-truth faces) upscaled onto 4032 x 3024
canvases (12 MP, JPEG quality 90) in a temporary folder that is deleted afterwards.

    uv run python -m benchmarks.bench_photos
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from croftpost.core.face_scan import FaceScanner
from croftpost.core.faces import (
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


def build_inputs(group_dir: Path, out_dir: Path, truth: GroundTruth) -> GroundTruth:
    """Each photo scaled to fit 4032 x 3024 on a white canvas; its boxes scaled the same way."""
    scaled: GroundTruth = {}
    for name, boxes in sorted(truth.items()):
        src = Image.open(group_dir / name).convert("RGB")
        k = min(WIDTH / src.width, HEIGHT / src.height)
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


def run() -> list[tuple[str, str]]:
    folder = faces_dir()
    if folder is None:
        return [("skipped", "no face samples (set CROFTPOST_FACE_SAMPLES or add ../shared/faces)")]
    group_dir = folder / "dlib" / "examples" / "faces"
    with tempfile.TemporaryDirectory(prefix="croftpost-bench-") as tmp:
        truth = build_inputs(group_dir, Path(tmp), ground_truth(group_dir))
        paths = sorted(truth)
        base_s, baseline = run_baseline(paths)
        default = measure("croftpost", paths, DEFAULT_PARAMS)
        thorough = measure("croftpost thorough", paths, THOROUGH_PARAMS)
        cached_s = cached_recheck(paths, default.scans)
    n = len(paths)
    b_hits, total = recall(truth, {p: [b for b, _ in baseline[p]] for p in paths})
    rows = [
        ("photos", f"{n} x {WIDTH}x{HEIGHT} JPEG q90, {total} ground-truth faces"),
        ("baseline (face_recognition, 1 process)", f"{base_s:.2f} s = {n / base_s:.2f} photos/s"),
        (
            "baseline recall / faces found / smallest face",
            f"{b_hits}/{total} / {sum(len(v) for v in baseline.values())} / ~40 px",
        ),
    ]
    for m in (default, thorough):
        rows += _rows(truth, baseline, base_s, m)
    rows += [
        ("worker start-up (once per session)", f"{default.start_s:.2f} s"),
        ("speed-up including start-up", f"{base_s / (default.scan_s + default.start_s):.1f}x"),
        (
            "cached re-check (hash + lookup)",
            f"{cached_s * 1000:.1f} ms = {n / max(cached_s, 1e-9):.0f} photos/s",
        ),
    ]
    return rows


def _rows(
    truth: GroundTruth,
    baseline: dict[str, list[tuple[Box, np.ndarray]]],
    base_s: float,
    m: Measured,
) -> list[tuple[str, str]]:
    n = len(m.scans)
    hits, total = recall(truth, {s.path: [f.box for f in s.faces] for s in m.scans})
    dist = encoding_agreement(baseline, m.scans)
    smallest = m.scans[0].min_face_px
    return [
        (
            f"{m.label} (2 workers, models loaded)",
            f"{m.scan_s:.2f} s = {n / m.scan_s:.2f} photos/s",
        ),
        (f"{m.label} speed-up", f"{base_s / m.scan_s:.1f}x"),
        (
            f"{m.label} recall / faces found / smallest face",
            f"{hits}/{total} / {sum(len(s.faces) for s in m.scans)} / {smallest} px",
        ),
        (
            f"{m.label} encoding distance to baseline",
            f"median {statistics.median(dist):.3f}, max {max(dist):.3f} over {len(dist)} faces",
        ),
    ]


def main() -> None:
    rows = run()
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
