"""The audit screen: lazy over 100,000 entries, filters that narrow, a verify that tells the truth
(intact, or where it was changed), exports that are themselves audited, headteacher only."""

from __future__ import annotations

import csv
import shutil
import time
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDate

from croftpost.core.audit import canonical_details, entry_hash
from croftpost.core.clock import iso
from croftpost.core.services import open_services, set_up_school
from croftpost.storage.db import transaction
from croftpost.ui.models.audit_model import PAGE_SIZE, AuditTableModel
from croftpost.ui.views.audit_view import AuditView
from croftpost.ui.widgets import Tone
from croftpost.ui.workers import ThreadTaskRunner
from tests.conftest import HEAD_PASSWORD, FakeClock
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui

BIG = 100_000
ACTORS = ("head", "jsmith", "office")
ACTIONS = ("draft.save", "consent.change", "login", "post.publish")
FIRST_BULK = datetime(2026, 11, 24, 9, 1, tzinfo=UTC)  # one entry a minute from here


def bulk_append(db, count: int, start: datetime) -> None:
    """Append `count` chained entries in one transaction (as record() would, but fast)."""
    seq, prev = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    rows = []
    for i in range(count):
        seq += 1
        at = iso(start + timedelta(minutes=i))
        actor, action, target = ACTORS[i % 3], ACTIONS[i % 4], f"item-{i}"
        details = canonical_details({"n": i})
        digest = entry_hash(prev, seq, at, actor, action, target, details)
        rows.append((seq, at, actor, action, target, details, prev, digest))
        prev = digest
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


@pytest.fixture(scope="session")
def big_template(tmp_path_factory):
    from argon2 import PasswordHasher

    folder = tmp_path_factory.mktemp("big") / "school"
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    services, _ = set_up_school(
        folder,
        "Croftlands Junior",
        "head",
        "Alex Morgan",
        HEAD_PASSWORD,
        clock=FakeClock(),
        hasher=hasher,
    )
    bulk_append(services.db, BIG, FIRST_BULK)
    services.close()
    return folder


@pytest.fixture
def big_school(big_template, tmp_path, clock, fast_hasher, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # the date filter works in local days
    time.tzset()
    folder = tmp_path / "school"
    shutil.copytree(big_template, folder)
    services = open_services(folder, clock=clock, hasher=fast_hasher)
    head = services.accounts.login("head", HEAD_PASSWORD)
    yield services, head
    services.close()
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def make_view(qtbot, tasks):
    def build(services, session, runner=None) -> AuditView:
        view = AuditView(services, session, runner or tasks)
        qtbot.addWidget(view)
        view.resize(1100, 700)
        view.show()
        return view

    return build


def test_a_hundred_thousand_entries_load_a_page_at_a_time(qtbot, big_school, make_view):
    services, head = big_school
    started = time.perf_counter()
    view = make_view(services, head)
    assert time.perf_counter() - started < 5  # generous: the machine is shared
    model = view.model
    assert model.total == services.audit.count() > BIG
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    view.table.scrollToBottom()  # the view asks for more as it nears the end
    qtbot.waitUntil(lambda: model.rowCount() > 2 * PAGE_SIZE, timeout=3000)
    seqs = [model.entry(row).seq for row in range(model.rowCount())]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    assert "Showing" in view.count_label.text() and "100,0" in view.count_label.text()


def test_filters_narrow_the_rows(qtbot, big_school, make_view):
    services, head = big_school
    view = make_view(services, head)
    bar = view.filters
    bar.action.setCurrentIndex(bar.action.findData("post.publish"))
    assert view.model.total == BIG // 4
    assert {view.model.entry(r).action for r in range(view.model.rowCount())} == {"post.publish"}

    bar.actor.setCurrentIndex(bar.actor.findData("head"))
    assert view.model.total == sum(1 for i in range(BIG) if i % 3 == 0 and i % 4 == 3)
    bar.clear_button.click()
    assert view.model.total == services.audit.count()

    bar.since.setDate(QDate(2026, 11, 25))
    bar.until.setDate(QDate(2026, 11, 25))
    assert view.model.total == 24 * 60  # one local day of one-a-minute entries


def test_text_search_waits_for_a_pause_in_typing(qtbot, big_school, make_view):
    services, head = big_school
    view = make_view(services, head)
    before = view.model.total
    qtbot.keyClicks(view.filters.text, "item-4242")
    assert view.model.total == before  # not yet: each key press does not query
    qtbot.waitUntil(lambda: view.model.total == 11, timeout=3000)  # item-4242 and -42420..9
    assert all("item-4242" in view.model.entry(r).target for r in range(view.model.rowCount()))


def test_verify_says_intact_for_a_hundred_thousand_entries(big_school, make_view):
    services, head = big_school
    view = make_view(services, head)
    view.verify_button.click()
    count = services.audit.count()
    assert view.message.tone == Tone.OK
    assert view.message.text() == (f"The audit log is intact: {count:,} entries. "
                                   "1 signed checkpoint(s) checked.")


def test_verify_finds_the_changed_entry_on_a_worker_thread(qtbot, school, make_view):
    services, head = school
    for n in range(10):
        services.audit.record("head", "test.event", f"target-{n}", {"n": n})
    runner = ThreadTaskRunner()
    view = make_view(services, head, runner)
    with qtbot.waitSignal(view.verify_finished, timeout=10_000) as intact:
        view.verify_button.click()
    assert intact.args[0].intact and view.message.tone == Tone.OK

    services.db.execute("DROP TRIGGER audit_log_no_update")
    services.db.execute("UPDATE audit_log SET target = 'someone else' WHERE seq = 7")
    with qtbot.waitSignal(view.verify_finished, timeout=10_000):
        view.verify_button.click()
    assert view.message.tone == Tone.ERROR
    assert view.message.text().startswith(
        "The audit log has been tampered with. Entry 7 was edited after it was written."
    )
    assert runner.shutdown()


def test_export_csv_of_the_filtered_entries_is_audited(big_school, make_view, tmp_path):
    services, head = big_school
    view = make_view(services, head)
    bar = view.filters
    bar.action.setCurrentIndex(bar.action.findData("login"))
    expected = view.model.total
    target = tmp_path / "out" / "audit.csv"
    target.parent.mkdir()
    view.export_to(target, "csv")
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["seq", "at", "actor", "action", "target", "details"]
    assert len(rows) - 1 == expected and {r[3] for r in rows[1:]} == {"login"}
    assert view.message.tone == Tone.OK and "audit.csv" in view.message.text()
    last = services.audit.entries(limit=1)[0]
    assert (last.actor, last.action, last.target) == ("head", "audit.export", "audit.csv")
    assert last.details["entries"] == expected and last.details["format"] == "csv"


def test_export_pdf_on_a_worker_thread(qtbot, school, make_view, tmp_path):
    services, head = school
    for n in range(30):
        services.audit.record("head", "test.event", f"<target & {n}>", {"n": n})
    runner = ThreadTaskRunner()
    view = make_view(services, head, runner)
    target = tmp_path / "audit.pdf"
    view.choose_path = lambda fmt: target
    with qtbot.waitSignal(view.export_finished, timeout=20_000) as done:
        view.pdf_button.click()
    assert done.args[0] == services.audit.count() - 1  # all but the export's own entry
    assert target.read_bytes().startswith(b"%PDF")
    assert services.audit.entries(limit=1)[0].action == "audit.export"
    assert runner.shutdown()


def test_only_the_headteacher_can_read_the_log(qtbot, school, make_view):
    services, head = school
    office = add_staff(services, head, "office", role="office")
    view = make_view(services, office)
    assert view.model.rowCount() == 0
    assert view.message.text() == "Only the headteacher can read the audit log."
    assert not view.verify_button.isEnabled() and not view.csv_button.isEnabled()


def test_a_reader_revoked_while_scrolling_gets_no_further_page(school, make_view):
    services, head = school
    bulk_append(services.db, PAGE_SIZE + 10, FIRST_BULK)
    deputy = add_staff(services, head, "deputy", role="headteacher")
    view = make_view(services, deputy)
    assert view.model.rowCount() == PAGE_SIZE and view.model.canFetchMore()
    services.accounts.revoke(head, "deputy")
    view.model.fetchMore()  # as the table asks when scrolled to the end: the core refuses
    assert view.model.rowCount() == 0 and not view.model.canFetchMore()
    assert view.message.tone == Tone.ERROR and "revoked" in view.message.text()
    assert not view.verify_button.isEnabled() and not view.csv_button.isEnabled()


def test_a_reader_revoked_with_the_page_open_cannot_verify_or_export(school, make_view, tmp_path):
    services, head = school
    deputy = add_staff(services, head, "deputy", role="headteacher")
    view = make_view(services, deputy)
    assert view.model.rowCount() > 0 and view.verify_button.isEnabled()
    services.accounts.revoke(head, "deputy")
    view.verify_button.click()  # no check in the screen: the worker's reader refuses
    assert view.message.tone == Tone.ERROR and "revoked" in view.message.text()
    assert view.model.rowCount() == 0 and not view.verify_button.isEnabled()

    entries = services.audit.count()
    target = tmp_path / "audit.csv"
    view.export_to(target, "csv")
    assert "revoked" in view.message.text() and not target.exists()
    assert services.audit.count() == entries  # no "audit.export" for an export that never was


def test_new_entries_while_browsing_are_not_shown_twice(school):
    services, head = school
    for n in range(12):
        services.audit.record("head", "test.event", f"t{n}")
    model = AuditTableModel(services.audit_reader, head, page_size=5)
    model.set_filter(model.current_filter)
    for n in range(3):
        services.audit.record("head", "test.later", f"later{n}")
    while model.canFetchMore():
        model.fetchMore()
    seqs = [model.entry(row).seq for row in range(model.rowCount())]
    assert len(seqs) == len(set(seqs)) == model.total
    assert seqs == sorted(seqs, reverse=True)


def test_audit_model_passes_the_model_tester(qtmodeltester, school):
    services, head = school
    for n in range(20):
        services.audit.record("head", "test.event", f"t{n}", {"n": n, "list": [1, 2]})
    model = AuditTableModel(services.audit_reader, head, page_size=7)
    model.set_filter(model.current_filter)
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == model.total == 22  # the school's own 2 entries and these 20


def test_day_bounds_follow_summer_time(monkeypatch):
    from datetime import date

    from croftpost.ui.models.audit_model import local_day_bounds

    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        assert local_day_bounds(date(2026, 7, 1), date(2026, 7, 1)) == (
            "2026-06-30T23:00:00.000000Z",
            "2026-07-01T22:59:59.999999Z",
        )
        assert local_day_bounds(date(2026, 12, 1), None) == ("2026-12-01T00:00:00.000000Z", None)
    finally:
        monkeypatch.undo()
        time.tzset()
