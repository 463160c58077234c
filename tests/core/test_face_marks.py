"""Faces and areas staff mark by hand: a face the check missed blocks until it is blurred or
identified; an area is always blurred; both are audited, kept with the draft and recorded with
the post. Real photo check (real detector) on photos made here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from croftpost.core.face_decisions import decisions_of, restore_decisions
from croftpost.core.photo_check import AREA, CONSENTED, DRAWN, UNKNOWN, PhotoCheck
from croftpost.core.posting import photo_state, published_photos, undecided_faces
from croftpost.errors import BadInput

REGISTER = (
    "pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,"
    "name_dojo,biometric,consent_expires,withdrawn_on\n"
    "P001,Ava,Thornton,Year 3,yes,yes,no,yes,no,2027-07-31,\n"
)
FACE_BOX = (100, 260, 260, 100)  # top, right, bottom, left
BADGE_BOX = (300, 420, 340, 300)


@pytest.fixture
def checked(school, tmp_path: Path):
    """A photo the check finds no face in (the child is turned away, say), checked."""
    services, head = school
    services.consent.import_csv(head, REGISTER)
    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    path = tmp_path / "sports.png"
    Image.fromarray(pixels).save(path)
    check = services.photos.check(head, [path], "facebook")
    assert check.photos[0].faces == () and check.verdict == "ok"
    return services, head, check.photos[0], path


def test_a_face_marked_by_hand_blocks_until_blurred_or_identified(checked) -> None:
    services, head, photo, _ = checked
    marked = services.marks.mark(head, photo, FACE_BOX, "facebook")
    [face] = marked.faces
    assert (face.status, face.reason, face.source, face.box) == (UNKNOWN, DRAWN, DRAWN, FACE_BOX)
    assert marked.blocks and undecided_faces(marked, set()) == [0]
    assert photo_state(marked, {0}) == "blurred"
    entry = services.audit.entries()[0]
    assert (entry.action, entry.details) == ("photo.face_marked", {
        "photo_sha256": photo.content_hash, "box": list(FACE_BOX)})

    named = services.photos.identify(head, marked, 0, "P001", "facebook")
    assert named.faces[0].status == CONSENTED and named.faces[0].source == DRAWN
    assert not named.blocks


def test_an_area_is_always_blurred_and_cannot_be_identified(checked, tmp_path: Path) -> None:
    services, head, photo, path = checked
    marked = services.marks.mark(head, photo, BADGE_BOX, "facebook", AREA)
    assert marked.faces[0].source == AREA and undecided_faces(marked, set()) == []
    assert services.audit.entries()[0].action == "photo.area_marked"
    with pytest.raises(BadInput, match="area to blur"):
        services.photos.identify(head, marked, 0, "P001", "facebook")
    [copy] = services.photos.export(head, PhotoCheck("facebook", (marked,)), tmp_path / "out")
    assert copy.blurred == 1
    before = np.asarray(Image.open(path), dtype=np.int16)
    after = np.asarray(Image.open(copy.path), dtype=np.int16)
    top, right, bottom, left = BADGE_BOX
    assert np.abs(after[top:bottom, left:right] - before[top:bottom, left:right]).mean() > 30
    assert np.array_equal(after[:50, :50], before[:50, :50])  # the rest is untouched


def test_only_a_box_drawn_by_hand_can_be_taken_away(checked) -> None:
    services, head, photo, _ = checked
    marked = services.marks.mark(head, photo, FACE_BOX, "facebook")
    assert services.marks.unmark(head, marked, 0, "facebook").faces == ()
    assert services.audit.entries()[0].details["kind"] == DRAWN
    found = replace(marked, faces=(replace(marked.faces[0], source="found"),))
    with pytest.raises(BadInput, match="blur this face instead"):
        services.marks.unmark(head, found, 0, "facebook")


def test_a_slip_of_the_mouse_is_refused_and_a_box_is_kept_inside_the_photo(checked) -> None:
    services, head, photo, _ = checked
    with pytest.raises(BadInput, match="too small"):
        services.marks.mark(head, photo, (10, 14, 14, 10), "facebook")
    marked = services.marks.mark(head, photo, (-40, 700, 90, 600), "facebook")
    assert marked.faces[0].box == (0, 640, 90, 600)


def test_marks_are_kept_with_the_draft_and_come_back_on_the_same_photo_only(
    checked, tmp_path: Path
) -> None:
    services, head, photo, path = checked
    marked = services.marks.mark(head, photo, FACE_BOX, "facebook")
    marked = services.marks.mark(head, marked, BADGE_BOX, "facebook", AREA)
    saved = decisions_of(marked, {0})
    assert (saved.drawn, saved.areas, saved.blurred) == ((FACE_BOX,), (BADGE_BOX,), (FACE_BOX,))

    again = services.photos.check(head, [path], "facebook").photos[0]
    done = restore_decisions(services.photos, services.marks, head, again, saved, "facebook", 3)
    assert [(f.source, f.box) for f in done.photo.faces] == [(DRAWN, FACE_BOX), (AREA, BADGE_BOX)]
    assert done.blurred == {0} and done.dropped == 0
    assert services.audit.entries()[0].action == "photo.marks_restored"

    Image.new("RGB", (640, 480), "white").save(path)  # the photo was edited since
    edited = services.photos.check(head, [path], "facebook").photos[0]
    gone = restore_decisions(services.photos, services.marks, head, edited, saved, "facebook", 3)
    assert gone.photo.faces == () and gone.dropped == 3


def test_the_published_record_says_who_found_each_face(checked) -> None:
    services, head, photo, _ = checked
    marked = services.marks.mark(head, photo, FACE_BOX, "facebook")
    marked = services.marks.mark(head, marked, BADGE_BOX, "facebook", AREA)
    [published] = published_photos(PhotoCheck("facebook", (marked,)), {0: {0}})
    assert [(f["source"], f["blurred"]) for f in published.faces] == [(DRAWN, True), (AREA, True)]
