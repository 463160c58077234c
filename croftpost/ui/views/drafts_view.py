"""DraftsView: your saved drafts (open one to carry on, or delete it) and the record of what
was posted (the headteacher sees everyone's; the DraftService decides).

Opening a draft does not open an editor here: the view emits `open_draft_requested(draft_id)`
and whoever owns the Compose page connects to it (the main window, once Compose exists):

    drafts_view.open_draft_requested.connect(lambda draft_id: compose.open_draft(draft_id))
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Permission, Session
from croftpost.core.channels import CHANNELS
from croftpost.core.drafts import Draft, Post
from croftpost.core.services import Services
from croftpost.errors import CroftpostError, NotFound
from croftpost.ui.models.drafts_model import (
    DraftColumn,
    DraftsTableModel,
    PostColumn,
    PostRow,
    PostsTableModel,
)
from croftpost.ui.theme import icon
from croftpost.ui.widgets import (
    StatusMessage,
    Tone,
    ask_yes_no,
    explanation,
    heading,
    record_table,
)


class DraftsView(QWidget):
    open_draft_requested = Signal(int)  # a draft id, for the Compose page to open

    def __init__(self, services: Services, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftsView")
        self._services = services
        self._drafts = services.drafts
        self._session = session
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no  # tests replace it
        self.drafts_model = DraftsTableModel(self)
        self.posts_model = PostsTableModel(self)
        self.drafts_table = record_table(self, self.drafts_model, self.tr("Your drafts"),
                                         DraftColumn.TEXT)
        self.posts_table = record_table(self, self.posts_model, self.tr("Posted"), PostColumn.TEXT)
        self.message = StatusMessage(self)
        self.open_button = QPushButton(icon("open"), self.tr("O&pen in Compose"), self)
        self.delete_button = QPushButton(icon("delete"), self.tr("&Delete draft…"), self)
        self.refresh_button = QPushButton(icon("refresh"), self.tr("&Refresh"), self)
        self.drafts_heading = heading("", self, level=2)
        member = services.accounts.current(session)
        self._may_post = any(member.may_post(c) for c in CHANNELS)
        self.open_button.setVisible(self._may_post)  # nowhere to open it otherwise
        self.posts_heading = heading("", self, level=2)
        self._connect()
        self._lay_out()
        self.reload()

    def _connect(self) -> None:
        self.drafts_table.selectionModel().selectionChanged.connect(
            self._on_drafts_table_selection_changed)
        self.drafts_table.activated.connect(self._on_drafts_table_activated)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.refresh_button.clicked.connect(self.reload)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Drafts and history"), self), 1)
        top.addWidget(self.refresh_button)
        actions = QHBoxLayout()
        actions.addWidget(self.drafts_heading, 1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.delete_button)
        drafts = QWidget(self)
        drafts_layout = QVBoxLayout(drafts)
        drafts_layout.setContentsMargins(0, 0, 0, 0)
        drafts_layout.addLayout(actions)
        drafts_layout.addWidget(self.drafts_table, 1)
        posts = QWidget(self)
        posts_layout = QVBoxLayout(posts)
        posts_layout.setContentsMargins(0, 8, 0, 0)
        posts_layout.addWidget(self.posts_heading)
        posts_layout.addWidget(self.posts_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(drafts)
        splitter.addWidget(posts)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(top)
        self.intro = explanation(
            self.tr("Drafts are saved as you type and survive a crash. Open one to carry on in "
                    "Compose. Below them is the record of what was posted and when.")
            if self._may_post else
            self.tr("You are not authorised to post, so you have no drafts of your own. Ask the "
                    "headteacher if you should post for the school."), self)
        layout.addWidget(self.intro)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

    # -- loading -----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Compose saves drafts while this page is hidden: read them again when shown."""
        super().showEvent(event)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        select = select if select is not None else self.selected_draft_id()
        try:
            drafts = self._drafts.my_drafts(self._session)
            posts = self._drafts.history(self._session)
            everyone = self._services.accounts.may(self._session, Permission.SEE_ALL_POSTS)
        except CroftpostError as exc:
            drafts, posts, everyone = [], [], False
            self.message.show_error(exc)
        self.drafts_model.set_drafts(drafts)
        self.posts_model.set_posts([self._post_row(p) for p in posts])
        self.drafts_heading.setText(self.tr("Your drafts ({0})").format(len(drafts)))
        self.posts_heading.setText(
            (self.tr("Posted by everyone ({0})") if everyone else self.tr("Your posts ({0})"))
            .format(len(posts)))
        row = self.drafts_model.row_of(select) if select is not None else -1
        if row >= 0:
            self.drafts_table.selectRow(row)
        elif self.drafts_model.rowCount():
            self.drafts_table.selectRow(0)
        self._enable_actions()

    def _post_row(self, post: Post) -> PostRow:
        return PostRow(post.id, post.posted_at, post.channel, post.author, len(post.pupils),
                       len(post.photos), self._post_text(post.draft_id))

    def _post_text(self, draft_id: int | None) -> str | None:
        """Posts keep only a hash of their text; the words are in the draft they came from."""
        if draft_id is None:
            return None
        try:
            return self._drafts.get(self._session, draft_id).body
        except NotFound:
            return None

    def selected_draft_id(self) -> int | None:
        draft = self._selected()
        return draft.id if draft else None

    def _selected(self) -> Draft | None:
        selection = self.drafts_table.selectionModel()
        rows = selection.selectedRows() if selection else []
        return self.drafts_model.draft(rows[0].row()) if rows else None

    def _enable_actions(self) -> None:
        chosen = self._selected() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _on_drafts_table_selection_changed(self, selected: QItemSelection,
                                           deselected: QItemSelection) -> None:
        self._enable_actions()

    # -- actions -----------------------------------------------------------------------------
    def _on_drafts_table_activated(self, index: QModelIndex) -> None:
        self._on_open_button_clicked()

    def _on_open_button_clicked(self) -> None:
        draft = self._selected()
        if draft is not None:
            self.open_draft_requested.emit(draft.id)

    def _on_delete_button_clicked(self) -> None:
        draft = self._selected()
        if draft is None or not self.confirm(self, self.tr("Delete draft"), self.tr(
                "Delete this draft? It can't be brought back.\n\n{0}").format(
                " ".join(draft.body.split())[:200] or self.tr("(empty)"))):
            return
        try:
            self._drafts.delete(self._session, draft.id)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.reload()
        self.message.show_message(Tone.OK, self.tr("The draft has been deleted."))
