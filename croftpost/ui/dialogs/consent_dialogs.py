"""Dialogs of the consent register. They collect values; ConsentView supplies the service call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.consent_model import Pupil
from croftpost.storage.schema import CONSENT_KINDS
from croftpost.ui.dialogs.form_dialog import FormDialog
from croftpost.ui.labels import consent_kind_name, long_date
from croftpost.ui.models.consent_model import kind_detail
from croftpost.ui.widgets import explanation, from_qdate, to_qdate


@dataclass(frozen=True)
class ConsentChange:
    kind: str
    given: bool
    expires_on: date | None


def _end_of_school_year(today: date) -> date:
    """A sensible first guess for a new end date: the next 31 July."""
    end = date(today.year, 7, 31)
    return end if end >= today else date(today.year + 1, 7, 31)


class _ConsentRow:
    """One consent's controls: given or not, and an optional end date."""

    def __init__(self, pupil: Pupil, kind: str, today: date, parent: QWidget) -> None:
        record = pupil.consents.get(kind)
        # A withdrawn consent starts unticked: ticking it records a fresh consent.
        self.was_given = bool(record and record.given and record.state_on(today) != "withdrawn")
        self.was_expires = record.expires_on if record and self.was_given else None
        self.label = QLabel(consent_kind_name(kind), parent)
        self.state = QLabel(kind_detail(pupil, kind, today), parent)
        self.state.setObjectName("explanation")
        self.given = QCheckBox(parent.tr("Given"), parent)
        self.given.setChecked(self.was_given)
        self.given.setAccessibleName(parent.tr("{0} given").format(consent_kind_name(kind)))
        self.ends = QCheckBox(parent.tr("Ends on"), parent)
        self.ends.setChecked(self.was_expires is not None)
        self.expires = QDateEdit(parent)
        self.expires.setCalendarPopup(True)
        self.expires.setDisplayFormat("d MMM yyyy")
        self.expires.setDate(to_qdate(self.was_expires or _end_of_school_year(today)))
        self.given.toggled.connect(self._on_given_toggled)
        self.ends.toggled.connect(self._on_given_toggled)
        self._on_given_toggled()

    def place(self, grid: QGridLayout, row: int) -> None:
        for column, widget in enumerate((self.label, self.given, self.ends, self.expires,
                                         self.state)):
            grid.addWidget(widget, row, column)

    def _on_given_toggled(self, _on: bool = False) -> None:
        self.ends.setEnabled(self.given.isChecked())
        self.expires.setEnabled(self.given.isChecked() and self.ends.isChecked())

    def chosen(self) -> tuple[bool, date | None]:
        given = self.given.isChecked()
        ends = given and self.ends.isChecked()
        return given, from_qdate(self.expires.date()) if ends else None

    def changed(self) -> bool:
        return self.chosen() != (self.was_given, self.was_expires)


class EditConsentsDialog(FormDialog):
    def __init__(self, pupil: Pupil, today: date, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Edit consents"),
            self.tr(
                "{0}'s consents as the parent or carer gave them on the form. Only what you "
                "change is saved, and each change is recorded in the audit log."
            ).format(pupil.full_name),
            self.tr("Save"),
            parent,
        )
        self.setMinimumWidth(720)
        self.rows = {kind: _ConsentRow(pupil, kind, today, self) for kind in CONSENT_KINDS}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        for column, title in enumerate((self.tr("Consent"), "", "", "", self.tr("Now"))):
            if title:
                grid.addWidget(QLabel(f"<b>{title}</b>", self), 0, column)
        for number, row in enumerate(self.rows.values(), start=1):
            row.place(grid, number)
        grid.setColumnStretch(4, 1)
        self.form.addRow(grid)

    def changes(self) -> list[ConsentChange]:
        return [ConsentChange(kind, *row.chosen()) for kind, row in self.rows.items()
                if row.changed()]

    def check(self) -> str | None:
        return None if self.changes() else self.tr("Nothing has changed.")


class WithdrawDialog(FormDialog):
    """Nothing is ticked when it opens, so Return withdraws nothing. Face recognition is a
    separate step below the photo and name consents, saying what it erases: a parent who
    withdraws one consent must not lose the others, or their child's reference faces, to a
    habit of pressing Return."""

    def __init__(self, pupil: Pupil, today: date, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Record a withdrawal"),
            self.tr(
                "Tick only what the parent or carer withdrew. From today, {0}, croftpost treats "
                "those consents as withdrawn. Posts already published that show {1} are listed "
                "afterwards, so they can be taken down."
            ).format(long_date(today), pupil.full_name),
            self.tr("Record withdrawal"),
            parent,
        )
        self.boxes: dict[str, QCheckBox] = {}
        for kind in CONSENT_KINDS:
            if kind == "biometric":
                continue
            self.boxes[kind] = self._box(pupil, kind, today, consent_kind_name(kind))
            self.form.addRow("", self.boxes[kind])
        faces = self.tr("Also withdraw &face recognition: erases {0}'s {1} reference "
                        "face(s) now; this cannot be undone").format(
            pupil.full_name, pupil.encodings)
        self.boxes["biometric"] = self._box(pupil, "biometric", today, faces)
        group = QGroupBox(self.tr("Face recognition (a separate consent)"), self)
        QVBoxLayout(group).addWidget(self.boxes["biometric"])
        self.form.addRow(group)

    def _box(self, pupil: Pupil, kind: str, today: date, text: str) -> QCheckBox:
        box = QCheckBox(text, self)
        box.setChecked(False)
        box.setToolTip(kind_detail(pupil, kind, today))
        return box

    def chosen_kinds(self) -> list[str]:
        return [kind for kind, box in self.boxes.items() if box.isChecked()]

    def check(self) -> str | None:
        return None if self.chosen_kinds() else self.tr(
            "Tick the consents the parent or carer withdrew.")


class ProtectDialog(FormDialog):
    def __init__(self, pupil: Pupil, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Protect a pupil"),
            self.tr(
                "A protected pupil is never named or shown in a post, whatever the consent "
                "forms say, and appears on every no-photo list. Only the headteacher can read "
                "the reason; the audit log records only that {0} was protected."
            ).format(pupil.full_name),
            self.tr("Protect"),
            parent,
        )
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText(self.tr("e.g. Looked-after child: court order"))
        self.reason.setFixedHeight(80)
        self.reason.setTabChangesFocus(True)
        self.form.addRow(self.tr("&Reason"), self.reason)


class DeletePupilDialog(FormDialog):
    """Erasing a pupil cannot be undone, so Cancel is the default button and the dialog lists
    the published posts that show them: deleting the pupil does not take those down."""

    def __init__(self, pupil: Pupil, posts: list[str], parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Delete a pupil"),
            self.tr(
                "Delete {0} (pupil ID {1}) from the register? Their consent records and any "
                "reference faces ({2} enrolled) are erased, from the automatic backups too, "
                "and cannot be brought back. The audit log keeps a record that you deleted "
                "them. Use this when a pupil has left and their family asked for their data "
                "to be erased."
            ).format(pupil.full_name, pupil.pupil_id, pupil.encodings),
            self.tr("Delete pupil"),
            parent,
        )
        self.cancel_button: QPushButton = self.buttons.button(
            QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.posts = QListWidget(self)
        self.posts.setAccessibleName(self.tr("Published posts showing this pupil"))
        self.posts.addItems(posts)
        self.posts.setVisible(bool(posts))
        self.posts.setMaximumHeight(140)
        self.posts_text = explanation(self.tr(
            "{0} published post(s) show {1}. Deleting the pupil does not take them down: "
            "check whether any must be.").format(len(posts), pupil.full_name) if posts
            else self.tr("No published post shows {0}.").format(pupil.full_name), self)
        self.form.addRow(self.posts_text)
        self.form.addRow(self.posts)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.cancel_button.setFocus()  # Enter or Space right away keeps the pupil
