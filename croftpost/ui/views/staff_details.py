"""The panel beside the staff table: what the selected person may do, and the actions on them.

It only shows a StaffMember and holds the controls; StaffView connects them to the service.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import StaffMember
from croftpost.ui.dialogs.staff_dialogs import CHANNEL_KEYS, role_combo
from croftpost.ui.labels import channel_name
from croftpost.ui.models.staff_model import member_state
from croftpost.ui.theme import icon
from croftpost.ui.widgets import explanation, heading


class StaffDetailsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffDetails")
        self.setMinimumWidth(330)
        self.setMaximumWidth(420)
        self.title = heading(self.tr("Nobody selected"), self, level=2)
        self.state_icon = QLabel(self)
        self.state_icon.setFixedSize(20, 20)
        self.state_text = QLabel(self)
        self.role = role_combo(self)
        self.role_button = QPushButton(icon("role"), self.tr("Change &role"), self)
        self.channel_boxes = {
            key: QCheckBox(self.tr("May post on {0}").format(channel_name(key)), self)
            for key in CHANNEL_KEYS
        }
        self.accounts_text = QLabel(self)
        self.accounts_text.setWordWrap(True)
        self.accounts_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_account_button = QPushButton(icon("link"), self.tr("Add personal a&ccount…"), self)
        self.reset_button = QPushButton(icon("key"), self.tr("Reset &password…"), self)
        self.unlock_button = QPushButton(icon("unlock"), self.tr("&Unlock"), self)
        self.revoke_button = QPushButton(icon("status-revoked"), self.tr("Re&voke account"), self)
        self.reinstate_button = QPushButton(icon("status-ok"), self.tr("Re&instate account"), self)
        self._lay_out()
        self.show_member(None, datetime.min)

    def _lay_out(self) -> None:
        state_row = QHBoxLayout()
        state_row.addWidget(self.state_icon)
        state_row.addWidget(self.state_text, 1)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role, 1)
        role_row.addWidget(self.role_button)
        form = QFormLayout()
        form.addRow(self.tr("State"), state_row)
        form.addRow(self.tr("Role"), role_row)
        channels = QGroupBox(self.tr("Posting (policy section 2)"), self)
        channel_layout = QVBoxLayout(channels)
        for box in self.channel_boxes.values():
            channel_layout.addWidget(box)
        channel_layout.addWidget(
            explanation(self.tr("Ticking or clearing a box takes effect at once."), channels)
        )
        accounts = QGroupBox(self.tr("Personal social media accounts"), self)
        accounts_layout = QVBoxLayout(accounts)
        accounts_layout.addWidget(self.accounts_text)
        accounts_layout.addWidget(self.add_account_button, 0, Qt.AlignmentFlag.AlignLeft)
        account_actions = QGroupBox(self.tr("Account"), self)
        # Two by two, so the words fit in a narrow panel; reinstate shares revoke's place.
        actions_layout = QGridLayout(account_actions)
        actions_layout.addWidget(self.reset_button, 0, 0)
        actions_layout.addWidget(self.unlock_button, 0, 1)
        actions_layout.addWidget(self.revoke_button, 1, 0)
        actions_layout.addWidget(self.reinstate_button, 1, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(channels)
        layout.addWidget(accounts)
        layout.addWidget(account_actions)
        layout.addStretch(1)

    def show_member(self, member: StaffMember | None, now: datetime) -> None:
        """Show one person (or nobody) without firing any of the controls' signals."""
        controls: list[QWidget] = [
            self.role,
            self.role_button,
            self.add_account_button,
            self.reset_button,
            self.unlock_button,
            self.revoke_button,
            self.reinstate_button,
            *self.channel_boxes.values(),
        ]
        for control in controls:
            control.setEnabled(member is not None)
            control.blockSignals(True)
        try:
            if member is None:
                self._show_nobody()
            else:
                self._show(member, now)
        finally:
            for control in controls:
                control.blockSignals(False)

    def _show_nobody(self) -> None:
        self.title.setText(self.tr("Nobody selected"))
        self.state_icon.clear()
        self.state_text.setText(self.tr("Choose someone in the list."))
        self.accounts_text.clear()
        for box in self.channel_boxes.values():
            box.setChecked(False)
        self.revoke_button.setVisible(True)
        self.reinstate_button.setVisible(False)

    def _show(self, member: StaffMember, now: datetime) -> None:
        self.title.setText(f"{member.full_name} ({member.username})")
        icon_name, words = member_state(member, now)
        self.state_icon.setPixmap(icon(icon_name).pixmap(20, 20))
        self.state_text.setText(words)
        self.role.setCurrentIndex(self.role.findData(member.role.value))
        for key, box in self.channel_boxes.items():
            box.setChecked(key in member.channels)
            box.setEnabled(member.active)  # reinstate first: a revoked account posts nowhere
        self.accounts_text.setText("\n".join(member.personal_accounts) or self.tr("None recorded."))
        self.unlock_button.setEnabled(icon_name == "status-locked")
        self.revoke_button.setVisible(member.active)
        self.reinstate_button.setVisible(not member.active)
