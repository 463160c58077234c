"""Consistent online backups with SQLite's backup API, and verified restores."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from croftpost.errors import BadInput
from croftpost.files import make_private_folder
from croftpost.storage.db import db_path

BACKUP_DIR = "backups"
KEEP_AUTOMATIC = 7


PARTIAL = ".partial"
RESTORING = "croftpost.db.restoring"


def backup_to(db: sqlite_utils.Database, out_file: Path) -> Path:
    """Copy the live database page by page; other writers may carry on meanwhile. A copy
    that fails part way (a full disk) leaves nothing behind."""
    make_private_folder(out_file.parent)
    partial = out_file.with_name(out_file.name + PARTIAL)
    partial.unlink(missing_ok=True)
    try:
        target = _locked_new_file(partial)
        try:
            db.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
        os.replace(partial, out_file)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out_file


def _locked_new_file(path: Path) -> sqlite3.Connection:
    """A new, owner-only database file, locked for as long as the connection is open, so that
    `remove_leftovers` can tell a copy still being written from one whose writer died."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("COMMIT")  # in exclusive locking mode the lock stays after the commit
    return conn


def remove_leftovers(data_dir: Path) -> list[Path]:
    """Attack (issue 13, 2): a backup or restore killed part way left `backups/*.partial` or
    `croftpost.db.restoring`, each a full copy of the register with every face encoding, and
    later withdrawals and deletions never reached them. Remove every such copy whose writer
    has gone (one still being written is locked, and kept). Returns what was removed."""
    candidates = [data_dir / RESTORING, *sorted((data_dir / BACKUP_DIR).glob(f"*{PARTIAL}"))]
    removed = []
    for path in candidates:
        if path.is_file() and not _being_written(path):
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            removed.append(path)
    return removed


def _being_written(path: Path) -> bool:
    try:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:
        return False  # not a database (yet, or any more): nobody is writing it as one
    finally:
        conn.close()


def read_backup(path: Path) -> tuple[str, int, sqlite_utils.Database]:
    """A backup file opened read-only: its integrity check, its schema version and the open
    database (the caller closes it). BadInput when it is missing or not a database."""
    if not path.is_file():
        raise BadInput(f"There is no backup file at {path}.")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        conn.close()
        raise BadInput(f"{path.name} is not a croftpost backup (not a database).") from None
    return str(result), int(version), sqlite_utils.Database(conn, execute_plugins=False)


def put_in_place(data_dir: Path, backup_file: Path) -> None:
    """Swap a backup in atomically (core/backups.py verifies it first). App closed."""
    make_private_folder(data_dir)
    staged = data_dir / RESTORING
    staged.unlink(missing_ok=True)
    try:
        target = _locked_new_file(staged)
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    live = db_path(data_dir)
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    os.replace(staged, live)


def automatic_backup(db: sqlite_utils.Database, data_dir: Path,
                     now: datetime | None = None) -> Path:
    """One backup a day in the data folder, keeping the last few."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    folder = data_dir / BACKUP_DIR
    target = folder / f"croftpost-{stamp}.db"
    if not target.exists():
        backup_to(db, target)
    for old in sorted(folder.glob("croftpost-*.db"))[:-KEEP_AUTOMATIC]:
        old.unlink()
    return target


def daily_backup(data_dir: Path, now: datetime | None = None) -> Path:
    """The app's automatic backup after login, on a connection of its own (so it can run on a
    worker thread while the screens carry on)."""
    from croftpost.storage.db import open_db

    db = open_db(data_dir)
    try:
        return automatic_backup(db, data_dir, now)
    finally:
        db.close()


def erase_encodings_from_backups(db: sqlite_utils.Database) -> int:
    """Remove from the automatic backups every face encoding the live database no longer has.

    A withdrawn biometric consent means the encoding is gone everywhere croftpost keeps data,
    not only after the last backup that held it rotates out a week later. Backups written
    elsewhere with `croftpost backup --out` are out of reach: the README says so.
    Returns how many encodings were erased from backups.
    """
    live_file = db.execute("PRAGMA database_list").fetchone()[2]
    if not live_file:
        return 0
    folder = Path(live_file).parent / BACKUP_DIR
    live_ids = [row[0] for row in db.execute("SELECT id FROM face_encodings")]
    erased = 0
    for backup in sorted(folder.glob("croftpost-*.db")):
        erased += _erase_missing_encodings(backup, live_ids)
    return erased


def _erase_missing_encodings(backup: Path, live_ids: list[int]) -> int:
    conn = sqlite3.connect(backup, isolation_level=None)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("CREATE TEMP TABLE keep (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO keep VALUES (?)", [(i,) for i in live_ids])
        gone = conn.execute(
            "DELETE FROM face_encodings WHERE id NOT IN (SELECT id FROM keep)").rowcount
        if gone:
            conn.execute("VACUUM")  # no free page keeps the old bytes either
        return gone
    except sqlite3.DatabaseError:
        return 0  # an unreadable backup is reported by check_backup when someone restores it
    finally:
        conn.close()
