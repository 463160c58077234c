"""The compose screen's dialogs: saying who a face is, and giving a reason for each warning."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from croftpost.core.consent_model import Pupil
from croftpost.core.posting import acknowledge
from croftpost.core.textcheck import Finding
from croftpost.ui.dialogs.form_dialog import FormDialog
from croftpost.ui.views.compose_text import category_name


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


class IdentifyFaceDialog(FormDialog):
    """Choose the pupil, or say it is an adult who has consented (with who and how you know).
    The choice is audited, and the pupil's own consent then decides whether the face may
    appear. Nothing is chosen when it opens, and Identify stays disabled until a choice is
    made: pressing Return by habit marks nobody."""

    def __init__(self, pupils: Sequence[Pupil], identify: Callable[[str | None, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Who is this?"),
            _tr("Only say who it is if you are sure. Your choice is recorded in the audit "
                "log. If the pupil has no photo consent the face must still be blurred."),
            _tr("Identify"),
            parent,
        )
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Type part of a name or a class"))
        self.search.setClearButtonEnabled(True)
        self.form.addRow(self.tr("&Find a pupil:"), self.search)
        self.people = QListWidget(self)
        self.people.setAccessibleName(self.tr("Pupils"))
        self.people.setMinimumHeight(160)
        for pupil in sorted(pupils, key=lambda p: (p.last_name.lower(), p.first_name.lower())):
            item = QListWidgetItem(f"{pupil.full_name} ({pupil.class_name})", self.people)
            item.setData(Qt.ItemDataRole.UserRole, pupil.pupil_id)
        self.form.addRow("", self.people)
        self.adult = QCheckBox(self.tr("It is an &adult who has consented (staff, parent, "
                                       "visitor)"), self)
        self.form.addRow("", self.adult)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("Who is it, and how do you know they agreed?"))
        self.reason.setEnabled(False)
        self.form.addRow(self.tr("&Reason:"), self.reason)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.people.itemSelectionChanged.connect(self._on_people_selection_changed)
        self.adult.toggled.connect(self._on_adult_toggled)
        self.reason.textChanged.connect(self._update)
        self.set_submit(lambda: identify(self.chosen(), self.reason.text()))
        self.search.setFocus()
        self._update()

    def chosen(self) -> str | None:
        """A pupil id, or None for an adult who has consented."""
        items = self.people.selectedItems()
        return None if self.adult.isChecked() or not items else str(
            items[0].data(Qt.ItemDataRole.UserRole))

    def choose(self, pupil_id: str) -> None:
        """Select a pupil by id (as clicking their name does)."""
        for row in range(self.people.count()):
            item = self.people.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == pupil_id:
                self.people.setCurrentItem(item)
                item.setSelected(True)
                return
        raise KeyError(pupil_id)

    def check(self) -> str | None:
        if self.adult.isChecked():
            return None if self.reason.text().strip() else self.tr(
                "Say who this adult is and how you know they agreed to be posted.")
        return None if self.people.selectedItems() else self.tr("Choose a pupil from the list.")

    def _on_search_text_changed(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.people.count()):
            item = self.people.item(row)
            item.setHidden(not all(w in item.text().casefold() for w in words))
            if item.isHidden() and item.isSelected():
                item.setSelected(False)

    def _on_people_selection_changed(self) -> None:
        if self.people.selectedItems():
            self.adult.setChecked(False)
        self._update()

    def _on_adult_toggled(self, on: bool) -> None:
        if on:
            self.people.clearSelection()
        self.reason.setEnabled(on)
        if on:
            self.reason.setFocus()
        self._update()

    def _update(self) -> None:
        ready = bool(self.people.selectedItems()) or (
            self.adult.isChecked() and bool(self.reason.text().strip()))
        self.ok_button.setEnabled(ready)


class AcknowledgeWarningsDialog(FormDialog):
    """Every warning in the post, and one reason for posting it anyway; the reason is kept
    with each warning and recorded with the post."""

    def __init__(self, warnings: Sequence[Finding], parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Post despite a warning?"),
            _tr("The policy check found something to look at again. If it is fine, say why: "
                    "your reason is recorded with the post."),
            _tr("Acknowledge"),
            parent,
        )
        self.warnings = list(warnings)
        self.acknowledgements: list[dict[str, str]] = []
        for finding in self.warnings:
            text = self.tr("⚠ Warning · {0} · clause {1}: “{2}”\n{3}").format(
                category_name(finding.category), finding.clause, finding.excerpt, finding.message)
            label = QLabel(text, self)
            label.setWordWrap(True)
            self.form.addRow(label)
        self.reason = QPlainTextEdit(self)
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.reason.setAccessibleName(self.tr("Reason"))
        self.form.addRow(self.tr("&Reason:"), self.reason)
        self.set_submit(self._acknowledge)

    def _acknowledge(self) -> None:
        text = self.reason.toPlainText()
        self.acknowledgements = [acknowledge(f, text) for f in self.warnings]  # may refuse
