"""Queries on alerts about protected pupils."""

from __future__ import annotations

from typing import Any

import sqlite_utils


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def open_with_key(db: sqlite_utils.Database, dedupe_key: str) -> int | None:
    row = db.execute("SELECT id FROM alerts WHERE dedupe_key = ? AND acknowledged_at IS NULL",
                     [dedupe_key]).fetchone()
    return int(row[0]) if row else None


def insert(db: sqlite_utils.Database, kind: str, pupil_id: str, actor: str, details: str,
           dedupe_key: str, now: str) -> int:
    cursor = db.execute(
        "INSERT INTO alerts (kind, pupil_id, actor, details, dedupe_key, first_at, last_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", [kind, pupil_id, actor, details, dedupe_key, now, now])
    return int(cursor.lastrowid or 0)


def repeat(db: sqlite_utils.Database, alert_id: int, now: str) -> None:
    db.execute("UPDATE alerts SET times = times + 1, last_at = ? WHERE id = ?", [now, alert_id])


def get(db: sqlite_utils.Database, alert_id: int) -> dict[str, Any] | None:
    found = _rows(db.execute("SELECT * FROM alerts WHERE id = ?", [alert_id]))
    return found[0] if found else None


def alerts(db: sqlite_utils.Database, include_acknowledged: bool) -> list[dict[str, Any]]:
    where = "" if include_acknowledged else " WHERE acknowledged_at IS NULL"
    return _rows(db.execute(f"SELECT * FROM alerts{where} ORDER BY last_at DESC, id DESC"))


def between(db: sqlite_utils.Database, start: str, end: str) -> list[dict[str, Any]]:
    """Alerts raised or repeated in [start, end), and every alert still open."""
    return _rows(db.execute(
        "SELECT * FROM alerts WHERE (last_at >= ? AND first_at < ?) OR acknowledged_at IS NULL"
        " ORDER BY first_at, id", [start, end]))


def acknowledge(db: sqlite_utils.Database, alert_id: int, by: str, now: str, note: str) -> None:
    db.execute("UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?, note = ?"
               " WHERE id = ?", [by, now, note, alert_id])
