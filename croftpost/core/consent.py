"""The photo-consent register, kept by office staff and the headteacher.

Face encodings are biometric data (Protection of Freedoms Act 2012): stored only for a pupil with
biometric consent, and erased at once when that consent is withdrawn or the pupil is deleted.
Every change is audited with who did it and the values before and after.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.alerts import PROTECTION_KEPT, PROTECTION_REFUSED, AlertService
from croftpost.core.audit import AuditLog
from croftpost.core.clock import Clock, iso, local_today, utc_now
from croftpost.core.consent_csv import ImportRejected, PupilRow, RowError, parse
from croftpost.core.consent_model import BIOMETRIC, ConsentRecord, Pupil
from croftpost.core.erasure import ErasureKeeper, apply_erasure
from croftpost.core.takedowns import TakedownService
from croftpost.errors import BadInput, NotFound, PermissionDenied
from croftpost.storage import pupils_repo
from croftpost.storage.db import transaction
from croftpost.storage.erasures_repo import Erasure
from croftpost.storage.schema import CONSENT_KINDS


@dataclass(frozen=True)
class PupilChange:
    pupil_id: str
    is_new: bool
    before: dict[str, object]
    after: dict[str, object]

    @property
    def changed_fields(self) -> list[str]:
        return [k for k in self.after if self.before.get(k) != self.after[k]]


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do, shown before anything is saved."""

    changes: list[PupilChange]
    unchanged: int
    errors: list[RowError]

    @property
    def new(self) -> list[PupilChange]:
        return [c for c in self.changes if c.is_new]

    @property
    def updated(self) -> list[PupilChange]:
        return [c for c in self.changes if not c.is_new]


@dataclass(frozen=True)
class Gallery:
    """Reference encodings of the pupils whose biometric consent counts today."""

    encodings: dict[str, list[np.ndarray]]
    key: str


class ConsentService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 clock: Clock = utc_now, takedowns: TakedownService | None = None,
                 alerts: AlertService | None = None) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._clock = clock
        self._alerts = alerts or AlertService(db, audit, accounts, clock)
        # Withdrawals and protection create takedown tasks in the same transaction.
        self._takedowns = takedowns or TakedownService(db, audit, accounts, clock)
        self._erasure = ErasureKeeper(db, audit, clock)

    def today(self) -> date:
        return local_today(self._clock)

    # -- reading ---------------------------------------------------------------------------
    def record_no_photo_lists(self, session: Session, file_name: str, classes: int,
                              pupils_listed: int) -> None:
        """The printed lists of who must not be photographed were written to a file."""
        member = self._accounts.require(session, Permission.CHECK_CONTENT)
        self._audit.record(member.username, "consent.no_photo_list", file_name,
                           {"classes": classes, "pupils_listed": pupils_listed})

    def pupils(self, session: Session) -> list[Pupil]:
        self._accounts.require(session, Permission.CHECK_CONTENT)
        return self.all_pupils()

    def all_pupils(self) -> list[Pupil]:
        """For the checks (internal): every pupil with consents and encoding counts."""
        consents: dict[str, dict[str, ConsentRecord]] = {}
        for row in pupils_repo.consents(self._db):
            consents.setdefault(row["pupil_id"], {})[row["kind"]] = _record(row)
        counts = pupils_repo.encoding_counts(self._db)
        return [_pupil(row, consents.get(row["pupil_id"], {}), counts.get(row["pupil_id"], 0))
                for row in pupils_repo.all_pupils(self._db)]

    def _enrolled_pupils(self) -> list[Pupil]:
        """The pupils with face encodings, without reading the rest of the register (it runs
        before every command: 100,000 pupils must not make each one wait)."""
        consents: dict[str, dict[str, ConsentRecord]] = {}
        for row in pupils_repo.enrolled_consents(self._db):
            consents.setdefault(row["pupil_id"], {})[row["kind"]] = _record(row)
        counts = pupils_repo.encoding_counts(self._db)
        return [_pupil(row, consents.get(row["pupil_id"], {}), counts[row["pupil_id"]])
                for row in pupils_repo.enrolled(self._db)]

    def pupil(self, pupil_id: str) -> Pupil:
        row = pupils_repo.get(self._db, pupil_id)
        if row is None:
            raise NotFound(f"There is no pupil with id {pupil_id!r} in the register.")
        consents = {r["kind"]: _record(r) for r in pupils_repo.consents(self._db, [pupil_id])}
        return _pupil(row, consents, pupils_repo.encoding_counts(self._db).get(pupil_id, 0))

    def protected_reason(self, session: Session, pupil_id: str) -> str | None:
        """The safeguarding reason is for the headteacher's eyes only."""
        self._accounts.require(session, Permission.SAFEGUARDING)
        row = pupils_repo.get(self._db, pupil_id)
        return row["protected_reason"] if row else None

    # -- import ----------------------------------------------------------------------------
    def plan_import(self, session: Session, text: str) -> ImportPlan:
        self._accounts.require(session, Permission.MANAGE_CONSENT)
        rows, errors = parse(text)
        existing = {p.pupil_id: p for p in self.all_pupils()}
        changes, unchanged = [], 0
        for row in rows:
            before = _snapshot(existing.get(row.pupil_id))
            after = _row_snapshot(row)
            if before == after:
                unchanged += 1
            else:
                changes.append(PupilChange(row.pupil_id, row.pupil_id not in existing,
                                           before, after))
        return ImportPlan(changes, unchanged, errors)

    def import_csv(self, session: Session, text: str) -> ImportPlan:
        """All or nothing: a file with any bad row imports nothing."""
        actor = self._accounts.require(session, Permission.MANAGE_CONSENT).username
        plan = self.plan_import(session, text)
        if plan.errors:
            raise ImportRejected(plan.errors)
        rows = {r.pupil_id: r for r in parse(text)[0]}
        now = iso(self._clock())
        befores = {p.pupil_id: p for p in self.all_pupils()}
        erased = []
        with transaction(self._db):
            for change in plan.changes:
                self._save_row(rows[change.pupil_id], now)
                self._audit.record(actor, "consent.import", change.pupil_id,
                                   {"before": change.before, "after": change.after})
                self._keep_protection(actor, rows[change.pupil_id], now)
                if change.pupil_id in befores:
                    erased += self._erasure.entries_for(befores[change.pupil_id],
                                                        self.pupil(change.pupil_id))
            self._erasure.record(erased)
        self._erasure.finish(erased)
        return plan

    def _keep_protection(self, actor: str, row: PupilRow, now: str) -> None:
        """A child protected before (deleted since, or under another id) is protected again
        as they are imported, and the headteacher is told."""
        key = pupils_repo.name_key(row.first_name, row.last_name, row.class_name)
        kept = pupils_repo.protection_for(self._db, row.pupil_id, key)
        current = pupils_repo.get(self._db, row.pupil_id)
        if kept is None or (current is not None and current["protected"]):
            return
        pupils_repo.set_protection(self._db, row.pupil_id, True, kept["reason"], now)
        pupils_repo.keep_protection(self._db, row.pupil_id, key, kept["reason"], now)
        self._audit.record(actor, "consent.protect", row.pupil_id,
                           {"before": False, "after": True, "kept_from": kept["pupil_id"]})
        self._alerts.raise_alert(PROTECTION_KEPT, row.pupil_id, actor,
                                 {"kept_from": kept["pupil_id"]})

    def _save_row(self, row: PupilRow, now: str) -> None:
        pupils_repo.upsert(self._db, {
            "pupil_id": row.pupil_id, "first_name": row.first_name,
            "last_name": row.last_name, "class_name": row.class_name, "leaving_date": None,
        }, now)
        for kind, given in row.consents.items():
            pupils_repo.put_consent(self._db, row.pupil_id, kind, given,
                                    _iso_date(row.expires_on), _iso_date(row.withdrawn_on), now)

    # -- single changes ----------------------------------------------------------------------
    def set_consent(self, session: Session, pupil_id: str, kind: str, given: bool,
                    expires_on: date | None = None) -> Pupil:
        actor = self._accounts.require(session, Permission.MANAGE_CONSENT).username
        if kind not in CONSENT_KINDS:
            raise BadInput(f"Unknown consent {kind!r}: use {', '.join(CONSENT_KINDS)}.")
        before = self.pupil(pupil_id)
        with transaction(self._db):
            pupils_repo.put_consent(self._db, pupil_id, kind, given, _iso_date(expires_on),
                                    None, iso(self._clock()))
            self._audit_change(actor, "consent.set", before)
            erased = self._erasure.entries_for(before, self.pupil(pupil_id))
            self._erasure.record(erased)
        self._erasure.finish(erased)
        return self.pupil(pupil_id)

    def withdraw(self, session: Session, pupil_id: str,
                 kinds: Iterable[str] | None = None) -> Pupil:
        """Withdraw some kinds of consent (all when none are named) from today."""
        actor = self._accounts.require(session, Permission.MANAGE_CONSENT).username
        chosen = list(kinds) if kinds else list(CONSENT_KINDS)
        unknown = [k for k in chosen if k not in CONSENT_KINDS]
        if unknown:
            raise BadInput(f"Unknown consent {unknown[0]!r}: use {', '.join(CONSENT_KINDS)}.")
        before = self.pupil(pupil_id)
        today, now = self.today().isoformat(), iso(self._clock())
        with transaction(self._db):
            for kind in chosen:
                old = before.consents.get(kind)
                pupils_repo.put_consent(self._db, pupil_id, kind, bool(old and old.given),
                                        _iso_date(old.expires_on) if old else None, today, now)
            self._audit_change(actor, "consent.withdraw", before)
            self._takedowns.on_consent_withdrawn(actor, pupil_id, chosen)
            erased = self._erasure.entries_for(before, self.pupil(pupil_id))
            self._erasure.record(erased)
        self._erasure.finish(erased)
        return self.pupil(pupil_id)

    def protect(self, session: Session, pupil_id: str, reason: str | None) -> Pupil:
        """Mark (reason given) or unmark (None) a pupil as protected for safeguarding. Office
        staff may protect; only the headteacher may lift a protection (an attempt by anyone
        else is refused, and the headteacher is told)."""
        actor = self._accounts.require(session, Permission.MANAGE_CONSENT).username
        before = self.pupil(pupil_id)
        if reason is not None and not reason.strip():
            raise BadInput("Give the safeguarding reason (only the headteacher sees it).")
        if reason is None and before.protected:
            self._require_lifting(session, actor, pupil_id, "lift")
        key = pupils_repo.name_key(before.first_name, before.last_name, before.class_name)
        now = iso(self._clock())
        with transaction(self._db):
            if reason is None:
                pupils_repo.lift_protection(self._db, pupil_id, key)
            else:
                pupils_repo.keep_protection(self._db, pupil_id, key, reason.strip(), now)
            pupils_repo.set_protection(self._db, pupil_id, reason is not None,
                                       reason.strip() if reason else None, now)
            # The reason itself stays out of the audit log: only that it changed.
            self._audit.record(actor, "consent.protect", pupil_id,
                               {"before": before.protected, "after": reason is not None})
            if reason is not None:
                self._takedowns.on_protected(actor, pupil_id)
        return self.pupil(pupil_id)

    def delete_pupil(self, session: Session, pupil_id: str) -> None:
        """Erase a pupil's record. A protected pupil only by the headteacher, and their
        protection stays (a re-import of the same child is protected again) until the
        headteacher lifts it."""
        actor = self._accounts.require(session, Permission.MANAGE_CONSENT).username
        before = self.pupil(pupil_id)
        if before.protected:
            self._require_lifting(session, actor, pupil_id, "delete")
        with transaction(self._db):
            pupils_repo.delete(self._db, pupil_id)  # cascades to consents and encodings
            self._audit.record(actor, "consent.delete_pupil", pupil_id,
                               {"before": _snapshot(before), "encodings_erased": before.encodings,
                                "protected": before.protected})
            erased = self._erasure.entries_for(before, None)
            self._erasure.record(erased)
        self._erasure.finish(erased)

    def _require_lifting(self, session: Session, actor: str, pupil_id: str, what: str) -> None:
        """Only the headteacher lifts a protection; anyone else's attempt is an alert."""
        try:
            self._accounts.require(session, Permission.LIFT_PROTECTION)
        except PermissionDenied:
            self._alerts.raise_alert(PROTECTION_REFUSED, pupil_id, actor, {"tried": what})
            raise

    # -- erasure on every path (see erasure.py) -----------------------------------------------
    @property
    def erasure_pending(self) -> bool:
        """An erasure is waiting for another croftpost window to let go of the database: the
        erased data is still in the database files until then."""
        return self._erasure.pending

    def finish_pending_erasure(self) -> bool:
        """Try again; True when no erasure is pending any more."""
        return self._erasure.finish_pending()

    def at_start(self) -> list[Erasure]:
        """Before anyone logs in: remove leftover copies, re-apply the erasures this database
        lacks (restored from an older backup), finish a pending erasure. Returns what was
        re-applied."""
        now = iso(self._clock())
        return self._erasure.at_start(lambda entry: apply_erasure(self._db, entry, now))

    def _audit_change(self, actor: str, action: str, before: Pupil) -> None:
        after = self.pupil(before.pupil_id)
        details: dict[str, object] = {"before": _snapshot(before), "after": _snapshot(after)}
        if before.encodings and not after.encodings:
            details["encodings_erased"] = before.encodings
        self._audit.record(actor, action, before.pupil_id, details)

    # -- biometric enrolment -----------------------------------------------------------------
    def require_enrolable(self, session: Session, pupil_id: str) -> str:
        actor = self._accounts.require(session, Permission.MANAGE_CONSENT).username
        if not self.pupil(pupil_id).biometric_allowed(self.today()):
            raise PermissionDenied(
                f"Pupil {pupil_id} has no biometric consent, so croftpost may not store their "
                "face: their face will always show as unknown.")
        return actor

    def add_reference(self, session: Session, pupil_id: str, encoding: Sequence[float],
                      thumbnail: bytes | None, source_sha256: str) -> int:
        actor = self.require_enrolable(session, pupil_id)
        vector = np.asarray(encoding, dtype=np.float64)
        if vector.shape != (128,):
            raise BadInput("A face encoding has 128 numbers.")
        with transaction(self._db):
            row_id = pupils_repo.add_encoding(self._db, pupil_id, vector.tobytes(), thumbnail,
                                              source_sha256, iso(self._clock()))
            # Only a hash of the encoding enters the audit log, never the encoding itself.
            self._audit.record(actor, "consent.enrol", pupil_id, {
                "photo_sha256": source_sha256,
                "encoding_sha256": hashlib.sha256(vector.tobytes()).hexdigest()})
        return row_id

    def purge_lapsed_biometrics(self) -> int:
        """Erase encodings whose biometric consent has expired or whose pupil has left."""
        today, erased, entries = self.today(), 0, []
        for pupil in self._enrolled_pupils():
            if not pupil.biometric_allowed(today):
                with transaction(self._db):
                    erased += pupils_repo.erase_encodings(self._db, pupil.pupil_id)
                    self._audit.record("system", "consent.encodings_erased", pupil.pupil_id,
                                       {"reason": "biometric consent lapsed", "count":
                                        pupil.encodings})
                    found = self._erasure.entries_for(pupil, self.pupil(pupil.pupil_id))
                    self._erasure.record(found)
                    entries += found
        self._erasure.finish(entries)
        return erased

    def gallery(self) -> Gallery:
        """Only pupils whose biometric consent counts today can ever be matched."""
        today = self.today()
        allowed = [p.pupil_id for p in self.all_pupils() if p.biometric_allowed(today)]
        encodings: dict[str, list[np.ndarray]] = {}
        digest = hashlib.sha256()
        for row_id, pupil_id, blob in pupils_repo.encodings(self._db, allowed):
            encodings.setdefault(pupil_id, []).append(np.frombuffer(blob, dtype=np.float64))
            digest.update(f"{row_id}:{pupil_id};".encode())
        return Gallery(encodings, digest.hexdigest())

    def posts_featuring(self, pupil_id: str) -> list[dict[str, object]]:
        return pupils_repo.posts_featuring(self._db, pupil_id)


def _record(row: dict[str, Any]) -> ConsentRecord:
    return ConsentRecord(row["kind"], bool(row["given"]), _date(row["expires_on"]),
                         _date(row["withdrawn_on"]))


def _pupil(row: dict[str, Any], consents: dict[str, ConsentRecord], encodings: int) -> Pupil:
    return Pupil(row["pupil_id"], row["first_name"], row["last_name"], row["class_name"],
                 _date(row["leaving_date"]), bool(row["protected"]), consents, encodings)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _consent_text(given: bool, expires: date | None, withdrawn: date | None) -> str:
    """One readable value per consent, the same for the register and a CSV row."""
    text = "yes" if given else "no"
    if given and expires:
        text += f" until {expires.isoformat()}"
    if withdrawn:
        text += f", withdrawn {withdrawn.isoformat()}"
    return text


def _snapshot(pupil: Pupil | None) -> dict[str, object]:
    """The auditable state of a pupil: names, class and each consent (never encodings)."""
    if pupil is None:
        return {}
    snap: dict[str, object] = {"first_name": pupil.first_name, "last_name": pupil.last_name,
                               "class": pupil.class_name}
    for kind in CONSENT_KINDS:
        record = pupil.consents.get(kind) or ConsentRecord(kind, False)
        snap[kind] = _consent_text(record.given, record.expires_on, record.withdrawn_on)
    return snap


def _row_snapshot(row: PupilRow) -> dict[str, object]:
    snap: dict[str, object] = {"first_name": row.first_name, "last_name": row.last_name,
                               "class": row.class_name}
    for kind in CONSENT_KINDS:
        snap[kind] = _consent_text(row.consents[kind], row.expires_on, row.withdrawn_on)
    return snap


__all__ = ["BIOMETRIC", "ConsentService", "Gallery", "ImportPlan", "ImportRejected",
           "PupilChange"]
