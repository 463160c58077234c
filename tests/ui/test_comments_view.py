"""The Comments screen (policy 2.3): advice with the clause for each comment, nothing recorded
until staff say what they deleted, then each author's tally and the blocking candidates."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from croftpost.ui.views.comments_view import CommentsView
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui

COMMENTS = "\n".join([
    "author,comment",
    "Sam Parent,Lovely photos of sports day!",
    "Spam Bot,Bitcoin investment opportunity DM me now",
    "Spam Bot,Bitcoin investment opportunity DM me today",
    "Spam Bot,Bitcoin investment opportunity DM me please",
    "Jo Grumble,This school is shit",
])


@pytest.fixture
def view(qtbot, school):
    services, head = school
    teacher = add_staff(services, head, "teacher", channels=("facebook",))
    made = CommentsView(services, teacher)
    qtbot.addWidget(made)
    made.show()
    return services, made


def test_advice_first_then_what_was_deleted_is_recorded_and_repeat_offenders_named(view):
    services, screen = view
    before = services.audit.count()
    screen.input.setPlainText(COMMENTS)
    screen.check_button.click()
    rows = [[screen.table.item(r, c).text() for c in (2, 4)] for r in range(5)]
    assert rows == [["Sam Parent", "Keep"], ["Spam Bot", "Delete (2.3)"],
                    ["Spam Bot", "Delete (2.3)"], ["Spam Bot", "Delete (2.3)"],
                    ["Jo Grumble", "Delete (2.3)"]]
    assert "clause 2.3" in screen.table.item(1, 5).text()
    assert screen.ticked() == [False, True, True, True, True]  # the advice, to change
    assert services.audit.count() == before  # advice records nothing
    assert "1 to" not in screen.summary.text() and "4 to delete" in screen.summary.text()

    screen.table.item(4, 0).setCheckState(Qt.CheckState.Unchecked)  # left up after all
    screen.record_button.click()
    text = screen.message.text()
    assert "3 deleted comment(s) added" in text
    assert "Consider blocking on Facebook" in text and "Spam Bot (3 deleted)" in text
    entry = services.audit.entries()[0]
    assert entry.action == "moderation.run" and entry.details["counted"] == 3
    assert "Spam Bot" not in str(entry.details) and "Bitcoin" not in str(entry.details)

    screen.record_button.click()  # the same comments again count nothing more
    assert "0 deleted comment(s) added" in screen.message.text()


def test_a_comments_file_can_be_opened(view, tmp_path: Path):
    _, screen = view
    path = tmp_path / "comments.csv"
    path.write_text(COMMENTS, encoding="utf-8")
    screen.choose_file = lambda: path
    screen.open_button.click()
    assert screen.table.rowCount() == 5


def test_the_page_is_for_whoever_looks_after_the_facebook_page(school, make_window):
    services, head = school
    dojo_only = add_staff(services, head, "dojo", channels=("dojo",))
    office = add_staff(services, head, "office", role="office")
    assert "comments" in make_window(services, head).page_keys()
    assert "comments" not in make_window(services, dojo_only).page_keys()
    assert "comments" not in make_window(services, office).page_keys()
