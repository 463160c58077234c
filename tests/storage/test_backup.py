"""Backups are consistent, owner-only and verified before a restore."""

from __future__ import annotations

import stat

import pytest

from croftpost.cli import run
from croftpost.core.backups import check_backup, restore_from
from croftpost.errors import BadInput
from croftpost.storage.backup import automatic_backup, backup_to


def test_backup_then_restore_brings_back_the_old_state(school, tmp_path, clock, fast_hasher):
    from croftpost.core.services import open_services

    services, head = school
    services.school.set(head, "phone", "01229 000001")
    target = backup_to(services.db, tmp_path / "b" / "backup.db")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    services.school.set(head, "phone", "01229 999999")
    data_dir = services.data_dir
    services.close()
    entries = restore_from(data_dir, target)
    restored = open_services(data_dir, clock=clock, hasher=fast_hasher)
    assert restored.school.details().contacts["phone"] == "01229 000001"
    assert restored.audit.verify().intact and restored.audit.count() == entries
    restored.close()


def test_a_tampered_backup_is_refused(school, tmp_path):
    import sqlite3

    services, _ = school
    target = backup_to(services.db, tmp_path / "backup.db")
    conn = sqlite3.connect(target)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
    conn.commit()
    conn.close()
    with pytest.raises(BadInput, match="changed at entry 1"):
        check_backup(target)


def test_a_non_database_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello" * 1000)
    with pytest.raises(BadInput, match="not a croftpost backup"):
        check_backup(junk)


def test_automatic_backups_keep_the_last_seven(school):
    from datetime import UTC, datetime, timedelta

    services, _ = school
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for day in range(10):
        automatic_backup(services.db, services.data_dir, start + timedelta(days=day))
    kept = sorted(p.name for p in (services.data_dir / "backups").iterdir())
    assert len(kept) == 7 and kept[-1] == "croftpost-2026-11-10.db"


def test_cli_backup_and_restore(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("CROFTPOST_PASSWORD", "head-password-1")
    assert run(["setup", "--school", "S", "--headteacher", "head", "--name", "H"]) == 0
    monkeypatch.setenv("CROFTPOST_USER", "head")
    out_file = tmp_path / "b.db"
    assert run(["backup", "--out", str(out_file)]) == 0
    assert run(["restore", str(out_file)]) == 0
    assert "is intact" in capsys.readouterr().out
    assert run(["audit", "verify"]) == 0
