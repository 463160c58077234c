"""The user menu in the main window's sidebar: who is logged in, change your own password, and
(for the headteacher) the school's details. Each action is one call to a core service, which
checks the rights itself."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from croftpost.core.accounts import Permission, Session, StaffMember
from croftpost.core.school import SchoolDetails
from croftpost.core.services import Services
from croftpost.ui.dialogs.account_dialogs import ChangePasswordDialog, SchoolDetailsDialog
from croftpost.ui.dialogs.form_dialog import FormDialogOwner
from croftpost.ui.theme import icon


class UserMenuButton(QPushButton, FormDialogOwner):
    school_changed = Signal(object)  # the new SchoolDetails
    message_posted = Signal(str)  # one sentence saying what was done

    def __init__(self, services: Services, session: Session, member: StaffMember,
                 parent: QWidget | None = None) -> None:
        super().__init__(icon("user"), member.full_name, parent)
        self.setObjectName("userMenuButton")
        self.setAccessibleName(self.tr("Your account: {0}").format(member.full_name))
        self.setToolTip(self.tr("Your account (press Space or Enter for the menu)"))
        self._services = services
        self._session = session
        menu = QMenu(self)
        self.password_action = QAction(icon("key"), self.tr("Change my &password…"), menu)
        self.password_action.triggered.connect(self.change_password)
        menu.addAction(self.password_action)
        self.school_action: QAction | None = None
        if member.can(Permission.MANAGE_SCHOOL):
            self.school_action = QAction(icon("school"), self.tr("&School details…"), menu)
            self.school_action.triggered.connect(self.edit_school)
            menu.addAction(self.school_action)
        self.setMenu(menu)

    def change_password(self) -> None:
        # The dialog belongs to the window, so the idle lock hides it with everything else.
        d = ChangePasswordDialog(self.window())
        self.open_form(
            d,
            lambda: self._services.accounts.change_own_password(
                self._session, d.current.text(), d.password.text()),
            lambda: self.message_posted.emit(self.tr("Your password has been changed.")),
        )

    def edit_school(self) -> None:
        school = self._services.school
        d = SchoolDetailsDialog(school.details(), self.window())

        def submit() -> None:
            for key, value in d.changes().items():
                school.set(self._session, key, value)

        self.open_form(d, submit, self._after_school_saved)

    def _after_school_saved(self) -> None:
        details: SchoolDetails = self._services.school.details()
        self.school_changed.emit(details)
        self.message_posted.emit(self.tr("The school's details have been saved."))
