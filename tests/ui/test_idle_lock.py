"""The idle lock: engages after the timeout, needs the same person's password (with the login's
lockout rules), keeps every page and open dialog, and is audited."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from croftpost.ui.views.staff_view import StaffView
from tests.conftest import HEAD_PASSWORD
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui

SHORT_MS = 200


def _actions(services) -> list[str]:
    return [e.action for e in services.audit.entries(newest_first=False)]


def test_locks_after_the_idle_timeout_and_unlocks_with_the_right_password_only(
    qtbot, school, make_window
):
    services, head = school
    window = make_window(services, head, idle_timeout_ms=SHORT_MS)
    staff_page = window.show_page("staff")
    assert not window.is_locked
    with qtbot.waitSignal(window.locked, timeout=3000):
        pass
    assert window.is_locked
    assert not window.workspace.isVisible() and window.lock_screen.isVisible()
    assert "idle minutes" in window.lock_screen.reason.text()

    qtbot.keyClicks(window.lock_screen.password, "wrong-password")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    assert window.is_locked
    assert window.lock_screen.message.text() == "Wrong username or password."
    assert window.lock_screen.password.text() == ""

    qtbot.keyClicks(window.lock_screen.password, HEAD_PASSWORD)
    window.lock_screen.unlock_button.click()
    assert not window.is_locked and window.workspace.isVisible()
    assert window.page_stack.currentWidget() is staff_page  # same page object, nothing lost
    assert "session.locked" in _actions(services)
    assert _actions(services)[-1] == "session.unlocked"
    assert window.idle.is_running()


def test_input_keeps_the_lock_away(qtbot, school, make_window):
    services, head = school
    window = make_window(services, head, idle_timeout_ms=400)
    for _ in range(12):  # 12 x 100 ms of typing: three times the timeout
        qtbot.keyClick(window.nav, Qt.Key.Key_Down)
        qtbot.wait(100)
    assert not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)


def test_wrong_passwords_at_the_lock_follow_the_lockout_rules(qtbot, school, make_window, clock):
    services, head = school
    window = make_window(services, head)
    window.lock_button.click()
    assert window.is_locked and "by hand" in window.lock_screen.reason.text()
    for _ in range(5):
        window.lock_screen.password.setText("wrong-password")
        window.lock_screen.unlock_button.click()
    assert "locked for 5 more minutes" in window.lock_screen.message.text()
    window.lock_screen.password.setText(HEAD_PASSWORD)
    window.lock_screen.unlock_button.click()
    assert window.is_locked  # even the right password waits out the lockout
    clock.advance(minutes=6)
    window.lock_screen.password.setText(HEAD_PASSWORD)
    window.lock_screen.unlock_button.click()
    assert not window.is_locked


def test_a_revoked_account_cannot_unlock(qtbot, school, make_window):
    from tests.conftest import STAFF_PASSWORD

    services, head = school
    teacher = add_staff(services, head, "teacher", channels=("dojo",))
    window = make_window(services, teacher)
    window.lock()
    services.accounts.revoke(head, "teacher")
    window.lock_screen.password.setText(STAFF_PASSWORD)
    window.lock_screen.unlock_button.click()
    assert window.is_locked
    assert "revoked" in window.lock_screen.message.text()


def test_an_open_dialog_is_hidden_while_locked_and_comes_back_as_it_was(qtbot, school, make_window):
    services, head = school
    window = make_window(services, head)
    staff = window.show_page("staff")
    assert isinstance(staff, StaffView)
    staff.add_button.click()
    dialog = staff.current_dialog
    dialog.full_name.setText("Jane Smith")
    assert dialog.isVisible()
    window.lock()
    assert not dialog.isVisible()
    window.lock_screen.password.setText(HEAD_PASSWORD)
    window.lock_screen.unlock_button.click()
    assert dialog.isVisible() and dialog.full_name.text() == "Jane Smith"


def test_shortcuts_do_nothing_while_locked(qtbot, school, make_window):
    services, head = school
    window = make_window(services, head)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.lock()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.page("audit") is None
