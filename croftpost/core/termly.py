"""The termly review of what was published (issue 7): the data for a one-page report, and the
reminder that a review is due.

The report lists, for a period, each post with its author, channel, date, text hash, its
photos' face statuses, the pupils it featured and who approved it; every open takedown task;
and the alerts about protected pupils. It is plain data: the screens (croftpost.ui.reports)
turn it into a PDF. A review is due when none has been recorded, or the last is older than a
term (13 weeks); the headteacher records one with `mark_reviewed`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.alerts import Alert, AlertService
from croftpost.core.audit import AuditLog
from croftpost.core.audit_anchors import latest_checkpoint_line
from croftpost.core.clock import Clock, iso, local_today, parse_iso, utc_now
from croftpost.core.takedowns import TakedownService, TakedownTask
from croftpost.errors import BadInput
from croftpost.storage import (
    drafts_repo,
    pupils_repo,
    settings_repo,
    staff_repo,
    takedowns_repo,
)
from croftpost.storage.db import transaction

TERM = timedelta(weeks=13)


BLURRED = "blurred"  # a face status in the report: blurred in the copy that was posted


@dataclass(frozen=True)
class ReportPhoto:
    original_sha256: str
    safe_sha256: str
    face_statuses: list[str]  # one per face: consented, not_consented, unknown, adult ...


@dataclass(frozen=True)
class ReportPupil:
    pupil_id: str
    name: str | None  # None when the pupil has since been deleted from the register


@dataclass(frozen=True)
class ReportPost:
    id: int
    author: str
    author_name: str
    channel: str
    posted_at: str
    text_sha256: str
    photos: list[ReportPhoto]
    pupils: list[ReportPupil]
    approved_by: str | None


@dataclass(frozen=True)
class TermlyReport:
    school_name: str
    period_start: str  # ISO dates, both days included
    period_end: str
    generated_at: str
    generated_by: str
    posts: list[ReportPost]
    open_takedowns: list[TakedownTask]
    alerts: list[Alert]
    # The audit log's newest signed checkpoint: on paper, it anchors the log (audit_anchors.py).
    audit_checkpoint: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReviewStatus:
    due: bool
    last_reviewed_at: str | None
    last_reviewed_by: str | None
    next_due_on: str | None  # ISO date; None only for a school with no accounts at all


class TermlyService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 takedowns: TakedownService, alerts: AlertService,
                 clock: Clock = utc_now) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._takedowns = takedowns
        self._alerts = alerts
        self._clock = clock

    def default_period(self) -> tuple[date, date]:
        """From the day after the last reviewed period (or a term ago) to today."""
        today = local_today(self._clock)
        last = takedowns_repo.last_review(self._db)
        if last is not None:
            start = date.fromisoformat(last["period_end"]) + timedelta(days=1)
            return (min(start, today), today)
        return (today - TERM + timedelta(days=1), today)

    def termly_report(self, session: Session, start: date, end: date) -> TermlyReport:
        head = self._accounts.require(session, Permission.READ_AUDIT)
        if end < start:
            raise BadInput("The report's end date is before its start date.")
        since, until = _day_start(start), _day_start(end + timedelta(days=1))
        posts = [self._post(r) for r in takedowns_repo.posts_between(self._db, since, until)]
        report = TermlyReport(
            school_name=settings_repo.get(self._db, "school.name", "") or "",
            period_start=start.isoformat(), period_end=end.isoformat(),
            generated_at=iso(self._clock()), generated_by=head.full_name,
            posts=posts, open_takedowns=self._takedowns.open_tasks(),
            alerts=self._alerts.between(since, until),
            audit_checkpoint=latest_checkpoint_line(self._db))
        self._audit.record(head.username, "report.termly", "", {
            "start": report.period_start, "end": report.period_end, "posts": len(posts),
            "open_takedowns": len(report.open_takedowns), "alerts": len(report.alerts)})
        return report

    def review_status(self) -> ReviewStatus:
        """Whether the termly review is due (shown to the headteacher; reveals no content).
        The first one is due a term after the school started with croftpost: a new school
        has nothing to review on its first day."""
        last = takedowns_repo.last_review(self._db)
        if last is None:
            started = staff_repo.first_created_at(self._db)
            if started is None:
                return ReviewStatus(True, None, None, None)
            first_due = parse_iso(started) + TERM
            return ReviewStatus(self._clock() >= first_due, None, None,
                                first_due.astimezone().date().isoformat())
        next_due = parse_iso(last["reviewed_at"]) + TERM
        return ReviewStatus(self._clock() >= next_due, last["reviewed_at"],
                            last["reviewed_by"], next_due.astimezone().date().isoformat())

    def mark_reviewed(self, session: Session, start: date, end: date) -> ReviewStatus:
        head = self._accounts.require(session, Permission.READ_AUDIT)
        if end < start:
            raise BadInput("The review's end date is before its start date.")
        with transaction(self._db):
            review_id = takedowns_repo.add_review(self._db, head.username, iso(self._clock()),
                                                  start.isoformat(), end.isoformat())
            self._audit.record(head.username, "report.reviewed", str(review_id),
                               {"start": start.isoformat(), "end": end.isoformat()})
        return self.review_status()

    def _post(self, row: dict[str, Any]) -> ReportPost:
        author = staff_repo.get(self._db, row["author"])
        photos = [ReportPhoto(str(p.get("original_sha256", "")), str(p.get("safe_sha256", "")),
                              [_face_status(f) for f in p.get("faces", [])])
                  for p in json.loads(row["photos"])]
        pupils = []
        for pupil_id in drafts_repo.post_pupils(self._db, row["id"]):
            pupils.append(ReportPupil(pupil_id, pupils_repo.full_name(self._db, pupil_id)))
        return ReportPost(row["id"], row["author"], author["full_name"] if author else "",
                          row["channel"], row["posted_at"], row["text_sha256"], photos, pupils,
                          row["approved_by"])


def _face_status(face: dict[str, Any]) -> str:
    """A face as the published copy shows it: "blurred" when it was blurred there (a face
    without consent that nobody can see is not a breach), else its status."""
    return BLURRED if face.get("blurred") else str(face.get("status", "unknown"))


def _day_start(day: date) -> str:
    """The school's local midnight at the start of `day`, as a UTC timestamp."""
    return iso(datetime.combine(day, time()).astimezone())
