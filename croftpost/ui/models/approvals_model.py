"""The table of approval requests: the queue an approver decides on, or your own requests."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from croftpost.core.approvals import Approval
from croftpost.ui.labels import channel_short_name, local_time
from croftpost.ui.models.drafts_model import preview
from croftpost.ui.theme import icon

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


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
          "adult": "adult"}


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


_HEADERS = ("Submitted", "Channel", "By", "State", "Text", "Photos and faces", "Warnings")


class ApprovalsTableModel(QAbstractTableModel):
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._approvals: list[Approval] = []

    def set_approvals(self, approvals: list[Approval]) -> None:
        self.beginResetModel()
        self._approvals = list(approvals)
        self.endResetModel()

    def approval(self, row: int) -> Approval:
        return self._approvals[row]

    def row_of(self, approval_id: int) -> int:
        return next((r for r, a in enumerate(self._approvals) if a.id == approval_id), -1)

    def rowCount(self, parent: Index = _NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._approvals)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(ApprovalColumn)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole
                or not 0 <= section < len(ApprovalColumn)):
            return None
        return _tr(_HEADERS[section])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._approvals):
            return None
        approval = self._approvals[index.row()]
        column = ApprovalColumn(index.column())
        if role == self.ID_ROLE:
            return approval.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(approval, column)
        if role == Qt.ItemDataRole.DecorationRole and column == ApprovalColumn.STATE:
            return icon(state_label(approval.state)[0])
        if role == Qt.ItemDataRole.ToolTipRole and column == ApprovalColumn.TEXT:
            return approval.snapshot.text[:1000] or None
        return None

    def _text(self, approval: Approval, column: ApprovalColumn) -> str:
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
