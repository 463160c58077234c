"""Approval before publishing (issue 7).

The headteacher decides, per channel, whether posts need approval, and names the staff who may
approve besides themselves. An author submits a draft with a snapshot of exactly what will be
published (text, photos with their face statuses, acknowledged warnings); an approver approves
it or returns it with a comment. Nobody decides on their own post. The approval covers one
content hash: if what is published differs in any way, the approval is void and publishing is
refused (DraftService.publish asks `clearance` before it records a post).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils

from croftpost.core.accounts import AccountService, Permission, Role, Session, StaffMember
from croftpost.core.audit import AuditLog, canonical_details
from croftpost.core.channels import CHANNELS
from croftpost.core.clock import Clock, iso, utc_now
from croftpost.core.draft_photos import photos_from_json
from croftpost.core.posting import Publication
from croftpost.errors import BadInput, NotFound, PermissionDenied, short_text
from croftpost.storage import approvals_repo, drafts_repo, settings_repo, staff_repo
from croftpost.storage.db import transaction

MAX_COMMENT_CHARS = 2000
_SETTING = "approval.required."


@dataclass(frozen=True)
class ApprovalSnapshot:
    """What the approver saw: the exact text, each photo's hashes and face statuses, the pupils
    shown with their consent state, every acknowledged warning, and the draft's photo files."""

    text: str
    photos: list[dict[str, Any]]
    pupils: dict[str, dict[str, Any]]
    acknowledged_warnings: list[dict[str, str]]
    face_model: dict[str, Any]
    photo_files: list[str] = field(default_factory=list)

    def face_statuses(self) -> dict[str, int]:
        """How many faces have each status across the photos ({"consented": 3, ...}); a face
        that will be blurred in the copy counts as "blurred", whatever its status."""
        counts = Counter("blurred" if face.get("blurred") else str(face.get("status", "unknown"))
                         for photo in self.photos for face in photo.get("faces", []))
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class Approval:
    id: int
    draft_id: int
    author: str
    channel: str
    content_hash: str
    state: str  # pending, approved, returned, superseded, void, published
    submitted_at: str
    decided_by: str | None
    decided_at: str | None
    comment: str | None
    post_id: int | None
    snapshot: ApprovalSnapshot


def content_hash(channel: str, publication: Publication) -> str:
    """A SHA-256 over everything the approver judged: channel, exact text, each original photo
    and its faces' statuses, and the acknowledged warnings. The safe copies' hashes are left
    out on purpose: they are derived from the originals and the face statuses, and may be made
    only after approval."""
    photos = [[p.original_sha256,
               [[str(f.get("status")), f.get("pupil_id")] for f in p.faces]]
              for p in publication.photos]
    warnings = sorted(canonical_details(w) for w in publication.acknowledged_warnings)
    payload = json.dumps([channel, publication.text, photos, warnings], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ApprovalService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, accounts: AccountService,
                 clock: Clock = utc_now) -> None:
        self._db = db
        self._audit = audit
        self._accounts = accounts
        self._clock = clock

    # -- settings (headteacher) -------------------------------------------------------------
    def requires_approval(self, channel: str) -> bool:
        return settings_repo.get(self._db, _SETTING + channel) == "1"

    def required_channels(self) -> dict[str, bool]:
        return {channel: self.requires_approval(channel) for channel in CHANNELS}

    def set_required(self, session: Session, channel: str, required: bool) -> dict[str, bool]:
        head = self._accounts.require(session, Permission.MANAGE_SCHOOL)
        if channel not in CHANNELS:
            raise BadInput(f"Unknown channel {channel!r}: use facebook or dojo.")
        before = self.requires_approval(channel)
        with transaction(self._db):
            settings_repo.put(self._db, _SETTING + channel, "1" if required else "0")
            self._audit.record(head.username, "approval.require", channel,
                               {"before": before, "after": required})
        return self.required_channels()

    def set_approver(self, session: Session, username: str, approver: bool) -> list[str]:
        """Name (or stop naming) a member of staff as an approver. Returns the approvers."""
        head = self._accounts.require(session, Permission.MANAGE_STAFF)
        if staff_repo.get(self._db, username) is None:
            raise NotFound(f"There is no staff account called {username!r}.")
        before = approvals_repo.is_approver(self._db, username)
        with transaction(self._db):
            if approver:
                approvals_repo.add_approver(self._db, username, head.username,
                                            iso(self._clock()))
            else:
                approvals_repo.remove_approver(self._db, username)
            self._audit.record(head.username, "staff.approver", username,
                               {"before": before, "after": approver})
        return self.approvers()

    def approvers(self) -> list[str]:
        """Everyone who may approve today: active headteachers and the active named staff."""
        named = set(approvals_repo.approvers(self._db))
        rows = [staff_repo.get(self._db, u) for u in staff_repo.usernames(self._db)]
        return sorted(row["username"] for row in rows if row and row["active"] and (
            row["role"] == Role.HEADTEACHER or row["username"] in named))

    def can_approve(self, member: StaffMember) -> bool:
        return member.active and (member.role == Role.HEADTEACHER
                                  or approvals_repo.is_approver(self._db, member.username))

    # -- the author's side ------------------------------------------------------------------
    def submit(self, session: Session, draft_id: int, snapshot: Publication) -> Approval:
        """Put a draft in the approval queue with a snapshot of exactly what will be published.
        A new submission replaces any earlier open request for the same draft."""
        draft = drafts_repo.get_draft(self._db, draft_id)
        if draft is None:
            raise NotFound(f"There is no draft {draft_id}.")
        member = self._accounts.require_channel(session, draft["channel"])
        if draft["author"] != member.username:
            raise PermissionDenied("You can only submit your own drafts for approval.")
        if draft["state"] != "draft":
            raise BadInput("This draft has already been posted; start a new one.")
        digest = content_hash(draft["channel"], snapshot)
        stored = asdict(snapshot) | {
            "photo_files": [p.path for p in photos_from_json(draft["photos"])]}
        now = iso(self._clock())
        with transaction(self._db):
            replaced = [row["id"] for row in approvals_repo.open_for_draft(self._db, draft_id)]
            for old in replaced:
                approvals_repo.set_state(self._db, old, "superseded")
            approval_id = approvals_repo.insert(self._db, draft_id, member.username,
                                                draft["channel"], digest,
                                                json.dumps(stored, ensure_ascii=False), now)
            self._audit.record(member.username, "approval.submit", str(approval_id), {
                "draft_id": draft_id, "channel": draft["channel"], "content_hash": digest,
                "text_sha256": hashlib.sha256(snapshot.text.encode("utf-8")).hexdigest(),
                "photos": [p.original_sha256 for p in snapshot.photos],
                "acknowledged_warnings": len(snapshot.acknowledged_warnings),
                "replaces": replaced})
        return self._get(approval_id)

    def mine(self, session: Session) -> list[Approval]:
        member = self._accounts.current(session)
        return [_approval(r) for r in approvals_repo.by_author(self._db, member.username)]

    def for_draft(self, session: Session, draft_id: int) -> Approval | None:
        """The latest request for a draft (any state), for its author or an approver."""
        member = self._accounts.current(session)
        row = approvals_repo.latest_for_draft(self._db, draft_id)
        if row is None:
            return None
        if row["author"] != member.username and not self.can_approve(member):
            raise PermissionDenied("Only the author and the approvers can see this request.")
        return _approval(row)

    # -- the approver's side ----------------------------------------------------------------
    def queue(self, session: Session) -> list[Approval]:
        """Requests waiting for a decision (including the approver's own, which someone else
        must decide), oldest first."""
        self._require_approver(session)
        return [_approval(r) for r in approvals_repo.pending(self._db)]

    def get(self, session: Session, approval_id: int) -> Approval:
        member = self._accounts.current(session)
        approval = self._get(approval_id)
        if approval.author != member.username and not self.can_approve(member):
            raise PermissionDenied("Only the author and the approvers can see this request.")
        return approval

    def approve(self, session: Session, approval_id: int) -> Approval:
        approver, approval = self._decidable(session, approval_id)
        with transaction(self._db):
            approvals_repo.set_state(self._db, approval.id, "approved",
                                     decided_by=approver.username, decided_at=iso(self._clock()))
            self._audit.record(approver.username, "approval.approve", str(approval.id), {
                "draft_id": approval.draft_id, "author": approval.author,
                "channel": approval.channel, "content_hash": approval.content_hash})
        return self._get(approval.id)

    def return_(self, session: Session, approval_id: int, comment: str) -> Approval:
        """Send a post back to its author with a comment saying what to change."""
        cleaned = short_text(comment, MAX_COMMENT_CHARS, "A comment")
        if not cleaned:
            raise BadInput("Say what the author should change before it can be approved.")
        approver, approval = self._decidable(session, approval_id)
        with transaction(self._db):
            approvals_repo.set_state(self._db, approval.id, "returned",
                                     decided_by=approver.username, decided_at=iso(self._clock()),
                                     comment=cleaned)
            self._audit.record(approver.username, "approval.return", str(approval.id), {
                "draft_id": approval.draft_id, "author": approval.author,
                "channel": approval.channel, "content_hash": approval.content_hash,
                "comment": cleaned})
        return self._get(approval.id)

    # -- publishing (called by DraftService.publish) ----------------------------------------
    def clearance(self, actor: str, draft_id: int | None, channel: str,
                  publication: Publication) -> int | None:
        """The approval that lets this exact content go out, or None when the channel needs
        none. Refuses (PermissionDenied) a post that needs approval and has no valid one; an
        approval whose content no longer matches is made void (audited) first."""
        if not self.requires_approval(channel):
            return None
        rows = approvals_repo.open_for_draft(self._db, draft_id) if draft_id is not None else []
        approved = next((r for r in rows if r["state"] == "approved"), None)
        if approved is None:
            waiting = any(r["state"] == "pending" for r in rows)
            raise PermissionDenied(
                f"Posts on {_label(channel)} need approval first: "
                + ("this one is still waiting for an approver." if waiting
                   else "submit the draft for approval."))
        digest = content_hash(channel, publication)
        if approved["channel"] != channel or approved["content_hash"] != digest:
            with transaction(self._db):
                approvals_repo.set_state(self._db, approved["id"], "void")
                self._audit.record(actor, "approval.void", str(approved["id"]), {
                    "draft_id": draft_id, "approved_hash": approved["content_hash"],
                    "published_hash": digest, "channel": channel})
            raise PermissionDenied("This post changed after it was approved, so the approval no "
                                   "longer counts: submit it for approval again.")
        return int(approved["id"])

    def mark_published(self, approval_id: int, post_id: int) -> None:
        """Inside the publishing transaction: the approval has been used."""
        approvals_repo.set_state(self._db, approval_id, "published", post_id=post_id)

    # -- helpers ----------------------------------------------------------------------------
    def _require_approver(self, session: Session) -> StaffMember:
        member = self._accounts.current(session)
        if not self.can_approve(member):
            raise PermissionDenied("Only the headteacher and the approvers they name can "
                                   "approve posts.")
        return member

    def _decidable(self, session: Session, approval_id: int) -> tuple[StaffMember, Approval]:
        approver = self._require_approver(session)
        approval = self._get(approval_id)
        if approval.author == approver.username:
            raise PermissionDenied("Nobody can approve or return their own post: another "
                                   "approver must decide.")
        if approval.state != "pending":
            raise BadInput(f"Request {approval.id} is no longer waiting for a decision "
                           f"({_STATE_WORDS.get(approval.state, approval.state)}).")
        draft = drafts_repo.get_draft(self._db, approval.draft_id)
        if draft is None or draft["state"] != "draft":
            raise BadInput(f"The draft of request {approval.id} has been deleted or posted.")
        return approver, approval

    def _get(self, approval_id: int) -> Approval:
        row = approvals_repo.get(self._db, approval_id)
        if row is None:
            raise NotFound(f"There is no approval request {approval_id}.")
        return _approval(row)


_STATE_WORDS = {"approved": "already approved", "returned": "returned to its author",
                "superseded": "replaced by a newer submission", "void": "void after a change",
                "published": "already published"}


def _label(channel: str) -> str:
    return {"facebook": "Facebook", "dojo": "Dojo"}.get(channel, channel)


def _approval(row: dict[str, Any]) -> Approval:
    data = json.loads(row["snapshot"])
    snapshot = ApprovalSnapshot(data["text"], data["photos"], data["pupils"],
                                data["acknowledged_warnings"], data["face_model"],
                                data.get("photo_files", []))
    return Approval(row["id"], row["draft_id"], row["author"], row["channel"],
                    row["content_hash"], row["state"], row["submitted_at"], row["decided_by"],
                    row["decided_at"], row["comment"], row["post_id"], snapshot)
