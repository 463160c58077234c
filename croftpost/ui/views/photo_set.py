"""The photos of the post being composed: their check, their pictures and the faces staff chose
to blur. One object shared by the photo strip, the photo viewer and the preview, which all
redraw on `changed`. It holds state only; what a face's status means is decided in core."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QRect, QSize, Signal
from PySide6.QtGui import QImage, QPainter

from croftpost.core.photo_check import PhotoCheck, PhotoResult
from croftpost.core.posting import faces_without_consent, is_blurred, photo_state
from croftpost.files import not_yet_in

PIXEL_BLOCKS = 10  # a blurred face is drawn as about this many blocks across: unrecognisable


class PhotoSet(QObject):
    changed = Signal()

    def __init__(self, channel: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.check = PhotoCheck(channel, ())
        self.images: dict[str, QImage] = {}
        self.blurred: dict[int, set[int]] = {}
        self.pending: list[str] = []  # paths added but not checked yet
        self.previews: dict[str, QImage] = {}  # small pictures of the photos being checked

    # -- reading ---------------------------------------------------------------------------
    @property
    def photos(self) -> tuple[PhotoResult, ...]:
        return self.check.photos

    def paths(self) -> list[str]:
        """Every photo of the post, checked or waiting (what a draft keeps)."""
        return [p.path for p in self.check.photos] + self.pending

    def __len__(self) -> int:
        return len(self.check.photos)

    def state(self, index: int) -> str:
        return photo_state(self.check.photos[index], self.blurred.get(index, ()))

    def face_blurred(self, index: int, face: int) -> bool:
        return is_blurred(self.check, self.blurred, index, face)

    def image(self, index: int) -> QImage | None:
        return self.images.get(self.check.photos[index].path)

    def chosen(self, index: int, face: int) -> bool:
        """Someone chose to blur this face (a face without consent is blurred anyway)."""
        return face in self.blurred.get(index, ())

    def safe_image(self, index: int, *, only_chosen: bool = False) -> QImage | None:
        """The picture as it will be posted: every face that will be blurred, pixelated.
        `only_chosen` leaves undecided faces visible, so staff can see who it is."""
        image = self.image(index)
        if image is None:
            return None
        photo = self.check.photos[index]
        boxes = [f.box for n, f in enumerate(photo.faces)
                 if (self.chosen(index, n) if only_chosen else self.face_blurred(index, n))]
        return pixelated(image, boxes, image.width() / max(1, photo.width)) if boxes else image

    # -- changing --------------------------------------------------------------------------
    def wanted(self, paths: Iterable[str]) -> list[str]:
        """The paths not already in the post (the same file twice is one photo)."""
        return not_yet_in(paths, self.paths())

    def add_pending(self, paths: list[str]) -> None:
        self.pending.extend(paths)
        self.changed.emit()

    def add_checked(self, check: PhotoCheck, images: dict[str, QImage],
                    submitted: Iterable[str]) -> None:
        """Results of a scan of `submitted` (on this set's channel): those leave the waiting
        list."""
        done = set(submitted) | {p.path for p in check.photos}
        self.pending = [p for p in self.pending if p not in done]
        self.previews = {p: image for p, image in self.previews.items() if p not in done}
        self.check = PhotoCheck(self.check.channel, self.check.photos + check.photos)
        self.images.update(images)
        self.changed.emit()

    def drop_pending(self) -> None:
        self.pending = []
        self.previews.clear()
        self.changed.emit()

    def add_previews(self, previews: dict[str, QImage]) -> None:
        """Pictures of photos still being checked (those already checked need none)."""
        self.previews.update({p: image for p, image in previews.items() if p in self.pending})
        self.changed.emit()

    def remove(self, index: int) -> None:
        photos = list(self.check.photos)
        removed = photos.pop(index)
        self.check = PhotoCheck(self.check.channel, tuple(photos))
        self.images.pop(removed.path, None)
        self.blurred = {(i if i < index else i - 1): faces
                        for i, faces in self.blurred.items() if i != index}
        self.changed.emit()

    def replace(self, check: PhotoCheck) -> None:
        """The same photos with new statuses (another channel, or today's consents)."""
        self.check = check
        self.changed.emit()

    def replace_photo(self, index: int, photo: PhotoResult) -> None:
        photos = list(self.check.photos)
        photos[index] = photo
        self.check = PhotoCheck(self.check.channel, tuple(photos))
        self.changed.emit()

    def replace_without_face(self, index: int, face: int, photo: PhotoResult) -> None:
        """The photo once a box drawn by hand is taken away: later faces move up one."""
        kept = self.blurred.get(index, set())
        self.blurred[index] = {n if n < face else n - 1 for n in kept if n != face}
        self.replace_photo(index, photo)

    def restore_photo(self, index: int, photo: PhotoResult, blurred: Iterable[int]) -> None:
        """A photo with the face decisions a draft kept (one redraw)."""
        photos = list(self.check.photos)
        photos[index] = photo
        self.check = PhotoCheck(self.check.channel, tuple(photos))
        self.blurred[index] = set(blurred)
        self.changed.emit()

    def set_blur(self, index: int, face: int, blur: bool) -> None:
        faces = self.blurred.setdefault(index, set())
        if blur:
            faces.add(face)
        else:
            faces.discard(face)
        self.changed.emit()

    def blur_all_without_consent(self) -> int:
        """Choose every face without consent for blurring; returns how many were undecided."""
        before = sum(len(v) for v in self.blurred.values())
        for index, faces in faces_without_consent(self.check).items():
            self.blurred.setdefault(index, set()).update(faces)
        self.changed.emit()
        return sum(len(v) for v in self.blurred.values()) - before

    def clear(self, channel: str) -> None:
        self.check = PhotoCheck(channel, ())
        self.images.clear()
        self.blurred.clear()
        self.pending = []
        self.previews.clear()
        self.changed.emit()


def box_rect(box: tuple[int, int, int, int], scale: float) -> QRect:
    """A face box (top, right, bottom, left in full-size pixels) on a picture `scale` times
    the photo's size."""
    top, right, bottom, left = box
    return QRect(round(left * scale), round(top * scale), max(1, round((right - left) * scale)),
                 max(1, round((bottom - top) * scale)))


def pixelated(image: QImage, boxes: list[tuple[int, int, int, int]], scale: float) -> QImage:
    """A copy of `image` with each box (grown a little, to cover hair and chin) pixelated."""
    out = image.copy()
    painter = QPainter(out)
    for box in boxes:
        rect = box_rect(box, scale)
        grow = max(2, rect.width() // 6)
        rect = rect.adjusted(-grow, -grow, grow, grow).intersected(out.rect())
        if rect.isEmpty():
            continue
        blocks = QSize(max(1, rect.width() * PIXEL_BLOCKS // max(rect.width(), rect.height())),
                       max(1, rect.height() * PIXEL_BLOCKS // max(rect.width(), rect.height())))
        small = image.copy(rect).scaled(blocks)  # a plain scale: no smoothing, so real blocks
        painter.drawImage(rect, small.scaled(rect.size()))
    painter.end()
    return out
