"""Alerts to the headteacher when a check meets a protected pupil."""

from __future__ import annotations

import pytest

from croftpost.core.alerts import PROTECTED_FACE, PROTECTED_NAME
from croftpost.errors import BadInput, PermissionDenied
from croftpost.storage.db import transaction
from tests.conftest import STAFF_PASSWORD
from tests.core.posting_helpers import REGISTER_CSV


@pytest.fixture
def protected(school):
    services, head = school
    services.consent.import_csv(head, REGISTER_CSV)
    services.consent.protect(head, "P003", "court order")
    services.accounts.add_staff(head, "teacher", "Sam Teacher", "staff", STAFF_PASSWORD, ["dojo"])
    return services, head, services.accounts.login("teacher", STAFF_PASSWORD)


def test_alert_reaches_the_head_only_and_is_audited(protected):
    services, head, teacher = protected
    alert_id = services.alerts.raise_alert(PROTECTED_FACE, "P003", "teacher",
                                           {"draft_id": 4, "channel": "dojo",
                                            "photo_sha256": "ab" * 32})
    [alert] = services.alerts.alerts(head)
    assert (alert.id, alert.kind, alert.pupil_id, alert.pupil_name, alert.actor) == (
        alert_id, "protected_face", "P003", "Cara Lindqvist", "teacher")
    assert alert.details["draft_id"] == 4 and alert.open and alert.times == 1
    with pytest.raises(PermissionDenied):
        services.alerts.alerts(teacher)
    entry = services.audit.entries()[0]
    assert (entry.action, entry.actor, entry.target) == ("alert.raised", "teacher", "P003")
    assert entry.details["kind"] == "protected_face" and entry.details["alert_id"] == alert_id
    assert "court order" not in repr(alert) + repr(entry)


def test_the_same_attempt_again_is_counted_not_repeated(protected, clock):
    services, head, _ = protected
    details = {"draft_id": 4, "channel": "dojo"}
    first = services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", details)
    audited = len(services.audit.entries())
    clock.advance(minutes=2)
    again = services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", dict(details))
    assert again == first and len(services.audit.entries()) == audited
    [alert] = services.alerts.alerts(head)
    assert alert.times == 2 and alert.last_at > alert.first_at
    other_draft = services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", {"draft_id": 5})
    other_kind = services.alerts.raise_alert(PROTECTED_FACE, "P003", "teacher", details)
    assert len({first, other_draft, other_kind}) == 3
    assert services.alerts.open_count(head) == 3


def test_acknowledging_closes_it_and_a_later_attempt_opens_a_new_one(protected):
    services, head, teacher = protected
    alert_id = services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", {"draft_id": 1})
    with pytest.raises(PermissionDenied):
        services.alerts.acknowledge(teacher, alert_id)
    done = services.alerts.acknowledge(head, alert_id, "Spoke to Sam; post not sent.")
    assert not done.open and done.acknowledged_by == "head"
    assert services.alerts.alerts(head) == []
    assert [a.id for a in services.alerts.alerts(head, include_acknowledged=True)] == [alert_id]
    with pytest.raises(BadInput, match="already acknowledged"):
        services.alerts.acknowledge(head, alert_id)
    entry = services.audit.entries()[0]
    assert entry.action == "alert.acknowledge" and entry.details["note"].startswith("Spoke")
    again = services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", {"draft_id": 1})
    assert again != alert_id and services.alerts.open_count(head) == 1


def test_an_alert_joins_the_callers_transaction(protected):
    services, head, _ = protected
    with pytest.raises(RuntimeError), transaction(services.db):
        services.alerts.raise_alert(PROTECTED_FACE, "P003", "teacher", {"draft_id": 9})
        raise RuntimeError("the check failed half way")
    assert services.alerts.alerts(head) == []


def test_unknown_kind_is_a_programming_error(protected):
    services, _, _ = protected
    with pytest.raises(ValueError, match="unknown alert kind"):
        services.alerts.raise_alert("face", "P003", "teacher")


def test_alert_outlives_the_pupil_record(protected):
    services, head, _ = protected
    services.alerts.raise_alert(PROTECTED_FACE, "P003", "teacher", {"draft_id": 2})
    services.consent.delete_pupil(head, "P003")
    [alert] = services.alerts.alerts(head)
    assert alert.pupil_id == "P003" and alert.pupil_name is None
