"""The audit log reads as English: every action has a name in one plain style, the details are
sentences and labelled lines (never JSON), and ids come with the pupil's or person's name."""

from __future__ import annotations

import pytest

from croftpost.core.audit import AuditEntry
from croftpost.ui.audit_words import about, describe, detail_lines, entry_html
from croftpost.ui.labels import action_name

pytestmark = pytest.mark.gui

# Every action croftpost records (source: every audit.record call in croftpost/).
_ACTION_WORDS = (
    "account.locked alert.acknowledge alert.raised approval.approve approval.require "
    "approval.return approval.submit approval.void audit.export backup consent.delete_pupil "
    "consent.encodings_erased consent.enrol consent.import consent.no_photo_list "
    "consent.protect consent.set consent.withdraw draft.create draft.delete login "
    "login.failed login.refused moderation.run password.change photo.area_marked "
    "photo.checked photo.exported photo.face_identified photo.face_marked "
    "photo.identification_restored photo.mark_removed photo.marks_restored policy.reviewed "
    "post.published consent.erasure_reapplied "
    "report.reviewed report.termly restore school.create school.set school.setup "
    "session.locked session.logout session.unlocked staff.add staff.approver staff.authorise "
    "staff.password_reset staff.personal_account staff.reinstate staff.revoke staff.role "
    "staff.unlock takedown.create takedown.done")
ACTIONS = _ACTION_WORDS.split()
NAMES = {"P001": "Ava Thornton", "teacher": "Sam Teacher", "head": "Alex Morgan"}


def entry(action: str, target: str, details: dict, actor: str = "teacher") -> AuditEntry:
    return AuditEntry(7, "2026-12-07T09:05:12.000000Z", actor, action, target, details)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_a_plain_name(action):
    name = action_name(action)
    assert name != action and "." not in name and "_" not in name
    assert name[0].isupper() and not name.endswith(".")


def test_a_photo_check_reads_as_a_sentence():
    checked = entry("photo.checked", "facebook", {"photos": [
        {"sha256": "a" * 64, "faces": 3, "blocking": 1, "error": False},
        {"sha256": "b" * 64, "faces": 2, "blocking": 0, "error": False}]})
    assert describe(checked, NAMES) == (
        "2 photo(s) checked for Facebook: 5 face(s), 1 without consent or unknown.")
    assert about(checked, NAMES) == "Facebook"


def test_an_identification_names_the_pupil_and_the_reason_for_an_adult():
    named = entry("photo.face_identified", "dojo", {
        "photo_sha256": "c" * 64, "box": [10, 60, 60, 10],
        "was": {"status": "unknown", "pupil_id": None},
        "now": {"status": "consented", "pupil_id": "P001", "adult": False}})
    assert describe(named, NAMES) == (
        "A face (unknown) was said to be Ava Thornton (P001); it is now consented.")
    adult = entry("photo.face_identified", "dojo", {
        "photo_sha256": "c" * 64, "box": [10, 60, 60, 10],
        "was": {"status": "unknown", "pupil_id": None},
        "now": {"status": "consented", "pupil_id": None, "adult": True, "reason": "Our TA"}})
    assert "an adult who has consented (Our TA)" in describe(adult, NAMES)


def test_a_consent_change_lists_only_what_changed_and_the_pupil_is_named():
    withdrawn = entry("consent.withdraw", "P001", {
        "before": {"first_name": "Ava", "photo_facebook": "given", "photo_dojo": "given"},
        "after": {"first_name": "Ava", "photo_facebook": "withdrawn 2026-12-07",
                  "photo_dojo": "given"}}, actor="head")
    text = describe(withdrawn, NAMES)
    assert text == "Photo on Facebook: given → withdrawn 2026-12-07."
    assert about(withdrawn, NAMES) == "P001 · Ava Thornton"


@pytest.mark.parametrize("action", ACTIONS)
def test_no_detail_is_shown_as_json(action):
    details = {"before": {"role": "staff"}, "after": {"role": "office"}, "photos": [
        {"sha256": "d" * 64, "faces": 1, "blocking": 1, "blurred": 1}], "box": [1, 9, 9, 1],
        "pupil_id": "P001", "channels": ["facebook", "dojo"], "reason": "no_consent"}
    shown = describe(entry(action, "P001", details), NAMES) + " ".join(
        detail_lines(entry(action, "P001", details), NAMES))
    assert "{" not in shown and '":' not in shown and "[" not in shown
    html = entry_html(entry(action, "P001", details), NAMES)
    assert "Sam Teacher" in html and action_name(action) in html
