"""Enrolling a pupil's face: reference photos in, encodings (and a small thumbnail) stored.

The reference photos themselves are never kept. A pupil without biometric consent is refused
before any photo is even read, so no encoding of theirs is ever computed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from croftpost.core.accounts import Session
from croftpost.core.consent import ConsentService
from croftpost.core.faces import encode_reference, face_thumbnail
from croftpost.errors import BadPhoto


@dataclass(frozen=True)
class EnrolmentOutcome:
    path: str
    ok: bool
    message: str


def enrol_photos(
    consent: ConsentService,
    session: Session,
    pupil_id: str,
    paths: Sequence[Path | str],
    *,
    whole_image_is_face: bool = False,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[EnrolmentOutcome]:
    """One outcome per photo; a refused photo does not stop the others.

    Raises PermissionDenied (no right to manage consent, or no biometric consent) and NotFound
    before any photo is read.
    """
    consent.require_enrolable(session, pupil_id)
    outcomes: list[EnrolmentOutcome] = []
    for done, path in enumerate(paths, start=1):
        if cancel is not None and cancel.is_set():
            break
        outcomes.append(_enrol_one(consent, session, pupil_id, Path(path), whole_image_is_face))
        if progress is not None:
            progress(done, len(paths))
    return outcomes


def _enrol_one(
    consent: ConsentService, session: Session, pupil_id: str, path: Path, whole: bool
) -> EnrolmentOutcome:
    try:
        reference = encode_reference(path, whole_image_is_face=whole)
        thumbnail = face_thumbnail(path, reference.box)
    except BadPhoto as refused:
        return EnrolmentOutcome(str(path), False, str(refused))
    consent.add_reference(session, pupil_id, reference.encoding, thumbnail,
                          reference.content_hash)
    return EnrolmentOutcome(str(path), True, f"{path.name}: face enrolled.")
