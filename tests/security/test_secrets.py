"""After a realistic session (setup, staff, a consent register, a real face enrolled, photos
and text checked, a wrong password, audit exports, a backup), no password, Argon2 hash or face
encoding is in the log file, the audit log, the exports or anything printed; every file in the
data folder is its owner's alone; and erasing a pupil's face leaves no trace of the encoding
anywhere in the database, down to the bytes of its files, while the audit keeps only a hash.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from croftpost.__main__ import main
from croftpost.core.consent_csv import HEADER
from croftpost.core.services import open_services
from croftpost.storage.backup import automatic_backup
from croftpost.storage.db import db_path

pytestmark = [pytest.mark.faces, pytest.mark.slow]

HEAD_PW = "Correct-Horse-Head-77"
TEACHER_PW = "Battery-Staple-Teach-88"
OFFICE_PW = "Office-Stapler-Pass-99"
WRONG_PW = "Wrong-Guess-Pass-00"
PASSWORDS = (HEAD_PW, TEACHER_PW, OFFICE_PW, WRONG_PW)
REGISTER = "\n".join([
    ",".join(HEADER),
    "P001,Nia,Fairbrother,Class 3,yes,yes,no,yes,yes,2027-07-31,",
    "P002,Tom,Ashworth,Class 3,yes,yes,no,no,yes,2027-07-31,",
    "P003,Ola,Brennan,Class 4,no,no,no,no,no,,",
]) + "\n"


@dataclass
class Session:
    data: Path
    outputs: Path
    printed: str


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def as_user(monkeypatch: pytest.MonkeyPatch, user: str, password: str) -> None:
    monkeypatch.setenv("CROFTPOST_USER", user)
    monkeypatch.setenv("CROFTPOST_PASSWORD", password)


@pytest.fixture
def session(faces_dir: Path, tmp_path: Path, monkeypatch, capsys, restore_logging) -> Session:
    """The session, run through croftpost's own entry point (which sets up the log file)."""
    data, outputs = tmp_path / "data", tmp_path / "outputs"
    outputs.mkdir()
    examples = faces_dir / "face_recognition" / "examples"
    register = outputs / "register.csv"
    register.write_text(REGISTER)
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(data))
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PW)
    assert main(["setup", "--school", "Croftlands Junior", "--headteacher", "head",
                 "--name", "Alex Morgan"]) == 0
    as_user(monkeypatch, "head", HEAD_PW)
    for user, role, password in (("teacher1", "staff", TEACHER_PW),
                                 ("office1", "office", OFFICE_PW)):
        monkeypatch.setenv("CROFTPOST_NEW_PASSWORD", password)
        assert main(["staff", "add", user, "--name", f"Sam {role.title()}", "--role", role,
                     "--authorise", "dojo,facebook" if role == "staff" else ""]) == 0
    as_user(monkeypatch, "office1", OFFICE_PW)
    assert main(["consent", "import", str(register)]) == 0
    assert main(["consent", "enrol", "P001", str(examples / "obama.jpg")]) == 0
    assert main(["consent", "enrol", "P002", str(examples / "biden.jpg")]) == 0
    as_user(monkeypatch, "teacher1", WRONG_PW)
    assert main(["consent", "list"]) == 1  # a wrong password, logged and audited
    as_user(monkeypatch, "teacher1", TEACHER_PW)
    photos = [str(examples / "obama2.jpg"), str(examples / "two_people.jpg")]
    main(["check-photo", "--quick", "--channel", "dojo", "--json", *photos])
    main(["export-photo", "--quick", "--channel", "dojo", "--out", str(outputs / "safe"),
          *photos])
    draft = outputs / "draft.txt"
    draft.write_text("Well done Nia Fairbrother and Ola Brennan on sports day!")
    main(["check-text", "--channel", "dojo", str(draft)])
    as_user(monkeypatch, "head", HEAD_PW)
    assert main(["audit", "export", "--format", "csv", "--out", str(outputs / "audit.csv")]) == 0
    assert main(["audit", "export", "--format", "json", "--out",
                 str(outputs / "audit.json")]) == 0
    assert main(["backup", "--out", str(outputs / "backup.db")]) == 0
    assert main(["backup"]) == 0
    captured = capsys.readouterr()
    return Session(data, outputs, captured.out + captured.err)


@dataclass(frozen=True)
class Secrets:
    hashes: tuple[str, ...]
    encodings: tuple[bytes, ...]


def secrets_in(data: Path) -> Secrets:
    services = open_services(data)
    try:
        hashes = tuple(h for (h,) in services.db.execute("SELECT password_hash FROM staff"))
        blobs = tuple(b for (b,) in services.db.execute("SELECT encoding FROM face_encodings"))
    finally:
        services.close()
    return Secrets(hashes, blobs)


def forms_of_hash(digest: str) -> list[str]:
    """The whole Argon2 string, and its salt and hash parts on their own."""
    return [digest, *[part for part in digest.split("$")[-2:] if len(part) >= 16]]


def forms_of_encoding(blob: bytes) -> list[str]:
    """How an encoding could be written out: hex, base64, and its numbers as Python, numpy
    (8 significant digits) or a fixed 8 decimals would print them."""
    vector = np.frombuffer(blob, dtype=np.float64)
    forms = [blob.hex(), base64.b64encode(blob).decode(), base64.b64encode(blob[:96]).decode()]
    for value in vector[:16]:
        forms += [repr(float(value)), f"{value:.8f}", str(np.float32(value))]
    return forms


def leaks(text: str, secrets: Secrets) -> list[str]:
    found = [p for p in PASSWORDS if p in text]
    found += [h[:20] for digest in secrets.hashes for h in forms_of_hash(digest) if h in text]
    found += [f[:20] for blob in secrets.encodings for f in forms_of_encoding(blob) if f in text]
    return found


def test_no_password_hash_or_encoding_in_logs_audit_exports_or_output(session: Session) -> None:
    secrets = secrets_in(session.data)
    assert len(secrets.encodings) == 2 and len(secrets.hashes) == 3
    logs = sorted(session.data.glob("croftpost.log*"))
    assert logs, "the session wrote no log file"
    services = open_services(session.data)
    try:
        audit = "\n".join(" ".join(map(str, row)) for row in services.db.execute(
            "SELECT actor, action, target, details FROM audit_log"))
        cache = "\n".join(r for (r,) in services.db.execute("SELECT result FROM photo_checks"))
        actions = {a for (a,) in services.db.execute("SELECT action FROM audit_log")}
    finally:
        services.close()
    assert {"login.failed", "consent.enrol", "photo.checked", "audit.export"} <= actions
    texts = {
        "log": "\n".join(p.read_text(encoding="utf-8") for p in logs),
        "audit log": audit,
        "photo check cache": cache,
        "CSV export": (session.outputs / "audit.csv").read_text(encoding="utf-8"),
        "JSON export": (session.outputs / "audit.json").read_text(encoding="utf-8"),
        "printed": session.printed,
    }
    for where, text in texts.items():
        assert not leaks(text, secrets), f"secrets in the {where}: {leaks(text, secrets)}"
    for blob in secrets.encodings:  # ... but the audit can prove what was enrolled
        assert hashlib.sha256(blob).hexdigest() in audit


def test_every_file_of_the_data_folder_and_every_output_is_owner_only(session: Session):
    files = [p for p in session.data.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"croftpost.db", "croftpost.log"} <= names
    assert any(p.parent.name == "backups" for p in files)
    services = open_services(session.data)  # while open: the WAL and shared-memory files
    try:
        services.school.set(services.accounts.login("head", HEAD_PW), "phone", "01632 960100")
        files += [Path(f"{db_path(session.data)}{s}") for s in ("-wal", "-shm")]
        loose = {str(p.relative_to(session.data.parent)): oct(stat.S_IMODE(p.stat().st_mode))
                 for p in files if stat.S_IMODE(p.stat().st_mode) & 0o077}
    finally:
        services.close()
    outputs = [session.outputs / name for name in ("audit.csv", "audit.json", "backup.db")]
    outputs += list((session.outputs / "safe").iterdir())  # the safe copies of the photos
    assert len(outputs) == 5
    loose |= {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in outputs
              if stat.S_IMODE(p.stat().st_mode) & 0o077}
    assert loose == {}
    for folder in (session.data, session.data / "backups"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, folder


def raw_traces(data: Path, blob: bytes) -> list[str]:
    """Every place the encoding still is: any cell of any table (raw SQL), and the bytes of the
    database file, its WAL and the backups kept in the data folder."""
    services = open_services(data)
    forms = forms_of_encoding(blob)
    found = []
    try:
        tables = [t for (t,) in services.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [c[1] for c in services.db.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                for (value,) in services.db.execute(f'SELECT "{column}" FROM "{table}"'):
                    raw = value if isinstance(value, bytes) else str(value).encode()
                    if blob[:64] in raw or any(f.encode() in raw for f in forms):
                        found.append(f"{table}.{column}")
    finally:
        services.close()  # (the WAL is checked below while a second connection holds it)
    return found


def file_traces(data: Path, blob: bytes, skip_backups: bool = False) -> list[str]:
    found = []
    for path in sorted(data.rglob("croftpost*.db*")):
        if skip_backups and path.parent.name == "backups":
            continue
        content = path.read_bytes()
        if blob[:64] in content or blob[-64:] in content:
            found.append(path.name)
    return found


@pytest.mark.parametrize("erase", ["delete the pupil", "withdraw biometric consent",
                                   "re-import without biometric consent"])
def test_erasing_a_face_leaves_no_encoding_anywhere_and_the_audit_only_a_hash(
    session: Session, monkeypatch, erase: str
) -> None:
    secrets = secrets_in(session.data)
    services = open_services(session.data)
    try:
        blob = services.db.execute("SELECT encoding FROM face_encodings WHERE pupil_id = 'P001'"
                                   ).fetchone()[0]
        other = services.db.execute("SELECT encoding FROM face_encodings WHERE pupil_id = 'P002'"
                                    ).fetchone()[0]
        office = services.accounts.login("office1", OFFICE_PW)
        assert file_traces(session.data, blob, skip_backups=True)  # it is there to begin with
        automatic_backup(services.db, session.data)  # today's automatic backup holds it too
        assert any("-20" in name for name in file_traces(session.data, blob))
        if erase == "delete the pupil":
            services.consent.delete_pupil(office, "P001")
        elif erase == "withdraw biometric consent":
            services.consent.withdraw(office, "P001", ["biometric"])
        else:
            services.consent.import_csv(office, REGISTER.replace(
                "no,yes,yes,2027", "no,yes,no,2027"))
        # Checked while the app is still open: nothing may wait for a later checkpoint, and
        # the automatic backups lose it at once rather than when they rotate out.
        assert file_traces(session.data, blob) == []
        assert raw_traces(session.data, blob) == []
        audit = " ".join(d for (d,) in services.db.execute("SELECT details FROM audit_log"))
    finally:
        services.close()
    assert file_traces(session.data, blob) == []
    assert hashlib.sha256(blob).hexdigest() in audit  # the enrolment stays provable
    assert not leaks(audit, secrets)
    assert raw_traces(session.data, other) == ["face_encodings.encoding"]  # others untouched
