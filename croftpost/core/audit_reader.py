"""Reading the audit log for a person (policy section 6: the headteacher monitors).

AuditLog writes and verifies without asking who is acting: every service records through it,
and a backup is verified before anyone has logged in. Whoever reads the log on a screen or on
the command line goes through this reader, which checks READ_AUDIT against the database at
every call, so a revoked reader is refused at once, even between two pages of a long log.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.audit import AuditEntry, AuditFilter, AuditLog, ChainReport, export_entries
from croftpost.core.clock import Clock, utc_now
from croftpost.storage import pupils_repo, staff_repo


class AuditReader:
    def __init__(self, audit: AuditLog, accounts: AccountService) -> None:
        self._audit = audit
        self._accounts = accounts

    @classmethod
    def on(cls, db: sqlite_utils.Database, clock: Clock = utc_now) -> AuditReader:
        """A reader on a connection of its own, for a worker thread (a sqlite3 connection
        belongs to the thread that made it), checking permissions on that connection."""
        audit = AuditLog(db, clock)
        return cls(audit, AccountService(db, audit, clock))

    def count(self, session: Session, flt: AuditFilter | None = None) -> int:
        self._require(session)
        return self._audit.count(flt)

    def entries(self, session: Session, flt: AuditFilter | None = None, limit: int = -1,
                offset: int = 0, newest_first: bool = True) -> list[AuditEntry]:
        self._require(session)
        return self._audit.entries(flt, limit, offset, newest_first)

    def iter_all(self, session: Session) -> Iterator[AuditEntry]:
        """Every entry, oldest first. Checked now, not when the first entry is asked for."""
        self._require(session)
        return self._audit.iter_all()

    def actions(self, session: Session) -> list[str]:
        self._require(session)
        return self._audit.actions()

    def verify(self, session: Session) -> ChainReport:
        self._require(session)
        return self._audit.verify()

    def export(self, session: Session, fmt: str) -> str:
        """The whole log as CSV or JSON text. Recording that it was exported (and where to)
        is record_export's, once the caller knows where it went."""
        return export_entries(self.iter_all(session), fmt)

    def record_export(self, session: Session, target: str, details: dict[str, Any]) -> None:
        """An export of the log was written (a file's name, or the format for stdout)."""
        self._require(session)
        self._audit.record(session.username, "audit.export", target, details)

    def names(self, session: Session) -> dict[str, str]:
        """Pupil ids and usernames with today's full names, so the log can be read as names:
        the log itself keeps ids only (a deleted pupil's name must not stay in it)."""
        self._require(session)
        db = self._audit.db
        found = staff_repo.names(db)
        for row in pupils_repo.all_pupils(db):
            found[row["pupil_id"]] = f"{row['first_name']} {row['last_name']}"
        return found

    def _require(self, session: Session) -> None:
        self._accounts.require(session, Permission.READ_AUDIT)
