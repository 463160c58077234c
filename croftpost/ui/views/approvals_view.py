"""ApprovalsView: posts waiting for approval (for approvers), your own requests and what was
decided, and (for the headteacher) which channels need approval and who approves.

Every rule lives in the ApprovalService: who may approve, that nobody decides on their own
post, that a request can be decided once. The screen only shows what the service returns and
greys out what it would refuse anyway.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Permission, Session, StaffMember
from croftpost.core.approvals import Approval
from croftpost.core.channels import CHANNELS
from croftpost.core.services import Services
from croftpost.errors import CroftpostError
from croftpost.ui.labels import channel_short_name, clip_time, local_time
from croftpost.ui.models.approvals_model import (
    ApprovalColumn,
    ApprovalsTableModel,
    face_summary,
    state_label,
)
from croftpost.ui.theme import icon
from croftpost.ui.widgets import StatusMessage, Tone, explanation, heading, record_table

TEXT_COLUMN_PX = 220


def _table(parent: QWidget, model: ApprovalsTableModel, name: str) -> QTableView:
    table = record_table(parent, model, name)
    header = table.horizontalHeader()
    # The text gets a fixed share (the whole post is beside the table); the last column
    # takes what is left.
    header.setSectionResizeMode(ApprovalColumn.TEXT, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(ApprovalColumn.TEXT, TEXT_COLUMN_PX)
    header.setStretchLastSection(True)
    return table


def ask_comment(parent: QWidget) -> str | None:
    text, ok = QInputDialog.getMultiLineText(
        parent, parent.tr("Return to the author"),
        parent.tr("What should the author change before it can be approved?"))
    return text if ok else None


class ApprovalsView(QWidget):
    def __init__(self, services: Services, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approvalsView")
        self._services = services
        self._approvals = services.approvals
        self._session = session
        self._current: Approval | None = None
        self.ask_comment: Callable[[QWidget], str | None] = ask_comment  # tests replace it
        self.queue_model = ApprovalsTableModel(self)
        self.mine_model = ApprovalsTableModel(self)
        self.queue_table = _table(self, self.queue_model, self.tr("Waiting for a decision"))
        self.mine_table = _table(self, self.mine_model, self.tr("Your requests"))
        self.mine_table.setColumnHidden(ApprovalColumn.AUTHOR, True)
        self.details = QTextBrowser(self)
        self.details.setAccessibleName(self.tr("The post as submitted"))
        self.message = StatusMessage(self)
        self.approve_button = QPushButton(icon("status-ok"), self.tr("&Approve"), self)
        self.return_button = QPushButton(icon("edit"), self.tr("Re&turn with a comment…"), self)
        self.refresh_button = QPushButton(icon("refresh"), self.tr("&Refresh"), self)
        self.queue_heading = heading("", self, level=2)
        self.mine_heading = heading("", self, level=2)
        self.queue_box = QWidget(self)
        self.settings_box = QGroupBox(self.tr("Approval settings (headteacher)"), self)
        self.required_boxes = {c: QCheckBox(self.tr("Posts on {0} need approval").format(
            channel_short_name(c)), self) for c in CHANNELS}
        self.approvers_label = QLabel(self)
        self.approvers_label.setWordWrap(True)
        self.staff_combo = QComboBox(self)
        self.staff_combo.setAccessibleName(self.tr("Member of staff"))
        self.add_approver_button = QPushButton(icon("add"), self.tr("&Name as approver"), self)
        self.remove_approver_button = QPushButton(self.tr("Remo&ve approver"), self)
        self._connect()
        self._lay_out()
        self.reload()

    def _connect(self) -> None:
        self.queue_table.selectionModel().selectionChanged.connect(
            self._on_queue_table_selection_changed)
        self.mine_table.selectionModel().selectionChanged.connect(
            self._on_mine_table_selection_changed)
        self.approve_button.clicked.connect(self._on_approve_button_clicked)
        self.return_button.clicked.connect(self._on_return_button_clicked)
        self.refresh_button.clicked.connect(lambda: self.reload())
        for channel, box in self.required_boxes.items():
            box.clicked.connect(lambda on, c=channel: self._on_required_box_clicked(c, on))
        self.add_approver_button.clicked.connect(lambda: self._on_approver_button_clicked(True))
        self.remove_approver_button.clicked.connect(
            lambda: self._on_approver_button_clicked(False))

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Approvals"), self), 1)
        top.addWidget(self.refresh_button)
        queue_actions = QHBoxLayout()
        queue_actions.addWidget(self.queue_heading, 1)
        queue_actions.addWidget(self.approve_button)
        queue_actions.addWidget(self.return_button)
        queue_layout = QVBoxLayout(self.queue_box)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.addLayout(queue_actions)
        queue_layout.addWidget(self.queue_table, 1)
        mine = QWidget(self)
        mine_layout = QVBoxLayout(mine)
        mine_layout.setContentsMargins(0, 8, 0, 0)
        mine_layout.addWidget(self.mine_heading)
        mine_layout.addWidget(self.mine_table, 1)
        lists = QSplitter(Qt.Orientation.Vertical, self)
        lists.addWidget(self.queue_box)
        lists.addWidget(mine)
        lists.setChildrenCollapsible(False)
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(lists)
        body.addWidget(self.details)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(explanation(self.tr(
            "On a channel that needs approval, a post goes out only after an approver has seen "
            "exactly what will be published. Nobody approves their own post, and any change "
            "after approval means approving it again."), self))
        layout.addWidget(self.message)
        layout.addWidget(body, 1)
        layout.addWidget(self._settings())

    def _settings(self) -> QGroupBox:
        approvers = QHBoxLayout()
        approvers.addWidget(self.staff_combo, 1)
        approvers.addWidget(self.add_approver_button)
        approvers.addWidget(self.remove_approver_button)
        box = QVBoxLayout(self.settings_box)
        for checkbox in self.required_boxes.values():
            box.addWidget(checkbox)
        box.addWidget(self.approvers_label)
        box.addLayout(approvers)
        return self.settings_box

    # -- loading -----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Requests arrive from other people while this page is hidden: read them again."""
        super().showEvent(event)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        select = select if select is not None else (self._current.id if self._current else None)
        try:
            member = self._services.accounts.current(self._session)
            approver = self._approvals.can_approve(member)
            queue = self._approvals.queue(self._session) if approver else []
            mine = self._approvals.mine(self._session)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.queue_box.setVisible(approver)
        self.queue_model.set_approvals(queue)
        self.mine_model.set_approvals(mine)
        self.queue_heading.setText(self.tr("Waiting for a decision ({0})").format(len(queue)))
        self.mine_heading.setText(self.tr("Your requests ({0})").format(len(mine)))
        self._load_settings(member)
        self._current = None
        if select is not None and self._select(select):
            return
        if queue:
            self.queue_table.selectRow(0)
        elif mine:
            self.mine_table.selectRow(0)
        self._show_current()

    def _select(self, approval_id: int) -> bool:
        for table, model in ((self.queue_table, self.queue_model),
                             (self.mine_table, self.mine_model)):
            row = model.row_of(approval_id)
            if row >= 0 and not table.isHidden():
                table.selectRow(row)
                return True
        return False

    def _load_settings(self, member: StaffMember) -> None:
        head = member.can(Permission.MANAGE_SCHOOL)
        self.settings_box.setVisible(head)
        if not head:
            return
        for channel, required in self._approvals.required_channels().items():
            self.required_boxes[channel].setChecked(required)
        self.approvers_label.setText(self.tr("Approvers: {0}").format(
            ", ".join(self._approvals.approvers())))
        chosen = self.staff_combo.currentData()
        self.staff_combo.clear()
        for staff in self._services.accounts.list_staff(self._session):
            if staff.active:
                self.staff_combo.addItem(f"{staff.full_name} ({staff.username})", staff.username)
        if chosen is not None:
            self.staff_combo.setCurrentIndex(max(0, self.staff_combo.findData(chosen)))

    # -- selection ---------------------------------------------------------------------------
    def _on_queue_table_selection_changed(self, selected: QItemSelection,
                                          deselected: QItemSelection) -> None:
        self._take_selection(self.queue_table, self.queue_model, self.mine_table)

    def _on_mine_table_selection_changed(self, selected: QItemSelection,
                                         deselected: QItemSelection) -> None:
        self._take_selection(self.mine_table, self.mine_model, self.queue_table)

    def _take_selection(self, table: QTableView, model: ApprovalsTableModel,
                        other: QTableView) -> None:
        rows = table.selectionModel().selectedRows()
        if not rows:
            return
        self._current = model.approval(rows[0].row())
        other.clearSelection()
        self._show_current()

    def _decidable(self) -> bool:
        current = self._current
        return (current is not None and current.state == "pending"
                and current.author != self._session.username
                and self.queue_model.row_of(current.id) >= 0)

    def _show_current(self) -> None:
        decidable = self._decidable()
        self.approve_button.setEnabled(decidable)
        self.return_button.setEnabled(decidable)
        own = self._current is not None and self._current.author == self._session.username
        self.approve_button.setToolTip(
            self.tr("Another approver must decide on your own post.") if own else "")
        self.details.setHtml(self._details_html(self._current) if self._current else "")

    def _details_html(self, approval: Approval) -> str:
        snap = approval.snapshot
        names = self._pupil_names()
        _, state = state_label(approval.state)
        parts = [f"<h3>{html.escape(channel_short_name(approval.channel))}: "
                 f"{html.escape(state)}</h3>",
                 "<p>" + html.escape(self.tr("Submitted by {0}, {1}").format(
                     approval.author, local_time(approval.submitted_at))) + "</p>",
                 f"<p style='white-space: pre-wrap'>{html.escape(snap.text)}</p>",
                 f"<p><b>{html.escape(face_summary(approval))}</b></p><ul>"]
        counted = {"photo": 0, "clip": 0}
        for photo in snap.photos:
            kind = "clip" if any(f.get("source") == "track" for f in photo.get("faces", [])) \
                else "photo"
            counted[kind] += 1
            what = self.tr("Clip {0}") if kind == "clip" else self.tr("Photo {0}")
            faces = ", ".join(self._face_words(face, names) for face in photo.get("faces", []))
            parts.append(f"<li>{html.escape(what.format(counted[kind]))}: "
                         f"{html.escape(faces or self.tr('no faces'))}</li>")
        parts.append("</ul>")
        for warning in snap.acknowledged_warnings:
            parts.append("<p>" + html.escape(self.tr("Warning acknowledged: {0}: {1}").format(
                warning.get("category", "?"), warning.get("reason", ""))) + "</p>")
        if approval.comment:
            parts.append("<p><b>" + html.escape(self.tr("Comment from {0}: {1}").format(
                approval.decided_by, approval.comment)) + "</b></p>")
        elif approval.decided_by:
            parts.append("<p>" + html.escape(self.tr("Decided by {0}").format(
                approval.decided_by)) + "</p>")
        return "".join(parts)

    def _face_words(self, face: dict[str, object], names: dict[str, str]) -> str:
        pupil = face.get("pupil_id")
        status = str(face.get("status", "unknown")).replace("_", " ")
        if face.get("blurred"):
            status = self.tr("blurred ({0})").format(status)
        if face.get("source") in ("drawn", "area"):
            status += " " + self.tr("(marked by hand)")
        if face.get("source") == "track":
            first, last = (float(str(face.get(k, 0))) for k in ("first_s", "last_s"))
            status += " " + self.tr("(seen {0} to {1})").format(clip_time(first), clip_time(last))
        return f"{status} ({names.get(str(pupil), pupil)})" if pupil else status

    def _pupil_names(self) -> dict[str, str]:
        try:
            return {p.pupil_id: p.full_name for p in self._services.consent.pupils(self._session)}
        except CroftpostError:
            return {}

    # -- actions -----------------------------------------------------------------------------
    def _on_approve_button_clicked(self) -> None:
        if not self._decidable() or self._current is None:
            return
        self._act(lambda a: self._approvals.approve(self._session, a.id),
                  self.tr("Approved: {0} may now publish it exactly as it is."))

    def _on_return_button_clicked(self) -> None:
        if not self._decidable() or self._current is None:
            return
        comment = self.ask_comment(self)
        if comment is None:
            return
        self._act(lambda a: self._approvals.return_(self._session, a.id, comment),
                  self.tr("Returned to {0} with your comment."))

    def _act(self, action: Callable[[Approval], Approval], done: str) -> None:
        assert self._current is not None
        try:
            decided = action(self._current)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.reload(select=decided.id)
        self.message.show_message(Tone.OK, done.format(decided.author))

    def _on_required_box_clicked(self, channel: str, on: bool) -> None:
        try:
            self._approvals.set_required(self._session, channel, on)
        except CroftpostError as exc:
            self.message.show_error(exc)
        self.reload()

    def _on_approver_button_clicked(self, on: bool) -> None:
        username = self.staff_combo.currentData()
        if username is None:
            return
        try:
            self._approvals.set_approver(self._session, username, on)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.reload()
        self.message.show_message(Tone.OK, (
            self.tr("{0} can now approve posts.") if on
            else self.tr("{0} is no longer named as an approver.")).format(username))
