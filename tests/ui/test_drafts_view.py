"""The Drafts & history page: your drafts from the real DraftService (open hands the id to
Compose, delete removes it and is audited) and the posted history (everyone's for the head)."""

from __future__ import annotations

import pytest

from croftpost.core.posting import Publication
from croftpost.ui.models.drafts_model import (
    DraftColumn,
    DraftsTableModel,
    PostColumn,
    PostRow,
    PostsTableModel,
)
from croftpost.ui.views.drafts_view import DraftsView
from croftpost.ui.widgets import Tone
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui


@pytest.fixture
def teacher(school):
    services, head = school
    return add_staff(services, head, "teacher", channels=("dojo", "facebook"))


def _view(qtbot, services, session) -> DraftsView:
    view = DraftsView(services, session)
    view.confirm = lambda *args: True
    qtbot.addWidget(view)
    view.show()
    return view


def _texts(view: DraftsView) -> list[str]:
    model = view.drafts_model
    return [model.index(r, DraftColumn.TEXT).data() for r in range(model.rowCount())]


def _publish(services, session, channel: str, text: str, pupils=()) -> None:
    draft = services.drafts.create(session, channel, text)
    services.drafts.publish(session, draft.id, channel, Publication(
        text, [], {p: {} for p in pupils}, [], {}))


def test_open_hands_the_draft_to_compose_and_delete_removes_it(qtbot, school, teacher, clock):
    services, _ = school
    first = services.drafts.create(teacher, "dojo", "Year 3 visited the Dock Museum today!")
    clock.advance(minutes=5)
    second = services.drafts.create(teacher, "facebook", "Harvest festival on Friday.")
    view = _view(qtbot, services, teacher)
    assert _texts(view) == ["Harvest festival on Friday.", "Year 3 visited the Dock Museum today!"]
    assert view.drafts_heading.text() == "Your drafts (2)"
    assert view.selected_draft_id() == second.id  # the newest is chosen

    with qtbot.waitSignal(view.open_draft_requested) as opened:
        view.open_button.click()
    assert opened.args == [second.id]
    view.drafts_table.selectRow(1)
    with qtbot.waitSignal(view.open_draft_requested) as opened:
        qtbot.keyClick(view.drafts_table, "\r")  # Enter opens the draft too
    assert opened.args == [first.id]

    view.delete_button.click()
    assert [d.id for d in services.drafts.my_drafts(teacher)] == [second.id]
    assert _texts(view) == ["Harvest festival on Friday."]
    entry = services.audit.entries(limit=1)[0]
    assert (entry.actor, entry.action, entry.target) == ("teacher", "draft.delete", str(first.id))
    assert view.message.tone == Tone.OK


def test_delete_waits_for_confirmation(qtbot, school, teacher):
    services, _ = school
    services.drafts.create(teacher, "dojo", "Keep me")
    view = _view(qtbot, services, teacher)
    view.confirm = lambda *args: False
    view.delete_button.click()
    assert len(services.drafts.my_drafts(teacher)) == 1


def test_without_drafts_nothing_can_be_opened(qtbot, school, teacher):
    services, _ = school
    view = _view(qtbot, services, teacher)
    assert view.drafts_model.rowCount() == 0
    assert not view.open_button.isEnabled() and not view.delete_button.isEnabled()


def test_history_is_your_own_and_everyones_for_the_headteacher(qtbot, school, teacher):
    services, head = school
    _publish(services, teacher, "dojo", "Our class assembly was wonderful.", ["P1", "P2"])
    _publish(services, head, "facebook", "Open evening next Thursday.")
    mine = _view(qtbot, services, teacher)
    assert mine.posts_heading.text() == "Your posts (1)"
    model = mine.posts_model
    assert model.index(0, PostColumn.AUTHOR).data() == "teacher"
    assert model.index(0, PostColumn.PUPILS).data() == "2"
    assert model.index(0, PostColumn.TEXT).data() == "Our class assembly was wonderful."
    assert mine.drafts_model.rowCount() == 0  # a posted draft is no longer a draft

    everyone = _view(qtbot, services, head)
    assert everyone.posts_heading.text() == "Posted by everyone (2)"
    authors = {everyone.posts_model.index(r, PostColumn.AUTHOR).data() for r in range(2)}
    assert authors == {"teacher", "head"}


def test_the_page_reads_drafts_again_when_shown(qtbot, school, teacher):
    services, _ = school
    view = _view(qtbot, services, teacher)
    view.hide()
    services.drafts.create(teacher, "dojo", "Saved by Compose meanwhile")
    view.show()
    assert _texts(view) == ["Saved by Compose meanwhile"]


def test_drafts_models_pass_the_model_tester(qtmodeltester, school, teacher):
    services, _ = school
    services.drafts.create(teacher, "dojo", "A draft")
    drafts = DraftsTableModel()
    drafts.set_drafts(services.drafts.my_drafts(teacher))
    qtmodeltester.check(drafts)
    posts = PostsTableModel()
    posts.set_posts([PostRow(1, "2026-11-24T09:00:00.000000Z", "dojo", "teacher", 0, 1, None)])
    qtmodeltester.check(posts)
    assert posts.index(0, PostColumn.TEXT).data() == "(text not kept) (+1 photo(s))"


def test_someone_who_may_not_post_is_told_why_there_are_no_drafts(qtbot, school):
    services, head = school
    office = add_staff(services, head, "office", role="office")
    view = _view(qtbot, services, office)
    assert view.open_button.isHidden()
    assert "You are not authorised to post" in view.intro.text()
    assert view.posts_heading.text() == "Your posts (0)"
