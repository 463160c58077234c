"""When a post is ready, which warnings still need a reason, and what its record holds."""

from __future__ import annotations

from datetime import date

import pytest

from croftpost.core.consent_model import ConsentRecord, Pupil
from croftpost.core.photo_check import (
    CONSENTED,
    NOT_CONSENTED,
    UNKNOWN,
    ExportedPhoto,
    FaceResult,
    PhotoCheck,
    PhotoResult,
)
from croftpost.core.posting import (
    PHOTO_ATTENTION,
    PHOTO_BLURRED,
    PHOTO_ERROR,
    PHOTO_OK,
    acknowledge,
    build_publication,
    faces_without_consent,
    photo_state,
    readiness,
    unacknowledged,
)
from croftpost.core.textcheck import Finding
from croftpost.errors import BadInput

DAY = date(2026, 11, 24)
AVA = Pupil("P1", "Ava", "Thornton", "Year 3", consents={
    "photo_facebook": ConsentRecord("photo_facebook", True, date(2027, 7, 31)),
    "name_facebook": ConsentRecord("name_facebook", False)})
KIT = Pupil("P2", "Kit", "Harlow", "Year 3")


def face(status: str, pupil: str | None = None, reason: str = "matched") -> FaceResult:
    return FaceResult((10, 60, 60, 10), status, pupil, 0.3, reason)


def check(*photos: PhotoResult) -> PhotoCheck:
    return PhotoCheck("facebook", photos)


GROUP = PhotoResult("/a.jpg", "a" * 64, 800, 600,
                    faces=(face(CONSENTED, "P1"), face(NOT_CONSENTED, "P2", "no_consent"),
                           face(UNKNOWN, None, "no_match")))
SOLO = PhotoResult("/b.jpg", "b" * 64, 800, 600, faces=(face(CONSENTED, "P1"),))
BROKEN = PhotoResult("/c.jpg", "", error="c.jpg could not be read: the file is empty.")
WINE = Finding("age_inappropriate", "warn", 14, 18, "wine", "2.3", "Check \"wine\".")
PHONE = Finding("personal_info", "block", 8, 20, "07700 900123", "2.3", "Remove the number.")


def test_a_face_without_consent_blocks_until_it_is_chosen_for_blurring() -> None:
    photos = check(GROUP, SOLO)
    assert [photo_state(p, ()) for p in photos.photos] == [PHOTO_ATTENTION, PHOTO_OK]
    state = readiness("Sports day", [], photos, {}, [])
    assert (state.ready, state.faces_to_decide) == (False, 2)
    assert readiness("Sports day", [], photos, {0: {1}}, []).faces_to_decide == 1
    everything = faces_without_consent(photos)
    assert everything == {0: {1, 2}}
    assert photo_state(GROUP, everything[0]) == PHOTO_BLURRED
    assert readiness("Sports day", [], photos, everything, []).ready


def test_blocking_text_a_broken_photo_or_an_empty_post_are_never_ready() -> None:
    assert not readiness("Call 07700 900123", [PHONE], None, {}, []).ready
    assert readiness("   ", [], None, {}, []).empty
    assert not readiness("   ", [], check(SOLO), {}, []).empty  # a photo alone is a post
    broken = readiness("Trip", [], check(BROKEN), {}, [])
    assert (broken.ready, broken.broken_photos, photo_state(BROKEN, ())) == (False, 1, PHOTO_ERROR)
    assert readiness("Trip", [], None, {}, []).ready


def test_a_warning_needs_a_real_reason_and_a_block_cannot_be_waived() -> None:
    with pytest.raises(BadInput, match="why"):
        acknowledge(WINE, "ok")
    with pytest.raises(BadInput, match="cannot be acknowledged"):
        acknowledge(PHONE, "the office's own number, honestly")
    ack = acknowledge(WINE, "  It is the  raffle prize for parents ")
    assert ack == {"category": "age_inappropriate", "clause": "2.3", "excerpt": "wine",
                   "reason": "It is the raffle prize for parents"}
    second = Finding("age_inappropriate", "warn", 40, 44, "Wine", "2.3", "Check \"Wine\".")
    assert unacknowledged([WINE, second], []) == [WINE]  # the same word needs one reason
    assert unacknowledged([WINE, second], [ack]) == []
    assert readiness("wine", [WINE], None, {}, []).warnings == (WINE,)


def test_the_record_lists_only_pupils_who_can_be_seen_with_their_consent_now() -> None:
    photos = check(GROUP)
    blurred = {0: {1, 2}}
    exported = [ExportedPhoto("/a.jpg", "/out/a.jpg", "a" * 64, "s" * 64, 2)]
    with pytest.raises(BadInput, match="reason"):
        build_publication("Thanks for the wine", photos, blurred, [WINE], [], [AVA, KIT], DAY)
    ack = acknowledge(WINE, "It is the raffle prize for parents")
    pub = build_publication("  Thanks for the wine \n", photos, blurred, [WINE], [ack],
                            [AVA, KIT], DAY, exported)
    assert pub.text == "Thanks for the wine"
    assert pub.pupils == {"P1": {"photo": "valid", "name": "refused", "on_roll": True,
                                 "protected": False}}  # Kit's face is blurred: not shown
    [photo] = pub.photos
    assert (photo.original_sha256, photo.safe_sha256) == ("a" * 64, "s" * 64)
    assert [(f["status"], f["pupil_id"], f["blurred"]) for f in photo.faces] == [
        (CONSENTED, "P1", False), (NOT_CONSENTED, "P2", True), (UNKNOWN, None, True)]
    assert pub.acknowledged_warnings == [ack]
    assert pub.face_model["photos"][0]["sha256"] == "a" * 64
    also_ava = build_publication("Trip", photos, {0: {0, 1, 2}}, [], [], [AVA, KIT], DAY)
    assert also_ava.pupils == {}  # Ava blurred on request: nobody can be seen
    with pytest.raises(BadInput, match="not ready"):
        build_publication("Trip", photos, {0: {1}}, [], [], [AVA, KIT], DAY)
