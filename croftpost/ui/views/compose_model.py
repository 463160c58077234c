"""The post being composed on screen: a thin Qt adapter over core's rules of posting.

It holds the draft as the screen has it (the text as typed, the channel chosen, the photos
checked on a worker, the reasons given for warnings, the face decisions of a draft being
opened) and says what changed through signals. What blocks, what a post's record holds and how a
draft is saved and opened come from core: `composer.Content` (the same rules PostComposer
applies), `posting`, `face_decisions` and DraftService. The compose widgets (the screen, the
photo flow, the posting panel) listen to these signals and call these methods; none of them
reaches into another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from croftpost.core.accounts import Session
from croftpost.core.channels import Channel
from croftpost.core.composer import Content, clip_record, restore_clip_choices
from croftpost.core.consent_model import Pupil
from croftpost.core.draft_photos import DraftPhoto
from croftpost.core.drafts import Draft
from croftpost.core.face_decisions import draft_photos, photo_key, restore_decisions
from croftpost.core.photo_check import ExportedPhoto
from croftpost.core.posting import (
    Publication,
    Readiness,
    current_acknowledgements,
    post_text,
    unacknowledged,
)
from croftpost.core.services import Services
from croftpost.core.textcheck import Finding
from croftpost.core.video import ExportedVideo, VideoScan
from croftpost.errors import CroftpostError
from croftpost.ui.compose_tasks import PhotoJobs
from croftpost.ui.views.clip_set import ClipSet
from croftpost.ui.views.photo_set import PhotoSet
from croftpost.ui.workers import TaskRunner


class ComposeModel(QObject):
    text_checked = Signal(object)  # the TextCheck
    findings_changed = Signal()  # new findings, or a reason given for a warning
    channel_changed = Signal(str)
    changed = Signal()  # something the draft keeps: text, channel, photos, reasons
    saved = Signal(int)  # the draft's id
    opened = Signal(object)  # the Draft just opened
    cleared = Signal(str)  # a new post begun, on this channel
    failed = Signal(object)  # a CroftpostError for the screen's message line

    def __init__(self, services: Services, session: Session, tasks: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services, self.session, self.tasks = services, session, tasks
        self.jobs = PhotoJobs.for_services(services)  # tests may scan in-process
        member = services.accounts.current(session)
        self.author_name = member.full_name
        self.channels = [c for c in Channel if member.may_post(c)]
        self.channel: str = self.channels[0] if self.channels else Channel.FACEBOOK
        self.text = ""
        self.draft_id: int | None = None
        self.findings: tuple[Finding, ...] = ()
        self.acknowledged: list[dict[str, str]] = []
        self.photos = PhotoSet(self.channel, self)
        self.clips = ClipSet(self)
        self.waiting: dict[str, DraftPhoto] = {}  # photo_key -> decisions not restored yet
        self._saved: tuple[object, ...] | None = None  # the state as last saved
        self.photos.changed.connect(self.changed)
        self.clips.changed.connect(self.changed)

    # -- reading -----------------------------------------------------------------------------
    def is_busy(self) -> bool:
        """Photos still being checked. (Text typed since the last check is checked again
        before anything is prepared, so typing never greys the buttons out.)"""
        return bool(self.photos.pending or self.clips.pending)

    def pupils(self) -> list[Pupil]:
        return self.services.consent.pupils(self.session)

    def content(self) -> Content:
        """A copy of the post as it is now (later edits do not change it)."""
        blurred = {i: frozenset(f) for i, f in self.photos.blurred.items()}
        tracks = {i: frozenset(f) for i, f in self.clips.blurred.items()}
        return Content(self.text, self.channel, self.photos.check, blurred,
                       tuple(dict(a) for a in self.acknowledged), tuple(self.clips.videos),
                       tracks)

    def readiness(self) -> Readiness:
        return self.content().readiness(self.findings)

    def warnings_waiting(self) -> list[Finding]:
        return unacknowledged(self.findings, self.acknowledged)

    def publication(self, content: Content, findings: Sequence[Finding],
                    exported: Sequence[ExportedPhoto] | None = None,
                    copies: Sequence[ExportedVideo] | None = None) -> Publication:
        """The record `content` would leave (refused when it is not ready)."""
        return content.publication(findings, self.pupils(), self.services.consent.today(),
                                   exported, copies)

    def key(self) -> tuple[Any, ...]:
        """Everything that, if it changes, makes a prepared post out of date."""
        photos = tuple((p.content_hash, p.error, tuple((f.status, f.pupil_id, f.reason)
                                                       for f in p.faces))
                       for p in self.photos.photos)
        blurred = tuple(sorted((i, tuple(sorted(f))) for i, f in self.photos.blurred.items()
                               if f))
        acks = tuple(sorted(tuple(sorted(a.items())) for a in self.acknowledged))
        clips = tuple((v.content_hash, tuple((t.status, t.pupil_id) for t in v.tracks))
                      for v in self.clips.videos)
        tracks = tuple(sorted((i, tuple(sorted(f))) for i, f in self.clips.blurred.items() if f))
        return (self.channel, post_text(self.text), photos, blurred, acks,
                tuple(self.photos.pending), clips, tracks, tuple(self.clips.pending))

    # -- changing ----------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        """As typed (checked by check_text, which the screen calls after a pause)."""
        if text != self.text:
            self.text = text
            self.changed.emit()

    def check_text(self) -> None:
        try:
            result = self.services.text.check(self.session, self.text, self.channel)
        except CroftpostError as exc:
            self.failed.emit(exc)
            return
        self.findings = result.findings
        # Reasons are kept while their warning is in the text, and dropped once it is gone
        # (typing the same words again later asks again).
        self.acknowledged = current_acknowledgements(self.findings, self.acknowledged)
        self.findings_changed.emit()
        self.text_checked.emit(result)

    def set_channel(self, channel: str) -> None:
        if channel == self.channel:
            return
        self.channel = channel
        self.channel_changed.emit(channel)
        self.refresh_consents()
        self.check_text()
        self.changed.emit()

    def refresh_consents(self) -> None:
        """Today's consents for the channel, applied to the faces already found (no new
        scan): a withdrawal made meanwhile counts at once."""
        try:
            self.photos.replace(self.services.photos.refresh(self.photos.check, self.channel))
        except CroftpostError as exc:
            self.failed.emit(exc)
        if self.clips.videos:
            self.clips.replace(self.judged(self.clips.videos))

    def judged(self, videos: Sequence[VideoScan]) -> list[VideoScan]:
        """Clips' tracks judged for the channel today (as the photo check judges faces)."""
        return self.services.videos.refresh(videos, self.channel)

    def acknowledge(self, given: Sequence[dict[str, str]]) -> None:
        """Reasons given for posting despite warnings (made by posting.acknowledge)."""
        self.acknowledged.extend(given)
        self.findings_changed.emit()
        self.changed.emit()

    # -- a draft's photos and their face decisions ---------------------------------------------
    def remember(self, saved: Sequence[DraftPhoto]) -> None:
        """The photos of a draft being opened: their decisions come back once checked."""
        self.waiting = {photo_key(p.path): p for p in saved}

    def forget_missing(self) -> None:
        here = {photo_key(p) for p in self.photos.paths()}
        self.waiting = {k: v for k, v in self.waiting.items() if k in here}

    def draft_photos(self) -> list[DraftPhoto]:
        """Photos, then clips, as a draft keeps them (PostComposer's order)."""
        photos, clips = self.photos, self.clips
        kept = draft_photos(photos.photos, photos.blurred, photos.pending, self.waiting)
        kept += [clip_record(v, clips.blurred.get(i, ())) for i, v in enumerate(clips.videos)]
        kept += [self.waiting.get(photo_key(p), DraftPhoto(p)) for p in clips.pending]
        return kept

    def add_checked_clips(self, videos: Sequence[VideoScan],
                          pictures: Mapping[tuple[str, int], QImage],
                          submitted: Sequence[str],
                          posters: Mapping[str, QImage] | None = None) -> int:
        """Clips just checked, with the tracks a draft chose to blur brought back; returns
        how many saved choices no longer fit (fail safe: composer.restore_clip_choices)."""
        chosen, dropped = [], 0
        for video in videos:
            saved = self.waiting.pop(photo_key(video.path), None)
            tracks, lost = (restore_clip_choices(video, saved) if saved is not None
                            else (set(), 0))
            chosen.append(tracks)
            dropped += lost
        self.clips.add_checked(videos, pictures, submitted, chosen, posters)
        return dropped

    def restore(self, indexes: range) -> int:
        """Bring back the saved decisions of the photos at `indexes`, just checked; returns
        how many no longer fit (fail safe: face_decisions.restore_decisions)."""
        dropped = 0
        for index in indexes:
            photo = self.photos.photos[index]
            if photo.error is not None:  # kept, and tried again when it can be checked
                continue
            saved = self.waiting.pop(photo_key(photo.path), None)
            if saved is None or not saved.has_decisions:
                continue
            try:
                done = restore_decisions(self.services.photos, self.services.marks,
                                         self.session, photo, saved, self.channel,
                                         self.draft_id)
            except CroftpostError as exc:
                self.failed.emit(exc)
                continue
            self.photos.restore_photo(index, done.photo, done.blurred)
            dropped += done.dropped
        return dropped

    # -- saving and opening ------------------------------------------------------------------
    def _state(self) -> tuple[object, ...]:
        acknowledged = tuple(tuple(sorted(a.items())) for a in self.acknowledged)
        return (self.text, self.channel, tuple(self.draft_photos()), acknowledged)

    def save(self) -> bool:
        """Save what changed since the last save; True when something was written."""
        state = self._state()
        if state == self._saved or (self.draft_id is None and not self.text.strip()
                                    and not state[2]):
            return False
        photos = list(self.draft_photos())
        try:
            if self.draft_id is None:
                self.draft_id = self.services.drafts.create(
                    self.session, self.channel, self.text, photos).id
            # The reasons given for warnings are kept with the draft: publishing reads them
            # from there (PostComposer.publish trusts only what was saved).
            self.services.drafts.save(self.session, self.draft_id, self.text, photos,
                                      self.channel, acknowledged=self.acknowledged)
        except CroftpostError as exc:
            self.failed.emit(exc)
            return False
        self._saved = state
        self.saved.emit(self.draft_id)
        return True

    def open(self, draft: Draft, acknowledged: list[dict[str, str]]) -> None:
        """A saved draft: its text and reasons now, its photos' decisions once checked."""
        self.clear(draft.channel)
        self.text = draft.body
        self.draft_id = draft.id
        self.acknowledged = acknowledged
        self._saved = (draft.body, draft.channel, tuple(draft.photos),
                       tuple(tuple(sorted(a.items())) for a in acknowledged))
        self.remember(draft.photos)
        self.opened.emit(draft)

    def clear(self, channel: str) -> None:
        """A new, empty post on `channel`."""
        self.waiting = {}
        self.draft_id, self._saved, self.acknowledged = None, None, []
        self.channel, self.text, self.findings = channel, "", ()
        self.photos.clear(channel)
        self.clips.clear()
        self.cleared.emit(channel)
