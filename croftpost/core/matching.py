"""Deciding which enrolled pupil, if any, a face is. Fail safe: when in doubt, unknown.

A face is taken to be pupil P only when all of these hold:
  1. its distance to P (the smallest over P's reference encodings) is <= MATCH_TOLERANCE;
  2. every other pupil is at least MATCH_MARGIN further away than P;
  3. no other face in the same photo also matched P (a pupil appears once; two candidates mean
     at least one is wrong, and we cannot tell which, so both are unknown).
Anything else is unknown, which blocks posting until the face is blurred or checked by a person.

Calibration (measured with croftpost's own pipeline, `croftpost.core.faces`, on ../shared/faces:
the 5 x 11 dlib "johns" 150x150 chips encoded with the whole chip as the face (54: one chip is a
byte-identical copy), plus single-face photos: obama (obama, obama1, obama2, obama3), biden (2),
alex_lacamoire (3), kit_harington (3), rose_leslie (2), lin_manuel_miranda, tom_cruise and
tom_hanks. Copies were left out: byte-identical files, 32bit.png, and obama-240p..1080p and
obama_small, which are obama.jpg resized (distance 0.04-0.07 to it)):
  - same person, all pairs (n=279): median 0.324, 95th percentile 0.424, max 0.554;
  - different people, all pairs (n=2206): min 0.601, 1st percentile 0.685, median 0.889;
  - leave-one-out identification (each encoding matched against all the others, min over a
    person's references): correct best distance median 0.269, 95th pct 0.410, max 0.515;
    the correct person's lead over the second: min 0.173, 5th pct 0.262; with the person
    removed from the gallery, the nearest other person was never closer than 0.601.
With 0.42 and 0.10: 67/68 known probes identified, 0 wrong, 0/71 absent-person probes matched
(0.40 would identify 62/68; 0.45 and 0.50 also 67/68, with less room to spare).
0.42 keeps a 0.18 gap below the closest different-person pair (0.601). That gap matters: these
are adults, and face_recognition's own README warns that the model, trained on adults, often
mixes up children at its default 0.6, so a school's real different-pupil distances will be
smaller than measured here. The margin 0.10 cost no
correct identification (smallest correct lead 0.173) and turns look-alikes such as siblings, who
may both be near the tolerance, into "unknown".
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from croftpost.errors import BadInput

FACE_MODEL_NAME = "dlib_face_recognition_resnet_model_v1 (5-point alignment) + dlib HOG detector"
MATCH_TOLERANCE = 0.42
MATCH_MARGIN = 0.10
MAX_TOLERANCE = 0.5  # nothing laxer may be configured: different adults come as close as 0.60

MATCHED = "matched"
NO_MATCH = "no_match"  # nearest pupil further than the tolerance
AMBIGUOUS = "ambiguous"  # another pupil within the margin
DUPLICATE = "duplicate"  # another face in the photo matched the same pupil
NO_GALLERY = "no_gallery"  # nobody is enrolled


@dataclass(frozen=True)
class Match:
    """pupil_id is None for an unknown face; distance is to the nearest pupil (None if none)."""

    pupil_id: Hashable | None
    distance: float | None
    reason: str
    margin: float | None = None  # second-nearest pupil's distance minus the nearest's

    @property
    def known(self) -> bool:
        return self.pupil_id is not None


class EncodingGallery:
    """Reference encodings stacked once into a matrix, reusable across many photos."""

    def __init__(self, gallery: Mapping[Any, Sequence[Any]]) -> None:
        ids: list[Hashable] = []
        rows: list[np.ndarray] = []
        starts: list[int] = []
        for pupil_id, encodings in gallery.items():
            refs = [_vector(e) for e in encodings]
            if refs:
                ids.append(pupil_id)
                starts.append(len(rows))
                rows.extend(refs)
        self.pupil_ids = ids
        self._starts = np.array(starts, dtype=np.intp)
        self._matrix = np.array(rows, dtype=np.float64).reshape(len(rows), 128)
        self._sq_norms = np.einsum("ij,ij->i", self._matrix, self._matrix)

    def __len__(self) -> int:
        return len(self.pupil_ids)

    def pupil_distances(self, faces: np.ndarray) -> np.ndarray:
        """(faces x pupils): each face's distance to each pupil's nearest reference."""
        sq = (
            np.einsum("ij,ij->i", faces, faces)[:, None]
            + self._sq_norms[None, :]
            - 2.0 * faces @ self._matrix.T
        )
        per_reference = np.sqrt(np.maximum(sq, 0.0))
        return np.minimum.reduceat(per_reference, self._starts, axis=1)


def _vector(encoding: Any) -> np.ndarray:
    v = np.asarray(encoding, dtype=np.float64).reshape(-1)
    if v.shape != (128,) or not np.all(np.isfinite(v)):
        raise BadInput("A face encoding must be 128 finite numbers.")
    return v


def match_faces(
    face_encodings: Sequence[Any],
    gallery: Mapping[Hashable, Sequence[Any]] | EncodingGallery,
    tolerance: float = MATCH_TOLERANCE,
    margin: float = MATCH_MARGIN,
) -> list[Match]:
    """One Match per face, in order, for the faces of ONE photo (see the module docstring).

    The faces must come from a single photo: rule 3 treats two faces matching one pupil as
    a contradiction. Pass a prepared EncodingGallery to match many photos against one gallery.
    """
    if not 0.0 < tolerance <= MAX_TOLERANCE:
        raise ValueError(f"tolerance must be in (0, {MAX_TOLERANCE}]")
    if margin < 0.0:
        raise ValueError("margin must not be negative")
    if not isinstance(gallery, EncodingGallery):
        gallery = EncodingGallery(gallery)
    if not face_encodings:
        return []
    if len(gallery) == 0:
        return [Match(None, None, NO_GALLERY) for _ in face_encodings]
    faces = np.array([_vector(e) for e in face_encodings])
    matches = [
        _decide(row, gallery.pupil_ids, tolerance, margin) for row in gallery.pupil_distances(faces)
    ]
    return _drop_duplicates(matches)


def _decide(distances: np.ndarray, ids: list[Hashable], tolerance: float, margin: float) -> Match:
    best = int(np.argmin(distances))
    best_d = float(distances[best])
    lead = None
    if len(distances) > 1:
        lead = float(np.partition(distances, 1)[1]) - best_d
    if not best_d <= tolerance:  # written so that NaN is unknown too
        return Match(None, best_d, NO_MATCH, lead)
    if lead is not None and not lead >= margin:
        return Match(None, best_d, AMBIGUOUS, lead)
    return Match(ids[best], best_d, MATCHED, lead)


def _drop_duplicates(matches: list[Match]) -> list[Match]:
    seen: dict[Hashable, int] = {}
    for m in matches:
        if m.pupil_id is not None:
            seen[m.pupil_id] = seen.get(m.pupil_id, 0) + 1
    return [
        Match(None, m.distance, DUPLICATE, m.margin)
        if m.pupil_id is not None and seen[m.pupil_id] > 1
        else m
        for m in matches
    ]
