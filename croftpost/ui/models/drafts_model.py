"""Tables of the Drafts & history page: your drafts, and the posts that were published."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from croftpost.core.drafts import Draft
from croftpost.ui.labels import channel_short_name, local_time

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()
PREVIEW_CHARS = 120


def _tr(text: str) -> str:
    return QCoreApplication.translate("DraftsModels", text)


def preview(text: str | None, limit: int = PREVIEW_CHARS) -> str:
    """The start of a text on one line."""
    if text is None:
        return _tr("(text not kept)")
    line = " ".join(text.split())
    if not line:
        return _tr("(empty)")
    return line if len(line) <= limit else line[: limit - 1] + "…"


class DraftColumn(IntEnum):
    CHANNEL = 0
    CHANGED = 1
    TEXT = 2


class DraftsTableModel(QAbstractTableModel):
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._drafts: list[Draft] = []

    def set_drafts(self, drafts: list[Draft]) -> None:
        self.beginResetModel()
        self._drafts = sorted(drafts, key=lambda d: d.updated_at, reverse=True)
        self.endResetModel()

    def draft(self, row: int) -> Draft:
        return self._drafts[row]

    def row_of(self, draft_id: int) -> int:
        return next((r for r, d in enumerate(self._drafts) if d.id == draft_id), -1)

    def rowCount(self, parent: Index = _NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._drafts)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(DraftColumn)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole
                or not 0 <= section < len(DraftColumn)):
            return None
        return (_tr("Channel"), _tr("Last changed"), _tr("Text"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._drafts):
            return None
        draft = self._drafts[index.row()]
        column = DraftColumn(index.column())
        if role == self.ID_ROLE:
            return draft.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            match column:
                case DraftColumn.CHANNEL:
                    return channel_short_name(draft.channel)
                case DraftColumn.CHANGED:
                    return local_time(draft.updated_at)
                case DraftColumn.TEXT:
                    photos = len(draft.photos)
                    suffix = _tr(" (+{0} photo(s))").format(photos) if photos else ""
                    return preview(draft.body) + suffix
        if role == Qt.ItemDataRole.ToolTipRole and column == DraftColumn.TEXT:
            return draft.body[:1000] or None
        return None


@dataclass(frozen=True)
class PostRow:
    """A published post as the history lists it (built by the view from the services)."""

    post_id: int
    posted_at: str
    channel: str
    author: str
    pupils: int
    photos: int
    text: str | None


class PostColumn(IntEnum):
    POSTED = 0
    CHANNEL = 1
    AUTHOR = 2
    PUPILS = 3
    TEXT = 4


class PostsTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._posts: list[PostRow] = []

    def set_posts(self, posts: list[PostRow]) -> None:
        self.beginResetModel()
        self._posts = sorted(posts, key=lambda p: p.posted_at, reverse=True)
        self.endResetModel()

    def post(self, row: int) -> PostRow:
        return self._posts[row]

    def rowCount(self, parent: Index = _NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._posts)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(PostColumn)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole
                or not 0 <= section < len(PostColumn)):
            return None
        return (_tr("Posted"), _tr("Channel"), _tr("By"), _tr("Pupils shown"), _tr("Text"))[
            section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._posts):
            return None
        post = self._posts[index.row()]
        column = PostColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            match column:
                case PostColumn.POSTED:
                    return local_time(post.posted_at)
                case PostColumn.CHANNEL:
                    return channel_short_name(post.channel)
                case PostColumn.AUTHOR:
                    return post.author
                case PostColumn.PUPILS:
                    return str(post.pupils)
                case PostColumn.TEXT:
                    photos = _tr(" (+{0} photo(s))").format(post.photos) if post.photos else ""
                    return preview(post.text) + photos
        if role == Qt.ItemDataRole.ToolTipRole and column == PostColumn.TEXT and post.text:
            return post.text[:1000]
        return None
