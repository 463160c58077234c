"""How well a face is identified as it gets smaller: the measurement behind `IDENTIFY_PX`.

Every face of a person with at least two photos in ../shared/faces is a probe: the dlib "johns"
chips (5 people x 11, the whole chip is the face) and the face_recognition examples (obama,
biden, kit_harington, rose_leslie, alex_lacamoire; the face found by face_recognition at full
size). The gallery holds every *other* photo of every person, encoded at full size, as a
school's enrolment photos would be. Each probe photo is shrunk so that its face is 80, 60, 45,
35 or 25 px wide, encoded there (5-point landmarks and chip from the small image, as a scan
does), and matched by croftpost's own rules (tolerance and margin, `croftpost.core.matching`).

Reported per size: probes identified as the right person, as a wrong one (the worst outcome),
left unknown; the same-person distance (median, 95th percentile, max); and the nearest other
person's distance (min, 5th percentile) with the probe's own person removed from the gallery.

    uv run python -m benchmarks.identify_by_size
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks.samples import faces_dir
from croftpost.core.faces import encode_faces_at
from croftpost.core.matching import MATCH_MARGIN, MATCH_TOLERANCE, EncodingGallery, match_faces

SIZES = (80, 60, 45, 40, 35, 30, 25)
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Sample:
    person: str
    name: str
    image: Image.Image
    box: Box  # top, right, bottom, left at full size


def samples(root: Path) -> list[Sample]:
    out = []
    for chip in sorted((root / "dlib" / "examples" / "johns").glob("*/*.jpg")):
        image = Image.open(chip).convert("RGB")
        out.append(Sample(chip.parent.name, chip.name, image, (0, image.width, image.height, 0)))
    import face_recognition

    people: dict[str, list[Path]] = {}
    for folder in ("train", "test"):
        for path in sorted((root / "face_recognition/examples/knn_examples" / folder).rglob("*")):
            person = _person_of(path)
            if person and path.suffix.lower() in (".jpg", ".jpeg", ".png"):
                people.setdefault(person, []).append(path)
    for person, paths in people.items():
        for path in paths:
            image = Image.open(path).convert("RGB")
            found = face_recognition.face_locations(np.asarray(image), 1)
            if len(found) == 1:
                out.append(Sample(person, path.name, image, tuple(found[0])))  # type: ignore[arg-type]
    return out


def _person_of(path: Path) -> str | None:
    """train/<person>/x.jpg, or test/<person><n>.jpg for the people of the train folder."""
    if path.parent.name not in ("train", "test"):
        return path.parent.name
    stem = path.stem.rstrip("0123456789_")
    aliases = {"johnsnow_test": "kit_harington", "obama": "obama",
               "alex_lacamoire": "alex_lacamoire"}
    return aliases.get(stem)


def encode_at_width(sample: Sample, width: int | None) -> np.ndarray:
    """The sample's face encoded with the photo shrunk so the face is `width` px wide."""
    top, right, bottom, left = sample.box
    k = 1.0 if width is None else min(1.0, width / (right - left))
    image = sample.image
    if k < 1.0:
        size = (max(1, round(image.width * k)), max(1, round(image.height * k)))
        image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    box = (round(top * k), round(right * k), round(bottom * k), round(left * k))
    return np.asarray(encode_faces_at(image, [box])[0])


def main() -> None:
    root = faces_dir()
    if root is None:
        sys.exit("no face samples (set CROFTPOST_FACE_SAMPLES or add ../shared/faces)")
    found = samples(root)
    people = sorted({s.person for s in found})
    full = [encode_at_width(s, None) for s in found]
    probes = [i for i, s in enumerate(found) if sum(o.person == s.person for o in found) > 1]
    print(f"{len(found)} faces of {len(people)} people; {len(probes)} probes; "
          f"tolerance {MATCH_TOLERANCE}, margin {MATCH_MARGIN}")
    print("width  right  wrong  unknown | same person: median  p95   max | other: min   p5")
    for width in SIZES:
        print(row(width, found, full, probes))


def row(width: int, found: list[Sample], full: list[np.ndarray], probes: list[int]) -> str:
    right = wrong = unknown = 0
    same: list[float] = []
    other: list[float] = []
    for i in probes:
        probe = encode_at_width(found[i], width)
        gallery: dict[str, list[np.ndarray]] = {}
        for j, s in enumerate(found):
            if j != i:
                gallery.setdefault(s.person, []).append(full[j])
        match = match_faces([probe], EncodingGallery(gallery), MATCH_TOLERANCE, MATCH_MARGIN)[0]
        right += match.pupil_id == found[i].person
        wrong += match.pupil_id not in (None, found[i].person)
        unknown += match.pupil_id is None
        own = gallery[found[i].person]
        same.append(min(float(np.linalg.norm(probe - e)) for e in own))
        other.append(min(float(np.linalg.norm(probe - e))
                         for p, refs in gallery.items() if p != found[i].person for e in refs))
    p95 = float(np.percentile(same, 95))
    return (f"{width:>4} px {right:>5} {wrong:>6} {unknown:>8} | {statistics.median(same):>19.3f} "
            f"{p95:>5.3f} {max(same):>5.3f} | {min(other):>10.3f} {np.percentile(other, 5):>5.3f}")


if __name__ == "__main__":
    main()
