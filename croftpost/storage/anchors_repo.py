"""Queries for the audit log's anchors: headteachers' wrapped signing keys and checkpoints."""

from __future__ import annotations

from typing import Any

import sqlite_utils


def school_id(db: sqlite_utils.Database) -> str:
    row = db.execute("SELECT value FROM settings WHERE key = 'school_id'").fetchone()
    return str(row[0]) if row else ""


def key_row(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    cursor = db.execute("SELECT * FROM anchor_keys WHERE username = ?", [username])
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None


def put_key(db: sqlite_utils.Database, username: str, key_id: str, salt: str, params: str,
            wrapped: str, now: str) -> None:
    db.execute(
        "INSERT INTO anchor_keys (username, key_id, salt, params, wrapped, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(username) DO UPDATE SET key_id = excluded.key_id,"
        " salt = excluded.salt, params = excluded.params, wrapped = excluded.wrapped,"
        " created_at = excluded.created_at",
        [username, key_id, salt, params, wrapped, now],
    )


def add_checkpoint(db: sqlite_utils.Database, seq: int, digest: str, at: str, signer: str,
                   key_id: str, mac: str) -> None:
    db.execute(
        "INSERT INTO audit_checkpoints (seq, hash, at, signer, key_id, mac)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [seq, digest, at, signer, key_id, mac],
    )


def checkpoints(db: sqlite_utils.Database) -> list[tuple[int, str, str, str, str, str]]:
    """(seq, hash, at, signer, key_id, mac), oldest first."""
    return list(db.execute(
        "SELECT seq, hash, at, signer, key_id, mac FROM audit_checkpoints ORDER BY id"))


def head(db: sqlite_utils.Database) -> tuple[int, str]:
    """The last entry's sequence number and hash, (0, "") for an empty log."""
    row = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "")


def hash_at(db: sqlite_utils.Database, seq: int) -> str | None:
    row = db.execute("SELECT hash FROM audit_log WHERE seq = ?", [seq]).fetchone()
    return str(row[0]) if row else None
