"""Approval before publishing: per-channel requirement, approvers, the queue, and approvals
that count only for exactly the content that was approved."""

from __future__ import annotations

import pytest

from croftpost.core.services import open_services
from croftpost.errors import BadInput, PermissionDenied
from tests.conftest import HEAD_PASSWORD, STAFF_PASSWORD
from tests.core.posting_helpers import photo, publication

TEXT = "Year 4 built a volcano today!"
WARNING = {"category": "age_inappropriate", "reason": "science lesson, not a party"}


@pytest.fixture
def school_with_staff(school):
    """Facebook needs approval, Dojo does not; a teacher, a deputy approver, a plain colleague."""
    services, head = school
    services.accounts.add_staff(head, "teacher", "Sam Teacher", "staff", STAFF_PASSWORD,
                                ["facebook", "dojo"])
    services.accounts.add_staff(head, "deputy", "Kim Deputy", "staff", STAFF_PASSWORD,
                                ["facebook"])
    services.accounts.add_staff(head, "colleague", "Lee Colleague", "staff", STAFF_PASSWORD,
                                ["facebook"])
    services.approvals.set_required(head, "facebook", True)
    services.approvals.set_approver(head, "deputy", True)
    return services, head


def login(services, username):  # noqa: ANN001, ANN201
    return services.accounts.login(username, STAFF_PASSWORD)


def submitted(services, text=TEXT, channel="facebook", author="teacher"):  # noqa: ANN001, ANN201
    session = login(services, author) if author != "head" else services.accounts.login(
        "head", HEAD_PASSWORD)
    draft = services.drafts.create(session, channel, text)
    pub = publication(text, [photo("a", ("consented", "P001"), ("adult", None))], ["P001"],
                      [WARNING])
    approval = services.approvals.submit(session, draft.id, pub)
    return session, draft, pub, approval


def test_dojo_without_requirement_publishes_directly(school_with_staff):
    services, _ = school_with_staff
    teacher = login(services, "teacher")
    draft = services.drafts.create(teacher, "dojo", "Class story")
    post = services.drafts.publish(teacher, draft.id, "dojo", publication("Class story"))
    assert post.channel == "dojo"
    assert services.audit.entries()[0].details["approval_id"] is None
    assert services.approvals.required_channels() == {"facebook": True, "dojo": False}


def test_facebook_needs_a_submission_and_a_decision(school_with_staff):
    services, _ = school_with_staff
    teacher = login(services, "teacher")
    draft = services.drafts.create(teacher, "facebook", TEXT)
    with pytest.raises(PermissionDenied, match="submit the draft for approval"):
        services.drafts.publish(teacher, draft.id, "facebook", publication(TEXT))
    with pytest.raises(PermissionDenied, match="need approval first"):
        services.drafts.publish(teacher, None, "facebook", publication(TEXT))
    services.approvals.submit(teacher, draft.id, publication(TEXT))
    with pytest.raises(PermissionDenied, match="still waiting"):
        services.drafts.publish(teacher, draft.id, "facebook", publication(TEXT))
    assert services.drafts.history(teacher) == []


def test_approver_sees_the_snapshot_approves_and_the_exact_post_goes_out(school_with_staff):
    services, _ = school_with_staff
    teacher, draft, pub, approval = submitted(services)
    deputy = login(services, "deputy")
    [queued] = services.approvals.queue(deputy)
    assert queued.id == approval.id and queued.author == "teacher"
    assert queued.snapshot.text == TEXT
    assert queued.snapshot.face_statuses() == {"adult": 1, "consented": 1}
    assert queued.snapshot.acknowledged_warnings == [WARNING]
    assert services.approvals.approve(deputy, approval.id).state == "approved"

    post = services.drafts.publish(teacher, draft.id, "facebook", pub)
    used = services.approvals.get(teacher, approval.id)
    assert used.state == "published" and used.post_id == post.id and used.decided_by == "deputy"
    actions = [(e.action, e.actor) for e in services.audit.entries()
               if e.action != "login"][:3]
    assert actions == [("post.published", "teacher"), ("approval.approve", "deputy"),
                       ("approval.submit", "teacher")]
    assert services.audit.entries()[0].details["approval_id"] == approval.id
    assert services.approvals.queue(deputy) == []


def test_nobody_approves_their_own_post(school_with_staff):
    services, head = school_with_staff
    _, _, _, own = submitted(services, author="deputy")
    deputy = login(services, "deputy")
    with pytest.raises(PermissionDenied, match="their own post"):
        services.approvals.approve(deputy, own.id)
    with pytest.raises(PermissionDenied, match="their own post"):
        services.approvals.return_(deputy, own.id, "looks fine to me")
    _, _, _, heads_own = submitted(services, "Governors' news", author="head")
    with pytest.raises(PermissionDenied, match="their own post"):
        services.approvals.approve(head, heads_own.id)
    # Each can decide on the other's.
    assert services.approvals.approve(head, own.id).decided_by == "head"
    assert services.approvals.approve(deputy, heads_own.id).decided_by == "deputy"


@pytest.mark.parametrize("change", ["text", "photo", "face status", "warning", "channel"])
def test_any_change_after_approval_voids_it(school_with_staff, change):
    services, head = school_with_staff
    teacher, draft, pub, approval = submitted(services)
    services.approvals.approve(head, approval.id)
    changed = {
        "text": publication(TEXT + " See you tomorrow!", pub.photos, ["P001"], [WARNING]),
        "photo": publication(TEXT, [photo("c", ("consented", "P001"), ("adult", None))],
                             ["P001"], [WARNING]),
        "face status": publication(TEXT, [photo("a", ("consented", "P001"),
                                                ("consented", "P002"))], ["P001"], [WARNING]),
        "warning": publication(TEXT, pub.photos, ["P001"], [WARNING, {"category": "link",
                                                                      "reason": "ours"}]),
        "channel": pub,
    }[change]
    channel = "dojo" if change == "channel" else "facebook"
    if change == "channel":  # a Dojo copy of an approved Facebook post needs Dojo's rules
        services.approvals.set_required(head, "dojo", True)
    with pytest.raises(PermissionDenied, match="changed after it was approved"):
        services.drafts.publish(teacher, draft.id, channel, changed)
    assert services.approvals.get(teacher, approval.id).state == "void"
    assert services.audit.entries()[0].action == "approval.void"
    # The void approval does not come back for the original content either.
    with pytest.raises(PermissionDenied, match="submit the draft for approval"):
        services.drafts.publish(teacher, draft.id, "facebook", pub)


def test_edited_draft_is_resubmitted_and_approved_again(school_with_staff):
    services, head = school_with_staff
    teacher, draft, _, first = submitted(services)
    services.approvals.approve(head, first.id)
    edited = "Year 4 built a volcano today! It erupted twice."
    services.drafts.save(teacher, draft.id, edited, [])
    second = services.approvals.submit(teacher, draft.id, publication(edited))
    assert services.approvals.get(teacher, first.id).state == "superseded"
    services.approvals.approve(head, second.id)
    post = services.drafts.publish(teacher, draft.id, "facebook", publication(edited))
    assert services.approvals.get(teacher, second.id).post_id == post.id


def test_non_approver_is_refused_by_the_service(school_with_staff):
    services, head = school_with_staff
    _, _, _, approval = submitted(services)
    colleague = login(services, "colleague")
    with pytest.raises(PermissionDenied, match="approvers they name"):
        services.approvals.queue(colleague)
    with pytest.raises(PermissionDenied, match="approvers they name"):
        services.approvals.approve(colleague, approval.id)
    with pytest.raises(PermissionDenied, match="author and the approvers"):
        services.approvals.get(colleague, approval.id)
    # Taking the flag away works at once, even for a session already open.
    deputy = login(services, "deputy")
    services.approvals.set_approver(head, "deputy", False)
    with pytest.raises(PermissionDenied):
        services.approvals.approve(deputy, approval.id)
    assert services.approvals.approvers() == ["head"]
    assert services.approvals.get(head, approval.id).state == "pending"


def test_only_the_headteacher_sets_requirements_and_approvers(school_with_staff):
    services, _ = school_with_staff
    deputy = login(services, "deputy")
    with pytest.raises(PermissionDenied):
        services.approvals.set_required(deputy, "facebook", False)
    with pytest.raises(PermissionDenied):
        services.approvals.set_approver(deputy, "colleague", True)
    details = {e.action: (e.target, e.details) for e in services.audit.entries()}
    assert details["approval.require"] == ("facebook", {"before": False, "after": True})
    assert details["staff.approver"] == ("deputy", {"before": False, "after": True})


def test_returned_post_carries_the_comment_and_cannot_be_published(school_with_staff):
    services, head = school_with_staff
    teacher, draft, pub, approval = submitted(services)
    with pytest.raises(BadInput, match="should change"):
        services.approvals.return_(head, approval.id, "   ")
    returned = services.approvals.return_(head, approval.id, "Please crop the minibus plate.")
    assert returned.state == "returned" and returned.comment == "Please crop the minibus plate."
    assert [a.comment for a in services.approvals.mine(teacher)] == [returned.comment]
    with pytest.raises(BadInput, match="no longer waiting"):
        services.approvals.approve(head, approval.id)
    with pytest.raises(PermissionDenied, match="submit the draft for approval"):
        services.drafts.publish(teacher, draft.id, "facebook", pub)
    entry = services.audit.entries()[0]
    assert entry.action == "approval.return" and entry.details["comment"] == returned.comment


def test_only_the_author_submits_and_deleted_drafts_leave_the_queue(school_with_staff):
    services, head = school_with_staff
    teacher, draft, _, approval = submitted(services)
    with pytest.raises(PermissionDenied, match="your own drafts"):
        services.approvals.submit(login(services, "deputy"), draft.id, publication(TEXT))
    services.drafts.delete(teacher, draft.id)
    assert services.approvals.queue(head) == []
    with pytest.raises(BadInput, match="deleted or posted"):
        services.approvals.approve(head, approval.id)


def test_approval_survives_reopening_the_data_folder(school_with_staff, clock, fast_hasher):
    services, head = school_with_staff
    _, draft, pub, approval = submitted(services)
    services.approvals.approve(head, approval.id)
    data_dir = services.data_dir
    services.close()
    reopened = open_services(data_dir, clock=clock, hasher=fast_hasher)
    try:
        teacher = reopened.accounts.login("teacher", STAFF_PASSWORD)
        post = reopened.drafts.publish(teacher, draft.id, "facebook", pub)
        assert reopened.approvals.get(teacher, approval.id).post_id == post.id
        assert reopened.audit.verify().intact
    finally:
        reopened.close()
