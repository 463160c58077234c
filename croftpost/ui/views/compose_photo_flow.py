"""The compose screen's photos: adding them (file dialog, drag and drop), checking them on a
worker with progress and Cancel, removing them, and opening one to blur or identify its faces.

Identifying a face is one quick, audited call to PhotoCheckService.identify on the GUI thread,
whose refusal (a protected pupil) the dialog shows. When a draft is opened, the face decisions it
kept wait here until their photo has been checked, then come back through
face_decisions.restore_decisions (fail safe: a changed photo or face loses them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from croftpost.core.draft_photos import DraftPhoto
from croftpost.core.face_decisions import draft_photos, photo_key, restore_decisions
from croftpost.errors import CroftpostError
from croftpost.ui.compose_tasks import ScannedPhotos, previews
from croftpost.ui.dialogs.compose_dialogs import IdentifyFaceDialog
from croftpost.ui.views.compose_host import ComposeHost
from croftpost.ui.views.compose_text import counted
from croftpost.ui.views.photo_viewer import PhotoViewerDialog
from croftpost.ui.widgets import Tone
from croftpost.ui.workers import TaskHandle

PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp)"


class PhotoFlow(QObject):
    def __init__(self, view: ComposeHost, widget: QWidget) -> None:
        """`widget` is the screen as a widget: the parent of the dialogs and tasks."""
        super().__init__(widget)
        self.view = view
        self.widget = widget
        self.choose_photos: Callable[[], list[str]] = self._ask_photos  # tests replace it
        self.viewer: PhotoViewerDialog | None = None
        self.waiting: dict[str, DraftPhoto] = {}  # photo_key -> decisions not restored yet
        self._scan: TaskHandle | None = None
        self._stopping = False  # Cancel pressed: the photos checked so far are on their way
        strip = view.strip
        strip.add_requested.connect(self._on_strip_add_requested)
        strip.files_dropped.connect(self.add_photos)
        strip.open_requested.connect(self.open_photo)
        strip.remove_requested.connect(self.remove_photo)
        strip.cancel_requested.connect(self.cancel_scan)
        strip.blur_all_button.clicked.connect(view.photos.blur_all_without_consent)

    def _ask_photos(self) -> list[str]:
        chosen, _ = QFileDialog.getOpenFileNames(
            self.widget, self.tr("Choose photos for the post"), "", self.tr(PHOTO_FILTER))
        return chosen

    def _on_strip_add_requested(self) -> None:
        paths = self.choose_photos()
        if paths:
            self.add_photos(paths)

    # -- checking --------------------------------------------------------------------------
    def add_photos(self, paths: list[str]) -> None:
        fresh = self.view.photos.wanted(paths)
        if fresh:
            self.view.photos.add_pending(fresh)
            self.view.draft_changed()
            self.view.tasks.submit(lambda cancel, progress: previews(fresh, cancel, progress),
                                   self.view.photos.add_previews, lambda exc: None,
                                   owner=self.widget)
            self._start_scan()

    def _start_scan(self) -> None:
        v = self.view
        if self._scan is not None or not v.photos.pending:
            return
        paths, channel, session, jobs = list(v.photos.pending), v.channel(), v.session, v.jobs
        v.strip.set_busy((0, len(paths)))
        handle = v.tasks.submit(
            lambda cancel, progress: jobs.scan(session, paths, channel, cancel, progress),
            lambda scanned: self._on_scan_task_finished(paths, scanned),
            self._on_scan_task_failed, self._on_scan_task_progressed, owner=self.widget)
        if not handle.done:  # a synchronous runner has already called back
            self._scan = handle

    def _on_scan_task_progressed(self, done: int, total: int) -> None:
        self.view.strip.set_busy((done, total))

    def _on_scan_task_finished(self, paths: list[str], scanned: ScannedPhotos) -> None:
        v = self.view
        self._scan = None
        v.strip.set_busy(None)
        check = scanned.check
        if check.channel != v.channel():  # the channel changed while it ran
            check = v.services.photos.refresh(check, v.channel())
        first = len(v.photos)
        v.photos.add_checked(check, scanned.images, paths)
        self._restore(range(first, len(v.photos)))
        if self._stopping:
            self._after_stop(len(check.photos))
        v.scan_finished.emit(check)
        self._start_scan()  # photos added while this one ran

    def _on_scan_task_failed(self, exc: BaseException) -> None:
        v = self.view
        self._scan = None
        self._stopping = False
        v.strip.set_busy(None)
        v.photos.drop_pending()
        v.message.show_error(exc)
        v.scan_finished.emit(exc)

    def cancel_scan(self) -> None:
        """Stop checking: the photos already checked stay in the post (they arrive when the
        scan has stopped); those not checked yet are left out."""
        v, scan = self.view, self._scan
        if scan is None:
            v.strip.set_busy(None)
            v.photos.drop_pending()
            self._forget_missing()
            return
        self._stopping = True
        scan.stop()

    def _after_stop(self, checked: int) -> None:
        v = self.view
        self._stopping = False
        v.photos.drop_pending()
        self._forget_missing()
        v.message.show_message(Tone.INFO, counted(
            checked,
            self.tr("Checking stopped. 1 photo was checked and kept; the photos not checked yet "
                    "were left out: add them again when you are ready."),
            self.tr("Checking stopped. {0} photos were checked and kept; the photos not checked "
                    "yet were left out: add them again when you are ready.")))

    def remove_photo(self, index: int) -> None:
        if 0 <= index < len(self.view.photos):
            self.view.photos.remove(index)
            self._forget_missing()
            self.view.draft_changed()

    # -- a draft's face decisions ----------------------------------------------------------
    def remember(self, saved: Sequence[DraftPhoto]) -> None:
        """The photos of a draft being opened: their decisions come back once checked."""
        self.waiting = {photo_key(p.path): p for p in saved}

    def draft_photos(self) -> list[DraftPhoto]:
        photos = self.view.photos
        return draft_photos(photos.photos, photos.blurred, photos.pending, self.waiting)

    def _forget_missing(self) -> None:
        here = {photo_key(p) for p in self.view.photos.paths()}
        self.waiting = {k: v for k, v in self.waiting.items() if k in here}

    def _restore(self, indexes: range) -> None:
        v, dropped = self.view, 0
        for index in indexes:
            photo = v.photos.photos[index]
            if photo.error is not None:  # kept, and tried again when it can be checked
                continue
            saved = self.waiting.pop(photo_key(photo.path), None)
            if saved is None or not saved.has_decisions:
                continue
            try:
                done = restore_decisions(v.services.photos, v.services.marks, v.session,
                                         photo, saved, v.channel(), v.draft_id)
            except CroftpostError as exc:
                v.message.show_error(exc)
                continue
            v.photos.restore_photo(index, done.photo, done.blurred)
            dropped += done.dropped
        if dropped:
            v.message.show_message(Tone.WARNING, counted(
                dropped, self.tr("1 face decision kept with this draft no longer fits its photo "
                                 "(the photo or the consents changed): decide again."),
                self.tr("{0} face decisions kept with this draft no longer fit their photos "
                        "(the photos or the consents changed): decide again.")))

    # -- faces -----------------------------------------------------------------------------
    def open_photo(self, index: int) -> PhotoViewerDialog | None:
        v = self.view
        if not 0 <= index < len(v.photos):
            return None
        self.close_viewer()
        pupils = {p.pupil_id: p for p in v.pupils()}
        self.viewer = PhotoViewerDialog(v.photos, index, pupils, self.widget)
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
        v = self.view
        dialog = IdentifyFaceDialog(v.pupils(), lambda pupil_id, reason: self.identify_face(
            index, face, pupil_id, reason), self.viewer or self.widget)
        v.current_dialog = dialog
        dialog.open()

    def mark(self, index: int, kind: str, box: tuple[int, int, int, int]) -> None:
        """A face the check missed, or an area to blur, drawn by hand (audited by core)."""
        v = self.view
        try:
            updated = v.services.marks.mark(v.session, v.photos.photos[index], box, v.channel(),
                                            kind)
        except CroftpostError as exc:
            if self.viewer is not None:
                self.viewer.show_refusal(str(exc))
            return
        v.photos.replace_photo(index, updated)
        if self.viewer is not None:
            self.viewer.faces.setCurrentRow(len(updated.faces) - 1)
        v.draft_changed()

    def unmark(self, index: int, face: int) -> None:
        v = self.view
        try:
            updated = v.services.marks.unmark(v.session, v.photos.photos[index], face,
                                              v.channel())
        except CroftpostError as exc:
            if self.viewer is not None:
                self.viewer.show_refusal(str(exc))
            return
        v.photos.replace_without_face(index, face, updated)
        v.draft_changed()

    def identify_face(self, index: int, face: int, pupil_id: str | None,
                      reason: str = "") -> None:
        """Raises the service's refusal (e.g. a protected pupil) for the dialog to show."""
        v = self.view
        updated = v.services.photos.identify(v.session, v.photos.photos[index], face, pupil_id,
                                             v.channel(), reason)
        v.photos.replace_photo(index, updated)
