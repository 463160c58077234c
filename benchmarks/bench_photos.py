"""Photo checks: face_recognition's plain pipeline against croftpost's, in the same run.

Inputs are the nine annotated dlib group photos (43 ground-truth faces) on 4032 x 3024 canvases
(12 MP, JPEG quality 90) in a temporary folder that is deleted afterwards, in four scenes:

- close: each photo fills the canvas (faces 255 to 880 px);
- class photo: scaled so the smallest face is 90 px, a child about 4 m from a phone camera;
- far: the smallest face is 45 px, about 8 m away (the plain pipeline still finds 40 px faces);
- very far: the smallest face is 25 px (faces 25-35 px), 13-18 m away, beyond the plain
  pipeline's reach.

The plain pipeline is face_recognition's own: full-size load, `face_locations(img, 1)`,
`face_encodings`, in one process. croftpost's whole check is what the app does: decode, detect,
encode (in two worker processes, as the app runs them), then match every face against a
register of 600 pupils x 2 encodings. For each scene: photos per second, the speed-up, recall
on the ground truth, how many of the plain pipeline's faces croftpost missed, and the time per
photo in each stage (decode / detect / encode, summed over the workers; match, in the app).

    uv run python -m benchmarks.bench_photos
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks.samples import faces_dir
from croftpost.core.face_scan import FaceScanner
from croftpost.core.faces import DEFAULT_PARAMS, Box, PhotoScan, ScanParams
from croftpost.core.matching import EncodingGallery, match_faces
from croftpost.core.photos import file_sha256

WIDTH, HEIGHT = 4032, 3024
MIN_IOU = 0.4  # a found box overlapping a ground-truth box this much is that face
REGISTER_PUPILS = 600
GroundTruth = dict[str, list[Box]]
# (scene, smallest face in px, or None to fill the canvas)
SCENES: tuple[tuple[str, int | None], ...] = (
    ("close", None), ("class photo", 90), ("far", 45), ("very far", 25))

__all__ = ["faces_dir", "ground_truth", "build_inputs", "run_scene", "scene_rows", "SCENES"]


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


def register(pupils: int = REGISTER_PUPILS) -> EncodingGallery:
    """A register of `pupils` x 2 encodings of a real encoding's scale (synthetic)."""
    rng = np.random.default_rng(600)
    return EncodingGallery({f"P{i:04d}": list(rng.normal(0, 0.09, (2, 128)))
                            for i in range(pupils)})


@dataclass(frozen=True)
class Measured:
    start_s: float  # starting the workers and loading the models, once
    check_s: float  # the whole check: scans on the workers, then matching
    match_s: float
    scans: list[PhotoScan]

    def stage_ms(self, stage: str) -> float:
        """Mean time per photo in one stage, summed over the workers."""
        return 1000 * statistics.mean(s.seconds.get(stage, 0.0) for s in self.scans)


def run_croftpost(paths: list[str], params: ScanParams = DEFAULT_PARAMS) -> Measured:
    """The whole check on two worker processes, then matching against the register."""
    gallery = register()
    start = time.perf_counter()
    scanner = FaceScanner(workers=2, params=params)
    try:
        scanner.warm_up()
        ready = time.perf_counter()
        results = scanner.scan(paths)
        scans = [r for r in results if isinstance(r, PhotoScan)]
        if len(scans) != len(paths):
            raise SystemExit("croftpost failed to scan some benchmark photos")
        matched = time.perf_counter()
        for scan in scans:
            match_faces([f.encoding for f in scan.faces if f.encoding is not None], gallery)
        done = time.perf_counter()
    finally:
        scanner.close()
    return Measured(ready - start, done - ready, done - matched, scans)


def cached_recheck(paths: list[str], scans: list[PhotoScan]) -> float:
    """The cache is keyed by content hash: a re-check only hashes the files."""
    cache = {s.content_hash: s.to_dict() for s in scans}
    start = time.perf_counter()
    for path in paths:
        PhotoScan.from_dict(cache[file_sha256(Path(path))])
    return time.perf_counter() - start


@dataclass(frozen=True)
class SceneResult:
    scene: str
    truth: GroundTruth
    base_s: float
    baseline: dict[str, list[tuple[Box, np.ndarray]]]
    ours: Measured
    cached_s: float

    def baseline_boxes(self) -> dict[str, list[Box]]:
        return {path: [box for box, _ in faces] for path, faces in self.baseline.items()}

    def our_boxes(self) -> dict[str, list[Box]]:
        return {s.path: [f.box for f in s.faces] for s in self.ours.scans}

    def missed(self) -> int:
        """Faces the plain pipeline found that croftpost did not: the issue asks for none."""
        hits, total = recall(self.baseline_boxes(), self.our_boxes())
        return total - hits

    def encoding_distances(self) -> list[float]:
        """Between the plain pipeline's and croftpost's encoding of the same face."""
        distances = []
        for scan in self.ours.scans:
            for box, encoding in self.baseline[scan.path]:
                same = [f for f in scan.faces if iou(box, f.box) >= MIN_IOU and f.encoding]
                if same and same[0].encoding is not None:
                    distances.append(float(np.linalg.norm(encoding - np.array(same[0].encoding))))
        return distances


def run_scene(
    group_dir: Path,
    scene: str,
    smallest_face: int | None,
    truth: GroundTruth,
    params: ScanParams = DEFAULT_PARAMS,
) -> SceneResult:
    with tempfile.TemporaryDirectory(prefix="croftpost-bench-") as tmp:
        scaled = build_inputs(group_dir, Path(tmp), truth, smallest_face)
        paths = sorted(scaled)
        base_s, baseline = run_baseline(paths)
        ours = run_croftpost(paths, params)
        cached_s = cached_recheck(paths, ours.scans)
    return SceneResult(scene, scaled, base_s, baseline, ours, cached_s)


def scene_rows(r: SceneResult) -> list[tuple[str, str]]:
    n = len(r.truth)
    base_hits, total = recall(r.truth, r.baseline_boxes())
    hits, _ = recall(r.truth, r.our_boxes())
    sizes = sorted(b[1] - b[3] for boxes in r.truth.values() for b in boxes)
    dist = r.encoding_distances()
    agree = f"; encodings {statistics.median(dist):.3f} from plain's (median)" if dist else ""
    small = sum(not f.identifiable for s in r.ours.scans for f in s.faces)
    m = r.ours
    return [
        (f"{r.scene}: photos", f"{n} x {WIDTH}x{HEIGHT} JPEG q90, {total} faces of "
                               f"{sizes[0]} to {sizes[-1]} px"),
        (f"{r.scene}: plain face_recognition, 1 process",
         f"{r.base_s:.1f} s = {n / r.base_s:.2f} photos/s; recall {base_hits}/{total}"),
        (f"{r.scene}: croftpost whole check, 2 workers",
         f"{m.check_s:.1f} s = {n / m.check_s:.2f} photos/s = {r.base_s / m.check_s:.1f}x; "
         f"recall {hits}/{total}; missed {r.missed()} of the plain pipeline's faces; "
         f"{small} too small to identify{agree}"),
        (f"{r.scene}: per photo (ms)",
         f"decode {m.stage_ms('decode'):.0f} / detect {m.stage_ms('detect'):.0f} / encode "
         f"{m.stage_ms('encode'):.0f} / match {1000 * m.match_s / n:.1f} "
         f"(vs {REGISTER_PUPILS} pupils x 2)"),
        (f"{r.scene}: worker start, cached re-check",
         f"{m.start_s:.2f} s once; {r.cached_s * 1000 / n:.2f} ms per photo"),
    ]


def run() -> list[tuple[str, str]]:
    folder = faces_dir()
    if folder is None:
        return [("skipped", "no face samples (set CROFTPOST_FACE_SAMPLES or add ../shared/faces)")]
    group_dir = folder / "dlib" / "examples" / "faces"
    truth = ground_truth(group_dir)
    rows: list[tuple[str, str]] = []
    for scene, smallest_face in SCENES:
        rows += scene_rows(run_scene(group_dir, scene, smallest_face, truth))
        print(rows[-3][1], file=sys.stderr, flush=True)
    return rows


def main() -> None:
    rows = run()
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
