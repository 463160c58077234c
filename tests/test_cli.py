"""The command line contract: names, exit codes, one-sentence errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from croftpost.cli import run

HEAD_PW = "head-password-1"


@pytest.fixture
def cli_school(cli_head):
    return cli_head


def test_help_lists_commands_without_a_display():
    result = subprocess.run([sys.executable, "-m", "croftpost", "--help"], capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0
    for command in ("setup", "staff", "school", "audit"):
        assert command in result.stdout


def test_setup_refuses_an_existing_folder(cli_school, capsys):
    code = run(["setup", "--school", "X", "--headteacher", "h", "--name", "Y"])
    assert code == 2
    assert "already holds a croftpost database" in capsys.readouterr().err


def test_staff_add_list_authorise_revoke(cli_school, capsys, monkeypatch):
    monkeypatch.setenv("CROFTPOST_NEW_PASSWORD", "teacher-pass-1")
    assert run(["staff", "add", "jdoe", "--name", "Jo Doe", "--role", "staff",
                "--authorise", "dojo", "--personal-account", "https://facebook.com/jo.doe"]) == 0
    assert run(["staff", "authorise", "jdoe", "facebook,dojo"]) == 0
    assert run(["staff", "revoke", "jdoe", "facebook"]) == 0
    capsys.readouterr()
    assert run(["staff", "list"]) == 0
    listing = capsys.readouterr().out
    assert "jdoe" in listing and "dojo" in listing and "facebook" not in listing.split("jdoe")[1]


def test_staff_may_not_list_staff(cli_school, capsys, monkeypatch):
    monkeypatch.setenv("CROFTPOST_NEW_PASSWORD", "teacher-pass-1")
    run(["staff", "add", "jdoe", "--name", "Jo Doe", "--role", "staff"])
    monkeypatch.setenv("CROFTPOST_USER", "jdoe")
    monkeypatch.setenv("CROFTPOST_PASSWORD", "teacher-pass-1")
    capsys.readouterr()
    assert run(["staff", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("croftpost: Only the headteacher") and "Traceback" not in err


def test_office_may_not_verify_or_export_the_audit_log(cli_school, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CROFTPOST_NEW_PASSWORD", "office-pass-1")
    run(["staff", "add", "office1", "--name", "Pat Office", "--role", "office"])
    monkeypatch.setenv("CROFTPOST_USER", "office1")
    monkeypatch.setenv("CROFTPOST_PASSWORD", "office-pass-1")
    capsys.readouterr()
    out_file = tmp_path / "log.csv"
    for command in (["audit", "verify"], ["audit", "export", "--out", str(out_file)]):
        assert run(command) == 1
        captured = capsys.readouterr()
        assert captured.err == "croftpost: Only the headteacher can read the audit log.\n"
        assert captured.out == ""
    assert not out_file.exists()


def test_wrong_password_is_refused(cli_school, capsys, monkeypatch):
    monkeypatch.setenv("CROFTPOST_PASSWORD", "wrong-password")
    assert run(["audit", "verify"]) == 1
    assert "Wrong username or password" in capsys.readouterr().err


def test_missing_data_folder_is_bad_input(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CROFTPOST_USER", "head")
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PW)
    assert run(["--data-dir", str(tmp_path / "none"), "audit", "verify"]) == 2
    assert "croftpost setup" in capsys.readouterr().err


def test_school_face_scan_says_what_every_check_looks_for(cli_school, capsys):
    capsys.readouterr()
    assert run(["school", "face-scan"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Every photo check looks for faces from 24 px wide")
    assert "identifies faces from 40 px" in said
    assert run(["school", "face-scan", "deep"]) == 0  # an old script still runs
    assert "no face scan to choose any more" in capsys.readouterr().out


def test_school_set_and_audit_verify_and_export(cli_school, capsys, tmp_path):
    assert run(["school", "set", "phone", "01229 000000"]) == 0
    assert run(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    out_file = tmp_path / "audit.json"
    assert run(["audit", "export", "--format", "json", "--out", str(out_file)]) == 0
    entries = json.loads(out_file.read_text())
    assert any(e["action"] == "school.set" and e["details"]["after"] == "01229 000000"
               for e in entries)
    # With --out, the checkpoint to keep beside the export is printed on stdout...
    assert "Audit log checkpoint (keep it with the export): entry" in capsys.readouterr().out
    assert run(["audit", "export", "--format", "csv"]) == 0
    written = capsys.readouterr()
    assert written.out.startswith("seq,at,actor,action,target,details")
    # ...and on stderr when the export itself goes to stdout, so the CSV stays clean.
    assert "Audit log checkpoint" not in written.out
    assert "Audit log checkpoint (keep it with the export): entry" in written.err


def test_audit_verify_exits_1_and_names_the_bad_entry(cli_school, capsys):
    from croftpost.storage.db import open_db

    db = open_db(cli_school)
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET actor = 'intruder' WHERE seq = 2")
    db.close()
    assert run(["audit", "verify"]) == 1
    assert "entry 2 was edited" in capsys.readouterr().out.lower()


def test_faces_whose_biometric_consent_lapsed_are_erased_at_the_next_login(cli_school, capsys,
                                                                           tmp_path):
    from croftpost.core.services import open_services

    register = tmp_path / "register.csv"
    register.write_text(
        "pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,name_dojo,"
        "biometric,consent_expires,withdrawn_on\n"
        "P001,Mia,Ford,Year 2,yes,yes,no,no,yes,2026-12-31,\n"
        "P002,Jon,Reed,Year 2,yes,yes,no,no,yes,2099-07-31,\n")
    assert run(["consent", "import", str(register)]) == 0
    services = open_services(cli_school)
    try:
        head = services.accounts.login("head", HEAD_PW)
        for pupil in ("P001", "P002"):
            services.consent.add_reference(head, pupil, [0.01] * 128, None, "0" * 64)
    finally:
        services.close()
    assert run(["consent", "list"]) == 0  # a login on a day the consent still counts
    db_file = f"{cli_school}/croftpost.db"

    def stored() -> list[str]:
        with sqlite3.connect(db_file) as conn:
            return [r[0] for r in conn.execute("SELECT pupil_id FROM face_encodings ORDER BY 1")]

    assert stored() == ["P001", "P002"]
    with sqlite3.connect(db_file) as conn:  # as if a new school year had come round
        conn.execute("UPDATE consents SET expires_on = '2026-01-31' WHERE pupil_id = 'P001'")
    # Attack (issue 13, 4): the erasure ran before the password was checked, so with a large
    # register anyone could make every command slow. Nothing happens for a wrong password.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CROFTPOST_PASSWORD", "not-the-password")
        assert run(["consent", "list"]) != 0
    assert stored() == ["P001", "P002"]
    assert run(["consent", "list"]) == 0
    assert stored() == ["P002"]


def test_the_headteacher_records_the_policy_review_on_the_command_line(cli_school, capsys):
    """The Croftlands profile's review was due by 30 September 2026."""
    capsys.readouterr()
    assert run(["school", "policy-review"]) in (0, 1)
    said = capsys.readouterr().out
    if "was due on 30 September 2026" in said:
        assert "croftpost school policy-review --next-due YYYY-MM-DD" in said
    assert run(["school", "policy-review", "--next-due", "2099-01-01"]) == 2  # too far ahead
    assert run(["school", "policy-review", "--next-due", "2028-09-30"]) == 0
    assert "next review due by 30 September 2028" in capsys.readouterr().out
