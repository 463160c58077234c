"""The main window shows each role only the pages it may use, is keyboard operable, lets later
screens plug in through the registry, and warns when the policy's review date has passed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from croftpost.ui.pages import default_registry
from croftpost.ui.views.approvals_view import ApprovalsView
from croftpost.ui.views.audit_view import AuditView
from croftpost.ui.views.placeholder_view import PlaceholderView
from croftpost.ui.views.staff_view import StaffView
from croftpost.ui.widgets import Tone
from tests.core.posting_helpers import publication
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui


def test_headteacher_sees_every_page(school, make_window):
    services, head = school
    window = make_window(services, head)
    assert window.page_keys() == ["compose", "drafts", "approvals", "comments", "consent",
                                  "safeguarding", "staff", "audit"]
    titles = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert titles == ["Compose", "Drafts & history", "Approvals", "Comments",
                      "Consent register", "Safeguarding", "Staff", "Audit log"]
    assert all(not window.nav.item(row).icon().isNull() for row in range(window.nav.count()))
    assert isinstance(window.show_page("staff"), StaffView)
    assert isinstance(window.show_page("audit"), AuditView)


def test_office_sees_consent_but_not_staff_or_audit(school, make_window):
    services, head = school
    office = add_staff(services, head, "office", role="office")
    window = make_window(services, office)
    assert window.page_keys() == ["drafts", "consent", "takedowns"]


def test_staff_see_compose_only_when_authorised_to_post(school, make_window):
    services, head = school
    plain = add_staff(services, head, "assistant")
    poster = add_staff(services, head, "teacher", channels=("dojo",))
    # A takedown task outlives an authorisation to post, so everyone has that page.
    assert make_window(services, plain).page_keys() == ["drafts", "takedowns"]
    assert make_window(services, poster).page_keys() == ["compose", "drafts", "approvals",
                                                         "takedowns"]


def test_a_named_approver_who_may_not_post_sees_approvals_and_approves(school, make_window):
    services, head = school
    teacher = add_staff(services, head, "teacher", channels=("facebook",))
    named = add_staff(services, head, "office", role="office")
    other = add_staff(services, head, "clerk", role="office")
    services.approvals.set_required(head, "facebook", True)
    services.approvals.set_approver(head, "office", True)
    text = "Year 5 visited the lighthouse."
    draft = services.drafts.create(teacher, "facebook", text)
    approval = services.approvals.submit(teacher, draft.id, publication(text))

    assert make_window(services, other).page_keys() == ["drafts", "consent", "takedowns"]
    window = make_window(services, named)
    assert window.page_keys() == ["drafts", "approvals", "consent", "takedowns"]
    page = window.show_page("approvals")
    assert isinstance(page, ApprovalsView)
    assert page.queue_model.rowCount() == 1 and page.approve_button.isEnabled()
    page.approve_button.click()
    assert services.approvals.get(named, approval.id).state == "approved"
    assert services.approvals.get(named, approval.id).decided_by == "office"
    services.drafts.publish(teacher, draft.id, "facebook", publication(text))  # it counts


def test_a_revoked_account_gets_no_window(school, make_window):
    from croftpost.errors import AccountRevoked

    services, head = school
    teacher = add_staff(services, head, "teacher", channels=("dojo",))
    services.accounts.revoke(head, "teacher")
    with pytest.raises(AccountRevoked):
        make_window(services, teacher)


def test_placeholder_pages_say_so_honestly(school, make_window):
    services, head = school
    registry = default_registry()  # every page is real now: plug a placeholder in
    registry.set_factory("compose", lambda ctx: PlaceholderView("Compose", "Write a post."))
    window = make_window(services, head, registry=registry)
    page = window.show_page("compose")
    assert isinstance(page, PlaceholderView)
    assert page.notice.text() == "This screen arrives in a later version."


def test_status_bar_names_the_user_and_the_school(school, make_window):
    services, head = school
    window = make_window(services, head)
    text = window.who_label.text()
    assert "Alex Morgan" in text and "Headteacher" in text and "Croftlands Junior" in text


def test_keyboard_moves_between_pages_and_pages_stay_alive(qtbot, school, make_window):
    services, head = school
    window = make_window(services, head)
    with qtbot.waitActive(window):  # shortcuts only reach the active window
        window.activateWindow()
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.nav.currentRow() == 1
    assert window.page_stack.currentWidget() is window.page("drafts")
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    staff_page = window.page("staff")
    assert isinstance(staff_page, StaffView)
    assert window.page_stack.currentWidget() is staff_page
    qtbot.keyClick(window.nav, Qt.Key.Key_Up)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.page("staff") is staff_page  # built once, kept


def test_a_later_screen_plugs_in_through_the_registry(school, make_window):
    services, head = school
    registry = default_registry()
    seen = []

    def compose_factory(ctx):
        seen.append(ctx)
        return QLabel("the real compose screen")

    registry.set_factory("compose", compose_factory)
    window = make_window(services, head, registry=registry)
    page = window.show_page("compose")
    assert isinstance(page, QLabel) and page.text() == "the real compose screen"
    assert seen[0].services is services and seen[0].session == head


def test_the_headteacher_is_told_the_policy_review_is_overdue_and_records_it(
        school, make_window, clock):
    """The Croftlands profile's review was due by 30 September 2026 (the test clock says 24
    November): the headteacher is told where to record the review, and after recording it the
    banner goes, audited."""
    services, head = school
    window = make_window(services, head)
    assert window.banner.isVisible() and window.policy_button.isVisible()
    assert window.banner.text() == (
        "The social media policy was due for review on 30 September 2026. When the governors "
        "have reviewed it, record the review here with its next date.")
    window.policy_button.click()
    dialog = window.current_dialog
    dialog.next_due.setDate(dialog.next_due.date().addMonths(-2))  # still after today
    chosen = dialog.chosen()
    dialog.ok_button.click()
    assert not window.banner.isVisible()
    status = services.policy.status()
    assert status.due_on == chosen and not status.overdue
    entry = services.audit.entries()[0]
    assert (entry.action, entry.details) == (
        "policy.reviewed", {"before": "2026-09-30", "after": chosen.isoformat()})
    assert not make_window(services, head).banner.isVisible()  # the next start too


def test_staff_are_told_the_headteacher_records_the_review(school, make_window):
    services, head = school
    teacher = add_staff(services, head, "teacher", channels=("dojo",))
    window = make_window(services, teacher)
    assert window.banner.isVisible() and not window.policy_button.isVisible()
    assert "The headteacher records its review" in window.banner.text()
    assert "Ask the headteacher" not in window.banner.text()


def test_no_banner_when_the_review_is_not_due(school, make_window):
    services, head = school
    services.policy.record_review(head, date(2027, 9, 30))
    window = make_window(services, head)
    assert not window.banner.isVisible()


def test_office_staff_start_on_the_consent_register_and_teachers_on_compose(school,
                                                                              make_window):
    services, head = school
    office = add_staff(services, head, "office", role="office")
    teacher = add_staff(services, head, "teacher", channels=("dojo",))
    window = make_window(services, office)
    assert window.nav.currentItem().text() == "Consent register"
    assert window.page_stack.currentWidget() is window.page("consent")
    assert make_window(services, teacher).nav.currentItem().text() == "Compose"
    assert make_window(services, head).nav.currentItem().text() == "Compose"


def test_the_headteacher_sees_a_red_banner_when_the_login_check_finds_the_log_rewritten(
        school, make_window):
    from tests.conftest import HEAD_PASSWORD

    services, head = school
    teacher = add_staff(services, head, "teacher", channels=("dojo",))
    services.accounts.login("head", HEAD_PASSWORD)  # signs a checkpoint of the log as it is
    assert make_window(services, head).audit_banner.isHidden()
    services.db.execute("DROP TRIGGER audit_log_no_delete")
    services.db.execute("DELETE FROM audit_log WHERE seq > 2")
    head = services.accounts.login("head", HEAD_PASSWORD)
    window = make_window(services, head)
    assert not window.audit_banner.isHidden()
    assert window.audit_banner.tone == Tone.ERROR
    assert "tampered with" in window.audit_banner.text()
    assert "truncated" in window.audit_banner.text()
    assert make_window(services, teacher).audit_banner.isHidden()  # it is the head's to act on
