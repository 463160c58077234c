"""The video clips of the post being composed: their checks (each person followed as a track),
a picture of each person, the clips still being checked, and the tracks staff chose to blur. It
holds state only and redraws its listeners on `changed`; what a track's status means, and that a
track without consent is always blurred in the copy, is decided in core (video.py, composer.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from croftpost.core.video import VideoScan
from croftpost.files import not_yet_in
from croftpost.ui.views.photo_set import pixelated


class ClipSet(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.videos: list[VideoScan] = []
        self.blurred: dict[int, set[int]] = {}  # clip index -> tracks chosen for blurring
        self.pending: list[str] = []  # paths added but not checked yet
        self.pictures: dict[tuple[str, int], QImage] = {}  # (path, track) -> the face
        self.posters: dict[str, QImage] = {}  # path -> the first frame

    def __len__(self) -> int:
        return len(self.videos)

    def paths(self) -> list[str]:
        return [v.path for v in self.videos] + self.pending

    def chosen(self, clip: int, track: int) -> bool:
        return track in self.blurred.get(clip, ())

    def undecided(self, clip: int | None = None) -> int:
        """Tracks without consent that nobody has chosen to blur yet: in every clip, or in
        one."""
        clips = range(len(self.videos)) if clip is None else (clip,)
        return sum(1 for c in clips for t, track in enumerate(self.videos[c].tracks)
                   if track.blocks and not self.chosen(c, t))

    def safe_poster(self, index: int) -> QImage | None:
        """The first frame as the copy will show it: everyone who will be blurred, pixelated."""
        video = self.videos[index]
        poster = self.posters.get(video.path)
        if poster is None:
            return None
        boxes = [box for t, track in enumerate(video.tracks)
                 if (track.blocks or self.chosen(index, t))
                 and (box := track.box_at(0.0, video.interval)) is not None]
        return pixelated(poster, boxes, poster.width() / max(1, video.width)) if boxes else poster

    def wanted(self, paths: Iterable[str]) -> list[str]:
        """The paths not already in the post (the same file twice is one clip)."""
        return not_yet_in(paths, self.paths())

    # -- changing ------------------------------------------------------------------------------
    def add_pending(self, paths: Sequence[str]) -> None:
        self.pending.extend(paths)
        self.changed.emit()

    def add_checked(self, videos: Sequence[VideoScan], pictures: Mapping[tuple[str, int], QImage],
                    submitted: Iterable[str], blurred: Sequence[set[int]] = (),
                    posters: Mapping[str, QImage] | None = None) -> None:
        """Clips checked (on the post's channel); `blurred` holds the choices a draft kept for
        them, in the same order. Every submitted path leaves the waiting list."""
        done = set(submitted) | {v.path for v in videos}
        self.pending = [p for p in self.pending if p not in done]
        first = len(self.videos)
        self.videos.extend(videos)
        for offset, chosen in enumerate(blurred):
            if chosen:
                self.blurred[first + offset] = set(chosen)
        self.pictures.update(pictures)
        self.posters.update(posters or {})
        self.changed.emit()

    def drop_pending(self) -> None:
        self.pending = []
        self.changed.emit()

    def remove(self, index: int) -> None:
        removed = self.videos.pop(index)
        self.pictures = {k: v for k, v in self.pictures.items() if k[0] != removed.path}
        self.posters.pop(removed.path, None)
        self.blurred = {(i if i < index else i - 1): tracks
                        for i, tracks in self.blurred.items() if i != index}
        self.changed.emit()

    def replace(self, videos: Sequence[VideoScan]) -> None:
        """The same clips with new statuses (another channel, or today's consents)."""
        self.videos = list(videos)
        self.changed.emit()

    def set_blurred(self, clip: int, track: int, blurred: bool) -> None:
        tracks = self.blurred.setdefault(clip, set())
        if blurred:
            tracks.add(track)
        else:
            tracks.discard(track)
        self.changed.emit()

    def blur_all_without_consent(self) -> None:
        for c, video in enumerate(self.videos):
            self.blurred.setdefault(c, set()).update(
                t for t, track in enumerate(video.tracks) if track.blocks)
        self.changed.emit()

    def clear(self) -> None:
        self.videos, self.blurred, self.pending, self.pictures = [], {}, [], {}
        self.posters = {}
        self.changed.emit()
