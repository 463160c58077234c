"""Key-value settings (school details, app preferences)."""

from __future__ import annotations

import sqlite_utils


def get(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def put(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def all_with_prefix(db: sqlite_utils.Database, prefix: str) -> dict[str, str]:
    rows = db.execute("SELECT key, value FROM settings WHERE key LIKE ? ESCAPE '\\'",
                      [prefix.replace("_", "\\_") + "%"])
    return {key[len(prefix):]: value for key, value in rows}
