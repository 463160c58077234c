"""Drafts that survive a crash, and the record of what was published.

A draft is saved on every change (one small transaction; SQLite's WAL keeps it through a kill).
Autosaves are not audited one by one: creating, deleting and publishing are. Each photo is
kept with its content hash and the staff's face decisions (draft_photos.py), so reopening a draft
(or the app after a crash) does not ask for them again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Session
from croftpost.core.approvals import ApprovalService
from croftpost.core.audit import AuditLog
from croftpost.core.clock import Clock, iso, utc_now
from croftpost.core.draft_photos import DraftPhoto, photos_from_json, photos_to_json
from croftpost.core.posting import Publication
from croftpost.errors import BadInput, NotFound, PermissionDenied
from croftpost.storage import drafts_repo
from croftpost.storage.db import transaction

MAX_DRAFT_CHARS = 63_206  # Facebook's own limit for a post


@dataclass(frozen=True)
class Draft:
    id: int
    author: str
    channel: str
    body: str
    photos: list[DraftPhoto]
    state: str
    created_at: str
    updated_at: str
    acknowledged: list[dict[str, str]] = field(default_factory=list)  # warnings with reasons
    prepared: dict[str, Any] = field(default_factory=dict)  # the last safe copies' hashes

    @property
    def photo_paths(self) -> list[str]:
        return [p.path for p in self.photos]


@dataclass(frozen=True)
class Post:
    id: int
    draft_id: int | None
    author: str
    channel: str
    text_sha256: str
    photos: list[dict[str, Any]]
    posted_at: str
    pupils: list[str]
    url: str = ""  # where it was posted, when staff gave the link


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DraftService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 clock: Clock = utc_now, approvals: ApprovalService | None = None) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._clock = clock
        # Always present, so that no way of building this service can skip approval.
        self._approvals = approvals or ApprovalService(db, audit, accounts, clock)

    def create(self, session: Session, channel: str, body: str = "",
               photos: Sequence[str | DraftPhoto] | None = None) -> Draft:
        member = self._accounts.require_channel(session, channel)
        with transaction(self._db):
            draft_id = drafts_repo.insert_draft(self._db, member.username, channel, body,
                                                photos_to_json(photos or ()), iso(self._clock()))
            self._audit.record(member.username, "draft.create", str(draft_id),
                               {"channel": channel})
        return self.get(session, draft_id)

    def save(self, session: Session, draft_id: int, body: str,
             photos: Sequence[str | DraftPhoto], channel: str | None = None, *,
             acknowledged: Sequence[dict[str, str]] | None = None,
             prepared: dict[str, Any] | None = None) -> Draft:
        """Photos as plain paths, or DraftPhoto with their hash and face decisions. Warnings
        acknowledged and the last safe copies made are kept when not given."""
        draft = self._own(session, draft_id)
        if channel and channel != draft.channel:
            self._accounts.require_channel(session, channel)
        if len(body) > MAX_DRAFT_CHARS:
            raise BadInput(f"A post can be at most {MAX_DRAFT_CHARS:,} characters long.")
        extra: dict[str, str] = {}
        if acknowledged is not None:
            extra["acknowledged"] = json.dumps(list(acknowledged), ensure_ascii=False)
        if prepared is not None:
            extra["prepared"] = json.dumps(prepared)
        drafts_repo.update_draft(self._db, draft_id, body=body, photos=photos_to_json(photos),
                                 channel=channel or draft.channel,
                                 updated_at=iso(self._clock()), **extra)
        return self.get(session, draft_id)

    def remember_prepared(self, session: Session, draft_id: int,
                          record: dict[str, Any]) -> None:
        """The safe copies just made for this draft (PostComposer.publish checks them)."""
        self._own(session, draft_id)
        drafts_repo.update_draft(self._db, draft_id, prepared=json.dumps(record),
                                 updated_at=iso(self._clock()))

    def get(self, session: Session, draft_id: int) -> Draft:
        self._accounts.current(session)
        row = drafts_repo.get_draft(self._db, draft_id)
        if row is None:
            raise NotFound(f"There is no draft {draft_id}.")
        return _draft(row)

    def delete(self, session: Session, draft_id: int) -> None:
        draft = self._own(session, draft_id)
        with transaction(self._db):
            drafts_repo.delete_draft(self._db, draft.id)
            self._audit.record(session.username, "draft.delete", str(draft.id))

    def my_drafts(self, session: Session) -> list[Draft]:
        member = self._accounts.current(session)
        return [_draft(r) for r in drafts_repo.drafts(self._db, member.username, "draft")]

    def history(self, session: Session) -> list[Post]:
        """Your own posts; the headteacher sees everyone's."""
        member = self._accounts.current(session)
        author = None if member.can(Permission.SEE_ALL_POSTS) else member.username
        return [self._post(r) for r in drafts_repo.posts(self._db, author)]

    def publish(self, session: Session, draft_id: int | None, channel: str,
                publication: Publication, url: str = "") -> Post:
        """Record that a post went out: hashes of the exact text and images, the pupils shown
        and their consent at this moment, and who acknowledged which warning. On a channel
        that needs approval, only content with a matching approval goes out."""
        member = self._accounts.require_channel(session, channel)
        if draft_id is not None:
            self._own(session, draft_id)
        approval_id = self._approvals.clearance(member.username, draft_id, channel, publication)
        text_hash = sha256_text(publication.text)
        photos = [p.__dict__ for p in publication.photos]
        now = iso(self._clock())
        with transaction(self._db):
            seq = self._audit.record(member.username, "post.published", channel, {
                "draft_id": draft_id, "text_sha256": text_hash, "photos": photos,
                "pupils": publication.pupils, "face_model": publication.face_model,
                "acknowledged_warnings": publication.acknowledged_warnings,
                "approval_id": approval_id} | ({"url": url} if url else {}))
            post_id = drafts_repo.insert_post(self._db, draft_id, member.username, channel,
                                              text_hash, json.dumps(photos), now, seq,
                                              list(publication.pupils), url)
            if approval_id is not None:
                self._approvals.mark_published(approval_id, post_id)
            if draft_id is not None:
                drafts_repo.update_draft(self._db, draft_id, state="posted", updated_at=now)
        row = drafts_repo.get_post(self._db, post_id)
        assert row is not None
        return self._post(row)

    def _own(self, session: Session, draft_id: int) -> Draft:
        draft = self.get(session, draft_id)
        member = self._accounts.current(session)
        if draft.author != member.username and not member.can(Permission.MANAGE_STAFF):
            raise PermissionDenied("You can only change your own drafts.")
        if draft.state == "posted":
            raise BadInput("This draft has already been posted; start a new one.")
        return draft

    def _post(self, row: dict[str, Any]) -> Post:
        return Post(row["id"], row["draft_id"], row["author"], row["channel"],
                    row["text_sha256"], json.loads(row["photos"]), row["posted_at"],
                    drafts_repo.post_pupils(self._db, row["id"]), row.get("url") or "")


def _draft(row: dict[str, Any]) -> Draft:
    return Draft(row["id"], row["author"], row["channel"], row["body"],
                 photos_from_json(row["photos"]), row["state"], row["created_at"],
                 row["updated_at"], _json_list(row.get("acknowledged")),
                 _json_dict(row.get("prepared")))


def _json_list(text: str | None) -> list[dict[str, str]]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []  # a damaged record: the warnings need their reasons again (fail safe)
    return [dict(v) for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _json_dict(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
