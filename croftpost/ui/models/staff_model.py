"""StaffTableModel: the staff list for the headteacher's Staff screen (read-only rows)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from croftpost.core.accounts import StaffMember
from croftpost.core.clock import parse_iso
from croftpost.ui.labels import channel_short_name, local_clock_time, role_name
from croftpost.ui.theme import icon

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


class StaffColumn(IntEnum):
    USERNAME = 0
    NAME = 1
    ROLE = 2
    CHANNELS = 3
    STATE = 4


def _tr(text: str) -> str:
    return QCoreApplication.translate("StaffTableModel", text)


def member_state(member: StaffMember, now: datetime) -> tuple[str, str]:
    """(icon name, words) for an account's state: revoked, locked (until when) or active."""
    if not member.active:
        return "status-revoked", _tr("Revoked")
    if member.locked_until and parse_iso(member.locked_until) > now:
        until = local_clock_time(parse_iso(member.locked_until))
        return "status-locked", _tr("Locked until {0}").format(until)
    return "status-ok", _tr("Active")


def channels_text(member: StaffMember) -> str:
    names = [channel_short_name(c) for c in ("facebook", "dojo") if c in member.channels]
    return ", ".join(names) if names else _tr("Not authorised")


class StaffTableModel(QAbstractTableModel):
    MEMBER_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._members: list[StaffMember] = []
        self._now = datetime.min

    def set_members(self, members: list[StaffMember], now: datetime) -> None:
        self.beginResetModel()
        self._members = list(members)
        self._now = now
        self.endResetModel()

    def member(self, row: int) -> StaffMember:
        return self._members[row]

    def row_of(self, username: str) -> int:
        for row, member in enumerate(self._members):
            if member.username == username:
                return row
        return -1

    def rowCount(self, parent: Index = _NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._members)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(StaffColumn)

    def headerData(  # noqa: N802 - Qt API
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(StaffColumn):
            return None
        return (_tr("Username"), _tr("Name"), _tr("Role"), _tr("May post on"), _tr("State"))[
            section
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._members):
            return None
        member = self._members[index.row()]
        column = StaffColumn(index.column())
        if role == self.MEMBER_ROLE:
            return member.username
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(member, column)
        if role == Qt.ItemDataRole.DecorationRole and column == StaffColumn.STATE:
            return icon(member_state(member, self._now)[0])
        if role == Qt.ItemDataRole.ToolTipRole and column == StaffColumn.NAME:
            accounts = "\n".join(member.personal_accounts) or _tr("none recorded")
            return _tr("Personal social media accounts:\n{0}").format(accounts)
        return None

    def _text(self, member: StaffMember, column: StaffColumn) -> str:
        match column:
            case StaffColumn.USERNAME:
                return member.username
            case StaffColumn.NAME:
                return member.full_name
            case StaffColumn.ROLE:
                return role_name(member.role)
            case StaffColumn.CHANNELS:
                return channels_text(member)
            case StaffColumn.STATE:
                return member_state(member, self._now)[1]
