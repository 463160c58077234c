"""The Staff screen drives the real AccountService: what it shows is what the database holds,
and the service's refusals are shown as they are."""

from __future__ import annotations

import pytest

from croftpost.core.accounts import Role
from croftpost.ui.models.staff_model import StaffColumn, StaffTableModel
from croftpost.ui.views.staff_view import StaffView
from croftpost.ui.widgets import Tone
from tests.conftest import STAFF_PASSWORD
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot, school):
    services, head = school
    made = StaffView(services, head)
    made.confirm = lambda *args: True
    qtbot.addWidget(made)
    made.show()
    return made


def _member(services, head, username: str):
    """What the database holds now, read through the service."""
    return next(m for m in services.accounts.list_staff(head) if m.username == username)


def _cell(view: StaffView, username: str, column: StaffColumn) -> str:
    return view.model.index(view.model.row_of(username), column).data()


def _add_through_dialog(
    view: StaffView,
    username: str,
    name: str,
    role: str = "staff",
    channels: tuple[str, ...] = (),
    accounts: str = "",
) -> None:
    view.add_button.click()
    dialog = view.current_dialog
    dialog.username.setText(username)
    dialog.full_name.setText(name)
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    dialog.password.setText(STAFF_PASSWORD)
    dialog.password_again.setText(STAFF_PASSWORD)
    for channel in channels:
        dialog.channels[channel].setChecked(True)
    dialog.personal_accounts.setPlainText(accounts)
    dialog.ok_button.click()


def test_add_staff_then_authorise_facebook_then_revoke_it(school, view):
    services, head = school
    _add_through_dialog(
        view, "jsmith", "Mrs Jane Smith", accounts="https://www.facebook.com/jane.smith.77\n"
    )
    member = _member(services, head, "jsmith")
    assert member.full_name == "Mrs Jane Smith" and member.role == Role.STAFF
    assert member.channels == frozenset()
    assert member.personal_accounts == ("https://www.facebook.com/jane.smith.77",)
    assert view.selected_username() == "jsmith"
    assert view.message.tone == Tone.OK and "Mrs Jane Smith has been added" in view.message.text()
    assert _cell(view, "jsmith", StaffColumn.CHANNELS) == "Not authorised"

    view.details.channel_boxes["facebook"].click()
    assert _member(services, head, "jsmith").channels == frozenset({"facebook"})
    assert _cell(view, "jsmith", StaffColumn.CHANNELS) == "Facebook"
    assert "may now post on the school's Facebook page" in view.message.text()

    view.details.channel_boxes["facebook"].click()
    assert _member(services, head, "jsmith").channels == frozenset()
    assert not view.details.channel_boxes["facebook"].isChecked()


def test_revoke_and_reinstate_an_account(school, view):
    services, head = school
    add_staff(services, head, "teacher", channels=("dojo", "facebook"))
    view.reload("teacher")
    view.details.revoke_button.click()
    member = _member(services, head, "teacher")
    assert not member.active and member.channels == frozenset()
    assert _cell(view, "teacher", StaffColumn.STATE) == "Revoked"
    state_icon = view.model.index(view.model.row_of("teacher"), StaffColumn.STATE).data(1)
    assert not state_icon.isNull()  # an icon as well as the word
    assert view.details.reinstate_button.isVisibleTo(view)
    assert not view.details.channel_boxes["dojo"].isEnabled()

    view.details.reinstate_button.click()
    assert _member(services, head, "teacher").active
    assert _cell(view, "teacher", StaffColumn.STATE) == "Active"


def test_revoke_waits_for_confirmation(school, view):
    services, head = school
    add_staff(services, head, "teacher")
    view.confirm = lambda *args: False
    view.reload("teacher")
    view.details.revoke_button.click()
    assert _member(services, head, "teacher").active


def test_refusals_show_the_services_sentence(school, view):
    view.reload("head")
    view.details.revoke_button.click()
    assert view.message.tone == Tone.ERROR
    assert view.message.text() == "You can't revoke the only headteacher account."

    _add_through_dialog(view, "head", "Someone Else")
    dialog = view.current_dialog
    assert dialog.isVisible()  # stays open with what was typed
    assert dialog.message.text() == "There is already a staff account called 'head'."
    assert dialog.full_name.text() == "Someone Else"


def test_change_role_reset_password_and_unlock(school, view, clock):
    services, head = school
    add_staff(services, head, "office")
    view.reload("office")
    view.details.role.setCurrentIndex(view.details.role.findData("office"))
    view.details.role_button.click()
    assert _member(services, head, "office").role == Role.OFFICE
    assert _cell(view, "office", StaffColumn.ROLE) == "Office"

    for _ in range(5):
        with pytest.raises(Exception, match="password|locked"):
            services.accounts.login("office", "wrong-password")
    view.reload("office")
    assert _cell(view, "office", StaffColumn.STATE).startswith("Locked until")
    assert view.details.unlock_button.isEnabled()
    view.details.unlock_button.click()
    assert _cell(view, "office", StaffColumn.STATE) == "Active"
    assert services.accounts.login("office", STAFF_PASSWORD).username == "office"

    view.details.reset_button.click()
    dialog = view.current_dialog
    dialog.password.setText("a-new-password")
    dialog.password_again.setText("a-new-password")
    dialog.ok_button.click()
    assert services.accounts.login("office", "a-new-password").username == "office"


def test_add_personal_account(school, view):
    services, head = school
    add_staff(services, head, "teacher")
    view.reload("teacher")
    view.details.add_account_button.click()
    dialog = view.current_dialog
    dialog.ok_button.click()
    assert "Type or paste the link" in dialog.message.text()
    dialog.account.setText("https://www.instagram.com/teacher.t")
    dialog.ok_button.click()
    assert _member(services, head, "teacher").personal_accounts == (
        "https://www.instagram.com/teacher.t",
    )
    assert "instagram.com/teacher.t" in view.details.accounts_text.text()


def test_a_non_headteacher_is_refused_by_the_service(qtbot, school):
    services, head = school
    office = add_staff(services, head, "office", role="office")
    view = StaffView(services, office)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 0
    assert view.message.text() == "Only the headteacher can manage staff accounts."


def test_staff_model_passes_the_model_tester(qtmodeltester, school):
    services, head = school
    add_staff(services, head, "teacher", channels=("dojo",))
    model = StaffTableModel()
    model.set_members(services.accounts.list_staff(head), services.clock())
    qtmodeltester.check(model)
    assert model.rowCount() == 2
