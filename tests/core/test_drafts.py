"""Drafts are kept per author, survive reopening, and publishing records the evidence."""

from __future__ import annotations

import json

import pytest

from croftpost.core.draft_photos import DraftPhoto, Identification
from croftpost.core.drafts import sha256_text
from croftpost.core.posting import Publication, PublishedPhoto
from croftpost.core.services import open_services
from croftpost.errors import BadInput, PermissionDenied
from tests.conftest import STAFF_PASSWORD


@pytest.fixture
def teacher(school):
    services, head = school
    services.accounts.add_staff(head, "teacher1", "Sam Teacher", "staff", STAFF_PASSWORD, ["dojo"])
    return services, services.accounts.login("teacher1", STAFF_PASSWORD)


def test_draft_survives_closing_and_reopening_the_database(teacher, clock, fast_hasher):
    services, session = teacher
    draft = services.drafts.create(session, "dojo")
    services.drafts.save(session, draft.id, "Year 3 loved the museum!", ["/photos/a.jpg"])
    data_dir = services.data_dir
    services.close()
    reopened = open_services(data_dir, clock=clock, hasher=fast_hasher)
    kept = reopened.drafts.my_drafts(session)
    assert [(d.body, d.photo_paths) for d in kept] == [
        ("Year 3 loved the museum!", ["/photos/a.jpg"])]
    reopened.close()


def test_face_decisions_are_kept_with_each_photo_through_a_reopen(teacher, clock, fast_hasher):
    services, session = teacher
    trip = DraftPhoto("/photos/trip.jpg", "a" * 64, blurred=((10, 60, 60, 10),),
                      identified=(Identification((100, 180, 180, 100), "P001"),
                                  Identification((200, 280, 280, 200), None)))
    draft = services.drafts.create(session, "dojo", "Our trip", [trip, "/photos/later.jpg"])
    assert draft.photos == [trip, DraftPhoto("/photos/later.jpg")]
    services.drafts.save(session, draft.id, "Our trip to the farm", [trip])
    data_dir = services.data_dir
    services.close()  # as after a crash: only what reached the database is left
    reopened = open_services(data_dir, clock=clock, hasher=fast_hasher)
    try:
        [kept] = reopened.drafts.my_drafts(session)
        assert kept.photos == [trip] and kept.photo_paths == ["/photos/trip.jpg"]
        assert kept.photos[0].identified[1].pupil_id is None  # an adult, not a lost pupil
    finally:
        reopened.close()


def test_drafts_saved_before_face_decisions_were_kept_still_open(teacher):
    """Older drafts hold plain paths; a damaged entry keeps its photo but no decisions."""
    services, session = teacher
    draft = services.drafts.create(session, "dojo", "Harvest")
    broken = {"path": "/photos/c.jpg", "sha256": "c" * 64, "blurred": [[1, 2]],
              "identified": [{"box": [1, 2, 3, 4], "pupil_id": "P1"}]}
    services.db.execute("UPDATE drafts SET photos = ? WHERE id = ?",
                        [json.dumps(["/photos/a.jpg", "/photos/b.jpg", broken]), draft.id])
    old = services.drafts.get(session, draft.id)
    assert old.photos == [DraftPhoto("/photos/a.jpg"), DraftPhoto("/photos/b.jpg"),
                          DraftPhoto("/photos/c.jpg")]
    assert not any(p.has_decisions for p in old.photos)
    assert [d.photo_paths for d in services.drafts.my_drafts(session)] == [
        ["/photos/a.jpg", "/photos/b.jpg", "/photos/c.jpg"]]
    saved = services.drafts.save(session, draft.id, "Harvest", old.photo_paths)
    assert saved.photos == old.photos


def test_unauthorised_channel_is_refused(teacher):
    services, session = teacher
    with pytest.raises(PermissionDenied, match="Facebook"):
        services.drafts.create(session, "facebook")


def test_others_cannot_edit_my_draft(teacher):
    services, session = teacher
    head = services.accounts.login("head", "head-password-1")
    services.accounts.add_staff(head, "teacher2", "Kim Teacher", "staff", STAFF_PASSWORD, ["dojo"])
    other = services.accounts.login("teacher2", STAFF_PASSWORD)
    draft = services.drafts.create(session, "dojo", "hello")
    with pytest.raises(PermissionDenied):
        services.drafts.save(other, draft.id, "changed", [])


def test_publish_records_hashes_pupils_and_acknowledgements(teacher):
    services, session = teacher
    draft = services.drafts.create(session, "dojo", "Sports day was great")
    publication = Publication(
        text="Sports day was great",
        photos=[PublishedPhoto("a" * 64, "b" * 64, [{"status": "consented", "pupil_id": "P1"}])],
        pupils={"P1": {"photo_dojo": "valid"}},
        acknowledged_warnings=[{"category": "age_inappropriate", "reason": "parents' bar"}],
        face_model={"model": "dlib", "tolerance": 0.45},
    )
    post = services.drafts.publish(session, draft.id, "dojo", publication)
    assert post.pupils == ["P1"] and post.text_sha256 == sha256_text("Sports day was great")
    entry = services.audit.entries()[0]
    assert entry.action == "post.published"
    assert entry.details["photos"][0]["safe_sha256"] == "b" * 64
    assert entry.details["acknowledged_warnings"][0]["reason"] == "parents' bar"
    assert services.consent.posts_featuring("P1")[0]["id"] == post.id
    with pytest.raises(BadInput, match="already been posted"):
        services.drafts.save(session, draft.id, "edit after posting", [])
    assert services.drafts.my_drafts(session) == []
    assert [p.id for p in services.drafts.history(session)] == [post.id]
