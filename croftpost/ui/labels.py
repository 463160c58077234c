"""Words for the core's codes (roles, channels, dates), translatable, in one place."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication

from croftpost.core.accounts import Role
from croftpost.core.clock import parse_iso


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def role_name(role: Role | str) -> str:
    return {
        Role.HEADTEACHER.value: _tr("Headteacher"),
        Role.OFFICE.value: _tr("Office"),
        Role.STAFF.value: _tr("Staff"),
    }.get(str(role), str(role))


def channel_name(channel: str) -> str:
    return {
        "facebook": _tr("the school's Facebook page"),
        "dojo": _tr("Dojo class stories"),
    }.get(channel, channel)


def channel_short_name(channel: str) -> str:
    return {"facebook": _tr("Facebook"), "dojo": _tr("Dojo")}.get(channel, channel)


def long_date(day: date) -> str:
    """30 September 2026 (British order, no leading zero)."""
    return f"{day.day} {day.strftime('%B %Y')}"


def local_time(stamp: str) -> str:
    """A stored UTC timestamp as local time: "24 Nov 2026, 09:05:12"."""
    moment = parse_iso(stamp).astimezone()
    return f"{moment.day} {moment.strftime('%b %Y, %H:%M:%S')}"


def local_clock_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")
