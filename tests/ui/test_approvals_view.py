"""The Approvals page on the real ApprovalService: the queue for approvers, your own requests,
approve and return, and the headteacher's settings."""

from __future__ import annotations

import pytest

from croftpost.ui.models.approvals_model import ApprovalColumn, ApprovalsTableModel
from croftpost.ui.views.approvals_view import ApprovalsView
from croftpost.ui.widgets import Tone
from tests.core.posting_helpers import REGISTER_CSV, photo, publication
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui

TEXT = "Year 6 planted the new orchard."


@pytest.fixture
def people(school):
    services, head = school
    services.consent.import_csv(head, REGISTER_CSV)
    teacher = add_staff(services, head, "teacher", channels=("facebook", "dojo"))
    deputy = add_staff(services, head, "deputy", channels=("facebook",))
    services.approvals.set_required(head, "facebook", True)
    services.approvals.set_approver(head, "deputy", True)
    return services, head, teacher, deputy


def _submit(services, session, text=TEXT):  # noqa: ANN001, ANN202
    draft = services.drafts.create(session, "facebook", text)
    pub = publication(text, [photo("a", ("consented", "P001"), ("unknown", None))], ["P001"],
                      [{"category": "link", "reason": "our own website"}])
    return draft, pub, services.approvals.submit(session, draft.id, pub)


def _view(qtbot, services, session) -> ApprovalsView:  # noqa: ANN001
    view = ApprovalsView(services, session)
    qtbot.addWidget(view)
    view.show()
    return view


def _column(model: ApprovalsTableModel, column: ApprovalColumn) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_approver_sees_the_post_as_submitted_and_approves_it(qtbot, people):
    services, _, teacher, deputy = people
    draft, pub, approval = _submit(services, teacher)
    view = _view(qtbot, services, deputy)
    assert view.queue_heading.text() == "Waiting for a decision (1)"
    assert _column(view.queue_model, ApprovalColumn.AUTHOR) == ["teacher"]
    assert _column(view.queue_model, ApprovalColumn.PHOTOS) == [
        "1 photo(s): 1 consented, 1 unknown"]
    shown = view.details.toPlainText()
    assert TEXT in shown and "consented (Ava Thornton)" in shown and "unknown" in shown
    assert "Warning acknowledged: link: our own website" in shown
    assert view.approve_button.isEnabled() and view.settings_box.isHidden()

    view.approve_button.click()
    assert services.approvals.get(deputy, approval.id).state == "approved"
    assert view.message.tone == Tone.OK and "teacher may now publish" in view.message.text()
    assert view.queue_model.rowCount() == 0
    services.drafts.publish(teacher, draft.id, "facebook", pub)  # the approval counts


def test_return_asks_for_a_comment_and_the_author_reads_it(qtbot, people):
    services, _, teacher, deputy = people
    _, _, approval = _submit(services, teacher)
    view = _view(qtbot, services, deputy)
    view.ask_comment = lambda parent: None  # cancelled: nothing happens
    view.return_button.click()
    assert services.approvals.get(deputy, approval.id).state == "pending"
    view.ask_comment = lambda parent: "Please use the photo without the minibus."
    view.return_button.click()
    assert services.approvals.get(deputy, approval.id).state == "returned"

    mine = _view(qtbot, services, teacher)
    assert mine.queue_box.isHidden()  # not an approver: only their own requests
    assert _column(mine.mine_model, ApprovalColumn.STATE) == ["Returned"]
    assert "Comment from deputy: Please use the photo without the minibus." in \
        mine.details.toPlainText()
    assert not mine.approve_button.isEnabled()


def test_own_post_is_listed_but_cannot_be_decided(qtbot, people):
    services, _, _, deputy = people
    _submit(services, deputy, "Deputy's own news")
    view = _view(qtbot, services, deputy)
    assert _column(view.queue_model, ApprovalColumn.AUTHOR) == ["deputy"]
    assert not view.approve_button.isEnabled() and not view.return_button.isEnabled()
    assert "Another approver" in view.approve_button.toolTip()


def test_a_refusal_from_the_service_is_shown_not_raised(qtbot, people):
    services, head, teacher, deputy = people
    _, _, approval = _submit(services, teacher)
    view = _view(qtbot, services, deputy)
    services.approvals.set_approver(head, "deputy", False)  # taken away while the page is open
    view.approve_button.click()
    assert view.message.tone == Tone.ERROR and "approvers they name" in view.message.text()
    assert services.approvals.get(head, approval.id).state == "pending"


def test_head_sets_requirements_and_names_approvers(qtbot, people):
    services, head, _, _ = people
    view = _view(qtbot, services, head)
    assert view.settings_box.isVisibleTo(view)
    assert view.required_boxes["facebook"].isChecked()
    assert not view.required_boxes["dojo"].isChecked()
    view.required_boxes["dojo"].click()
    assert services.approvals.required_channels() == {"facebook": True, "dojo": True}
    assert view.approvers_label.text() == "Approvers: deputy, head"
    view.staff_combo.setCurrentIndex(view.staff_combo.findData("teacher"))
    view.add_approver_button.click()
    assert services.approvals.approvers() == ["deputy", "head", "teacher"]
    view.staff_combo.setCurrentIndex(view.staff_combo.findData("deputy"))
    view.remove_approver_button.click()
    assert view.approvers_label.text() == "Approvers: head, teacher"
    actions = [e.action for e in services.audit.entries(limit=3)]
    assert actions == ["staff.approver", "staff.approver", "approval.require"]


def test_model_passes_the_model_tester(qtmodeltester, people):
    services, _, teacher, deputy = people
    _submit(services, teacher)
    model = ApprovalsTableModel()
    model.set_approvals(services.approvals.queue(deputy))
    qtmodeltester.check(model)


def test_a_clip_is_shown_to_the_approver_as_a_clip_with_when_each_person_is_seen(qtbot, people):
    from croftpost.core.posting import PublishedPhoto

    services, _, teacher, deputy = people
    clip = PublishedPhoto("c" * 64, "", [
        {"status": "consented", "pupil_id": "P001", "reason": "matched", "blurred": False,
         "source": "track", "first_s": 0.0, "last_s": 2.93},
        {"status": "unknown", "pupil_id": None, "reason": "no_match", "blurred": True,
         "source": "track", "first_s": 1.6, "last_s": 62.5}])
    pub = publication(TEXT, [photo("a", ("consented", "P001")), clip], ["P001"])
    draft = services.drafts.create(teacher, "facebook", TEXT)
    services.approvals.submit(teacher, draft.id, pub)
    shown = _view(qtbot, services, deputy).details.toPlainText()
    assert "Photo 1: consented (Ava Thornton)" in shown
    assert ("Clip 1: consented (seen 0:00 to 0:02) (Ava Thornton), "
            "blurred (unknown) (seen 0:01 to 1:02)") in shown
