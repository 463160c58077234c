"""When a post is ready to go out, and what is recorded when it does (issues 5 and 7).

The compose screen asks these plain functions instead of holding rules of its own:
- a post is ready only when nothing blocks: no blocking text finding, no photo that could not be
  checked, and every face either consented today or chosen for blurring;
- every warning needs an acknowledgement with a reason, kept with the post;
- the record of a post (a Publication) names the pupils who can be seen in it, with their
  consent at this moment, and every face's status and whether it was blurred.

Safe copies blur every face that is not consented whatever staff chose (PhotoCheckService.export),
so "chosen for blurring" only records that a person looked at that face and decided.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from croftpost.core.consent_model import NAME_KINDS, PHOTO_KINDS, Pupil
from croftpost.core.photo_check import AREA, ExportedPhoto, PhotoCheck, PhotoResult, evidence
from croftpost.core.textcheck import Finding
from croftpost.errors import BadInput

MIN_REASON_CHARS = 10  # "ok" is not a reason; a short sentence is
MAX_REASON_CHARS = 500

# What a photo's badge says (the screens give each an icon and words).
PHOTO_OK = "ok"  # every face is consented, or there is none
PHOTO_BLURRED = "blurred"  # every face without consent has been chosen for blurring
PHOTO_ATTENTION = "attention"  # a face without consent still needs a decision
PHOTO_ERROR = "error"  # the photo could not be checked: it cannot be posted

Blurred = Mapping[int, Collection[int]]  # photo index -> indexes of faces chosen for blurring


@dataclass(frozen=True)
class PublishedPhoto:
    original_sha256: str
    safe_sha256: str
    faces: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Publication:
    """Everything a school needs later to answer a parent, a subject access request or the ICO.
    Built only here (build_publication), from a draft that is ready."""

    text: str
    photos: list[PublishedPhoto]
    pupils: dict[str, dict[str, Any]]  # pupil id -> consent state at this moment
    acknowledged_warnings: list[dict[str, str]]
    face_model: dict[str, Any]


def post_text(raw: str) -> str:
    """The text that is posted, copied and hashed: without leading or trailing blank space."""
    return raw.strip()


# -- photos ----------------------------------------------------------------------------------
def undecided_faces(photo: PhotoResult, blurred: Collection[int]) -> list[int]:
    """Faces without consent that nobody has yet chosen to blur (an area drawn to be blurred
    is decided: it is always blurred)."""
    return [i for i, face in enumerate(photo.faces)
            if face.blocks and face.source != AREA and i not in blurred]


def photo_state(photo: PhotoResult, blurred: Collection[int]) -> str:
    if photo.error is not None:
        return PHOTO_ERROR
    if undecided_faces(photo, blurred):
        return PHOTO_ATTENTION
    if any(face.blocks for face in photo.faces):
        return PHOTO_BLURRED
    return PHOTO_OK


def faces_without_consent(check: PhotoCheck) -> dict[int, set[int]]:
    """Every face that is not consented, per photo: what "blur them all" chooses."""
    return {index: {i for i, face in enumerate(photo.faces) if face.blocks}
            for index, photo in enumerate(check.photos)
            if any(face.blocks for face in photo.faces)}


def is_blurred(check: PhotoCheck, blurred: Blurred, photo_index: int, face_index: int) -> bool:
    """Whether this face will be blurred in the safe copy: always when it is not consented."""
    face = check.photos[photo_index].faces[face_index]
    return face.blocks or face_index in blurred.get(photo_index, ())


# -- warnings --------------------------------------------------------------------------------
def _key(category: str, clause: str, excerpt: str) -> tuple[str, str, str]:
    return (category, clause, " ".join(excerpt.split()).casefold())


def acknowledge(finding: Finding, reason: str) -> dict[str, str]:
    """A member of staff's reason for posting despite a warning. Blocks cannot be waived."""
    if finding.severity != "warn":
        raise BadInput("A problem that blocks posting cannot be acknowledged: change the text.")
    cleaned = " ".join(reason.split())
    if len(cleaned) < MIN_REASON_CHARS:
        raise BadInput("Say in a few words why this is fine to post (at least "
                       f"{MIN_REASON_CHARS} characters).")
    if len(cleaned) > MAX_REASON_CHARS:
        raise BadInput(f"Keep the reason under {MAX_REASON_CHARS} characters.")
    return {"category": finding.category, "clause": finding.clause,
            "excerpt": finding.excerpt, "reason": cleaned}


def _acknowledged_keys(acknowledged: Sequence[Mapping[str, str]]) -> set[tuple[str, str, str]]:
    return {_key(a.get("category", ""), a.get("clause", ""), a.get("excerpt", ""))
            for a in acknowledged}


def unacknowledged(findings: Sequence[Finding],
                   acknowledged: Sequence[Mapping[str, str]]) -> list[Finding]:
    """Warnings that still need a reason (the same warning twice needs one reason)."""
    done = _acknowledged_keys(acknowledged)
    waiting: list[Finding] = []
    for f in findings:
        key = _key(f.category, f.clause, f.excerpt)
        if f.severity == "warn" and key not in done:
            done.add(key)
            waiting.append(f)
    return waiting


def current_acknowledgements(findings: Sequence[Finding],
                             acknowledged: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """The acknowledgements of the warnings still in the text, once each, in text order:
    a reason given for wording since deleted is not part of the post."""
    by_key = {_key(a.get("category", ""), a.get("clause", ""), a.get("excerpt", "")): dict(a)
              for a in acknowledged}
    kept: list[dict[str, str]] = []
    for f in findings:
        ack = by_key.pop(_key(f.category, f.clause, f.excerpt), None)
        if f.severity == "warn" and ack is not None:
            kept.append(ack)
    return kept


# -- readiness -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Readiness:
    """What stands between this post and "Prepare to post"."""

    empty: bool
    text_blocks: int
    faces_to_decide: int
    broken_photos: int
    warnings: tuple[Finding, ...]  # not blocking, but each needs a reason first

    @property
    def ready(self) -> bool:
        return (not self.empty and self.text_blocks == 0 and self.faces_to_decide == 0
                and self.broken_photos == 0)


def readiness(text: str, findings: Sequence[Finding], check: PhotoCheck | None,
              blurred: Blurred, acknowledged: Sequence[Mapping[str, str]]) -> Readiness:
    photos = check.photos if check is not None else ()
    return Readiness(
        empty=not post_text(text) and not photos,
        text_blocks=sum(f.severity == "block" for f in findings),
        faces_to_decide=sum(len(undecided_faces(p, blurred.get(i, ())))
                            for i, p in enumerate(photos) if p.error is None),
        broken_photos=sum(p.error is not None for p in photos),
        warnings=tuple(unacknowledged(findings, acknowledged)),
    )


# -- the record of a post --------------------------------------------------------------------
def consent_states(pupil: Pupil, channel: str, day: date) -> dict[str, Any]:
    """A pupil's consent at this moment, as a post records it."""
    def state(kind: str) -> str:
        record = pupil.consents.get(kind)
        return "none" if record is None else record.state_on(day)

    return {"photo": state(PHOTO_KINDS[channel]), "name": state(NAME_KINDS[channel]),
            "on_roll": pupil.on_roll(day), "protected": pupil.protected}


def shown_pupils(check: PhotoCheck, blurred: Blurred, pupils: Mapping[str, Pupil],
                 day: date) -> dict[str, dict[str, Any]]:
    """The pupils who can be seen in the safe copies, with their consent at this moment.
    A blurred face shows nobody, so its pupil is not listed (their face status still is)."""
    shown: dict[str, dict[str, Any]] = {}
    for index, photo in enumerate(check.photos):
        for n, face in enumerate(photo.faces):
            pupil = pupils.get(face.pupil_id or "")
            if pupil is None or is_blurred(check, blurred, index, n):
                continue
            shown[pupil.pupil_id] = consent_states(pupil, check.channel, day)
    return dict(sorted(shown.items()))


def published_photos(check: PhotoCheck, blurred: Blurred,
                     exported: Sequence[ExportedPhoto] | None = None) -> list[PublishedPhoto]:
    """Each photo's original hash, its safe copy's hash (empty before the copies are made,
    e.g. when the post goes for approval) and every face's status."""
    if exported is not None and len(exported) != len(check.photos):
        raise BadInput("The safe copies do not match the checked photos: prepare the post again.")
    result = []
    for index, photo in enumerate(check.photos):
        faces = [{"status": face.status, "pupil_id": face.pupil_id, "reason": face.reason,
                  "blurred": is_blurred(check, blurred, index, n), "source": face.source}
                 for n, face in enumerate(photo.faces)]
        safe = exported[index].dst_sha256 if exported is not None else ""
        result.append(PublishedPhoto(photo.content_hash, safe, faces))
    return result


def build_publication(text: str, check: PhotoCheck, blurred: Blurred,
                      findings: Sequence[Finding], acknowledged: Sequence[Mapping[str, str]],
                      pupils: Sequence[Pupil], day: date,
                      exported: Sequence[ExportedPhoto] | None = None) -> Publication:
    """What DraftService.publish records (and ApprovalService.submit shows the approver).
    Refuses a post that is not ready, so no screen can record one by mistake."""
    state = readiness(text, findings, check, blurred, acknowledged)
    if not state.ready:
        raise BadInput("This post is not ready: fix what blocks it first.")
    if state.warnings:
        raise BadInput("Every warning needs a reason before the post can go out.")
    by_id = {p.pupil_id: p for p in pupils}
    return Publication(
        text=post_text(text),
        photos=published_photos(check, blurred, exported),
        pupils=shown_pupils(check, blurred, by_id, day),
        acknowledged_warnings=current_acknowledgements(findings, acknowledged),
        face_model=evidence(check),
    )
