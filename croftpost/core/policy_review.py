"""When the school's social media policy is next due for review (policy section 7).

The date comes from the school's policy profile (`next_review_due`). When the governors have
reviewed the policy and kept it, the headteacher records that here with the next review date:
the warning stops until then, and the record is audited. A policy that changed needs a new
profile, which carries its own dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.audit import AuditLog
from croftpost.core.clock import Clock, iso, local_today, utc_now
from croftpost.core.policy_profile import PolicyProfile
from croftpost.errors import BadInput
from croftpost.storage import settings_repo
from croftpost.storage.db import transaction

_NEXT_DUE = "policy.next_review_due"
_REVIEWED_AT = "policy.reviewed_at"
_REVIEWED_BY = "policy.reviewed_by"


@dataclass(frozen=True)
class PolicyReview:
    title: str  # the policy's title in its profile
    due_on: date
    overdue: bool
    recorded_at: str | None = None  # when a review was last recorded in croftpost
    recorded_by: str | None = None


class PolicyReviewService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 profile: Callable[[], PolicyProfile], clock: Clock = utc_now) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._profile = profile
        self._clock = clock

    def status(self) -> PolicyReview:
        """Internal (shown to everyone in a banner; holds no personal data)."""
        profile = self._profile()
        due = profile.next_review_due
        recorded = settings_repo.get(self._db, _NEXT_DUE)
        if recorded and date.fromisoformat(recorded) > due:
            due = date.fromisoformat(recorded)
        return PolicyReview(profile.title, due, local_today(self._clock) > due,
                            settings_repo.get(self._db, _REVIEWED_AT),
                            settings_repo.get(self._db, _REVIEWED_BY))

    def record_review(self, session: Session, next_due: date) -> PolicyReview:
        """The governors reviewed the policy and kept it; the next review is due `next_due`."""
        head = self._accounts.require(session, Permission.MANAGE_SCHOOL)
        today = local_today(self._clock)
        if next_due <= today:
            raise BadInput("The next review date must be after today.")
        if next_due.year > today.year + 3:
            raise BadInput("A policy is reviewed at least every three years: choose an earlier "
                           "date.")
        before = self.status()
        with transaction(self._db):
            settings_repo.put(self._db, _NEXT_DUE, next_due.isoformat())
            settings_repo.put(self._db, _REVIEWED_AT, iso(self._clock()))
            settings_repo.put(self._db, _REVIEWED_BY, head.username)
            self._audit.record(head.username, "policy.reviewed", before.title, {
                "before": before.due_on.isoformat(), "after": next_due.isoformat()})
        return self.status()
