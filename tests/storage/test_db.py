"""The database file: owner-only, WAL, foreign keys, migrations in place, clear errors."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from croftpost.errors import DataFolderError
from croftpost.storage.db import create_db, db_path, open_db, schema_version, transaction
from croftpost.storage.schema import SCHEMA_VERSION


def test_new_database_is_owner_only_wal_with_foreign_keys(tmp_path):
    db = create_db(tmp_path / "d")
    mode = stat.S_IMODE(db_path(tmp_path / "d").stat().st_mode)
    assert mode == 0o600
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    assert schema_version(db) == SCHEMA_VERSION


def test_create_refuses_to_overwrite(tmp_path):
    create_db(tmp_path / "d").close()
    with pytest.raises(DataFolderError, match="already holds"):
        create_db(tmp_path / "d")


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataFolderError, match="croftpost setup"):
        open_db(tmp_path / "nowhere")


def test_corrupt_file_is_a_clear_error(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    db_path(folder).write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DataFolderError, match="damaged"):
        open_db(folder)


def test_older_schema_is_upgraded_in_place(tmp_path, monkeypatch):
    from croftpost.storage import db as db_module

    folder = tmp_path / "d"
    extra = "CREATE TABLE later_feature (id INTEGER PRIMARY KEY, note TEXT);"
    create_db(folder).close()  # at the current version
    monkeypatch.setattr(db_module, "MIGRATIONS", (*db_module.MIGRATIONS, extra))
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    upgraded = open_db(folder)
    assert schema_version(upgraded) == SCHEMA_VERSION + 1
    assert "later_feature" in upgraded.table_names()


def test_newer_schema_is_refused(tmp_path):
    folder = tmp_path / "d"
    db = create_db(folder)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(DataFolderError, match="newer croftpost"):
        open_db(folder)


def test_transaction_is_all_or_nothing(tmp_path):
    db = create_db(tmp_path / "d")
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO settings VALUES ('a', '1')")
        with transaction(db):
            db.execute("INSERT INTO settings VALUES ('b', '2')")
        raise RuntimeError("crash half way")
    assert db.execute("SELECT count(*) FROM settings WHERE key IN ('a', 'b')").fetchone()[0] == 0


def test_encoding_without_biometric_consent_is_refused_by_the_database(tmp_path):
    db = create_db(tmp_path / "d")
    db.execute("INSERT INTO pupils (pupil_id, first_name, last_name, created_at, updated_at)"
               " VALUES ('P1', 'Ava', 'Test', 'x', 'x')")
    with pytest.raises(sqlite3.IntegrityError, match="biometric"):
        db.execute("INSERT INTO face_encodings (pupil_id, encoding, source_sha256, created_at)"
                   " VALUES ('P1', x'00', 'h', 'x')")
