"""Face detection on a held-out set of scenes that the detector was never tuned on.

The scenes are built by `benchmarks/heldout/make_scenes.py` (written by someone who had not
seen the detector or how it was tuned) from face sources the tuning never used: the dlib
"johns" chips and hand-annotated face_recognition example photos, pasted at known sizes into
12 MP frames, panoramas, small photos, EXIF-rotated photos and the later frames of GIF, APNG,
WebP and TIFF files; plus photos with no face at all.

A face counts as found when a face box in the same frame has its centre inside the face's box
or overlaps it by IoU >= 0.3 (the set's boxes run from hairline to chin, taller than dlib's).

    uv run python benchmarks/heldout/make_scenes.py /tmp/heldout   # once: builds the scenes
    uv run python -m benchmarks.heldout_faces /tmp/heldout
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from croftpost.core.faces import Box, PhotoScan, load_models, scan_photo
from croftpost.errors import BadPhoto


def iou(a: Box, b: Box) -> float:
    top, right, bottom, left = max(a[0], b[0]), min(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])
    if bottom <= top or right <= left:
        return 0.0
    inter = (bottom - top) * (right - left)
    area = (a[2] - a[0]) * (a[1] - a[3]) + (b[2] - b[0]) * (b[1] - b[3])
    return inter / (area - inter)


def is_found(truth: Box, boxes: list[Box]) -> bool:
    top, right, bottom, left = truth
    for box in boxes:
        cy, cx = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        if (left <= cx <= right and top <= cy <= bottom) or iou(truth, box) >= 0.3:
            return True
    return False


def evaluate(folder: Path) -> None:
    images = json.loads((folder / "truth.json").read_text())["images"]
    load_models()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # found, faces, extra, files
    by_size: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    start = time.perf_counter()
    for item in images:
        try:
            scan = scan_photo(folder / item["file"])
        except BadPhoto as refused:
            print(f"{item['file']}: refused: {refused}")
            continue
        found, extra = score(item, scan, by_size, misses)
        row = tally[item["kind"]]
        row[0] += found
        row[1] += len(item["faces"])
        row[2] += extra
        row[3] += 1
    took = time.perf_counter() - start
    print(f"{len(images)} files, {took:.1f} s")
    print("kind      files  found/faces  boxes matching no face")
    for kind, (hit, total, extra, files) in sorted(tally.items()):
        print(f"{kind:<9} {files:>5}  {hit:>5}/{total:<5}  {extra}")
    print("face width  found/faces")
    for band, (hit, total) in sorted(by_size.items(), key=lambda kv: int(kv[0].split("-")[0])):
        print(f"{band:>10}  {hit}/{total}")
    for miss in misses:
        print("missed:", miss)


def score(
    item: dict, scan: PhotoScan, by_size: dict[str, list[int]], misses: list[str]
) -> tuple[int, int]:
    """(faces found, boxes that match no face) for one file."""
    hits = 0
    used: set[int] = set()
    for face in item["faces"]:
        truth = tuple(face["box"])
        frame = [(i, f.box) for i, f in enumerate(scan.faces) if f.frame == face["frame"]]
        ok = is_found(truth, [b for _, b in frame])  # type: ignore[arg-type]
        used |= {i for i, b in frame if is_found(truth, [b])}  # type: ignore[arg-type]
        hits += ok
        band = _band(int(face["width_px"]))
        by_size[band][0] += ok
        by_size[band][1] += 1
        if not ok:
            misses.append(f"{item['file']} frame {face['frame']} {face['width_px']} px {truth}")
    return hits, len(scan.faces) - len(used)


def _band(width: int) -> str:
    for low, high in ((0, 23), (24, 29), (30, 39), (40, 64), (65, 149), (150, 599)):
        if low <= width <= high:
            return f"{low}-{high}"
    return "600-99999"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m benchmarks.heldout_faces FOLDER (with truth.json)")
    evaluate(Path(sys.argv[1]))
