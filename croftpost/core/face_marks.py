"""What staff add by hand to a checked photo: a face the check missed, or an area to blur.

No detector sees every face (a child turned away, half hidden, in shadow). A member of staff who
sees one draws a box around it: it then counts as an unknown face, which blocks until it is
blurred or identified, exactly like one the check found. An area to blur (a name badge, a
house number, a face they would rather not call a face) is always blurred in the safe copy.
Both are audited with the photo's hash and the box, kept with the draft, and recorded with the
post (`source` in the published record says who found each face).

Marks belong to still photos: an animation's safe copy is refused anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from croftpost.core.accounts import AccountService, Session
from croftpost.core.audit import AuditLog
from croftpost.core.photo_check import (
    AREA,
    DRAWN,
    FOUND,
    UNKNOWN,
    FaceResult,
    PhotoCheck,
    PhotoCheckService,
    PhotoResult,
)
from croftpost.errors import BadInput

Box = tuple[int, int, int, int]  # top, right, bottom, left in full-size pixels
MIN_MARK_PX = 8  # smaller than this is a slip of the mouse, not a face
KINDS = (DRAWN, AREA)


class FaceMarkService:
    def __init__(self, audit: AuditLog, accounts: AccountService,
                 photos: PhotoCheckService) -> None:
        self._audit = audit
        self._accounts = accounts
        self._photos = photos

    def mark(self, session: Session, photo: PhotoResult, box: Box, channel: str,
             kind: str = DRAWN) -> PhotoResult:
        """The photo with one more face (`drawn`, unknown until blurred or identified) or
        area to blur (`area`). Audited."""
        actor = self._accounts.require_channel(session, channel).username
        checked = _checked_box(photo, box, kind)
        updated = self._with_marks(photo, [checked], kind, channel)
        action = "photo.face_marked" if kind == DRAWN else "photo.area_marked"
        self._audit.record(actor, action, channel, {
            "photo_sha256": photo.content_hash, "box": list(checked)})
        return updated

    def unmark(self, session: Session, photo: PhotoResult, face_index: int,
               channel: str) -> PhotoResult:
        """Take back a box drawn by hand (a face the check found cannot be taken away)."""
        actor = self._accounts.require_channel(session, channel).username
        if not 0 <= face_index < len(photo.faces):
            raise BadInput("There is no such face in this photo.")
        face = photo.faces[face_index]
        if face.source not in KINDS:
            raise BadInput("Only a box drawn by hand can be taken away: blur this face "
                           "instead.")
        faces = photo.faces[:face_index] + photo.faces[face_index + 1:]
        self._audit.record(actor, "photo.mark_removed", channel, {
            "photo_sha256": photo.content_hash, "box": list(face.box), "kind": face.source})
        return replace(photo, faces=faces)

    def restore(self, session: Session, photo: PhotoResult, drawn: Sequence[Box],
                areas: Sequence[Box], channel: str, draft_id: int | None) -> PhotoResult:
        """Marks kept with a draft, drawn again on the same photo (the caller has checked its
        hash). One audit entry says what the draft brought back; the original entries have
        who drew them and when."""
        actor = self._accounts.require_channel(session, channel).username
        boxes = {DRAWN: [_checked_box(photo, b, DRAWN) for b in drawn],
                 AREA: [_checked_box(photo, b, AREA) for b in areas]}
        updated = photo
        for kind, kept in boxes.items():
            if kept:
                updated = self._with_marks(updated, kept, kind, channel)
        if drawn or areas:
            self._audit.record(actor, "photo.marks_restored", channel, {
                "draft_id": draft_id, "photo_sha256": photo.content_hash,
                "faces": [list(b) for b in boxes[DRAWN]], "areas": [list(b) for b in boxes[AREA]]})
        return updated

    def _with_marks(self, photo: PhotoResult, boxes: Sequence[Box], kind: str,
                    channel: str) -> PhotoResult:
        added = tuple(FaceResult(b, UNKNOWN, None, None, kind, 0, kind) for b in boxes)
        marked = replace(photo, faces=photo.faces + added)
        return self._photos.refresh(PhotoCheck(channel, (marked,))).photos[0]


def _checked_box(photo: PhotoResult, box: Box, kind: str) -> Box:
    """The box clipped to the photo; refused when it is not a real area of a still photo."""
    if kind not in KINDS:
        raise BadInput(f"A mark is one of {', '.join(KINDS)}.")
    if photo.error is not None or not photo.content_hash:
        raise BadInput("This photo could not be checked: remove it instead.")
    if photo.frames > 1:
        raise BadInput("Boxes can be drawn only on still photos.")
    top, right, bottom, left = (int(v) for v in box)
    top, left = max(0, min(top, bottom)), max(0, min(left, right))
    bottom, right = min(photo.height, max(top, bottom)), min(photo.width, max(left, right))
    if bottom - top < MIN_MARK_PX or right - left < MIN_MARK_PX:
        raise BadInput("Draw the box around the whole face: this one is too small.")
    return top, right, bottom, left


__all__ = ["AREA", "DRAWN", "FOUND", "FaceMarkService", "MIN_MARK_PX"]
