"""Small widgets shared by the screens: a status message with an icon AND words, headings,
and turning an exception into the one sentence staff should read."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date
from enum import StrEnum

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QTableView,
    QWidget,
)

from croftpost.errors import CroftpostError
from croftpost.storage.db import explain_database_error
from croftpost.ui.theme import icon

log = logging.getLogger(__name__)

ICON_SIZE = 20


class Tone(StrEnum):
    """The kind of message. Each has its own icon, so the meaning never rests on colour."""

    OK = "ok"
    INFO = "info"
    BUSY = "busy"
    WARNING = "warning"
    ERROR = "error"


def error_sentence(exc: BaseException) -> str:
    """The core's own sentence for a refusal; a plain sentence (and a log entry) otherwise."""
    if isinstance(exc, CroftpostError):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return explain_database_error(exc)
    log.error("unexpected failure in a screen", exc_info=exc)
    return QCoreApplication.translate(
        "croftpost", "Something went wrong and nothing was changed; the details are in the log."
    )


class StatusMessage(QWidget):
    """An icon and a sentence, e.g. a tick and "The audit log is intact: 12 entries."
    Hidden until there is something to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusMessage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._icon = QLabel(self)
        self._icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        self._text = QLabel(self)
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        self.tone: Tone | None = None
        self.hide()

    def show_message(self, tone: Tone, text: str) -> None:
        self.tone = tone
        self.setProperty("tone", tone.value)
        self._icon.setPixmap(icon(f"status-{tone.value}").pixmap(ICON_SIZE, ICON_SIZE))
        self._text.setText(text)
        self.setAccessibleName(text)
        self.style().unpolish(self)  # re-read the stylesheet for the new tone
        self.style().polish(self)
        self.show()

    def show_error(self, exc: BaseException) -> None:
        self.show_message(Tone.ERROR, error_sentence(exc))

    def clear(self) -> None:
        self.tone = None
        self._text.clear()
        self.hide()

    def text(self) -> str:
        return self._text.text()


def heading(text: str, parent: QWidget | None = None, level: int = 1) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(f"heading{level}")
    label.setWordWrap(True)
    return label


def explanation(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("explanation")
    label.setWordWrap(True)
    return label


def record_table(parent: QWidget, model: QAbstractItemModel, name: str,
                 stretch: int | None = None) -> QTableView:
    """A list of records, one selected row at a time, columns sized to their contents so no
    text is ever cut short (a narrow window scrolls sideways instead); the `stretch` column
    takes the spare width when it is the last one (a long text). Tab leaves the table, arrows
    move within it."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setAccessibleName(name)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None and stretch == model.columnCount() - 1:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def show_error_box(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """For failures outside a screen (opening the data folder): a box, never a traceback."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, error_sentence(exc), QMessageBox.StandardButton.Ok, parent
    )
    box.exec()


def ask_yes_no(parent: QWidget, title: str, question: str) -> bool:
    """A confirmation before something hard to undo. "No" is the default button."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    """QDate.toPython() is typed as returning object; this says what it is."""
    return date(day.year(), day.month(), day.day())
