"""Making an erasure final on every path (UK GDPR; Protection of Freedoms Act 2012).

When a parent withdraws or refuses consent, a pupil's biometric consent lapses, or a pupil's
record is deleted, croftpost must not keep what was erased anywhere it writes. Each attack
below (issue 13, 2) once kept the data, and is defended here:

- Another window holding a read transaction stopped the checkpoint, so the encodings stayed in
  the WAL and the main file while croftpost said "erased". The checkpoint's result is checked;
  when it could not finish, the erasure is marked pending, the person is told plainly, and it
  is finished at the next start, login or idle moment (`finish_pending`).
- A backup or restore killed part way left a full copy of the register: such leftovers are
  removed at every start and by every erasure.
- The photo-check cache kept an erased pupil's id, face boxes and match distances: every
  erasure empties it.
- Restoring a backup taken before a withdrawal brought the consent and the faces back: every
  erasure enters a ledger (pupil id, kind, date), kept in the database and in a file beside
  it, and every start re-applies the entries the database lacks (`reapply`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from croftpost.core.audit import AuditLog
from croftpost.core.clock import Clock, iso, local_today
from croftpost.core.consent_model import BIOMETRIC, Pupil
from croftpost.storage import erasures_repo, photo_checks_repo, pupils_repo, settings_repo
from croftpost.storage.backup import erase_encodings_from_backups, remove_leftovers
from croftpost.storage.db import data_dir_of, transaction
from croftpost.storage.erasures_repo import Erasure
from croftpost.storage.schema import CONSENT_KINDS

PENDING_KEY = "erasure_pending"
SYSTEM = "system"
# What each ledger entry says, for the restore report and the audit log's readers.
KIND_WORDS = {
    "withdrawn": "consent withdrawn",
    "refused": "consent refused",
    "faces": "face references erased",
    "pupil": "record deleted",
}


@dataclass(frozen=True)
class ScrubResult:
    complete: bool  # False: another window holds the database; finished when it lets go
    leftovers_removed: int


class ErasureKeeper:
    """The erasure ledger and the scrub that follows every erasure."""

    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, clock: Clock) -> None:
        self._db = db
        self._audit = audit
        self._clock = clock
        self._data_dir = data_dir_of(db)

    # -- the ledger ----------------------------------------------------------------------------
    def entries_for(self, before: Pupil, after: Pupil | None) -> list[Erasure]:
        """What a change from `before` to `after` (None: deleted) erased."""
        today = local_today(self._clock).isoformat()
        if after is None:
            return [self._entry(before.pupil_id, "pupil", (), today)]
        withdrawn, refused = [], []
        for kind in CONSENT_KINDS:
            old, new = before.consents.get(kind), after.consents.get(kind)
            if old is None or not old.given:
                continue
            if new is not None and new.withdrawn_on and old.withdrawn_on != new.withdrawn_on:
                withdrawn.append(kind)
            elif new is None or not new.given:
                refused.append(kind)
        found = []
        if withdrawn:
            on = min(after.consents[k].withdrawn_on or date.max for k in withdrawn).isoformat()
            found.append(self._entry(before.pupil_id, "withdrawn", tuple(withdrawn), on))
        if refused:
            found.append(self._entry(before.pupil_id, "refused", tuple(refused), today))
        if before.encodings > after.encodings:
            found.append(self._entry(before.pupil_id, "faces", (), today))
        return found

    def record(self, entries: list[Erasure]) -> None:
        """Into the database, inside the caller's transaction."""
        for entry in entries:
            erasures_repo.add(self._db, entry)

    def finish(self, entries: list[Erasure]) -> ScrubResult | None:
        """After the caller's commit: the entries into the ledger file, then the scrub if the
        change erased anything. None when nothing was erased."""
        if not entries:
            return None
        if self._data_dir is not None:
            erasures_repo.append_to_file(self._data_dir, entries)
        return self.scrub()

    # -- the scrub -----------------------------------------------------------------------------
    def scrub(self) -> ScrubResult:
        """Erased rows are zeroed where they stood (PRAGMA secure_delete), but until a
        checkpoint the WAL and the main file still hold the pages as they were. Copy the zeroed
        pages over them and empty the WAL; empty the photo-check cache; take the encodings out
        of the automatic backups; remove copies left by killed backups and restores."""
        with transaction(self._db):
            photo_checks_repo.forget_all(self._db)
            settings_repo.put(self._db, PENDING_KEY, iso(self._clock()))
        complete = _checkpoint(self._db)
        if complete:
            with transaction(self._db):
                self._db.execute("DELETE FROM settings WHERE key = ?", [PENDING_KEY])
            _checkpoint(self._db)  # leaves an empty WAL; the erased pages are already gone
        erase_encodings_from_backups(self._db)
        removed = remove_leftovers(self._data_dir) if self._data_dir is not None else []
        return ScrubResult(complete, len(removed))

    @property
    def pending(self) -> bool:
        """An erasure is waiting for another window to let go of the database."""
        return settings_repo.get(self._db, PENDING_KEY) is not None

    def finish_pending(self) -> bool:
        """Try again to finish a pending erasure; True when nothing is pending any more."""
        if not self.pending:
            return True
        return self.scrub().complete

    def at_start(self, apply: Callable[[Erasure], bool]) -> list[Erasure]:
        """Every start: remove leftovers, bring the ledger file and the database into line
        (entries only in the database are written to the file; entries only in the file are
        re-applied with `apply`, which returns whether it changed anything), and finish a
        pending erasure. Returns the entries re-applied."""
        if self._data_dir is None:
            return []
        remove_leftovers(self._data_dir)
        in_db = {e.id: e for e in erasures_repo.entries(self._db)}
        in_file = {e.id: e for e in erasures_repo.read_file(self._data_dir)}
        erasures_repo.append_to_file(
            self._data_dir, [e for i, e in in_db.items() if i not in in_file]
        )
        missing = sorted((e for i, e in in_file.items() if i not in in_db),
                         key=lambda e: e.recorded_at)
        reapplied = self._reapply(missing, apply) if missing else []
        if reapplied or self.pending:
            self.scrub()
        return reapplied

    def _reapply(self, missing: list[Erasure], apply: Callable[[Erasure], bool]) -> list[Erasure]:
        changed = []
        with transaction(self._db):
            for entry in missing:
                if apply(entry):
                    changed.append(entry)
                    self._audit.record(SYSTEM, "consent.erasure_reapplied", entry.pupil_id, {
                        "kind": entry.kind, "consents": list(entry.consents),
                        "on": entry.on_date})
                erasures_repo.add(self._db, entry)
        return changed

    def _entry(self, pupil_id: str, kind: str, consents: tuple[str, ...], on: str) -> Erasure:
        return Erasure(uuid.uuid4().hex, pupil_id, kind, consents, on, iso(self._clock()))


def apply_erasure(db: sqlite_utils.Database, entry: Erasure, now: str) -> bool:
    """Make the register say again what `entry` says; True if it changed anything."""
    pupil = pupils_repo.get(db, entry.pupil_id)
    if pupil is None:
        return False  # the record is not there: nothing of theirs to erase
    if entry.kind == "pupil":
        pupils_repo.delete(db, entry.pupil_id)
        return True
    if entry.kind == "faces":
        return pupils_repo.erase_encodings(db, entry.pupil_id) > 0
    current = {r["kind"]: r for r in pupils_repo.consents(db, [entry.pupil_id])}
    changed = False
    for kind in entry.consents:
        row = current.get(kind)
        if row is None or not row["given"]:
            continue
        if entry.kind == "refused":
            pupils_repo.put_consent(db, entry.pupil_id, kind, False, None, None, now)
            changed = True
        elif row["withdrawn_on"] is None or row["withdrawn_on"] > entry.on_date:
            pupils_repo.put_consent(db, entry.pupil_id, kind, True, row["expires_on"],
                                    entry.on_date, now)
            changed = True
    if BIOMETRIC in entry.consents:
        changed = pupils_repo.erase_encodings(db, entry.pupil_id) > 0 or changed
    return changed


def describe(entry: Erasure) -> str:
    """One line for the restore report: "P004: consent withdrawn (biometric) on 2026-12-01"."""
    what = KIND_WORDS.get(entry.kind, entry.kind)
    kinds = f" ({', '.join(entry.consents)})" if entry.consents else ""
    return f"{entry.pupil_id}: {what}{kinds} on {entry.on_date}"


def _checkpoint(db: sqlite_utils.Database) -> bool:
    """Copy the WAL into the main file and truncate it; False if a reader stopped it."""
    busy, log_frames, done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(busy == 0 and (log_frames == done or log_frames <= 0))

