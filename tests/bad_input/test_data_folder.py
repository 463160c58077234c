"""The data folder as it may be found: missing, a file, read-only, locked by another croftpost,
damaged, or written by an older croftpost. Each gives one sentence saying what to do (or just
works), and nothing already saved is lost or overwritten."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from croftpost.cli import run
from croftpost.core.audit import AuditLog
from croftpost.core.consent_csv import HEADER
from croftpost.core.services import open_services, set_up_school
from croftpost.errors import DataFolderError
from croftpost.storage import db as db_module
from croftpost.storage.backup import backup_to
from croftpost.storage.db import db_path, explain_database_error, open_db, schema_version
from croftpost.storage.schema import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import HEAD_PASSWORD

PUPILS = 300


def _register_csv() -> str:
    rows = [f"P{i:04d},First{i},Last{i},Class {i % 7},yes,no,yes,no,no,2027-07-31,"
            for i in range(PUPILS)]
    return "\n".join([",".join(HEADER), *rows]) + "\n"


@pytest.fixture
def folder(tmp_path: Path, clock, fast_hasher) -> Path:
    """A school with a register of 300 pupils, closed cleanly."""
    data = tmp_path / "school"
    services, head = set_up_school(data, "Croftlands Junior", "head", "Alex Morgan",
                                   HEAD_PASSWORD, clock=clock, hasher=fast_hasher)
    services.consent.import_csv(head, _register_csv())
    services.close()
    return data


@pytest.fixture
def cli(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run a CLI command as the headteacher on `folder`: (exit code, stderr)."""
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(folder))
    monkeypatch.setenv("CROFTPOST_USER", "head")
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)

    def call(*argv: str) -> tuple[int, str]:
        code = run(list(argv))
        err = capsys.readouterr().err.strip()
        return code, err
    return call


def assert_one_sentence(err: str, *phrases: str) -> None:
    assert err.startswith("croftpost: ") and err.endswith(".") and "\n" not in err, err
    assert "Traceback" not in err
    for phrase in phrases:
        assert phrase in err, err


def assert_nothing_lost(folder: Path, clock, fast_hasher) -> None:
    services = open_services(folder, clock=clock, hasher=fast_hasher)
    try:
        assert services.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert services.audit.verify().intact
        services.accounts.login("head", HEAD_PASSWORD)
        assert len(services.consent.all_pupils()) == PUPILS
        assert services.school.details().name == "Croftlands Junior"
    finally:
        services.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- missing, or not a folder ------------------------------------------------------------------


def test_a_missing_folder_says_to_run_setup(tmp_path: Path, cli) -> None:
    with pytest.raises(DataFolderError, match=r"No croftpost database in .*croftpost setup"):
        open_services(tmp_path / "nowhere")
    code, err = cli("--data-dir", str(tmp_path / "nowhere"), "consent", "list")
    assert code == 2
    assert_one_sentence(err, "No croftpost database", "croftpost setup")


def test_a_file_where_the_folder_should_be_is_named_and_left_alone(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "school"
    not_a_folder.write_text("my notes")
    with pytest.raises(DataFolderError, match="is a file, not a folder"):
        set_up_school(not_a_folder, "S", "head", "H", HEAD_PASSWORD)
    with pytest.raises(DataFolderError, match="No croftpost database"):
        open_services(not_a_folder)
    assert not_a_folder.read_text() == "my notes"


# -- read-only ---------------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make the folder and its files unwritable: permissions for a normal user; for root (who
    ignores permissions) the immutable attribute, where the file system has one."""
    paths = [folder, *folder.iterdir()]
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o500 if p.is_dir() else 0o400)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a folder read-only")
    done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("running as root on a file system without the immutable attribute")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_a_read_only_folder_is_explained_and_nothing_changes(folder, cli, clock, fast_hasher):
    before = sha256(db_path(folder))
    with read_only(folder):
        with pytest.raises(DataFolderError, match="can't be written: check the folder's perm"):
            open_services(folder, clock=clock, hasher=fast_hasher)
        for command in (["consent", "list"], ["audit", "verify"], ["school", "set", "phone", "1"]):
            code, err = cli(*command)
            assert code == 2
            assert_one_sentence(err, "can't be written", "permissions")
    assert sha256(db_path(folder)) == before
    assert_nothing_lost(folder, clock, fast_hasher)


# -- locked by a second croftpost -----------------------------------------------------------------

HOLD_LOCK = r"""
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO settings VALUES ('other.app', 'was here')")
print("locked", flush=True)
sys.stdin.readline()  # hold the write lock until told
conn.execute(sys.argv[2])
"""


@contextlib.contextmanager
def second_app_writing(folder: Path, finish: str) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path(folder)), finish],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdin is not None
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        if proc.poll() is None:
            proc.stdin.write("\n")
            proc.stdin.flush()
        proc.wait(timeout=30)
        proc.stdin.close()
        proc.stdout.close()


@pytest.mark.parametrize("finish", ["COMMIT", "ROLLBACK"])
def test_a_second_app_holding_the_write_lock(folder, cli, clock, fast_hasher, monkeypatch,
                                              finish: str) -> None:
    """Reading carries on; a change waits, then is refused in one sentence with nothing
    half-saved; once the other app is done, the change goes through."""
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 300)
    services = open_services(folder, clock=clock, hasher=fast_hasher)
    try:
        head = services.accounts.login("head", HEAD_PASSWORD)
        entries = services.audit.count()
        with second_app_writing(folder, finish):
            assert len(services.consent.pupils(head)) == PUPILS  # reading is not blocked
            with pytest.raises(sqlite3.OperationalError) as caught:
                services.school.set(head, "phone", "01229 000000")
            assert "busy in another croftpost window" in explain_database_error(caught.value)
            code, err = cli("school", "set", "phone", "01229 000000")
            assert code == 2
            assert_one_sentence(err, "busy in another croftpost window", "nothing was saved")
        assert services.audit.count() == entries
        services.school.set(head, "phone", "01229 000000")
        assert services.school.details().contacts["phone"] == "01229 000000"
        other = services.db.execute("SELECT value FROM settings WHERE key = 'other.app'")
        assert other.fetchall() == ([("was here",)] if finish == "COMMIT" else [])
    finally:
        services.close()
    assert_nothing_lost(folder, clock, fast_hasher)


# -- damaged -----------------------------------------------------------------------------------


def _overwrite_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    start = len(data) // 2
    data[start : start + 8192] = bytes(range(256)) * 32
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def _intact(path: Path) -> bool:
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return bool(conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    except sqlite3.DatabaseError:
        return False


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _garbage_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = b"x" * 100
    path.write_bytes(bytes(data))


def _someone_elses_database(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("damage", "phrase"),
    [
        (_overwrite_middle, "is damaged: restore it with `croftpost restore BACKUP`"),
        (_truncate, "is damaged: restore it with `croftpost restore BACKUP`"),
        (_garbage_header, "is damaged: restore it with `croftpost restore BACKUP`"),
        (_zero_bytes, "is empty (0 bytes): restore it with `croftpost restore BACKUP`"),
        (_someone_elses_database, "is not a croftpost database"),
    ],
    ids=["middle", "truncated", "header", "zero-bytes", "foreign"],
)
def test_a_damaged_database_is_explained_left_as_it_is_and_a_backup_restores_it(
    folder, tmp_path, cli, clock, fast_hasher, damage, phrase: str
) -> None:
    services = open_services(folder, clock=clock, hasher=fast_hasher)
    backup = backup_to(services.db, tmp_path / "backup.db")
    services.close()
    damage(db_path(folder))
    damaged = sha256(db_path(folder))
    codes = []
    for command in (["consent", "list"], ["audit", "verify"], ["school", "set", "phone", "1"]):
        code, err = cli(*command)
        codes.append(code)
        if code != 0:  # a command that never reads the damaged pages may still work
            assert code == 2
            assert_one_sentence(err, phrase)
    assert 2 in codes
    with contextlib.suppress(DataFolderError):
        open_services(folder, clock=clock, hasher=fast_hasher).close()
    if set(codes) == {2}:  # nothing could work, so nothing may have repaired the file
        # A login may have added its audit row before the damage was read; the damage
        # itself is left for a specialist, never "repaired" by dropping or rebuilding pages.
        assert sha256(db_path(folder)) == damaged or not _intact(db_path(folder))
    code, _ = cli("restore", str(backup))
    assert code == 0
    assert_nothing_lost(folder, clock, fast_hasher)


def test_a_garbage_wal_file_is_ignored_and_nothing_is_lost(folder, clock, fast_hasher):
    Path(f"{db_path(folder)}-wal").write_bytes(bytes(range(256)) * 200)
    assert_nothing_lost(folder, clock, fast_hasher)


# -- written by an older croftpost ---------------------------------------------------------------


def build_old_school(folder: Path, version: int, fast_hasher) -> None:
    """A data folder as croftpost at schema `version` left it: only the first migrations,
    with a headteacher, the school's name, a register and audit entries written into it."""
    folder.mkdir(parents=True)
    conn = sqlite3.connect(db_path(folder), isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    now = "2026-09-01T08:00:00.000000Z"
    conn.execute("INSERT INTO staff (username, full_name, role, password_hash, created_at)"
                 " VALUES ('head', 'Alex Morgan', 'headteacher', ?, ?)",
                 [fast_hasher.hash(HEAD_PASSWORD), now])
    conn.execute("INSERT INTO settings VALUES ('school.name', 'Croftlands Junior')")
    audit = AuditLog(sqlite_utils.Database(conn, execute_plugins=False))
    for i in range(PUPILS):
        conn.execute("INSERT INTO pupils (pupil_id, first_name, last_name, class_name, created_at,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                     [f"P{i:04d}", f"First{i}", f"Last{i}", "Class 1", now, now])
        conn.execute("INSERT INTO consents (pupil_id, kind, given, updated_at) VALUES "
                     "(?, 'photo_dojo', 1, ?)", [f"P{i:04d}", now])
        audit.record("head", "consent.import", f"P{i:04d}", {"after": {"photo_dojo": "yes"}})
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_an_older_database_is_upgraded_in_place_keeping_everything(
    tmp_path, clock, fast_hasher, version: int
) -> None:
    folder = tmp_path / "old"
    build_old_school(folder, version, fast_hasher)
    services = open_services(folder, clock=clock, hasher=fast_hasher)
    try:
        assert schema_version(services.db) == SCHEMA_VERSION
        head = services.accounts.login("head", HEAD_PASSWORD)
        pupils = services.consent.pupils(head)
        assert len(pupils) == PUPILS
        assert pupils[0].photo_allowed("dojo", services.consent.today())
        assert services.school.details().name == "Croftlands Junior"
        report = services.audit.verify()
        assert report.intact and report.entries == PUPILS + 1  # + this login
    finally:
        services.close()
    assert_same_schema(folder, tmp_path)


def assert_same_schema(upgraded: Path, tmp_path: Path) -> None:
    """An upgraded database has exactly the tables, indexes and triggers of a new one."""
    from croftpost.storage.db import create_db

    new = create_db(tmp_path / "new")

    def schema(db: sqlite_utils.Database) -> set[tuple[str, str]]:
        return set(db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE "
                              "'sqlite_%'").fetchall())
    old = open_db(upgraded)
    try:
        assert schema(old) == schema(new)
    finally:
        old.close()
        new.close()


def test_a_failing_upgrade_keeps_the_old_version_and_every_record(
    folder, clock, fast_hasher, monkeypatch
) -> None:
    broken = "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(db_module, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(DataFolderError, match="can't be opened"):
        open_db(folder)
    monkeypatch.undo()
    db = open_db(folder)
    try:
        assert schema_version(db) == SCHEMA_VERSION and "half_done" not in db.table_names()
    finally:
        db.close()
    assert_nothing_lost(folder, clock, fast_hasher)


def test_two_apps_upgrading_at_once_both_open(tmp_path, clock, fast_hasher, monkeypatch):
    """The second app read the old version, then waited for the first one's upgrade."""
    folder = tmp_path / "old"
    build_old_school(folder, SCHEMA_VERSION, fast_hasher)
    extra = "CREATE TABLE later_feature (id INTEGER PRIMARY KEY);"
    monkeypatch.setattr(db_module, "MIGRATIONS", (*MIGRATIONS, extra))
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    first = sqlite3.connect(db_path(folder), isolation_level=None)
    first.execute("PRAGMA journal_mode = WAL")
    first.execute("BEGIN IMMEDIATE")  # the first app, mid-upgrade
    first.execute(extra)
    first.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    outcome: list[object] = []
    second = threading.Thread(target=lambda: outcome.append(_version_or_error(folder)))
    second.start()
    time.sleep(0.5)  # let the second app read the old version and wait for the lock
    first.execute("COMMIT")
    first.close()
    second.join()
    assert outcome == [SCHEMA_VERSION + 1]


def _version_or_error(folder: Path) -> object:
    """In the second app's own thread (a connection belongs to the thread that made it)."""
    try:
        db = open_db(folder)
    except Exception as exc:  # noqa: BLE001 - handed to the test thread to report
        return exc
    try:
        return schema_version(db)
    finally:
        db.close()


def test_restoring_over_a_damaged_database_still_needs_a_headteacher_password(
    folder, tmp_path, cli, clock, fast_hasher, monkeypatch
) -> None:
    services = open_services(folder, clock=clock, hasher=fast_hasher)
    backup = backup_to(services.db, tmp_path / "backup.db")
    services.close()
    _zero_bytes(db_path(folder))
    monkeypatch.setenv("CROFTPOST_PASSWORD", "not-the-password")
    code, err = cli("restore", str(backup))
    assert code == 1
    assert_one_sentence(err, "Wrong username or password")
    assert db_path(folder).stat().st_size == 0  # nothing restored, nothing touched
