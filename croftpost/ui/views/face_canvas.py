"""The photo as the viewer shows it: scaled to fit, each face boxed and labelled; clicking a
face selects it. In drawing mode a person drags a box over the photo: a face the check missed,
or an area to blur (the box is handed back in the photo's own pixels)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from croftpost.core.photo_check import DRAWN, FaceResult
from croftpost.ui.theme import icon
from croftpost.ui.views.photo_set import PhotoSet, box_rect

LABEL_ICON = 16
_COLOURS = {"ok": QColor("#1e6b34"), "blocked": QColor("#b3261e"), "blurred": QColor("#44546a"),
            "drawing": QColor("#f0b400")}
Box = tuple[int, int, int, int]


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


class FaceCanvas(QWidget):
    """The picture scaled to fit, each face boxed and labelled; clicking a face selects it."""

    face_clicked = Signal(int)
    box_drawn = Signal(str, object)  # kind (drawn / area), (top, right, bottom, left) in photo px
    drawing_changed = Signal(bool)

    def __init__(self, photos: PhotoSet, labeller: Callable[[FaceResult], tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photos, self._labeller = photos, labeller
        self.index = 0
        self.selected = -1
        self.drawing: str | None = None  # DRAWN or AREA while a box is being drawn
        self._drag: tuple[QPoint, QPoint] | None = None
        self.setMinimumSize(420, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Escape reaches it while drawing

    # -- drawing a box by hand ---------------------------------------------------------------
    def start_drawing(self, kind: str) -> None:
        self.drawing, self._drag = kind, None
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocus()
        self.drawing_changed.emit(True)
        self.update()

    def stop_drawing(self) -> None:
        self.drawing, self._drag = None, None
        self.unsetCursor()
        self.drawing_changed.emit(False)
        self.update()

    def photo_box(self, rect: QRect) -> Box | None:
        """A rectangle on screen as a box in the photo's own pixels."""
        fitted = self._layout()
        if fitted is None:
            return None
        area, scale = fitted
        rect = rect.normalized()
        left = round((rect.left() - area.left()) / scale)
        top = round((rect.top() - area.top()) / scale)
        right = round((rect.right() + 1 - area.left()) / scale)
        bottom = round((rect.bottom() + 1 - area.top()) / scale)
        return top, right, bottom, left

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._drag is not None:
            self._drag = (self._drag[0], event.position().toPoint())
            self.update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._drag is None or self.drawing is None:
            super().mouseReleaseEvent(event)
            return
        start, kind = self._drag[0], self.drawing
        box = self.photo_box(QRect(start, event.position().toPoint()))
        self.stop_drawing()
        if box is not None:
            self.box_drawn.emit(kind, box)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self.drawing is not None and event.key() == Qt.Key.Key_Escape:
            self.stop_drawing()
            return
        super().keyPressEvent(event)

    def _layout(self) -> tuple[QRect, float] | None:
        """Where the picture is drawn, and how many screen pixels per full-size pixel."""
        if self.index >= len(self.photos):
            return None
        image, photo = self.photos.image(self.index), self.photos.photos[self.index]
        if image is None or photo.width <= 0:
            return None
        size = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        top_left = QPoint((self.width() - size.width()) // 2, (self.height() - size.height()) // 2)
        return QRect(top_left, size), size.width() / photo.width

    def face_rects(self) -> list[QRect]:
        fitted = self._layout()
        if fitted is None:
            return []
        area, scale = fitted
        faces = self.photos.photos[self.index].faces
        return [box_rect(f.box, scale).translated(area.topLeft()) for f in faces]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1f2933"))
        fitted = self._layout()
        if fitted is None:
            painter.setPen(QColor("#ffffff"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             _tr("This photo could not be shown."))
            return
        image = self.photos.safe_image(self.index, only_chosen=True)
        assert image is not None
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(fitted[0], image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        faces = self.photos.photos[self.index].faces
        placed: list[QRect] = []  # labels already drawn: the next one must not cover them
        for n, (face, rect) in enumerate(zip(faces, self.face_rects(), strict=True)):
            placed.append(self._draw_face(painter, n, face, rect, placed))
        if self.drawing is not None:
            self._draw_drawing(painter)

    def _draw_drawing(self, painter: QPainter) -> None:
        """The box being dragged, and what to do, over the picture."""
        if self._drag is not None:
            pen = QPen(_COLOURS["drawing"], 3)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRect(*self._drag).normalized())
        hint = (_tr("Drag a box around the face the check missed. Esc stops.")
                if self.drawing == DRAWN else
                _tr("Drag a box around the area to blur. Esc stops."))
        metrics = QFontMetrics(painter.font())
        band = QRect(0, 0, metrics.horizontalAdvance(hint) + 24, metrics.height() + 12)
        band.moveCenter(QPoint(self.width() // 2, band.height() // 2 + 8))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#fff4cc"))
        painter.drawRoundedRect(band, 4, 4)
        painter.setPen(QColor("#1f2933"))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, hint)

    def _draw_face(self, painter: QPainter, n: int, face: FaceResult, rect: QRect,
                   placed: list[QRect]) -> QRect:
        blurred = self.photos.chosen(self.index, n)
        kind = "ok" if not face.blocks else "blocked"
        if blurred:
            kind = "blurred"
        pen = QPen(_COLOURS[kind], 4 if n == self.selected else 2)
        if blurred:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        icon_name, words = self._labeller(face)
        text = f"{n + 1}. {words}" + (_tr(" · blurred") if blurred else "")
        metrics = QFontMetrics(painter.font())
        tag = QRect(0, 0, metrics.horizontalAdvance(text) + LABEL_ICON + 14,
                    max(LABEL_ICON, metrics.height()) + 6)
        tag.moveTopLeft(QPoint(rect.left(), rect.bottom() + 3))
        if tag.bottom() > self.height():
            tag.moveBottomLeft(QPoint(rect.left(), rect.top() - 3))
        tag.moveLeft(max(0, min(tag.left(), self.width() - tag.width())))
        while any(tag.intersects(other) for other in placed) and tag.bottom() < self.height():
            tag.translate(0, tag.height() + 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(tag, 4, 4)
        painter.drawPixmap(QRect(tag.left() + 4, tag.top() + (tag.height() - LABEL_ICON) // 2,
                                 LABEL_ICON, LABEL_ICON), icon(icon_name).pixmap(LABEL_ICON))
        painter.setPen(_COLOURS[kind])
        painter.drawText(tag.adjusted(LABEL_ICON + 8, 0, -4, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        return tag

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self.drawing is not None and event.button() == Qt.MouseButton.LeftButton:
            point = event.position().toPoint()
            self._drag = (point, point)
            return
        for n, rect in enumerate(self.face_rects()):
            if rect.contains(event.position().toPoint()):
                self.face_clicked.emit(n)
                return
        super().mousePressEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(760, 560)
