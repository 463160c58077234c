"""Queries on the comment moderation tally: deleted comments per author (policy 2.3)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils


def counted(db: sqlite_utils.Database, keys: Iterable[str]) -> set[str]:
    """Which of these comment keys the tally has already counted."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):  # stay under SQLite's limit on parameters
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(row[0] for row in db.execute(
            f"SELECT comment_key FROM moderated_comments WHERE comment_key IN ({marks})", chunk))
    return found


def count_deletion(db: sqlite_utils.Database, author: str, key: str, now: str) -> bool:
    """Add one deleted comment to the author's tally, unless this comment was counted before.
    Returns whether it was counted now."""
    db.execute(
        "INSERT INTO comment_authors (author, deleted_count, updated_at) VALUES (?, 0, ?)"
        " ON CONFLICT(author) DO NOTHING", [author, now])
    cursor = db.execute(
        "INSERT OR IGNORE INTO moderated_comments (comment_key, author, counted_at)"
        " VALUES (?, ?, ?)", [key, author, now])
    if cursor.rowcount != 1:
        return False
    db.execute("UPDATE comment_authors SET deleted_count = deleted_count + 1, updated_at = ?"
               " WHERE author = ?", [now, author])
    return True


def tallies(db: sqlite_utils.Database, authors: Iterable[str]) -> dict[str, int]:
    """Deleted comments so far for each of these authors (authors never counted are left out)."""
    wanted = list(dict.fromkeys(authors))
    result: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        result.update(db.execute(
            f"SELECT author, deleted_count FROM comment_authors WHERE author IN ({marks})",
            chunk).fetchall())
    return result
