"""Checking photos against the consent register, and writing safe copies to post.

What a face is (which pupil, or unknown) is decided by matching and cached by the photo's
content hash; whether that pupil may appear is decided afresh on every call from today's
consents, so a withdrawal or an expiry takes effect at once, even for a cached photo.

Fail safe throughout: a face is "consented" only when it was confidently matched to a pupil
whose photo consent for the channel counts today (or a member of staff identified it as a
consenting adult); a protected pupil is never consented; a photo that could not be scanned
blocks.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.alerts import PROTECTED_FACE, AlertService
from croftpost.core.audit import AuditLog
from croftpost.core.channels import CHANNELS
from croftpost.core.clock import Clock, iso, utc_now
from croftpost.core.consent import ConsentService
from croftpost.core.consent_model import Pupil
from croftpost.core.face_scan import FaceScanner
from croftpost.core.faces import DEFAULT_PARAMS, PhotoScan, ScanFailure, ScanParams
from croftpost.core.matching import (
    FACE_MODEL_NAME,
    MATCH_MARGIN,
    MATCH_TOLERANCE,
    EncodingGallery,
    match_faces,
)
from croftpost.core.photos import file_sha256
from croftpost.core.safe_export import safe_copy_suffix, still_photos_only, write_safe_copy
from croftpost.errors import BadInput, BadPhoto, NotFound
from croftpost.files import make_private_folder
from croftpost.storage import photo_checks_repo
from croftpost.storage.db import transaction

Box = tuple[int, int, int, int]
CONSENTED = "consented"
NOT_CONSENTED = "not_consented"
UNKNOWN = "unknown"
ADULT = "adult"  # identified by staff as an adult who has consented
TOO_SMALL = "too_small"  # a reason: found, but too small to identify (blocks like unknown)
# Who found a face (FaceResult.source): the check, or staff by hand (croftpost.core.face_marks):
# a face it missed (blocks until blurred or identified), or an area that is always blurred.
FOUND, DRAWN, AREA = "found", "drawn", "area"

Progress = Callable[[int, int], None]
MAX_REASON_CHARS = 300


@dataclass(frozen=True)
class FaceResult:
    """One face. `reason` says why it has its status, in a word the screens can explain:
    matched, no_match, ambiguous, duplicate, no_gallery (matching), too_small (found but too
    small to identify), identified, adult (staff), protected, no_consent (consent)."""

    box: Box
    status: str
    pupil_id: str | None
    distance: float | None
    reason: str
    frame: int = 0  # which frame of an animation or multi-page file the box is in
    source: str = FOUND  # FOUND by the check, or DRAWN / AREA by staff

    @property
    def blocks(self) -> bool:
        return self.status != CONSENTED


@dataclass(frozen=True)
class PhotoResult:
    path: str
    content_hash: str
    width: int = 0
    height: int = 0
    gps: bool = False
    format: str = ""
    min_face_px: int = 0
    faces: tuple[FaceResult, ...] = ()
    error: str | None = None  # the photo could not be read or scanned: it blocks
    identify_px: int = 0
    frames: int = 1

    @property
    def blocks(self) -> bool:
        return self.error is not None or any(f.blocks for f in self.faces)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path, "width": self.width, "height": self.height, "gps": self.gps,
            "frames": self.frames, "min_face_px": self.min_face_px,
            "identify_px": self.identify_px,
            "faces": [{"box": list(f.box), "status": f.status, "pupil_id": f.pupil_id,
                       "distance": None if f.distance is None else round(f.distance, 4),
                       "reason": f.reason, "frame": f.frame, "source": f.source}
                      for f in self.faces]}
        if self.error is not None:
            data["error"] = self.error
        return data


@dataclass(frozen=True)
class PhotoCheck:
    channel: str
    photos: tuple[PhotoResult, ...]

    @property
    def verdict(self) -> str:
        return "block" if any(p.blocks for p in self.photos) else "ok"

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "photos": [p.to_json() for p in self.photos]}


@dataclass(frozen=True)
class ExportedPhoto:
    source: str
    path: str
    src_sha256: str
    dst_sha256: str
    blurred: int


class PhotoCheckService:
    """Finds faces (in worker processes), matches them and applies today's consents."""

    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 consent: ConsentService, clock: Clock = utc_now, *, workers: int = 2,
                 params: ScanParams = DEFAULT_PARAMS, alerts: AlertService | None = None
                 ) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._consent = consent
        self._alerts = alerts
        self._clock = clock
        self.params = params
        self._workers = workers
        self._scanner: FaceScanner | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        if self._scanner is not None:
            self._scanner.close()
            self._scanner = None

    def warm_up(self) -> None:
        """Start the face scanner now (the app does this in the background after login)."""
        self._get_scanner().warm_up()

    # -- checking --------------------------------------------------------------------------
    def check(self, session: Session, paths: Sequence[Path | str], channel: str,
              cancel: threading.Event | None = None,
              progress: Progress | None = None) -> PhotoCheck:
        """Every face in every photo, with its status for `channel` today. Photos that were
        cancelled before they were scanned are left out."""
        actor = self._accounts.require(session, Permission.CHECK_CONTENT).username
        _check_channel(channel)
        identities = self._identities(paths, cancel, progress)
        results = self._apply_consent([identities[i] for i in sorted(identities)], channel)
        self._audit.record(actor, "photo.checked", channel, {
            "photos": [{"sha256": r.content_hash, "faces": len(r.faces),
                        "blocking": sum(f.blocks for f in r.faces), "error": r.error is not None}
                       for r in results]})
        self._alert_protected(actor, channel, results)
        return PhotoCheck(channel, tuple(results))

    def refresh(self, check: PhotoCheck, channel: str | None = None) -> PhotoCheck:
        """The same faces with today's consents (and another channel, if given)."""
        channel = channel or check.channel
        _check_channel(channel)
        return PhotoCheck(channel, tuple(self._apply_consent(list(check.photos), channel)))

    def identify(self, session: Session, photo: PhotoResult, face_index: int,
                 pupil_id: str | None, channel: str, reason: str = "") -> PhotoResult:
        """A member of staff says who a face is: a pupil (whose consent then decides), or
        None for an adult who has consented, which needs a reason (who, and how their consent
        is known): nothing else stands between that face and the public. Audited. A face the
        matcher gave to a protected pupil stays theirs: it can only be blurred."""
        actor = self._accounts.require_channel(session, channel).username
        reason = " ".join(reason.split())
        if pupil_id is None and not reason:
            raise BadInput("Say who this adult is and how you know they agreed to be posted.")
        if len(reason) > MAX_REASON_CHARS:
            raise BadInput(f"Keep the reason under {MAX_REASON_CHARS} characters.")
        face = photo.faces[face_index]
        updated = self._identified(photo, face_index, pupil_id, channel)
        now: dict[str, Any] = {"status": updated.faces[face_index].status, "pupil_id": pupil_id,
                               "adult": pupil_id is None}
        if reason:
            now["reason"] = reason
        self._audit.record(actor, "photo.face_identified", channel, {
            "photo_sha256": photo.content_hash, "box": list(face.box),
            "was": {"status": face.status, "pupil_id": face.pupil_id}, "now": now})
        self._alert_protected(actor, channel, [updated])
        return updated

    def restore_identifications(self, session: Session, photo: PhotoResult,
                                identities: Mapping[int, str | None], channel: str,
                                draft_id: int | None) -> tuple[PhotoResult, list[int]]:
        """Identifications kept with a draft (face index -> pupil id, None for an adult) made
        again under today's rules: today's consent decides; a protected face or a pupil deleted
        since is refused. Returns the photo and the refused faces. Not audited as a new
        identification (nobody looked again): one entry notes what the draft brought back,
        whose photo hash and boxes lead to the original photo.face_identified entries."""
        actor = self._accounts.require_channel(session, channel).username
        updated, kept, refused = photo, [], []
        for index, pupil_id in sorted(identities.items()):
            try:
                updated = self._identified(updated, index, pupil_id, channel)
                kept.append(index)
            except (BadInput, NotFound):
                refused.append(index)
        if kept:
            self._audit.record(actor, "photo.identification_restored", channel, {
                "draft_id": draft_id, "photo_sha256": photo.content_hash,
                "faces": [{"box": list(f.box), "pupil_id": f.pupil_id, "status": f.status,
                           "adult": f.reason == ADULT}
                          for f in (updated.faces[i] for i in kept)]})
            self._alert_protected(actor, channel, [updated])
        return updated, refused

    # -- safe copies -----------------------------------------------------------------------
    def export(self, session: Session, check: PhotoCheck, out_dir: Path | str,
               also_blur: Mapping[int, Sequence[int]] | None = None,
               name_prefix: str | None = None) -> list[ExportedPhoto]:
        """Safe copies of every checked photo in `out_dir`: metadata gone, every face that
        is not consented today blurred (plus the faces in `also_blur`: photo index -> face
        indexes). Neutral names (a pupil's name in a file name travels with the upload)."""
        actor = self._accounts.require_channel(session, check.channel).username
        current = self.refresh(check)
        broken = [p for p in current.photos if p.error is not None]
        if broken:
            raise BadPhoto(f"{Path(broken[0].path).name} could not be checked, so it cannot be "
                           "exported: remove it or check it again.")
        for photo in current.photos:
            if photo.frames > 1:
                raise BadPhoto(still_photos_only(Path(photo.path).name, photo.frames))
        out = Path(out_dir)
        make_private_folder(out)  # safe copies are still photos of children
        _remove_stale_parts(out)
        prefix = name_prefix or f"croftpost-{self._today().isoformat()}"
        extra = also_blur or {}
        exported = []
        for index, photo in enumerate(current.photos):
            blur = [f.box for n, f in enumerate(photo.faces)
                    if f.blocks or n in set(extra.get(index, ()))]
            dst = _free_name(out, f"{prefix}-{index + 1:02d}", safe_copy_suffix(photo.path))
            result = write_safe_copy(photo.path, dst, blur, expected_sha256=photo.content_hash)
            exported.append(ExportedPhoto(photo.path, str(dst), result.src_sha256,
                                          result.dst_sha256, result.blurred))
        self._audit.record(actor, "photo.exported", check.channel, {
            "photos": [{"src_sha256": e.src_sha256, "dst_sha256": e.dst_sha256,
                        "blurred": e.blurred} for e in exported]})
        return exported

    # -- internals -------------------------------------------------------------------------
    def _identified(self, photo: PhotoResult, face_index: int, pupil_id: str | None,
                    channel: str) -> PhotoResult:
        face = photo.faces[face_index]
        if face.reason == "protected":
            raise BadInput("This face matched a pupil who must never appear: blur it instead.")
        if face.source == AREA:
            raise BadInput("This is an area to blur, not a face: draw a face box to say who "
                           "it is.")
        if pupil_id is not None:
            self._consent.pupil(pupil_id)  # NotFound for an unknown id
        faces = list(photo.faces)
        faces[face_index] = replace(face, pupil_id=pupil_id,
                                    reason="identified" if pupil_id else ADULT)
        return self._apply_consent([replace(photo, faces=tuple(faces))], channel)[0]

    def _alert_protected(self, actor: str, channel: str, photos: Sequence[PhotoResult]) -> None:
        """A protected pupil in a photo someone means to post: the headteacher must know."""
        if self._alerts is None:
            return
        for photo in photos:
            for face in photo.faces:
                if face.reason == "protected" and face.pupil_id is not None:
                    self._alerts.raise_alert(PROTECTED_FACE, face.pupil_id, actor, {
                        "channel": channel, "photo_sha256": photo.content_hash})

    def _today(self) -> date:
        return self._consent.today()

    def _get_scanner(self) -> FaceScanner:
        with self._lock:
            if self._scanner is None:
                self._scanner = FaceScanner(self._workers, self.params)
            return self._scanner

    def _identities(self, paths: Sequence[Path | str], cancel: threading.Event | None,
                    progress: Progress | None) -> dict[int, PhotoResult]:
        """Who each face is (no consent applied yet), from the cache or a fresh scan."""
        gallery = self._consent.gallery()
        found: dict[int, PhotoResult] = {}
        to_scan: list[int] = []
        for i, path in enumerate(paths):
            cached = self._cached(Path(path), gallery.key)
            if cached is None:
                to_scan.append(i)
            else:
                found[i] = cached
        if progress is not None:
            progress(len(found), len(paths))

        def scanned(done: int, _total: int) -> None:
            if progress is not None:
                progress(len(found) + done, len(paths))

        scans = self._get_scanner().scan([paths[i] for i in to_scan], cancel, scanned)
        if scans:
            prepared = EncodingGallery(gallery.encodings)
            for i, scan in zip(to_scan, scans, strict=False):
                found[i] = self._identify(scan, prepared, gallery.key)
        return found

    def _cached(self, path: Path, gallery_key: str) -> PhotoResult | None:
        try:
            content_hash = file_sha256(path)
        except (OSError, BadPhoto):
            return None  # the scan will explain the problem
        text = photo_checks_repo.get(self._db, content_hash, self.params.key, gallery_key)
        if text is None:
            return None
        try:
            return _from_cache(json.loads(text), str(path), content_hash)
        except (ValueError, KeyError, TypeError):
            return None

    def _identify(self, scan: PhotoScan | ScanFailure, gallery: EncodingGallery,
                  gallery_key: str) -> PhotoResult:
        if isinstance(scan, ScanFailure):
            return PhotoResult(scan.path, "", error=scan.message)
        result = PhotoResult(scan.path, scan.content_hash, scan.width, scan.height, scan.gps,
                             scan.format, scan.min_face_px, _matched(scan, gallery),
                             identify_px=scan.identify_px, frames=scan.frames)
        with transaction(self._db):
            photo_checks_repo.forget_other_galleries(self._db, gallery_key)
            photo_checks_repo.put(self._db, scan.content_hash, self.params.key, gallery_key,
                                  json.dumps(_to_cache(result)), iso(self._clock()))
        return result

    def _apply_consent(self, photos: list[PhotoResult], channel: str) -> list[PhotoResult]:
        today = self._today()
        pupils = {p.pupil_id: p for p in self._consent.all_pupils()}
        return [replace(p, faces=tuple(face_status(f, pupils, channel, today) for f in p.faces))
                for p in photos]


def _matched(scan: PhotoScan, gallery: EncodingGallery) -> tuple[FaceResult, ...]:
    """Who each face is. A face too small to identify is never matched: it stays unknown."""
    encoded = [f.encoding for f in scan.faces if f.encoding is not None]
    matches = iter(match_faces(encoded, gallery, MATCH_TOLERANCE, MATCH_MARGIN))
    faces = []
    for f in scan.faces:
        if f.encoding is None:
            faces.append(FaceResult(f.box, UNKNOWN, None, None, TOO_SMALL, f.frame))
            continue
        m = next(matches)
        pupil_id = None if m.pupil_id is None else str(m.pupil_id)
        faces.append(FaceResult(f.box, UNKNOWN, pupil_id, m.distance, m.reason, f.frame))
    return tuple(faces)


def face_status(face: FaceResult, pupils: dict[str, Pupil], channel: str, day: date
                ) -> FaceResult:
    """A face's status for `channel` on `day` (photos and video tracks alike)."""
    if face.reason == ADULT:
        return replace(face, status=CONSENTED)
    pupil = pupils.get(face.pupil_id) if face.pupil_id else None
    if pupil is None:  # unmatched, or a pupil deleted since
        reason = face.reason if face.pupil_id is None else "no_match"
        return replace(face, status=UNKNOWN, pupil_id=None, reason=reason)
    if pupil.protected:
        return replace(face, status=NOT_CONSENTED, reason="protected")
    if not pupil.photo_allowed(channel, day):
        reason = "identified" if face.reason == "identified" else "no_consent"
        return replace(face, status=NOT_CONSENTED, reason=reason)
    return replace(face, status=CONSENTED, reason="identified" if face.reason == "identified"
                   else "matched")


def _to_cache(result: PhotoResult) -> dict[str, Any]:
    return {"width": result.width, "height": result.height, "gps": result.gps,
            "format": result.format, "min_face_px": result.min_face_px,
            "identify_px": result.identify_px, "frames": result.frames,
            "faces": [{"box": list(f.box), "pupil_id": f.pupil_id, "distance": f.distance,
                       "reason": f.reason, "frame": f.frame} for f in result.faces]}


def _from_cache(data: dict[str, Any], path: str, content_hash: str) -> PhotoResult:
    faces = tuple(FaceResult(tuple(int(v) for v in f["box"]), UNKNOWN,  # type: ignore[arg-type]
                             f["pupil_id"], f["distance"], str(f["reason"]), int(f["frame"]))
                  for f in data["faces"])
    return PhotoResult(path, content_hash, int(data["width"]), int(data["height"]),
                       bool(data["gps"]), str(data["format"]), int(data["min_face_px"]), faces,
                       identify_px=int(data["identify_px"]), frames=int(data["frames"]))


def for_posting(check: PhotoCheck) -> PhotoCheck:
    """The check as the compose screen uses it: an animation or multi-page file cannot be
    posted (its safe copy would be one still), so it is a photo that cannot be posted, with
    the reason, rather than faces to decide about."""
    photos = tuple(
        replace(p, faces=(), error=still_photos_only(Path(p.path).name, p.frames))
        if p.frames > 1 and p.error is None else p
        for p in check.photos)
    return replace(check, photos=photos)


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise BadInput(f"The channel must be one of {', '.join(CHANNELS)}.")


def _remove_stale_parts(folder: Path, older_than_s: float = 600) -> None:
    """Half-written copies left by an export that was killed: photos of children nobody will
    ever see in the folder (they are hidden files) should not linger on a shared PC."""
    cutoff = time.time() - older_than_s
    for part in folder.glob(".croftpost-*.part"):
        with contextlib.suppress(OSError):
            if part.stat().st_mtime < cutoff:
                part.unlink()


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    candidate, n = folder / f"{stem}{suffix}", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate


def evidence(check: PhotoCheck) -> dict[str, Any]:
    """What a post's audit entry keeps about its photos' faces (no names, no encodings)."""
    return {"face_model": FACE_MODEL_NAME, "tolerance": MATCH_TOLERANCE, "margin": MATCH_MARGIN,
            "photos": [{"sha256": p.content_hash,
                        "faces": [{"status": f.status, "pupil_id": f.pupil_id,
                                   "reason": f.reason} for f in p.faces]}
                       for p in check.photos]}
