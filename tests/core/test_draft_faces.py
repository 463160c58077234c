"""Face decisions kept with a draft come back only where they still fit, under today's rules.

The photos here are check results made by hand (the faces' boxes and what the matcher said):
what is tested is lining saved decisions up with a new check and the consent rules applied on
restore, on the real services and database. Detection itself is tested in test_photo_check.py,
and the whole flow on real faces in tests/ui/test_compose.py.
"""

from __future__ import annotations

import pytest

from croftpost.core.draft_photos import DraftPhoto, Identification
from croftpost.core.face_decisions import (
    decisions_of,
    draft_photos,
    iou,
    match_saved,
    restore_decisions,
)
from croftpost.core.photo_check import (
    CONSENTED,
    NOT_CONSENTED,
    UNKNOWN,
    FaceResult,
    PhotoResult,
)

REGISTER = (
    "pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,name_dojo,"
    "biometric,consent_expires,withdrawn_on\n"
    "P001,Ava,Thornton,Year 3,yes,yes,yes,yes,yes,2027-07-31,\n"
    "P002,Ben,Okafor,Year 4,no,yes,no,yes,no,2027-07-31,\n"
)
LEFT, MIDDLE, RIGHT = (50, 150, 150, 50), (50, 350, 150, 250), (50, 550, 150, 450)



def _restore(services, head, photo, saved, channel, draft_id):
    return restore_decisions(services.photos, services.marks, head, photo, saved, channel,
                             draft_id)

def unknown(box) -> FaceResult:
    return FaceResult(box, UNKNOWN, None, None, "no_match")


def photo(*faces: FaceResult, sha: str = "a" * 64) -> PhotoResult:
    return PhotoResult("/photos/trip.jpg", sha, 800, 600, faces=faces)


SAVED = DraftPhoto("/photos/trip.jpg", "a" * 64, blurred=(LEFT,),
                   identified=(Identification(MIDDLE, "P001"), Identification(RIGHT, None)))


@pytest.fixture
def register(school):
    services, head = school
    services.consent.import_csv(head, REGISTER)
    return services, head


def actions(services) -> list[str]:
    return [e.action for e in services.audit.entries()]


def test_iou_of_boxes():
    assert iou(LEFT, LEFT) == 1.0
    assert iou(LEFT, MIDDLE) == 0.0
    assert iou((0, 100, 100, 0), (0, 100, 100, 50)) == pytest.approx(0.5)
    assert iou((0, 0, 0, 0), (0, 0, 0, 1)) == 0.0  # empty boxes never match


def test_decisions_come_back_by_box_even_in_another_order(register):
    services, head = register
    # The rescan lists the faces in another order, one box a few pixels off (IoU ~0.85).
    nudged = (55, 355, 155, 255)
    assert 0.8 <= iou(nudged, MIDDLE) < 0.9
    rescanned = photo(unknown(RIGHT), unknown(nudged), unknown(LEFT))
    done = _restore(services, head, rescanned, SAVED, "facebook", 7)
    assert done.blurred == {2} and (done.restored, done.dropped) == (3, 0)
    right, middle, left = done.photo.faces
    assert (right.status, right.reason) == (CONSENTED, "adult")
    assert (middle.status, middle.pupil_id, middle.reason) == (CONSENTED, "P001", "identified")
    assert (left.status, left.pupil_id) == (UNKNOWN, None)  # blurred, not identified
    # Noted once, not audited as new identifications made by a person.
    assert "photo.face_identified" not in actions(services)
    [note] = [e for e in services.audit.entries() if e.action == "photo.identification_restored"]
    assert note.details["draft_id"] == 7 and note.details["photo_sha256"] == "a" * 64
    assert sorted((f["pupil_id"] or "", f["adult"]) for f in note.details["faces"]) == [
        ("", True), ("P001", False)]
    # Saved again, the decisions are what they were (with the boxes found now).
    again = decisions_of(done.photo, done.blurred)
    assert again.blurred == (LEFT,) and set(again.identified) == {
        Identification(nudged, "P001"), Identification(RIGHT, None)}


def test_a_changed_photo_loses_every_decision(register):
    services, head = register
    edited = photo(unknown(LEFT), unknown(MIDDLE), unknown(RIGHT), sha="b" * 64)
    done = _restore(services, head, edited, SAVED, "facebook", 7)
    assert done.blurred == frozenset() and (done.restored, done.dropped) == (0, 3)
    assert all(f.status == UNKNOWN for f in done.photo.faces)
    assert "photo.identification_restored" not in actions(services)


def test_a_face_that_moved_or_vanished_loses_its_decision(register):
    services, head = register
    moved = (90, 390, 190, 290)  # overlaps the saved box, but not enough to be the same face
    assert 0 < iou(moved, MIDDLE) < 0.8
    done = _restore(services, head, photo(unknown(LEFT), unknown(moved)),
                             SAVED, "facebook", 7)
    assert done.blurred == {0} and (done.restored, done.dropped) == (1, 2)
    assert done.photo.faces[1].status == UNKNOWN


def test_todays_consent_decides_a_restored_identification(register):
    services, head = register
    services.consent.withdraw(head, "P001", ["photo_facebook"])
    done = _restore(services, head, photo(unknown(MIDDLE)), SAVED,
                             "facebook", 7)
    [face] = done.photo.faces
    assert (face.status, face.pupil_id, face.reason) == (NOT_CONSENTED, "P001", "identified")
    assert face.blocks


def test_a_protected_pupils_face_is_never_identified_by_a_restore(register):
    services, head = register
    services.consent.protect(head, "P002", "court order")
    # Now the matcher gives the face to a protected pupil: the saved "adult" is refused.
    matched = FaceResult(RIGHT, NOT_CONSENTED, "P002", 0.3, "protected")
    done = _restore(services, head, photo(matched), SAVED, "facebook", 7)
    [face] = done.photo.faces
    assert face.reason == "protected" and face.blocks
    assert (done.restored, done.dropped) == (0, 3)
    assert "photo.identification_restored" not in actions(services)
    # Identified as a pupil who is protected since: restored, and blocked.
    as_ben = DraftPhoto(SAVED.path, SAVED.sha256, identified=(Identification(LEFT, "P002"),))
    done = _restore(services, head, photo(unknown(LEFT)), as_ben, "dojo", 7)
    [face] = done.photo.faces
    assert (face.status, face.reason) == (NOT_CONSENTED, "protected")


def test_a_pupil_deleted_since_is_not_restored(register):
    services, head = register
    services.consent.delete_pupil(head, "P001")
    done = _restore(services, head, photo(unknown(MIDDLE)), SAVED,
                             "facebook", 7)
    assert done.photo.faces[0].status == UNKNOWN and done.dropped == 3


def test_a_photo_that_cannot_be_read_keeps_its_saved_decisions_for_later():
    unreadable = PhotoResult("/photos/trip.jpg", "", error="trip.jpg could not be read.")
    assert match_saved(unreadable, SAVED).dropped == 3
    waiting = {"/photos/trip.jpg": SAVED, "/photos/next.jpg": DraftPhoto("/photos/next.jpg")}
    kept = draft_photos([unreadable], {}, ["/photos/next.jpg", "/photos/new.jpg"], waiting)
    assert kept == [SAVED, DraftPhoto("/photos/next.jpg"), DraftPhoto("/photos/new.jpg")]
