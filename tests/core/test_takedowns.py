"""Takedown tasks: made when consent is withdrawn or a pupil becomes protected, for each
published post featuring that pupil, assigned to the poster, closed by them or the head."""

from __future__ import annotations

import pytest

from croftpost.errors import BadInput, PermissionDenied
from tests.conftest import STAFF_PASSWORD
from tests.core.posting_helpers import REGISTER_CSV, post


@pytest.fixture
def posted(school):
    """Two teachers' posts: Ava on Facebook (teacher1) and Dojo (teacher2), Ben on Dojo."""
    services, head = school
    services.consent.import_csv(head, REGISTER_CSV)
    for name in ("teacher1", "teacher2"):
        services.accounts.add_staff(head, name, f"{name.title()} Smith", "staff", STAFF_PASSWORD,
                                    ["facebook", "dojo"])
    t1 = services.accounts.login("teacher1", STAFF_PASSWORD)
    t2 = services.accounts.login("teacher2", STAFF_PASSWORD)
    posts = {
        "ava_fb": post(services, t1, "facebook", "Ava's poem won!", ["P001"]),
        "ava_dojo": post(services, t2, "dojo", "Reading buddies", ["P001", "P002"]),
        "ben_dojo": post(services, t1, "dojo", "Ben's model", ["P002"]),
        "nobody": post(services, t1, "facebook", "The new library", []),
    }
    return services, head, t1, t2, posts


def test_withdrawal_makes_a_task_per_post_featuring_that_pupil(posted):
    services, head, t1, t2, posts = posted
    services.consent.withdraw(head, "P001")
    tasks = services.takedowns.takedowns(head)
    assert sorted((t.post_id, t.pupil_id, t.assignee) for t in tasks) == sorted([
        (posts["ava_fb"].id, "P001", "teacher1"), (posts["ava_dojo"].id, "P001", "teacher2")])
    by_post = {t.post_id: t for t in tasks}
    assert by_post[posts["ava_fb"].id].kinds == ["name_facebook", "photo_facebook"]
    assert by_post[posts["ava_fb"].id].post_text == "Ava's poem won!"
    assert by_post[posts["ava_fb"].id].pupil_name == "Ava Thornton"
    assert all(t.reason == "withdrawn" and t.open for t in tasks)
    created = [e for e in services.audit.entries() if e.action == "takedown.create"]
    assert len(created) == 2 and {e.details["assignee"] for e in created} == {"teacher1",
                                                                                "teacher2"}


def test_withdrawal_of_one_channel_only_concerns_that_channels_posts(posted):
    services, head, _, _, posts = posted
    services.consent.withdraw(head, "P001", ["photo_dojo"])
    assert [t.post_id for t in services.takedowns.takedowns(head)] == [posts["ava_dojo"].id]
    services.consent.withdraw(head, "P002", ["biometric"])
    assert len(services.takedowns.takedowns(head)) == 1  # biometric takes no post down


def test_withdrawing_again_does_not_duplicate_an_open_task(posted):
    services, head, _, _, _ = posted
    services.consent.withdraw(head, "P002", ["photo_dojo"])
    services.consent.withdraw(head, "P002")
    assert len(services.takedowns.takedowns(head)) == 2  # ava_dojo and ben_dojo, once each


def test_each_teacher_sees_their_own_tasks_and_the_head_sees_all(posted):
    services, head, t1, t2, posts = posted
    services.consent.withdraw(head, "P001")
    [mine] = services.takedowns.takedowns(t1)
    assert mine.post_id == posts["ava_fb"].id
    with pytest.raises(PermissionDenied, match="person who posted it"):
        services.takedowns.mark_done(t2, mine.id, "not mine")
    done = services.takedowns.mark_done(t1, mine.id, "Deleted from the page at 10:05")
    assert not done.open and done.done_by == "teacher1" and done.note.startswith("Deleted")
    assert services.takedowns.takedowns(t1) == []
    assert [t.assignee for t in services.takedowns.takedowns(head)] == ["teacher2"]
    assert len(services.takedowns.takedowns(head, include_done=True)) == 2
    with pytest.raises(BadInput, match="already done"):
        services.takedowns.mark_done(head, mine.id)
    entry = services.audit.entries()[0]
    assert entry.action == "takedown.done" and entry.actor == "teacher1"
    assert entry.details["note"] == "Deleted from the page at 10:05"


def test_a_note_too_long_closes_nothing(posted):
    services, head, t1, _, _ = posted
    services.consent.withdraw(head, "P001")
    [mine] = services.takedowns.takedowns(t1)
    with pytest.raises(BadInput, match="A note can be at most 2,000 characters long"):
        services.takedowns.mark_done(t1, mine.id, "x" * 2001)
    assert services.takedowns.takedowns(t1)[0].open
    done = services.takedowns.mark_done(t1, mine.id, "  " + "x" * 2000 + "\n")
    assert done.note == "x" * 2000  # blanks round it do not count


def test_head_closes_a_task_for_someone_who_has_left(posted):
    services, head, _, _, _ = posted
    services.consent.withdraw(head, "P002")
    services.accounts.revoke(head, "teacher1")
    task = next(t for t in services.takedowns.takedowns(head) if t.assignee == "teacher1")
    assert services.takedowns.mark_done(head, task.id, "Removed by the head").done_by == "head"


def test_protection_takes_every_post_down_and_the_reason_stays_with_the_head(posted):
    services, head, t1, t2, posts = posted
    services.accounts.add_staff(head, "office1", "Pat Office", "office", STAFF_PASSWORD)
    office = services.accounts.login("office1", STAFF_PASSWORD)
    services.consent.protect(office, "P002", "adoption order")
    tasks = services.takedowns.takedowns(head)
    assert sorted(t.post_id for t in tasks) == sorted([posts["ava_dojo"].id,
                                                       posts["ben_dojo"].id])
    assert {t.reason for t in tasks} == {"protected"}
    assert services.consent.protected_reason(head, "P002") == "adoption order"
    for someone in (office, t1, t2):
        with pytest.raises(PermissionDenied):
            services.consent.protected_reason(someone, "P002")
    seen_by_teachers = repr(services.takedowns.takedowns(t1) + services.takedowns.takedowns(t2))
    assert "adoption" not in seen_by_teachers
    dump = " ".join(d for (d,) in services.db.execute("SELECT details FROM audit_log"))
    assert "adoption" not in dump
    # Lifting protection creates nothing new.
    services.consent.protect(head, "P002", None)
    assert len(services.takedowns.takedowns(head)) == 2


def test_a_refused_withdrawal_creates_no_task(posted):
    services, _, t1, _, _ = posted
    with pytest.raises(PermissionDenied):
        services.consent.withdraw(t1, "P001")
    with pytest.raises(BadInput):
        services.consent.withdraw(services.accounts.login("head", "head-password-1"), "P001",
                                  ["photo_twitter"])
    assert services.db.execute("SELECT COUNT(*) FROM takedowns").fetchone()[0] == 0


def test_withdrawal_and_its_tasks_are_saved_together_or_not_at_all(posted, monkeypatch):
    services, head, _, _, _ = posted

    def fail(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.takedowns, "_create", fail)
    with pytest.raises(RuntimeError):
        services.consent.withdraw(head, "P001")
    assert services.consent.pupil("P001").consents["photo_facebook"].withdrawn_on is None
    assert not [e for e in services.audit.entries() if e.action == "consent.withdraw"]
