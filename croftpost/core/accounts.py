"""Staff accounts, roles and channel authorisation (policy section 2).

Every method that acts for someone takes their Session and checks, against the database at
that moment, that they may do it: a revoked account is refused at once, even mid-session.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from croftpost.core.audit import AuditLog
from croftpost.core.channels import CHANNELS
from croftpost.core.clock import Clock, iso, parse_iso, utc_now
from croftpost.errors import (
    AccountLocked,
    AccountRevoked,
    AuthenticationFailed,
    BadInput,
    NotFound,
    PermissionDenied,
)
from croftpost.storage import approvals_repo, staff_repo
from croftpost.storage.db import transaction

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


class Role(StrEnum):
    HEADTEACHER = "headteacher"
    OFFICE = "office"
    STAFF = "staff"


class Permission(StrEnum):
    MANAGE_STAFF = "manage_staff"
    READ_AUDIT = "read_audit"
    MANAGE_CONSENT = "manage_consent"
    MANAGE_SCHOOL = "manage_school"
    CHECK_CONTENT = "check_content"
    LIFT_PROTECTION = "lift_protection"  # lift a safeguarding protection, delete such a pupil
    SEE_ALL_POSTS = "see_all_posts"  # everyone's drafts and published posts, not only your own
    SAFEGUARDING = "safeguarding"  # alerts, every takedown, why a pupil is protected
    BACKUP = "backup"  # take a backup, restore one


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.HEADTEACHER: frozenset(Permission),
    Role.OFFICE: frozenset({Permission.MANAGE_CONSENT, Permission.CHECK_CONTENT}),
    Role.STAFF: frozenset({Permission.CHECK_CONTENT}),
}

_REFUSALS = {
    Permission.MANAGE_STAFF: "Only the headteacher can manage staff accounts.",
    Permission.READ_AUDIT: "Only the headteacher can read the audit log.",
    Permission.MANAGE_CONSENT: "Only office staff and the headteacher can change consent records.",
    Permission.MANAGE_SCHOOL: "Only the headteacher can change the school's details.",
    Permission.CHECK_CONTENT: "Your account can't check posts.",
    Permission.SEE_ALL_POSTS: "Only the headteacher can see everyone's posts.",
    Permission.SAFEGUARDING: "Only the headteacher can see safeguarding alerts and reasons.",
    Permission.BACKUP: "Only the headteacher can take or restore a backup.",
    Permission.LIFT_PROTECTION: "Only the headteacher can lift a safeguarding protection or "
                                "delete a protected pupil; the headteacher has been told of "
                                "this attempt.",
}


@dataclass(frozen=True)
class Session:
    """Who is acting. Deliberately holds no rights: they are looked up at every call."""

    username: str


@dataclass(frozen=True)
class StaffMember:
    username: str
    full_name: str
    role: Role
    active: bool
    channels: frozenset[str]
    personal_accounts: tuple[str, ...]
    failed_logins: int
    locked_until: str | None
    approver: bool  # named by the headteacher to approve posts (the approvers table)

    def can(self, permission: Permission) -> bool:
        return self.active and permission in ROLE_PERMISSIONS[self.role]

    def may_post(self, channel: str) -> bool:
        return self.active and channel in self.channels

    def may_approve(self) -> bool:
        """Approve or return others' posts: the headteacher, and the staff they name, whether
        or not they may post themselves."""
        return self.active and (self.role == Role.HEADTEACHER or self.approver)


def parse_channels(text: str | Iterable[str]) -> list[str]:
    items = text.split(",") if isinstance(text, str) else list(text)
    channels = [c.strip().lower() for c in items if c.strip()]
    bad = [c for c in channels if c not in CHANNELS]
    if bad:
        raise BadInput(f"Unknown channel {bad[0]!r}: use facebook or dojo.")
    return sorted(set(channels))


class AccountService:
    def __init__(self, db: sqlite_utils.Database, audit: AuditLog, clock: Clock = utc_now,
                 hasher: PasswordHasher | None = None) -> None:
        self._db = db
        self._audit = audit
        self._clock = clock
        self._hasher = hasher or PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
        # Called after each successful login with the password (the audit anchors unlock the
        # headteacher's signing key with it), and after a change of one's own password.
        self.login_hooks: list[Callable[[StaffMember, str], None]] = []
        self.password_hooks: list[Callable[[str, str, str], None]] = []

    @property
    def hash_params(self) -> tuple[int, int, int]:
        """Argon2id time cost, memory (KiB) and lanes: keys derived from passwords cost the
        same as checking one."""
        return self._hasher.time_cost, self._hasher.memory_cost, self._hasher.parallelism

    # -- first run and login -------------------------------------------------------------
    def has_headteacher(self) -> bool:
        return staff_repo.count_role(self._db, Role.HEADTEACHER) > 0

    def create_first_headteacher(self, username: str, full_name: str, password: str) -> Session:
        if self.has_headteacher():
            raise PermissionDenied("This school already has a headteacher account.")
        with transaction(self._db):
            self._insert(username, full_name, Role.HEADTEACHER, password)
            staff_repo.set_channels(self._db, username, CHANNELS, username, iso(self._clock()))
            self._audit.record(username, "school.setup", username,
                               {"role": Role.HEADTEACHER, "channels": list(CHANNELS)})
        return Session(username)

    def login(self, username: str, password: str) -> Session:
        row = staff_repo.get(self._db, username)
        if row is None:
            self._hasher.hash(password)  # same cost as a real check: no timing oracle
            self._audit.record(username or "?", "login.failed", username, {"reason": "unknown"})
            raise AuthenticationFailed("Wrong username or password.")
        if not row["active"]:
            self._audit.record(username, "login.refused", username, {"reason": "revoked"})
            raise AccountRevoked("This account has been revoked; ask the headteacher.")
        if self._locked(row):
            self._audit.record(username, "login.refused", username, {"reason": "locked"})
            raise AccountLocked(self._lock_message(row["locked_until"]))
        if not self._password_matches(row["password_hash"], password):
            self._count_failure(row)
            raise AuthenticationFailed("Wrong username or password.")
        with transaction(self._db):
            staff_repo.update(self._db, username, failed_logins=0, locked_until=None)
            self._audit.record(username, "login", username)
        member = self._member(username)
        for hook in self.login_hooks:
            hook(member, password)
        return Session(username)

    def check_password(self, session: Session, password: str) -> None:
        """Unlock after the idle lock: the same rules as a login, for the same person."""
        self.login(session.username, password)

    # -- the app's session: locked when idle or by hand, unlocked, ended (audited here) --------
    def lock_session(self, session: Session, idle: bool) -> None:
        member = self.current(session)
        self._audit.record(member.username, "session.locked", member.username, {"idle": idle})

    def unlock_session(self, session: Session, password: str) -> None:
        """The password again, under a login's rules (lockout, revoked account)."""
        self.check_password(session, password)
        self._audit.record(session.username, "session.unlocked", session.username)

    def logout(self, session: Session) -> None:
        member = self.current(session)  # a revoked account was already shown the door
        self._audit.record(member.username, "session.logout", member.username)

    def _password_matches(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def _locked(self, row: dict[str, Any]) -> bool:
        until = row["locked_until"]
        return bool(until) and parse_iso(until) > self._clock()

    def _lock_message(self, until: str) -> str:
        minutes = max(1, round((parse_iso(until) - self._clock()).total_seconds() / 60))
        return (f"Too many wrong passwords: this account is locked for {minutes} more "
                f"minute{'s' if minutes != 1 else ''}.")

    def _count_failure(self, row: dict[str, Any]) -> None:
        username = row["username"]
        failures = (0 if row["locked_until"] else row["failed_logins"]) + 1
        with transaction(self._db):
            self._audit.record(username, "login.failed", username, {"attempt": failures})
            if failures >= MAX_FAILED_LOGINS:
                until = iso(self._clock() + LOCKOUT)
                staff_repo.update(self._db, username, failed_logins=failures, locked_until=until)
                self._audit.record(username, "account.locked", username, {"until": until})
            else:
                staff_repo.update(self._db, username, failed_logins=failures, locked_until=None)
        if failures >= MAX_FAILED_LOGINS:
            raise AccountLocked(self._lock_message(until))

    # -- who is acting ------------------------------------------------------------------
    def current(self, session: Session) -> StaffMember:
        member = self._member(session.username)
        if not member.active:
            raise AccountRevoked("Your account has been revoked; ask the headteacher.")
        return member

    def require(self, session: Session, permission: Permission) -> StaffMember:
        member = self.current(session)
        if not member.can(permission):
            raise PermissionDenied(_REFUSALS[permission])
        return member

    def may(self, session: Session, permission: Permission) -> bool:
        """Whether this person may do what `permission` names: screens ask this to decide what
        to show; the services check it again when asked to act."""
        return self.current(session).can(permission)

    def require_channel(self, session: Session, channel: str) -> StaffMember:
        member = self.current(session)
        if channel not in CHANNELS:
            raise BadInput(f"Unknown channel {channel!r}: use facebook or dojo.")
        if not member.may_post(channel):
            raise PermissionDenied(
                f"You are not authorised to post on {channel_label(channel)}; "
                "only the headteacher can authorise staff (policy 2)."
            )
        return member

    # -- managing staff (headteacher) ---------------------------------------------------
    def add_staff(self, session: Session, username: str, full_name: str, role: str,
                  password: str, channels: Iterable[str] = (),
                  personal_accounts: Iterable[str] = ()) -> StaffMember:
        head = self.require(session, Permission.MANAGE_STAFF)
        chosen = parse_channels(channels)
        accounts = _clean_accounts(personal_accounts)
        with transaction(self._db):
            self._insert(username, full_name, _role(role), password)
            staff_repo.set_channels(self._db, username, chosen, head.username, iso(self._clock()))
            for account in accounts:
                staff_repo.add_personal_account(self._db, username, account)
            self._audit.record(head.username, "staff.add", username, {
                "role": role, "channels": chosen, "personal_accounts": len(accounts)})
        return self._member(username)

    def list_staff(self, session: Session) -> list[StaffMember]:
        self.require(session, Permission.MANAGE_STAFF)
        return [self._member(u) for u in staff_repo.usernames(self._db)]

    def authorise(self, session: Session, username: str, channels: Iterable[str]) -> StaffMember:
        head = self.require(session, Permission.MANAGE_STAFF)
        member = self._member(username)
        added = [c for c in parse_channels(channels) if c not in member.channels]
        with transaction(self._db):
            staff_repo.set_channels(self._db, username, added, head.username, iso(self._clock()))
            self._audit.record(head.username, "staff.authorise", username, {"channels": added})
        return self._member(username)

    def revoke(self, session: Session, username: str,
               channels: Iterable[str] | None = None) -> StaffMember:
        """Revoke some channels, or (no channels) the whole account."""
        head = self.require(session, Permission.MANAGE_STAFF)
        member = self._member(username)
        with transaction(self._db):
            if channels is None:
                self._guard_last_headteacher(member, "revoke")
                staff_repo.update(self._db, username, active=0)
                staff_repo.remove_channels(self._db, username, CHANNELS)
                self._audit.record(head.username, "staff.revoke", username, {"account": True})
            else:
                chosen = parse_channels(channels)
                staff_repo.remove_channels(self._db, username, chosen)
                self._audit.record(head.username, "staff.revoke", username, {"channels": chosen})
        return self._member(username)

    def reinstate(self, session: Session, username: str) -> StaffMember:
        head = self.require(session, Permission.MANAGE_STAFF)
        self._member(username)
        with transaction(self._db):
            staff_repo.update(self._db, username, active=1, failed_logins=0, locked_until=None)
            self._audit.record(head.username, "staff.reinstate", username)
        return self._member(username)

    def set_role(self, session: Session, username: str, role: str) -> StaffMember:
        head = self.require(session, Permission.MANAGE_STAFF)
        member = self._member(username)
        new_role = _role(role)
        if new_role != Role.HEADTEACHER:
            self._guard_last_headteacher(member, "change the role of")
        with transaction(self._db):
            staff_repo.update(self._db, username, role=new_role.value)
            self._audit.record(head.username, "staff.role", username,
                               {"before": member.role.value, "after": new_role.value})
        return self._member(username)

    def reset_password(self, session: Session, username: str, new_password: str) -> None:
        head = self.require(session, Permission.MANAGE_STAFF)
        self._member(username)
        digest = self._hash(new_password)
        with transaction(self._db):
            staff_repo.update(self._db, username, password_hash=digest, failed_logins=0,
                              locked_until=None)
            self._audit.record(head.username, "staff.password_reset", username)

    def change_own_password(self, session: Session, old: str, new: str) -> None:
        member = self.current(session)
        row = staff_repo.get(self._db, member.username)
        assert row is not None
        if not self._password_matches(row["password_hash"], old):
            raise AuthenticationFailed("Your current password is not right.")
        with transaction(self._db):
            staff_repo.update(self._db, member.username, password_hash=self._hash(new))
            self._audit.record(member.username, "password.change", member.username)
        for hook in self.password_hooks:
            hook(member.username, old, new)

    def unlock(self, session: Session, username: str) -> StaffMember:
        head = self.require(session, Permission.MANAGE_STAFF)
        self._member(username)
        with transaction(self._db):
            staff_repo.update(self._db, username, failed_logins=0, locked_until=None)
            self._audit.record(head.username, "staff.unlock", username)
        return self._member(username)

    def add_personal_account(self, session: Session, username: str, account: str) -> StaffMember:
        head = self.require(session, Permission.MANAGE_STAFF)
        self._member(username)
        cleaned = _clean_accounts([account])
        with transaction(self._db):
            for item in cleaned:
                staff_repo.add_personal_account(self._db, username, item)
            self._audit.record(head.username, "staff.personal_account", username,
                               {"added": len(cleaned)})
        return self._member(username)

    def all_personal_accounts(self) -> list[str]:
        """For the text checks only: links that posts must never contain (policy 2.1)."""
        return staff_repo.all_personal_accounts(self._db)

    def staff_names(self) -> list[str]:
        return staff_repo.full_names(self._db)

    # -- helpers --------------------------------------------------------------------------
    def _member(self, username: str) -> StaffMember:
        row = staff_repo.get(self._db, username)
        if row is None:
            raise NotFound(f"There is no staff account called {username!r}.")
        return StaffMember(
            username=row["username"], full_name=row["full_name"], role=Role(row["role"]),
            active=bool(row["active"]),
            channels=frozenset(staff_repo.channels(self._db, username)),
            personal_accounts=tuple(staff_repo.personal_accounts(self._db, username)),
            failed_logins=row["failed_logins"], locked_until=row["locked_until"],
            approver=approvals_repo.is_approver(self._db, username),
        )

    def _insert(self, username: str, full_name: str, role: Role, password: str) -> None:
        if not _USERNAME.match(username):
            raise BadInput("A username is 2-32 lower-case letters, digits, dots, dashes or "
                           "underscores, starting with a letter.")
        if not full_name.strip():
            raise BadInput("Give the staff member's full name.")
        if staff_repo.get(self._db, username) is not None:
            raise BadInput(f"There is already a staff account called {username!r}.")
        staff_repo.insert(self._db, username, full_name.strip(), role.value,
                          self._hash(password), iso(self._clock()))

    def _hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise BadInput(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
        return self._hasher.hash(password)

    def _guard_last_headteacher(self, member: StaffMember, verb: str) -> None:
        if member.role == Role.HEADTEACHER and staff_repo.count_role(
            self._db, Role.HEADTEACHER, active_only=True
        ) <= 1:
            raise PermissionDenied(f"You can't {verb} the only headteacher account.")


def channel_label(channel: str) -> str:
    return {"facebook": "the school's Facebook page", "dojo": "Dojo class stories"}.get(
        channel, channel)


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise BadInput(f"Unknown role {role!r}: use headteacher, office or staff.") from None


def _clean_accounts(accounts: Iterable[str]) -> list[str]:
    cleaned = sorted({a.strip() for a in accounts if a and a.strip()})
    if any(len(a) > 300 for a in cleaned):
        raise BadInput("A personal account link is too long.")
    return cleaned
