"""Face decisions kept with a draft, and brought back when the draft is opened again.

Fail safe: a saved decision comes back only when the photo's content is exactly what it was
(same sha256) and the face is the same face (its box overlaps the saved one by IoU >= 0.8, or is
identical). Anything else is dropped, so the face is undecided and blocks until someone looks at
it again. A restored identification goes through PhotoCheckService's rules once more: today's
consent decides, and a face of a protected pupil can never be identified (it stays blocked).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from croftpost.core.accounts import Session
from croftpost.core.draft_photos import Box, DraftPhoto, Identification
from croftpost.core.face_marks import FaceMarkService
from croftpost.core.photo_check import (
    ADULT,
    AREA,
    DRAWN,
    FaceResult,
    PhotoCheckService,
    PhotoResult,
)

MIN_IOU = 0.8  # the same face found again; two different faces barely overlap


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (top, right, bottom, left) boxes."""
    if a == b:
        return 1.0
    height = min(a[2], b[2]) - max(a[0], b[0])
    width = min(a[1], b[1]) - max(a[3], b[3])
    inter = max(0, height) * max(0, width)
    union = _area(a) + _area(b) - inter
    return inter / union if union > 0 else 0.0


def _area(box: Box) -> int:
    return max(0, box[2] - box[0]) * max(0, box[1] - box[3])


def photo_key(path: str) -> str:
    """The same file named two ways (a/./b.jpg, a/b.jpg) is one photo."""
    return str(Path(path))


# -- saving ----------------------------------------------------------------------------------
def decisions_of(photo: PhotoResult, blurred: Collection[int]) -> DraftPhoto:
    """What a draft keeps of a checked photo: its hash, the faces chosen for blurring and
    the faces staff identified (a face the matcher recognised is not a decision)."""
    if photo.error is not None or not photo.content_hash:
        return DraftPhoto(photo.path)
    boxes = tuple(sorted(photo.faces[n].box for n in blurred if 0 <= n < len(photo.faces)))
    identified = tuple(sorted((_identification(f) for f in photo.faces
                               if f.reason in ("identified", ADULT)), key=lambda i: i.box))
    drawn = tuple(sorted(f.box for f in photo.faces if f.source == DRAWN))
    areas = tuple(sorted(f.box for f in photo.faces if f.source == AREA))
    return DraftPhoto(photo.path, photo.content_hash, boxes, identified, drawn, areas)


def _identification(face: FaceResult) -> Identification:
    return Identification(face.box, None if face.reason == ADULT else face.pupil_id)


def draft_photos(photos: Sequence[PhotoResult], blurred: Mapping[int, Collection[int]],
                 pending: Iterable[str], waiting: Mapping[str, DraftPhoto]) -> list[DraftPhoto]:
    """Every photo of the post as a draft keeps it. `waiting` holds the saved decisions not
    restored yet (photo_key -> saved): a photo still being checked, or one that could not be
    read this time (a USB stick not plugged in), keeps them rather than losing them."""
    kept = []
    for index, photo in enumerate(photos):
        saved = waiting.get(photo_key(photo.path))
        if photo.error is not None and saved is not None:
            kept.append(saved)
        else:
            kept.append(decisions_of(photo, blurred.get(index, ())))
    kept.extend(waiting.get(photo_key(p), DraftPhoto(p)) for p in pending)
    return kept


# -- restoring -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SavedMatch:
    """Saved decisions lined up with the faces found now (face indexes)."""

    blurred: frozenset[int] = frozenset()
    identified: dict[int, str | None] = field(default_factory=dict)
    dropped: int = 0


def match_saved(photo: PhotoResult, saved: DraftPhoto) -> SavedMatch:
    decisions = len(saved.blurred) + len(saved.identified)
    if photo.error is not None or not saved.sha256 or saved.sha256 != photo.content_hash:
        return SavedMatch(dropped=decisions)
    boxes = [f.box for f in photo.faces]
    blurred = _pair(saved.blurred, boxes)
    identified = _pair([i.box for i in saved.identified], boxes)
    return SavedMatch(frozenset(blurred.values()),
                      {face: saved.identified[i].pupil_id for i, face in identified.items()},
                      decisions - len(blurred) - len(identified))


def _pair(saved: Sequence[Box], found: Sequence[Box]) -> dict[int, int]:
    """saved index -> found index, best overlaps first, each face used once."""
    scored = sorted(((iou(s, f), i, n) for i, s in enumerate(saved) for n, f in enumerate(found)),
                    reverse=True)
    pairs: dict[int, int] = {}
    for score, i, n in scored:
        if score < MIN_IOU:
            break
        if i not in pairs and n not in pairs.values():
            pairs[i] = n
    return pairs


@dataclass(frozen=True)
class RestoredFaces:
    photo: PhotoResult  # with the identifications made again under today's consents
    blurred: frozenset[int]
    restored: int  # decisions brought back
    dropped: int  # decisions that no longer apply (changed photo, face gone, refused)


def restore_decisions(photos: PhotoCheckService, marks: FaceMarkService, session: Session,
                      photo: PhotoResult, saved: DraftPhoto, channel: str,
                      draft_id: int | None) -> RestoredFaces:
    """The saved decisions that still apply to this freshly checked photo. Boxes drawn by
    hand come back first (on the same photo only), so decisions about them line up too."""
    if saved.drawn or saved.areas:
        if photo.error is not None or saved.sha256 != photo.content_hash:
            dropped = len(saved.drawn) + len(saved.areas)
            rest = match_saved(photo, saved)
            return RestoredFaces(photo, frozenset(), 0, dropped + rest.dropped)
        photo = marks.restore(session, photo, saved.drawn, saved.areas, channel, draft_id)
    match = match_saved(photo, saved)
    updated, refused = photo, list[int]()
    if match.identified:
        updated, refused = photos.restore_identifications(session, photo, match.identified,
                                                          channel, draft_id)
    restored = len(match.blurred) + len(match.identified) - len(refused)
    return RestoredFaces(updated, match.blurred, restored, match.dropped + len(refused))
