"""The bottom of the compose screen: what still blocks the post, then "Prepare to post" (or
"Submit for approval" on a channel that needs approval) and "Mark as posted".

Preparing asks for a reason for each warning, writes the safe copies of the photos to a new
folder (in the user's Pictures folder), puts the text on the clipboard, says where the files
are and opens the channel's page. Marking as posted records the post through
DraftService.publish, which also refuses a post that needs an approval it does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from croftpost.core.approvals import Approval, content_hash
from croftpost.core.composer import Content, prepared_record
from croftpost.core.drafts import Post
from croftpost.core.photo_check import ExportedPhoto
from croftpost.core.posting import Publication, Readiness
from croftpost.core.textcheck import Finding
from croftpost.core.video import ExportedVideo
from croftpost.core.video_check import VideoCheck
from croftpost.errors import CroftpostError
from croftpost.ui.compose_tasks import SafeCopies, channel_url, default_export_root
from croftpost.ui.dialogs.compose_dialogs import AcknowledgeWarningsDialog
from croftpost.ui.labels import channel_name, local_clock_time
from croftpost.ui.theme import icon
from croftpost.ui.views.compose_approval import approval_status
from croftpost.ui.views.compose_model import ComposeModel
from croftpost.ui.views.compose_text import counted
from croftpost.ui.widgets import StatusMessage, Tone, ask_yes_no, error_sentence
from croftpost.ui.workers import TaskHandle

APPROVAL_POLL_MS = 20_000  # while a request waits, look for the approver's decision


@dataclass(frozen=True)
class Snapshot:
    """The post exactly as it was when "Prepare" was chosen."""

    content: Content
    findings: tuple[Finding, ...]
    key: tuple[Any, ...]


@dataclass(frozen=True)
class PreparedPost:
    publication: Publication
    key: tuple[Any, ...]
    folder: Path | None
    exported: list[ExportedPhoto] = field(default_factory=list)
    clips: list[ExportedVideo] = field(default_factory=list)


class PostingPanel(QWidget):
    prepared = Signal(object)  # the PreparedPost, or the exception
    posted = Signal(object)  # the Post
    submitted = Signal(object)  # the Approval
    dialog_opened = Signal(QWidget)

    def __init__(self, model: ComposeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no  # tests replace these
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.export_root = default_export_root(model.services.data_dir)
        self.prepared_post: PreparedPost | None = None
        self.approval: Approval | None = None
        self._exporting: TaskHandle | None = None
        self._posted_note = False  # "Recorded as posted" is on show
        self.readiness_message = StatusMessage(self)
        self.approval_message = StatusMessage(self)
        self.result_message = StatusMessage(self)
        self.open_folder_button = QPushButton(icon("open"), self.tr("Open the &folder"), self)
        self.prepare_button = QPushButton(self.tr("&Prepare to post"), self)
        self.prepare_button.setDefault(True)
        self.posted_button = QPushButton(icon("status-ok"), self.tr("&Mark as posted"), self)
        self._poll = QTimer(self)
        self._poll.setInterval(APPROVAL_POLL_MS)
        self._poll.timeout.connect(self.refresh_approval)
        self._lay_out()
        self.prepare_button.clicked.connect(self._on_prepare_button_clicked)
        self.posted_button.clicked.connect(self.mark_posted)
        self.open_folder_button.clicked.connect(self._on_open_folder_button_clicked)
        self.open_folder_button.hide()
        model.changed.connect(self._on_model_changed)
        model.findings_changed.connect(self.refresh)
        model.cleared.connect(self.reset)
        model.opened.connect(self.refresh_approval)

    def _on_model_changed(self) -> None:
        self.next_post_begun()
        self.refresh()

    def _lay_out(self) -> None:
        result = QHBoxLayout()
        result.addWidget(self.result_message, 1)
        result.addWidget(self.open_folder_button)
        bar = QHBoxLayout()
        bar.addWidget(self.readiness_message, 1)
        bar.addWidget(self.prepare_button)
        bar.addWidget(self.posted_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.approval_message)
        layout.addLayout(result)
        layout.addLayout(bar)

    # -- the state of the post -------------------------------------------------------------
    def _readiness(self) -> Readiness:
        return self.model.readiness()

    def _key(self) -> tuple[Any, ...]:
        return self.model.key()

    def _snapshot(self) -> Snapshot:
        m = self.model
        return Snapshot(m.content(), m.findings, m.key())

    def _publication(self, snap: Snapshot, copies: SafeCopies | None = None) -> Publication:
        if copies is None:
            return self.model.publication(snap.content, snap.findings)
        content = snap.content
        return self.model.publication(content, snap.findings,
                                      copies.photos if content.check.photos else None,
                                      copies.clips if content.videos else None)

    def _needs_approval(self) -> bool:
        return self.model.services.approvals.requires_approval(self.model.channel)

    def _approval_matches(self) -> bool:
        """The latest request covers this draft's content exactly as it is now."""
        approval, m = self.approval, self.model
        if approval is None or approval.channel != m.channel or m.is_busy():
            return False
        state = self._readiness()
        if not state.ready or state.warnings:
            return False
        try:
            current = content_hash(m.channel, self._publication(self._snapshot()))
        except CroftpostError:
            return False
        return current == approval.content_hash

    # -- showing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Called after every change: what blocks, which button, whether it is still prepared."""
        if self.prepared_post is not None and self.prepared_post.key != self._key():
            self.prepared_post = None
            self.open_folder_button.hide()
            self.result_message.show_message(Tone.WARNING, self.tr(
                "The post changed after you prepared it: prepare it again before posting."))
        state = self._readiness()
        busy = self.model.is_busy() or self._exporting is not None
        self.readiness_message.show_message(*self._describe(state, busy))
        needs = self._needs_approval()
        matches = needs and self._approval_matches()
        approved = matches and self.approval is not None and self.approval.state == "approved"
        waiting = matches and self.approval is not None and self.approval.state == "pending"
        if needs and not approved:
            self.prepare_button.setText(self.tr("Waiting for approval") if waiting
                                        else self.tr("&Submit for approval"))
        else:
            self.prepare_button.setText(self.tr("&Prepare to post"))
        self.prepare_button.setEnabled(state.ready and not busy and not waiting)
        self.posted_button.setEnabled(self.prepared_post is not None)
        self._show_approval(needs, matches)

    def _describe(self, state: Readiness, busy: bool) -> tuple[Tone, str]:
        if busy:
            return Tone.BUSY, self.tr("Checking…")
        if state.empty:
            return Tone.INFO, self.tr("Write something or add a photo to start.")
        if not state.ready:
            parts = []
            if state.text_blocks:
                parts.append(counted(state.text_blocks, self.tr("change 1 thing in the text"),
                                     self.tr("change {0} things in the text")))
            in_clips = self.model.clips.undecided()
            if state.faces_to_decide > in_clips:
                parts.append(counted(state.faces_to_decide - in_clips,
                                     self.tr("blur or identify 1 face without consent"),
                                     self.tr("blur or identify {0} faces without consent")))
            if in_clips:
                parts.append(counted(in_clips,
                                     self.tr("blur 1 person without consent in a clip"),
                                     self.tr("blur {0} people without consent in the clips")))
            if state.broken_photos:
                parts.append(counted(state.broken_photos,
                                     self.tr("remove 1 photo that could not be checked"),
                                     self.tr("remove {0} photos that could not be checked")))
            return Tone.ERROR, self.tr("Before this can be posted: {0}.").format("; ".join(parts))
        if state.warnings:
            return Tone.WARNING, counted(
                len(state.warnings), self.tr("Nothing blocks this post; 1 warning will need a "
                                             "reason."),
                self.tr("Nothing blocks this post; {0} warnings will need a reason."))
        return Tone.OK, self.tr("Nothing blocks this post.")

    def _show_approval(self, needs: bool, matches: bool) -> None:
        pending = needs and self.approval is not None and self.approval.state == "pending"
        if pending and not self._poll.isActive():
            self._poll.start()
        elif not pending:
            self._poll.stop()
        if not needs:
            self.approval_message.clear()
            return
        self.approval_message.show_message(
            *approval_status(self.approval, self.model.channel, matches))

    def refresh_approval(self) -> None:
        self.approval = self._approval_of(self.model.draft_id)
        self.refresh()

    def _approval_of(self, draft_id: int | None) -> Approval | None:
        if draft_id is None:
            return None
        try:
            return self.model.services.approvals.for_draft(self.model.session, draft_id)
        except CroftpostError:
            return None

    def approved_acknowledgements(self, draft_id: int) -> list[dict[str, str]]:
        """The reasons given when a draft was submitted, so an approved post is the same."""
        approval = self._approval_of(draft_id)
        if approval is None or approval.state not in ("approved", "pending"):
            return []
        return [dict(a) for a in approval.snapshot.acknowledged_warnings]

    def next_post_begun(self) -> None:
        """The last post's "Recorded as posted" stops here: it is not about this one."""
        if self._posted_note:
            self._posted_note = False
            self.result_message.clear()

    def reset(self) -> None:
        if self._exporting is not None:
            self._exporting.cancel()
            self._exporting = None
        self.prepared_post = None
        self.approval = None
        self.result_message.clear()
        self.open_folder_button.hide()
        self.refresh()

    # -- prepare, or submit for approval ---------------------------------------------------
    def _on_prepare_button_clicked(self) -> None:
        m = self.model
        m.check_text()
        m.refresh_consents()  # consents withdrawn since the photos were checked count now
        state = self._readiness()
        if not state.ready or m.is_busy():
            self.refresh()
            return
        if state.warnings:
            self._ask_reasons(state.warnings)
            return
        if self._needs_approval():
            self.refresh_approval()
            if not (self.approval is not None and self.approval.state == "approved"
                    and self._approval_matches()):
                self.submit_for_approval()
                return
        self.prepare()

    def _ask_reasons(self, warnings: Sequence[Finding]) -> None:
        dialog = AcknowledgeWarningsDialog(warnings, self)
        dialog.accepted.connect(lambda: self._on_reasons_given(dialog))
        self.dialog_opened.emit(dialog)
        dialog.open()

    def _on_reasons_given(self, dialog: AcknowledgeWarningsDialog) -> None:
        self.model.acknowledge(dialog.acknowledgements)
        self._on_prepare_button_clicked()  # carry on with what was asked

    def submit_for_approval(self) -> None:
        m = self.model
        m.save()
        if m.draft_id is None:
            return
        try:
            self.approval = m.services.approvals.submit(
                m.session, m.draft_id, self._publication(self._snapshot()))
        except CroftpostError as exc:
            self.result_message.show_error(exc)
            return
        self.result_message.show_message(Tone.OK, self.tr(
            "Sent for approval. The approver sees the text, the photos' faces and your "
            "reasons; their decision will show here."))
        self.refresh()
        self.submitted.emit(self.approval)

    def prepare(self) -> None:
        """Safe copies on a worker, then the clipboard, the folder and the channel's page."""
        m = self.model
        m.save()
        if m.draft_id is None:
            return
        snap = self._snapshot()
        try:
            self._publication(snap)  # refuses a post that is not ready, before any file
        except CroftpostError as exc:
            self.result_message.show_error(exc)
            return
        content = snap.content
        if not content.check.photos and not content.videos:
            self._on_export_task_finished(snap, None, SafeCopies())
            return
        folder = self._new_folder(m.draft_id)
        check, clips = content.check, VideoCheck(content.channel, tuple(content.videos))
        also_blur = {i: sorted(f) for i, f in content.blurred.items() if f}
        also_tracks = {i: sorted(f) for i, f in content.video_blur.items() if f}
        jobs, session = m.jobs, m.session
        self.result_message.show_message(Tone.BUSY, self.tr(
            "Making safe copies of the photos and clips…") if clips.videos else self.tr(
            "Making safe copies of the photos…"))
        handle = m.tasks.submit(
            lambda cancel, progress: jobs.export(session, check, clips, folder, also_blur,
                                                 also_tracks, cancel, progress),
            lambda copies: self._on_export_task_finished(snap, folder, copies),
            self._on_export_task_failed, owner=self)
        if not handle.done:  # a synchronous runner has already called back
            self._exporting = handle
            self.refresh()

    def _new_folder(self, draft_id: int) -> Path:
        today = self.model.services.consent.today().isoformat()
        stem = f"{today}-{self.model.channel}-post-{draft_id}"
        folder, n = self.export_root / stem, 1
        while folder.exists():
            n += 1
            folder = self.export_root / f"{stem}-{n}"
        return folder

    def _on_export_task_failed(self, exc: BaseException) -> None:
        self._exporting = None
        self.result_message.show_error(exc)
        self.prepared.emit(exc)
        self.refresh()

    def _on_export_task_finished(self, snap: Snapshot, folder: Path | None,
                                 copies: SafeCopies) -> None:
        self._exporting = None
        m = self.model
        if snap.key != self._key():
            self.result_message.show_message(Tone.WARNING, self.tr(
                "The post changed while it was being prepared: prepare it again."))
            self.refresh()
            return
        try:
            publication = self._publication(snap, copies)
        except CroftpostError as exc:
            self._on_export_task_failed(exc)
            return
        try:  # publishing checks the copies against what the draft keeps of them
            m.services.drafts.remember_prepared(m.session, m.draft_id or 0,
                                                prepared_record(m.channel, publication, folder))
        except CroftpostError as exc:
            self._on_export_task_failed(exc)
            return
        self.prepared_post = PreparedPost(publication, snap.key, folder, copies.photos,
                                          copies.clips)
        QGuiApplication.clipboard().setText(publication.text)
        self._say_prepared(folder, len(copies.photos), len(copies.clips))
        self.open_url(QUrl(channel_url(m.services.school.details().contacts, m.channel)))
        self.refresh()
        self.prepared.emit(self.prepared_post)

    def _say_prepared(self, folder: Path | None, photos: int, clips: int = 0) -> None:
        where = channel_name(self.model.channel)
        if folder is None:
            text = self.tr("The text is on the clipboard. Paste it into {0}, post it, then "
                           "choose Mark as posted.").format(where)
        elif not clips:
            copies = counted(photos, self.tr("1 safe photo is"), self.tr("{0} safe photos are"))
            text = self.tr("The text is on the clipboard and {0} in {1}. Paste the text into "
                           "{2}, add those photos, post it, then choose Mark as posted.").format(
                copies, folder, where)
        else:
            copies = self.tr("{0} and {1}").format(
                counted(photos, self.tr("1 safe photo"), self.tr("{0} safe photos")),
                counted(clips, self.tr("1 safe clip"), self.tr("{0} safe clips")))
            text = self.tr("The text is on the clipboard; {0} are in {1}. Paste the text into "
                           "{2}, add those files, post it, then choose Mark as posted. The "
                           "clips' sound was not checked: listen to them first.").format(
                copies, folder, where)
        self.result_message.show_message(Tone.OK, text)
        self.open_folder_button.setVisible(folder is not None)

    def _on_open_folder_button_clicked(self) -> None:
        if self.prepared_post is not None and self.prepared_post.folder is not None:
            self.open_url(QUrl.fromLocalFile(str(self.prepared_post.folder)))

    # -- mark as posted --------------------------------------------------------------------
    def mark_posted(self) -> None:
        m, prepared = self.model, self.prepared_post
        if prepared is None or m.draft_id is None:
            return
        where = channel_name(m.channel)
        if not self.confirm(self, self.tr("Mark as posted"), self.tr(
                "Has this post gone out on {0}? croftpost records it now, with the pupils who "
                "appear in it.").format(where)):
            return
        m.save()
        jobs, session, draft_id = m.jobs, m.session, m.draft_id
        self.result_message.show_message(Tone.BUSY, self.tr("Checking the post once more…"))
        # The composer opens the saved draft, checks it again and records it: on a worker,
        # as a photo whose cached check was erased is scanned again.
        m.tasks.submit(lambda cancel, progress: jobs.publish(session, draft_id),
                       self._on_publish_task_finished, self._on_publish_task_failed, owner=self)

    def _on_publish_task_failed(self, exc: BaseException) -> None:
        self.result_message.show_message(Tone.ERROR, error_sentence(exc))
        self.refresh_approval()

    def _on_publish_task_finished(self, post: Post) -> None:
        m = self.model
        where = channel_name(m.channel)
        m.clear(m.channel)  # the next post begins; this one is in the history
        self.result_message.show_message(Tone.OK, self.tr(
            "Recorded as posted on {0} at {1}. You can start your next post.").format(
            where, local_clock_time(m.services.clock())))
        self._posted_note = True  # it goes as soon as the next post is begun
        self.posted.emit(post)
