"""Queries on the staff tables. Plain rows in, plain rows out; no rules here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils


def get(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    cursor = db.execute("SELECT * FROM staff WHERE username = ?", [username])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor.description], row, strict=True))


def insert(db: sqlite_utils.Database, username: str, full_name: str, role: str,
           password_hash: str, created_at: str) -> None:
    db.execute(
        "INSERT INTO staff (username, full_name, role, password_hash, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [username, full_name, role, password_hash, created_at],
    )


_UPDATABLE = {"full_name", "role", "password_hash", "active", "failed_logins", "locked_until"}


def update(db: sqlite_utils.Database, username: str, **fields: Any) -> None:
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    db.execute(f"UPDATE staff SET {assignments} WHERE username = ?", [*fields.values(), username])


def usernames(db: sqlite_utils.Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT username FROM staff ORDER BY full_name, username")]


def first_created_at(db: sqlite_utils.Database) -> str | None:
    """When the first account (the headteacher's, at set-up) was made: the school's start."""
    row = db.execute("SELECT min(created_at) FROM staff").fetchone()
    return str(row[0]) if row and row[0] else None


def names(db: sqlite_utils.Database) -> dict[str, str]:
    """username -> full name, for every account (revoked ones too: the log still names them)."""
    rows = db.execute("SELECT username, full_name FROM staff").fetchall()
    return {str(username): str(full_name) for username, full_name in rows}


def full_names(db: sqlite_utils.Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT full_name FROM staff ORDER BY full_name")]


def count_role(db: sqlite_utils.Database, role: str, active_only: bool = False) -> int:
    sql = "SELECT count(*) FROM staff WHERE role = ?" + (" AND active = 1" if active_only else "")
    return int(db.execute(sql, [role]).fetchone()[0])


def channels(db: sqlite_utils.Database, username: str) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT channel FROM staff_channels WHERE username = ? ORDER BY channel", [username])]


def set_channels(db: sqlite_utils.Database, username: str, chosen: Iterable[str],
                 granted_by: str, granted_at: str) -> None:
    for channel in chosen:
        db.execute(
            "INSERT OR IGNORE INTO staff_channels (username, channel, granted_by, granted_at)"
            " VALUES (?, ?, ?, ?)",
            [username, channel, granted_by, granted_at],
        )


def remove_channels(db: sqlite_utils.Database, username: str, chosen: Iterable[str]) -> None:
    for channel in chosen:
        db.execute("DELETE FROM staff_channels WHERE username = ? AND channel = ?",
                   [username, channel])


def personal_accounts(db: sqlite_utils.Database, username: str) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT account FROM staff_personal_accounts WHERE username = ? ORDER BY account",
        [username])]


def add_personal_account(db: sqlite_utils.Database, username: str, account: str) -> None:
    db.execute("INSERT OR IGNORE INTO staff_personal_accounts (username, account) VALUES (?, ?)",
               [username, account])


def all_personal_accounts(db: sqlite_utils.Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT DISTINCT account FROM staff_personal_accounts")]
