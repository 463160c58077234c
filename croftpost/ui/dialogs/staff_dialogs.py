"""Dialogs of the Staff screen. They collect values; the Staff screen supplies the service call."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from croftpost.core.accounts import Role
from croftpost.core.channels import CHANNELS
from croftpost.ui.dialogs.form_dialog import FormDialog, password_edit
from croftpost.ui.labels import channel_name, role_name

CHANNEL_KEYS = CHANNELS


def role_combo(parent: QWidget, current: Role | None = None) -> QComboBox:
    combo = QComboBox(parent)
    for role in (Role.STAFF, Role.OFFICE, Role.HEADTEACHER):
        combo.addItem(role_name(role), role.value)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current.value))
    return combo


class AddStaffDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Add a member of staff"),
            self.tr(
                "They log in with this username and password. Give them the password in "
                "person. Only tick a channel if you have authorised them to post there "
                "(policy section 2)."
            ),
            self.tr("Add"),
            parent,
        )
        self.username = QLineEdit(self)
        self.username.setPlaceholderText(self.tr("e.g. jsmith"))
        self.full_name = QLineEdit(self)
        self.full_name.setPlaceholderText(self.tr("e.g. Mrs Jane Smith"))
        self.role = role_combo(self)
        self.password = password_edit(self)
        self.password_again = password_edit(self)
        self.channels = {
            key: QCheckBox(self.tr("May post on {0}").format(channel_name(key)), self)
            for key in CHANNEL_KEYS
        }
        self.personal_accounts = QPlainTextEdit(self)
        self.personal_accounts.setPlaceholderText(
            self.tr("One link a line, e.g. https://www.facebook.com/jane.smith")
        )
        self.personal_accounts.setFixedHeight(70)
        self.personal_accounts.setTabChangesFocus(True)
        self.form.addRow(self.tr("&Username"), self.username)
        self.form.addRow(self.tr("Full &name"), self.full_name)
        self.form.addRow(self.tr("&Role"), self.role)
        self.form.addRow(self.tr("&Password"), self.password)
        self.form.addRow(self.tr("Password a&gain"), self.password_again)
        for box in self.channels.values():
            self.form.addRow("", box)
        self.form.addRow(self.tr("Personal social\nmedia accounts"), self.personal_accounts)

    def chosen_channels(self) -> list[str]:
        return [key for key, box in self.channels.items() if box.isChecked()]

    def chosen_accounts(self) -> list[str]:
        return [
            line.strip()
            for line in self.personal_accounts.toPlainText().splitlines()
            if line.strip()
        ]

    def check(self) -> str | None:
        if self.password.text() != self.password_again.text():
            return self.tr("The two passwords are different; type them again.")
        return None


class ResetPasswordDialog(FormDialog):
    def __init__(self, full_name: str, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Reset password"),
            self.tr(
                "Choose a new password for {0}. Tell them in person, not by email or on "
                "social media. This also unlocks the account."
            ).format(full_name),
            self.tr("Reset password"),
            parent,
        )
        self.password = password_edit(self)
        self.password_again = password_edit(self)
        self.form.addRow(self.tr("New &password"), self.password)
        self.form.addRow(self.tr("Password a&gain"), self.password_again)

    def check(self) -> str | None:
        if self.password.text() != self.password_again.text():
            return self.tr("The two passwords are different; type them again.")
        return None


class PersonalAccountDialog(FormDialog):
    def __init__(self, full_name: str, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Add a personal account"),
            self.tr(
                "A link to one of {0}'s own social media profiles. croftpost warns if a "
                "school post links to it (policy section 2.1)."
            ).format(full_name),
            self.tr("Add"),
            parent,
        )
        self.account = QLineEdit(self)
        self.account.setPlaceholderText(self.tr("e.g. https://www.instagram.com/jane.smith"))
        self.form.addRow(self.tr("&Link"), self.account)

    def check(self) -> str | None:
        if not self.account.text().strip():
            return self.tr("Type or paste the link to the account.")
        return None
