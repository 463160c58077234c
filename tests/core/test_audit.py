"""The audit chain catches edits, deletions, insertions and reordering made with raw SQL."""

from __future__ import annotations

import json

import pytest

from croftpost.core.audit import AuditFilter, entry_hash


@pytest.fixture
def log_with_entries(school):
    services, head = school
    for n in range(10):
        services.audit.record(head.username, "test.event", f"target-{n}", {"n": n})
    return services


def _drop_guards(db) -> None:
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("DROP TRIGGER audit_log_no_delete")


def test_intact_chain_verifies(log_with_entries):
    report = log_with_entries.audit.verify()
    assert report.intact
    assert report.entries == log_with_entries.audit.count()


def test_triggers_refuse_update_and_delete(log_with_entries):
    import sqlite3

    db = log_with_entries.db
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_log WHERE seq = 3")


def test_edited_entry_is_caught(log_with_entries):
    db = log_with_entries.db
    _drop_guards(db)
    db.execute("UPDATE audit_log SET details = ? WHERE seq = 5", [json.dumps({"n": 99})])
    report = log_with_entries.audit.verify()
    assert not report.intact and report.first_bad_seq == 5
    assert "changed" in report.problem


def test_deleted_entry_is_caught(log_with_entries):
    db = log_with_entries.db
    _drop_guards(db)
    db.execute("DELETE FROM audit_log WHERE seq = 6")
    report = log_with_entries.audit.verify()
    assert not report.intact and report.first_bad_seq == 6


def test_deleted_last_entries_and_renumbered_rest_are_caught(log_with_entries):
    db = log_with_entries.db
    _drop_guards(db)
    db.execute("DELETE FROM audit_log WHERE seq = 4")
    db.execute("UPDATE audit_log SET seq = seq - 1 WHERE seq > 4")
    report = log_with_entries.audit.verify()
    assert not report.intact and report.first_bad_seq == 4


def test_inserted_entry_is_caught(log_with_entries):
    db = log_with_entries.db
    _drop_guards(db)
    db.execute("UPDATE audit_log SET seq = seq + 1000 WHERE seq > 7")
    db.execute("UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000")
    prev = db.execute("SELECT hash FROM audit_log WHERE seq = 7").fetchone()[0]
    fake = ("2026-11-24T09:00:00.000000Z", "head", "post.published", "forged", "{}")
    digest = entry_hash(prev, 8, *fake)
    db.execute("INSERT INTO audit_log VALUES (8, ?, ?, ?, ?, ?, ?, ?)", [*fake, prev, digest])
    report = log_with_entries.audit.verify()
    assert not report.intact and report.first_bad_seq == 9


def test_reordered_entries_are_caught(log_with_entries):
    db = log_with_entries.db
    _drop_guards(db)
    db.execute("UPDATE audit_log SET seq = -1 WHERE seq = 4")
    db.execute("UPDATE audit_log SET seq = 4 WHERE seq = 5")
    db.execute("UPDATE audit_log SET seq = 5 WHERE seq = -1")
    report = log_with_entries.audit.verify()
    assert not report.intact and report.first_bad_seq == 4


def test_filters_find_entries(log_with_entries):
    audit = log_with_entries.audit
    assert audit.count(AuditFilter(action="test.event")) == 10
    assert [e.target for e in audit.entries(AuditFilter(text="target-3"))] == ["target-3"]
    assert audit.count(AuditFilter(actor="nobody")) == 0
    assert audit.count(AuditFilter(since="2026-11-24", until="2026-11-24")) == audit.count()
    assert audit.count(AuditFilter(since="2026-11-25")) == 0


def test_csv_export_cannot_smuggle_a_spreadsheet_formula(school):
    from croftpost.core.audit import export_entries

    services, head = school
    services.audit.record(head.username, "test.event", '=HYPERLINK("http://evil")')
    exported = export_entries(services.audit.iter_all(), "csv")
    assert "\"'=HYPERLINK" in exported and ",=HYPERLINK" not in exported
