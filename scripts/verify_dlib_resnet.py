"""Check croftpost.core.dlib_resnet against dlib's own encoder on every sample photo.

    uv run python scripts/verify_dlib_resnet.py [FOLDER]

FOLDER defaults to $CROFTPOST_FACE_SAMPLES or ../shared/faces. Every .jpg/.jpeg/.png under it
is read; faces are found with face_recognition.face_locations (dlib's 150x150 "johns" crops
are too tight for the detector, so the whole crop is their face box), aligned with
face_recognition's 5-point predictor and encoded by dlib (face_encoder.compute_face_descriptor)
and by the NumPy port. Prints the number of faces, the largest per-dimension and Euclidean
differences, and the time per face of each encoder, one face at a time and batched.
Exits 1 if any dimension differs by 1e-4 or more.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from croftpost.core.dlib_resnet import SUB_BATCH, face_chips, load_resnet

REPO_ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-4


def _faces(folder: Path) -> list[tuple[str, np.ndarray, Any]]:
    """(photo, RGB image, 5-point shape) for every face found under `folder`."""
    import dlib
    import face_recognition
    import face_recognition.api as fr

    found = []
    photos = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    for path in photos:
        image = face_recognition.load_image_file(path)
        name = str(path.relative_to(folder))
        if "johns" in path.parts and image.shape[:2] == (150, 150):
            boxes = [dlib.rectangle(0, 0, image.shape[1] - 1, image.shape[0] - 1)]
        else:
            boxes = [fr._css_to_rect(box) for box in face_recognition.face_locations(image)]
        found += [(name, image, fr.pose_predictor_5_point(image, box)) for box in boxes]
    print(f"{len(photos)} photos, {len(found)} faces")
    return found


def _timed(function: Any, *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def _encode(encoder: Any, faces: list[tuple[str, np.ndarray, Any]]) -> dict[str, Any]:
    """Every face by dlib and by the NumPy port, one at a time and then all chips at once."""
    import face_recognition.api as fr

    result: dict[str, Any] = {"dlib": [], "numpy": [], "dlib_s": 0.0, "numpy_s": 0.0}
    chips = []
    for _, image, shape in faces:
        vector, seconds = _timed(fr.face_encoder.compute_face_descriptor, image, shape, 1)
        result["dlib"].append(np.array(vector))
        result["dlib_s"] += seconds
        start = time.perf_counter()
        chip = face_chips(image, [shape])
        result["numpy"].append(encoder.encode_chips(chip)[0])
        result["numpy_s"] += time.perf_counter() - start
        chips.append(chip[0])
    batch, result["dlib_batch_s"] = _timed(fr.face_encoder.compute_face_descriptor, chips, 1)
    assert np.array_equal(np.array(batch), np.array(result["dlib"])), "dlib's batch differs"
    result["numpy_batch"], result["numpy_batch_s"] = _timed(encoder.encode_chips, np.stack(chips))
    return result


def main() -> int:
    default = os.environ.get("CROFTPOST_FACE_SAMPLES", str(REPO_ROOT.parent / "shared" / "faces"))
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    if not folder.is_dir():
        print(f"no face samples at {folder}")
        return 2
    encoder, load_s = _timed(load_resnet)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default: one per core")
    print(f"NumPy model loaded in {1000 * load_s:.0f} ms; {os.cpu_count()} cores, "
          f"OpenBLAS threads {threads}")
    faces = _faces(folder)
    n, r = len(faces), _encode(encoder, faces)
    reference, worst = np.array(r["dlib"]), 0.0
    for label, ours in (("one at a time", np.array(r["numpy"])), ("batched", r["numpy_batch"])):
        diff = np.abs(ours - reference)
        distance = np.linalg.norm(ours - reference, axis=1)
        worst = max(worst, float(diff.max()))
        at = int(diff.max(axis=1).argmax())
        print(f"NumPy {label}: largest difference in one dimension {diff.max():.2e} "
              f"({faces[at][0]}), largest Euclidean distance {distance.max():.2e}, "
              f"mean {distance.mean():.2e}")
    print(f"time per face, one at a time (chip + encode): dlib {1000 * r['dlib_s'] / n:.1f} ms, "
          f"NumPy {1000 * r['numpy_s'] / n:.1f} ms")
    print(f"time per face, all {n} chips in one call: dlib {1000 * r['dlib_batch_s'] / n:.1f} ms "
          f"(batches of 16), NumPy {1000 * r['numpy_batch_s'] / n:.1f} ms "
          f"(batches of {SUB_BATCH})")
    ok = worst < TOLERANCE
    print("OK: every dimension within 1e-4" if ok else "FAILED: a dimension differs by >= 1e-4")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
