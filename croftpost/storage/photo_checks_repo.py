"""The photo-check cache: what was found in a photo, keyed by the photo's content hash, the scan
settings and the set of enrolled faces. It holds boxes, pupil ids and distances only, never a
face encoding (an unconsented child's encoding must not be stored anywhere)."""

from __future__ import annotations

import sqlite_utils


def get(db: sqlite_utils.Database, content_hash: str, params_key: str,
        gallery_key: str) -> str | None:
    row = db.execute(
        "SELECT result FROM photo_checks WHERE content_hash = ? AND params_key = ? "
        "AND gallery_key = ?", [content_hash, params_key, gallery_key]).fetchone()
    return row[0] if row else None


def put(db: sqlite_utils.Database, content_hash: str, params_key: str, gallery_key: str,
        result: str, now: str) -> None:
    db.execute(
        "INSERT OR REPLACE INTO photo_checks (content_hash, params_key, gallery_key, result, "
        "created_at) VALUES (?, ?, ?, ?, ?)", [content_hash, params_key, gallery_key, result, now])


def forget_other_galleries(db: sqlite_utils.Database, gallery_key: str) -> int:
    """Results matched against an older set of enrolled faces can never be used again."""
    return db.execute("DELETE FROM photo_checks WHERE gallery_key != ?", [gallery_key]).rowcount


def forget_all(db: sqlite_utils.Database) -> int:
    """Empty the cache: after an erasure no result may keep an erased pupil's id, face boxes or
    match distances (a photo checked again is simply scanned again)."""
    return db.execute("DELETE FROM photo_checks").rowcount
