"""Anchors for the audit log, so that its owner cannot quietly rewrite it.

A hash chain with nothing outside the file proves nothing against whoever holds the file: with
the data folder one can drop the trigger, delete or edit entries and recompute every hash, or
copy an older database back. Attacks (issue 13, 1) and what catches them:

- Rewriting entries and recomputing the hashes: signed checkpoints. At every headteacher login
  (and each day a headteacher uses croftpost) the chain's head, its sequence number and hash,
  is signed with HMAC-SHA256 under the headteacher's own key. That key is random and is stored
  only wrapped under a key derived from the headteacher's password (Argon2id), so the data
  folder alone cannot sign. Editing any entry at or before a checkpoint no longer matches it.
- Deleting the newest entries, every entry, or putting an older database back: a monotonic
  record outside the data folder, in the user's config folder and (where the operating system
  offers one) the keyring, of the highest entry this PC has seen, with the day, and of every
  checkpoint. A log that ends earlier, or differs at an entry this PC saw, is named as such.
- Everything above, by someone who also controls the PC: the latest checkpoint is printed in
  the termly review PDF and the audit export, so a paper copy anchors it too.

What it cannot prove: entries written since the last checkpoint and the last time this PC
recorded the head, if the attacker also removes the outside record; and anything done by
someone who has the headteacher's password (they can sign). README's security section says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from argon2.low_level import Type, hash_secret_raw

from croftpost.core.accounts import AccountService, Permission, Role, Session, StaffMember
from croftpost.core.audit import AuditLog
from croftpost.core.clock import Clock, iso, local_today, utc_now
from croftpost.storage import anchors_repo
from croftpost.storage.db import data_dir_of, transaction

RECORD_FILE = "audit-anchors.json"
KEYRING_SERVICE = "croftpost audit anchors"
_SEEN_KEPT = 400  # days of use remembered per school
_CHECK = b"croftpost anchor key"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    signer: str
    key_id: str
    mac: str

    def line(self) -> str:
        """For paper, whole: the hash is what a later `audit verify` is compared with."""
        return (f"entry {self.seq:,}, hash {self.hash}, signed by {self.signer} at "
                f"{self.at[:16].replace('T', ' ')} UTC")


def latest_checkpoint_line(db: sqlite_utils.Database) -> str | None:
    """The newest signed checkpoint, for the termly review and the audit export."""
    found = anchors_repo.checkpoints(db)
    return Checkpoint(*found[-1]).line() if found else None


@dataclass
class AnchorReport:
    """What `audit verify` found: problems (each one plain sentence) and notes."""

    entries: int
    head_hash: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


class OutsideRecord:
    """What this PC has seen of each school's log, kept where the data folder is not: a file in
    the user's config folder, and the highest entry also in the keyring when there is one. Only
    ever raised, except by a verified restore."""

    def __init__(self, folder: Path | None = None) -> None:
        if folder is None:
            from platformdirs import user_config_path

            folder = user_config_path("croftpost", appauthor=False)
        self.path = folder / RECORD_FILE

    def get(self, school: str) -> dict[str, Any]:
        record: dict[str, Any] = self._load().get(school, {})
        kept = _keyring_get(school)
        if kept and kept.get("seq", 0) > record.get("highest", {}).get("seq", 0):
            record = {**record, "highest": kept}  # the file was rolled back or removed
        return record

    def all(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self._load().items() if isinstance(v, dict)}

    def update(self, school: str, change: Callable[[dict[str, Any]], None]) -> None:
        everything = self._load()
        record = everything.setdefault(school, {})
        change(record)
        self._save(everything)
        if "highest" in record:
            _keyring_set(school, record["highest"])

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, everything: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".anchors.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(everything, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


class AuditAnchors:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 clock: Clock = utc_now, record: OutsideRecord | None = None,
                 key_params: tuple[int, int, int] = (3, 65536, 4)) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._clock = clock
        self.record = record or OutsideRecord()
        self._key_params = key_params  # Argon2id time, memory (KiB), lanes
        self._keys: dict[str, tuple[str, bytes]] = {}  # username -> (key id, key), in memory
        self.login_report: AnchorReport | None = None  # what the last headteacher login found
        data_dir = data_dir_of(db)
        self._data_dir = str(data_dir) if data_dir else ""
        accounts.login_hooks.append(self._on_login)
        accounts.password_hooks.append(self._on_password_change)

    def on(self, db: sqlite_utils.Database) -> AuditAnchors:
        """The same anchors on another connection, for a worker thread: the keys unlocked at
        login and this PC's record are shared; permissions are checked on that connection."""
        audit = AuditLog(db, self._clock)
        other = AuditAnchors(db, audit, AccountService(db, audit, self._clock), self._clock,
                             self.record, self._key_params)
        other._keys = self._keys
        return other

    # -- keys and checkpoints ------------------------------------------------------------
    def _on_login(self, member: StaffMember, password: str) -> None:
        if member.role != Role.HEADTEACHER:
            self.note_seen()
            return
        key = self._unwrap(member.username, password)
        if key is None:  # first login since anchors began, or after a password reset
            key = self._new_key(member.username, password)
        self._keys[member.username] = key
        # Checked at every headteacher login, and a log that fails is never signed: a signature
        # on a rewritten log would vouch for it.
        self.login_report = self._report()
        if self.login_report.intact:
            self.checkpoint(member.username)

    def _on_password_change(self, username: str, old: str, new: str) -> None:
        key = self._unwrap(username, old) or self._keys.get(username)
        if key is not None:
            self._wrap(username, new, key)
            self._keys[username] = key

    def checkpoint(self, username: str) -> Checkpoint | None:
        """Sign the chain's head now; None if this person's key is not unlocked."""
        if username not in self._keys:
            return None
        key_id, key = self._keys[username]
        seq, digest = anchors_repo.head(self._db)
        at = iso(self._clock())
        mac = self._mac(key, seq, digest, at, username)
        with transaction(self._db):
            anchors_repo.add_checkpoint(self._db, seq, digest, at, username, key_id, mac)
        made = Checkpoint(seq, digest, at, username, key_id, mac)
        self.note_seen(made)
        return made

    def daily_checkpoint(self, session: Session) -> Checkpoint | None:
        """Once a day of use, for a headteacher who stays logged in."""
        self._accounts.require(session, Permission.READ_AUDIT)
        today = local_today(self._clock).isoformat()
        mine = [c for c in self.checkpoints() if c.signer == session.username]
        if mine and mine[-1].at[:10] >= today:
            return None
        return self.checkpoint(session.username)

    def checkpoints(self) -> list[Checkpoint]:
        return [Checkpoint(*row) for row in anchors_repo.checkpoints(self._db)]

    def latest_checkpoint(self) -> Checkpoint | None:
        found = self.checkpoints()
        return found[-1] if found else None

    def latest_line(self) -> str | None:
        return latest_checkpoint_line(self._db)

    # -- the outside record --------------------------------------------------------------
    def note_seen(self, checkpoint: Checkpoint | None = None) -> None:
        """Raise this PC's record to the log's head (every start, close and login), unless the
        log disagrees with it: then the record is kept as evidence."""
        school = anchors_repo.school_id(self._db)
        if not school:
            return
        seq, digest = anchors_repo.head(self._db)
        known = self.record.get(school)
        if self._disagreements(known, seq):
            return
        today = local_today(self._clock).isoformat()

        def change(record: dict[str, Any]) -> None:
            record["data_dir"] = self._data_dir
            if seq >= record.get("highest", {}).get("seq", 0):
                record["highest"] = {"seq": seq, "hash": digest, "on": today}
            seen = [s for s in record.get("seen", []) if s.get("on") != today]
            record["seen"] = ([*seen, {"seq": seq, "hash": digest, "on": today}])[-_SEEN_KEPT:]
            if checkpoint is not None:
                record.setdefault("checkpoints", []).append(
                    {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at,
                     "signer": checkpoint.signer})
                record["checkpoints"] = record["checkpoints"][-_SEEN_KEPT:]

        self.record.update(school, change)

    def after_restore(self, actor: str, backup_name: str) -> None:
        """A verified restore by the headteacher: this PC now expects the restored log."""
        school = anchors_repo.school_id(self._db)
        seq, digest = anchors_repo.head(self._db)
        today = local_today(self._clock).isoformat()
        kept = {(c.seq, c.hash, c.at) for c in self.checkpoints()}

        def change(record: dict[str, Any]) -> None:
            was = record.get("highest")
            record["highest"] = {"seq": seq, "hash": digest, "on": today}
            record["seen"] = [s for s in record.get("seen", []) if s.get("seq", 0) <= seq]
            record["checkpoints"] = [c for c in record.get("checkpoints", [])
                                     if (c.get("seq"), c.get("hash"), c.get("at")) in kept]
            record.setdefault("restores", []).append(
                {"on": today, "by": actor, "backup": backup_name, "was": was})

        self.record.update(school, change)
        self._retire_other_logs_here(school)

    # -- verification --------------------------------------------------------------------
    def verify(self, session: Session) -> AnchorReport:
        """The chain, the signed checkpoints and this PC's record, each problem named."""
        self._accounts.require(session, Permission.READ_AUDIT)
        return self._report()

    def _report(self) -> AnchorReport:
        chain = self._audit.verify()
        seq, _ = anchors_repo.head(self._db)
        report = AnchorReport(seq, chain.head_hash)
        if not chain.intact:
            report.problems.append(_chain_problem(chain.first_bad_seq, chain.problem))
        self._check_checkpoints(report, seq)
        school = anchors_repo.school_id(self._db)
        known = self.record.get(school) if school else {}
        report.problems += self._disagreements(known, seq)
        report.problems += self._missing_checkpoints(known, seq)
        report.problems += self._another_log_was_here(school)
        if not known:
            report.notes.append("This PC has no earlier record of this school's log.")
        for restore in known.get("restores", [])[-1:]:
            report.notes.append(f"A backup ({restore.get('backup')}) was restored here on "
                                f"{restore.get('on')} by {restore.get('by')}.")
        return report

    def _check_checkpoints(self, report: AnchorReport, last_seq: int) -> None:
        school = anchors_repo.school_id(self._db)
        checked = unchecked = 0
        for c in self.checkpoints():
            key = self._key_for(c.signer, c.key_id)
            if key is None:
                unchecked += 1
            elif not hmac.compare_digest(self._mac(key, c.seq, c.hash, c.at, c.signer,
                                                   school), c.mac):
                report.problems.append(
                    f"The checkpoint said to be signed by {c.signer} at {c.at[:16]} for entry "
                    f"{c.seq} is forged: its signature does not match.")
                continue
            else:
                checked += 1
            if c.seq > last_seq:
                report.problems.append(
                    f"The log ends at entry {last_seq}, but {c.signer}'s checkpoint of "
                    f"{c.at[:10]} saw entry {c.seq}: entries after {last_seq} were deleted "
                    "(truncated), or an older copy of the database was put back.")
            elif c.seq and anchors_repo.hash_at(self._db, c.seq) != c.hash:
                report.problems.append(
                    f"Entry {c.seq} differs from {c.signer}'s checkpoint of {c.at[:10]}: the "
                    f"log was edited at or before entry {c.seq}, and its hashes recomputed.")
        if checked:
            report.notes.append(f"{checked} signed checkpoint(s) checked.")
        if unchecked:
            report.notes.append(f"{unchecked} checkpoint(s) signed by another headteacher, or "
                                "before a password reset, could not be checked here.")

    def _missing_checkpoints(self, known: dict[str, Any], last_seq: int) -> list[str]:
        in_db = {(c.seq, c.hash, c.at) for c in self.checkpoints()}
        gone = [c for c in known.get("checkpoints", [])
                if c.get("seq", 0) <= last_seq
                and (c.get("seq"), c.get("hash"), c.get("at")) not in in_db]
        if not gone:
            return []
        first = gone[0]
        return [f"{len(gone)} checkpoint(s) this PC saw being signed are missing from the "
                f"database, the first by {first.get('signer')} at {str(first.get('at'))[:16]}: "
                "checkpoints were deleted."]

    def _another_log_was_here(self, school: str) -> list[str]:
        """Catches a changed school id, which would otherwise make this PC's record look new."""
        problems = []
        for other, record in self.record.all().items():
            if (other != school and record.get("data_dir") == self._data_dir
                    and not record.get("moved_on")):
                highest = record.get("highest", {})
                problems.append(
                    f"This data folder held another log (school id {other[:8]}…, entry "
                    f"{highest.get('seq', 0)} seen on {highest.get('on')}): the database was "
                    "replaced, or its school id changed, outside croftpost.")
        return problems

    def new_school_here(self) -> None:
        """`setup` made a new school in this folder: a log recorded here before is history."""
        self._retire_other_logs_here(anchors_repo.school_id(self._db))
        self.note_seen()

    def _retire_other_logs_here(self, school: str) -> None:
        today = local_today(self._clock).isoformat()
        for other, record in self.record.all().items():
            if other != school and record.get("data_dir") == self._data_dir:
                self.record.update(other, lambda r: r.__setitem__("moved_on", today))

    def _disagreements(self, known: dict[str, Any], last_seq: int) -> list[str]:
        problems = []
        highest = known.get("highest") or {}
        if highest.get("seq", 0) > last_seq:
            problems.append(
                f"The log ends at entry {last_seq}, but this PC saw entry {highest['seq']} on "
                f"{highest.get('on')}: entries after {last_seq} were deleted (truncated), or a "
                f"database older than the one seen on {highest.get('on')} was put back.")
        points = [*known.get("seen", []), *known.get("checkpoints", [])]
        if highest:
            points.append(highest)
        for point in sorted(points, key=lambda p: p.get("seq", 0)):
            seq = point.get("seq", 0)
            if 0 < seq <= last_seq and anchors_repo.hash_at(self._db, seq) != point.get("hash"):
                when = point.get("on") or str(point.get("at", ""))[:10]
                problems.append(
                    f"Entry {seq} differs from what this PC saw on {when}: the log was edited "
                    f"at or before entry {seq}, and its hashes recomputed.")
                break  # the first is enough: everything after it follows from it
        return problems

    # -- key handling --------------------------------------------------------------------
    def _key_for(self, signer: str, key_id: str) -> bytes | None:
        held = self._keys.get(signer)
        return held[1] if held and held[0] == key_id else None

    def _new_key(self, username: str, password: str) -> tuple[str, bytes]:
        key = secrets.token_bytes(32)
        return self._wrap(username, password, key)

    def _wrap(self, username: str, password: str, key: bytes | tuple[str, bytes]
              ) -> tuple[str, bytes]:
        raw = key[1] if isinstance(key, tuple) else key
        key_id = hmac.new(raw, _CHECK, hashlib.sha256).hexdigest()[:32]
        salt = secrets.token_bytes(16)
        time_cost, memory, lanes = self._key_params
        kek = hash_secret_raw(password.encode(), salt, time_cost, memory, lanes, 32, Type.ID)
        wrapped = bytes(a ^ b for a, b in zip(raw, kek, strict=True))
        with transaction(self._db):
            anchors_repo.put_key(self._db, username, key_id, salt.hex(),
                                 json.dumps(self._key_params), wrapped.hex(), iso(self._clock()))
        return key_id, raw

    def _unwrap(self, username: str, password: str) -> tuple[str, bytes] | None:
        row = anchors_repo.key_row(self._db, username)
        if row is None:
            return None
        try:
            time_cost, memory, lanes = json.loads(row["params"])
            kek = hash_secret_raw(password.encode(), bytes.fromhex(row["salt"]), time_cost,
                                  memory, lanes, 32, Type.ID)
            raw = bytes(a ^ b for a, b in zip(bytes.fromhex(row["wrapped"]), kek, strict=True))
        except (ValueError, TypeError):
            return None
        if hmac.new(raw, _CHECK, hashlib.sha256).hexdigest()[:32] != row["key_id"]:
            return None  # wrapped under an older password (reset by another headteacher)
        return row["key_id"], raw

    def _mac(self, key: bytes, seq: int, digest: str, at: str, signer: str,
             school: str | None = None) -> str:
        school = anchors_repo.school_id(self._db) if school is None else school
        message = f"croftpost checkpoint\n{school}\n{seq}\n{digest}\n{at}\n{signer}"
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _chain_problem(seq: int | None, problem: str | None) -> str:
    if problem and "missing" in problem:
        return f"Entries are missing from entry {seq}: they were deleted."
    if problem and "does not follow" in problem:
        return (f"Entry {seq} does not follow the entry before it: entries before it were "
                "deleted or reordered.")
    return f"Entry {seq} was edited after it was written."


def _keyring_get(school: str) -> dict[str, Any] | None:
    backend = _keyring()
    if backend is None:
        return None
    try:
        text = backend.get_password(KEYRING_SERVICE, school)
        value = json.loads(text) if text else None
    except Exception:  # noqa: BLE001 - a keyring that fails is a keyring we do not have
        return None
    return value if isinstance(value, dict) else None


def _keyring_set(school: str, highest: dict[str, Any]) -> None:
    backend = _keyring()
    if backend is None:
        return
    with contextlib.suppress(Exception):  # the file record stands on its own
        backend.set_password(KEYRING_SERVICE, school, json.dumps(highest, sort_keys=True))


def _keyring() -> Any:
    """The operating system's keyring (Windows Credential Manager, macOS Keychain, Secret
    Service), or None where there is none (a server, a test run)."""
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    return backend
