"""The post's photos as thumbnails, each with a badge in icon and words; photos arrive by
drag and drop or the file dialog, and the check's progress shows with a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.posting import PHOTO_ATTENTION, PHOTO_BLURRED, PHOTO_ERROR, PHOTO_OK
from croftpost.ui.theme import icon
from croftpost.ui.views.compose_text import counted, photo_paths
from croftpost.ui.views.photo_set import PhotoSet

THUMB = QSize(150, 112)
BADGE_ICON = 22


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


# A photo's state as (icon, words): never colour alone.
_BADGES = {
    PHOTO_OK: ("status-ok", "All consented"),
    PHOTO_BLURRED: ("status-ok", "Faces will be blurred"),
    PHOTO_ATTENTION: ("status-warning", "Needs attention"),
    PHOTO_ERROR: ("status-error", "Could not be checked"),
}


def badge(state: str) -> tuple[str, str]:
    icon_name, words = _BADGES[state]
    return icon_name, _tr(words)


class PhotoStrip(QWidget):
    add_requested = Signal()
    files_dropped = Signal(list)
    open_requested = Signal(int)
    remove_requested = Signal(int)
    cancel_requested = Signal()

    def __init__(self, photos: PhotoSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoStrip")
        self.setAcceptDrops(True)
        self.photo_set = photos
        self.add_button = QPushButton(icon("add"), _tr("&Add photos or clips…"), self)
        self.open_button = QPushButton(icon("face"), _tr("Check &faces…"), self)
        self.remove_button = QPushButton(icon("delete"), _tr("Remo&ve photo"), self)
        self.blur_all_button = QPushButton(_tr("&Blur every face without consent"), self)
        self.list = self._make_list()
        self.hint = QLabel(_tr("Drag photos or video clips here, or choose Add. Every face is "
                               "checked against the consent register."), self)
        self.hint.setObjectName("explanation")
        self.hint.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setFormat(_tr("Checking photos: %v of %m"))
        self.cancel_button = QPushButton(_tr("Stop checking (Esc)"), self)
        self._lay_out()
        self.add_button.clicked.connect(self.add_requested)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.cancel_button.clicked.connect(self.cancel_requested)
        # Escape stops a running check from anywhere in the window (the button says so).
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self.escape.activated.connect(self.cancel_requested)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.currentRowChanged.connect(self._update_buttons)
        photos.changed.connect(self.refresh)
        self.set_busy(None)
        self.refresh()

    def _make_list(self) -> QListWidget:
        view = QListWidget(self)
        view.setObjectName("photoList")
        view.setAccessibleName(_tr("Photos of the post"))
        view.setViewMode(QListView.ViewMode.IconMode)
        view.setFlow(QListView.Flow.LeftToRight)
        view.setWrapping(False)
        view.setIconSize(THUMB)
        view.setGridSize(QSize(THUMB.width() + 16, THUMB.height() + 48))
        view.setMovement(QListView.Movement.Static)
        view.setWordWrap(True)
        view.setFixedHeight(THUMB.height() + 70)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        view.setAcceptDrops(False)  # the strip takes the drop
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._on_delete_shortcut_activated)
        return view

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        attention = QHBoxLayout()
        attention.addStretch(1)
        attention.addWidget(self.blur_all_button)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        layout.addLayout(attention)
        layout.addLayout(busy)

    # -- showing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        row = self.list.currentRow()
        self.list.clear()
        for index, photo in enumerate(self.photo_set.photos):
            self.list.addItem(self._item(index, photo.path))
        for path in self.photo_set.pending:
            preview = self.photo_set.previews.get(path)
            picture = QIcon(preview_thumbnail(preview)) if preview is not None else icon(
                "status-busy")
            item = QListWidgetItem(picture, _tr("Checking faces…"))
            item.setToolTip(path)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self.hint.setVisible(self.list.count() == 0)
        self.list.setVisible(self.list.count() > 0)
        if self.photo_set.photos:
            self.list.setCurrentRow(max(0, min(row, len(self.photo_set) - 1)))
        self._update_buttons()

    def _item(self, index: int, path: str) -> QListWidgetItem:
        state = self.photo_set.state(index)
        icon_name, words = badge(state)
        photo = self.photo_set.photos[index]
        undecided = sum(f.blocks for n, f in enumerate(photo.faces)
                        if n not in self.photo_set.blurred.get(index, ()))
        text = words
        if state == PHOTO_ATTENTION:
            text = _tr("Needs attention: {0}").format(
                counted(undecided, _tr("{0} face"), _tr("{0} faces")))
        item = QListWidgetItem(thumbnail(self.photo_set, index, icon_name), text)
        tip = photo.error if photo.error else _tr("{0}: {1} found").format(
            path.rsplit("/", 1)[-1], counted(len(photo.faces), _tr("{0} face"), _tr("{0} faces")))
        item.setToolTip(tip)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{_tr('Photo')} {index + 1}: {text}")
        item.setData(Qt.ItemDataRole.UserRole, state)
        return item

    def set_busy(self, progress: tuple[int, int] | None) -> None:
        """Show the check's progress (done, total), or hide it when nothing runs."""
        busy = progress is not None
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.escape.setEnabled(busy)
        if progress is not None:
            done, total = progress
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
        self.add_button.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        chosen = 0 <= self.list.currentRow() < len(self.photo_set)
        idle = not self.progress.isVisible()
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and idle)
        # Shown only when a face still needs a decision, so it is never a puzzle.
        self.blur_all_button.setVisible(any(
            self.photo_set.state(i) == PHOTO_ATTENTION for i in range(len(self.photo_set))))

    # -- events ----------------------------------------------------------------------------
    def _on_open_button_clicked(self) -> None:
        self.open_requested.emit(self.list.currentRow())

    def _on_remove_button_clicked(self) -> None:
        self.remove_requested.emit(self.list.currentRow())

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if row < len(self.photo_set):
            self.open_requested.emit(row)

    def _on_delete_shortcut_activated(self) -> None:
        if self.remove_button.isEnabled():
            self._on_remove_button_clicked()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if photo_paths(event.mimeData()) and self.add_button.isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        paths = photo_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)


def preview_thumbnail(image: QImage) -> QPixmap:
    """A photo still being checked: its picture, dimmed, with the busy badge."""
    canvas = QPixmap(THUMB)
    canvas.fill(QColor("#e9eef4"))
    painter = QPainter(canvas)
    scaled = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    painter.setOpacity(0.55)  # not checked yet: it is not what will be posted
    painter.drawImage((THUMB.width() - scaled.width()) // 2,
                      (THUMB.height() - scaled.height()) // 2, scaled)
    painter.setOpacity(1.0)
    corner = QRect(THUMB.width() - BADGE_ICON - 6, THUMB.height() - BADGE_ICON - 6,
                   BADGE_ICON + 4, BADGE_ICON + 4)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#ffffff"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(corner)
    painter.drawPixmap(corner.adjusted(2, 2, -2, -2), icon("status-busy").pixmap(BADGE_ICON))
    painter.end()
    return canvas


def thumbnail(photos: PhotoSet, index: int, icon_name: str) -> QPixmap:
    """The photo as it will be posted (faces to blur pixelated), with the badge's icon."""
    canvas = QPixmap(THUMB)
    canvas.fill(QColor("#e9eef4"))
    painter = QPainter(canvas)
    image = photos.safe_image(index)
    if image is not None:
        scaled = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        painter.drawImage((THUMB.width() - scaled.width()) // 2,
                          (THUMB.height() - scaled.height()) // 2, scaled)
    else:
        painter.drawPixmap(QRect(THUMB.width() // 2 - 20, THUMB.height() // 2 - 20, 40, 40),
                           icon("status-error").pixmap(40, 40))
    corner = QRect(THUMB.width() - BADGE_ICON - 6, THUMB.height() - BADGE_ICON - 6,
                   BADGE_ICON + 4, BADGE_ICON + 4)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#ffffff"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(corner)
    painter.drawPixmap(corner.adjusted(2, 2, -2, -2), icon(icon_name).pixmap(BADGE_ICON))
    painter.end()
    return canvas
