"""Opening the database: file permissions, pragmas, migrations and transactions."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from croftpost.errors import DataFolderError
from croftpost.files import make_private_folder
from croftpost.storage.schema import MIGRATIONS, SCHEMA_VERSION

DB_FILENAME = "croftpost.db"
BUSY_TIMEOUT_MS = 5000


def db_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def database_exists(data_dir: Path) -> bool:
    return db_path(data_dir).is_file()


def create_db(data_dir: Path) -> sqlite_utils.Database:
    """Make a new, empty database readable by its owner only; refuse to overwrite one."""
    if data_dir.exists() and not data_dir.is_dir():
        raise DataFolderError(f"{data_dir} is a file, not a folder: choose another data folder.")
    try:
        make_private_folder(data_dir)
        fd = os.open(db_path(data_dir), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise DataFolderError(
            f"{data_dir} already holds a croftpost database; it was left untouched."
        ) from None
    except OSError as exc:
        raise DataFolderError(f"Can't create the data folder {data_dir}: {exc.strerror}.") from None
    os.close(fd)
    _set_aside_old_ledger(data_dir)
    try:
        return _open(data_dir, new=True)
    except BaseException:  # leave no half-made database behind to be mistaken for a school
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path(data_dir)}{suffix}").unlink(missing_ok=True)
        raise


def _set_aside_old_ledger(data_dir: Path) -> None:
    """A new school in a folder that held another: its erasure ledger belongs to the old
    database (a restore of that school's backup needs it), not to this one's pupils."""
    ledger = data_dir / "erasures.log"
    if ledger.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        ledger.rename(data_dir / f"erasures-before-{stamp}.log")


def open_db(data_dir: Path) -> sqlite_utils.Database:
    """Open an existing database and bring its schema up to date."""
    return _open(data_dir, new=False)


def _open(data_dir: Path, new: bool) -> sqlite_utils.Database:
    path = db_path(data_dir)
    if not path.is_file():
        raise DataFolderError(
            f"No croftpost database in {data_dir}: run `croftpost setup` or choose --data-dir."
        )
    if not new and path.stat().st_size == 0:
        # SQLite would happily make an empty school of it; a lost database must be restored.
        raise DataFolderError(f"The database {path} is empty (0 bytes): restore it with "
                              "`croftpost restore BACKUP`.")
    # isolation_level=None: we open transactions ourselves (see transaction()).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    _FILES[db] = (path, _identity(path))
    try:
        if not new:
            _refuse_foreign(db, path)
        _configure(db)
        migrate(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DataFolderError(_explain_open_error(path, exc)) from None
    except BaseException:
        conn.close()
        raise
    return db


def _refuse_foreign(db: sqlite_utils.Database, path: Path) -> None:
    """Never add croftpost's tables to some other program's database."""
    if schema_version(db) == 0:
        raise DataFolderError(f"{path} is not a croftpost database: restore croftpost's own "
                              "with `croftpost restore BACKUP`, or choose --data-dir.")


def explain_database_error(exc: sqlite3.DatabaseError, path: Path | str = "") -> str:
    """One sentence for staff about a database failure; the change was not saved."""
    message = str(exc)
    where = f" {path}" if path else ""
    if "locked" in message or "busy" in message:
        return (f"The database{where} is busy in another croftpost window or command; nothing "
                "was saved. Try again in a moment.")
    return _explain_open_error(Path(path) if path else Path("file"), exc)


def _explain_open_error(path: Path, exc: sqlite3.DatabaseError) -> str:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return explain_database_error(exc, path)
    if "readonly" in message or "unable to open" in message:
        return f"The database {path} can't be written: check the folder's permissions."
    if "not a database" in message or "malformed" in message:
        return f"The database {path} is damaged: restore it with `croftpost restore BACKUP`."
    return f"The database {path} can't be opened: {message}."


def _configure(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    # Erased rows (face encodings!) are overwritten with zeros, not left in free pages.
    db.execute("PRAGMA secure_delete = ON")
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode != "wal":
        raise sqlite3.DatabaseError(f"unable to open in WAL mode ({mode})")
    db.execute("PRAGMA synchronous = FULL")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every migration newer than the database, each in its own transaction."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise DataFolderError(
            "This data folder was written by a newer croftpost; update croftpost to open it."
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[version - 1]
        try:
            db.conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            if schema_version(db) >= version:
                continue  # another croftpost window upgraded it while this one waited
            raise


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All-or-nothing writes. Takes the write lock up front (BEGIN IMMEDIATE) so that two
    windows on one database wait for each other instead of failing half way; nests as a
    savepoint."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        _require_same_file(db)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# Each open database's file and that file's identity (device, inode) when it was opened.
_FILES: weakref.WeakKeyDictionary[sqlite_utils.Database, tuple[Path, tuple[int, int] | None]] = (
    weakref.WeakKeyDictionary()
)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _require_same_file(db: sqlite_utils.Database) -> None:
    """Attack (issue 13, 2): with the data folder deleted (or the database replaced) during an
    enrol, SQLite carried on writing into the unlinked file and croftpost reported success.
    A change is committed only while the database is still the file that was opened."""
    known = _FILES.get(db)
    if known is None:
        return
    path, identity = known
    if identity is not None and _identity(path) != identity:
        raise DataFolderError(
            f"The database {path} was removed or replaced while croftpost was using it; "
            "nothing was saved. Close croftpost and open it again."
        )


def data_dir_of(db: sqlite_utils.Database) -> Path | None:
    """The folder of the database file behind `db` (None for an in-memory one)."""
    row = db.execute("PRAGMA database_list").fetchone()
    return Path(row[2]).parent if row and row[2] else None
