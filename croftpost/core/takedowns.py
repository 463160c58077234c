"""Takedown tasks: when a pupil's consent is withdrawn or they become protected, each published
post that features them must come down (issue 7).

A task is made for each such post, assigned to the member of staff who posted it, and stays
on the headteacher's list until it is marked done. Consent changes call this service inside
their own transaction, so a withdrawal and its tasks are saved together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.audit import AuditLog
from croftpost.core.clock import Clock, iso, utc_now
from croftpost.core.consent_model import NAME_KINDS, PHOTO_KINDS
from croftpost.errors import BadInput, NotFound, PermissionDenied, short_text
from croftpost.storage import pupils_repo, takedowns_repo
from croftpost.storage.db import transaction

WITHDRAWN = "withdrawn"
PROTECTED = "protected"
MAX_NOTE_CHARS = 2000


@dataclass(frozen=True)
class TakedownTask:
    id: int
    post_id: int
    channel: str
    posted_at: str
    text_sha256: str
    post_text: str | None  # the draft it was posted from, when there was one
    pupil_id: str
    pupil_name: str | None  # None when the pupil has since been deleted from the register
    assignee: str
    reason: str  # withdrawn or protected
    kinds: list[str]  # the consents withdrawn that concern this post's channel
    created_by: str
    created_at: str
    done_by: str | None
    done_at: str | None
    note: str | None

    @property
    def open(self) -> bool:
        return self.done_at is None


def kinds_concerning(channel: str, withdrawn: Iterable[str]) -> list[str]:
    """The withdrawn consents that matter to a post on this channel (its photo and name)."""
    relevant = {PHOTO_KINDS.get(channel), NAME_KINDS.get(channel)}
    return sorted(k for k in set(withdrawn) if k in relevant)


class TakedownService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 clock: Clock = utc_now) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._clock = clock

    # -- created by consent changes ---------------------------------------------------------
    def on_consent_withdrawn(self, actor: str, pupil_id: str, kinds: Iterable[str]) -> list[int]:
        """A task for each post featuring the pupil on a channel whose photo or name consent
        was withdrawn (withdrawing only biometric consent takes nothing down)."""
        chosen = list(kinds)
        created = []
        with transaction(self._db):
            for post in pupils_repo.posts_featuring(self._db, pupil_id):
                concerned = kinds_concerning(str(post["channel"]), chosen)
                if concerned:
                    created += self._create(actor, post, pupil_id, WITHDRAWN, concerned)
        return created

    def on_protected(self, actor: str, pupil_id: str) -> list[int]:
        """A protected pupil never appears: every post featuring them comes down."""
        created = []
        with transaction(self._db):
            for post in pupils_repo.posts_featuring(self._db, pupil_id):
                created += self._create(actor, post, pupil_id, PROTECTED, [])
        return created

    def _create(self, actor: str, post: dict[str, Any], pupil_id: str, reason: str,
                kinds: list[str]) -> list[int]:
        task_id = takedowns_repo.insert_open(self._db, post["id"], pupil_id, post["author"],
                                             reason, json.dumps(kinds), actor,
                                             iso(self._clock()))
        if task_id is None:  # this post and pupil already have an open task
            return []
        self._audit.record(actor, "takedown.create", str(task_id), {
            "post_id": post["id"], "pupil_id": pupil_id, "assignee": post["author"],
            "reason": reason, "kinds": kinds})
        return [task_id]

    # -- seen and closed by staff -----------------------------------------------------------
    def takedowns(self, session: Session, include_done: bool = False) -> list[TakedownTask]:
        """Your own tasks; the headteacher sees everyone's."""
        member = self._accounts.current(session)
        assignee = None if member.can(Permission.SAFEGUARDING) else member.username
        return [self._task(r) for r in takedowns_repo.tasks(self._db, assignee, include_done)]

    def open_tasks(self) -> list[TakedownTask]:
        """For the termly report (its caller checks the permission)."""
        return [self._task(r) for r in takedowns_repo.tasks(self._db, None, False)]

    def mark_done(self, session: Session, task_id: int, note: str = "") -> TakedownTask:
        """The post has been taken down (or edited so the pupil no longer appears)."""
        member = self._accounts.current(session)
        task = self._get(task_id)
        if task.assignee != member.username and not member.can(Permission.SAFEGUARDING):
            raise PermissionDenied("Only the person who posted it or the headteacher can close "
                                   "this takedown task.")
        if not task.open:
            raise BadInput(f"Takedown task {task_id} is already done.")
        cleaned = short_text(note, MAX_NOTE_CHARS)
        with transaction(self._db):
            takedowns_repo.mark_done(self._db, task_id, member.username, iso(self._clock()),
                                     cleaned)
            self._audit.record(member.username, "takedown.done", str(task_id), {
                "post_id": task.post_id, "pupil_id": task.pupil_id, "note": cleaned})
        return self._get(task_id)

    def _get(self, task_id: int) -> TakedownTask:
        row = takedowns_repo.get(self._db, task_id)
        if row is None:
            raise NotFound(f"There is no takedown task {task_id}.")
        return self._task(row)

    def _task(self, row: dict[str, Any]) -> TakedownTask:
        name = pupils_repo.full_name(self._db, row["pupil_id"])
        return TakedownTask(row["id"], row["post_id"], row["channel"], row["posted_at"],
                            row["text_sha256"], row["post_text"], row["pupil_id"], name,
                            row["assignee"], row["reason"], json.loads(row["kinds"]),
                            row["created_by"], row["created_at"], row["done_by"],
                            row["done_at"], row["note"])
