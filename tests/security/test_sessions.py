"""Sessions: a revocation made anywhere (another window, the CLI) stops a signed-in member at
their next action; five wrong passwords lock an account, whether typed at login or at the idle
lock; setup can't be run again to take a school over."""

from __future__ import annotations

import pytest

from croftpost.cli import run
from croftpost.core.accounts import LOCKOUT, MAX_FAILED_LOGINS
from croftpost.core.services import open_services
from croftpost.errors import (
    AccountLocked,
    AccountRevoked,
    AuthenticationFailed,
    PermissionDenied,
)
from tests.conftest import HEAD_PASSWORD, STAFF_PASSWORD


@pytest.fixture
def staffed(school):
    services, head = school
    services.accounts.add_staff(head, "teacher1", "Sam Teacher", "staff", STAFF_PASSWORD,
                                ["dojo"])
    return services, head


def test_a_revocation_from_the_cli_stops_a_session_open_in_the_app(
    staffed, monkeypatch, capsys
) -> None:
    services, _ = staffed
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    draft = services.drafts.create(teacher, "dojo", "Our trip")
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(services.data_dir))
    monkeypatch.setenv("CROFTPOST_USER", "head")
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    assert run(["staff", "revoke", "teacher1"]) == 0  # another process, another connection
    capsys.readouterr()
    with pytest.raises(AccountRevoked, match="revoked"):
        services.drafts.save(teacher, draft.id, "Our trip to the zoo", [])
    with pytest.raises(AccountRevoked):
        services.text.check(teacher, "Hello", "dojo")
    assert services.drafts.get(services.accounts.login("head", HEAD_PASSWORD),
                               draft.id).body == "Our trip"


def test_a_channel_revoked_in_another_window_is_refused_at_the_next_post(
    staffed, clock, fast_hasher
) -> None:
    services, _ = staffed
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    other_window = open_services(services.data_dir, clock=clock, hasher=fast_hasher)
    try:
        head = other_window.accounts.login("head", HEAD_PASSWORD)
        other_window.accounts.revoke(head, "teacher1", ["dojo"])
    finally:
        other_window.close()
    with pytest.raises(PermissionDenied, match="not authorised to post on Dojo"):
        services.drafts.create(teacher, "dojo", "Our trip")


@pytest.mark.parametrize("where", ["login", "idle lock"])
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    staffed, clock, where: str
) -> None:
    services, _ = staffed
    accounts = services.accounts
    teacher = accounts.login("teacher1", STAFF_PASSWORD)

    def attempt(password: str) -> None:
        if where == "login":
            accounts.login("teacher1", password)
        else:
            accounts.check_password(teacher, password)

    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationFailed):
            attempt("guess-guess")
    with pytest.raises(AccountLocked, match="locked for 5 more minutes"):
        attempt("guess-guess")
    with pytest.raises(AccountLocked):
        attempt(STAFF_PASSWORD)  # the right password, too soon
    clock.advance(seconds=LOCKOUT.total_seconds() - 1)
    with pytest.raises(AccountLocked, match="1 more minute"):
        attempt(STAFF_PASSWORD)
    clock.advance(seconds=2)
    attempt(STAFF_PASSWORD)
    actions = [e.action for e in services.audit.entries()]
    assert actions.count("login.failed") == MAX_FAILED_LOGINS
    assert actions.count("account.locked") == 1
    dump = " ".join(d for (d,) in services.db.execute("SELECT details FROM audit_log"))
    assert "guess-guess" not in dump and STAFF_PASSWORD not in dump


def test_a_success_resets_the_count_so_only_five_in_a_row_lock(staffed) -> None:
    accounts = staffed[0].accounts
    for _ in range(3):
        for _ in range(MAX_FAILED_LOGINS - 1):
            with pytest.raises(AuthenticationFailed):
                accounts.login("teacher1", "guess-guess")
        accounts.login("teacher1", STAFF_PASSWORD)


def test_wrong_passwords_for_a_name_that_does_not_exist_say_the_same_and_lock_nobody(
    staffed,
) -> None:
    accounts = staffed[0].accounts
    messages = set()
    for name in ("nobody", "teacher1"):
        with pytest.raises(AuthenticationFailed) as caught:
            accounts.login(name, "guess-guess")
        messages.add(str(caught.value))
    assert messages == {"Wrong username or password."}  # no hint that an account exists
    for _ in range(MAX_FAILED_LOGINS * 2):
        with pytest.raises(AuthenticationFailed):
            accounts.login("Teacher1", "guess-guess")  # another name, however similar
    accounts.login("teacher1", STAFF_PASSWORD)


def test_setup_cannot_be_run_again_to_take_over_a_school(school) -> None:
    services, _ = school
    with pytest.raises(PermissionDenied, match="already has a headteacher"):
        services.accounts.create_first_headteacher("intruder", "Someone", "intruder-pass-1")
    with pytest.raises(PermissionDenied, match="already set up"):
        services.school.create("Another School", "intruder")
    assert services.school.details().name == "Croftlands Junior"
    assert [e.actor for e in services.audit.entries()] == ["head", "head"]
