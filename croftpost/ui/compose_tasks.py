"""The compose screen's long jobs, run on a worker (see workers.py): checking photos (face
detection takes seconds a photo) and writing their safe copies.

Each job opens the data folder itself: a sqlite3 connection belongs to the thread that made it,
so the screen's `services.db` is never touched here. Pictures for the screen are read here too
(with the photo's EXIF orientation applied) and handed back as QImage, which, unlike QPixmap, may
be made off the GUI thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QImage

from croftpost.core.accounts import Session
from croftpost.core.channels import Channel
from croftpost.core.clock import Clock
from croftpost.core.composer import PostComposer
from croftpost.core.drafts import Post
from croftpost.core.faces import DEFAULT_PARAMS, ScanParams
from croftpost.core.photo_check import ExportedPhoto, PhotoCheck, PhotoCheckService, for_posting
from croftpost.core.photos import load_photo
from croftpost.core.services import Services, open_services
from croftpost.core.video import ExportedVideo, clip_pictures
from croftpost.core.video_check import VideoCheck
from croftpost.errors import BadInput, BadPhoto
from croftpost.ui.workers import ProgressFn

DISPLAY_LONG_SIDE = 1600  # enough for a full-screen look at the faces, small enough to keep
DEFAULT_URLS: dict[str, str] = {Channel.FACEBOOK: "https://www.facebook.com",
                                Channel.DOJO: "https://home.classdojo.com"}


def channel_url(contacts: dict[str, str], channel: str) -> str:
    """The school's own page if it is set (and is a web address), else the site."""
    url = contacts.get(channel, "").strip()
    return url if url.startswith(("https://", "http://")) else DEFAULT_URLS[channel]


def default_export_root(data_dir: Path) -> Path:
    """Pictures/croftpost, where an upload dialog finds it; the data folder if there is none."""
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return Path(pictures) / "croftpost" if pictures else data_dir / "exports"


@dataclass(frozen=True)
class ScannedPhotos:
    """A check of some photos, and the picture of each one that could be read."""

    check: PhotoCheck
    images: dict[str, QImage] = field(default_factory=dict)  # path -> upright, reduced


@dataclass(frozen=True)
class ScannedClips:
    """A check of some clips, and a picture of each person's face: (path, track) -> image."""

    check: VideoCheck
    pictures: dict[tuple[str, int], QImage] = field(default_factory=dict)
    posters: dict[str, QImage] = field(default_factory=dict)  # path -> its first frame


@dataclass(frozen=True)
class SafeCopies:
    photos: list[ExportedPhoto] = field(default_factory=list)
    clips: list[ExportedVideo] = field(default_factory=list)


CLIP_STEPS = 1000  # progress steps per clip: a clip is reported in seconds, the bar in steps


def to_qimage(image: Image.Image) -> QImage:
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    # copy(): the QImage must own its pixels once `data` is gone
    return QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888).copy()


PREVIEW_LONG_SIDE = 320  # a thumbnail in the photo strip while the photo is being checked


def previews(paths: Sequence[str], cancel: threading.Event,
             progress: ProgressFn) -> dict[str, QImage]:
    """Small pictures of photos just added, read fast (a JPEG at 1/8 size), so the strip shows
    them while their faces are checked. A photo that cannot be read gets none (its check
    says why)."""
    found: dict[str, QImage] = {}
    for done, path in enumerate(paths, start=1):
        if cancel.is_set():
            break
        with contextlib.suppress(BadPhoto):
            found[path] = to_qimage(load_photo(path, PREVIEW_LONG_SIDE).image)
        progress(done, len(paths))
    return found


def display_image(path: str) -> QImage | None:
    try:
        return to_qimage(load_photo(path, DISPLAY_LONG_SIDE).image)
    except BadPhoto:
        return None  # the check says why


@dataclass(frozen=True)
class PhotoJobs:
    """How the screen's jobs reach the data folder and which face scanner settings they use."""

    data_dir: Path
    clock: Clock
    params: ScanParams = DEFAULT_PARAMS
    workers: int = 2  # face detection processes; 0 scans in the worker thread itself

    @classmethod
    def for_services(cls, services: Services) -> PhotoJobs:
        return cls(services.data_dir, services.clock)

    def _checker(self, services: Services) -> PhotoCheckService:
        return PhotoCheckService(services.db, services.audit, services.accounts,
                                 services.consent, services.clock, workers=self.workers,
                                 params=self.params,
                                 alerts=services.alerts)

    def scan(self, session: Session, paths: Sequence[str], channel: str,
             cancel: threading.Event, progress: ProgressFn) -> ScannedPhotos:
        """Every face in every photo with its status for `channel` today, then the pictures.
        On cancel the photos already checked are kept; the rest are left out."""
        services = open_services(self.data_dir, self.clock)
        checker = self._checker(services)
        try:
            check = for_posting(checker.check(session, list(paths), channel, cancel, progress))
        finally:
            checker.close()
            services.close()
        images = {}
        for photo in check.photos:
            if photo.error is None and (image := display_image(photo.path)) is not None:
                images[photo.path] = image
        return ScannedPhotos(check, images)

    def publish(self, session: Session, draft_id: int, url: str = "") -> Post:
        """Record the post from its saved draft, checked again now (PostComposer.publish)."""
        services = open_services(self.data_dir, self.clock)
        checker = self._checker(services)
        try:
            parts = services.composer_parts_with(checker)
            return PostComposer.open(parts, session, draft_id).publish(url)
        finally:
            checker.close()
            services.close()

    def check_clips(self, session: Session, paths: Sequence[str], channel: str,
                    cancel: threading.Event, progress: ProgressFn) -> ScannedClips:
        """Every person through each clip, followed as a track, with today's status for
        `channel`, then a picture of each one's face. Progress counts CLIP_STEPS a clip."""
        services = open_services(self.data_dir, self.clock)
        try:
            check = services.videos.check(session, list(paths), channel, cancel,
                                          _clip_progress(progress, paths))
        finally:
            services.close()
        pictures, posters = {}, {}
        for video in check.videos:
            with contextlib.suppress(BadInput):  # the list shows the track without one
                seen = clip_pictures(video)
                for n, picture in enumerate(seen.faces):
                    if picture is not None:
                        pictures[(video.path, n)] = to_qimage(picture)
                if seen.first_frame is not None:
                    posters[video.path] = to_qimage(seen.first_frame)
        return ScannedClips(check, pictures, posters)

    def export(self, session: Session, check: PhotoCheck, clips: VideoCheck, out_dir: Path,
               also_blur: Mapping[int, Sequence[int]], also_tracks: Mapping[int, Sequence[int]],
               cancel: threading.Event, progress: ProgressFn) -> SafeCopies:
        """The safe copies of the photos (no metadata, faces without consent blurred, neutral
        names), then of the clips (the same, every track without consent blurred in every
        frame, the sound kept)."""
        services = open_services(self.data_dir, self.clock)
        checker = self._checker(services)
        try:
            progress(0, len(check.photos) + len(clips.videos))
            photos = checker.export(session, check, out_dir, also_blur) if check.photos else []
            copies = (services.videos.export(session, clips, out_dir, also_tracks)
                      if clips.videos else [])
            return SafeCopies(photos, copies)
        finally:
            checker.close()
            services.close()


def _clip_progress(progress: ProgressFn, paths: Sequence[str]) -> Callable[[float, float], None]:
    """A clip's seconds read as steps of the whole check (the clips follow one another)."""
    clip = {"index": -1, "last": float("inf")}

    def report(seconds: float, duration: float) -> None:
        if seconds < clip["last"]:  # the next clip has begun
            clip["index"] += 1
        clip["last"] = seconds
        share = seconds / duration if duration > 0 else 0.0
        progress(round((clip["index"] + share) * CLIP_STEPS), len(paths) * CLIP_STEPS)

    return report
