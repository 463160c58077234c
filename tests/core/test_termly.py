"""The termly report's data and the reminder that a review is due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from croftpost.core.alerts import PROTECTED_FACE
from croftpost.core.drafts import sha256_text
from croftpost.core.posting import PublishedPhoto
from croftpost.errors import BadInput, PermissionDenied
from tests.conftest import STAFF_PASSWORD
from tests.core.posting_helpers import REGISTER_CSV, photo, post, publication


@pytest.fixture
def term(school, clock):
    """A post before the term, three in it (one approved on Facebook), a withdrawal and an
    alert. The clock starts on 24 Nov 2026."""
    services, head = school
    services.consent.import_csv(head, REGISTER_CSV)
    services.accounts.add_staff(head, "teacher", "Sam Teacher", "staff", STAFF_PASSWORD,
                                ["facebook", "dojo"])
    teacher = services.accounts.login("teacher", STAFF_PASSWORD)
    old = post(services, teacher, "dojo", "Last term's trip", ["P001"])
    clock.advance(days=40)  # 3 Jan 2027
    services.approvals.set_required(head, "facebook", True)
    draft = services.drafts.create(teacher, "facebook", "Winter concert")
    pub = publication("Winter concert", [photo("c", ("consented", "P001"), ("adult", None),
                                               ("unknown", None))], ["P001", "P003"])
    approval = services.approvals.submit(teacher, draft.id, pub)
    services.approvals.approve(head, approval.id)
    concert = services.drafts.publish(teacher, draft.id, "facebook", pub)
    clock.advance(days=10)
    ben = post(services, teacher, "dojo", "Ben's model", ["P002"])
    library = post(services, head, "dojo", "The new library", [])
    services.consent.withdraw(head, "P002", ["photo_dojo"])
    services.alerts.raise_alert(PROTECTED_FACE, "P003", "teacher", {"draft_id": 99})
    return services, head, teacher, {"old": old, "concert": concert, "ben": ben,
                                     "library": library}


def test_report_lists_the_terms_posts_with_their_evidence(term):
    services, head, _, posts = term
    report = services.termly.termly_report(head, date(2027, 1, 1), date(2027, 3, 31))
    assert [p.id for p in report.posts] == [posts["concert"].id, posts["ben"].id,
                                            posts["library"].id]
    concert = report.posts[0]
    assert (concert.author, concert.author_name, concert.channel) == (
        "teacher", "Sam Teacher", "facebook")
    assert concert.text_sha256 == posts["concert"].text_sha256
    assert concert.photos[0].face_statuses == ["consented", "adult", "unknown"]
    assert [(p.pupil_id, p.name) for p in concert.pupils] == [("P001", "Ava Thornton"),
                                                             ("P003", "Cara Lindqvist")]
    assert concert.approved_by == "head" and report.posts[1].approved_by is None
    assert [(t.post_id, t.pupil_id) for t in report.open_takedowns] == [(posts["ben"].id,
                                                                        "P002")]
    assert [(a.kind, a.pupil_id) for a in report.alerts] == [("protected_face", "P003")]
    assert report.school_name == "Croftlands Junior" and report.generated_by == "Alex Morgan"
    assert report.to_json()["posts"][0]["photos"][0]["face_statuses"][2] == "unknown"
    entry = services.audit.entries()[0]
    assert entry.action == "report.termly" and entry.details["posts"] == 3


def test_the_period_bounds_are_whole_days(term):
    services, head, _, posts = term
    day_of_old = date(2026, 11, 24)
    only_old = services.termly.termly_report(head, day_of_old, day_of_old)
    assert [p.id for p in only_old.posts] == [posts["old"].id]
    before = services.termly.termly_report(head, date(2026, 9, 1), day_of_old - timedelta(1))
    assert before.posts == []
    with pytest.raises(BadInput, match="before its start"):
        services.termly.termly_report(head, date(2027, 2, 1), date(2027, 1, 1))


def test_only_the_head_sees_the_report(term):
    services, _, teacher, _ = term
    with pytest.raises(PermissionDenied):
        services.termly.termly_report(teacher, date(2027, 1, 1), date(2027, 3, 31))
    with pytest.raises(PermissionDenied):
        services.termly.mark_reviewed(teacher, date(2027, 1, 1), date(2027, 3, 31))


def test_a_new_school_is_not_told_a_review_is_due_on_day_one(school, clock):
    services, _ = school
    status = services.termly.review_status()
    assert not status.due and status.next_due_on == "2027-02-23"  # a term after 24 Nov 2026
    clock.advance(weeks=13)
    assert services.termly.review_status().due


def test_review_is_due_until_done_and_again_a_term_later(term, clock):
    services, head, _, _ = term
    assert not services.termly.review_status().due  # 13 Jan 2027: started 24 Nov 2026
    clock.advance(days=41)
    today = date(2027, 2, 23)
    status = services.termly.review_status()
    assert status.due and status.last_reviewed_at is None
    assert services.termly.default_period() == (today - timedelta(days=90), today)
    done = services.termly.mark_reviewed(head, date(2026, 11, 1), date(2027, 2, 20))
    assert not done.due and done.last_reviewed_by == "head"
    assert services.audit.entries()[0].action == "report.reviewed"
    assert services.termly.default_period() == (date(2027, 2, 21), today)
    clock.advance(weeks=13, seconds=-1)
    assert not services.termly.review_status().due
    clock.advance(seconds=1)
    assert services.termly.review_status().due


def test_a_face_blurred_in_the_copy_that_was_posted_is_reported_as_blurred(term):
    """A post where every face without consent was blurred reads as safe, not as a breach
    ("1 no consent, 4 unknown")."""
    services, head, teacher, _ = term
    blurred = PublishedPhoto("d" * 64, "e" * 64, [
        {"status": "consented", "pupil_id": "P001", "reason": "matched", "blurred": False},
        {"status": "not_consented", "pupil_id": "P002", "reason": "no_consent", "blurred": True},
        {"status": "unknown", "pupil_id": None, "reason": "no_match", "blurred": True},
        {"status": "unknown", "pupil_id": None, "reason": "drawn", "blurred": True,
         "source": "drawn"}])
    draft = services.drafts.create(teacher, "dojo", "Sports day")
    services.drafts.publish(teacher, draft.id, "dojo", publication("Sports day", [blurred],
                                                                   ["P001"]))
    report = services.termly.termly_report(head, date(2027, 1, 1), date(2027, 3, 31))
    [sports] = [p for p in report.posts if p.text_sha256 == sha256_text("Sports day")]
    assert sports.photos[0].face_statuses == ["consented", "blurred", "blurred", "blurred"]
