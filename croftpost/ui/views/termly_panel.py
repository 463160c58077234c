"""The termly review on the Safeguarding page (headteacher): whether a review is due, a period,
the one-page report as a PDF, and recording that the review was done.

The report's data is read on the GUI thread (one audited query on the screens' connection);
only drawing the PDF, which lays out a whole document, runs on a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Session
from croftpost.core.services import Services
from croftpost.core.termly import ReviewStatus
from croftpost.errors import CroftpostError
from croftpost.ui.labels import local_time, long_date
from croftpost.ui.reports import render_termly_pdf
from croftpost.ui.theme import icon
from croftpost.ui.widgets import (
    StatusMessage,
    Tone,
    ask_yes_no,
    error_sentence,
    explanation,
    from_qdate,
    to_qdate,
)
from croftpost.ui.workers import TaskRunner


def _date_edit(parent: QWidget, day: date, name: str) -> QDateEdit:
    edit = QDateEdit(to_qdate(day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setAccessibleName(name)
    return edit


class TermlyReviewPanel(QGroupBox):
    review_recorded = Signal()
    report_finished = Signal(object)  # the PDF's path, or the exception that stopped it

    def __init__(self, services: Services, session: Session, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Termly review of what was published"))
        self._services = services
        self._termly = services.termly
        self._session = session
        self._tasks = tasks
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no  # tests replace these
        self.choose_pdf_path: Callable[[], Path | None] = self._ask_pdf_path
        start, end = self._termly.default_period()
        self.status = StatusMessage(self)
        self.start_edit = _date_edit(self, start, self.tr("First day of the period"))
        self.end_edit = _date_edit(self, end, self.tr("Last day of the period"))
        self.pdf_button = QPushButton(icon("print"), self.tr("Save report as &PDF…"), self)
        self.review_button = QPushButton(icon("status-ok"), self.tr("Mark re&view done"), self)
        self.message = StatusMessage(self)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.review_button.clicked.connect(self._on_review_button_clicked)
        self._lay_out()
        self.reload()

    def _lay_out(self) -> None:
        start_label = QLabel(self.tr("&From"), self)
        start_label.setBuddy(self.start_edit)
        end_label = QLabel(self.tr("&To"), self)
        end_label.setBuddy(self.end_edit)
        for label in (start_label, end_label):
            # Qt measures a kerned pair ("To") narrower than it draws it: leave room.
            label.setMinimumWidth(label.sizeHint().width() + 4)
        row = QHBoxLayout()
        row.addWidget(start_label)
        row.addWidget(self.start_edit)
        row.addSpacing(8)
        row.addWidget(end_label)
        row.addWidget(self.end_edit)
        row.addStretch(1)
        row.addWidget(self.pdf_button)
        row.addWidget(self.review_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(explanation(self.tr(
            "Each term, read through what was published: the report lists every post of the "
            "period with its photos' face statuses and the pupils it shows, the open takedown "
            "tasks and the alerts. It names pupils: keep it as securely as the consent "
            "register."), self))
        layout.addLayout(row)
        layout.addWidget(self.message)

    # -- state -------------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return from_qdate(self.start_edit.date()), from_qdate(self.end_edit.date())

    def reload(self) -> None:
        status = self._termly.review_status()
        tone, text = self.status_words(status)
        self.status.show_message(tone, text)

    def status_words(self, status: ReviewStatus) -> tuple[Tone, str]:
        if status.last_reviewed_at is None:
            if not status.due and status.next_due_on:
                return Tone.INFO, self.tr(
                    "No termly review yet: the first is due by {0}, a term after the school "
                    "started using croftpost.").format(long_date(date.fromisoformat(
                        status.next_due_on)))
            return Tone.WARNING, self.tr("A termly review is due: none has been recorded yet.")
        when = local_time(status.last_reviewed_at)
        if status.due:
            return Tone.WARNING, self.tr(
                "A termly review is due: the last was recorded on {0} by {1}.").format(
                when, status.last_reviewed_by)
        next_due = long_date(date.fromisoformat(status.next_due_on or ""))
        return Tone.OK, self.tr(
            "The last review was recorded on {0} by {1}. The next is due by {2}.").format(
            when, status.last_reviewed_by, next_due)

    # -- the report --------------------------------------------------------------------------
    def _ask_pdf_path(self) -> Path | None:
        start, end = self.period()
        suggested = Path.home() / f"termly-review-{start.isoformat()}-to-{end.isoformat()}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the termly report"), str(suggested), self.tr("PDF (*.pdf)"))
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")

    def _on_pdf_button_clicked(self) -> None:
        path = self.choose_pdf_path()
        if path is not None:
            self.save_report(path)

    def save_report(self, path: Path) -> None:
        start, end = self.period()
        try:
            data = self._termly.termly_report(self._session, start, end).to_json()
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.pdf_button.setEnabled(False)
        self.message.show_message(Tone.BUSY, self.tr("Writing the report…"))
        self._tasks.submit(
            lambda cancel, progress: render_termly_pdf(data, path),
            lambda pages: self._on_pdf_task_finished(path, data, pages),
            lambda exc: self._on_pdf_task_failed(path, exc),
            owner=self,
        )

    def _on_pdf_task_finished(self, path: Path, data: dict[str, Any], pages: int) -> None:
        self.pdf_button.setEnabled(True)
        self.message.show_message(Tone.OK, self.tr(
            "The report is saved to {0} ({1} page(s), {2} post(s)). When you have read it "
            "through, press Mark review done.").format(path, pages, len(data["posts"])))
        self.report_finished.emit(path)

    def _on_pdf_task_failed(self, path: Path, exc: BaseException) -> None:
        self.pdf_button.setEnabled(True)
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            self.message.show_message(Tone.ERROR, self.tr(
                "The report could not be saved to {0}: {1}. Choose another folder.").format(
                path, reason))
        else:
            self.message.show_message(Tone.ERROR, error_sentence(exc))
        self.report_finished.emit(exc)

    # -- recording the review ----------------------------------------------------------------
    def _on_review_button_clicked(self) -> None:
        start, end = self.period()
        question = self.tr(
            "Record that you have reviewed what was published from {0} to {1}?").format(
            long_date(start), long_date(end))
        if not self.confirm(self, self.tr("Termly review"), question):
            return
        try:
            self._termly.mark_reviewed(self._session, start, end)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.reload()
        self.message.show_message(Tone.OK, self.tr(
            "Your review of {0} to {1} is recorded in the audit log.").format(
            long_date(start), long_date(end)))
        self.review_recorded.emit()
