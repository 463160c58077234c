"""Opening a photo: every face with a box and a label in icon and words (the pupil's name when
consented, "No consent for Facebook", "Unknown"), and for a face without consent the choice to
blur it or to say who it is. A face chosen for blurring is shown blurred; a face still waiting
for a decision is shown as it is, so staff can see who it is."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.consent_model import Pupil
from croftpost.core.photo_check import AREA, DRAWN, TOO_SMALL, FaceResult
from croftpost.core.posting import PHOTO_ATTENTION
from croftpost.ui.theme import icon
from croftpost.ui.views.compose_text import counted
from croftpost.ui.views.face_canvas import FaceCanvas
from croftpost.ui.views.face_words import face_label, face_reason
from croftpost.ui.views.photo_set import PhotoSet
from croftpost.ui.widgets import StatusMessage, Tone, explanation, heading


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


class PhotoViewerDialog(QDialog):
    """One photo of the post. Changes go straight to the PhotoSet; "Identify" asks the view,
    which calls the core service (audited) and replaces the photo's result."""

    identify_requested = Signal(int, int)  # photo index, face index
    mark_requested = Signal(int, str, object)  # photo index, DRAWN or AREA, box in photo px
    unmark_requested = Signal(int, int)  # photo index, face index

    def __init__(self, photos: PhotoSet, index: int, pupils: Mapping[str, Pupil],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Faces in this photo"))
        self.photos, self.pupils = photos, pupils
        self.canvas = FaceCanvas(photos, self._label, self)
        self.canvas.index = index
        self.faces = QListWidget(self)
        self.faces.setAccessibleName(_tr("Faces found"))
        self.faces.setWordWrap(True)
        self.detail = explanation("", self)
        self.blur_button = QPushButton(_tr("&Blur this face"), self)
        self.identify_button = QPushButton(icon("user"), _tr("&Identify…"), self)
        self.blur_all_button = QPushButton(_tr("Blur &every face without consent"), self)
        self.mark_face_button = QPushButton(_tr("&Mark a face the check missed"), self)
        self.mark_area_button = QPushButton(_tr("Blur an a&rea"), self)
        self.unmark_button = QPushButton(_tr("Remo&ve this box"), self)
        self.close_button = QPushButton(_tr("Close"), self)
        self.message = StatusMessage(self)
        self.summary = heading("", self, level=2)
        self._lay_out()
        self.canvas.face_clicked.connect(self.faces.setCurrentRow)
        self.faces.currentRowChanged.connect(self._on_faces_current_row_changed)
        self.blur_button.clicked.connect(self._on_blur_button_clicked)
        self.identify_button.clicked.connect(self._on_identify_button_clicked)
        self.blur_all_button.clicked.connect(self._on_blur_all_button_clicked)
        self.mark_face_button.clicked.connect(lambda: self.canvas.start_drawing(DRAWN))
        self.mark_area_button.clicked.connect(lambda: self.canvas.start_drawing(AREA))
        self.unmark_button.clicked.connect(self._on_unmark_button_clicked)
        self.canvas.box_drawn.connect(self._on_canvas_box_drawn)
        self.canvas.drawing_changed.connect(self._on_canvas_drawing_changed)
        self.close_button.clicked.connect(self.accept)
        photos.changed.connect(self.refresh)
        for button in (self.blur_button, self.identify_button, self.blur_all_button,
                       self.mark_face_button, self.mark_area_button, self.unmark_button):
            button.setAutoDefault(False)  # Enter closes; it never blurs by surprise
        self.close_button.setDefault(True)
        self.resize(1100, 700)
        self.refresh()

    @property
    def index(self) -> int:
        return self.canvas.index

    def _label(self, face: FaceResult) -> tuple[str, str]:
        return face_label(face, self.pupils, self.photos.check.channel)

    def _lay_out(self) -> None:
        side = QVBoxLayout()
        side.addWidget(self.summary)
        side.addWidget(self.faces, 1)
        side.addWidget(self.detail)
        side.addWidget(self.blur_button)
        side.addWidget(self.identify_button)
        side.addWidget(self.unmark_button)
        side.addSpacing(8)
        side.addWidget(self.blur_all_button)
        side.addSpacing(8)
        side.addWidget(explanation(_tr("See a face the check did not mark? Draw a box round it: "
                                       "it then counts as unknown until it is blurred or "
                                       "identified."), self))
        side.addWidget(self.mark_face_button)
        side.addWidget(self.mark_area_button)
        side.addWidget(self.message)
        side.addWidget(self.close_button)
        panel = QWidget(self)
        panel.setLayout(side)
        panel.setFixedWidth(330)
        layout = QHBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(panel)

    def refresh(self) -> None:
        if self.index >= len(self.photos):  # removed from the post meanwhile
            self.reject()
            return
        photo = self.photos.photos[self.index]
        row = self.faces.currentRow()
        self.faces.blockSignals(True)
        self.faces.clear()
        for n, face in enumerate(photo.faces):
            icon_name, words = self._label(face)
            if self.photos.chosen(self.index, n):
                words += _tr(" · will be blurred")
            self.faces.addItem(QListWidgetItem(icon(icon_name), _tr("Face {0}: {1}").format(
                n + 1, words)))
        self.faces.blockSignals(False)
        self.summary.setText(self._summary_text())
        if photo.faces:
            self.faces.setCurrentRow(max(0, min(row, len(photo.faces) - 1)))
        self._show_face()
        self.blur_all_button.setEnabled(any(  # for the whole post, as in the strip
            self.photos.state(i) == PHOTO_ATTENTION for i in range(len(self.photos))))
        self.canvas.update()

    def _summary_text(self) -> str:
        photo = self.photos.photos[self.index]
        if photo.error:
            return photo.error
        if not photo.faces:
            return _tr("No faces found")
        found = counted(len(photo.faces), _tr("1 face found"), _tr("{0} faces found"))
        small = [n for n, f in enumerate(photo.faces)
                 if f.reason == TOO_SMALL and f.blocks and not self.photos.chosen(self.index, n)]
        if small:
            found += ". " + counted(
                len(small), _tr("1 face too small to identify: blur it or check it yourself"),
                _tr("{0} faces too small to identify: blur them or check them yourself"))
        return found

    def _face(self) -> FaceResult | None:
        row = self.faces.currentRow()
        faces = self.photos.photos[self.index].faces
        return faces[row] if 0 <= row < len(faces) else None

    def _show_face(self) -> None:
        face, row = self._face(), self.faces.currentRow()
        self.canvas.selected = row
        self.blur_button.setEnabled(face is not None)
        self.identify_button.setEnabled(face is not None and face.reason != "protected"
                                        and face.source != AREA)
        self.unmark_button.setEnabled(face is not None and face.source in (DRAWN, AREA))
        if face is None:
            smallest = self.photos.photos[self.index].min_face_px or 24
            self.detail.setText(_tr("Faces smaller than about {0} pixels across may be missed: "
                                    "look at the photo yourself.").format(smallest))
            return
        chosen = self.photos.chosen(self.index, row)
        if chosen:
            self.blur_button.setText(_tr("&Undo blur"))
        else:
            self.blur_button.setText(_tr("&Blur this face") if face.blocks
                                     else _tr("&Blur this face too"))
        detail = face_reason(face, self.photos.check.channel)
        if face.blocks and not chosen:
            detail += " " + _tr("Blur it, or identify it if you know who it is.")
        self.detail.setText(detail)
        self.canvas.update()

    def _on_faces_current_row_changed(self, row: int) -> None:
        self._show_face()

    def _on_blur_button_clicked(self) -> None:
        row = self.faces.currentRow()
        if row >= 0:
            self.photos.set_blur(self.index, row, not self.photos.chosen(self.index, row))

    def _on_canvas_box_drawn(self, kind: str, box: tuple[int, int, int, int]) -> None:
        self.mark_requested.emit(self.index, kind, box)

    def _on_canvas_drawing_changed(self, drawing: bool) -> None:
        for button in (self.mark_face_button, self.mark_area_button):
            button.setEnabled(not drawing)

    def _on_unmark_button_clicked(self) -> None:
        row = self.faces.currentRow()
        if row >= 0:
            self.unmark_requested.emit(self.index, row)

    def show_refusal(self, sentence: str) -> None:
        self.message.show_message(Tone.ERROR, sentence)

    def _on_identify_button_clicked(self) -> None:
        row = self.faces.currentRow()
        if row >= 0:
            self.identify_requested.emit(self.index, row)

    def _on_blur_all_button_clicked(self) -> None:
        count = self.photos.blur_all_without_consent()
        self.message.show_message(Tone.OK, counted(
            count, _tr("1 more face will be blurred in the copies you post."),
            _tr("{0} more faces will be blurred in the copies you post.")))
