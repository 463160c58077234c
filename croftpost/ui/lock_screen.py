"""LockScreen: covers the main window until the same person types their password again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from croftpost.ui.theme import icon
from croftpost.ui.widgets import StatusMessage, explanation, heading


class LockScreen(QWidget):
    unlock_requested = Signal(str)  # the password typed
    logout_requested = Signal()

    def __init__(self, who: str, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        panel = QFrame(self)
        panel.setObjectName("lockPanel")
        panel.setFixedWidth(500)
        picture = QLabel(panel)
        picture.setPixmap(icon("lock").pixmap(40, 40))
        picture.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        title = heading(self.tr("croftpost is locked"), panel)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.reason = explanation("", panel)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.password = QLineEdit(panel)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password for {0}").format(username))
        self.message = StatusMessage(panel)
        self.unlock_button = QPushButton(icon("unlock-light"), self.tr("&Unlock"), panel)
        self.unlock_button.setDefault(True)
        self.logout_button = QPushButton(icon("logout"), self.tr("&Log out instead"), panel)
        prompt = QLabel(self.tr("&Password for {0}").format(who), panel)
        prompt.setBuddy(self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.logout_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(12)
        for widget in (picture, title, self.reason):
            inner.addWidget(widget)
        inner.addSpacing(4)
        inner.addWidget(prompt)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.password.returnPressed.connect(self._on_unlock_button_clicked)
        self.logout_button.clicked.connect(self.logout_requested)

    def reset(self, reason: str) -> None:
        """Show the lock afresh: why it locked, an empty password box, no old message."""
        self.reason.setText(reason)
        self.password.clear()
        self.message.clear()
        self.password.setFocus()

    def _on_unlock_button_clicked(self) -> None:
        password = self.password.text()
        self.password.clear()  # never keep a typed password around
        self.unlock_requested.emit(password)
