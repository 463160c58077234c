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

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from croftpost.core.accounts import Session
from croftpost.core.approvals import Approval, ApprovalService, content_hash
from croftpost.core.consent import ConsentService
from croftpost.core.draft_photos import DraftPhoto
from croftpost.core.drafts import Draft, DraftService, Post
from croftpost.core.face_decisions import decisions_of, restore_decisions
from croftpost.core.face_marks import FaceMarkService
from croftpost.core.photo_check import ExportedPhoto, PhotoCheck, PhotoCheckService, PhotoResult
from croftpost.core.posting import (
    Publication,
    Readiness,
    acknowledge,
    build_publication,
    faces_without_consent,
    post_text,
    readiness,
    unacknowledged,
)
from croftpost.core.text_service import TextService
from croftpost.core.textcheck import Finding, verdict
from croftpost.errors import BadInput, Refused


@dataclass(frozen=True)
class ComposerParts:
    """The services a composer drives (Services.composer_parts gathers them)."""

    drafts: DraftService
    photos: PhotoCheckService
    marks: FaceMarkService
    text: TextService
    approvals: ApprovalService
    consent: ConsentService


@dataclass(frozen=True)
class Prepared:
    """Safe copies made and the text to paste."""

    text: str
    folder: Path | None
    photos: list[ExportedPhoto]


class PostComposer:
    """One draft, as a member of staff composes it."""

    def __init__(self, parts: ComposerParts, session: Session, draft: Draft) -> None:
        self._parts = parts
        self._session = session
        self._draft = draft
        self._check = PhotoCheck(draft.channel, ())
        self._blurred: dict[int, set[int]] = {}
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

    def add_photos(self, paths: Sequence[str | Path]) -> None:
        added = self._parts.photos.check(self._session, [str(p) for p in paths], self.channel)
        self._check = PhotoCheck(self.channel, self._check.photos + added.photos)
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
        return readiness(self.text, self.findings(), self._check, self._blurred,
                         self._draft.acknowledged)

    def blockers(self) -> list[str]:
        """What stands between this draft and posting, as sentences; empty when it is ready."""
        findings = self.findings()
        state = readiness(self.text, findings, self._check, self._blurred,
                          self._draft.acknowledged)
        said = []
        if state.empty:
            said.append("The post is empty: write something or add a photo.")
        said += [f"{f.message} (policy {f.clause})" for f in findings if f.severity == "block"]
        if state.broken_photos:
            said.append(f"{_count(state.broken_photos, 'photo')} could not be checked: remove "
                        "or replace it.")
        if state.faces_to_decide:
            said.append(f"{_count(state.faces_to_decide, 'face')} without consent for "
                        f"{self.channel}: blur or identify each one.")
        said += [f"Give a reason for the warning: {f.message}" for f in state.warnings]
        return said

    def verdict(self) -> str:
        """block, warn or ok: the text's findings and the photos' faces together."""
        findings = self.findings()
        state = readiness(self.text, findings, self._check, self._blurred,
                          self._draft.acknowledged)
        if not state.ready:
            return "block"
        return "warn" if verdict(findings) == "warn" else "ok"

    def publication(self, exported: Sequence[ExportedPhoto] | None = None) -> Publication:
        """The record this post would leave; refuses a post that is not ready."""
        pupils = self._parts.consent.pupils(self._session)
        return build_publication(self.text, self._check, self._blurred, self.findings(),
                                 self._draft.acknowledged, pupils, self._parts.consent.today(),
                                 exported)

    # -- approval, safe copies, publishing ---------------------------------------------------
    def submit(self) -> Approval:
        return self._parts.approvals.submit(self._session, self.draft_id, self.publication())

    def prepare(self, folder: Path | None) -> Prepared:
        """Safe copies in `folder` (none needed for a post without photos) and the text; their
        hashes are kept with the draft for publish()."""
        publication = self.publication()  # refuses a post that is not ready, before any file
        exported: list[ExportedPhoto] = []
        if self._check.photos:
            if folder is None:
                raise BadInput("Say where the safe copies should go.")
            also = {i: sorted(f) for i, f in self._blurred.items() if f}
            exported = self._parts.photos.export(self._session, self._check, folder, also)
            publication = self.publication(exported)
        self._parts.drafts.remember_prepared(
            self._session, self.draft_id,
            prepared_record(self.channel, publication, folder if exported else None))
        self._draft = self._parts.drafts.get(self._session, self.draft_id)
        return Prepared(publication.text, folder if exported else None, exported)

    def publish(self, url: str = "") -> Post:
        """Record that the post went out, from the saved draft checked again now."""
        fresh = PostComposer.open(self._parts, self._session, self.draft_id)
        fresh._refuse_changed_files()
        blockers = fresh.blockers()  # text and faces as they are now
        if blockers:
            raise Refused("This post cannot be published yet: " + blockers[0])
        publication = fresh.publication()
        if publication.photos:
            publication = fresh._with_safe_copies(publication)
        post = self._parts.drafts.publish(self._session, self.draft_id, self.channel,
                                          publication, url=url)
        self._draft = self._parts.drafts.get(self._session, self.draft_id)
        return post

    # -- helpers -------------------------------------------------------------------------------
    def _recheck(self, saved: Sequence[DraftPhoto]) -> None:
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
        for saved, photo in zip(self._draft.photos, self._check.photos, strict=True):
            name = Path(saved.path).name
            if saved.sha256 is None or _file_sha256(Path(saved.path)) != saved.sha256:
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
            [type(p)(p.original_sha256, digest, p.faces)
             for p, digest in zip(publication.photos, safe, strict=True)],
            publication.pupils, publication.acknowledged_warnings, publication.face_model)
        if prepared.get("content_hash") != content_hash(self.channel, with_copies):
            raise Refused("The post changed after it was prepared: prepare it again.")
        return with_copies

    def _save(self, body: str | None = None, channel: str | None = None,
              acknowledged: list[dict[str, str]] | None = None) -> None:
        photos = [decisions_of(p, self._blurred.get(i, ()))
                  for i, p in enumerate(self._check.photos)]
        self._draft = self._parts.drafts.save(
            self._session, self.draft_id, body if body is not None else self.text, photos,
            channel, acknowledged=acknowledged)
        self._check = PhotoCheck(self.channel, self._check.photos)

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


def current_acknowledged(composer: PostComposer) -> list[Finding]:
    """The warnings of a draft that still need a reason."""
    return unacknowledged(composer.findings(), composer.acknowledged)


def _count(n: int, word: str) -> str:
    return f"1 {word}" if n == 1 else f"{n} {word}s"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


__all__ = ["ComposerParts", "PostComposer", "Prepared", "post_text"]
