"""Composing a post: one object owns a draft from the first word to "published" (issue 15).

The app's compose screen and the `croftpost draft ...` commands drive the same PostComposer, so
the rules of posting live here and nowhere else:
- every change is saved with the draft (text, channel, photos with their face decisions,
  acknowledged warnings), so the next command or the next start picks it up;
- `readiness()` says what still blocks, in words a teacher reads;
- `prepare()` makes the safe copies and remembers their hashes with the draft;
- `publish()` trusts nothing held in memory: it opens the saved draft again, refuses a photo
  whose file changed after its check, checks the text and every photo against the policy and
  the register as they are now, and only then records the post. Nothing outside core builds a
  Publication.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from croftpost.core.accounts import Session
from croftpost.core.approvals import Approval, ApprovalService, content_hash
from croftpost.core.channels import Channel
from croftpost.core.consent import ConsentService
from croftpost.core.consent_model import Pupil
from croftpost.core.draft_photos import DraftPhoto
from croftpost.core.drafts import Draft, DraftService, Post
from croftpost.core.face_decisions import decisions_of, restore_decisions
from croftpost.core.face_marks import FaceMarkService
from croftpost.core.photo_check import (
    ExportedPhoto,
    PhotoCheck,
    PhotoCheckService,
    PhotoResult,
    evidence,
)
from croftpost.core.posting import (
    Publication,
    PublishedPhoto,
    Readiness,
    acknowledge,
    build_publication,
    consent_states,
    faces_without_consent,
    post_text,
    readiness,
    unacknowledged,
)
from croftpost.core.text_service import TextService
from croftpost.core.textcheck import Finding, verdict
from croftpost.core.video import VIDEO_SUFFIXES, ExportedVideo, VideoScan
from croftpost.core.video_check import VideoCheck, VideoCheckService
from croftpost.errors import BadInput, Refused
from croftpost.files import sha256_of_file


@dataclass(frozen=True)
class ComposerParts:
    """The services a composer drives (Services.composer_parts gathers them)."""

    drafts: DraftService
    photos: PhotoCheckService
    marks: FaceMarkService
    text: TextService
    approvals: ApprovalService
    consent: ConsentService
    videos: VideoCheckService | None = None  # without it, a draft takes photos only


@dataclass(frozen=True)
class Prepared:
    """Safe copies made and the text to paste."""

    text: str
    folder: Path | None
    photos: list[ExportedPhoto]
    videos: list[ExportedVideo] = field(default_factory=list)


@dataclass(frozen=True)
class Review:
    """Where a draft stands, from one check of its text."""

    findings: list[Finding]
    blockers: list[str]  # sentences; empty when it is ready
    verdict: str  # block, warn or ok


@dataclass(frozen=True)
class Content:
    """What a post holds at one moment, and the rules of posting read from it: what still
    blocks, the verdict and the record it would leave. PostComposer and the compose screen's
    model (ui/compose_model.py) both ask this, so the app and the command line cannot differ."""

    text: str
    channel: str
    check: PhotoCheck
    blurred: Mapping[int, Collection[int]]
    acknowledged: Sequence[Mapping[str, str]]
    videos: Sequence[VideoScan] = ()
    video_blur: Mapping[int, Collection[int]] = field(default_factory=dict)

    def track_blurred(self, video_index: int, track_index: int) -> bool:
        """Whether the copy will blur this track: always when it blocks."""
        track = self.videos[video_index].tracks[track_index]
        return track.blocks or track_index in self.video_blur.get(video_index, ())

    def readiness(self, findings: Sequence[Finding]) -> Readiness:
        """Photos' and clips' faces together: a track that blocks needs a decision too."""
        state = readiness(self.text, findings, self.check, self.blurred, self.acknowledged)
        undecided = sum(1 for v, video in enumerate(self.videos)
                        for n, track in enumerate(video.tracks)
                        if track.blocks and n not in self.video_blur.get(v, ()))
        return replace(state, empty=state.empty and not self.videos,
                       faces_to_decide=state.faces_to_decide + undecided)

    def blockers(self, findings: Sequence[Finding]) -> list[str]:
        """What stands between this post and posting, as sentences; empty when it is ready."""
        state = self.readiness(findings)
        said = []
        if state.empty:
            said.append("The post is empty: write something or add a photo.")
        said += [f"{f.message} (policy {f.clause})" for f in findings if f.severity == "block"]
        if state.broken_photos:
            said.append(f"{_count(state.broken_photos, 'photo')} could not be checked: remove "
                        "or replace it.")
        if state.faces_to_decide:
            said.append(f"{_count(state.faces_to_decide, 'face')} without consent for "
                        f"{Channel(self.channel).short_name}: blur or identify each one.")
        said += [f"Give a reason for the warning: {f.message}" for f in state.warnings]
        return said

    def verdict(self, findings: Sequence[Finding]) -> str:
        """block, warn or ok: the text's findings and the faces together."""
        if not self.readiness(findings).ready:
            return "block"
        return "warn" if verdict(list(findings)) == "warn" else "ok"

    def publication(self, findings: Sequence[Finding], pupils: Sequence[Pupil], today: date,
                    exported: Sequence[ExportedPhoto] | None = None,
                    copies: Sequence[ExportedVideo] | None = None) -> Publication:
        """The record this post would leave, clips after photos; refuses a post that is not
        ready."""
        if self.readiness(findings).faces_to_decide:
            raise BadInput("This post is not ready: fix what blocks it first.")
        if self.check.photos or post_text(self.text) or not self.videos:
            built = build_publication(self.text, self.check, _sets(self.blurred), findings,
                                      self.acknowledged, pupils, today, exported)
        else:  # a clip and nothing else
            built = Publication("", [], {}, [], evidence(self.check))
        if not self.videos:
            return built
        by_id = {p.pupil_id: p for p in pupils}
        clips, shown = [], dict(built.pupils)
        for v, video in enumerate(self.videos):
            tracks = []
            for n, track in enumerate(video.tracks):
                blurred = self.track_blurred(v, n)
                tracks.append({"status": track.status, "pupil_id": track.pupil_id,
                               "reason": track.reason, "blurred": blurred, "source": "track",
                               "first_s": round(track.first_s, 2),
                               "last_s": round(track.last_s, 2)})
                pupil = by_id.get(track.pupil_id or "")
                if pupil is not None and not blurred:
                    shown[pupil.pupil_id] = consent_states(pupil, self.channel, today)
            safe = copies[v].dst_sha256 if copies is not None else ""
            clips.append(PublishedPhoto(video.content_hash, safe, tracks))
        return Publication(built.text, [*built.photos, *clips], dict(sorted(shown.items())),
                           built.acknowledged_warnings, built.face_model)

    def clip_records(self) -> list[DraftPhoto]:
        """The clips as a draft keeps them: each track chosen for blurring by its first box."""
        return [clip_record(video, self.video_blur.get(i, ()))
                for i, video in enumerate(self.videos)]


def clip_record(video: VideoScan, chosen: Collection[int]) -> DraftPhoto:
    return DraftPhoto(video.path, video.content_hash,
                      tuple(sorted(video.tracks[n].sightings[0].box for n in chosen)))


def restore_clip_choices(video: VideoScan, kept: DraftPhoto) -> tuple[set[int], int]:
    """The tracks a saved draft chose to blur, found again in the clip checked now, and how
    many saved choices no longer fit (fail safe: a changed clip or first box is undecided)."""
    if kept.sha256 != video.content_hash:
        return set(), len(kept.blurred)
    firsts = [t.sightings[0].box for t in video.tracks]
    chosen = {firsts.index(box) for box in kept.blurred if box in firsts}
    return chosen, len(kept.blurred) - len(chosen)


def _sets(blurred: Mapping[int, Collection[int]]) -> dict[int, set[int]]:
    return {i: set(f) for i, f in blurred.items()}


class PostComposer:
    """One draft, as a member of staff composes it."""

    def __init__(self, parts: ComposerParts, session: Session, draft: Draft) -> None:
        self._parts = parts
        self._session = session
        self._draft = draft
        self._check = PhotoCheck(draft.channel, ())
        self._blurred: dict[int, set[int]] = {}
        self._videos: list[VideoScan] = []  # clips, after the photos
        self._video_blur: dict[int, set[int]] = {}  # clip index -> tracks chosen for blurring
        self._dropped = 0  # saved face decisions that no longer applied when reopened

    # -- starting and reopening --------------------------------------------------------------
    @classmethod
    def start(cls, parts: ComposerParts, session: Session, channel: str, text: str = "",
              photos: Sequence[str | Path] = ()) -> PostComposer:
        composer = cls(parts, session, parts.drafts.create(session, channel, text))
        if photos:
            composer.add_photos(photos)
        return composer

    @classmethod
    def open(cls, parts: ComposerParts, session: Session, draft_id: int) -> PostComposer:
        """The saved draft with its photos checked again and their decisions brought back
        where the photo and the face are still the same (fail safe: face_decisions.py)."""
        draft = parts.drafts.get(session, draft_id)
        composer = cls(parts, session, draft)
        composer._recheck(draft.photos)
        return composer

    # -- what it is --------------------------------------------------------------------------
    @property
    def draft_id(self) -> int:
        return self._draft.id

    @property
    def channel(self) -> str:
        return self._draft.channel

    @property
    def text(self) -> str:
        return self._draft.body

    @property
    def state(self) -> str:
        return self._draft.state

    @property
    def photos(self) -> tuple[PhotoResult, ...]:
        return self._check.photos

    @property
    def videos(self) -> tuple[VideoScan, ...]:
        return tuple(self._videos)

    def track_blurred(self, video_index: int, track_index: int) -> bool:
        return self._content().track_blurred(video_index, track_index)

    @property
    def blurred(self) -> dict[int, set[int]]:
        return {i: set(f) for i, f in self._blurred.items()}

    @property
    def acknowledged(self) -> list[dict[str, str]]:
        return list(self._draft.acknowledged)

    @property
    def dropped_decisions(self) -> int:
        return self._dropped

    def findings(self) -> list[Finding]:
        return list(self._parts.text.check(self._session, self.text, self.channel).findings)

    # -- changing it ---------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        self._save(body=text)

    def set_channel(self, channel: str) -> None:
        """Faces are judged again for the new channel's consents; decisions are kept."""
        self._save(channel=channel)
        self._check = self._parts.photos.refresh(self._check, channel)
        if self._videos:
            self._videos = self._video_service().refresh(self._videos, channel)

    def add_photos(self, paths: Sequence[str | Path]) -> None:
        """Photos and clips (by their file type); a clip that cannot be read is refused."""
        clips = [str(p) for p in paths if is_clip(p)]
        stills = [str(p) for p in paths if not is_clip(p)]
        if clips:
            self._videos += self._check_clips(clips)
        if stills:
            added = self._parts.photos.check(self._session, stills, self.channel)
            self._check = PhotoCheck(self.channel, self._check.photos + added.photos)
        self._save()

    def blur_track(self, video_index: int, track_index: int) -> None:
        if not 0 <= video_index < len(self._videos):
            raise BadInput(f"There is no clip {video_index + 1}: the draft has "
                           f"{len(self._videos)}.")
        if not 0 <= track_index < len(self._videos[video_index].tracks):
            raise BadInput(f"Clip {video_index + 1} has no person {track_index + 1}.")
        self._video_blur.setdefault(video_index, set()).add(track_index)
        self._save()

    def remove_photo(self, index: int) -> None:
        self._photo(index)
        photos = list(self._check.photos)
        del photos[index]
        self._blurred = {(i if i < index else i - 1): f for i, f in self._blurred.items()
                         if i != index}
        self._check = PhotoCheck(self.channel, tuple(photos))
        self._save()

    def blur_face(self, photo_index: int, face_index: int) -> None:
        self._face(photo_index, face_index)
        self._blurred.setdefault(photo_index, set()).add(face_index)
        self._save()

    def blur_all(self) -> None:
        """Every face without consent, in every photo: the quickest safe choice."""
        for index, faces in faces_without_consent(self._check).items():
            self._blurred.setdefault(index, set()).update(faces)
        for index, video in enumerate(self._videos):
            self._video_blur.setdefault(index, set()).update(
                n for n, track in enumerate(video.tracks) if track.blocks)
        self._save()

    def mark_face(self, photo_index: int, box: tuple[int, int, int, int]) -> None:
        """A face the check missed, drawn by hand: unknown until blurred or identified."""
        photo = self._photo(photo_index)
        updated = self._parts.marks.mark(self._session, photo, box, self.channel)
        photos = list(self._check.photos)
        photos[photo_index] = updated
        self._check = PhotoCheck(self.channel, tuple(photos))
        self._save()

    def identify_face(self, photo_index: int, face_index: int, pupil_id: str | None,
                      reason: str = "") -> None:
        """Say who a face is: a pupil (their consent decides), or an adult who agreed (None,
        with a reason). Audited by PhotoCheckService."""
        photo = self._photo(photo_index)
        self._face(photo_index, face_index)
        updated = self._parts.photos.identify(self._session, photo, face_index, pupil_id,
                                              self.channel, reason)
        photos = list(self._check.photos)
        photos[photo_index] = updated
        self._check = PhotoCheck(self.channel, tuple(photos))
        self._save()

    def acknowledge(self, finding_index: int, reason: str) -> dict[str, str]:
        """A reason for posting despite a warning (numbered as findings() lists them)."""
        findings = self.findings()
        if not 0 <= finding_index < len(findings):
            raise BadInput(f"There is no finding {finding_index + 1}: the draft has "
                           f"{len(findings)}.")
        given = acknowledge(findings[finding_index], reason)
        self._save(acknowledged=[*self._draft.acknowledged, given])
        return given

    # -- where it stands -----------------------------------------------------------------------
    def readiness(self) -> Readiness:
        return self._state(self.findings())

    def _state(self, findings: list[Finding]) -> Readiness:
        return self._content().readiness(findings)

    def review(self) -> Review:
        """The findings, what blocks and the verdict, from one check of the text (each check
        of a protected pupil's name is an alert: it is counted once)."""
        findings = self.findings()
        return Review(findings, self._blockers(findings), self._verdict(findings))

    def blockers(self) -> list[str]:
        """What stands between this draft and posting, as sentences; empty when it is ready."""
        return self._blockers(self.findings())

    def _blockers(self, findings: list[Finding]) -> list[str]:
        return self._content().blockers(findings)

    def verdict(self) -> str:
        """block, warn or ok: the text's findings and the photos' faces together."""
        return self._verdict(self.findings())

    def _verdict(self, findings: list[Finding]) -> str:
        return self._content().verdict(findings)

    def publication(self, exported: Sequence[ExportedPhoto] | None = None,
                    copies: Sequence[ExportedVideo] | None = None) -> Publication:
        """The record this post would leave, clips after photos; refuses a post that is not
        ready."""
        return self._publication(self.findings(), exported, copies)

    def _publication(self, findings: list[Finding],
                     exported: Sequence[ExportedPhoto] | None = None,
                     copies: Sequence[ExportedVideo] | None = None) -> Publication:
        return self._content().publication(findings, self._parts.consent.pupils(self._session),
                                           self._parts.consent.today(), exported, copies)

    def _content(self) -> Content:
        return Content(self.text, self.channel, self._check, self._blurred,
                       self._draft.acknowledged, self._videos, self._video_blur)

    # -- approval, safe copies, publishing ---------------------------------------------------
    def submit(self) -> Approval:
        return self._parts.approvals.submit(self._session, self.draft_id, self.publication())

    def prepare(self, folder: Path | None) -> Prepared:
        """Safe copies in `folder` (none needed for a post without photos) and the text; their
        hashes are kept with the draft for publish()."""
        findings = self.findings()
        publication = self._publication(findings)  # refuses a post not ready, before any file
        exported: list[ExportedPhoto] = []
        copies: list[ExportedVideo] = []
        if (self._check.photos or self._videos) and folder is None:
            raise BadInput("Say where the safe copies should go.")
        if self._check.photos and folder is not None:
            also = {i: sorted(f) for i, f in self._blurred.items() if f}
            exported = self._parts.photos.export(self._session, self._check, folder, also)
        if self._videos and folder is not None:
            also_tracks = {i: sorted(f) for i, f in self._video_blur.items() if f}
            copies = self._video_service().export(
                self._session, VideoCheck(self.channel, tuple(self._videos)), folder,
                also_tracks)
        if exported or copies:
            publication = self._publication(findings, exported if self._check.photos else None,
                                            copies if self._videos else None)
        written = folder if exported or copies else None
        self._parts.drafts.remember_prepared(
            self._session, self.draft_id, prepared_record(self.channel, publication, written))
        self._draft = self._parts.drafts.get(self._session, self.draft_id)
        return Prepared(publication.text, written, exported, copies)

    def publish(self, url: str = "") -> Post:
        """Record that the post went out, from the saved draft checked again now."""
        fresh = PostComposer.open(self._parts, self._session, self.draft_id)
        fresh._refuse_changed_files()
        findings = fresh.findings()  # text and faces as they are now
        blockers = fresh._blockers(findings)
        if blockers:
            raise Refused("This post cannot be published yet: " + blockers[0])
        publication = fresh._publication(findings)
        if publication.photos:
            publication = fresh._with_safe_copies(publication)
        post = self._parts.drafts.publish(self._session, self.draft_id, self.channel,
                                          publication, url=url)
        self._draft = self._parts.drafts.get(self._session, self.draft_id)
        return post

    # -- helpers -------------------------------------------------------------------------------
    def _recheck(self, everything: Sequence[DraftPhoto]) -> None:
        clips = [p for p in everything if is_clip(p.path)]
        saved = [p for p in everything if not is_clip(p.path)]
        if clips:
            self._restore_clips(clips)
        if not saved:
            return
        check = self._parts.photos.check(self._session, [p.path for p in saved], self.channel)
        photos, blurred, dropped = [], {}, 0
        for index, (photo, kept) in enumerate(zip(check.photos, saved, strict=True)):
            restored = restore_decisions(self._parts.photos, self._parts.marks, self._session,
                                         photo, kept, self.channel, self.draft_id)
            photos.append(restored.photo)
            if restored.blurred:
                blurred[index] = set(restored.blurred)
            dropped += restored.dropped
        self._check = PhotoCheck(self.channel, tuple(photos))
        self._blurred, self._dropped = blurred, dropped

    def _refuse_changed_files(self) -> None:
        for saved in self._draft.photos:
            if is_clip(saved.path) and (saved.sha256 is None
                                        or sha256_of_file(Path(saved.path)) != saved.sha256):
                raise Refused(f"{Path(saved.path).name} changed after it was checked, so it is "
                              "not the clip that was checked: open the draft and check it "
                              "again.")
        stills = [p for p in self._draft.photos if not is_clip(p.path)]
        for saved, photo in zip(stills, self._check.photos, strict=True):
            name = Path(saved.path).name
            if saved.sha256 is None or sha256_of_file(Path(saved.path)) != saved.sha256:
                raise Refused(f"{name} changed after it was checked, so it is not the photo "
                              "that was checked: open the draft and check it again.")
            if photo.error is not None:
                raise Refused(f"{name} could not be read again: {photo.error}")

    def _with_safe_copies(self, publication: Publication) -> Publication:
        prepared = self._draft.prepared
        safe = prepared.get("safe") or []
        if len(safe) != len(publication.photos):
            raise Refused("Prepare the post first: its safe copies have not been made.")
        with_copies = Publication(
            publication.text,
            [PublishedPhoto(p.original_sha256, digest, p.faces)
             for p, digest in zip(publication.photos, safe, strict=True)],
            publication.pupils, publication.acknowledged_warnings, publication.face_model)
        if prepared.get("content_hash") != content_hash(self.channel, with_copies):
            raise Refused("The post changed after it was prepared: prepare it again.")
        return with_copies

    def _save(self, body: str | None = None, channel: str | None = None,
              acknowledged: list[dict[str, str]] | None = None) -> None:
        photos = [decisions_of(p, self._blurred.get(i, ()))
                  for i, p in enumerate(self._check.photos)]
        photos += self._content().clip_records()
        self._draft = self._parts.drafts.save(
            self._session, self.draft_id, body if body is not None else self.text, photos,
            channel, acknowledged=acknowledged)
        self._check = PhotoCheck(self.channel, self._check.photos)

    # -- clips -------------------------------------------------------------------------------
    def _video_service(self) -> VideoCheckService:
        if self._parts.videos is None:
            raise BadInput("This composer was set up without the video check, so it takes "
                           "photos only: add the clip in the app or with croftpost draft.")
        return self._parts.videos

    def _check_clips(self, paths: Sequence[str]) -> list[VideoScan]:
        check = self._video_service().check(self._session, paths, self.channel)
        if check.errors:  # nothing half-added: the clip is named with the reason
            raise BadInput(next(iter(check.errors.values())))
        return list(check.videos)

    def _restore_clips(self, saved: Sequence[DraftPhoto]) -> None:
        """The clips checked again; a track chosen for blurring comes back when the clip is
        unchanged and its first box is the same (fail safe: otherwise it is undecided)."""
        self._videos = self._check_clips([p.path for p in saved])
        for index, (video, kept) in enumerate(zip(self._videos, saved, strict=True)):
            chosen, dropped = restore_clip_choices(video, kept)
            self._dropped += dropped
            if chosen:
                self._video_blur[index] = chosen

    def _photo(self, index: int) -> PhotoResult:
        if not 0 <= index < len(self._check.photos):
            raise BadInput(f"There is no photo {index + 1}: the draft has "
                           f"{len(self._check.photos)}.")
        return self._check.photos[index]

    def _face(self, photo_index: int, face_index: int) -> None:
        faces = self._photo(photo_index).faces
        if not 0 <= face_index < len(faces):
            raise BadInput(f"Photo {photo_index + 1} has no face {face_index + 1}: it has "
                           f"{len(faces)}.")


def prepared_record(channel: str, publication: Publication,
                    folder: Path | None) -> dict[str, Any]:
    """What a draft keeps of its safe copies: their hashes and the content they were made for
    (the screen makes them on a worker and records them through this too)."""
    return {"content_hash": content_hash(channel, publication),
            "safe": [p.safe_sha256 for p in publication.photos],
            "folder": str(folder) if folder else ""}


def is_clip(path: str | Path) -> bool:
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def current_acknowledged(composer: PostComposer) -> list[Finding]:
    """The warnings of a draft that still need a reason."""
    return unacknowledged(composer.findings(), composer.acknowledged)


def _count(n: int, word: str) -> str:
    return f"1 {word}" if n == 1 else f"{n} {word}s"


__all__ = ["ComposerParts", "Content", "PostComposer", "Prepared", "post_text"]
