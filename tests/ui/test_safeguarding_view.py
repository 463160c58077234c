"""The Safeguarding page on the real services and a real data folder: the headteacher's alerts
about protected pupils, every takedown task and the termly review (PDF and recording it);
other staff's own takedown tasks only; and the main window's banner that leads there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from croftpost.core.alerts import PROTECTED_FACE, PROTECTED_NAME
from croftpost.ui.models.safeguarding_model import (
    AlertColumn,
    AlertsTableModel,
    TakedownColumn,
    TakedownsTableModel,
)
from croftpost.ui.views.safeguarding_view import SafeguardingView
from croftpost.ui.widgets import Tone
from tests.core.posting_helpers import REGISTER_CSV, post
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui


@pytest.fixture
def people(school):
    """Ava (P001) and Ben (P002) on the register, Cara (P003) protected; two teachers."""
    services, head = school
    services.consent.import_csv(head, REGISTER_CSV)
    services.consent.protect(head, "P003", "court order")
    teacher = add_staff(services, head, "teacher", channels=("facebook", "dojo"))
    other = add_staff(services, head, "other", channels=("dojo",))
    return services, head, teacher, other


@pytest.fixture
def make_view(qtbot, tasks):
    def build(services, session, runner=None) -> SafeguardingView:  # noqa: ANN001
        view = SafeguardingView(services, session, runner or tasks)
        qtbot.addWidget(view)
        view.show()
        return view

    return build


def _cells(model, row: int, columns) -> list[str]:  # noqa: ANN001
    return [model.index(row, c).data() for c in columns]


def _withdraw_ava(services, head, teacher, other):  # noqa: ANN001, ANN202
    """Ava in one post by each teacher; her consent withdrawn: one task each."""
    mine = post(services, teacher, "facebook", "Ava's poem won the county prize!", ["P001"])
    theirs = post(services, other, "dojo", "Reading buddies", ["P001", "P002"])
    services.consent.withdraw(head, "P001")
    return mine, theirs


def test_head_sees_an_open_alert_and_acknowledges_it_with_a_note(people, make_view):
    services, head, _, _ = people
    for _ in range(2):  # the same attempt twice is one alert, counted
        services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", {"channel": "facebook"})
    view = make_view(services, head)
    assert view.alerts_heading.text() == "Alerts about protected pupils: 1 open"
    assert _cells(view.alerts_model, 0, list(AlertColumn)[:1] + list(AlertColumn)[2:]) == [
        "Open", "Name in the text", "Cara Lindqvist (P003)", "Test Teacher", "2",
        "Facebook"]
    state = view.alerts_model.index(0, AlertColumn.STATE)
    assert not state.data(Qt.ItemDataRole.DecorationRole).isNull()  # an icon beside the word
    assert view.acknowledge_button.isEnabled()  # the first row is selected

    view.acknowledge_button.click()
    dialog = view.current_dialog
    assert dialog is not None
    intro = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Test Teacher (teacher) met a protected pupil, Cara Lindqvist (P003)" in intro
    dialog.note.setPlainText("Spoke to the teacher; nothing was posted.")
    dialog.ok_button.click()
    assert view.current_dialog is None
    assert services.alerts.open_count(head) == 0
    entry = services.audit.entries(limit=1)[0]
    assert (entry.actor, entry.action) == ("head", "alert.acknowledge")
    assert entry.details["note"] == "Spoke to the teacher; nothing was posted."
    assert view.message.tone == Tone.OK and "Cara Lindqvist" in view.message.text()
    assert view.alerts_model.rowCount() == 0
    assert view.alerts_heading.text() == "Alerts about protected pupils: 0 open"
    assert not view.acknowledge_button.isEnabled()

    view.show_acknowledged.setChecked(True)
    assert view.alerts_model.index(0, AlertColumn.STATE).data() == "Acknowledged"
    assert not view.acknowledge_button.isEnabled()


def test_a_refusal_stays_in_the_dialog_with_the_note(people, make_view):
    services, head, _, _ = people
    alert_id = services.alerts.raise_alert(PROTECTED_FACE, "P003", "teacher",
                                           {"channel": "dojo", "photo_sha256": "a" * 64})
    view = make_view(services, head)
    assert view.alerts_model.index(0, AlertColumn.KIND).data() == "Face in a photo"
    view.acknowledge_button.click()
    dialog = view.current_dialog
    assert dialog is not None
    services.alerts.acknowledge(head, alert_id, "from the command line meanwhile")
    dialog.note.setPlainText("my note")
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.message.tone == Tone.ERROR
    assert dialog.message.text() == f"Alert {alert_id} was already acknowledged."
    assert dialog.note.toPlainText() == "my note"
    dialog.reject()


def test_the_poster_sees_only_their_task_and_marks_it_done(people, make_view):
    services, head, teacher, other = people
    mine, _ = _withdraw_ava(services, head, teacher, other)
    services.alerts.raise_alert(PROTECTED_NAME, "P003", "other", {"channel": "dojo"})
    view = make_view(services, teacher)
    assert view.alerts_box.isHidden() and view.termly is None
    assert not view.acknowledge_button.isVisible() and not view.alerts_table.isVisible()
    assert view.alerts_model.rowCount() == 0  # never loaded for someone who is not the head
    assert view.tasks_table.isColumnHidden(TakedownColumn.ASSIGNEE)
    assert view.tasks_heading.text() == "Your takedown tasks: 1 open"
    assert view.tasks_model.rowCount() == 1
    assert _cells(view.tasks_model, 0, [TakedownColumn.STATE, TakedownColumn.TEXT,
                                        TakedownColumn.PUPIL, TakedownColumn.WHY]) == [
        "To take down", "Ava's poem won the county prize!", "Ava Thornton (P001)",
        "Withdrawn: photo and name"]
    why = view.tasks_model.index(0, TakedownColumn.WHY).data(Qt.ItemDataRole.ToolTipRole)
    assert why == "Name on Facebook, Photo on Facebook"
    assert view.tasks_model.task(0).post_id == mine.id

    view.done_button.click()
    dialog = view.current_dialog
    assert dialog is not None
    dialog.note.setPlainText("Deleted from the page at 10:05")
    dialog.ok_button.click()
    assert services.takedowns.takedowns(teacher) == []
    entry = services.audit.entries(limit=1)[0]
    assert (entry.actor, entry.action, entry.details["note"]) == (
        "teacher", "takedown.done", "Deleted from the page at 10:05")
    assert view.tasks_heading.text() == "Your takedown tasks: 0 open"
    view.show_done.setChecked(True)
    assert view.tasks_model.index(0, TakedownColumn.STATE).data() == "Done"
    assert not view.done_button.isEnabled()


def test_the_head_sees_every_task_open_first_and_can_close_one(people, make_view):
    services, head, teacher, other = people
    mine, theirs = _withdraw_ava(services, head, teacher, other)
    services.takedowns.mark_done(teacher, services.takedowns.takedowns(teacher)[0].id)
    view = make_view(services, head)
    assert not view.alerts_box.isHidden() and view.termly is not None
    assert view.tasks_heading.text() == "Takedown tasks: 1 open"
    assert [view.tasks_model.task(r).post_id for r in range(view.tasks_model.rowCount())] == [
        theirs.id]
    assert view.tasks_model.index(0, TakedownColumn.ASSIGNEE).data() == "Test Other"
    view.show_done.setChecked(True)
    assert [view.tasks_model.index(r, TakedownColumn.STATE).data()
            for r in range(view.tasks_model.rowCount())] == ["To take down", "Done"]
    assert view.select_task(view.tasks_model.task(0).id)
    view.done_button.click()
    assert view.current_dialog is not None
    view.current_dialog.ok_button.click()
    assert services.takedowns.takedowns(head) == []
    assert services.audit.entries(limit=1)[0].actor == "head"


def test_the_termly_report_is_saved_as_a_pdf(people, make_view, tmp_path):
    services, head, teacher, other = people
    _withdraw_ava(services, head, teacher, other)
    view = make_view(services, head)
    panel = view.termly
    assert panel is not None
    start, end = services.termly.default_period()
    assert panel.period() == (start, end)
    target = tmp_path / "reports" / "termly.pdf"
    target.parent.mkdir()
    panel.choose_pdf_path = lambda: None  # cancelled: nothing happens
    panel.pdf_button.click()
    assert not target.exists() and panel.message.tone is None
    panel.choose_pdf_path = lambda: target
    panel.pdf_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert panel.message.tone == Tone.OK and str(target) in panel.message.text()
    assert "2 post(s)" in panel.message.text() and panel.pdf_button.isEnabled()
    entry = services.audit.entries(limit=1)[0]
    assert (entry.action, entry.details["posts"], entry.details["open_takedowns"]) == (
        "report.termly", 2, 2)


def test_an_unwritable_folder_is_said_plainly(people, make_view, tmp_path):
    services, head, _, _ = people
    view = make_view(services, head)
    assert view.termly is not None
    target = tmp_path / "missing-folder" / "termly.pdf"
    view.termly.save_report(target)
    assert view.termly.message.tone == Tone.ERROR
    assert view.termly.message.text().startswith(f"The report could not be saved to {target}")


def test_the_pdf_is_drawn_on_a_worker_thread(qtbot, people, make_view, tmp_path):
    from croftpost.ui.workers import ThreadTaskRunner

    services, head, teacher, other = people
    _withdraw_ava(services, head, teacher, other)
    runner = ThreadTaskRunner()
    view = make_view(services, head, runner)
    assert view.termly is not None
    target = tmp_path / "termly.pdf"
    with qtbot.waitSignal(view.termly.report_finished, timeout=20_000) as done:
        view.termly.save_report(target)
    assert done.args == [target]
    assert target.read_bytes().startswith(b"%PDF")
    assert runner.shutdown()


def test_marking_the_review_done_is_asked_first_and_audited(qtbot, people, make_view, clock):
    services, head, _, _ = people
    view = make_view(services, head)
    panel = view.termly
    assert panel is not None
    assert panel.status.tone == Tone.INFO  # a new school: the first review is a term away
    assert panel.status.text().startswith("No termly review yet: the first is due by 23 Feb")
    clock.advance(weeks=13)
    panel.reload()
    assert panel.status.tone == Tone.WARNING
    assert panel.status.text() == "A termly review is due: none has been recorded yet."
    panel.confirm = lambda parent, title, question: False
    panel.review_button.click()
    assert services.termly.review_status().due
    asked = []
    panel.confirm = lambda parent, title, question: asked.append(question) or True
    with qtbot.waitSignal(view.safeguarding_changed, timeout=1_000):
        panel.review_button.click()
    start, end = panel.period()
    assert asked and "reviewed what was published from" in asked[0]
    assert not services.termly.review_status().due
    assert panel.status.tone == Tone.OK and "The next is due by" in panel.status.text()
    entry = services.audit.entries(limit=1)[0]
    assert (entry.action, entry.details) == (
        "report.reviewed", {"start": start.isoformat(), "end": end.isoformat()})


def test_pages_by_role(people, make_window):
    services, head, teacher, _ = people
    office = add_staff(services, head, "office", role="office")
    assert "safeguarding" in make_window(services, head).page_keys()
    assert "takedowns" not in make_window(services, head).page_keys()
    for session in (teacher, office):
        keys = make_window(services, session).page_keys()
        assert "takedowns" in keys and "safeguarding" not in keys
    page = make_window(services, teacher).show_page("takedowns")
    assert isinstance(page, SafeguardingView) and page.termly is None


def test_head_banner_for_alerts_and_the_review_until_both_are_dealt_with(people, make_window,
                                                                         clock):
    services, head, _, _ = people
    assert not make_window(services, head).safeguarding_banner.isVisible()  # day one
    clock.advance(weeks=13)
    window = make_window(services, head)
    banner = window.safeguarding_banner
    assert banner.isVisible() and banner.tone == Tone.WARNING
    assert banner.text() == "The termly review of what was published is due."
    services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", {"channel": "facebook"})
    window.show_page("drafts")  # changing page reads the state again
    assert banner.text().startswith("1 alert about a protected pupil to acknowledge.")
    assert window.safeguarding_button.isVisible()
    window.safeguarding_button.click()
    page = window.page("safeguarding")
    assert isinstance(page, SafeguardingView) and window.page_stack.currentWidget() is page
    assert not window.safeguarding_button.isVisible()  # already there

    page.acknowledge_button.click()
    assert page.current_dialog is not None
    page.current_dialog.ok_button.click()
    assert banner.text() == "The termly review of what was published is due."
    assert page.termly is not None
    page.termly.confirm = lambda parent, title, question: True
    page.termly.review_button.click()
    assert not banner.isVisible()


def test_banner_shows_a_new_alert_without_changing_page(people, make_window, qtbot):
    services, head, _, _ = people
    window = make_window(services, head)
    window.banner_timer.setInterval(20)
    services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", {"channel": "facebook"})
    qtbot.waitUntil(
        lambda: window.safeguarding_banner.text().startswith("1 alert about a protected pupil"),
        timeout=2000,
    )
    window.lock()
    services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", {"channel": "dojo"})
    qtbot.wait(100)  # locked: the screen behind the lock is not read again
    assert window.safeguarding_banner.text().startswith("1 alert")


def test_teacher_banner_for_their_takedown_tasks_only(people, make_window):
    services, head, teacher, other = people
    services.alerts.raise_alert(PROTECTED_NAME, "P003", "teacher", {"channel": "facebook"})
    window = make_window(services, teacher)
    assert not window.safeguarding_banner.isVisible()  # alerts and reviews are the head's
    _withdraw_ava(services, head, teacher, other)
    window.show_page("drafts")
    assert window.safeguarding_banner.isVisible()
    assert window.safeguarding_banner.text() == "You have 1 published post to take down."
    assert window.safeguarding_button.text() == "Open my &takedown tasks"
    window.safeguarding_button.click()
    page = window.page("takedowns")
    assert isinstance(page, SafeguardingView) and window.page_stack.currentWidget() is page
    page.done_button.click()
    assert page.current_dialog is not None
    page.current_dialog.ok_button.click()
    assert not window.safeguarding_banner.isVisible()


def test_models_pass_the_model_tester(qtmodeltester, people):
    services, head, teacher, other = people
    _withdraw_ava(services, head, teacher, other)
    services.alerts.raise_alert(PROTECTED_FACE, "P003", "teacher", {"channel": "dojo"})
    alerts = AlertsTableModel()
    alerts.set_records(services.alerts.alerts(head, include_acknowledged=True))
    qtmodeltester.check(alerts)
    tasks = TakedownsTableModel()
    tasks.set_tasks(services.takedowns.takedowns(head, include_done=True))
    qtmodeltester.check(tasks)
