"""A preview that looks like the post on its channel: a Facebook page post, or a ClassDojo
class story. The photos are shown as they will be posted, faces to blur already blurred."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

# The look of the two sites, close enough to recognise (neutral greys, each site's accent).
PREVIEW_STYLE = """
QWidget#previewBackground { background: #eef0f3; }
QFrame#previewCard { background: #ffffff; border: 1px solid #d5d9de; border-radius: 8px; }
QFrame#previewCard[channel="dojo"] { border-top: 4px solid #5b3fa0; }
QLabel#previewAuthor { font-weight: 600; color: #1c1e21; }
QFrame#previewCard[channel="dojo"] QLabel#previewAuthor { color: #3b2a6e; }
QLabel#previewWhen { color: #5f6670; }
QLabel#previewText { color: #1c1e21; }
QLabel#previewText[empty="true"] { color: #5f6670; font-style: italic; }
QLabel#previewActions { color: #5f6670; font-weight: 600; border-top: 1px solid #e3e6ea;
                        padding-top: 6px; }
"""
AVATAR = 40
GAP = 3
_LOOK = {  # accent colour, what the author line says
    "facebook": ("#1b66c9", "{school}"),
    "dojo": ("#5b3fa0", "{author}"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:2]) or "?"


def avatar(name: str, colour: str) -> QPixmap:
    picture = QPixmap(AVATAR, AVATAR)
    picture.fill(Qt.GlobalColor.transparent)
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, AVATAR, AVATAR)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(15)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(picture.rect(), Qt.AlignmentFlag.AlignCenter, initials(name))
    painter.end()
    return picture


class PhotoGrid(QWidget):
    """One photo across the card; two side by side; three or more as one large and two small,
    the last saying how many more there are (as both sites do)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[QImage] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_images(self, images: Sequence[QImage]) -> None:
        self.images = list(images)
        self.setVisible(bool(self.images))
        self.setFixedHeight(self.height_for(self.width()))
        self.update()

    def height_for(self, width: int) -> int:
        if not self.images:
            return 0
        if len(self.images) == 1:
            image = self.images[0]
            return min(round(width * image.height() / max(1, image.width())), round(width * 1.25))
        if len(self.images) == 2:
            return (width - GAP) // 2
        return round(width * 0.62) + GAP + (width - GAP) // 2

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, self.height_for(360))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        # The height follows the width (the photos keep their shape as the card narrows).
        self.setFixedHeight(self.height_for(self.width()))
        super().resizeEvent(event)

    def _cells(self) -> list[QRect]:
        w, h = self.width(), self.height()
        if len(self.images) == 1:
            return [QRect(0, 0, w, h)]
        half = (w - GAP) // 2
        if len(self.images) == 2:
            return [QRect(0, 0, half, h), QRect(half + GAP, 0, w - half - GAP, h)]
        top = h - GAP - half
        return [QRect(0, 0, w, top), QRect(0, top + GAP, half, half),
                QRect(half + GAP, top + GAP, w - half - GAP, half)]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        cells = self._cells()
        for image, cell in zip(self.images, cells, strict=False):
            scaled = image.scaled(cell.size(), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                  Qt.TransformationMode.SmoothTransformation)
            source = QRect((scaled.width() - cell.width()) // 2,
                           (scaled.height() - cell.height()) // 2, cell.width(), cell.height())
            painter.drawImage(cell, scaled, source)
        more = len(self.images) - len(cells)
        if more > 0:
            last = cells[-1]
            painter.fillRect(last, QColor(0, 0, 0, 120))
            font = QFont(painter.font())
            font.setPixelSize(28)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(last, Qt.AlignmentFlag.AlignCenter, f"+{more}")


class PostPreview(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postPreview")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet(PREVIEW_STYLE)
        self.setAccessibleName(_tr("Preview of the post"))
        self.card = QFrame()
        self.card.setObjectName("previewCard")
        self.avatar = QLabel(self.card)
        self.author = QLabel(self.card)
        self.author.setObjectName("previewAuthor")
        self.when = QLabel(self.card)
        self.when.setObjectName("previewWhen")
        self.text = QLabel(self.card)
        self.text.setObjectName("previewText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.photos = PhotoGrid(self.card)
        self.reactions = QLabel(self.card)
        self.reactions.setObjectName("previewActions")
        self.channel = ""
        self._look: tuple[str, str] | None = None
        self._empty: bool | None = None
        self._lay_out()

    def _lay_out(self) -> None:
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.author)
        names.addWidget(self.when)
        top = QHBoxLayout()
        top.addWidget(self.avatar)
        top.addLayout(names, 1)
        layout = QVBoxLayout(self.card)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.text)
        layout.addWidget(self.photos)
        layout.addWidget(self.reactions)
        outer = QWidget()
        outer.setObjectName("previewBackground")
        wrap = QVBoxLayout(outer)
        wrap.setContentsMargins(10, 10, 10, 10)
        wrap.addWidget(self.card)
        wrap.addStretch(1)
        self.setWidget(outer)

    def show_post(self, channel: str, school: str, author: str, text: str,
                  images: Sequence[QImage]) -> None:
        """Cheap when only the text changed (it is called on every keystroke)."""
        colour, who = _LOOK.get(channel, _LOOK["facebook"])
        name = who.format(school=school or _tr("Your school"), author=author)
        if (channel, name) != self._look:
            self._look = (channel, name)
            self._set_look(channel, name, colour)
        shown = text.strip()
        self.text.setText(shown or _tr("(No text yet)"))
        # Re-polished only when it changes: this runs on every keystroke.
        if self._empty != (not shown):
            self._empty = not shown
            self.text.setProperty("empty", self._empty)
            self.text.style().unpolish(self.text)
            self.text.style().polish(self.text)
        if [id(i) for i in images] != [id(i) for i in self.photos.images]:
            self.photos.set_images(images)

    def _set_look(self, channel: str, name: str, colour: str) -> None:
        self.channel = channel
        self.card.setProperty("channel", channel)
        self.card.style().unpolish(self.card)
        self.card.style().polish(self.card)
        self.avatar.setPixmap(avatar(name, colour))
        self.author.setText(name)
        if channel == "dojo":
            self.when.setText(_tr("Class story · Just now"))
            self.reactions.setText(_tr("♡ Like    Seen by parents of the class"))
        else:
            self.when.setText(_tr("Just now · Public"))
            self.reactions.setText(_tr("Like      Comment      Share"))
        # A class story shows the photos first and the words under them; a page post the
        # words first.
        layout = self.card.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.removeWidget(self.text)
        layout.insertWidget(2 if channel == "dojo" else 1, self.text)
