"""ComposeView: write a post, check it against the policy and the photo consents as you go,
see it as it will look, then prepare it to post (compose_posting.py).

The screen holds no rules and no state of the post: the ComposeModel (compose_model.py, a thin Qt
adapter over core's rules of posting) holds the draft, and the screen, the photo flow and the
posting panel each listen to its signals. The draft is saved a
moment after every change (text, channel, photos, and the decisions about faces: which to blur,
who an unknown face is), when the page is hidden (another page, the idle lock) and when the
window closes, so a crash loses at most a second or two of work. Opening a draft brings the face
decisions back once its photos are checked, fail safe (compose_photo_flow.py, face_decisions.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, SignalInstance
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
from croftpost.core.drafts import Draft
from croftpost.core.services import Services
from croftpost.core.textcheck import Finding
from croftpost.errors import CroftpostError
from croftpost.ui.compose_tasks import PhotoJobs
from croftpost.ui.labels import channel_name, local_clock_time
from croftpost.ui.theme import icon
from croftpost.ui.views.compose_clips import ClipPanel
from croftpost.ui.views.compose_model import ComposeModel
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
    CHECK_DELAY_MS = 250  # a pause in typing, not every keystroke
    SAVE_DELAY_MS = 1000

    def __init__(self, services: Services, session: Session, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composeView")
        self.setAcceptDrops(True)
        self.services, self.session = services, session
        self.model = ComposeModel(services, session, tasks, self)
        self.current_dialog: QWidget | None = None
        self._watching_window = False
        self._preview_images: list[QImage] = []
        self._school_name = ""
        self._make_widgets()
        self._lay_out()
        self._connect()
        self.posting.refresh()
        self._update_preview()

    # -- what the tests and the main window read -----------------------------------------------
    @property
    def jobs(self) -> PhotoJobs:
        return self.model.jobs

    @jobs.setter
    def jobs(self, jobs: PhotoJobs) -> None:
        self.model.jobs = jobs

    @property
    def tasks(self) -> TaskRunner:
        return self.model.tasks

    @tasks.setter
    def tasks(self, tasks: TaskRunner) -> None:
        self.model.tasks = tasks

    @property
    def photos(self) -> PhotoSet:
        return self.model.photos

    @property
    def draft_id(self) -> int | None:
        return self.model.draft_id

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.model.findings

    @property
    def text_checked(self) -> SignalInstance:
        return self.model.text_checked

    @property
    def draft_saved(self) -> SignalInstance:
        return self.model.saved

    @property
    def scan_finished(self) -> SignalInstance:
        return self.photo_flow.scan_finished

    def channel(self) -> str:
        return self.model.channel

    def text(self) -> str:
        return self.model.text

    # -- building --------------------------------------------------------------------------
    def _make_widgets(self) -> None:
        self.channel_box = QComboBox(self)
        self.channel_box.setAccessibleName(self.tr("Where to post"))
        for channel in self.model.channels:
            self.channel_box.addItem(channel_name(channel), channel)
        self.new_button = QPushButton(icon("add"), self.tr("&New post"), self)
        self.draft_label = QLabel(self.tr("Not saved yet"), self)
        self.draft_label.setObjectName("countLabel")
        self.message = StatusMessage(self)
        self.editor = PolicyTextEdit(self)
        self.findings_summary = StatusMessage(self)
        self.findings_list = FindingsList(self)
        self.strip = PhotoStrip(self.model.photos, self)
        self.preview = PostPreview(self)
        self.posting = PostingPanel(self.model, self)
        self.photo_flow = PhotoFlow(self.model, self.strip, self.message, self)
        self.clips = ClipPanel(self.model, self.message, self)
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
        splitter.addWidget(_column(self, self.tr("Text, photos and clips"), (self.editor, 1),
                                   (self.strip, 0), (self.clips, 0)))
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
        model = self.model
        model.changed.connect(self._save_timer.start)  # each change restarts the wait
        model.findings_changed.connect(self.show_findings)
        model.photos.changed.connect(self._update_preview)
        model.clips.changed.connect(self._update_preview)
        model.saved.connect(self._on_model_saved)
        model.cleared.connect(self._on_model_cleared)
        model.opened.connect(self._on_model_opened)
        model.failed.connect(self.message.show_error)
        self.posting.dialog_opened.connect(self._on_dialog_opened)
        self.photo_flow.dialog_opened.connect(self._on_dialog_opened)
        self.photo_flow.clips_added.connect(self.clips.add_clips)

    def _on_dialog_opened(self, dialog: QWidget) -> None:
        self.current_dialog = dialog

    # -- the text --------------------------------------------------------------------------
    def _on_editor_text_changed(self) -> None:
        if self.isVisible():  # a hidden page is checked when it is shown again
            self._check_timer.start()
        self.model.set_text(self.editor.toPlainText())
        self._update_preview(with_images=False)

    def check_text_now(self) -> None:
        self._check_timer.stop()
        self.model.check_text()

    def show_findings(self) -> None:
        findings, m = self.model.findings, self.model
        self.editor.show_findings(findings)
        waiting = m.warnings_waiting()
        done = {i for i, f in enumerate(findings) if f.severity == "warn" and f not in waiting}
        self.findings_list.show_findings(findings, done)
        self.findings_list.setVisible(bool(findings))  # the preview gets the room
        blocks = sum(f.severity == "block" for f in findings)
        warns = len(findings) - blocks
        if not findings:
            self.findings_summary.show_message(Tone.OK, self.tr(
                "Nothing in the text goes against the policy." if m.text.strip()
                else "The text is checked as you type."))
        elif blocks:
            self.findings_summary.show_message(Tone.ERROR, self.tr(
                "{0} blocking posting, {1}. Choose one to see it in the text.").format(
                counted(blocks, self.tr("1 problem"), self.tr("{0} problems")),
                counted(warns, self.tr("1 warning"), self.tr("{0} warnings"))))
        elif waiting:
            self.findings_summary.show_message(Tone.WARNING, counted(
                len(waiting), self.tr("1 warning: it needs a reason before posting."),
                self.tr("{0} warnings: each needs a reason before posting.")))
        else:
            self.findings_summary.show_message(Tone.OK, self.tr(
                "Nothing blocks the text: you gave a reason for each warning."))

    def _on_findings_list_finding_activated(self, finding: Finding) -> None:
        self.editor.select_range(finding.start, finding.end)

    # -- the channel -----------------------------------------------------------------------
    def _on_channel_box_current_index_changed(self, _index: int) -> None:
        self.model.set_channel(self.channel_box.currentData() or self.model.channel)
        self._update_preview(with_images=False)

    def refresh_consents(self) -> None:
        self.model.refresh_consents()

    # -- photos (compose_photo_flow.py) ----------------------------------------------------
    def add_photos(self, paths: list[str]) -> None:
        self.photo_flow.add_photos(paths)

    def open_photo(self, index: int) -> PhotoViewerDialog | None:
        return self.photo_flow.open_photo(index)

    # -- preview ---------------------------------------------------------------------------
    def _update_preview(self, with_images: bool = True) -> None:
        """The preview; the pictures (blurred as they will be posted) only when the photos
        changed, not on every keystroke."""
        if with_images:
            photos, clips = self.model.photos, self.model.clips
            self._preview_images = [image for i in range(len(photos))
                                    if (image := photos.safe_image(i)) is not None]
            self._preview_images += [poster for i in range(len(clips))
                                     if (poster := clips.safe_poster(i)) is not None]
            self._school_name = self.services.school.details().name
        self.preview.show_post(self.model.channel, self._school_name, self.model.author_name,
                               self.model.text, self._preview_images)

    # -- drafts ----------------------------------------------------------------------------
    def save_draft(self) -> None:
        """Save now (the timer calls this a second after the last change)."""
        self._save_timer.stop()
        self.model.save()

    def _on_model_saved(self, _draft_id: int) -> None:
        moment = self.services.clock()
        self.draft_label.setText(self.tr("Draft saved at {0}").format(local_clock_time(moment)))

    def load_draft(self, draft_id: int) -> None:
        """Open a saved draft (the drafts page asks for this)."""
        self.save_draft()
        try:
            draft = self.services.drafts.get(self.session, draft_id)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        if draft.channel not in self.model.channels:
            self.message.show_message(Tone.ERROR, self.tr(
                "You are not authorised to post on {0}, so this draft can't be opened here."
            ).format(channel_name(draft.channel)))
            return
        acknowledged = draft.acknowledged or self.posting.approved_acknowledgements(draft.id)
        # Saving waits for a change (model.save writes nothing while the draft is as saved):
        # restoring the faces' decisions may be one.
        self.model.open(draft, acknowledged)

    def _on_model_opened(self, draft: Draft) -> None:
        self._show_text(draft.body)
        self.draft_label.setText(self.tr("Draft {0}").format(draft.id))

    def new_post(self, save: bool = True) -> None:
        """Start again on the same channel (the current draft stays in the drafts list)."""
        if save:
            self.save_draft()
        self.model.clear(self.model.channel)

    def _on_new_button_clicked(self) -> None:
        self.new_post()

    def _on_model_cleared(self, channel: str) -> None:
        self.message.clear()
        self.channel_box.blockSignals(True)
        self.channel_box.setCurrentIndex(max(0, self.channel_box.findData(channel)))
        self.channel_box.blockSignals(False)
        self._show_text("")
        self.draft_label.setText(self.tr("Not saved yet"))

    def _show_text(self, text: str) -> None:
        """The model's text in the editor, checked at once."""
        self.editor.setPlainText(text)
        self.check_text_now()

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
