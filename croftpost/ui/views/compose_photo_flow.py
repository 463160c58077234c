"""The compose screen's photos: adding them (file dialog, drag and drop), checking them on a
worker with progress and Cancel, removing them, and opening one to blur or identify its faces.

It works on the ComposeModel (compose_model.py) and the photo strip it is given, never on the
screen. Identifying a face is one quick, audited call to PhotoCheckService.identify on the GUI
thread, whose refusal (a protected pupil) the dialog shows. When a draft is opened, the face
decisions it kept wait in the model until their photo has been checked, then come back through
face_decisions.restore_decisions (fail safe: a changed photo or face loses them)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from croftpost.core.composer import is_clip
from croftpost.core.drafts import Draft
from croftpost.errors import CroftpostError
from croftpost.ui.compose_tasks import ScannedPhotos, previews
from croftpost.ui.dialogs.compose_dialogs import IdentifyFaceDialog
from croftpost.ui.views.compose_model import ComposeModel
from croftpost.ui.views.compose_photos import PhotoStrip
from croftpost.ui.views.compose_text import counted
from croftpost.ui.views.photo_viewer import PhotoViewerDialog
from croftpost.ui.widgets import StatusMessage, Tone
from croftpost.ui.workers import TaskHandle

PHOTO_FILTER = ("Photos and video clips (*.jpg *.jpeg *.png *.heic *.heif *.webp *.mp4 *.mov "
                "*.m4v)")


class PhotoFlow(QObject):
    scan_finished = Signal(object)  # the PhotoCheck of the new photos, or the exception
    clips_added = Signal(list)  # video clips among the files added: the clip panel checks them
    dialog_opened = Signal(QWidget)

    def __init__(self, model: ComposeModel, strip: PhotoStrip, message: StatusMessage,
                 widget: QWidget) -> None:
        """`widget` is the screen as a widget: the parent of the dialogs and tasks."""
        super().__init__(widget)
        self.model, self.strip, self.message, self.widget = model, strip, message, widget
        self.choose_photos: Callable[[], list[str]] = self._ask_photos  # tests replace it
        self.viewer: PhotoViewerDialog | None = None
        self._scan: TaskHandle | None = None
        self._stopping = False  # Cancel pressed: the photos checked so far are on their way
        strip.add_requested.connect(self._on_strip_add_requested)
        strip.files_dropped.connect(self.add_photos)
        strip.open_requested.connect(self.open_photo)
        strip.remove_requested.connect(self.remove_photo)
        strip.cancel_requested.connect(self.cancel_scan)
        strip.blur_all_button.clicked.connect(model.photos.blur_all_without_consent)
        model.cleared.connect(self._on_model_cleared)
        model.opened.connect(self._on_model_opened)

    def _ask_photos(self) -> list[str]:
        chosen, _ = QFileDialog.getOpenFileNames(
            self.widget, self.tr("Choose photos or clips for the post"), "",
            self.tr(PHOTO_FILTER))
        return chosen

    def _on_model_cleared(self) -> None:
        self.cancel_scan()
        self.close_viewer()

    def _on_model_opened(self, draft: Draft) -> None:
        self.add_photos(draft.photo_paths)

    def _on_strip_add_requested(self) -> None:
        paths = self.choose_photos()
        if paths:
            self.add_photos(paths)

    # -- checking --------------------------------------------------------------------------
    def add_photos(self, paths: list[str]) -> None:
        """Photos and clips, by file type (a draft keeps both)."""
        clips = [p for p in paths if is_clip(p)]
        if clips:
            self.clips_added.emit(clips)
        photos = self.model.photos
        fresh = photos.wanted([p for p in paths if not is_clip(p)])
        if fresh:
            photos.add_pending(fresh)
            self.model.tasks.submit(lambda cancel, progress: previews(fresh, cancel, progress),
                                    photos.add_previews, lambda exc: None, owner=self.widget)
            self._start_scan()

    def _start_scan(self) -> None:
        m = self.model
        if self._scan is not None or not m.photos.pending:
            return
        paths, channel, session, jobs = list(m.photos.pending), m.channel, m.session, m.jobs
        self.strip.set_busy((0, len(paths)))
        handle = m.tasks.submit(
            lambda cancel, progress: jobs.scan(session, paths, channel, cancel, progress),
            lambda scanned: self._on_scan_task_finished(paths, scanned),
            self._on_scan_task_failed, self._on_scan_task_progressed, owner=self.widget)
        if not handle.done:  # a synchronous runner has already called back
            self._scan = handle

    def _on_scan_task_progressed(self, done: int, total: int) -> None:
        self.strip.set_busy((done, total))

    def _on_scan_task_finished(self, paths: list[str], scanned: ScannedPhotos) -> None:
        m = self.model
        self._scan = None
        self.strip.set_busy(None)
        check = scanned.check
        if check.channel != m.channel:  # the channel changed while it ran
            check = m.services.photos.refresh(check, m.channel)
        first = len(m.photos)
        m.photos.add_checked(check, scanned.images, paths)
        self._say_dropped(m.restore(range(first, len(m.photos))))
        if self._stopping:
            self._after_stop(len(check.photos))
        self.scan_finished.emit(check)
        self._start_scan()  # photos added while this one ran

    def _on_scan_task_failed(self, exc: BaseException) -> None:
        self._scan = None
        self._stopping = False
        self.strip.set_busy(None)
        self.model.photos.drop_pending()
        self.message.show_error(exc)
        self.scan_finished.emit(exc)

    def cancel_scan(self) -> None:
        """Stop checking: the photos already checked stay in the post (they arrive when the
        scan has stopped); those not checked yet are left out."""
        scan = self._scan
        if scan is None:
            self.strip.set_busy(None)
            self.model.photos.drop_pending()
            self.model.forget_missing()
            return
        self._stopping = True
        scan.stop()

    def _after_stop(self, checked: int) -> None:
        self._stopping = False
        self.model.photos.drop_pending()
        self.model.forget_missing()
        self.message.show_message(Tone.INFO, counted(
            checked,
            self.tr("Checking stopped. 1 photo was checked and kept; the photos not checked yet "
                    "were left out: add them again when you are ready."),
            self.tr("Checking stopped. {0} photos were checked and kept; the photos not checked "
                    "yet were left out: add them again when you are ready.")))

    def remove_photo(self, index: int) -> None:
        if 0 <= index < len(self.model.photos):
            self.model.photos.remove(index)
            self.model.forget_missing()

    def _say_dropped(self, dropped: int) -> None:
        if dropped:
            self.message.show_message(Tone.WARNING, counted(
                dropped, self.tr("1 face decision kept with this draft no longer fits its photo "
                                 "(the photo or the consents changed): decide again."),
                self.tr("{0} face decisions kept with this draft no longer fit their photos "
                        "(the photos or the consents changed): decide again.")))

    # -- faces -----------------------------------------------------------------------------
    def open_photo(self, index: int) -> PhotoViewerDialog | None:
        m = self.model
        if not 0 <= index < len(m.photos):
            return None
        self.close_viewer()
        pupils = {p.pupil_id: p for p in m.pupils()}
        self.viewer = PhotoViewerDialog(m.photos, index, pupils, self.widget)
        self.viewer.identify_requested.connect(self._on_viewer_identify_requested)
        self.viewer.mark_requested.connect(self.mark)
        self.viewer.unmark_requested.connect(self.unmark)
        self.viewer.open()
        return self.viewer

    def close_viewer(self) -> None:
        if self.viewer is not None:
            self.viewer.close()
            self.viewer = None

    def _on_viewer_identify_requested(self, index: int, face: int) -> None:
        dialog = IdentifyFaceDialog(self.model.pupils(), lambda pupil_id, reason: (
            self.identify_face(index, face, pupil_id, reason)), self.viewer or self.widget)
        self.dialog_opened.emit(dialog)
        dialog.open()

    def mark(self, index: int, kind: str, box: tuple[int, int, int, int]) -> None:
        """A face the check missed, or an area to blur, drawn by hand (audited by core)."""
        m = self.model
        try:
            updated = m.services.marks.mark(m.session, m.photos.photos[index], box, m.channel,
                                            kind)
        except CroftpostError as exc:
            if self.viewer is not None:
                self.viewer.show_refusal(str(exc))
            return
        m.photos.replace_photo(index, updated)
        if self.viewer is not None:
            self.viewer.faces.setCurrentRow(len(updated.faces) - 1)

    def unmark(self, index: int, face: int) -> None:
        m = self.model
        try:
            updated = m.services.marks.unmark(m.session, m.photos.photos[index], face,
                                              m.channel)
        except CroftpostError as exc:
            if self.viewer is not None:
                self.viewer.show_refusal(str(exc))
            return
        m.photos.replace_without_face(index, face, updated)

    def identify_face(self, index: int, face: int, pupil_id: str | None,
                      reason: str = "") -> None:
        """Raises the service's refusal (e.g. a protected pupil) for the dialog to show."""
        m = self.model
        updated = m.services.photos.identify(m.session, m.photos.photos[index], face, pupil_id,
                                             m.channel, reason)
        m.photos.replace_photo(index, updated)
