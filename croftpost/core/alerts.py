"""Alerts to the headteacher when someone's check meets a protected pupil (issue 7).

The photo and text checks call `raise_alert` when a face matches a protected pupil or a draft
names one. The post is blocked by the check itself; the alert makes sure the headteacher
knows that someone tried. Repeats of the same open alert (the same person, pupil, kind and
details, e.g. a check run again on the same draft) are counted on that alert rather than
filling the audit log: the first is audited, and acknowledging it is audited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.audit import AuditLog, canonical_details
from croftpost.core.clock import Clock, iso, utc_now
from croftpost.errors import BadInput, NotFound, short_text
from croftpost.storage import alerts_repo, pupils_repo
from croftpost.storage.db import transaction

PROTECTED_FACE = "protected_face"
PROTECTED_NAME = "protected_name"
# Someone without the right tried to lift a protection or delete a protected pupil (refused),
# or a protected child was imported again and the protection was put back on them.
PROTECTION_REFUSED = "protection_refused"
PROTECTION_KEPT = "protection_kept"
ALERT_KINDS = (PROTECTED_FACE, PROTECTED_NAME, PROTECTION_REFUSED, PROTECTION_KEPT)
MAX_NOTE_CHARS = 2000


@dataclass(frozen=True)
class Alert:
    id: int
    kind: str
    pupil_id: str
    pupil_name: str | None  # None when the pupil has since been deleted from the register
    actor: str
    details: dict[str, Any]
    first_at: str
    last_at: str
    times: int
    acknowledged_by: str | None
    acknowledged_at: str | None
    note: str | None

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None


class AlertService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 clock: Clock = utc_now) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._clock = clock

    def raise_alert(self, kind: str, pupil_id: str, actor: str,
                    details: Mapping[str, Any] | None = None) -> int:
        """Record that `actor`'s check met protected pupil `pupil_id`; returns the alert id.

        kind: PROTECTED_FACE or PROTECTED_NAME. details: small, JSON-safe facts that let the
        headteacher find the attempt (draft_id, channel, photo_sha256), never the pupil's name,
        the draft's text or a face encoding. Joins the caller's transaction if there is one.
        """
        if kind not in ALERT_KINDS:
            raise ValueError(f"unknown alert kind {kind!r}")
        details_json = canonical_details(details)
        key = hashlib.sha256(json.dumps([kind, pupil_id, actor, details_json]).encode()).hexdigest()
        now = iso(self._clock())
        with transaction(self._db):
            existing = alerts_repo.open_with_key(self._db, key)
            if existing is not None:
                alerts_repo.repeat(self._db, existing, now)
                return existing
            alert_id = alerts_repo.insert(self._db, kind, pupil_id, actor, details_json, key,
                                          now)
            self._audit.record(actor, "alert.raised", pupil_id,
                               {"alert_id": alert_id, "kind": kind, "details": details or {}})
        return alert_id

    def alerts(self, session: Session, include_acknowledged: bool = False) -> list[Alert]:
        """For the headteacher: open alerts (or all), the latest first."""
        self._accounts.require(session, Permission.SAFEGUARDING)
        return [self._alert(r) for r in alerts_repo.alerts(self._db, include_acknowledged)]

    def open_count(self, session: Session) -> int:
        return len(self.alerts(session))

    def acknowledge(self, session: Session, alert_id: int, note: str = "") -> Alert:
        head = self._accounts.require(session, Permission.SAFEGUARDING)
        cleaned = short_text(note, MAX_NOTE_CHARS)
        alert = self._get(alert_id)
        if not alert.open:
            raise BadInput(f"Alert {alert_id} was already acknowledged.")
        with transaction(self._db):
            alerts_repo.acknowledge(self._db, alert_id, head.username, iso(self._clock()),
                                    cleaned)
            self._audit.record(head.username, "alert.acknowledge", str(alert_id),
                               {"kind": alert.kind, "pupil_id": alert.pupil_id,
                                "times": alert.times, "note": cleaned})
        return self._get(alert_id)

    def between(self, start: str, end: str) -> list[Alert]:
        """For the termly report (its caller checks the permission)."""
        return [self._alert(r) for r in alerts_repo.between(self._db, start, end)]

    def _get(self, alert_id: int) -> Alert:
        row = alerts_repo.get(self._db, alert_id)
        if row is None:
            raise NotFound(f"There is no alert {alert_id}.")
        return self._alert(row)

    def _alert(self, row: dict[str, Any]) -> Alert:
        name = pupils_repo.full_name(self._db, row["pupil_id"])
        return Alert(row["id"], row["kind"], row["pupil_id"], name, row["actor"],
                     json.loads(row["details"]), row["first_at"], row["last_at"], row["times"],
                     row["acknowledged_by"], row["acknowledged_at"], row["note"])
