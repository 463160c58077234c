"""CommentsView: parents' comments on the school's Facebook page, moderated (policy 2.3).

Staff paste the comments (one per line, or the `author,comment` export the command line takes)
or open the file; croftpost says which 2.3 deletes, with the clause, and which to look at. Staff
delete them on Facebook, tick what they deleted and record it: each deleted comment goes on its
author's tally once, and an author who reaches three is named as a candidate for blocking
("if users are repeatedly abusive or inappropriate, they will be blocked"). Core does the
judging, the counting and the audit (counts only, never the text or the names).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Session
from croftpost.core.services import Services
from croftpost.core.text_service import BLOCKING_CANDIDATE, ModerationReport
from croftpost.core.textcheck import Comment, Finding, ModerationDecision, parse_comments
from croftpost.errors import BadInput, CroftpostError
from croftpost.files import read_regular_file
from croftpost.ui.theme import icon
from croftpost.ui.views.compose_text import category_name
from croftpost.ui.widgets import StatusMessage, Tone, explanation, heading

MAX_FILE_BYTES = 5_000_000
_COLUMNS = ("Deleted", "Line", "Author", "Comment", "Advice", "Why")


class CommentsView(QWidget):
    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commentsView")
        self._services, self._session = services, session
        self.comments: list[Comment] = []
        self.decisions: list[ModerationDecision] = []
        self.choose_file: Callable[[], Path | None] = self._ask_file  # tests replace it
        self.input = QPlainTextEdit(self)
        self.input.setPlaceholderText(self.tr(
            "Paste the comments here: one per line, or author,comment per line as in a "
            "spreadsheet export."))
        self.input.setTabChangesFocus(True)
        self.input.setAccessibleName(self.tr("Comments to check"))
        self.open_button = QPushButton(icon("import"), self.tr("Open a &file…"), self)
        self.check_button = QPushButton(icon("verify"), self.tr("&Check the comments"), self)
        self.table = self._make_table()
        self.record_button = QPushButton(self.tr("&Record the ticked comments as deleted"), self)
        self.message = StatusMessage(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.check_button.clicked.connect(self.check)
        self.record_button.clicked.connect(self.record)
        self._lay_out()
        self._show_results()

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, len(_COLUMNS), self)
        table.setHorizontalHeaderLabels([self.tr(c) for c in _COLUMNS])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setWordWrap(True)
        table.setAccessibleName(self.tr("Comments and what to do with each"))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        return table

    def _lay_out(self) -> None:
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        actions.addWidget(self.check_button)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.input, 1)
        top_layout.addLayout(actions)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.table, 1)
        record = QHBoxLayout()
        record.addWidget(self.summary, 1)
        record.addWidget(self.record_button)
        bottom_layout.addLayout(record)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading(self.tr("Comments"), self))
        layout.addWidget(explanation(self.tr(
            "Policy 2.3: staff delete abusive, racist, sexist, homophobic or inflammatory "
            "comments, spam, personal information, adverts and requests for donations from the "
            "school's page, and users who are repeatedly abusive or inappropriate are blocked. "
            "croftpost says which to delete; you delete them on Facebook, then record them "
            "here so repeat offenders are noticed."), self))
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    # -- checking -------------------------------------------------------------------------------
    def check(self) -> None:
        self.message.clear()
        try:
            self.comments = parse_comments(self.input.toPlainText())
            self.decisions = self._services.text.advise(self._session, self.comments)
        except CroftpostError as exc:
            self.message.show_error(exc)
            self.comments, self.decisions = [], []
        self._show_results()

    def _show_results(self) -> None:
        self.table.setRowCount(len(self.decisions))
        for row, (comment, decision) in enumerate(zip(self.comments, self.decisions,
                                                      strict=True)):
            self._fill_row(row, comment, decision)
        self.table.resizeRowsToContents()
        deleting = sum(d.delete for d in self.decisions)
        looking = sum(bool(d.review) and not d.delete for d in self.decisions)
        self.summary.setText(self.tr(
            "{0} comment(s): {1} to delete, {2} to look at, {3} fine. Tick the ones you deleted "
            "on Facebook.").format(len(self.decisions), deleting, looking,
                                   len(self.decisions) - deleting - looking)
            if self.decisions else "")
        self.record_button.setEnabled(bool(self.decisions))

    def _fill_row(self, row: int, comment: Comment, decision: ModerationDecision) -> None:
        ticked = QTableWidgetItem()
        ticked.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        ticked.setCheckState(Qt.CheckState.Checked if decision.delete else
                             Qt.CheckState.Unchecked)
        ticked.setData(Qt.ItemDataRole.AccessibleTextRole, self.tr("Deleted"))
        self.table.setItem(row, 0, ticked)
        self.table.setItem(row, 1, QTableWidgetItem(str(comment.line)))
        self.table.setItem(row, 2, QTableWidgetItem(decision.author or self.tr("(no name)")))
        self.table.setItem(row, 3, QTableWidgetItem(" ".join(decision.text.split())))
        icon_name, words = _advice(decision)
        self.table.setItem(row, 4, QTableWidgetItem(icon(icon_name), self.tr(words)))
        self.table.setItem(row, 5, QTableWidgetItem(_why(decision.reasons or decision.review)))

    def ticked(self) -> list[bool]:
        items = [self.table.item(row, 0) for row in range(self.table.rowCount())]
        return [item is not None and item.checkState() == Qt.CheckState.Checked
                for item in items]

    # -- recording ------------------------------------------------------------------------------
    def record(self) -> None:
        try:
            report = self._services.text.record_deleted(self._session, self.comments,
                                                        self.ticked(), self.decisions)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.message.show_message(*self._recorded_words(report))

    def _recorded_words(self, report: ModerationReport) -> tuple[Tone, str]:
        text = self.tr("Recorded: {0} deleted comment(s) added to their authors' tally "
                       "(comments recorded before are not counted again).").format(
            report.newly_counted)
        if not report.candidates:
            return Tone.OK, text
        names = ", ".join(self.tr("{0} ({1} deleted)").format(t.author, t.deleted)
                          for t in report.candidates)
        return Tone.WARNING, text + " " + self.tr(
            "Consider blocking on Facebook ({0} or more deleted comments, policy 2.3): {1}."
        ).format(BLOCKING_CANDIDATE, names)

    # -- a file ---------------------------------------------------------------------------------
    def _ask_file(self) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open comments"), str(Path.home()),
            self.tr("Comments (*.csv *.txt);;All files (*)"))
        return Path(chosen) if chosen else None

    def _on_open_button_clicked(self) -> None:
        path = self.choose_file()
        if path is None:
            return
        try:
            self.input.setPlainText(_read_comments(path))
        except BadInput as exc:
            self.message.show_error(exc)
            return
        self.check()


def _read_comments(path: Path) -> str:
    try:
        return read_regular_file(path, MAX_FILE_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise BadInput(f"{path.name} cannot be read as text.") from None


def _advice(decision: ModerationDecision) -> tuple[str, str]:
    if decision.delete:
        return "status-error", "Delete (2.3)"
    if decision.review:
        return "status-warning", "Keep, but look at it"
    return "status-ok", "Keep"


def _why(findings: Sequence[Finding]) -> str:
    return " ".join(f"{category_name(f.category)} (clause {f.clause}): {f.message}"
                    for f in findings)
