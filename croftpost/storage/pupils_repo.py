"""Queries on the consent register: pupils, their consents and their face encodings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def get(db: sqlite_utils.Database, pupil_id: str) -> dict[str, Any] | None:
    found = _rows(db.execute("SELECT * FROM pupils WHERE pupil_id = ?", [pupil_id]))
    return found[0] if found else None


def full_name(db: sqlite_utils.Database, pupil_id: str) -> str | None:
    """"First Last", or None once the pupil has been deleted from the register."""
    pupil = get(db, pupil_id)
    return f"{pupil['first_name']} {pupil['last_name']}" if pupil else None


def all_pupils(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return _rows(db.execute("SELECT * FROM pupils ORDER BY class_name, last_name, first_name"))


_ENROLLED = "SELECT DISTINCT pupil_id FROM face_encodings"


def enrolled(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Only the pupils with face encodings: a handful, however large the register."""
    return _rows(db.execute(f"SELECT * FROM pupils WHERE pupil_id IN ({_ENROLLED})"))


def enrolled_consents(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return _rows(db.execute(f"SELECT * FROM consents WHERE pupil_id IN ({_ENROLLED})"))


def upsert(db: sqlite_utils.Database, row: dict[str, Any], now: str) -> None:
    db.execute(
        "INSERT INTO pupils (pupil_id, first_name, last_name, class_name, leaving_date,"
        " created_at, updated_at) VALUES (:pupil_id, :first_name, :last_name, :class_name,"
        " :leaving_date, :now, :now) ON CONFLICT(pupil_id) DO UPDATE SET"
        " first_name = excluded.first_name, last_name = excluded.last_name,"
        " class_name = excluded.class_name, leaving_date = excluded.leaving_date,"
        " updated_at = excluded.updated_at",
        {**row, "now": now},
    )


def set_protection(db: sqlite_utils.Database, pupil_id: str, protected: bool,
                   reason: str | None, now: str) -> None:
    db.execute("UPDATE pupils SET protected = ?, protected_reason = ?, updated_at = ?"
               " WHERE pupil_id = ?", [int(protected), reason, now, pupil_id])


def name_key(first_name: str, last_name: str, class_name: str) -> str:
    """The same child under another pupil id: names and class, spacing and case ignored."""
    return " ".join(f"{first_name} {last_name}|{class_name}".split()).lower()


def keep_protection(db: sqlite_utils.Database, pupil_id: str, key: str, reason: str | None,
                    now: str) -> None:
    db.execute("INSERT INTO protections (pupil_id, name_key, reason, since) VALUES (?, ?, ?, ?)"
               " ON CONFLICT(pupil_id) DO UPDATE SET name_key = excluded.name_key,"
               " reason = excluded.reason", [pupil_id, key, reason, now])


def lift_protection(db: sqlite_utils.Database, pupil_id: str, key: str) -> None:
    db.execute("DELETE FROM protections WHERE pupil_id = ? OR name_key = ?", [pupil_id, key])


def protection_for(db: sqlite_utils.Database, pupil_id: str, key: str) -> dict[str, Any] | None:
    """A protection kept for this pupil id, or for the same child under another id."""
    found = _rows(db.execute("SELECT * FROM protections WHERE pupil_id = ? OR name_key = ?"
                             " ORDER BY pupil_id = ? DESC LIMIT 1", [pupil_id, key, pupil_id]))
    return found[0] if found else None


def delete(db: sqlite_utils.Database, pupil_id: str) -> None:
    db.execute("DELETE FROM pupils WHERE pupil_id = ?", [pupil_id])


def consents(db: sqlite_utils.Database, pupil_ids: Iterable[str] | None = None
             ) -> list[dict[str, Any]]:
    if pupil_ids is None:
        return _rows(db.execute("SELECT * FROM consents"))
    ids = list(pupil_ids)
    marks = ",".join("?" * len(ids))
    return _rows(db.execute(f"SELECT * FROM consents WHERE pupil_id IN ({marks})", ids))


def put_consent(db: sqlite_utils.Database, pupil_id: str, kind: str, given: bool,
                expires_on: str | None, withdrawn_on: str | None, now: str) -> None:
    db.execute(
        "INSERT INTO consents (pupil_id, kind, given, expires_on, withdrawn_on, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(pupil_id, kind) DO UPDATE SET"
        " given = excluded.given, expires_on = excluded.expires_on,"
        " withdrawn_on = excluded.withdrawn_on, updated_at = excluded.updated_at",
        [pupil_id, kind, int(given), expires_on, withdrawn_on, now],
    )


def encoding_counts(db: sqlite_utils.Database) -> dict[str, int]:
    rows = db.execute("SELECT pupil_id, count(*) FROM face_encodings GROUP BY pupil_id")
    return {pupil_id: count for pupil_id, count in rows}


def add_encoding(db: sqlite_utils.Database, pupil_id: str, encoding: bytes,
                 thumbnail: bytes | None, source_sha256: str, now: str) -> int:
    cursor = db.execute(
        "INSERT INTO face_encodings (pupil_id, encoding, thumbnail, source_sha256, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [pupil_id, encoding, thumbnail, source_sha256, now],
    )
    return int(cursor.lastrowid or 0)


def encodings(db: sqlite_utils.Database, pupil_ids: Iterable[str]
              ) -> list[tuple[int, str, bytes]]:
    ids = list(pupil_ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return list(db.execute(
        f"SELECT id, pupil_id, encoding FROM face_encodings WHERE pupil_id IN ({marks})"
        " ORDER BY id", ids))


def thumbnail(db: sqlite_utils.Database, pupil_id: str) -> bytes | None:
    row = db.execute("SELECT thumbnail FROM face_encodings WHERE pupil_id = ? AND thumbnail"
                     " IS NOT NULL ORDER BY id LIMIT 1", [pupil_id]).fetchone()
    return row[0] if row else None


def erase_encodings(db: sqlite_utils.Database, pupil_id: str) -> int:
    cursor = db.execute("DELETE FROM face_encodings WHERE pupil_id = ?", [pupil_id])
    return cursor.rowcount


def posts_featuring(db: sqlite_utils.Database, pupil_id: str) -> list[dict[str, Any]]:
    return _rows(db.execute(
        "SELECT posts.* FROM posts JOIN post_pupils ON post_pupils.post_id = posts.id"
        " WHERE post_pupils.pupil_id = ? ORDER BY posts.posted_at DESC", [pupil_id]))
