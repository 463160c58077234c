"""Queries on drafts and published posts."""

from __future__ import annotations

from typing import Any

import sqlite_utils


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def insert_draft(db: sqlite_utils.Database, author: str, channel: str, body: str, photos: str,
                 now: str) -> int:
    cursor = db.execute(
        "INSERT INTO drafts (author, channel, body, photos, state, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, 'draft', ?, ?)", [author, channel, body, photos, now, now])
    return int(cursor.lastrowid or 0)


def get_draft(db: sqlite_utils.Database, draft_id: int) -> dict[str, Any] | None:
    found = _rows(db.execute("SELECT * FROM drafts WHERE id = ?", [draft_id]))
    return found[0] if found else None


def update_draft(db: sqlite_utils.Database, draft_id: int, **fields: Any) -> None:
    allowed = {"channel", "body", "photos", "state", "updated_at", "acknowledged", "prepared"}
    if set(fields) - allowed:
        raise ValueError(f"not updatable: {sorted(set(fields) - allowed)}")
    assignments = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE drafts SET {assignments} WHERE id = ?", [*fields.values(), draft_id])


def delete_draft(db: sqlite_utils.Database, draft_id: int) -> None:
    db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])


def drafts(db: sqlite_utils.Database, author: str | None, state: str) -> list[dict[str, Any]]:
    if author is None:
        return _rows(db.execute("SELECT * FROM drafts WHERE state = ? ORDER BY updated_at DESC",
                                [state]))
    return _rows(db.execute(
        "SELECT * FROM drafts WHERE author = ? AND state = ? ORDER BY updated_at DESC",
        [author, state]))


def insert_post(db: sqlite_utils.Database, draft_id: int | None, author: str, channel: str,
                text_sha256: str, photos: str, posted_at: str, audit_seq: int,
                pupil_ids: list[str], url: str = "") -> int:
    cursor = db.execute(
        "INSERT INTO posts (draft_id, author, channel, text_sha256, photos, posted_at, audit_seq,"
        " url) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [draft_id, author, channel, text_sha256, photos, posted_at, audit_seq, url])
    post_id = int(cursor.lastrowid or 0)
    for pupil_id in sorted(set(pupil_ids)):
        db.execute("INSERT INTO post_pupils (post_id, pupil_id) VALUES (?, ?)",
                   [post_id, pupil_id])
    return post_id


def posts(db: sqlite_utils.Database, author: str | None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM posts" + (" WHERE author = ?" if author else "")
    return _rows(db.execute(sql + " ORDER BY posted_at DESC", [author] if author else []))


def post_pupils(db: sqlite_utils.Database, post_id: int) -> list[str]:
    return [r[0] for r in db.execute(
        "SELECT pupil_id FROM post_pupils WHERE post_id = ? ORDER BY pupil_id", [post_id])]


def get_post(db: sqlite_utils.Database, post_id: int) -> dict[str, Any] | None:
    found = _rows(db.execute("SELECT * FROM posts WHERE id = ?", [post_id]))
    return found[0] if found else None
