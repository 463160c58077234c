"""StaffView: the headteacher manages staff accounts and who may post where (policy section 2).

Every action is one call to the AccountService, which checks the headteacher's rights itself;
its refusal sentence is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Role, Session, StaffMember
from croftpost.core.services import Services
from croftpost.errors import CroftpostError
from croftpost.ui.dialogs.form_dialog import FormDialog
from croftpost.ui.dialogs.staff_dialogs import (
    AddStaffDialog,
    PersonalAccountDialog,
    ResetPasswordDialog,
)
from croftpost.ui.labels import channel_name, role_name
from croftpost.ui.models.staff_model import StaffColumn, StaffTableModel
from croftpost.ui.theme import icon
from croftpost.ui.views.staff_details import StaffDetailsPanel
from croftpost.ui.widgets import (
    StatusMessage,
    Tone,
    ask_yes_no,
    explanation,
    heading,
    record_table,
)


class StaffView(QWidget):
    def __init__(self, services: Services, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffView")
        self._services = services
        self._accounts = services.accounts
        self._session = session
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no  # tests replace it
        self.current_dialog: FormDialog | None = None
        self.model = StaffTableModel(self)
        self.table = self._make_table()
        self.details = StaffDetailsPanel(self)
        self.message = StatusMessage(self)
        self.add_button = QPushButton(icon("add"), self.tr("&Add staff…"), self)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self._lay_out()
        self._connect_details()
        self.reload()

    def _make_table(self) -> QTableView:
        table = record_table(self, self.model, self.tr("Staff accounts"), StaffColumn.NAME)
        table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        return table

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Staff"), self), 1)
        top.addWidget(self.add_button)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 360])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(
            explanation(
                self.tr(
                    "Only the people listed here can use croftpost. Staff may post on the school's "
                    "Facebook page or Dojo class stories only when you have authorised them."
                ),
                self,
            )
        )
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

    def _connect_details(self) -> None:
        d = self.details
        d.role_button.clicked.connect(self._on_role_button_clicked)
        for key, box in d.channel_boxes.items():
            box.toggled.connect(lambda on, key=key: self._on_channel_box_toggled(key, on))
        d.add_account_button.clicked.connect(self._on_add_account_button_clicked)
        d.reset_button.clicked.connect(self._on_reset_button_clicked)
        d.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        d.revoke_button.clicked.connect(self._on_revoke_button_clicked)
        d.reinstate_button.clicked.connect(self._on_reinstate_button_clicked)

    # -- loading -----------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        """Read the staff list again and keep (or move) the selection."""
        select = select or self.selected_username()
        try:
            members = self._accounts.list_staff(self._session)
        except CroftpostError as exc:
            members = []
            self.message.show_error(exc)
        # Headteachers, then office, then staff; by name within each, as a school lists them.
        order = {Role.HEADTEACHER: 0, Role.OFFICE: 1, Role.STAFF: 2}
        members.sort(key=lambda m: (order[m.role], m.full_name.lower()))
        self.model.set_members(members, self._services.clock())
        row = self.model.row_of(select) if select else -1
        if row >= 0:
            self.table.selectRow(row)
        self._show_selected()

    def selected_username(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.member(rows[0].row()).username if rows else None

    def select(self, username: str) -> None:
        self.table.selectRow(self.model.row_of(username))

    def _selected(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.member(rows[0].row()) if rows else None

    def _show_selected(self) -> None:
        self.details.show_member(self._selected(), self._services.clock())

    def _on_table_selection_changed(
        self, selected: QItemSelection, deselected: QItemSelection
    ) -> None:
        self._show_selected()

    # -- actions -----------------------------------------------------------------------------
    def _act(self, action: Callable[[], object], done: str, username: str) -> bool:
        """Run one service call; say what happened, or the service's reason for refusing."""
        try:
            action()
        except CroftpostError as exc:
            self.message.show_error(exc)
            self.reload(username)  # undo a checkbox the service refused
            return False
        self.message.show_message(Tone.OK, done)
        self.reload(username)
        return True

    def _on_channel_box_toggled(self, channel: str, on: bool) -> None:
        member = self._selected()
        if member is None:
            return
        name, where = member.full_name, channel_name(channel)
        if on:
            self._act(
                lambda: self._accounts.authorise(self._session, member.username, [channel]),
                self.tr("{0} may now post on {1}.").format(name, where),
                member.username,
            )
        else:
            self._act(
                lambda: self._accounts.revoke(self._session, member.username, [channel]),
                self.tr("{0} may no longer post on {1}.").format(name, where),
                member.username,
            )

    def _on_role_button_clicked(self) -> None:
        member = self._selected()
        if member is None:
            return
        role = str(self.details.role.currentData())
        self._act(
            lambda: self._accounts.set_role(self._session, member.username, role),
            self.tr("{0} is now {1}.").format(member.full_name, role_name(role)),
            member.username,
        )

    def _on_unlock_button_clicked(self) -> None:
        member = self._selected()
        if member is not None:
            self._act(
                lambda: self._accounts.unlock(self._session, member.username),
                self.tr("{0} can log in again.").format(member.full_name),
                member.username,
            )

    def _on_revoke_button_clicked(self) -> None:
        member = self._selected()
        if member is None or not self.confirm(
            self,
            self.tr("Revoke account"),
            self.tr(
                "Revoke {0}'s account? They will not be able to log in or post until you "
                "reinstate it, and their posting authorisations are removed."
            ).format(member.full_name),
        ):
            return
        self._act(
            lambda: self._accounts.revoke(self._session, member.username),
            self.tr("{0}'s account is revoked.").format(member.full_name),
            member.username,
        )

    def _on_reinstate_button_clicked(self) -> None:
        member = self._selected()
        if member is not None:
            self._act(
                lambda: self._accounts.reinstate(self._session, member.username),
                self.tr(
                    "{0}'s account is active again. Authorise their channels if they should post."
                ).format(member.full_name),
                member.username,
            )

    # -- dialogs -------------------------------------------------------------------------------
    def _open(
        self,
        dialog: FormDialog,
        submit: Callable[[], object],
        done: Callable[[], str],
        username: Callable[[], str],
    ) -> None:
        dialog.set_submit(submit)
        dialog.accepted.connect(lambda: self._after_dialog(done(), username()))
        dialog.finished.connect(dialog.deleteLater)
        self.current_dialog = dialog
        dialog.open()

    def _after_dialog(self, done: str, username: str) -> None:
        self.current_dialog = None
        self.message.show_message(Tone.OK, done)
        self.reload(username)

    def _on_add_button_clicked(self) -> None:
        d = AddStaffDialog(self)
        self._open(
            d,
            lambda: self._accounts.add_staff(
                self._session,
                d.username.text().strip(),
                d.full_name.text(),
                str(d.role.currentData()),
                d.password.text(),
                d.chosen_channels(),
                d.chosen_accounts(),
            ),
            lambda: self.tr("{0} has been added.").format(d.full_name.text().strip()),
            lambda: d.username.text().strip(),
        )

    def _on_reset_button_clicked(self) -> None:
        member = self._selected()
        if member is None:
            return
        d = ResetPasswordDialog(member.full_name, self)
        self._open(
            d,
            lambda: self._accounts.reset_password(
                self._session, member.username, d.password.text()
            ),
            lambda: self.tr("{0}'s password has been reset.").format(member.full_name),
            lambda: member.username,
        )

    def _on_add_account_button_clicked(self) -> None:
        member = self._selected()
        if member is None:
            return
        d = PersonalAccountDialog(member.full_name, self)
        self._open(
            d,
            lambda: self._add_account(member.username, d.account.text()),
            lambda: self.tr("The personal account has been added."),
            lambda: member.username,
        )

    def _add_account(self, username: str, account: str) -> None:
        self._accounts.add_personal_account(self._session, username, account)
