"""A small form in a dialog that calls a core service when the user presses OK.

A refusal from the service (its one sentence) is shown inside the dialog, which stays open
with everything the user typed. Dialogs are opened with `open()`, not `exec()`, so the idle
lock can hide them and show them again without losing anything.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from croftpost.errors import CroftpostError
from croftpost.ui.widgets import StatusMessage, Tone, explanation, heading


class FormDialog(QDialog):
    def __init__(
        self,
        title: str,
        intro: str,
        ok_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(10)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.message = StatusMessage(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        for button in self.buttons.buttons():
            button.setIcon(QIcon())  # the platform's tick and cross icons clash with the look
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(heading(title, self, level=2))
        if intro:
            layout.addWidget(explanation(intro, self))
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._submit: Callable[[], object] | None = None
        self._shown = False

    def set_submit(self, submit: Callable[[], object]) -> None:
        """What OK does: usually one call to a core service. It raises to refuse."""
        self._submit = submit

    def check(self) -> str | None:
        """Form-level checks before the service is called (e.g. two passwords match)."""
        return None

    def _refuse(self, sentence: str) -> None:
        self.message.show_message(Tone.ERROR, sentence)
        self.fit_height()  # make room for the message rather than squeeze the fields

    def fit_height(self) -> None:
        """As tall as the contents at the current width. Qt sizes a new window for its
        wrapped labels at a narrower width, which leaves gaps around the heading."""
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            self.resize(self.width(), layout.totalHeightForWidth(self.width()))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.fit_height()
        if not self._shown:
            self._shown = True
            field = self.first_field()
            if field is not None and not field.hasFocus():
                field.setFocus(Qt.FocusReason.OtherFocusReason)

    def first_field(self) -> QWidget | None:
        """Where typing starts: the first field of the form that takes the keyboard (what a
        person types before the window has settled must not go to a button). None when the
        form has nothing to type or tick (then the dialog chooses, e.g. Cancel)."""
        return _first_input(self.form)

    def _on_buttons_accepted(self) -> None:
        problem = self.check()
        if problem:
            self._refuse(problem)
            return
        try:
            if self._submit is not None:
                self._submit()
        except CroftpostError as exc:
            self._refuse(str(exc))
            return
        self.accept()


class FormDialogOwner:
    """Mixed into a widget that opens its form dialogs one at a time: `current_dialog` is the
    open one (tests and the idle lock reach it there), None again once it closes."""

    current_dialog: FormDialog | None = None

    def open_form(self, dialog: FormDialog, submit: Callable[[], None],
                  done: Callable[[], None]) -> None:
        """Open without blocking; `done` runs after the service accepted the form."""
        dialog.set_submit(submit)
        dialog.accepted.connect(done)
        dialog.finished.connect(self._on_form_finished)
        dialog.finished.connect(dialog.deleteLater)
        self.current_dialog = dialog
        dialog.open()

    def _on_form_finished(self, _result: int) -> None:
        self.current_dialog = None


def password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _first_input(layout: QLayout) -> QWidget | None:
    """The first enabled, visible widget in `layout` (depth first) that takes Tab focus."""
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        widget, inner = item.widget(), item.layout()
        if inner is not None and (found := _first_input(inner)) is not None:
            return found
        if widget is None or isinstance(widget, QLabel) or widget.isHidden():
            continue
        if widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return widget
        sub = widget.layout()
        if sub is not None and (found := _first_input(sub)) is not None:
            return found
    return None
