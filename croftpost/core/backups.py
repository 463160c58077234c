"""Backups and restores as a service: who may take them, and the audit entry once the copy is
known to be whole (storage/backup.py does the copying and the checking)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.audit import AuditLog
from croftpost.errors import BadInput
from croftpost.storage.backup import backup_to, put_in_place, read_backup
from croftpost.storage.erasures_repo import Erasure
from croftpost.storage.schema import SCHEMA_VERSION


@dataclass(frozen=True)
class BackupResult:
    path: Path
    entries: int  # audit entries in the copy, all verified


@dataclass(frozen=True)
class RestoreResult:
    entries: int
    reapplied: list[Erasure] = field(default_factory=list)  # erasures made after the backup


class BackupService:
    def __init__(self, audit: AuditLog, accounts: AccountService, data_dir: Path) -> None:
        self._audit = audit
        self._accounts = accounts
        self._data_dir = data_dir

    def backup(self, session: Session, target: Path | None = None) -> BackupResult:
        """A consistent copy (default: backups/ in the data folder), audited once verified."""
        member = self._accounts.require(session, Permission.BACKUP)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = target or self._data_dir / "backups" / f"croftpost-{stamp}.db"
        try:
            backup_to(self._audit.db, target)
        except (OSError, sqlite3.Error) as exc:  # a full disk, a folder that can't be written
            reason = getattr(exc, "strerror", None) or str(exc)
            raise BadInput(f"The backup was not written ({reason}: is the disk full?); nothing "
                           f"was saved at {target}, and no backup is recorded.") from None
        entries = check_backup(target)  # audited only once the copy is known to be whole
        self._audit.record(member.username, "backup", target.name, {"entries": entries})
        return BackupResult(target, entries)


def check_backup(path: Path) -> int:
    """Integrity, schema version and an intact audit chain; returns its number of entries."""
    result, version, db = read_backup(path)
    try:
        report = AuditLog(db).verify()
    except sqlite3.DatabaseError:
        raise BadInput(f"{path.name} is not a croftpost backup (not a database).") from None
    finally:
        db.close()
    if result != "ok":
        raise BadInput(f"{path.name} is damaged ({result}); choose another backup.")
    if not 1 <= version <= SCHEMA_VERSION:
        raise BadInput(f"{path.name} is not a backup this croftpost can restore.")
    if not report.intact:
        raise BadInput(f"The audit log in {path.name} has been changed at entry "
                       f"{report.first_bad_seq}; it will not be restored.")
    return report.entries


def restore_from(data_dir: Path, backup_file: Path) -> int:
    """Verify, then swap the backup in atomically. Run with the app closed."""
    entries = check_backup(backup_file)
    put_in_place(data_dir, backup_file)
    return entries


__all__ = ["BackupResult", "BackupService", "RestoreResult", "check_backup", "restore_from"]
