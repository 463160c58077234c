"""Tables of the Safeguarding page: alerts about protected pupils, and takedown tasks.

Every state is an icon and a word (Open, Acknowledged, To take down, Done), never colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon

from croftpost.core.alerts import PROTECTED_FACE, PROTECTION_KEPT, PROTECTION_REFUSED, Alert
from croftpost.core.clock import parse_iso
from croftpost.core.takedowns import PROTECTED, TakedownTask
from croftpost.ui.labels import channel_short_name, consent_kind_name, local_time
from croftpost.ui.models.drafts_model import preview
from croftpost.ui.models.record_model import RecordTableModel
from croftpost.ui.theme import icon

Item = TypeVar("Item", Alert, TakedownTask)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SafeguardingModels", text)


def pupil_label(name: str | None, pupil_id: str) -> str:
    return f"{name or _tr('(deleted from the register)')} ({pupil_id})"


def short_time(stamp: str) -> str:
    """A stored UTC timestamp as local time without seconds: "24 Nov 2026, 09:05"."""
    moment = parse_iso(stamp).astimezone()
    return f"{moment.day} {moment.strftime('%b %Y, %H:%M')}"


def alert_kind(alert: Alert) -> tuple[str, str]:
    """(icon, words) for what the check met: the pupil's face or their name."""
    if alert.kind == PROTECTED_FACE:
        return "face", _tr("Face in a photo")
    if alert.kind == PROTECTION_REFUSED:
        return "status-error", _tr("Tried to lift the protection (refused)")
    if alert.kind == PROTECTION_KEPT:
        return "protected", _tr("Imported again: protection kept")
    return "protected", _tr("Name in the text")


def alert_channel(alert: Alert) -> str:
    channel = alert.details.get("channel")
    return channel_short_name(str(channel)) if channel else "–"


def takedown_why(task: TakedownTask) -> str:
    if task.reason == PROTECTED:
        return _tr("Pupil now protected")
    # The channel is in the Post column: say only which consents went (photo, name).
    photo = any(k.startswith("photo_") for k in task.kinds)
    name = any(k.startswith("name_") for k in task.kinds)
    if photo and name:
        return _tr("Withdrawn: photo and name")
    if photo or name:
        return _tr("Withdrawn: photo") if photo else _tr("Withdrawn: name")
    return _tr("Consent withdrawn")


class _SafeguardingModel(RecordTableModel[Item]):
    """A table that names staff: by full name when the reader may see them."""

    tr_context = "SafeguardingModels"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: Mapping[str, str] = {}  # username -> full name, when the reader may see them

    def who(self, username: str | None) -> str:
        """A member of staff's full name when known (the username is in the tooltip)."""
        return self.names.get(username, username) if username else ""


class AlertColumn(IntEnum):
    STATE = 0
    WHEN = 1
    KIND = 2
    PUPIL = 3
    ACTOR = 4
    TIMES = 5
    CHANNEL = 6


class AlertsTableModel(_SafeguardingModel[Alert]):
    headers = ("State", "Last attempt", "What", "Pupil", "By", "Times", "Channel")

    def alert(self, row: int) -> Alert:
        return self.record(row)

    def cell_text(self, alert: Alert, column: int) -> str:
        match column:
            case AlertColumn.STATE:
                return _tr("Open") if alert.open else _tr("Acknowledged")
            case AlertColumn.WHEN:
                return short_time(alert.last_at)
            case AlertColumn.KIND:
                return alert_kind(alert)[1]
            case AlertColumn.PUPIL:
                return pupil_label(alert.pupil_name, alert.pupil_id)
            case AlertColumn.ACTOR:
                return self.who(alert.actor)
            case AlertColumn.TIMES:
                return str(alert.times)
            case _:
                return alert_channel(alert)

    def cell_icon(self, alert: Alert, column: int) -> QIcon | None:
        if column == AlertColumn.STATE:
            return icon("status-warning" if alert.open else "status-ok")
        if column == AlertColumn.KIND:
            return icon(alert_kind(alert)[0])
        return None

    def cell_tooltip(self, alert: Alert, column: int) -> str | None:
        if column == AlertColumn.WHEN and alert.times > 1:
            return _tr("First on {0}").format(local_time(alert.first_at))
        if column == AlertColumn.ACTOR:
            return alert.actor
        if column == AlertColumn.STATE and not alert.open:
            note = f": {alert.note}" if alert.note else ""
            return _tr("Acknowledged by {0} on {1}").format(
                self.who(alert.acknowledged_by), local_time(alert.acknowledged_at or "")) + note
        return None


class TakedownColumn(IntEnum):
    STATE = 0
    POST = 1
    TEXT = 2
    PUPIL = 3
    WHY = 4
    ASSIGNEE = 5


class TakedownsTableModel(_SafeguardingModel[TakedownTask]):
    headers = ("State", "Post", "Text", "Pupil", "Why", "Assigned to")

    def set_tasks(self, tasks: list[TakedownTask]) -> None:
        """Open tasks first (oldest first, as the service gives them), then the done ones."""
        self.set_records(sorted(tasks, key=lambda t: not t.open))

    def task(self, row: int) -> TakedownTask:
        return self.record(row)

    def cell_text(self, task: TakedownTask, column: int) -> str:
        match column:
            case TakedownColumn.STATE:
                return _tr("To take down") if task.open else _tr("Done")
            case TakedownColumn.POST:
                return _tr("{0}, {1}").format(channel_short_name(task.channel),
                                              short_time(task.posted_at))
            case TakedownColumn.TEXT:
                return preview(task.post_text, 80)
            case TakedownColumn.PUPIL:
                return pupil_label(task.pupil_name, task.pupil_id)
            case TakedownColumn.WHY:
                return takedown_why(task)
            case _:
                return self.who(task.assignee)

    def cell_icon(self, task: TakedownTask, column: int) -> QIcon | None:
        if column == TakedownColumn.STATE:
            return icon("status-warning" if task.open else "status-ok")
        return None

    def cell_tooltip(self, task: TakedownTask, column: int) -> str | None:
        if column == TakedownColumn.TEXT:
            return (task.post_text or "")[:1000] or None
        if column == TakedownColumn.ASSIGNEE:
            return task.assignee
        if column == TakedownColumn.WHY and task.kinds:
            return ", ".join(consent_kind_name(k) for k in task.kinds)
        if column != TakedownColumn.STATE:
            return None
        if task.open:
            return _tr("Open since {0}").format(local_time(task.created_at))
        note = f": {task.note}" if task.note else ""
        return _tr("Marked done by {0} on {1}").format(
            self.who(task.done_by), local_time(task.done_at or "")) + note
