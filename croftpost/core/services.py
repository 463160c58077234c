"""One place that opens a data folder and wires the core services together.

The CLI and the screens both start here, so they share every rule.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlite_utils
from argon2 import PasswordHasher

from croftpost.core.accounts import AccountService, Session
from croftpost.core.alerts import AlertService
from croftpost.core.approvals import ApprovalService
from croftpost.core.audit import AuditLog
from croftpost.core.audit_anchors import AuditAnchors
from croftpost.core.audit_reader import AuditReader
from croftpost.core.backups import BackupService, RestoreResult, restore_from
from croftpost.core.clock import Clock, utc_now
from croftpost.core.composer import ComposerParts
from croftpost.core.consent import ConsentService
from croftpost.core.drafts import DraftService
from croftpost.core.face_marks import FaceMarkService
from croftpost.core.photo_check import PhotoCheckService
from croftpost.core.policy_review import PolicyReviewService
from croftpost.core.school import SchoolService
from croftpost.core.takedowns import TakedownService
from croftpost.core.termly import TermlyService
from croftpost.core.text_service import TextService
from croftpost.core.video_check import VideoCheckService
from croftpost.storage.db import create_db, open_db
from croftpost.storage.erasures_repo import Erasure


@dataclass
class Services:
    data_dir: Path
    db: sqlite_utils.Database
    clock: Clock
    audit: AuditLog
    accounts: AccountService
    school: SchoolService
    consent: ConsentService
    drafts: DraftService
    photos: PhotoCheckService
    marks: FaceMarkService  # faces and areas staff draw by hand on a checked photo
    text: TextService
    alerts: AlertService
    approvals: ApprovalService
    takedowns: TakedownService
    termly: TermlyService
    audit_reader: AuditReader  # reading the log for a person: READ_AUDIT checked
    policy: PolicyReviewService  # when the social media policy is next due for review
    anchors: AuditAnchors  # signed checkpoints and this PC's record of the audit log
    backups: BackupService  # consistent copies of the database, audited once verified
    videos: VideoCheckService  # clips: faces followed through every frame, safe copies
    # Erasures re-applied as the folder was opened (a restored older backup lacked them).
    reapplied_erasures: list[Erasure] = field(default_factory=list)

    @property
    def composer_parts(self) -> ComposerParts:
        """What a PostComposer drives: `PostComposer.open(services.composer_parts, ...)`."""
        return ComposerParts(self.drafts, self.photos, self.marks, self.text, self.approvals,
                             self.consent, self.videos)

    def composer_parts_with(self, photos: PhotoCheckService) -> ComposerParts:
        """The same, checking photos with `photos` (a worker's or the demo's own scanner)."""
        return replace(self.composer_parts, photos=photos,
                       marks=FaceMarkService(self.audit, self.accounts, photos))

    def close(self) -> None:
        self.photos.close()
        with contextlib.suppress(sqlite3.Error, OSError):  # closing must not fail over a record
            self.anchors.note_seen()
        self.db.close()


def _wire(data_dir: Path, db: sqlite_utils.Database, clock: Clock,
          hasher: PasswordHasher | None) -> Services:
    audit = AuditLog(db, clock)
    accounts = AccountService(db, audit, clock, hasher)
    school = SchoolService(db, audit, accounts)
    alerts = AlertService(db, audit, accounts, clock)
    takedowns = TakedownService(db, audit, accounts, clock)
    approvals = ApprovalService(db, audit, accounts, clock)
    consent = ConsentService(db, audit, accounts, clock, takedowns, alerts)
    drafts = DraftService(db, audit, accounts, clock, approvals)
    photos = PhotoCheckService(db, audit, accounts, consent, clock, alerts=alerts)
    text = TextService(db, audit, accounts, consent, school, clock, alerts=alerts)
    termly = TermlyService(db, audit, accounts, takedowns, alerts, clock)
    marks = FaceMarkService(audit, accounts, photos)
    policy = PolicyReviewService(db, audit, accounts, lambda: text.profile, clock)
    anchors = AuditAnchors(db, audit, accounts, clock, key_params=accounts.hash_params)
    return Services(data_dir, db, clock, audit, accounts, school, consent, drafts, photos,
                    marks, text, alerts, approvals, takedowns, termly,
                    AuditReader(audit, accounts), policy, anchors,
                    BackupService(audit, accounts, data_dir),
                    VideoCheckService(audit, accounts, consent, clock, alerts=alerts))


def open_services(data_dir: Path, clock: Clock = utc_now,
                  hasher: PasswordHasher | None = None) -> Services:
    services = _wire(data_dir, open_db(data_dir), clock, hasher)
    try:
        # Before anyone can log in: no erasure is undone by an older database.
        services.reapplied_erasures = services.consent.at_start()
        services.anchors.note_seen()
    except BaseException:
        services.close()
        raise
    return services


def set_up_school(data_dir: Path, school_name: str, head_username: str, head_name: str,
                  password: str, clock: Clock = utc_now,
                  hasher: PasswordHasher | None = None) -> tuple[Services, Session]:
    """First run: a new data folder with the school and its headteacher. Refuses to overwrite."""
    services = _wire(data_dir, create_db(data_dir), clock, hasher)
    try:
        session = services.accounts.create_first_headteacher(head_username, head_name, password)
        services.school.create(school_name, head_username)
        services.anchors.new_school_here()
    except BaseException:
        services.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{data_dir / 'croftpost.db'}{suffix}").unlink(missing_ok=True)
        raise
    return services, session


def restore_school(data_dir: Path, backup: Path, username: str) -> RestoreResult:
    """Put a verified backup in place and open it (which re-applies the erasures made since),
    then record who restored it; this PC's audit anchors then expect the restored log. The
    caller has already proved `username` is a headteacher, against the live database or the
    backup, and closed its own connection."""
    entries = restore_from(data_dir, backup)
    restored = open_services(data_dir)
    try:
        reapplied = list(restored.reapplied_erasures)
        restored.audit.record(username, "restore", backup.name,
                              {"erasures_reapplied": len(reapplied)})
        restored.anchors.after_restore(username, backup.name)
    finally:
        restored.close()
    return RestoreResult(entries, reapplied)
