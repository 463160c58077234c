"""The table of approval requests: the queue an approver decides on, or your own requests."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon

from croftpost.core.approvals import Approval
from croftpost.ui.labels import channel_short_name, local_time
from croftpost.ui.models.drafts_model import preview
from croftpost.ui.models.record_model import RecordTableModel
from croftpost.ui.theme import icon


def _tr(text: str) -> str:
    return QCoreApplication.translate("ApprovalsModel", text)


# A request's state as (icon, word): never colour alone.
_STATES = {
    "pending": ("status-busy", "Waiting"),
    "approved": ("status-ok", "Approved"),
    "returned": ("status-warning", "Returned"),
    "superseded": ("status-info", "Replaced by a newer one"),
    "void": ("status-revoked", "Void: changed after approval"),
    "published": ("status-ok", "Published"),
}

_FACES = {"consented": "consented", "not_consented": "no consent", "unknown": "unknown",
          "adult": "adult", "blurred": "blurred"}


def state_label(state: str) -> tuple[str, str]:
    icon_name, word = _STATES.get(state, ("status-info", state))
    return icon_name, _tr(word)


def face_summary(approval: Approval) -> str:
    """"2 photo(s): 3 consented, 1 unknown" (or "no photos")."""
    photos = len(approval.snapshot.photos)
    if not photos:
        return _tr("no photos")
    counts = approval.snapshot.face_statuses()
    faces = ", ".join(f"{n} {_tr(_FACES.get(s, s))}" for s, n in counts.items()) or _tr(
        "no faces")
    return _tr("{0} photo(s): {1}").format(photos, faces)


class ApprovalColumn(IntEnum):
    SUBMITTED = 0
    CHANNEL = 1
    AUTHOR = 2
    STATE = 3
    TEXT = 4
    PHOTOS = 5
    WARNINGS = 6


class ApprovalsTableModel(RecordTableModel[Approval]):
    headers = ("Submitted", "Channel", "By", "State", "Text", "Photos and faces", "Warnings")
    tr_context = "ApprovalsModel"

    def set_approvals(self, approvals: list[Approval]) -> None:
        self.set_records(approvals)

    def approval(self, row: int) -> Approval:
        return self.record(row)

    def cell_icon(self, approval: Approval, column: int) -> QIcon | None:
        return icon(state_label(approval.state)[0]) if column == ApprovalColumn.STATE else None

    def cell_tooltip(self, approval: Approval, column: int) -> str | None:
        if column == ApprovalColumn.TEXT:
            return approval.snapshot.text[:1000] or None
        return None

    def cell_text(self, approval: Approval, column: int) -> str:
        match column:
            case ApprovalColumn.SUBMITTED:
                return local_time(approval.submitted_at)
            case ApprovalColumn.CHANNEL:
                return channel_short_name(approval.channel)
            case ApprovalColumn.AUTHOR:
                return approval.author
            case ApprovalColumn.STATE:
                return state_label(approval.state)[1]
            case ApprovalColumn.PHOTOS:
                return face_summary(approval)
            case ApprovalColumn.WARNINGS:
                return str(len(approval.snapshot.acknowledged_warnings))
            case ApprovalColumn.TEXT:
                return preview(approval.snapshot.text)
        return ""
