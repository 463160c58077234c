"""There is one face scan: the school's old "full"/"deep" choice is gone, and so is its setting."""

from __future__ import annotations

import sqlite3

from croftpost.core.faces import DEFAULT_PARAMS, MIN_FACE_PX
from croftpost.core.services import open_services
from croftpost.storage.schema import SCHEMA_VERSION


def test_every_check_uses_the_one_scan(school) -> None:
    services, _ = school
    assert services.photos.params == DEFAULT_PARAMS
    assert services.photos.params.min_face_px == MIN_FACE_PX == 24
    assert not hasattr(services.school, "set_face_scan")


def test_the_old_setting_is_removed_when_an_older_database_is_opened(school) -> None:
    """A database from before (version 3) that chose the deep scan: the migration deletes the
    setting, so nothing is left that looks like a choice."""
    services, _ = school
    path = services.data_dir / "croftpost.db"
    services.close()
    with sqlite3.connect(path) as db:  # as a version 3 database was: no later tables
        db.execute("INSERT INTO settings (key, value) VALUES ('photos.face_scan', 'deep')")
        db.execute("DROP TABLE protections")
        db.execute("DROP TABLE erasures")
        db.execute("DROP TABLE anchor_keys")
        db.execute("DROP TABLE audit_checkpoints")
        for table, column in (("drafts", "acknowledged"), ("drafts", "prepared"),
                              ("posts", "url")):
            db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        db.execute("PRAGMA user_version = 3")
    again = open_services(services.data_dir, services.clock)
    try:
        rows = again.db.execute("SELECT * FROM settings WHERE key LIKE 'photos.%'").fetchall()
        assert rows == []
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert again.photos.params == DEFAULT_PARAMS
    finally:
        again.close()
