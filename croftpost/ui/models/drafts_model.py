"""Tables of the Drafts & history page: your drafts, and the posts that were published."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import QCoreApplication

from croftpost.core.drafts import Draft
from croftpost.ui.labels import channel_short_name, local_time
from croftpost.ui.models.record_model import RecordTableModel

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


def photos_suffix(photos: int) -> str:
    return _tr(" (+{0} photo(s))").format(photos) if photos else ""


class DraftColumn(IntEnum):
    CHANNEL = 0
    CHANGED = 1
    TEXT = 2


class DraftsTableModel(RecordTableModel[Draft]):
    headers = ("Channel", "Last changed", "Text")
    tr_context = "DraftsModels"

    def set_drafts(self, drafts: list[Draft]) -> None:
        self.set_records(sorted(drafts, key=lambda d: d.updated_at, reverse=True))

    def draft(self, row: int) -> Draft:
        return self.record(row)

    def cell_text(self, draft: Draft, column: int) -> str | None:
        match column:
            case DraftColumn.CHANNEL:
                return channel_short_name(draft.channel)
            case DraftColumn.CHANGED:
                return local_time(draft.updated_at)
            case DraftColumn.TEXT:
                return preview(draft.body) + photos_suffix(len(draft.photos))
        return None

    def cell_tooltip(self, draft: Draft, column: int) -> str | None:
        if column == DraftColumn.TEXT:
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


class PostsTableModel(RecordTableModel[PostRow]):
    headers = ("Posted", "Channel", "By", "Pupils shown", "Text")
    tr_context = "DraftsModels"
    id_attr = "post_id"

    def set_posts(self, posts: list[PostRow]) -> None:
        self.set_records(sorted(posts, key=lambda p: p.posted_at, reverse=True))

    def cell_text(self, post: PostRow, column: int) -> str | None:
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
                return preview(post.text) + photos_suffix(post.photos)
        return None

    def cell_tooltip(self, post: PostRow, column: int) -> str | None:
        if column == PostColumn.TEXT and post.text:
            return post.text[:1000]
        return None
