"""The audit log against someone who holds the data folder (issue 13, item 1).

Each test is one attack made with nothing but file access to croftpost.db, and checks that
`croftpost audit verify` names it (exit 1), where the chain alone said "intact":

- dropping the triggers and deleting the newest entries (truncation);
- deleting every entry;
- changing who did something on old entries and recomputing every hash after it;
- copying an older croftpost.db back over the current one (which also brings back withdrawn
  consents and erased encodings);
- forging a checkpoint, deleting the checkpoints, changing the school's id so that this PC's
  record looks new.

And that what a school does on purpose is not flagged: a headteacher's restore of a verified
backup, and a headteacher's change of password (the signing key is re-wrapped, not lost).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from croftpost.cli import run
from croftpost.core.audit import GENESIS_HASH, entry_hash
from croftpost.core.services import open_services

HEAD_PW = "head-password-1"


@pytest.fixture
def school(cli_head: Path) -> Path:
    data = cli_head
    for _ in range(4):  # a few days' work: each command is a login (an entry and a checkpoint)
        assert run(["staff", "list"]) == 0
    return data


def _sql(data: Path, *statements: str) -> None:
    """What anyone with the data folder can do: no croftpost code involved."""
    con = sqlite3.connect(data / "croftpost.db")
    with con:
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in statements:
            con.execute(statement)
    con.close()


def _last_seq(data: Path) -> int:
    con = sqlite3.connect(data / "croftpost.db")
    try:
        return int(con.execute("SELECT max(seq) FROM audit_log").fetchone()[0] or 0)
    finally:
        con.close()


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = run(["audit", "verify"])
    return code, capsys.readouterr().out


def test_an_untouched_log_verifies_against_its_checkpoints(school, capsys) -> None:
    code, text = _verify(capsys)
    assert code == 0, text
    assert "intact" in text
    assert "signed checkpoint(s) checked" in text


def test_deleting_the_newest_entries_is_named_as_truncation(school, capsys) -> None:
    last = _last_seq(school)
    _sql(school, f"DELETE FROM audit_log WHERE seq > {last - 3}")
    code, text = _verify(capsys)
    assert code == 1
    assert "truncated" in text
    assert f"this PC saw entry {last}" in text


def test_deleting_every_entry_is_named(school, capsys) -> None:
    last = _last_seq(school)
    _sql(school, "DELETE FROM audit_log")
    code, text = _verify(capsys)
    assert code == 1
    assert f"this PC saw entry {last}" in text


def test_rewriting_who_did_what_and_recomputing_every_hash_is_named(school, capsys) -> None:
    con = sqlite3.connect(school / "croftpost.db")
    rows = con.execute(
        "SELECT seq, at, actor, action, target, details FROM audit_log ORDER BY seq").fetchall()
    con.close()
    statements, prev = [], GENESIS_HASH
    for seq, at, actor, action, target, details in rows:
        if seq in (2, 3):
            actor = "intruder"
        digest = entry_hash(prev, seq, at, actor, action, target, details)
        statements.append(f"UPDATE audit_log SET actor = '{actor}', prev_hash = '{prev}', "
                          f"hash = '{digest}' WHERE seq = {seq}")
        prev = digest
    _sql(school, *statements)
    assert open_services(school).audit.verify().intact  # the chain alone cannot see it
    code, text = _verify(capsys)
    assert code == 1
    assert "was edited at or before entry" in text


def _copy_database(source: Path, target: Path) -> None:
    """A whole-file copy, through SQLite so that its WAL is included and a copy made while this
    test process still has the file open does not see a torn file."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def test_putting_an_older_database_back_is_named(school, capsys) -> None:
    old_copy = school.parent / "old.db"
    _copy_database(school / "croftpost.db", old_copy)
    for _ in range(3):
        assert run(["staff", "list"]) == 0
    _copy_database(old_copy, school / "croftpost.db")
    code, text = _verify(capsys)
    assert code == 1, text
    assert "older than the one seen on" in text


def test_a_forged_checkpoint_is_named(school, capsys) -> None:
    last = _last_seq(school)
    _sql(school, "INSERT INTO audit_checkpoints (seq, hash, at, signer, key_id, mac) "
                 f"SELECT {last}, hash, '2026-12-07T09:00:00+00:00', 'head', key_id, "
                 f"'{'0' * 64}' FROM audit_checkpoints ORDER BY id DESC LIMIT 1")
    code, text = _verify(capsys)
    assert code == 1
    assert "is forged" in text


def test_deleting_the_checkpoints_is_named(school, capsys) -> None:
    _sql(school, "DELETE FROM audit_checkpoints")
    code, text = _verify(capsys)
    assert code == 1
    assert "checkpoints were deleted" in text


def test_changing_the_school_id_does_not_make_this_pcs_record_look_new(school, capsys) -> None:
    last = _last_seq(school)
    _sql(school, f"DELETE FROM audit_log WHERE seq > {last - 2}",
         "DELETE FROM audit_checkpoints", "DELETE FROM anchor_keys",
         "UPDATE settings SET value = 'feedfacefeedfacefeedfacefeedface' WHERE key = 'school_id'")
    code, text = _verify(capsys)
    assert code == 1
    assert "This data folder held another log" in text


def test_a_rewritten_log_is_not_signed_at_the_headteachers_login(school) -> None:
    last = _last_seq(school)
    _sql(school, f"DELETE FROM audit_log WHERE seq > {last - 3}")
    services = open_services(school)
    try:
        before = len(services.anchors.checkpoints())
        services.accounts.login("head", HEAD_PW)
        report = services.anchors.login_report
        assert report is not None and not report.intact
        assert len(services.anchors.checkpoints()) == before  # nothing vouches for it
    finally:
        services.close()


def test_a_headteachers_restore_of_a_verified_backup_is_not_flagged(school, capsys,
                                                                     tmp_path) -> None:
    backup = tmp_path / "backups" / "croftpost.backup.db"
    backup.parent.mkdir()
    assert run(["backup", "--out", str(backup)]) == 0
    for _ in range(3):
        assert run(["staff", "list"]) == 0
    assert run(["restore", str(backup)]) == 0
    code, text = _verify(capsys)
    assert code == 0, text
    assert "was restored here on" in text


def test_a_password_change_keeps_the_checkpoints_verifiable(school, capsys,
                                                             monkeypatch) -> None:
    services = open_services(school)
    try:
        session = services.accounts.login("head", HEAD_PW)
        services.accounts.change_own_password(session, HEAD_PW, "a-new-password-2")
    finally:
        services.close()
    monkeypatch.setenv("CROFTPOST_PASSWORD", "a-new-password-2")
    code, text = _verify(capsys)
    assert code == 0, text
    assert "could not be checked" not in text


def test_the_outside_record_is_outside_the_data_folder(school) -> None:
    from platformdirs import user_config_path

    record = user_config_path("croftpost", appauthor=False) / "audit-anchors.json"
    assert not record.is_relative_to(school)
    kept = json.loads(record.read_text())
    (entry,) = kept.values()
    assert entry["highest"]["seq"] == _last_seq(school)


def test_the_termly_review_and_the_export_carry_the_latest_checkpoint(school, capsys,
                                                                     tmp_path) -> None:
    out = tmp_path / "termly.json"
    assert run(["report", "termly", "--json", "--out", str(out)]) == 0
    line = json.loads(out.read_text())["audit_checkpoint"]
    assert line and "signed by head" in line
    capsys.readouterr()
    assert run(["audit", "export", "--out", str(tmp_path / "log.csv")]) == 0
    assert "Audit log checkpoint" in capsys.readouterr().out
