"""Roles, channel authorisation, lockout and revocation, enforced by the services themselves."""

from __future__ import annotations

import pytest

from croftpost.core.accounts import MAX_FAILED_LOGINS, Permission, Session
from croftpost.errors import (
    AccountLocked,
    AccountRevoked,
    AuthenticationFailed,
    BadInput,
    PermissionDenied,
)
from tests.conftest import HEAD_PASSWORD, STAFF_PASSWORD


@pytest.fixture
def people(school):
    services, head = school
    acc = services.accounts
    acc.add_staff(head, "office1", "Pat Office", "office", STAFF_PASSWORD)
    acc.add_staff(head, "teacher1", "Sam Teacher", "staff", STAFF_PASSWORD, ["dojo"])
    acc.add_staff(head, "teacher2", "Kim Teacher", "staff", STAFF_PASSWORD)
    return services, head


def test_first_headteacher_may_post_everywhere_and_manage(school):
    services, head = school
    member = services.accounts.current(head)
    assert member.role == "headteacher"
    assert member.channels == {"facebook", "dojo"}
    assert all(member.can(p) for p in Permission)


def test_second_first_headteacher_is_refused(school):
    services, _ = school
    with pytest.raises(PermissionDenied):
        services.accounts.create_first_headteacher("other", "Other Head", HEAD_PASSWORD)


def test_staff_may_post_only_on_authorised_channels(people):
    services, _ = people
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    assert services.accounts.require_channel(teacher, "dojo").username == "teacher1"
    with pytest.raises(PermissionDenied, match="not authorised to post on the school's Facebook"):
        services.accounts.require_channel(teacher, "facebook")


@pytest.mark.parametrize(
    ("username", "permission"),
    [
        ("teacher1", Permission.READ_AUDIT),
        ("teacher1", Permission.MANAGE_STAFF),
        ("teacher1", Permission.MANAGE_CONSENT),
        ("office1", Permission.READ_AUDIT),
        ("office1", Permission.MANAGE_STAFF),
        ("office1", Permission.MANAGE_SCHOOL),
    ],
)
def test_roles_are_refused_what_they_may_not_do(people, username, permission):
    services, _ = people
    session = services.accounts.login(username, STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.accounts.require(session, permission)


def test_office_may_keep_consent_records(people):
    services, _ = people
    office = services.accounts.login("office1", STAFF_PASSWORD)
    assert services.accounts.require(office, Permission.MANAGE_CONSENT).role == "office"


def test_office_cannot_authorise_anyone(people):
    services, _ = people
    office = services.accounts.login("office1", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied, match="Only the headteacher"):
        services.accounts.authorise(office, "teacher2", ["facebook"])
    teacher2 = services.accounts.login("teacher2", STAFF_PASSWORD)
    assert services.accounts.current(teacher2).channels == frozenset()


def test_staff_cannot_add_staff_or_grant_themselves(people):
    services, _ = people
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.accounts.add_staff(teacher, "sneaky", "Sneaky", "headteacher", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.accounts.authorise(teacher, "teacher1", ["facebook"])


def test_revoked_account_is_refused_at_once_even_mid_session(people):
    services, head = people
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    services.accounts.revoke(head, "teacher1")
    with pytest.raises(AccountRevoked):
        services.accounts.require_channel(teacher, "dojo")
    with pytest.raises(AccountRevoked):
        services.accounts.login("teacher1", STAFF_PASSWORD)


def test_revoking_a_channel_takes_effect_mid_session(people):
    services, head = people
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    services.accounts.revoke(head, "teacher1", ["dojo"])
    with pytest.raises(PermissionDenied):
        services.accounts.require_channel(teacher, "dojo")


def test_five_failed_logins_lock_the_account_for_five_minutes(people, clock):
    services, _ = people
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationFailed):
            services.accounts.login("teacher1", "wrong-password")
    with pytest.raises(AccountLocked, match="locked for 5 more minutes"):
        services.accounts.login("teacher1", "wrong-password")
    with pytest.raises(AccountLocked):
        services.accounts.login("teacher1", STAFF_PASSWORD)  # right password, still locked
    clock.advance(minutes=4, seconds=59)
    with pytest.raises(AccountLocked):
        services.accounts.login("teacher1", STAFF_PASSWORD)
    clock.advance(seconds=2)
    assert services.accounts.login("teacher1", STAFF_PASSWORD) == Session("teacher1")


def test_headteacher_can_unlock_early(people):
    services, head = people
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises((AuthenticationFailed, AccountLocked)):
            services.accounts.login("teacher1", "wrong-password")
    services.accounts.unlock(head, "teacher1")
    assert services.accounts.login("teacher1", STAFF_PASSWORD).username == "teacher1"


def test_logins_lockouts_grants_and_revocations_are_audited(people):
    services, head = people
    services.accounts.authorise(head, "teacher2", ["facebook"])
    services.accounts.revoke(head, "teacher2", ["facebook"])
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises((AuthenticationFailed, AccountLocked)):
            services.accounts.login("teacher1", "nope-nope")
    actions = [e.action for e in services.audit.entries(newest_first=False)]
    for expected in (
        "staff.add",
        "staff.authorise",
        "staff.revoke",
        "login.failed",
        "account.locked",
    ):
        assert expected in actions
    assert actions.count("login.failed") == MAX_FAILED_LOGINS


def test_passwords_are_argon2id_and_never_audited(people):
    services, _ = people
    stored = services.db.execute("SELECT password_hash FROM staff WHERE username='teacher1'")
    assert stored.fetchone()[0].startswith("$argon2id$")
    dump = "\n".join(str(row) for row in services.db.execute("SELECT * FROM audit_log"))
    assert STAFF_PASSWORD not in dump and "$argon2" not in dump


def test_the_only_headteacher_cannot_be_revoked(school):
    services, head = school
    with pytest.raises(PermissionDenied, match="only headteacher"):
        services.accounts.revoke(head, "head")


def test_bad_usernames_and_short_passwords_are_refused(school):
    services, head = school
    with pytest.raises(BadInput, match="username"):
        services.accounts.add_staff(head, "Bad Name", "X", "staff", STAFF_PASSWORD)
    with pytest.raises(BadInput, match="at least 8"):
        services.accounts.add_staff(head, "shorty", "X", "staff", "short")


def test_a_named_approver_is_read_from_the_database_at_every_call(people):
    services, head = people
    office = services.accounts.login("office1", STAFF_PASSWORD)
    assert not services.accounts.current(office).may_approve()
    services.approvals.set_approver(head, "office1", True)
    member = services.accounts.current(office)
    assert member.approver and member.may_approve() and not member.channels
    services.approvals.set_approver(head, "office1", False)
    assert not services.accounts.current(office).may_approve()
    assert services.accounts.current(head).may_approve()  # the headteacher needs no naming
