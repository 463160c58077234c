"""Erasure survives every path (issue 13, 2: UK GDPR and the Protection of Freedoms Act 2012).

Each test names the path by which a withdrawn or deleted child's data used to survive:
- another window's read transaction stopped the checkpoint, and croftpost said "erased";
- a backup or restore killed part way left a full copy of the register behind;
- the photo-check cache kept a deleted pupil's id, face boxes and match distances;
- restoring a backup taken before a withdrawal brought the consent and the faces back;
- deleting the data folder during an enrol still reported success;
- `backup` on a full disk audited a backup that did not exist.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from croftpost.cli import run
from croftpost.core.backups import restore_from
from croftpost.core.services import open_services
from croftpost.errors import DataFolderError
from croftpost.storage import photo_checks_repo
from croftpost.storage.backup import backup_to
from croftpost.storage.db import transaction
from tests.conftest import HEAD_PASSWORD

REGISTER = (
    "pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,name_dojo,"
    "biometric,consent_expires,withdrawn_on\n"
    "P001,Mia,Ford,Year 2,yes,yes,yes,yes,yes,2027-07-31,\n"
    "P002,Jon,Reed,Year 2,yes,yes,no,no,yes,2027-07-31,\n"
)
# A face encoding no real photo would give: easy to look for in the raw files.
MIA_FACE = np.full(128, 0.1234567891011, dtype=np.float64)
JON_FACE = np.full(128, 0.2345678910111, dtype=np.float64)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def register(school):
    services, head = school
    services.consent.import_csv(head, REGISTER)
    services.consent.add_reference(head, "P001", MIA_FACE, None, "0" * 64)
    services.consent.add_reference(head, "P002", JON_FACE, None, "1" * 64)
    return services, head


def on_disk(folder: Path, vector: np.ndarray) -> list[str]:
    """Which files in the folder (and its backups) still hold these bytes."""
    needle = vector.tobytes()
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and needle in p.read_bytes())


def test_a_reader_in_another_window_holds_up_the_erasure_and_it_finishes_after(register):
    services, head = register
    folder = services.data_dir
    other = sqlite3.connect(folder / "croftpost.db")  # another window, mid-read
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM face_encodings").fetchone()
    services.consent.withdraw(head, "P001", ["biometric"])
    assert services.consent.pupil("P001").encodings == 0  # gone from the register at once
    assert services.consent.erasure_pending  # ...but said plainly that the files still hold it
    assert on_disk(folder, MIA_FACE)
    assert not services.consent.finish_pending_erasure()  # still held
    other.close()  # the other window lets go
    assert services.consent.finish_pending_erasure()
    assert not services.consent.erasure_pending
    assert on_disk(folder, MIA_FACE) == []
    assert on_disk(folder, JON_FACE)  # only the withdrawn child's face went


def test_the_command_line_says_when_the_erasure_must_wait(register, monkeypatch, capsys):
    services, _ = register
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(services.data_dir))
    monkeypatch.setenv("CROFTPOST_USER", "head")
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    services.db.execute("BEGIN")  # this test's own connection is the other window
    services.db.execute("SELECT count(*) FROM face_encodings").fetchone()
    capsys.readouterr()
    assert run(["consent", "withdraw", "P002", "biometric"]) == 0
    said = capsys.readouterr().out
    assert "still in the database files" in said and "wiped as soon as that window" in said
    services.db.execute("ROLLBACK")
    again = open_services(services.data_dir)  # the next start finishes it
    assert not again.consent.erasure_pending
    again.close()
    assert on_disk(services.data_dir, JON_FACE) == []


_KILLED_BACKUP = r"""
import os, sys
from pathlib import Path
from croftpost.core import backups
from croftpost.storage import backup
from croftpost.storage.db import open_db

folder, out_file, what = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
real_replace = os.replace


def replace(a, b):
    print("copied", flush=True)
    sys.stdin.readline()  # killed here: the copy is whole but not yet renamed
    real_replace(a, b)


backup.os.replace = replace
if what == "backup":
    backup.backup_to(open_db(folder), out_file)
else:
    backups.restore_from(folder, out_file)
"""


def _kill_when_copied(*args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_BACKUP, *args], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    try:
        said = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGKILL)
        _, errors = proc.communicate()
    assert said.strip() == b"copied", errors.decode()


def test_copies_left_by_a_killed_backup_and_restore_are_removed(register, tmp_path):
    services, head = register
    folder = services.data_dir
    kept = tmp_path / "kept.db"
    backup_to(services.db, kept)
    _kill_when_copied(str(folder), str(folder / "backups" / "croftpost-2026-12-01.db"), "backup")
    _kill_when_copied(str(folder), str(kept), "restore")
    leftovers = {"backups/croftpost-2026-12-01.db.partial", "croftpost.db.restoring"}
    assert leftovers <= set(on_disk(folder, MIA_FACE))
    services.consent.withdraw(head, "P001", ["biometric"])  # every erasure removes them
    assert on_disk(folder, MIA_FACE) == []
    _kill_when_copied(str(folder), str(folder / "backups" / "croftpost-2026-12-02.db"), "backup")
    assert on_disk(folder, JON_FACE) == ["backups/croftpost-2026-12-02.db.partial",
                                         "croftpost.db"]
    open_services(folder).close()  # and so does every start
    assert on_disk(folder, JON_FACE) == ["croftpost.db"]


def test_a_copy_still_being_written_is_left_alone(register):
    services, _ = register
    partial = services.data_dir / "backups" / "croftpost-2026-12-03.db.partial"
    partial.parent.mkdir(exist_ok=True)
    writer = sqlite3.connect(partial)  # a backup in progress in another process holds its lock
    writer.execute("PRAGMA locking_mode = EXCLUSIVE")
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("CREATE TABLE t (x)")
    writer.execute("COMMIT")
    open_services(services.data_dir).close()
    assert partial.exists()
    writer.close()
    open_services(services.data_dir).close()
    assert not partial.exists()


def test_deleting_a_pupil_empties_the_photo_check_cache(register):
    services, head = register
    match = {"faces": [{"pupil_id": "P001", "box": [10, 60, 60, 10], "distance": 0.31}]}
    with transaction(services.db):
        photo_checks_repo.put(services.db, "a" * 64, "params", "gallery", json.dumps(match),
                              "2026-11-24T09:00:00+00:00")
    services.consent.delete_pupil(head, "P001")
    assert services.db.execute("SELECT count(*) FROM photo_checks").fetchone()[0] == 0
    assert on_disk(services.data_dir, MIA_FACE) == []


def test_a_restore_re_applies_the_erasures_made_after_its_backup(register, tmp_path,
                                                                 monkeypatch, capsys):
    services, head = register
    folder = services.data_dir
    before = tmp_path / "before-withdrawal.db"
    backup_to(services.db, before)
    services.consent.withdraw(head, "P001", ["biometric", "photo_facebook"])
    services.consent.delete_pupil(head, "P002")
    services.close()
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(folder))
    monkeypatch.setenv("CROFTPOST_USER", "head")
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    capsys.readouterr()
    assert run(["restore", str(before)]) == 0
    report = capsys.readouterr().out
    assert "Re-applied 2 erasure(s) made after this backup was taken" in report
    assert "P001: consent withdrawn (photo_facebook, biometric)" in report
    assert "P002: record deleted" in report
    restored = open_services(folder)
    try:
        mia = restored.consent.pupil("P001")
        today = restored.consent.today()
        assert not mia.consent_valid("biometric", today) and mia.encodings == 0
        assert not mia.consent_valid("photo_facebook", today)
        assert mia.consent_valid("photo_dojo", today)  # what was not withdrawn stays
        assert [p.pupil_id for p in restored.consent.all_pupils()] == ["P001"]
        actions = [e.action for e in restored.audit.entries()]
        assert actions.count("consent.erasure_reapplied") == 2
    finally:
        restored.close()
    assert on_disk(folder, MIA_FACE) == [] and on_disk(folder, JON_FACE) == []
    # The backup file itself is the school's to keep: croftpost never rewrites it.
    assert before.exists()


def test_a_restore_killed_before_re_applying_is_finished_before_anyone_logs_in(register,
                                                                                tmp_path):
    services, head = register
    folder = services.data_dir
    before = tmp_path / "before.db"
    backup_to(services.db, before)
    services.consent.withdraw(head, "P001", ["biometric"])
    services.close()
    restore_from(folder, before)  # swapped in; the command died before opening it again
    reopened = open_services(folder)
    try:
        assert [e.pupil_id for e in reopened.reapplied_erasures] == ["P001"]
        assert reopened.consent.pupil("P001").encodings == 0
    finally:
        reopened.close()


def test_an_enrol_after_the_data_folder_was_deleted_fails(register):
    services, head = register
    shutil.rmtree(services.data_dir)
    with pytest.raises(DataFolderError, match="removed or replaced"):
        services.consent.add_reference(head, "P002", JON_FACE + 1, None, "2" * 64)


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file size limits")
def test_a_backup_that_fails_on_a_full_disk_is_not_audited(register, tmp_path):
    services, _ = register
    folder = services.data_dir
    services.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the register in the main file
    size = (folder / "croftpost.db").stat().st_size
    env = {**os.environ, "PYTHONPATH": str(REPO), "CROFTPOST_DATA_DIR": str(folder),
           "CROFTPOST_USER": "head", "CROFTPOST_PASSWORD": HEAD_PASSWORD}
    limit = size // 2  # the disk is "full" half way through copying the database

    def full_disk() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write that fails, not a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    assert size > limit
    out = tmp_path / "elsewhere" / "copy.db"
    done = subprocess.run([sys.executable, "-m", "croftpost", "backup", "--out", str(out)],
                          env=env, capture_output=True, text=True, preexec_fn=full_disk)
    assert done.returncode != 0
    assert "not written" in done.stderr
    assert not out.exists() and list(out.parent.iterdir()) == []
    assert "backup" not in [e.action for e in services.audit.entries()]
    done = subprocess.run([sys.executable, "-m", "croftpost", "backup", "--out", str(out)],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [entry] = [e for e in services.audit.entries() if e.action == "backup"]
    assert entry.details["entries"] > 0  # audited with what the verified copy holds
