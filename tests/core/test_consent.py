"""The consent register: imports all or nothing, consent validity, biometric erasure."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from croftpost.core.consent_csv import HEADER, ImportRejected
from croftpost.core.consent_model import ConsentRecord
from croftpost.errors import BadInput, PermissionDenied
from tests.conftest import STAFF_PASSWORD

HEAD_ROW = ",".join(HEADER)


def csv_text(*rows: str, bom: bool = False) -> str:
    return ("\ufeff" if bom else "") + "\r\n".join([HEAD_ROW, *rows]) + "\r\n"


AVA = "P001,Ava,Thornton,Year 3,yes,yes,no,yes,yes,2027-07-31,"
BEN = "P002,Ben,Okafor,Year 4,no,yes,no,no,no,2027-07-31,"


@pytest.fixture
def register(school):
    services, head = school
    services.consent.import_csv(head, csv_text(AVA, BEN))
    return services, head


def test_import_creates_pupils_with_their_consents(register):
    services, _ = register
    ava = services.consent.pupil("P001")
    today = date(2026, 11, 24)
    assert ava.full_name == "Ava Thornton" and ava.class_name == "Year 3"
    assert ava.photo_allowed("facebook", today) and ava.photo_allowed("dojo", today)
    assert not ava.name_allowed("facebook", today) and ava.name_allowed("dojo", today)
    assert not services.consent.pupil("P002").photo_allowed("facebook", today)


def test_reimport_updates_and_audits_before_and_after(register):
    services, head = register
    plan = services.consent.import_csv(head, csv_text(AVA.replace("Year 3", "Year 4"), BEN))
    assert [c.pupil_id for c in plan.updated] == ["P001"] and plan.unchanged == 1
    assert services.consent.pupil("P001").class_name == "Year 4"
    entry = services.audit.entries()[0]
    assert entry.action == "consent.import" and entry.actor == "head"
    assert entry.details["before"]["class"] == "Year 3"
    assert entry.details["after"]["class"] == "Year 4"


def test_bom_and_excel_quoting_are_accepted(school):
    services, head = school
    quoted = '"P010","Zoë","O\'Brien-Smith","Class 2, Willow",yes,yes,yes,yes,no,2027-07-31,'
    services.consent.import_csv(head, csv_text(quoted, bom=True))
    pupil = services.consent.pupil("P010")
    assert pupil.first_name == "Zoë" and pupil.class_name == "Class 2, Willow"


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_bad_row(school):
    services, head = school
    text = csv_text(
        AVA,
        "P002,Ben,,Year 4,no,yes,no,no,no,,",
        "P003,Cara,Lee,Year 5,maybe,yes,no,no,no,,",
        "P004,Dev,Shah,Year 5,yes,yes,no,no,no,31/07/2027,",
        AVA,
    )
    with pytest.raises(ImportRejected) as caught:
        services.consent.import_csv(head, text)
    lines = [(e.line, e.reason) for e in caught.value.errors]
    assert [line for line, _ in lines] == [3, 4, 5, 6]
    assert "last_name is empty" in lines[0][1]
    assert "photo_facebook must be yes or no" in lines[1][1]
    assert "not a date" in lines[2][1]
    assert "already appears on line 2" in lines[3][1]
    assert services.consent.all_pupils() == []


def test_missing_column_is_refused(school):
    services, head = school
    with pytest.raises(BadInput, match="lacks the column biometric"):
        services.consent.import_csv(
            head,
            "pupil_id,first_name,last_name,class,photo_facebook,"
            "photo_dojo,name_facebook,name_dojo,consent_expires,"
            "withdrawn_on\nP1,A,B,C,yes,yes,yes,yes,,\n",
        )


def test_semicolon_separated_files_are_read(school):
    services, head = school
    text = ";".join(HEADER) + "\nP1;Ava;Thornton;Year 3;yes;yes;no;no;no;;\n"
    services.consent.import_csv(head, text)
    assert services.consent.pupil("P1").last_name == "Thornton"


def test_plain_staff_may_not_change_the_register(register):
    services, head = register
    services.accounts.add_staff(head, "teacher1", "Sam Teacher", "staff", STAFF_PASSWORD)
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.consent.import_csv(teacher, csv_text(AVA))
    with pytest.raises(PermissionDenied):
        services.consent.withdraw(teacher, "P001")


@pytest.mark.parametrize(
    ("record", "valid"),
    [
        (ConsentRecord("photo_facebook", True), True),
        (ConsentRecord("photo_facebook", False), False),
        (ConsentRecord("photo_facebook", True, expires_on=date(2026, 11, 24)), True),
        (ConsentRecord("photo_facebook", True, expires_on=date(2026, 11, 23)), False),
        (ConsentRecord("photo_facebook", True, withdrawn_on=date(2026, 11, 24)), False),
        (ConsentRecord("photo_facebook", True, withdrawn_on=date(2026, 11, 25)), True),
    ],
)
def test_a_consent_counts_only_if_given_unexpired_and_not_withdrawn(record, valid):
    assert record.valid_on(date(2026, 11, 24)) is valid


def test_expiry_changes_status_as_days_pass(register, clock):
    services, _ = register
    clock.advance(days=365 * 2)
    ava = services.consent.pupil("P001")
    assert not ava.photo_allowed("facebook", services.consent.today())


def test_withdrawal_applies_from_today(register):
    services, head = register
    services.consent.withdraw(head, "P001", ["photo_facebook"])
    ava = services.consent.pupil("P001")
    today = services.consent.today()
    assert not ava.photo_allowed("facebook", today) and ava.photo_allowed("dojo", today)
    assert ava.consents["photo_facebook"].state_on(today) == "withdrawn"


def _vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 0.1, 128)


def _encoding_rows(services) -> int:
    return services.db.execute("SELECT count(*) FROM face_encodings").fetchone()[0]


def test_no_encoding_is_stored_without_biometric_consent(register):
    services, head = register
    with pytest.raises(PermissionDenied, match="no biometric consent"):
        services.consent.add_reference(head, "P002", _vector(1), None, "abc")
    assert _encoding_rows(services) == 0


def test_withdrawing_biometric_consent_erases_encodings_at_once(register):
    services, head = register
    services.consent.add_reference(head, "P001", _vector(1), b"thumb", "abc")
    services.consent.add_reference(head, "P001", _vector(2), None, "def")
    assert list(services.consent.gallery().encodings) == ["P001"]
    services.consent.withdraw(head, "P001", ["biometric"])
    assert _encoding_rows(services) == 0
    assert services.consent.gallery().encodings == {}
    assert services.audit.entries()[0].details["encodings_erased"] == 2


def test_deleting_a_pupil_erases_encodings_and_audits_only_hashes(register):
    services, head = register
    vector = _vector(3)
    services.consent.add_reference(head, "P001", vector, None, "abc")
    services.consent.delete_pupil(head, "P001")
    assert _encoding_rows(services) == 0
    raw = vector.tobytes()
    for (details,) in services.db.execute("SELECT details FROM audit_log"):
        assert raw.hex() not in details and str(vector[0]) not in details


def test_reimport_without_biometric_consent_erases_encodings(register):
    services, head = register
    services.consent.add_reference(head, "P001", _vector(4), None, "abc")
    services.consent.import_csv(head, csv_text(AVA.replace("yes,yes,2027", "yes,no,2027"), BEN))
    assert _encoding_rows(services) == 0


def test_lapsed_biometric_consent_is_purged_and_never_matched(register, clock):
    services, head = register
    services.consent.add_reference(head, "P001", _vector(5), None, "abc")
    clock.advance(days=800)
    assert services.consent.gallery().encodings == {}
    assert services.consent.purge_lapsed_biometrics() == 1
    assert _encoding_rows(services) == 0


def test_gallery_key_changes_when_references_change(register):
    services, head = register
    empty = services.consent.gallery().key
    services.consent.add_reference(head, "P001", _vector(6), None, "abc")
    assert services.consent.gallery().key != empty


def test_protected_reason_is_headteacher_only_and_not_audited(register):
    services, head = register
    services.accounts.add_staff(head, "office1", "Pat Office", "office", STAFF_PASSWORD)
    office = services.accounts.login("office1", STAFF_PASSWORD)
    services.consent.protect(office, "P001", "looked-after child")
    assert services.consent.pupil("P001").protected
    assert not services.consent.pupil("P001").photo_allowed("dojo", services.consent.today())
    with pytest.raises(PermissionDenied):
        services.consent.protected_reason(office, "P001")
    assert services.consent.protected_reason(head, "P001") == "looked-after child"
    dump = " ".join(d for (d,) in services.db.execute("SELECT details FROM audit_log"))
    assert "looked-after" not in dump
