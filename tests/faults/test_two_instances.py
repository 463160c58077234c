"""Two croftposts on one data folder: writes wait for each other, nothing is corrupted, and a
long-held lock gives a clear sentence instead of a traceback."""

from __future__ import annotations

import sqlite3
import threading

from croftpost.cli import run
from croftpost.core.services import open_services


def test_two_instances_writing_at_once_corrupt_nothing(school, clock, fast_hasher):
    services, head = school
    other = open_services(services.data_dir, clock=clock, hasher=fast_hasher)
    errors: list[BaseException] = []

    def write(target, label: str) -> None:
        try:
            for n in range(200):
                target.audit.record("head", "test.event", f"{label}-{n}")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    # Each thread gets its own connection: a sqlite3 connection belongs to its thread.
    thread = threading.Thread(target=lambda: write(
        open_services(services.data_dir, clock=clock, hasher=fast_hasher), "b"))
    thread.start()
    write(other, "a")
    thread.join()
    assert errors == []
    assert services.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    report = services.audit.verify()
    assert report.intact and services.audit.count() >= 400
    other.close()


def test_a_held_lock_is_explained_in_one_sentence(tmp_path, monkeypatch, capsys):
    data = tmp_path / "d"
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(data))
    monkeypatch.setenv("CROFTPOST_PASSWORD", "head-password-1")
    assert run(["setup", "--school", "S", "--headteacher", "head", "--name", "H"]) == 0
    monkeypatch.setenv("CROFTPOST_USER", "head")
    monkeypatch.setattr("croftpost.storage.db.BUSY_TIMEOUT_MS", 300)
    blocker = sqlite3.connect(data / "croftpost.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        code = run(["school", "set", "phone", "01229 000000"])
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    err = capsys.readouterr().err
    assert code == 2
    assert "busy in another croftpost window" in err and "Traceback" not in err
