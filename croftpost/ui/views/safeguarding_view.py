"""SafeguardingView: for the headteacher, the alerts about protected pupils, every takedown task
and the termly review; for anyone else, only their own takedown tasks.

One screen for both, with the headteacher's sections hidden (and never loaded) for other
staff. The rules live in the services: AlertService and TermlyService refuse anyone but the
headteacher, TakedownService gives each person their own tasks (the headteacher everyone's)
and lets only the poster or the headteacher close one. `safeguarding_changed` tells the main
window to refresh its banner after an action here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Permission, Session
from croftpost.core.alerts import Alert
from croftpost.core.services import Services
from croftpost.core.takedowns import TakedownTask
from croftpost.errors import CroftpostError
from croftpost.ui.dialogs.form_dialog import FormDialog, FormDialogOwner
from croftpost.ui.dialogs.safeguarding_dialogs import acknowledge_dialog, mark_done_dialog
from croftpost.ui.models.record_model import RecordTableModel
from croftpost.ui.models.safeguarding_model import (
    AlertColumn,
    AlertsTableModel,
    TakedownColumn,
    TakedownsTableModel,
)
from croftpost.ui.theme import icon
from croftpost.ui.views.termly_panel import TermlyReviewPanel
from croftpost.ui.widgets import StatusMessage, Tone, explanation, heading, record_table
from croftpost.ui.workers import TaskRunner


class SafeguardingView(QWidget, FormDialogOwner):
    safeguarding_changed = Signal()

    def __init__(self, services: Services, session: Session, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("safeguardingView")
        self._services = services
        self._session = session
        member = services.accounts.current(session)
        self.is_head = member.can(Permission.SAFEGUARDING)
        self.message = StatusMessage(self)
        self.refresh_button = QPushButton(icon("refresh"), self.tr("&Refresh"), self)
        self.alerts_model = AlertsTableModel(self)
        self.tasks_model = TakedownsTableModel(self)
        self.alerts_box = QWidget(self)
        self.alerts_heading = heading("", self, level=2)
        self.alerts_table = record_table(self, self.alerts_model, self.tr("Alerts"),
                                         AlertColumn.PUPIL)
        self.show_acknowledged = QCheckBox(self.tr("Show ac&knowledged"), self)
        self.acknowledge_button = QPushButton(icon("status-ok"), self.tr("&Acknowledge…"), self)
        self.tasks_heading = heading("", self, level=2)
        self.tasks_table = record_table(self, self.tasks_model, self.tr("Takedown tasks"),
                                        TakedownColumn.TEXT)
        self.show_done = QCheckBox(self.tr("Show do&ne"), self)
        self.done_button = QPushButton(icon("status-ok"), self.tr("Mark &done…"), self)
        # The termly panel reads the review state: built for the headteacher only.
        self.termly: TermlyReviewPanel | None = (
            TermlyReviewPanel(services, session, tasks, self) if self.is_head else None)
        self.tasks_table.setColumnHidden(TakedownColumn.ASSIGNEE, not self.is_head)
        self._connect()
        self._lay_out()
        self.reload()

    def _connect(self) -> None:
        self.refresh_button.clicked.connect(lambda: self.reload())
        self.show_acknowledged.toggled.connect(lambda _on: self.reload())
        self.show_done.toggled.connect(lambda _on: self.reload())
        self.acknowledge_button.clicked.connect(self._on_acknowledge_button_clicked)
        self.done_button.clicked.connect(self._on_done_button_clicked)
        self.alerts_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())
        self.tasks_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())
        self.alerts_table.doubleClicked.connect(lambda _i: self._on_acknowledge_button_clicked())
        self.tasks_table.doubleClicked.connect(lambda _i: self._on_done_button_clicked())
        if self.termly is not None:
            self.termly.review_recorded.connect(self.safeguarding_changed)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Safeguarding") if self.is_head
                              else self.tr("My takedown tasks"), self), 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(explanation(self._intro(), self))
        layout.addWidget(self.message)
        tasks_box = self._section(self.tasks_heading, self.tasks_table, self.show_done,
                                  self.done_button)
        self._section(self.alerts_heading, self.alerts_table, self.show_acknowledged,
                      self.acknowledge_button, self.alerts_box)
        if not self.is_head:
            self.alerts_box.hide()  # with everything in it, its access keys included
            layout.addWidget(tasks_box, 1)
            return
        lists = QSplitter(Qt.Orientation.Vertical, self)
        lists.addWidget(self.alerts_box)
        lists.addWidget(tasks_box)
        lists.setChildrenCollapsible(False)
        layout.addWidget(lists, 1)
        assert self.termly is not None
        layout.addWidget(self.termly)

    def _section(self, title: QWidget, table: QTableView, show_all: QCheckBox,
                 action: QPushButton, box: QWidget | None = None) -> QWidget:
        box = box or QWidget(self)
        row = QHBoxLayout()
        row.addWidget(title, 1)
        row.addWidget(show_all)
        row.addWidget(action)
        section = QVBoxLayout(box)
        section.setContentsMargins(0, 4, 0, 0)
        section.addLayout(row)
        section.addWidget(table, 1)
        return box

    def _intro(self) -> str:
        if self.is_head:
            return self.tr(
                "When someone's check meets a protected pupil (their face in a photo or their "
                "name in the text), the post is blocked and you are told here. When consent is "
                "withdrawn, or a pupil becomes protected, each published post that shows them "
                "must come down: whoever posted it has a task, and you see every task until "
                "it is done.")
        return self.tr(
            "When a parent withdraws consent, or a pupil must no longer appear, each post you "
            "published that shows them must come down. Delete the post (or edit it so that "
            "the pupil no longer appears) on the channel, then mark the task done here.")

    # -- loading -----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Alerts and tasks arrive from other people's actions while this page is hidden."""
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        try:
            tasks = self._services.takedowns.takedowns(
                self._session, include_done=self.show_done.isChecked())
            alerts = self._services.alerts.alerts(
                self._session, self.show_acknowledged.isChecked()) if self.is_head else []
            names = self._staff_names() if self.is_head else {}
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.alerts_model.names = self.tasks_model.names = names
        self._keep_selection(self.alerts_table, lambda: self.alerts_model.set_records(alerts))
        self._keep_selection(self.tasks_table, lambda: self.tasks_model.set_tasks(tasks))
        open_alerts = sum(1 for a in alerts if a.open)
        open_tasks = sum(1 for t in tasks if t.open)
        self.alerts_heading.setText(
            self.tr("Alerts about protected pupils: {0} open").format(open_alerts))
        self.tasks_heading.setText(
            (self.tr("Takedown tasks: {0} open") if self.is_head
             else self.tr("Your takedown tasks: {0} open")).format(open_tasks))
        if self.termly is not None:
            self.termly.reload()
        self._update_buttons()

    def _staff_names(self) -> dict[str, str]:
        return {s.username: s.full_name for s in self._services.accounts.list_staff(self._session)}

    def _keep_selection(self, table: QTableView, load: Callable[[], None]) -> None:
        """Reload a table and select the same row again (by id), or its first row."""
        model = table.model()
        assert isinstance(model, RecordTableModel)
        rows = table.selectionModel().selectedRows()
        chosen = model.data(rows[0], model.ID_ROLE) if rows else None
        load()
        row = model.row_of(chosen) if chosen is not None else -1
        if model.rowCount() and not table.isHidden():
            table.selectRow(max(row, 0))

    # -- selection ---------------------------------------------------------------------------
    def selected_alert(self) -> Alert | None:
        rows = self.alerts_table.selectionModel().selectedRows()
        return self.alerts_model.alert(rows[0].row()) if rows and self.is_head else None

    def selected_task(self) -> TakedownTask | None:
        rows = self.tasks_table.selectionModel().selectedRows()
        return self.tasks_model.task(rows[0].row()) if rows else None

    def select_task(self, task_id: int) -> bool:
        row = self.tasks_model.row_of(task_id)
        if row >= 0:
            self.tasks_table.selectRow(row)
        return row >= 0

    def select_alert(self, alert_id: int) -> bool:
        row = self.alerts_model.row_of(alert_id)
        if row >= 0:
            self.alerts_table.selectRow(row)
        return row >= 0

    def _update_buttons(self) -> None:
        alert = self.selected_alert()
        task = self.selected_task()
        self.acknowledge_button.setEnabled(alert is not None and alert.open)
        self.done_button.setEnabled(task is not None and task.open)

    # -- actions -----------------------------------------------------------------------------
    def _on_acknowledge_button_clicked(self) -> None:
        alert = self.selected_alert()
        if alert is None or not alert.open:
            return
        name = self.alerts_model.who(alert.actor)
        who = name if name == alert.actor else f"{name} ({alert.actor})"
        dialog = acknowledge_dialog(alert, who, self)
        self._open(dialog, lambda: self._services.alerts.acknowledge(
            self._session, alert.id, dialog.text()), self.tr(
            "The alert about {0} is acknowledged; your note is in the audit log.").format(
            alert.pupil_name or alert.pupil_id))

    def _on_done_button_clicked(self) -> None:
        task = self.selected_task()
        if task is None or not task.open:
            return
        dialog = mark_done_dialog(task, self)
        self._open(dialog, lambda: self._services.takedowns.mark_done(
            self._session, task.id, dialog.text()), self.tr(
            "The takedown of the post showing {0} is marked done.").format(
            task.pupil_name or task.pupil_id))

    def _open(self, dialog: FormDialog, submit: Callable[[], object], done: str) -> None:
        def run() -> None:
            submit()  # the service's refusal stays in the dialog, with the note typed

        self.open_form(dialog, run, lambda: self._after_action(done))

    def _after_action(self, done: str) -> None:
        self.reload()
        self.message.show_message(Tone.OK, done)
        self.safeguarding_changed.emit()
