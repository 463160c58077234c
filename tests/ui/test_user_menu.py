"""The user menu of the main window: change your own password, and the headteacher's school
details, which the text checker then treats as the school's own."""

from __future__ import annotations

import pytest

from croftpost.errors import AuthenticationFailed
from tests.conftest import HEAD_PASSWORD, STAFF_PASSWORD
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui

NEW_PASSWORD = "a-brand-new-password"


def _password_dialog(window, current: str, new: str, again: str | None = None):
    window.user_menu.password_action.trigger()
    dialog = window.user_menu.current_dialog
    dialog.current.setText(current)
    dialog.password.setText(new)
    dialog.password_again.setText(new if again is None else again)
    dialog.ok_button.click()
    return dialog


def test_change_own_password(school, make_window):
    services, head = school
    teacher = add_staff(services, head, "teacher")
    window = make_window(services, teacher)
    assert window.user_menu.text() == "Test Teacher"
    assert window.user_menu.school_action is None  # the school's details are the head's

    dialog = _password_dialog(window, "not-my-password", NEW_PASSWORD)
    assert dialog.isVisible() and dialog.message.text() == "Your current password is not right."
    dialog.password_again.setText("something-else")
    dialog.current.setText(STAFF_PASSWORD)
    dialog.ok_button.click()
    assert dialog.message.text() == "The two new passwords are different; type them again."
    dialog.password.setText("short")
    dialog.password_again.setText("short")
    dialog.ok_button.click()
    assert dialog.message.text() == "A password needs at least 8 characters."
    dialog.password.setText(NEW_PASSWORD)
    dialog.password_again.setText(NEW_PASSWORD)
    dialog.ok_button.click()

    assert not dialog.isVisible() and window.user_menu.current_dialog is None
    assert window.statusBar().currentMessage() == "Your password has been changed."
    entry = services.audit.entries(limit=1)[0]
    assert (entry.actor, entry.action) == ("teacher", "password.change")
    assert services.accounts.login("teacher", NEW_PASSWORD).username == "teacher"
    with pytest.raises(AuthenticationFailed):
        services.accounts.login("teacher", STAFF_PASSWORD)


def test_school_details_are_saved_audited_and_trusted_by_the_text_checker(school, make_window):
    services, head = school
    post = "Any questions? Ring the office on 01229 894000."
    assert services.text.check(head, post, "facebook").findings  # a phone number, whose?

    window = make_window(services, head)
    window.user_menu.school_action.trigger()
    dialog = window.user_menu.current_dialog
    assert dialog.fields["name"].text() == "Croftlands Junior"
    dialog.ok_button.click()
    assert dialog.message.text() == "Nothing has changed."
    dialog.fields["name"].setText("Croftlands Junior School")
    dialog.fields["phone"].setText(" 01229 894000 ")
    dialog.fields["email"].setText("office@croftlands-junior.sch.uk")
    dialog.ok_button.click()

    details = services.school.details()
    assert details.name == "Croftlands Junior School"
    assert details.contacts["phone"] == "01229 894000"
    assert details.contacts["email"] == "office@croftlands-junior.sch.uk"
    changed = {e.target: e.details for e in services.audit.entries(limit=3)}
    assert changed == {
        "name": {"before": "Croftlands Junior", "after": "Croftlands Junior School"},
        "phone": {"before": "", "after": "01229 894000"},
        "email": {"before": "", "after": "office@croftlands-junior.sch.uk"},
    }
    assert window.school_label.text() == "Croftlands Junior School"
    assert "Croftlands Junior School" in window.windowTitle()
    assert "Croftlands Junior School" in window.who_label.text()
    assert services.text.check(head, post, "facebook").findings == ()


def test_school_details_refuse_an_empty_name(school, make_window):
    services, head = school
    window = make_window(services, head)
    window.user_menu.school_action.trigger()
    dialog = window.user_menu.current_dialog
    dialog.fields["name"].clear()
    dialog.ok_button.click()
    assert dialog.message.text() == "Give the school's name."
    assert services.school.details().name == "Croftlands Junior"


def test_the_password_dialog_is_hidden_by_the_lock_and_comes_back(school, make_window):
    services, head = school
    window = make_window(services, head)
    window.user_menu.password_action.trigger()
    dialog = window.user_menu.current_dialog
    dialog.current.setText("typed before the lock")
    window.lock()
    assert not dialog.isVisible()
    window.lock_screen.password.setText(HEAD_PASSWORD)
    window.lock_screen.unlock_button.click()
    assert dialog.isVisible() and dialog.current.text() == "typed before the lock"
