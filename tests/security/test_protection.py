"""A safeguarding protection (a child in care, under a court order) cannot be lifted by accident
or by anyone but the headteacher, and outlives the pupil's record.

Attack (issue 13, 3): the headteacher protects P004; an office user runs `consent delete P004`
and re-imports the spreadsheet. Before: the protection was gone, the pupil's name passed the
text check, nobody was told, and the deletion's audit entry did not say the pupil had been
protected.
"""

from __future__ import annotations

import pytest

from croftpost.cli import run
from croftpost.core.alerts import PROTECTION_KEPT, PROTECTION_REFUSED
from croftpost.errors import PermissionDenied
from tests.conftest import HEAD_PASSWORD, STAFF_PASSWORD

HEADER = ("pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,"
          "name_dojo,biometric,consent_expires,withdrawn_on\n")
ROW = "P004,Mia,Lennox,Year 5,yes,yes,yes,yes,no,2027-07-31,\n"
REGISTER = HEADER + "P001,Ava,Thornton,Year 5,yes,yes,yes,yes,no,2027-07-31,\n" + ROW


@pytest.fixture
def protected(school):
    services, head = school
    services.consent.import_csv(head, REGISTER)
    services.consent.protect(head, "P004", "Court order")
    services.accounts.add_staff(head, "office", "Pat Office", "office", STAFF_PASSWORD, [])
    office = services.accounts.login("office", STAFF_PASSWORD)
    return services, head, office


def _alerts(services, head, kind):
    return [a for a in services.alerts.alerts(head) if a.kind == kind]


def test_an_office_user_cannot_delete_a_protected_pupil_and_the_head_is_told(protected):
    services, head, office = protected
    with pytest.raises(PermissionDenied, match="Only the headteacher can lift"):
        services.consent.delete_pupil(office, "P004")
    assert services.consent.pupil("P004").protected
    [alert] = _alerts(services, head, PROTECTION_REFUSED)
    assert (alert.pupil_id, alert.actor, alert.details) == ("P004", "office", {"tried": "delete"})


def test_an_office_user_cannot_lift_a_protection_and_the_head_is_told(protected):
    services, head, office = protected
    with pytest.raises(PermissionDenied):
        services.consent.protect(office, "P004", None)
    assert services.consent.pupil("P004").protected
    assert _alerts(services, head, PROTECTION_REFUSED)[0].details == {"tried": "lift"}
    services.consent.protect(office, "P001", "Adopted: new name not to be shown")  # may add


def test_the_protection_outlives_a_delete_and_a_reimport_until_the_head_lifts_it(protected):
    services, head, office = protected
    services.consent.delete_pupil(head, "P004")
    entry = services.audit.entries()[0]
    assert entry.action == "consent.delete_pupil" and entry.details["protected"] is True

    services.consent.import_csv(office, HEADER + ROW)  # the office's spreadsheet, again
    assert services.consent.pupil("P004").protected
    verdict = services.text.check(office, "Well done Mia Lennox!", "facebook")
    assert any(f.category == "pupil_name" and f.severity == "block" for f in verdict.findings)
    assert _alerts(services, head, PROTECTION_KEPT)[0].details == {"kept_from": "P004"}

    services.consent.protect(head, "P004", None)  # the headteacher lifts it
    services.consent.delete_pupil(head, "P004")
    services.consent.import_csv(office, HEADER + ROW)
    assert not services.consent.pupil("P004").protected


def test_the_same_child_under_another_id_is_protected_too(protected):
    services, head, office = protected
    services.consent.delete_pupil(head, "P004")
    services.consent.import_csv(office, HEADER + ROW.replace("P004", "P104").replace(
        "Mia,Lennox", "mia , LENNOX"))
    assert services.consent.pupil("P104").protected
    assert services.consent.protected_reason(head, "P104") == "Court order"


def test_from_the_command_line_as_the_issue_tried_it(protected, monkeypatch, tmp_path, capsys):
    services, head, _ = protected
    data_dir = str(services.data_dir)
    sheet = tmp_path / "register.csv"
    sheet.write_text(REGISTER, encoding="utf-8")
    monkeypatch.setenv("CROFTPOST_PASSWORD", STAFF_PASSWORD)
    assert run(["--data-dir", data_dir, "--user", "office", "consent", "delete", "P004"]) == 1
    assert "Only the headteacher can lift" in capsys.readouterr().err
    assert run(["--data-dir", data_dir, "--user", "office", "consent", "import",
                str(sheet)]) == 0
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    assert services.consent.pupil("P004").protected
    assert _alerts(services, head, PROTECTION_REFUSED)
