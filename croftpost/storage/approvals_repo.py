"""Queries on approvers and the approval queue."""

from __future__ import annotations

from typing import Any

import sqlite_utils

OPEN_STATES = ("pending", "approved")


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# -- approvers -------------------------------------------------------------------------------
def is_approver(db: sqlite_utils.Database, username: str) -> bool:
    found = db.execute("SELECT 1 FROM approvers WHERE username = ?", [username]).fetchone()
    return found is not None


def add_approver(db: sqlite_utils.Database, username: str, granted_by: str, now: str) -> None:
    db.execute("INSERT OR IGNORE INTO approvers (username, granted_by, granted_at)"
               " VALUES (?, ?, ?)", [username, granted_by, now])


def remove_approver(db: sqlite_utils.Database, username: str) -> None:
    db.execute("DELETE FROM approvers WHERE username = ?", [username])


def approvers(db: sqlite_utils.Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT username FROM approvers ORDER BY username")]


# -- approvals -------------------------------------------------------------------------------
def insert(db: sqlite_utils.Database, draft_id: int, author: str, channel: str,
           content_hash: str, snapshot: str, now: str) -> int:
    cursor = db.execute(
        "INSERT INTO approvals (draft_id, author, channel, content_hash, snapshot, state,"
        " submitted_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
        [draft_id, author, channel, content_hash, snapshot, now])
    return int(cursor.lastrowid or 0)


def get(db: sqlite_utils.Database, approval_id: int) -> dict[str, Any] | None:
    found = _rows(db.execute("SELECT * FROM approvals WHERE id = ?", [approval_id]))
    return found[0] if found else None


def open_for_draft(db: sqlite_utils.Database, draft_id: int) -> list[dict[str, Any]]:
    """Pending or approved requests for a draft, newest first."""
    return _rows(db.execute(
        "SELECT * FROM approvals WHERE draft_id = ? AND state IN ('pending', 'approved')"
        " ORDER BY id DESC", [draft_id]))


def latest_for_draft(db: sqlite_utils.Database, draft_id: int) -> dict[str, Any] | None:
    found = _rows(db.execute(
        "SELECT * FROM approvals WHERE draft_id = ? ORDER BY id DESC LIMIT 1", [draft_id]))
    return found[0] if found else None


def pending(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Requests waiting for a decision whose draft still exists and has not been posted."""
    return _rows(db.execute(
        "SELECT approvals.* FROM approvals JOIN drafts ON drafts.id = approvals.draft_id"
        " WHERE approvals.state = 'pending' AND drafts.state = 'draft'"
        " ORDER BY approvals.submitted_at, approvals.id"))


def by_author(db: sqlite_utils.Database, author: str) -> list[dict[str, Any]]:
    return _rows(db.execute(
        "SELECT * FROM approvals WHERE author = ? ORDER BY id DESC", [author]))


def set_state(db: sqlite_utils.Database, approval_id: int, state: str, **fields: Any) -> None:
    allowed = {"decided_by", "decided_at", "comment", "post_id"}
    if set(fields) - allowed:
        raise ValueError(f"not updatable: {sorted(set(fields) - allowed)}")
    assignments = "".join(f", {k} = ?" for k in fields)
    db.execute(f"UPDATE approvals SET state = ?{assignments} WHERE id = ?",
               [state, *fields.values(), approval_id])
