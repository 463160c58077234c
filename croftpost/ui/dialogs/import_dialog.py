"""Importing the office's consent spreadsheet: choose a CSV, see what will change and every
bad row (with its line number), and only then import. The core plans and imports (all or
nothing); this dialog only shows the plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from croftpost.core.consent import ImportPlan, PupilChange
from croftpost.core.consent_csv import HEADER, decode
from croftpost.errors import CroftpostError
from croftpost.files import read_regular_file
from croftpost.storage.schema import CONSENT_KINDS
from croftpost.ui.dialogs.form_dialog import FormDialog
from croftpost.ui.labels import consent_kind_name
from croftpost.ui.theme import icon
from croftpost.ui.widgets import Tone

MAX_FILE_BYTES = 5_000_000  # far more than any school's register; refuses a wrong file early


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportDialog", text)


def field_name(key: str) -> str:
    if key in CONSENT_KINDS:
        return consent_kind_name(key)
    names = {"first_name": _tr("First name"), "last_name": _tr("Last name"), "class": _tr("Class")}
    return names.get(key, key)


def change_text(change: PupilChange) -> str:
    """What an import does to one pupil, in words."""
    if change.is_new:
        after = change.after
        consents = [consent_kind_name(k) for k in CONSENT_KINDS
                    if str(after.get(k, "")).startswith("yes")]
        given = ", ".join(consents) if consents else _tr("none")
        return _tr("New pupil in {0}; consents: {1}").format(
            after.get("class") or _tr("no class"), given)
    return "; ".join(
        f"{field_name(key)}: {change.before.get(key, '') or '—'} → {change.after[key] or '—'}"
        for key in change.changed_fields
    )


class ImportDialog(FormDialog):
    def __init__(self, planner: Callable[[str], ImportPlan], parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Import consents from a spreadsheet"),
            self.tr(
                "Choose the CSV file saved from the office's spreadsheet. Nothing is saved until "
                "you press Import, and a file with any bad row imports nothing. Columns: {0}."
            ).format(", ".join(HEADER)),
            self.tr("&Import"),
            parent,
        )
        self.setMinimumSize(820, 560)
        self._planner = planner
        self.plan: ImportPlan | None = None
        self.text = ""
        self.choose_path: Callable[[], Path | None] = self._ask_path  # tests replace it
        self.file_label = QLabel(self.tr("No file chosen."), self)
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton(icon("import"), self.tr("&Choose file…"), self)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.file_label, 1)
        self.changes = QTableWidget(0, 3, self)
        self.changes.setHorizontalHeaderLabels(
            [self.tr("Pupil ID"), self.tr("Name"), self.tr("What will change")])
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes.setTabKeyNavigation(False)
        self.changes.verticalHeader().hide()
        self.changes.setWordWrap(True)
        header = self.changes.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.changes.setAccessibleName(self.tr("What the import will change"))
        self.errors = QListWidget(self)
        self.errors.setAccessibleName(self.tr("Bad rows"))
        self.errors.setMaximumHeight(130)
        self.errors.setIconSize(QSize(18, 18))
        self.errors_label = QLabel(self.tr("Bad rows"), self)
        self.form.addRow(self.tr("File"), file_row)
        self.form.addRow(self.tr("Changes"), self.changes)
        self.form.addRow(self.errors_label, self.errors)
        self._show_plan(None)

    def _ask_path(self) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the consent spreadsheet"), "", self.tr("CSV files (*.csv)"))
        return Path(chosen) if chosen else None

    def _on_choose_button_clicked(self) -> None:
        path = self.choose_path()
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        """Read and plan the file: nothing is saved."""
        self.file_label.setText(str(path))
        try:
            self.text = decode(read_regular_file(path, MAX_FILE_BYTES))
            plan = self._planner(self.text)
        except OSError as exc:
            self._fail(self.tr("The file can't be read: {0}.").format(exc.strerror or exc))
            return
        except CroftpostError as exc:
            self._fail(str(exc))
            return
        self._show_plan(plan)

    def _fail(self, sentence: str) -> None:
        self.text = ""
        self._show_plan(None)
        self.message.show_message(Tone.ERROR, sentence)

    def _show_plan(self, plan: ImportPlan | None) -> None:
        self.plan = plan
        self.changes.setRowCount(0)
        self.errors.clear()
        self.ok_button.setEnabled(bool(plan and not plan.errors and plan.changes))
        has_errors = bool(plan and plan.errors)
        self.errors.setVisible(has_errors)
        self.errors_label.setVisible(has_errors)
        if plan is None:
            self.message.clear()
            return
        for change in plan.changes:
            row = self.changes.rowCount()
            self.changes.insertRow(row)
            name = f"{change.after.get('first_name', '')} {change.after.get('last_name', '')}"
            for column, text in enumerate((change.pupil_id, name, change_text(change))):
                self.changes.setItem(row, column, QTableWidgetItem(text))
        self.changes.resizeRowsToContents()
        for error in plan.errors:
            self.errors.addItem(QListWidgetItem(
                icon("status-error"), self.tr("Line {0}: {1}").format(error.line, error.reason)))
        self.message.show_message(*self._summary(plan))

    def _summary(self, plan: ImportPlan) -> tuple[Tone, str]:
        counts = self.tr("{0} new, {1} updated, {2} unchanged").format(
            len(plan.new), len(plan.updated), plan.unchanged)
        if plan.errors:
            return Tone.ERROR, self.tr(
                "{0} bad row(s): nothing can be imported until they are fixed in the "
                "spreadsheet. The good rows would give: {1}.").format(len(plan.errors), counts)
        if not plan.changes:
            return Tone.INFO, self.tr("Nothing would change: {0}.").format(counts)
        return Tone.INFO, self.tr("Ready to import: {0}. Press Import to save.").format(counts)

    def check(self) -> str | None:
        if self.plan is None:
            return self.tr("Choose a file first.")
        if self.plan.errors:
            return self.tr("Fix the bad rows in the spreadsheet, then choose the file again.")
        return None
