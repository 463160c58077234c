"""The filter bar of the audit screen: who, what, when, and a text search (debounced)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from croftpost.core.audit import AuditFilter
from croftpost.ui.labels import action_name
from croftpost.ui.models.audit_model import local_day_bounds
from croftpost.ui.theme import icon
from croftpost.ui.widgets import from_qdate

SEARCH_DELAY_MS = 300
NO_DATE = QDate(2000, 1, 1)  # the minimum of each date box, shown as "Any date"


class AuditFilterBar(QWidget):
    filters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = QComboBox(self)
        self.action = QComboBox(self)
        for combo, letters in ((self.actor, 10), (self.action, 18)):
            # Sized for typical entries, not the longest, so the search box keeps its room.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(letters)
        self.since = self._date_edit()
        self.until = self._date_edit()
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("A name, pupil id or word"))
        self.text.setClearButtonEnabled(True)
        self.text.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.clear_button = QPushButton(self.tr("Cle&ar filters"), self)
        # Typing waits for a pause before searching, so each key press doesn't hit the database.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.filters_changed)
        self.text.textChanged.connect(self._on_text_text_changed)
        self.text.returnPressed.connect(self.apply_search_now)
        for combo in (self.actor, self.action):
            combo.currentIndexChanged.connect(self.filters_changed)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.filters_changed)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self._lay_out()
        self.set_choices([], [])

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(self.tr("Any date"))
        edit.setDate(NO_DATE)
        return edit

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        pairs = (
            (self.tr("&Who"), self.actor),
            (self.tr("Ac&tion"), self.action),
            (self.tr("&From"), self.since),
            (self.tr("&Until"), self.until),
        )
        for column, (text, widget) in enumerate(pairs):
            label = QLabel(text, self)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column)
            grid.addWidget(widget, 1, column)
        search_label = QLabel(self.tr("&Search"), self)
        search_label.setBuddy(self.text)
        grid.addWidget(search_label, 0, 4)
        grid.addWidget(self.text, 1, 4)
        grid.addWidget(self.clear_button, 1, 5)
        grid.setColumnStretch(4, 1)

    def set_choices(self, actors: list[str], actions: list[str]) -> None:
        """Fill the two lists, keeping what was chosen if it is still there."""
        named = sorted((action_name(a), a) for a in actions)
        for combo, anything, items in (
            (self.actor, self.tr("Anyone"), [(a, a) for a in actors]),
            (self.action, self.tr("Any action"), named),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(anything, None)
            for text, code in items:
                combo.addItem(text, code)
            found = combo.findData(chosen) if chosen else 0
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

    def current_filter(self) -> AuditFilter:
        first = self.since.date() if self.since.date() != NO_DATE else None
        last = self.until.date() if self.until.date() != NO_DATE else None
        since, until = local_day_bounds(
            from_qdate(first) if first else None, from_qdate(last) if last else None
        )
        return AuditFilter(
            actor=self.actor.currentData(),
            action=self.action.currentData(),
            since=since,
            until=until,
            text=self.text.text().strip() or None,
        )

    def apply_search_now(self) -> None:
        """Skip the typing pause (Enter in the search box, and tests)."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.filters_changed.emit()

    def _on_text_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_clear_button_clicked(self) -> None:
        widgets = (self.actor, self.action, self.since, self.until, self.text)
        for widget in widgets:
            widget.blockSignals(True)
        self.actor.setCurrentIndex(0)
        self.action.setCurrentIndex(0)
        self.since.setDate(NO_DATE)
        self.until.setDate(NO_DATE)
        self.text.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self._search_timer.stop()
        self.filters_changed.emit()
