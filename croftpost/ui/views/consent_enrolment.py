"""Enrolling a pupil's reference faces from the consent register.

The chosen photos are read on a worker (face detection takes seconds a photo), with progress
and Cancel in the details panel. Cancel stops after the photo being read: the faces already
enrolled stay enrolled, and the message says how many were and how many were not read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from croftpost.core.accounts import Session
from croftpost.core.consent_model import Pupil
from croftpost.core.services import Services
from croftpost.ui import consent_tasks
from croftpost.ui.views.consent_details import ConsentDetailsPanel
from croftpost.ui.widgets import StatusMessage, Tone
from croftpost.ui.workers import TaskRunner

if TYPE_CHECKING:
    from croftpost.core.enrolment import EnrolmentOutcome


class ConsentHost(Protocol):
    """What enrolling uses of the consent screen (ConsentView satisfies it), so that the two
    modules do not import each other."""

    services: Services
    session: Session
    tasks: TaskRunner
    details: ConsentDetailsPanel
    message: StatusMessage

    def selected_pupil(self) -> Pupil | None: ...
    def reload(self, select: str | None = None) -> None: ...
    def done(self, pupil_id: str, tone: Tone, sentence: str) -> None: ...

PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.heic *.webp)"


class ConsentEnrolment(QObject):
    finished = Signal(object)  # the outcomes, or the exception

    def __init__(self, view: ConsentHost, widget: QWidget) -> None:
        """`widget` is the screen as a widget: the parent of the file dialog and the task."""
        super().__init__(widget)
        self.view = view
        self.widget = widget
        self.choose_photos: Callable[[], list[Path]] = self._ask_photos  # tests replace these
        self.job = consent_tasks.enrol_job  # a test makes it wait for Cancel
        self._stop: threading.Event | None = None  # set by Cancel while enrolling
        view.details.enrol_button.clicked.connect(self.start)
        view.details.cancel_enrol_button.clicked.connect(self.cancel)

    def _ask_photos(self) -> list[Path]:
        chosen, _ = QFileDialog.getOpenFileNames(
            self.widget, self.tr("Choose photos of this pupil's face"), "", self.tr(PHOTO_FILTER))
        return [Path(p) for p in chosen]

    def start(self) -> None:
        """Enrol the selected pupil from the photos chosen now."""
        v = self.view
        pupil = v.selected_pupil()
        if pupil is None:
            return
        paths = self.choose_photos()
        if not paths:
            return
        v.details.set_enrolling((0, len(paths)))
        v.message.show_message(Tone.BUSY, self.tr(
            "Finding {0}'s face in {1} photo(s)…").format(pupil.full_name, len(paths)))
        services, session, job = v.services, v.session, self.job
        data_dir, clock = services.data_dir, services.clock
        stop = threading.Event()
        handle = v.tasks.submit(
            lambda cancel, progress: job(
                data_dir, clock, session, pupil.pupil_id, paths, cancel, progress, stop),
            lambda outcomes: self._on_task_finished(pupil, len(paths), outcomes),
            self._on_task_failed,
            lambda done, total: self._on_task_progressed(pupil, done, total),
            owner=self.widget,
        )
        if not handle.done:  # a synchronous runner has already called back
            self._stop = stop

    def cancel(self) -> None:
        """Stop after the photo being read now; the faces already enrolled stay enrolled."""
        if self._stop is None:
            return
        self._stop.set()
        self.view.details.cancel_enrol_button.setEnabled(False)
        self.view.message.show_message(Tone.BUSY, self.tr(
            "Stopping after the photo being read now…"))

    def _on_task_progressed(self, pupil: Pupil, done: int, total: int) -> None:
        self.view.details.set_enrolling((done, total))
        if self._stop is None or not self._stop.is_set():
            self.view.message.show_message(Tone.BUSY, self.tr(
                "Finding {0}'s face: {1} of {2} photo(s) done…").format(
                pupil.full_name, done, total))

    def _on_task_finished(self, pupil: Pupil, total: int,
                          outcomes: list[EnrolmentOutcome]) -> None:
        self._stop = None
        self.view.details.set_enrolling(None)
        added = sum(1 for o in outcomes if o.ok)
        if len(outcomes) < total:
            lines = [self.tr("Enrolment cancelled: {0} photo(s) enrolled for {1} before you "
                             "cancelled; {2} of {3} photo(s) were not read.").format(
                             added, pupil.full_name, total - len(outcomes), total)]
        else:
            lines = [self.tr("{0} of {1} photo(s) enrolled for {2}.").format(
                added, total, pupil.full_name)]
        lines += [o.message for o in outcomes if not o.ok]
        self.view.done(pupil.pupil_id, Tone.OK if added == total else Tone.WARNING,
                       "\n".join(lines))
        self.finished.emit(outcomes)

    def _on_task_failed(self, exc: BaseException) -> None:
        self._stop = None
        self.view.details.set_enrolling(None)
        self.view.reload()
        self.view.message.show_error(exc)
        self.finished.emit(exc)
