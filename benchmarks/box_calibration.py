"""Do BlazeFace's calibrated boxes give the encodings dlib's HOG boxes gave?

The register holds encodings enrolled from HOG boxes. For every face that both detectors find
in the shared photos (face_recognition's `face_locations(img, 1)` and croftpost's
`detect_boxes`), both boxes are encoded from the same full-size pixels. Printed: the fitted
calibration (median size ratio and centre shift, to compare with `croftpost.core.faces`), the
distance between a face's two encodings, and, over every pair of faces, how much the distance
between them changes and how many match decisions (distance <= tolerance) flip.

    uv run python -m benchmarks.box_calibration
"""

from __future__ import annotations

import itertools
import sys

import numpy as np
from PIL import Image

from benchmarks.samples import faces_dir
from croftpost.core.face_detector import BlazeFaceDetector
from croftpost.core.faces import DEFAULT_PARAMS, Box, detect_boxes, encode_faces_at
from croftpost.core.matching import MATCH_TOLERANCE


def pairs_of_boxes() -> list[tuple[np.ndarray, Box, Box, tuple[float, ...]]]:
    """(pixels, HOG box, calibrated BlazeFace box, raw BlazeFace geometry) per shared face."""
    import face_recognition

    root = faces_dir()
    if root is None:
        sys.exit("no face samples (set CROFTPOST_FACE_SAMPLES or add ../shared/faces)")
    detector = BlazeFaceDetector(DEFAULT_PARAMS.detector)
    out = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg", ".png") or "johns" in path.parts:
            continue
        image = Image.open(path).convert("RGB")
        pixels = np.asarray(image)
        ours = detect_boxes(image, image.size)
        raw = detector.detect(image)
        for hog in face_recognition.face_locations(pixels, 1):
            same = [b for b in ours if _centre_inside(hog, b)]
            geometry = [d for d in raw if _centre_inside(hog, _raw_box(d))]
            if len(same) == 1 and len(geometry) == 1:
                d = geometry[0]
                out.append((pixels, tuple(hog), same[0], (d.left, d.top, d.right, d.bottom)))
    return out  # type: ignore[return-value]


def _raw_box(d: object) -> Box:
    left, top, right, bottom = (round(getattr(d, k)) for k in ("left", "top", "right", "bottom"))
    return top, right, bottom, left


def _centre_inside(a: Box, b: Box) -> bool:
    cx, cy = (a[1] + a[3]) / 2, (a[0] + a[2]) / 2
    return b[3] <= cx <= b[1] and b[0] <= cy <= b[2]


def main() -> None:
    found = pairs_of_boxes()
    fit = np.array([_fit(hog, raw) for _, hog, _, raw in found])
    print(f"{len(found)} faces found by both detectors")
    print("fitted: HOG size / BlazeFace size median {:.3f} (width) {:.3f} (height); "
          "centre shift median {:+.3f} (x) {:+.3f} (y) of the size".format(*np.median(fit, 0)))
    hog_enc = [np.array(encode_faces_at(Image.fromarray(p), [h])[0]) for p, h, _, _ in found]
    our_enc = [np.array(encode_faces_at(Image.fromarray(p), [b])[0]) for p, _, b, _ in found]
    same = [float(np.linalg.norm(a - b)) for a, b in zip(hog_enc, our_enc, strict=True)]
    print(f"one face, HOG box vs calibrated box: median {np.median(same):.3f}, "
          f"95th pct {np.percentile(same, 95):.3f}, max {max(same):.3f}")
    diffs, flips = [], []
    for i, j in itertools.combinations(range(len(found)), 2):
        old = float(np.linalg.norm(hog_enc[i] - hog_enc[j]))
        new = float(np.linalg.norm(our_enc[i] - our_enc[j]))
        diffs.append(abs(new - old))
        if (old <= MATCH_TOLERANCE) != (new <= MATCH_TOLERANCE):
            flips.append((old, new))
    print(f"{len(diffs)} pairs: mean |distance change| {np.mean(diffs):.4f}, "
          f"95th pct {np.percentile(diffs, 95):.4f}, max {max(diffs):.4f}")
    print(f"decisions at tolerance {MATCH_TOLERANCE} that flip: {len(flips)}")
    for old, new in flips:
        print(f"  HOG {old:.3f} -> calibrated {new:.3f}")


def _fit(hog: Box, raw: tuple[float, ...]) -> tuple[float, float, float, float]:
    left, top, right, bottom = raw
    w, h = right - left, bottom - top
    return (
        (hog[1] - hog[3]) / w,
        (hog[2] - hog[0]) / h,
        ((hog[1] + hog[3]) / 2 - (left + right) / 2) / w,
        ((hog[0] + hog[2]) / 2 - (top + bottom) / 2) / h,
    )


if __name__ == "__main__":
    main()
