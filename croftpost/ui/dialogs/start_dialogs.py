"""The two ways in: setting up a new school (first run), and logging in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from croftpost.core.accounts import Session
from croftpost.core.clock import Clock, utc_now
from croftpost.core.services import Services, set_up_school
from croftpost.ui.dialogs.form_dialog import FormDialog, password_edit
from croftpost.ui.labels import role_name
from croftpost.ui.theme import APP_ICON, icon
from croftpost.ui.widgets import explanation

DemoAccount = tuple[str, str, str]  # username, role, password


class FirstRunDialog(FormDialog):
    """Creates the school and its headteacher account in an empty data folder."""

    def __init__(
        self, data_dir: Path, clock: Clock = utc_now, hasher: PasswordHasher | None = None
    ) -> None:
        super().__init__(
            self.tr("Set up croftpost"),
            self.tr(
                "Welcome. Set up your school here: this first account is the headteacher's, "
                "who can then add the other staff. Everything is kept on this computer, "
                "in {0}."
            ).format(data_dir),
            self.tr("Set up the school"),
        )
        self.setWindowIcon(icon(APP_ICON))
        self.services: Services | None = None
        self.session: Session | None = None
        self.school_name = QLineEdit(self)
        self.school_name.setPlaceholderText(self.tr("e.g. Croftlands Junior School"))
        self.username = QLineEdit(self)
        self.username.setPlaceholderText(self.tr("e.g. head"))
        self.full_name = QLineEdit(self)
        self.full_name.setPlaceholderText(self.tr("e.g. Mrs Helen Marsh"))
        self.password = password_edit(self)
        self.password_again = password_edit(self)
        self.form.addRow(self.tr("&School name"), self.school_name)
        self.form.addRow(self.tr("Headteacher's &username"), self.username)
        self.form.addRow(self.tr("Headteacher's full &name"), self.full_name)
        self.form.addRow(self.tr("&Password (8 or more characters)"), self.password)
        self.form.addRow(self.tr("Password a&gain"), self.password_again)
        self.set_submit(lambda: self._create(data_dir, clock, hasher))

    def check(self) -> str | None:
        if self.password.text() != self.password_again.text():
            return self.tr("The two passwords are different; type them again.")
        return None

    def _create(self, data_dir: Path, clock: Clock, hasher: PasswordHasher | None) -> None:
        self.services, self.session = set_up_school(
            data_dir,
            self.school_name.text(),
            self.username.text().strip(),
            self.full_name.text(),
            self.password.text(),
            clock=clock,
            hasher=hasher,
        )


class LoginDialog(FormDialog):
    """Username and password; the service's sentence (wrong password, locked) on refusal."""

    def __init__(self, services: Services, demo_accounts: Sequence[DemoAccount] = ()) -> None:
        school = services.school.details().name
        super().__init__(self.tr("Log in to croftpost"), school, self.tr("Log in"))
        self.setWindowIcon(icon(APP_ICON))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(self.tr("Quit"))
        self.session: Session | None = None
        self.username = QLineEdit(self)
        self.password = password_edit(self)
        self.form.addRow(self.tr("&Username"), self.username)
        self.form.addRow(self.tr("&Password"), self.password)
        self.demo_list: QListWidget | None = None
        if demo_accounts:
            self._add_demo_box(demo_accounts)
        self.set_submit(lambda: self._log_in(services))

    def _add_demo_box(self, accounts: Sequence[DemoAccount]) -> None:
        box = QGroupBox(self.tr("Demo school: invented people only"), self)
        self.demo_list = QListWidget(box)
        self.demo_list.setAccessibleName(self.tr("Demo accounts"))
        for username, role, password in accounts:
            text = self.tr("{0} ({1}), password: {2}").format(username, role_name(role), password)
            item = QListWidgetItem(text, self.demo_list)
            item.setData(Qt.ItemDataRole.UserRole, (username, password))
        rows = self.demo_list.sizeHintForRow(0) * len(accounts)
        self.demo_list.setFixedHeight(rows + 2 * self.demo_list.frameWidth() + 8)
        self.demo_list.currentItemChanged.connect(self._on_demo_list_current_item_changed)
        layout = QVBoxLayout(box)
        layout.addWidget(
            explanation(
                self.tr(
                    "This is a practice school made up for trying croftpost; nothing here is "
                    "real and it disappears when you quit. Choose an account to fill in its "
                    "details."
                ),
                box,
            )
        )
        layout.addWidget(self.demo_list)
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        outer.insertWidget(outer.indexOf(self.message), box)

    def _on_demo_list_current_item_changed(
        self, item: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if item is not None:
            username, password = item.data(Qt.ItemDataRole.UserRole)
            self.username.setText(username)
            self.password.setText(password)

    def _log_in(self, services: Services) -> None:
        try:
            self.session = services.accounts.login(
                self.username.text().strip(), self.password.text()
            )
        except Exception:
            self.password.clear()
            self.password.setFocus()
            raise
