"""Every service method, called by every role that may not use it, is refused by the service
itself; and a revoked member is refused everything, at once, in the middle of a session.

The rules below say what each method needs. Which role is refused is derived from the role's
permission set (croftpost.core.accounts.ROLE_PERMISSIONS), so changing a role changes the
expectations; and every public method of every service must be listed here, so a new method
fails this test until someone states (and the matrix checks) what it needs.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import croftpost
from croftpost.core.accounts import ROLE_PERMISSIONS, Permission, Role, Session
from croftpost.core.alerts import PROTECTED_NAME
from croftpost.core.audit import AuditFilter
from croftpost.core.clock import iso
from croftpost.core.consent_csv import HEADER
from croftpost.core.photo_check import FaceResult, PhotoCheck, PhotoResult
from croftpost.core.posting import Publication
from croftpost.core.services import Services, set_up_school
from croftpost.core.textcheck import Comment
from croftpost.core.video_check import VideoCheck
from croftpost.errors import AccountRevoked, PermissionDenied
from croftpost.storage import drafts_repo
from croftpost.storage.schema import CHANNELS
from tests.conftest import HEAD_PASSWORD, STAFF_PASSWORD

# -- what each method needs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """permission: the role must hold it. channel: the member must be authorised to post there.
    approver: a headteacher (or a named approver; nobody is named here). others: acting on
    someone else's draft, approval or task; only a role holding `permission` may. own: any
    signed-in member, about themselves or their own work. check: the permission checks."""

    kind: str
    permission: Permission | None = None


def needs(permission: Permission) -> Rule:
    return Rule("permission", permission)


CHANNEL, APPROVER, OWN, CHECK = Rule("channel"), Rule("approver"), Rule("own"), Rule("check")

RULES: dict[str, Rule] = {
    "accounts.add_personal_account": needs(Permission.MANAGE_STAFF),
    "accounts.add_staff": needs(Permission.MANAGE_STAFF),
    "accounts.authorise": needs(Permission.MANAGE_STAFF),
    "accounts.change_own_password": OWN,
    "accounts.check_password": OWN,
    "accounts.current": OWN,
    "accounts.list_staff": needs(Permission.MANAGE_STAFF),
    "accounts.reinstate": needs(Permission.MANAGE_STAFF),
    "accounts.require": CHECK,
    "accounts.require_channel": CHECK,
    "accounts.reset_password": needs(Permission.MANAGE_STAFF),
    "accounts.revoke": needs(Permission.MANAGE_STAFF),
    "accounts.set_role": needs(Permission.MANAGE_STAFF),
    "accounts.unlock": needs(Permission.MANAGE_STAFF),
    "accounts.lock_session": OWN,
    "accounts.unlock_session": OWN,
    "accounts.logout": OWN,
    "accounts.may": OWN,
    "audit_reader.record_export": needs(Permission.READ_AUDIT),
    "backups.backup": needs(Permission.BACKUP),
    "consent.record_no_photo_lists": needs(Permission.CHECK_CONTENT),
    "school.set": needs(Permission.MANAGE_SCHOOL),
    "consent.add_reference": needs(Permission.MANAGE_CONSENT),
    "consent.delete_pupil": needs(Permission.MANAGE_CONSENT),
    "consent.import_csv": needs(Permission.MANAGE_CONSENT),
    "consent.plan_import": needs(Permission.MANAGE_CONSENT),
    "consent.protect": needs(Permission.MANAGE_CONSENT),
    "consent.protected_reason": needs(Permission.SAFEGUARDING),
    "consent.pupils": needs(Permission.CHECK_CONTENT),
    "consent.require_enrolable": needs(Permission.MANAGE_CONSENT),
    "consent.set_consent": needs(Permission.MANAGE_CONSENT),
    "consent.withdraw": needs(Permission.MANAGE_CONSENT),
    "drafts.create": CHANNEL,
    "drafts.delete": Rule("others", Permission.MANAGE_STAFF),
    "drafts.get": OWN,
    "drafts.history": OWN,
    "drafts.my_drafts": OWN,
    "drafts.publish": CHANNEL,
    "drafts.save": Rule("others", Permission.MANAGE_STAFF),
    "drafts.remember_prepared": Rule("others", Permission.MANAGE_STAFF),
    "photos.check": needs(Permission.CHECK_CONTENT),
    "photos.export": CHANNEL,
    "videos.check": needs(Permission.CHECK_CONTENT),
    "videos.export": CHANNEL,
    "photos.identify": CHANNEL,
    "marks.mark": CHANNEL,
    "marks.unmark": CHANNEL,
    "marks.restore": CHANNEL,
    "photos.restore_identifications": CHANNEL,
    "text.check": needs(Permission.CHECK_CONTENT),
    "text.checker": needs(Permission.CHECK_CONTENT),
    "text.advise": CHANNEL,
    "text.record_deleted": CHANNEL,
    "text.moderate": CHANNEL,  # the school's Facebook page, where comments are
    "audit_reader.actions": needs(Permission.READ_AUDIT),
    "audit_reader.names": needs(Permission.READ_AUDIT),
    "policy.record_review": needs(Permission.MANAGE_SCHOOL),
    "audit_reader.count": needs(Permission.READ_AUDIT),
    "audit_reader.entries": needs(Permission.READ_AUDIT),
    "audit_reader.export": needs(Permission.READ_AUDIT),
    "audit_reader.iter_all": needs(Permission.READ_AUDIT),
    "audit_reader.verify": needs(Permission.READ_AUDIT),
    "anchors.verify": needs(Permission.READ_AUDIT),
    "anchors.daily_checkpoint": needs(Permission.READ_AUDIT),
    "alerts.acknowledge": needs(Permission.SAFEGUARDING),
    "alerts.alerts": needs(Permission.SAFEGUARDING),
    "alerts.open_count": needs(Permission.SAFEGUARDING),
    "approvals.approve": APPROVER,
    "approvals.for_draft": APPROVER,  # someone else's draft: its author or an approver
    "approvals.get": APPROVER,
    "approvals.mine": OWN,
    "approvals.queue": APPROVER,
    "approvals.return_": APPROVER,
    "approvals.set_approver": needs(Permission.MANAGE_STAFF),
    "approvals.set_required": needs(Permission.MANAGE_SCHOOL),
    "approvals.submit": CHANNEL,
    "takedowns.mark_done": Rule("others", Permission.SAFEGUARDING),
    "takedowns.takedowns": OWN,  # your own tasks; everyone's with SAFEGUARDING
    "termly.mark_reviewed": needs(Permission.READ_AUDIT),
    "termly.termly_report": needs(Permission.READ_AUDIT),
}

# Public methods without a session: called by the services themselves, by setup, or by the
# screens after a permission check. Listed so that adding one is a deliberate decision.
# audit.*: the raw log, which every service records to and a backup is verified with before
# anyone logs in; a person reads it only through audit_reader (checked below).
INTERNAL = {
    "audit.actions", "audit.count", "audit.entries", "audit.iter_all", "audit.record",
    "audit.verify", "accounts.all_personal_accounts", "accounts.create_first_headteacher",
    "accounts.has_headteacher", "accounts.login", "accounts.staff_names", "school.create",
    "school.details", "consent.all_pupils", "policy.status",
    "consent.gallery", "consent.posts_featuring",
    "consent.pupil", "consent.purge_lapsed_biometrics", "consent.today", "photos.close",
    # Erasure housekeeping at every start and idle moment: it only ever erases more.
    "consent.at_start", "consent.finish_pending_erasure",
    "photos.refresh", "photos.warm_up", "text.context", "text.policy_review_overdue",
    "videos.refresh",  # as photos.refresh: consents applied to tracks a check already found
    "alerts.between", "alerts.raise_alert", "approvals.approvers", "approvals.can_approve",
    "approvals.clearance", "approvals.mark_published", "approvals.required_channels",
    "approvals.requires_approval", "takedowns.on_consent_withdrawn", "takedowns.on_protected",
    "takedowns.open_tasks", "termly.default_period", "termly.review_status",
    # Audit anchors: a checkpoint is signed only with a headteacher's key unlocked at login;
    # raising this PC's record only ever raises it; a restore is the headteacher's (checked by
    # the restore command against the backup).
    "anchors.checkpoint", "anchors.checkpoints", "anchors.latest_checkpoint",
    "anchors.note_seen", "anchors.after_restore", "anchors.new_school_here",
    "anchors.latest_line", "anchors.on",
}


def service_methods() -> dict[str, bool]:
    """Every public method of every service in Services -> whether it takes a session."""
    found = {}
    for attribute, cls in typing.get_type_hints(Services).items():
        if not inspect.isclass(cls) or cls.__module__.split(".")[0] != "croftpost":
            continue
        for name, function in inspect.getmembers(cls, inspect.isfunction):
            if not name.startswith("_"):
                found[f"{attribute}.{name}"] = "session" in inspect.signature(function).parameters
    return found


def refused(rule: Rule, role: Role) -> bool:
    if rule.kind in ("permission", "others"):
        return rule.permission not in ROLE_PERMISSIONS[role]
    if rule.kind == "channel":
        return role != Role.HEADTEACHER  # the others are given no channel below
    if rule.kind == "approver":
        return role != Role.HEADTEACHER
    return False


# -- a school with something of everything ---------------------------------------------------


@dataclass
class World:
    services: Services
    sessions: dict[Role, Session]
    author: Session  # a member of staff with both channels, who owns the items below
    draft_id: int
    approval_id: int
    task_id: int
    alert_id: int
    out_dir: Path
    own_drafts: dict[str, int] = field(default_factory=dict)

    def add_own_draft(self, session: Session) -> None:
        """A draft of the member's own (written directly: a member without a channel can't
        make one), so that submitting it tests the channel check alone."""
        self.own_drafts[session.username] = drafts_repo.insert_draft(
            self.services.db, session.username, "dojo", "Mine", "[]", iso(self.services.clock()))


def _register() -> str:
    rows = ["P001,Ava,Thornber,Class 3,yes,yes,yes,yes,yes,2027-07-31,",
            "P002,Ben,Okafor,Class 4,yes,yes,no,no,no,2027-07-31,"]
    return "\n".join([",".join(HEADER), *rows]) + "\n"


def publication(text: str = "Sports day was great!") -> Publication:
    return Publication(text, [], {"P001": {"photo_dojo": "yes"}}, [], {})


def build_world(tmp_path: Path, clock, fast_hasher) -> World:
    services, head = set_up_school(tmp_path / "school", "Croftlands Junior", "head",
                                   "Alex Morgan", HEAD_PASSWORD, clock=clock, hasher=fast_hasher)
    acc = services.accounts
    sessions = {Role.HEADTEACHER: head}
    for role in Role:
        if role != Role.HEADTEACHER:
            acc.add_staff(head, f"{role.value}1", f"Sam {role.value.title()}", role.value,
                          STAFF_PASSWORD)
            sessions[role] = acc.login(f"{role.value}1", STAFF_PASSWORD)
    acc.add_staff(head, "author1", "Kim Author", "staff", STAFF_PASSWORD, list(CHANNELS))
    acc.add_staff(head, "target1", "Lee Target", "staff", STAFF_PASSWORD)
    author = acc.login("author1", STAFF_PASSWORD)
    services.consent.import_csv(head, _register())
    draft = services.drafts.create(author, "dojo", "Sports day was great!")
    approval = services.approvals.submit(author, draft.id, publication())
    services.drafts.publish(author, None, "dojo", publication("Our class assembly"))
    (task_id,) = services.takedowns.on_consent_withdrawn("head", "P001", ["photo_dojo"])
    alert_id = services.alerts.raise_alert(PROTECTED_NAME, "P002", "author1", {"channel": "dojo"})
    world = World(services, sessions, author, draft.id, approval.id, task_id, alert_id,
                  tmp_path / "exports")
    for session in sessions.values():
        world.add_own_draft(session)
    return world


PASSWORDS = {"head": HEAD_PASSWORD}
FACE = FaceResult((10, 60, 60, 10), "unknown", None, None, "no_match")
PHOTO = PhotoResult("class.jpg", "0" * 64, 200, 150, faces=(FACE,))
DRAWN_FACE = FaceResult((10, 60, 60, 10), "unknown", None, None, "drawn", 0, "drawn")
MARKED = PhotoResult("class.jpg", "0" * 64, 200, 150, faces=(DRAWN_FACE,))
TERM = (date(2026, 9, 1), date(2026, 12, 18))
Call = Callable[[World, Session], Any]

CALLS: dict[str, Call] = {
    "accounts.add_personal_account": lambda w, s: w.services.accounts.add_personal_account(
        s, "target1", "https://www.facebook.com/lee.target.9"),
    "accounts.add_staff": lambda w, s: w.services.accounts.add_staff(
        s, "newbie", "New Person", "staff", STAFF_PASSWORD),
    "accounts.authorise": lambda w, s: w.services.accounts.authorise(s, "target1", ["dojo"]),
    "accounts.change_own_password": lambda w, s: w.services.accounts.change_own_password(
        s, PASSWORDS.get(s.username, STAFF_PASSWORD), "a-new-password-1"),
    "accounts.check_password": lambda w, s: w.services.accounts.check_password(
        s, PASSWORDS.get(s.username, STAFF_PASSWORD)),
    "accounts.current": lambda w, s: w.services.accounts.current(s),
    "accounts.lock_session": lambda w, s: w.services.accounts.lock_session(s, True),
    "accounts.unlock_session": lambda w, s: w.services.accounts.unlock_session(
        s, PASSWORDS.get(s.username, STAFF_PASSWORD)),
    "accounts.logout": lambda w, s: w.services.accounts.logout(s),
    "accounts.may": lambda w, s: w.services.accounts.may(s, Permission.BACKUP),
    "audit_reader.record_export": lambda w, s: w.services.audit_reader.record_export(
        s, "audit.csv", {"format": "csv"}),
    "backups.backup": lambda w, s: w.services.backups.backup(s, w.out_dir / "b.db"),
    "consent.record_no_photo_lists": lambda w, s: w.services.consent.record_no_photo_lists(
        s, "lists.pdf", 1, 2),
    "accounts.list_staff": lambda w, s: w.services.accounts.list_staff(s),
    "accounts.reinstate": lambda w, s: w.services.accounts.reinstate(s, "target1"),
    "accounts.require": lambda w, s: w.services.accounts.require(s, Permission.CHECK_CONTENT),
    "accounts.require_channel": lambda w, s: w.services.accounts.require_channel(s, "dojo"),
    "accounts.reset_password": lambda w, s: w.services.accounts.reset_password(
        s, "target1", "reset-password-1"),
    "accounts.revoke": lambda w, s: w.services.accounts.revoke(s, "target1"),
    "accounts.set_role": lambda w, s: w.services.accounts.set_role(s, "target1", "office"),
    "accounts.unlock": lambda w, s: w.services.accounts.unlock(s, "target1"),
    "school.set": lambda w, s: w.services.school.set(s, "phone", "01632 960999"),
    "policy.record_review": lambda w, s: w.services.policy.record_review(s, date(2027, 9, 30)),
    "audit_reader.names": lambda w, s: w.services.audit_reader.names(s),
    "consent.add_reference": lambda w, s: w.services.consent.add_reference(
        s, "P001", np.full(128, 0.05), None, "1" * 64),
    "consent.delete_pupil": lambda w, s: w.services.consent.delete_pupil(s, "P002"),
    "consent.import_csv": lambda w, s: w.services.consent.import_csv(
        s, _register().replace("Class 4", "Class 5")),
    "consent.plan_import": lambda w, s: w.services.consent.plan_import(s, _register()),
    "consent.protect": lambda w, s: w.services.consent.protect(s, "P002", "court order"),
    "consent.protected_reason": lambda w, s: w.services.consent.protected_reason(s, "P001"),
    "consent.pupils": lambda w, s: w.services.consent.pupils(s),
    "consent.require_enrolable": lambda w, s: w.services.consent.require_enrolable(s, "P001"),
    "consent.set_consent": lambda w, s: w.services.consent.set_consent(
        s, "P002", "name_dojo", True),
    "consent.withdraw": lambda w, s: w.services.consent.withdraw(s, "P002", ["photo_facebook"]),
    "drafts.create": lambda w, s: w.services.drafts.create(s, "dojo", "A new post"),
    "drafts.delete": lambda w, s: w.services.drafts.delete(s, w.draft_id),
    "drafts.get": lambda w, s: w.services.drafts.get(s, w.draft_id),
    "drafts.history": lambda w, s: w.services.drafts.history(s),
    "drafts.my_drafts": lambda w, s: w.services.drafts.my_drafts(s),
    "drafts.publish": lambda w, s: w.services.drafts.publish(s, None, "dojo", publication()),
    "drafts.save": lambda w, s: w.services.drafts.save(s, w.draft_id, "Changed", []),
    "drafts.remember_prepared": lambda w, s: w.services.drafts.remember_prepared(
        s, w.draft_id, {}),
    "photos.check": lambda w, s: w.services.photos.check(s, [], "dojo"),
    "photos.export": lambda w, s: w.services.photos.export(s, PhotoCheck("dojo", ()), w.out_dir),
    "videos.check": lambda w, s: w.services.videos.check(s, [], "dojo"),
    "videos.export": lambda w, s: w.services.videos.export(s, VideoCheck("dojo", ()), w.out_dir),
    "photos.identify": lambda w, s: w.services.photos.identify(s, PHOTO, 0, None, "dojo", "TA"),
    "marks.mark": lambda w, s: w.services.marks.mark(s, PHOTO, (10, 60, 60, 10), "dojo"),
    "marks.unmark": lambda w, s: w.services.marks.unmark(s, MARKED, 0, "dojo"),
    "marks.restore": lambda w, s: w.services.marks.restore(s, PHOTO, [(10, 60, 60, 10)], [],
                                                           "dojo", None),
    "photos.restore_identifications": lambda w, s: w.services.photos.restore_identifications(
        s, PHOTO, {0: "P001"}, "dojo", w.draft_id),
    "text.check": lambda w, s: w.services.text.check(s, "Well done everyone!", "dojo"),
    "text.checker": lambda w, s: w.services.text.checker(s),
    "text.moderate": lambda w, s: w.services.text.moderate(s, [Comment("Pat", "Lovely!", 1)]),
    "text.advise": lambda w, s: w.services.text.advise(s, [Comment("Pat", "Lovely!", 1)]),
    "text.record_deleted": lambda w, s: w.services.text.record_deleted(
        s, [Comment("Pat", "Buy now!", 1)], [True]),
    "audit_reader.actions": lambda w, s: w.services.audit_reader.actions(s),
    "audit_reader.count": lambda w, s: w.services.audit_reader.count(s, AuditFilter(
        action="login")),
    "audit_reader.entries": lambda w, s: w.services.audit_reader.entries(s, limit=5),
    "audit_reader.export": lambda w, s: w.services.audit_reader.export(s, "json"),
    "audit_reader.iter_all": lambda w, s: list(w.services.audit_reader.iter_all(s)),
    "audit_reader.verify": lambda w, s: w.services.audit_reader.verify(s),
    "anchors.verify": lambda w, s: w.services.anchors.verify(s),
    "anchors.daily_checkpoint": lambda w, s: w.services.anchors.daily_checkpoint(s),
    "alerts.acknowledge": lambda w, s: w.services.alerts.acknowledge(s, w.alert_id, "seen"),
    "alerts.alerts": lambda w, s: w.services.alerts.alerts(s),
    "alerts.open_count": lambda w, s: w.services.alerts.open_count(s),
    "approvals.approve": lambda w, s: w.services.approvals.approve(s, w.approval_id),
    "approvals.for_draft": lambda w, s: w.services.approvals.for_draft(s, w.draft_id),
    "approvals.get": lambda w, s: w.services.approvals.get(s, w.approval_id),
    "approvals.mine": lambda w, s: w.services.approvals.mine(s),
    "approvals.queue": lambda w, s: w.services.approvals.queue(s),
    "approvals.return_": lambda w, s: w.services.approvals.return_(
        s, w.approval_id, "Please leave out the surname."),
    "approvals.set_approver": lambda w, s: w.services.approvals.set_approver(s, "target1", True),
    "approvals.set_required": lambda w, s: w.services.approvals.set_required(s, "dojo", True),
    "approvals.submit": lambda w, s: w.services.approvals.submit(
        s, w.own_drafts[s.username], publication()),
    "takedowns.mark_done": lambda w, s: w.services.takedowns.mark_done(s, w.task_id, "removed"),
    "takedowns.takedowns": lambda w, s: w.services.takedowns.takedowns(s),
    "termly.mark_reviewed": lambda w, s: w.services.termly.mark_reviewed(s, *TERM),
    "termly.termly_report": lambda w, s: w.services.termly.termly_report(s, *TERM),
}


@pytest.fixture
def world(tmp_path: Path, clock, fast_hasher):
    built = build_world(tmp_path, clock, fast_hasher)
    yield built
    built.services.close()


def snapshot(services: Services) -> list[str]:
    """Every row of every table (the whole database as SQL)."""
    return list(services.db.conn.iterdump())


# -- the tests ---------------------------------------------------------------------------------


def test_every_public_service_method_is_classified() -> None:
    methods = service_methods()
    with_session = {name for name, takes in methods.items() if takes}
    unlisted = sorted(with_session - RULES.keys())
    assert not unlisted, f"say what these need in RULES and CALLS: {unlisted}"
    unlisted = sorted(set(methods) - with_session - INTERNAL)
    assert not unlisted, f"these take no session: add a check, or list them in INTERNAL: {unlisted}"
    assert RULES.keys() <= with_session, sorted(RULES.keys() - with_session)
    assert RULES.keys() == CALLS.keys()


REFUSALS = [(role, name) for role in Role for name, rule in sorted(RULES.items())
            if refused(rule, role)]
ALLOWED = [(role, name) for role in Role for name, rule in sorted(RULES.items())
           if not refused(rule, role) and rule != CHECK]  # the checks: tests/core/test_accounts


def test_the_matrix_refuses_something_to_every_role_but_the_headteacher() -> None:
    refused_roles = {role for role, _ in REFUSALS}
    assert refused_roles == set(Role) - {Role.HEADTEACHER}


@pytest.mark.parametrize(("role", "method"), REFUSALS, ids=[f"{r}-{m}" for r, m in REFUSALS])
def test_each_role_is_refused_by_the_service_what_it_may_not_do(world, role, method) -> None:
    before = snapshot(world.services)
    with pytest.raises(PermissionDenied) as caught:
        CALLS[method](world, world.sessions[role])
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message
    assert snapshot(world.services) == before  # refused before anything was written


@pytest.mark.parametrize(("role", "method"), ALLOWED, ids=[f"{r}-{m}" for r, m in ALLOWED])
def test_each_role_may_do_what_its_permissions_allow(world, role, method) -> None:
    """The other half: proves each call above is well formed, so a refusal means a check."""
    CALLS[method](world, world.sessions[role])


AUDIT_READS = sorted(name for name in RULES if name.startswith("audit_reader.")
                     and name != "audit_reader.record_export")  # a write, checked the same


def test_staff_and_office_are_refused_every_read_of_the_audit_log() -> None:
    assert len(AUDIT_READS) == 7  # actions count entries export iter_all names verify
    for role in (Role.STAFF, Role.OFFICE):
        assert {(role, name) for name in AUDIT_READS} <= set(REFUSALS)


@pytest.mark.parametrize("role", [Role.STAFF, Role.OFFICE])
def test_the_audit_reader_says_why_it_refuses(world, role) -> None:
    for name in AUDIT_READS:
        with pytest.raises(PermissionDenied, match="^Only the headteacher can read the audit"):
            CALLS[name](world, world.sessions[role])


# A read of the raw log (no permission check) or a raw AuditLog of its own.
RAW_AUDIT_READ = re.compile(r"audit\.(entries|count|iter_all|actions|verify)\(|\bAuditLog\b")


def test_screens_and_commands_read_the_audit_log_only_through_the_reader() -> None:
    package = Path(croftpost.__file__).parent
    sources = [*(package / "ui").rglob("*.py"), *(package / "commands").rglob("*.py"),
               package / "cli.py", package / "__main__.py"]
    found = [f"{path.relative_to(package)}:{number}: {line.strip()}"
             for path in sources
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if RAW_AUDIT_READ.search(line)]
    assert not found, "read through services.audit_reader (or AuditReader.on): " + str(found)


SESSION_METHODS = sorted(RULES)


@pytest.mark.parametrize("method", SESSION_METHODS)
def test_a_revoked_member_is_refused_everything_mid_session(world, method) -> None:
    services = world.services
    head = world.sessions[Role.HEADTEACHER]
    services.accounts.add_staff(head, "deputy", "Jo Deputy", "headteacher", STAFF_PASSWORD,
                                list(CHANNELS))
    deputy = services.accounts.login("deputy", STAFF_PASSWORD)
    services.accounts.current(deputy)  # signed in and working ...
    world.add_own_draft(deputy)
    services.accounts.revoke(head, "deputy")  # ... when the headteacher revokes the account
    before = snapshot(services)
    with pytest.raises(AccountRevoked, match="revoked"):
        CALLS[method](world, deputy)
    after = snapshot(services)
    if method not in ("accounts.check_password", "accounts.unlock_session"):
        # a refused login is itself audited
        assert after == before
