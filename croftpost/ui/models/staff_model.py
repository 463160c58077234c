"""StaffTableModel: the staff list for the headteacher's Staff screen (read-only rows)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon

from croftpost.core.accounts import StaffMember
from croftpost.core.channels import CHANNELS
from croftpost.core.clock import parse_iso
from croftpost.ui.labels import channel_short_name, local_clock_time, role_name
from croftpost.ui.models.record_model import RecordTableModel
from croftpost.ui.theme import icon


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
    names = [channel_short_name(c) for c in CHANNELS if c in member.channels]
    return ", ".join(names) if names else _tr("Not authorised")


class StaffTableModel(RecordTableModel[StaffMember]):
    headers = ("Username", "Name", "Role", "May post on", "State")
    tr_context = "StaffTableModel"
    id_attr = "username"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._now = datetime.min

    def set_members(self, members: list[StaffMember], now: datetime) -> None:
        self._now = now
        self.set_records(members)

    def member(self, row: int) -> StaffMember:
        return self.record(row)

    def cell_icon(self, member: StaffMember, column: int) -> QIcon | None:
        return icon(member_state(member, self._now)[0]) if column == StaffColumn.STATE else None

    def cell_tooltip(self, member: StaffMember, column: int) -> str | None:
        if column != StaffColumn.NAME:
            return None
        accounts = "\n".join(member.personal_accounts) or _tr("none recorded")
        return _tr("Personal social media accounts:\n{0}").format(accounts)

    def cell_text(self, member: StaffMember, column: int) -> str | None:
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
        return None
