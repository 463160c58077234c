"""The filter bar of the consent register: search, class, consent state and quick filters.

Filtering happens in memory (a school has hundreds of pupils, not millions), so every change
applies at once.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from croftpost.storage.schema import CONSENT_KINDS
from croftpost.ui.labels import consent_kind_name
from croftpost.ui.models.consent_model import ConsentFilter, ShowOnly
from croftpost.ui.theme import icon


class ConsentFilterBar(QWidget):
    filters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("Name or pupil ID"))
        self.text.setClearButtonEnabled(True)
        self.text.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.class_name = QComboBox(self)
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("Any consent"), "")
        for kind in CONSENT_KINDS:
            self.kind.addItem(consent_kind_name(kind), kind)
        self.state = QComboBox(self)
        for text, code, icon_name in (
            (self.tr("Any state"), "", ""),
            (self.tr("Yes"), "valid", "status-ok"),
            (self.tr("No"), "refused", "status-revoked"),
            (self.tr("Expired"), "expired", "status-warning"),
            (self.tr("Withdrawn"), "withdrawn", "status-error"),
        ):
            self.state.addItem(icon(icon_name) if icon_name else QIcon(), text, code)
        self.show_only = QComboBox(self)
        for text, code in (
            (self.tr("Every pupil"), ShowOnly.EVERYONE),
            (self.tr("Consent expiring soon"), ShowOnly.EXPIRING),
            (self.tr("No consent at all"), ShowOnly.NO_CONSENT),
            (self.tr("Protected pupils"), ShowOnly.PROTECTED),
        ):
            self.show_only.addItem(text, code.value)
        self.clear_button = QPushButton(self.tr("Clear &filters"), self)
        self.text.textChanged.connect(self.filters_changed)
        for combo in (self.class_name, self.kind, self.state, self.show_only):
            combo.currentIndexChanged.connect(self.filters_changed)
        self.clear_button.clicked.connect(self.clear)
        self._lay_out()
        self.set_classes([])

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        pairs = (
            (self.tr("&Search"), self.text),
            (self.tr("Cl&ass"), self.class_name),
            (self.tr("&Consent"), self.kind),
            (self.tr("S&tate"), self.state),
            (self.tr("S&how"), self.show_only),
        )
        for column, (text, widget) in enumerate(pairs):
            label = QLabel(text, self)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column)
            grid.addWidget(widget, 1, column)
        grid.addWidget(self.clear_button, 1, len(pairs))
        grid.setColumnStretch(0, 1)

    def set_classes(self, classes: list[str]) -> None:
        """Fill the class list, keeping the chosen class if it is still there."""
        chosen = self.class_name.currentData()
        self.class_name.blockSignals(True)
        self.class_name.clear()
        self.class_name.addItem(self.tr("Every class"), "")
        for name in classes:
            self.class_name.addItem(name, name)
        self.class_name.setCurrentIndex(max(self.class_name.findData(chosen), 0) if chosen else 0)
        self.class_name.blockSignals(False)

    def current_filter(self) -> ConsentFilter:
        return ConsentFilter(
            text=self.text.text(),
            class_name=str(self.class_name.currentData() or ""),
            kind=str(self.kind.currentData() or ""),
            state=str(self.state.currentData() or ""),
            show=ShowOnly(self.show_only.currentData()),
        )

    def choose(self, combo: QComboBox, code: str) -> None:
        """Pick an entry by its code (for the screen and tests)."""
        combo.setCurrentIndex(combo.findData(code))

    def clear(self) -> None:
        combos = (self.class_name, self.kind, self.state, self.show_only)
        for widget in (self.text, *combos):
            widget.blockSignals(True)
        self.text.clear()
        for combo in combos:
            combo.setCurrentIndex(0)
        for widget in (self.text, *combos):
            widget.blockSignals(False)
        self.filters_changed.emit()
