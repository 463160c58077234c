"""The compose screen's model is a thin adapter over core: it says what changed through
signals, and what it reports about a post is what PostComposer (the command line's composer)
reports about the same saved draft."""

from __future__ import annotations

import pytest

from croftpost.core.composer import PostComposer
from croftpost.ui.views.compose_model import ComposeModel
from croftpost.ui.workers import ImmediateTaskRunner
from tests.ui.test_compose import REGISTER  # Ava: every consent; Ben: Dojo only

pytestmark = pytest.mark.gui


@pytest.fixture
def model(qtbot, school):
    services, head = school
    services.consent.import_csv(head, REGISTER)
    return ComposeModel(services, head, ImmediateTaskRunner())


def test_each_change_is_told_once_and_only_when_something_changed(qtbot, model):
    told: list[str] = []
    model.changed.connect(lambda: told.append("changed"))
    model.findings_changed.connect(lambda: told.append("findings"))
    model.channel_changed.connect(lambda channel: told.append(channel))
    model.set_text("Sports day is on Friday.")
    model.set_text("Sports day is on Friday.")  # the same text: nothing new
    assert told == ["changed"]
    told.clear()
    model.check_text()
    assert told == ["findings"]
    told.clear()
    model.set_channel("dojo")
    assert told[0] == "dojo" and "findings" in told and told[-1] == "changed"
    told.clear()
    model.set_channel("dojo")
    assert told == []


def test_the_model_and_the_command_lines_composer_agree_on_a_saved_draft(qtbot, school, model):
    services, head = school
    model.set_text("Call Mrs Day on 07700 900123. Well done Ben Okafor!")
    model.check_text()
    assert model.save()
    assert model.draft_id is not None
    composer = PostComposer.open(services.composer_parts, head, model.draft_id)
    assert composer.review().findings == list(model.findings)
    assert model.readiness() == composer.readiness()
    assert not model.readiness().ready
    assert model.content().blockers(model.findings) == composer.blockers()
    assert model.content().verdict(model.findings) == composer.verdict() == "block"


def test_saving_writes_only_a_change_and_opening_brings_back_the_reasons(qtbot, school, model):
    services, head = school
    saved: list[int] = []
    model.saved.connect(saved.append)
    assert not model.save()  # an empty post is not a draft
    model.set_text("Our Halloween disco is on Friday.")
    assert model.save() and not model.save()
    assert saved == [model.draft_id]
    draft = services.drafts.get(head, model.draft_id)
    opened: list[object] = []
    model.opened.connect(opened.append)
    model.clear("facebook")
    assert (model.draft_id, model.text, model.findings) == (None, "", ())
    model.open(draft, [{"clause": "2.3", "reason": "a school event"}])
    assert opened == [draft]
    assert model.text == draft.body and model.draft_id == draft.id
    assert not model.save()  # opened as saved: nothing to write
