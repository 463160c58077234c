"""Queries on takedown tasks and termly reviews."""

from __future__ import annotations

from typing import Any

import sqlite_utils

_TASK = (
    "SELECT takedowns.*, posts.channel, posts.posted_at, posts.text_sha256, drafts.body"
    " AS post_text FROM takedowns JOIN posts ON posts.id = takedowns.post_id"
    " LEFT JOIN drafts ON drafts.id = posts.draft_id"
)


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def insert_open(db: sqlite_utils.Database, post_id: int, pupil_id: str, assignee: str,
                reason: str, kinds: str, created_by: str, now: str) -> int | None:
    """A new open task, or None when this post and pupil already have one."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO takedowns (post_id, pupil_id, assignee, reason, kinds,"
        " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [post_id, pupil_id, assignee, reason, kinds, created_by, now])
    return int(cursor.lastrowid) if cursor.rowcount == 1 and cursor.lastrowid else None


def get(db: sqlite_utils.Database, task_id: int) -> dict[str, Any] | None:
    found = _rows(db.execute(_TASK + " WHERE takedowns.id = ?", [task_id]))
    return found[0] if found else None


def tasks(db: sqlite_utils.Database, assignee: str | None,
          include_done: bool) -> list[dict[str, Any]]:
    clauses, params = [], []
    if assignee is not None:
        clauses.append("takedowns.assignee = ?")
        params.append(assignee)
    if not include_done:
        clauses.append("takedowns.done_at IS NULL")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return _rows(db.execute(_TASK + where + " ORDER BY takedowns.created_at, takedowns.id",
                            params))


def mark_done(db: sqlite_utils.Database, task_id: int, by: str, now: str, note: str) -> None:
    db.execute("UPDATE takedowns SET done_by = ?, done_at = ?, note = ? WHERE id = ?",
               [by, now, note, task_id])


# -- termly reviews ------------------------------------------------------------------------
def add_review(db: sqlite_utils.Database, by: str, now: str, start: str, end: str) -> int:
    cursor = db.execute(
        "INSERT INTO reviews (reviewed_by, reviewed_at, period_start, period_end)"
        " VALUES (?, ?, ?, ?)", [by, now, start, end])
    return int(cursor.lastrowid or 0)


def last_review(db: sqlite_utils.Database) -> dict[str, Any] | None:
    found = _rows(db.execute("SELECT * FROM reviews ORDER BY reviewed_at DESC, id DESC LIMIT 1"))
    return found[0] if found else None


def posts_between(db: sqlite_utils.Database, start: str, end: str) -> list[dict[str, Any]]:
    """Posts published in [start, end), with the approval each went out under, if any."""
    return _rows(db.execute(
        "SELECT posts.*, approvals.id AS approval_id, approvals.decided_by AS approved_by"
        " FROM posts LEFT JOIN approvals ON approvals.post_id = posts.id"
        " AND approvals.state = 'published'"
        " WHERE posts.posted_at >= ? AND posts.posted_at < ? ORDER BY posts.posted_at, posts.id",
        [start, end]))
