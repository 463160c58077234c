"""The command line for approvals, takedown tasks, alerts and the termly report."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from croftpost.cli import run
from croftpost.core.alerts import PROTECTED_NAME
from croftpost.core.services import open_services
from croftpost.errors import PermissionDenied
from tests.core.posting_helpers import REGISTER_CSV, photo, publication

HEAD_PW = "head-password-1"
STAFF_PW = "teacher-pass-1"


@pytest.fixture
def cli_school(cli_head, tmp_path, monkeypatch):
    """A school set up through the CLI with a teacher and a deputy; Facebook needs approval."""
    data = cli_head
    monkeypatch.setenv("CROFTPOST_NEW_PASSWORD", STAFF_PW)
    for username in ("teacher", "deputy"):
        assert run(["staff", "add", username, "--name", f"{username.title()} Jones",
                    "--role", "staff", "--authorise", "facebook,dojo"]) == 0
    csv_file = tmp_path / "register.csv"
    csv_file.write_text(REGISTER_CSV, encoding="utf-8")
    assert run(["consent", "import", str(csv_file)]) == 0
    assert run(["approvals", "require", "--channel", "facebook", "--on"]) == 0
    assert run(["approvals", "approver", "deputy", "--on"]) == 0
    return data


def act_as(monkeypatch, username):  # noqa: ANN001
    monkeypatch.setenv("CROFTPOST_USER", username)
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PW if username == "head" else STAFF_PW)


def submit(data, text="Year 5's art show"):  # noqa: ANN001, ANN201
    """The compose screen's part, through the services: a teacher's draft, submitted."""
    services = open_services(data)
    try:
        teacher = services.accounts.login("teacher", STAFF_PW)
        draft = services.drafts.create(teacher, "facebook", text)
        pub = publication(text, [photo("a", ("consented", "P001"), ("unknown", None))],
                          ["P001"], [{"category": "link", "reason": "the school's own site"}])
        return draft.id, pub, services.approvals.submit(teacher, draft.id, pub).id
    finally:
        services.close()


def publish(data, draft_id, pub):  # noqa: ANN001, ANN201
    services = open_services(data)
    try:
        teacher = services.accounts.login("teacher", STAFF_PW)
        return services.drafts.publish(teacher, draft_id, "facebook", pub)
    finally:
        services.close()


def test_require_shows_settings_and_is_for_the_head(cli_school, capsys, monkeypatch):
    capsys.readouterr()
    assert run(["approvals", "require"]) == 0
    shown = capsys.readouterr().out
    assert "facebook  needs approval" in shown and "dojo      no approval needed" in shown
    assert "approvers: deputy, head" in shown
    assert run(["approvals", "require", "--channel", "dojo"]) == 2
    act_as(monkeypatch, "deputy")
    assert run(["approvals", "require", "--channel", "facebook", "--off"]) == 1
    assert "Only the headteacher" in capsys.readouterr().err


def test_list_show_approve_then_the_post_goes_out(cli_school, capsys, monkeypatch):
    draft_id, pub, approval_id = submit(cli_school)
    act_as(monkeypatch, "deputy")
    capsys.readouterr()
    assert run(["approvals", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"{approval_id}  pending" in listing and "teacher" in listing
    assert "1 consented, 1 unknown" in listing and "1 warning(s)" in listing
    assert run(["approvals", "show", str(approval_id)]) == 0
    shown = capsys.readouterr().out
    assert "Year 5's art show" in shown and "acknowledged warning: link" in shown
    assert run(["approvals", "approve", str(approval_id)]) == 0
    assert "teacher may now publish" in capsys.readouterr().out
    assert publish(cli_school, draft_id, pub).channel == "facebook"
    assert run(["approvals", "list"]) == 0
    assert "Nothing to approve." in capsys.readouterr().out


def test_author_cannot_approve_and_non_approver_is_refused(cli_school, capsys, monkeypatch):
    _, _, approval_id = submit(cli_school)
    act_as(monkeypatch, "teacher")
    capsys.readouterr()
    assert run(["approvals", "approve", str(approval_id)]) == 1
    assert "approvers they name" in capsys.readouterr().err  # not an approver at all
    act_as(monkeypatch, "head")
    assert run(["approvals", "approver", "teacher", "--on"]) == 0
    act_as(monkeypatch, "teacher")
    capsys.readouterr()
    assert run(["approvals", "approve", str(approval_id)]) == 1
    assert "their own post" in capsys.readouterr().err


def test_return_with_comment_reaches_the_author(cli_school, capsys, monkeypatch):
    draft_id, pub, approval_id = submit(cli_school)
    with pytest.raises(SystemExit) as usage:  # argparse: --comment is required
        run(["approvals", "return", str(approval_id)])
    assert usage.value.code == 2
    assert run(["approvals", "return", str(approval_id), "--comment",
                "Crop the car number plate, please."]) == 0
    act_as(monkeypatch, "teacher")
    capsys.readouterr()
    assert run(["approvals", "list", "--mine"]) == 0
    mine = capsys.readouterr().out
    assert "returned" in mine and "returned by head: Crop the car number plate" in mine
    with pytest.raises(PermissionDenied):
        publish(cli_school, draft_id, pub)


def test_takedowns_list_and_done(cli_school, capsys, monkeypatch):
    draft_id, pub, approval_id = submit(cli_school)
    assert run(["approvals", "approve", str(approval_id)]) == 0
    post = publish(cli_school, draft_id, pub)
    capsys.readouterr()
    assert run(["consent", "withdraw", "P001", "photo_facebook"]) == 0
    assert run(["consent", "withdraw", "P002"]) == 0  # features in no post
    capsys.readouterr()
    assert run(["takedowns", "list"]) == 0
    [line] = capsys.readouterr().out.strip().splitlines()
    assert f"post {post.id} on facebook" in line and "P001 Ava Thornton" in line
    assert "for teacher" in line and "[open]" in line
    task_id = line.split()[0]
    act_as(monkeypatch, "deputy")
    assert run(["takedowns", "list"]) == 0
    assert "No takedown tasks." in capsys.readouterr().out
    assert run(["takedowns", "done", task_id]) == 1
    act_as(monkeypatch, "teacher")
    assert run(["takedowns", "done", task_id, "--note", "Deleted the post"]) == 0
    assert run(["takedowns", "list", "--all"]) == 0
    assert "[done by teacher]" in capsys.readouterr().out


def test_alerts_list_and_acknowledge(cli_school, capsys, monkeypatch):
    services = open_services(cli_school)
    try:
        alert_id = services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher",
                                               {"draft_id": 3, "channel": "dojo"})
    finally:
        services.close()
    capsys.readouterr()
    assert run(["alerts", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"{alert_id}" in listing and "name of a protected pupil" in listing
    assert "P003 Cara Lindqvist" in listing and "[open]" in listing
    act_as(monkeypatch, "teacher")
    assert run(["alerts", "list"]) == 1
    act_as(monkeypatch, "head")
    assert run(["alerts", "ack", str(alert_id), "--note", "Talked to Sam"]) == 0
    capsys.readouterr()
    assert run(["alerts", "list"]) == 0
    assert "No alerts." in capsys.readouterr().out


def test_report_json_status_and_reviewed(cli_school, capsys, tmp_path):
    draft_id, pub, approval_id = submit(cli_school)
    assert run(["approvals", "approve", str(approval_id)]) == 0
    post = publish(cli_school, draft_id, pub)
    out_file = tmp_path / "report.json"
    assert run(["report", "termly", "--json", "--out", str(out_file)]) == 0
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert [(p["id"], p["approved_by"]) for p in data["posts"]] == [(post.id, "head")]
    assert data["posts"][0]["photos"][0]["face_statuses"] == ["consented", "unknown"]
    assert (out_file.stat().st_mode & 0o777) == 0o600
    capsys.readouterr()
    assert run(["report", "status"]) == 0  # a new school: the first review is a term away
    assert "No termly review yet: the first is due on 20" in capsys.readouterr().out
    assert run(["report", "reviewed"]) == 0
    assert run(["report", "status"]) == 0
    assert "next termly review is due on" in capsys.readouterr().out
    assert run(["report", "termly"]) == 1  # neither --out nor --json


@pytest.mark.gui
def test_report_pdf_is_drawn_without_qt_in_the_cli_process(cli_school, tmp_path):
    """The CLI writes a real PDF, yet its own process never loads PySide6."""
    submit(cli_school)
    pdf = tmp_path / "termly.pdf"
    script = (
        "import sys\n"
        "from croftpost.cli import run\n"
        f"code = run(['report', 'termly', '--out', {str(pdf)!r}])\n"
        "print(code, any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.splitlines()[-1] == "0 False", result.stderr
    assert "Wrote the termly report" in result.stdout
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"/Count 1" in data
    assert (pdf.stat().st_mode & 0o777) == 0o600
