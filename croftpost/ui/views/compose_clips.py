"""The post's video clips: each clip checked on a worker with a progress bar and Cancel, then
every person in it listed as a track, with a picture of their face, when they appear and what
the register says. A person without consent needs a decision, as a face in a photo does: tick
"Blur" (or Blur everyone without consent) and the safe copy blurs them in every frame.

It works on the ComposeModel (compose_model.py), never on the screen. Sound is not checked, and
the panel says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.consent_model import Pupil
from croftpost.core.photo_check import FaceResult
from croftpost.core.video import Track, VideoScan
from croftpost.ui.compose_tasks import ScannedClips
from croftpost.ui.labels import clip_time
from croftpost.ui.theme import icon
from croftpost.ui.views.compose_model import ComposeModel
from croftpost.ui.views.compose_text import counted
from croftpost.ui.views.face_words import face_label
from croftpost.ui.widgets import StatusMessage, Tone
from croftpost.ui.workers import TaskHandle

PICTURE = QSize(56, 56)
TRACK_ROLE = Qt.ItemDataRole.UserRole  # (clip index, track index) on a person's row


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


class ClipPanel(QWidget):
    checked = Signal(object)  # the ScannedClips, or the exception

    def __init__(self, model: ComposeModel, message: StatusMessage,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clipPanel")
        self.model, self.message = model, message
        self._check: TaskHandle | None = None
        self._shape: list[tuple[str, int]] = []  # each clip's path and number of people
        self._rows: list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = []  # clip, people
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName(_tr("Video clips and the people in them"))
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(PICTURE)
        self.tree.setMinimumHeight(120)
        self.sound_note = QLabel(_tr("The sound of a clip is not checked: listen to it before "
                                     "posting (names said aloud, music, background talk)."), self)
        self.sound_note.setObjectName("explanation")
        self.sound_note.setWordWrap(True)
        self.blur_all_button = QPushButton(_tr("Blur everyone &without consent"), self)
        self.remove_button = QPushButton(icon("delete"), _tr("Remove c&lip"), self)
        self.progress = QProgressBar(self)
        self.cancel_button = QPushButton(_tr("Stop checking the clip"), self)
        self._lay_out()
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        self.tree.currentItemChanged.connect(self._update_buttons)
        self.blur_all_button.clicked.connect(model.clips.blur_all_without_consent)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.cancel_button.clicked.connect(self.cancel_check)
        model.clips.changed.connect(self.refresh)
        model.cleared.connect(self.cancel_check)
        self.refresh()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.blur_all_button)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.sound_note)
        layout.addLayout(buttons)
        layout.addLayout(busy)

    # -- checking --------------------------------------------------------------------------
    def add_clips(self, paths: list[str]) -> None:
        fresh = self.model.clips.wanted(paths)
        if fresh:
            self.model.clips.add_pending(fresh)
            self._start_check()

    def _start_check(self) -> None:
        m = self.model
        if self._check is not None or not m.clips.pending:
            return
        paths, channel, session, jobs = list(m.clips.pending), m.channel, m.session, m.jobs
        self._show_busy(0, 1, paths)
        handle = m.tasks.submit(
            lambda cancel, progress: jobs.check_clips(session, paths, channel, cancel, progress),
            lambda scanned: self._on_check_task_finished(paths, scanned),
            self._on_check_task_failed,
            lambda done, total: self._show_busy(done, total, paths), owner=self)
        if not handle.done:  # a synchronous runner has already called back
            self._check = handle

    def _show_busy(self, done: int, total: int, paths: list[str]) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(counted(len(paths), _tr("Checking the clip for faces: %p%"),
                                        _tr("Checking {0} clips for faces: %p%")))
        self.progress.show()
        self.cancel_button.show()

    def _on_check_task_finished(self, paths: list[str], scanned: ScannedClips) -> None:
        m = self._done_checking()
        videos = list(scanned.check.videos)
        if scanned.check.channel != m.channel:  # the channel changed while it ran
            videos = m.judged(videos)
        dropped = m.add_checked_clips(videos, scanned.pictures, paths, scanned.posters)
        problems = list(scanned.check.errors.values())
        if problems:
            self.message.show_message(Tone.ERROR, _tr("{0} It was left out of the post.").format(
                problems[0]) if len(problems) == 1 else _tr(
                "{0} clips could not be checked and were left out of the post: {1}").format(
                len(problems), " ".join(problems)))
        elif dropped:
            self.message.show_message(Tone.WARNING, counted(
                dropped, _tr("1 choice to blur someone in a clip no longer fits it (the clip "
                             "changed): decide again."),
                _tr("{0} choices to blur people in clips no longer fit them (the clips "
                    "changed): decide again.")))
        self.checked.emit(scanned)
        self._start_check()  # clips added while this one ran

    def _on_check_task_failed(self, exc: BaseException) -> None:
        self._done_checking().clips.drop_pending()
        self.message.show_error(exc)
        self.checked.emit(exc)

    def _done_checking(self) -> ComposeModel:
        self._check = None
        self.progress.hide()
        self.cancel_button.hide()
        return self.model

    def cancel_check(self) -> None:
        """Stop: a clip half checked is not kept (its people are not all known)."""
        if self._check is not None:
            self._check.cancel()
        self._done_checking()
        if self.model.clips.pending:
            self.model.clips.drop_pending()
            self.message.show_message(Tone.INFO, _tr(
                "Checking stopped: the clip was left out. Add it again when you are ready."))

    # -- showing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """The list as the clips are now: rows are rebuilt only when clips or people came or
        went, otherwise updated in place (a tick stays where it was, and so does the
        selection)."""
        clips = self.model.clips
        self.setVisible(bool(len(clips) or clips.pending))
        pupils = {p.pupil_id: p for p in self.model.pupils()} if len(clips) else {}
        shape = [(v.path, len(v.tracks)) for v in clips.videos]
        self.tree.blockSignals(True)
        if shape != self._shape:
            self._shape = shape
            self.tree.clear()
            self._rows = []
            for video in clips.videos:
                rows = [QTreeWidgetItem() for _ in video.tracks]
                item = QTreeWidgetItem()
                item.addChildren(rows)
                self.tree.addTopLevelItem(item)
                self._rows.append((item, rows))
            self.tree.expandAll()
        for c, (video, (item, rows)) in enumerate(zip(clips.videos, self._rows, strict=True)):
            self._show_clip(item, c, video)
            for t, (row, track) in enumerate(zip(rows, video.tracks, strict=True)):
                self._show_track(row, c, t, video, track, pupils)
        self.tree.blockSignals(False)
        self.blur_all_button.setEnabled(clips.undecided() > 0)
        self._update_buttons()
        if self._check is None:
            self.progress.hide()
            self.cancel_button.hide()

    def _show_clip(self, item: QTreeWidgetItem, c: int, video: VideoScan) -> None:
        name = Path(video.path).name
        length = clip_time(video.duration_s)
        undecided = self.model.clips.undecided(c)
        if not video.tracks:
            words = _tr("{0} ({1}): no faces were found").format(name, length)
        else:
            people = counted(len(video.tracks), _tr("1 person"), _tr("{0} people"))
            words = _tr("{0} ({1}): {2}").format(name, length, people)
            if undecided:
                words += _tr(", {0} to decide").format(undecided)
        item.setText(0, words)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setData(0, TRACK_ROLE, (c, -1))

    def _show_track(self, item: QTreeWidgetItem, c: int, t: int, video: VideoScan,
                    track: Track, pupils: Mapping[str, Pupil]) -> None:
        face = FaceResult(track.sightings[0].box, track.status, track.pupil_id, track.distance,
                          track.reason)
        _icon, who = face_label(face, pupils, self.model.channel)
        chosen = self.model.clips.chosen(c, t)
        if chosen:
            what = _tr("blurred in the copy")
        elif track.blocks:
            what = _tr("tick to blur, or remove the clip")
        else:
            what = _tr("shown (tick to blur anyway)")
        item.setText(0, _tr("{0}, seen {1} to {2}: {3}").format(
            who, clip_time(track.first_s), clip_time(track.last_s), what))
        item.setToolTip(0, _tr("Ticked: this person is blurred in every frame of the copy."))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        item.setData(0, TRACK_ROLE, (c, t))
        picture = self.model.clips.pictures.get((video.path, t))
        if picture is not None:
            item.setIcon(0, QIcon(QPixmap.fromImage(picture)))

    def _update_buttons(self, *_: object) -> None:
        self.remove_button.setEnabled(self._current_clip() is not None)

    def _current_clip(self) -> int | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        clip, _track = item.data(0, TRACK_ROLE)
        return int(clip)

    def _on_tree_item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        clip, track = item.data(0, TRACK_ROLE)
        if track >= 0:
            self.model.clips.set_blurred(clip, track,
                                         item.checkState(0) == Qt.CheckState.Checked)

    def _on_remove_button_clicked(self) -> None:
        clip = self._current_clip()
        if clip is not None:
            self.model.clips.remove(clip)
            self.model.forget_missing()
