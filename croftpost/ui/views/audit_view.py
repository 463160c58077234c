"""AuditView: the headteacher reads, filters, verifies and exports the audit log (policy 6).

Every read goes through the core's AuditReader, which checks READ_AUDIT (headteacher only)
against the database each time: the screen shows its refusal instead of the log. Verifying and
exporting run on a worker thread with their own database connection and their own reader.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Session
from croftpost.core.audit import AuditFilter
from croftpost.core.audit_anchors import AnchorReport
from croftpost.core.services import Services
from croftpost.errors import AccountRevoked, CroftpostError, PermissionDenied
from croftpost.ui import audit_tasks
from croftpost.ui.audit_words import entry_html
from croftpost.ui.labels import long_date, role_name
from croftpost.ui.models.audit_model import AuditColumn, AuditTableModel
from croftpost.ui.theme import icon
from croftpost.ui.views.audit_filters import AuditFilterBar
from croftpost.ui.widgets import StatusMessage, Tone, error_sentence, explanation, heading
from croftpost.ui.workers import ProgressFn, TaskRunner

EXPORT_FORMATS = {"csv": "CSV (*.csv)", "pdf": "PDF (*.pdf)"}


class AuditView(QWidget):
    verify_finished = Signal(object)  # the AnchorReport, or the exception
    export_finished = Signal(object)  # how many entries, or the exception

    def __init__(
        self, services: Services, session: Session, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditView")
        self._services = services
        self._session = session
        self._tasks = tasks
        self._reader = services.audit_reader
        self.model = AuditTableModel(self._reader, session, parent=self)
        self.filters = AuditFilterBar(self)
        self.table = self._make_table()
        self.details = QTextBrowser(self)
        self.details.setObjectName("auditDetails")
        self.details.setAccessibleName(self.tr("The chosen entry, in full"))
        self.details.setPlaceholderText(self.tr("Choose an entry to read it in full here."))
        self.message = StatusMessage(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.verify_button = QPushButton(icon("verify"), self.tr("&Verify the log"), self)
        self.csv_button = QPushButton(icon("export"), self.tr("Export &CSV…"), self)
        self.pdf_button = QPushButton(icon("export"), self.tr("Export &PDF…"), self)
        self.refresh_button = QPushButton(icon("refresh"), self.tr("&Refresh"), self)
        self.choose_path: Callable[[str], Path | None] = self._ask_export_path  # tests replace
        self._connect()
        self._lay_out()
        self.reload()

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setAccessibleName(self.tr("Audit log entries, newest first"))
        header = table.horizontalHeader()
        # Fixed widths: sizing to contents would read every row of a lazily loaded log.
        for column, width in (
            (AuditColumn.TIME, 190),
            (AuditColumn.WHO, 100),
            (AuditColumn.ACTION, 195),
            (AuditColumn.TARGET, 240),  # an id and a full name: "P001 · Ava Thornton"
        ):
            table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    def _connect(self) -> None:
        self.filters.filters_changed.connect(self._on_filters_filters_changed)
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.csv_button.clicked.connect(lambda: self._on_export_button_clicked("csv"))
        self.pdf_button.clicked.connect(lambda: self._on_export_button_clicked("pdf"))
        self.refresh_button.clicked.connect(self.reload)
        self.model.rowsInserted.connect(self._show_count)
        self.model.modelReset.connect(self._show_count)
        self.model.read_refused.connect(self._refuse)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)

    def _lay_out(self) -> None:
        actions = QHBoxLayout()
        for button in (self.verify_button, self.csv_button, self.pdf_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading(self.tr("Audit log"), self))
        layout.addWidget(
            explanation(
                self.tr(
                    "Every login, change and post is recorded here, newest first. Each entry is "
                    "sealed to the one before it, so a change made outside croftpost shows up "
                    "when you verify the log."
                ),
                self,
            )
        )
        layout.addWidget(self.filters)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        layout.addWidget(self.count_label)

    # -- loading -----------------------------------------------------------------------------
    def _refuse(self, exc: BaseException) -> None:
        """The reader refused (not the headteacher, or revoked meanwhile): say why, hide the log."""
        self.message.show_error(exc)
        self.model.clear()
        for button in (self.verify_button, self.csv_button, self.pdf_button):
            button.setEnabled(False)

    def reload(self) -> None:
        try:
            actions = self._reader.actions(self._session)
        except CroftpostError as exc:
            self._refuse(exc)
            return
        try:
            staff = [m.username for m in self._services.accounts.list_staff(self._session)]
        except CroftpostError:  # a reader who may not manage staff still filters by action
            staff = []
        self.filters.set_choices(staff, actions)
        try:
            self.model.set_names(self._reader.names(self._session))
        except CroftpostError as exc:
            self._refuse(exc)
            return
        self._show_filtered()

    def _on_table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= self.model.rowCount():
            self.details.clear()
            return
        self.details.setHtml(entry_html(self.model.entry(current.row()), self.model.names))

    def _show_filtered(self) -> None:
        try:
            self.model.set_filter(self.filters.current_filter())
        except CroftpostError as exc:
            self._refuse(exc)

    def _on_filters_filters_changed(self) -> None:
        self._show_filtered()

    def _show_count(self) -> None:
        self.count_label.setText(
            self.tr("Showing {0:,} of {1:,} matching entries.").format(
                self.model.rowCount(), self.model.total
            )
        )

    # -- verify ------------------------------------------------------------------------------
    def _on_verify_button_clicked(self) -> None:
        self.verify_button.setEnabled(False)
        self.message.show_message(Tone.BUSY, self.tr("Checking every entry of the log…"))
        data_dir, session = self._services.data_dir, self._session
        anchors = self._services.anchors
        self._tasks.submit(
            lambda cancel, progress: audit_tasks.verify_log(data_dir, session, anchors),
            self._on_verify_task_finished,
            self._on_verify_task_failed,
            owner=self,
        )

    def _on_verify_task_finished(self, report: AnchorReport) -> None:
        self.verify_button.setEnabled(True)
        if report.intact:
            notes = " ".join(report.notes)
            self.message.show_message(
                Tone.OK,
                self.tr("The audit log is intact: {0:,} entries. {1}").format(
                    report.entries, notes).strip(),
            )
        else:
            self.message.show_message(
                Tone.ERROR,
                self.tr(
                    "The audit log has been tampered with. {0} Keep a copy of the data folder "
                    "and ask your IT support to look into it."
                ).format(" ".join(report.problems)),
            )
        self.verify_finished.emit(report)

    def _on_verify_task_failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self._show_failure(exc)
        self.verify_finished.emit(exc)

    def _show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, PermissionDenied | AccountRevoked):
            self._refuse(exc)
        else:
            self.message.show_error(exc)

    # -- export ------------------------------------------------------------------------------
    def _ask_export_path(self, fmt: str) -> Path | None:
        suggested = str(Path.home() / f"audit-log.{fmt}")
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the audit log"), suggested, EXPORT_FORMATS[fmt]
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == f".{fmt}" else path.with_suffix(f".{fmt}")

    def _on_export_button_clicked(self, fmt: str) -> None:
        path = self.choose_path(fmt)
        if path is not None:
            self.export_to(path, fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        """Write the entries that match the filters to `path` (CSV or PDF) on a worker."""
        flt = self.filters.current_filter()
        try:
            job = self._export_job(path, fmt, flt)
        except CroftpostError as exc:
            self._show_failure(exc)
            return
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(False)
        self.message.show_message(Tone.BUSY, self.tr("Exporting to {0}…").format(path.name))
        self._tasks.submit(
            job,
            lambda count: self._on_export_task_finished(path, fmt, count),
            self._on_export_task_failed,
            self._on_export_task_progressed,
            owner=self,
        )

    def _export_job(
        self,
        path: Path,
        fmt: str,
        flt: AuditFilter,
    ) -> Callable[[threading.Event, ProgressFn], int]:
        data_dir, session = self._services.data_dir, self._session
        if fmt == "csv":
            return lambda cancel, progress: audit_tasks.export_csv(
                data_dir, session, flt, path, cancel, progress
            )
        me = self._services.accounts.current(self._session)
        now = self._services.clock().astimezone()
        school = self._services.school.details().name
        title = self.tr("{0}: audit log").format(school)
        subtitle = self.tr("Exported on {0} at {1} by {2} ({3}, {4}).").format(
            long_date(now.date()),
            now.strftime("%H:%M"),
            me.full_name,
            me.username,
            role_name(me.role),
        )
        heading_ = audit_tasks.ExportHeading(title, subtitle, self._describe(flt),
                                             self._services.anchors.latest_line())
        return lambda cancel, progress: audit_tasks.export_pdf(
            data_dir, session, flt, path, heading_, cancel, progress
        )

    def _describe(self, flt: AuditFilter) -> str:
        parts = [f"{self.filters.actor.currentText()}", f"{self.filters.action.currentText()}"]
        if flt.since or flt.until:
            parts.append(f"{self.filters.since.text()} – {self.filters.until.text()}")
        if flt.text:
            parts.append(self.tr("containing “{0}”").format(flt.text))
        return self.tr("Filters: {0}.").format(", ".join(parts))

    def _on_export_task_progressed(self, done: int, total: int) -> None:
        self.message.show_message(
            Tone.BUSY, self.tr("Exporting… {0:,} of {1:,} entries.").format(done, total)
        )

    def _on_export_task_finished(self, path: Path, fmt: str, count: int) -> None:
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(True)
        flt = self.filters.current_filter()
        try:
            self._services.audit_reader.record_export(
                self._session,
                path.name,
                {
                    "format": fmt,
                    "entries": count,
                    "filter": {k: v for k, v in flt.__dict__.items() if v},
                },
            )
        except Exception as exc:  # the file exists; say the record of it failed
            self.message.show_message(Tone.WARNING, error_sentence(exc))
            self.export_finished.emit(exc)
            return
        self.message.show_message(
            Tone.OK, self.tr("Exported {0:,} entries to {1}.").format(count, str(path))
        )
        try:
            self.model.refresh()  # the export's own entry, under the filter already shown
        except CroftpostError as exc:
            self._refuse(exc)
        self.export_finished.emit(count)

    def _on_export_task_failed(self, exc: BaseException) -> None:
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(True)
        self._show_failure(exc)
        self.export_finished.emit(exc)
