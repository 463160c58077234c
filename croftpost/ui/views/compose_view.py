"""ComposeView: write a post, check it against the policy and the photo consents as you go,
see it as it will look, then prepare it to post (compose_posting.py).

The screen holds no rules: the text check, the photo check, what blocks and what a post's
record holds all come from core (text_service, photo_check, posting). The draft is saved a
moment after every change (text, channel, photos, and the decisions about faces: which to blur,
who an unknown face is), when the page is hidden (another page, the idle lock) and when the
window closes, so a crash loses at most a second or two of work. Opening a draft brings the face
decisions back once its photos are checked, fail safe (compose_photo_flow.py, face_decisions.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QHideEvent, QImage, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Session
from croftpost.core.channels import CHANNELS, Channel
from croftpost.core.consent_model import Pupil
from croftpost.core.posting import current_acknowledgements, unacknowledged
from croftpost.core.services import Services
from croftpost.core.textcheck import Finding
from croftpost.errors import CroftpostError
from croftpost.ui.compose_tasks import PhotoJobs
from croftpost.ui.labels import channel_name, local_clock_time
from croftpost.ui.theme import icon
from croftpost.ui.views.compose_photo_flow import PhotoFlow
from croftpost.ui.views.compose_photos import PhotoStrip
from croftpost.ui.views.compose_posting import PostingPanel
from croftpost.ui.views.compose_text import FindingsList, PolicyTextEdit, counted, photo_paths
from croftpost.ui.views.photo_set import PhotoSet
from croftpost.ui.views.photo_viewer import PhotoViewerDialog
from croftpost.ui.views.post_preview import PostPreview
from croftpost.ui.widgets import StatusMessage, Tone, heading
from croftpost.ui.workers import TaskRunner


class ComposeView(QWidget):
    text_checked = Signal(object)  # the TextCheck
    scan_finished = Signal(object)  # the PhotoCheck of the new photos, or the exception
    draft_saved = Signal(int)

    CHECK_DELAY_MS = 250  # a pause in typing, not every keystroke
    SAVE_DELAY_MS = 1000

    def __init__(self, services: Services, session: Session, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composeView")
        self.setAcceptDrops(True)
        self.services, self.session, self.tasks = services, session, tasks
        self.jobs = PhotoJobs.for_services(services)  # tests may scan in-process
        member = services.accounts.current(session)
        self.author_name = member.full_name
        self.channels = [c for c in CHANNELS if member.may_post(c)]
        self.draft_id: int | None = None
        self.findings: tuple[Finding, ...] = ()
        self.acknowledged: list[dict[str, str]] = []
        self.current_dialog: QWidget | None = None
        # text, channel, photos with their decisions, acknowledged warnings: as last saved
        self._saved: tuple[object, ...] | None = None
        self._watching_window = False
        self.photos = PhotoSet(self.channels[0] if self.channels else Channel.FACEBOOK, self)
        self._preview_images: list[QImage] = []
        self._school_name = ""
        self._make_widgets()
        self._lay_out()
        self._connect()
        self.posting.refresh()
        self._update_preview()

    # -- building --------------------------------------------------------------------------
    def _make_widgets(self) -> None:
        self.channel_box = QComboBox(self)
        self.channel_box.setAccessibleName(self.tr("Where to post"))
        for channel in self.channels:
            self.channel_box.addItem(channel_name(channel), channel)
        self.new_button = QPushButton(icon("add"), self.tr("&New post"), self)
        self.draft_label = QLabel(self.tr("Not saved yet"), self)
        self.draft_label.setObjectName("countLabel")
        self.message = StatusMessage(self)
        self.editor = PolicyTextEdit(self)
        self.findings_summary = StatusMessage(self)
        self.findings_list = FindingsList(self)
        self.strip = PhotoStrip(self.photos, self)
        self.preview = PostPreview(self)
        self.posting = PostingPanel(self, self)
        self.photo_flow = PhotoFlow(self, self)
        self._check_timer = _single_shot(self, self.CHECK_DELAY_MS, self.check_text_now)
        self._save_timer = _single_shot(self, self.SAVE_DELAY_MS, self.save_draft)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Compose a post"), self), 1)
        top.addWidget(self.draft_label)
        top.addSpacing(12)
        where = QLabel(self.tr("&Channel:"), self)
        where.setBuddy(self.channel_box)
        top.addWidget(where)
        top.addWidget(self.channel_box)
        top.addWidget(self.new_button)
        side = _column(self, self.tr("Policy check"), (self.findings_summary, 0),
                       (self.findings_list, 2), (heading(self.tr("Preview"), self, level=2), 0),
                       (self.preview, 3))
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(_column(self, self.tr("Text and photos"), (self.editor, 1),
                                   (self.strip, 0)))
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 6)
        splitter.setStretchFactor(1, 5)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.posting)

    def _connect(self) -> None:
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.editor.photos_dropped.connect(self.add_photos)
        self.findings_list.finding_activated.connect(self._on_findings_list_finding_activated)
        self.channel_box.currentIndexChanged.connect(self._on_channel_box_current_index_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.photos.changed.connect(self._on_photos_changed)

    # -- reading the state -----------------------------------------------------------------
    def channel(self) -> str:
        return self.channel_box.currentData() or self.photos.check.channel

    def text(self) -> str:
        return self.editor.toPlainText()

    def is_busy(self) -> bool:
        """Photos still being checked. (Text typed since the last check is checked again
        before anything is prepared, so typing never greys the buttons out.)"""
        return bool(self.photos.pending)

    def pupils(self) -> list[Pupil]:
        return self.services.consent.pupils(self.session)

    # -- the text --------------------------------------------------------------------------
    def draft_changed(self) -> None:
        """Save in a moment (each change restarts the wait)."""
        self._save_timer.start()
        self.posting.next_post_begun()

    def _on_editor_text_changed(self) -> None:
        if self.isVisible():  # a hidden page is checked when it is shown again
            self._check_timer.start()
        self.draft_changed()
        self._update_preview(with_images=False)
        self.posting.refresh()

    def check_text_now(self) -> None:
        self._check_timer.stop()
        try:
            result = self.services.text.check(self.session, self.text(), self.channel())
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.findings = result.findings
        self.acknowledged = _kept(self.acknowledged, self.findings)
        self.editor.show_findings(self.findings)
        self.show_findings()
        self.posting.refresh()
        self.text_checked.emit(result)

    def show_findings(self) -> None:
        done = {i for i, f in enumerate(self.findings)
                if f.severity == "warn" and not unacknowledged([f], self.acknowledged)}
        self.findings_list.show_findings(self.findings, done)
        self.findings_list.setVisible(bool(self.findings))  # the preview gets the room
        blocks = sum(f.severity == "block" for f in self.findings)
        warns = len(self.findings) - blocks
        waiting = len(unacknowledged(self.findings, self.acknowledged))
        if not self.findings:
            self.findings_summary.show_message(Tone.OK, self.tr(
                "Nothing in the text goes against the policy." if self.text().strip()
                else "The text is checked as you type."))
        elif blocks:
            self.findings_summary.show_message(Tone.ERROR, self.tr(
                "{0} blocking posting, {1}. Choose one to see it in the text.").format(
                counted(blocks, self.tr("1 problem"), self.tr("{0} problems")),
                counted(warns, self.tr("1 warning"), self.tr("{0} warnings"))))
        elif waiting:
            self.findings_summary.show_message(Tone.WARNING, counted(
                waiting, self.tr("1 warning: it needs a reason before posting."),
                self.tr("{0} warnings: each needs a reason before posting.")))
        else:
            self.findings_summary.show_message(Tone.OK, self.tr(
                "Nothing blocks the text: you gave a reason for each warning."))

    def _on_findings_list_finding_activated(self, finding: Finding) -> None:
        self.editor.select_range(finding.start, finding.end)

    # -- the channel -----------------------------------------------------------------------
    def _on_channel_box_current_index_changed(self, _index: int) -> None:
        self.refresh_consents()
        self.check_text_now()
        self._save_timer.start()

    def refresh_consents(self) -> None:
        """Today's consents for the chosen channel, applied to the faces already found
        (no new scan): a withdrawal made meanwhile counts at once."""
        try:
            self.photos.replace(self.services.photos.refresh(self.photos.check, self.channel()))
        except CroftpostError as exc:
            self.message.show_error(exc)

    # -- photos (compose_photo_flow.py) ----------------------------------------------------
    def add_photos(self, paths: list[str]) -> None:
        self.photo_flow.add_photos(paths)

    def open_photo(self, index: int) -> PhotoViewerDialog | None:
        return self.photo_flow.open_photo(index)

    def _on_photos_changed(self) -> None:
        self.draft_changed()  # a face blurred or identified is part of the draft
        self._update_preview()
        self.posting.refresh()

    # -- preview ---------------------------------------------------------------------------
    def _update_preview(self, with_images: bool = True) -> None:
        """The preview; the pictures (blurred as they will be posted) only when the photos
        changed, not on every keystroke."""
        if with_images:
            self._preview_images = [image for i in range(len(self.photos))
                                    if (image := self.photos.safe_image(i)) is not None]
            self._school_name = self.services.school.details().name
        self.preview.show_post(self.channel(), self._school_name, self.author_name, self.text(),
                               self._preview_images)

    # -- drafts ----------------------------------------------------------------------------
    def save_draft(self) -> None:
        """Save now (the timer calls this a second after the last change)."""
        self._save_timer.stop()
        acknowledged = tuple(tuple(sorted(a.items())) for a in self.acknowledged)
        state = (self.text(), self.channel(), tuple(self.photo_flow.draft_photos()), acknowledged)
        if state == self._saved or (self.draft_id is None and not state[0].strip()
                                    and not state[2]):
            return
        body, channel, paths, _ = state
        try:
            if self.draft_id is None:
                self.draft_id = self.services.drafts.create(
                    self.session, channel, body, list(paths)).id
            # The reasons given for warnings are kept with the draft: publishing reads them
            # from there (PostComposer.publish trusts only what was saved).
            self.services.drafts.save(self.session, self.draft_id, body, list(paths), channel,
                                      acknowledged=self.acknowledged)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self._saved = state
        moment = self.services.clock()
        self.draft_label.setText(self.tr("Draft saved at {0}").format(local_clock_time(moment)))
        self.draft_saved.emit(self.draft_id)

    def load_draft(self, draft_id: int) -> None:
        """Open a saved draft (the drafts page asks for this)."""
        self.save_draft()
        try:
            draft = self.services.drafts.get(self.session, draft_id)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        if draft.channel not in self.channels:
            self.message.show_message(Tone.ERROR, self.tr(
                "You are not authorised to post on {0}, so this draft can't be opened here."
            ).format(channel_name(draft.channel)))
            return
        self._reset(draft.channel)
        self.editor.setPlainText(draft.body)
        self.draft_id = draft.id
        self.acknowledged = draft.acknowledged or self.posting.approved_acknowledgements()
        self._saved = (draft.body, draft.channel, tuple(draft.photos),
                       tuple(tuple(sorted(a.items())) for a in self.acknowledged))
        self.draft_label.setText(self.tr("Draft {0}").format(draft.id))
        self.check_text_now()
        self._save_timer.stop()  # nothing changed yet; restoring the faces may change them
        self.photo_flow.remember(draft.photos)
        self.add_photos(draft.photo_paths)

    def new_post(self, save: bool = True) -> None:
        """Start again on the same channel (the current draft stays in the drafts list)."""
        if save:
            self.save_draft()
        self._reset(self.channel())

    def _on_new_button_clicked(self) -> None:
        self.new_post()

    def _reset(self, channel: str) -> None:
        self.photo_flow.cancel_scan()
        self.photo_flow.close_viewer()
        self.photo_flow.remember(())
        self.message.clear()
        self.draft_id, self._saved, self.acknowledged = None, None, []
        self.channel_box.blockSignals(True)
        self.channel_box.setCurrentIndex(max(0, self.channel_box.findData(channel)))
        self.channel_box.blockSignals(False)
        self.photos.clear(self.channel())
        self.editor.clear()
        self.check_text_now()
        self._save_timer.stop()
        self.draft_label.setText(self.tr("Not saved yet"))
        self.posting.reset()

    # -- page events -----------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._watching_window:  # save before the window closes and services go
            self.window().installEventFilter(self)
            self._watching_window = True
        self.refresh_consents()
        self.check_text_now()
        self.posting.refresh_approval()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        self.save_draft()  # another page, the idle lock, or closing
        self._check_timer.stop()  # checked again when shown (the services may be gone)
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Close and watched is self.window():
            self.save_draft()  # before the services are closed; nothing is left to fire
            self._check_timer.stop()
        return False

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if photo_paths(event.mimeData()) and self.strip.add_button.isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        paths = photo_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_photos(paths)


def _kept(acknowledged: list[dict[str, str]], findings: tuple[Finding, ...]
          ) -> list[dict[str, str]]:
    """Reasons are kept while their warning is in the text, and dropped once it is gone
    (typing the same words again later asks again)."""
    return current_acknowledgements(findings, acknowledged)


def _single_shot(parent: QObject, delay_ms: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    timer.timeout.connect(slot)
    return timer


def _column(parent: QWidget, title: str, *widgets: tuple[QWidget, int]) -> QWidget:
    """A titled column of the splitter; each widget with its stretch."""
    column = QWidget(parent)
    layout = QVBoxLayout(column)
    layout.setContentsMargins(4, 0, 4, 0)
    layout.addWidget(heading(title, column, level=2))
    for widget, stretch in widgets:
        layout.addWidget(widget, stretch)
    return column
