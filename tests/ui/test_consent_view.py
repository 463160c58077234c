"""The consent register screen drives the real ConsentService on a real data folder: what it
shows is what the database holds, every change is audited, and refusals are shown as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from croftpost.core.consent_csv import HEADER
from croftpost.core.posting import Publication
from croftpost.ui.models.consent_model import (
    ConsentColumn,
    ConsentFilterProxy,
    ConsentTableModel,
    ShowOnly,
)
from croftpost.ui.views.consent_view import ConsentView
from croftpost.ui.widgets import Tone
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui

# Invented pupils; the test clock says 24 November 2026.
ROWS = (
    "P001,Ava,Thornton,Year 3,yes,yes,yes,yes,yes,2027-07-31,",
    "P002,Ben,Okafor,Year 4,no,yes,no,no,no,2026-12-10,",  # expires within 30 days
    "P003,Cara,Lindgren,Year 3,no,no,no,no,no,,",  # no consent at all
    "P004,Dev,Marsh,Year 4,yes,yes,yes,yes,no,2027-07-31,2026-11-01",  # withdrawn
    "P005,Eli,Moss,Year 10,yes,yes,no,no,no,2027-07-31,",
)


def csv_text(*rows: str) -> str:
    return "\n".join([",".join(HEADER), *rows]) + "\n"


@pytest.fixture
def register(school):
    services, head = school
    services.consent.import_csv(head, csv_text(*ROWS))
    services.consent.protect(head, "P005", "Invented safeguarding reason")
    return services, head


@pytest.fixture
def view(qtbot, register, tasks):
    services, head = register
    made = ConsentView(services, head, tasks)
    made.confirm = lambda *args: True
    qtbot.addWidget(made)
    made.show()
    return made


def _cell(view: ConsentView, pupil_id: str, column: ConsentColumn) -> str:
    return view.model.index(view.model.row_of(pupil_id), column).data()


def _last_audit(services):
    return services.audit.entries(limit=1)[0]


def test_search_and_filters_narrow_the_table(view):
    assert view.visible_ids() == ["P003", "P001", "P004", "P002", "P005"]  # class, surname
    assert view.count_label.text() == "Showing 5 of 5 pupils."
    view.filters.text.setText("thorn")
    assert view.visible_ids() == ["P001"]
    view.filters.text.setText("p00")  # ids are searched too
    assert len(view.visible_ids()) == 5
    view.filters.text.clear()

    f = view.filters
    f.choose(f.class_name, "Year 4")
    assert view.visible_ids() == ["P004", "P002"]
    f.clear()
    f.choose(f.kind, "photo_facebook")
    f.choose(f.state, "withdrawn")
    assert view.visible_ids() == ["P004"]
    f.clear()
    for show, expected in (
        (ShowOnly.EXPIRING, ["P002"]),
        (ShowOnly.NO_CONSENT, ["P003", "P004"]),
        (ShowOnly.PROTECTED, ["P005"]),
    ):
        f.choose(f.show_only, show.value)
        assert view.visible_ids() == expected, show
    assert view.count_label.text() == "Showing 1 of 5 pupils."
    f.clear_button.click()
    assert len(view.visible_ids()) == 5


def test_cells_show_an_icon_and_words(view):
    assert _cell(view, "P004", ConsentColumn.PHOTO_FACEBOOK) == "Withdrawn"
    assert _cell(view, "P002", ConsentColumn.PHOTO_FACEBOOK) == "No"
    assert _cell(view, "P005", ConsentColumn.PHOTO_DOJO) == "Protected"
    assert _cell(view, "P002", ConsentColumn.NOTES) == "Expires soon"
    icon = view.model.index(view.model.row_of("P004"), ConsentColumn.PHOTO_FACEBOOK).data(1)
    assert not icon.isNull()


def test_edit_a_consent_and_see_it_saved_and_audited(register, view):
    services, _ = register
    view.select("P001")
    assert view.details.title.text() == "Ava Thornton"
    view.details.edit_button.click()
    dialog = view.current_dialog
    dialog.ok_button.click()
    assert dialog.message.text() == "Nothing has changed."  # nothing saved, nothing audited
    assert _last_audit(services).action != "consent.set"
    dialog.rows["photo_facebook"].given.setChecked(False)
    dialog.ok_button.click()

    today = services.consent.today()
    ava = services.consent.pupil("P001")
    assert not ava.photo_allowed("facebook", today) and ava.photo_allowed("dojo", today)
    entry = _last_audit(services)
    assert (entry.actor, entry.action, entry.target) == ("head", "consent.set", "P001")
    assert entry.details["before"]["photo_facebook"] == "yes until 2027-07-31"
    assert entry.details["after"]["photo_facebook"] == "no"
    assert _cell(view, "P001", ConsentColumn.PHOTO_FACEBOOK) == "No"
    assert view.details.consent_texts["photo_facebook"].text() == "No"
    assert view.message.tone == Tone.OK and "Ava Thornton's consents are saved" in (
        view.message.text())


def test_give_consent_again_after_a_withdrawal_with_an_end_date(register, view):
    from datetime import date

    services, _ = register
    view.select("P004")
    view.details.edit_button.click()
    dialog = view.current_dialog
    row = dialog.rows["photo_dojo"]
    assert not row.given.isChecked()  # withdrawn: starts unticked
    row.given.setChecked(True)
    row.ends.setChecked(True)
    row.expires.setDate(date(2027, 3, 31))
    dialog.ok_button.click()
    record = services.consent.pupil("P004").consents["photo_dojo"]
    assert record.given and record.withdrawn_on is None
    assert record.expires_on == date(2027, 3, 31)
    assert view.details.consent_texts["photo_dojo"].text() == "Yes, until 31 March 2027"


def test_withdraw_then_see_the_published_posts_to_take_down(register, view):
    services, head = register
    draft = services.drafts.create(head, "facebook", "Ava Thornton won the Year 3 spelling bee!")
    services.drafts.publish(head, draft.id, "facebook", Publication(
        draft.body, [], {"P001": {"photo_facebook": "valid"}}, [], {}))
    view.select("P001")
    assert view.details.posts.count() == 1  # listed before a withdrawal too
    view.details.withdraw_button.click()
    dialog = view.current_dialog
    for kind, box in dialog.boxes.items():
        box.setChecked(kind in ("photo_facebook", "name_facebook"))
    dialog.ok_button.click()

    today = services.consent.today()
    ava = services.consent.pupil("P001")
    assert ava.consents["photo_facebook"].state_on(today) == "withdrawn"
    assert ava.consents["photo_dojo"].state_on(today) == "valid"
    actions = [e.action for e in services.audit.entries(limit=2)]
    assert actions == ["takedown.create", "consent.withdraw"]  # the task for the poster
    assert view.message.tone == Tone.WARNING
    assert "1 published post(s) show them" in view.message.text()
    item = view.details.posts.item(0).text()
    assert "Facebook" in item and "head" in item and "spelling bee" in item
    assert _cell(view, "P001", ConsentColumn.PHOTO_FACEBOOK) == "Withdrawn"


def test_the_withdrawal_dialog_withdraws_nothing_by_default(qtbot, register, view):
    """It opens with nothing ticked: Return (by habit) records nothing; face recognition is
    its own step, which says what it erases."""
    services, _ = register
    view.select("P001")
    before = services.consent.pupil("P001")
    view.details.withdraw_button.click()
    dialog = view.current_dialog
    assert not any(box.isChecked() for box in dialog.boxes.values())
    biometric = dialog.boxes["biometric"]
    assert "erases" in biometric.text().replace("&", "") and "cannot be undone" in biometric.text()
    assert biometric.parentWidget() is not dialog.boxes["photo_facebook"].parentWidget()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.message.text() == "Tick the consents the parent or carer withdrew."
    assert _last_audit(services).action != "consent.withdraw"
    assert services.consent.pupil("P001") == before


def _write(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(csv_text(*rows), encoding="utf-8")
    return path


def _import_dialog(view: ConsentView, path: Path):
    view.import_button.click()
    dialog = view.current_dialog
    dialog.choose_path = lambda: path
    dialog.choose_button.click()
    return dialog


def test_import_with_a_bad_row_lists_it_and_saves_nothing(register, view, tmp_path):
    services, _ = register
    before = len(services.audit.entries())
    path = _write(tmp_path, "bad.csv",
                  "P006,Finn,Carter,Year 5,yes,yes,no,no,no,2027-07-31,",
                  "P007,Gwen,Hale,Year 5,yes,maybe,no,no,no,2027-07-31,",
                  "P001,Ava,Thornton,Year 4,yes,yes,yes,yes,yes,2027-07-31,")
    dialog = _import_dialog(view, path)
    errors = [dialog.errors.item(i).text() for i in range(dialog.errors.count())]
    assert errors == ["Line 3: photo_dojo must be yes or no, not 'maybe'"]
    assert dialog.changes.rowCount() == 2  # the good rows are previewed
    assert dialog.message.tone == Tone.ERROR and "1 bad row(s)" in dialog.message.text()
    assert not dialog.ok_button.isEnabled()
    dialog._on_buttons_accepted()  # even forced, the dialog refuses
    assert dialog.isVisible()
    assert sorted(p.pupil_id for p in services.consent.all_pupils()) == [
        "P001", "P002", "P003", "P004", "P005"]
    assert services.consent.pupil("P001").class_name == "Year 3"
    assert len(services.audit.entries()) == before


def test_import_a_good_file_after_its_preview(register, view, tmp_path):
    services, _ = register
    path = _write(tmp_path, "good.csv",
                  "P006,Finn,Carter,Year 5,yes,yes,no,no,no,2027-07-31,",
                  "P001,Ava,Thornton,Year 4,yes,yes,yes,yes,yes,2027-07-31,")
    dialog = _import_dialog(view, path)
    assert dialog.errors.isHidden()
    preview = {dialog.changes.item(r, 0).text(): dialog.changes.item(r, 2).text()
               for r in range(dialog.changes.rowCount())}
    assert preview["P001"] == "Class: Year 3 → Year 4"
    assert preview["P006"].startswith("New pupil in Year 5; consents: Photo on Facebook")
    assert services.consent.pupil("P001").class_name == "Year 3"  # nothing saved yet
    dialog.ok_button.click()
    assert services.consent.pupil("P001").class_name == "Year 4"
    assert services.consent.pupil("P006").full_name == "Finn Carter"
    assert "P006" in view.visible_ids()
    assert view.message.text() == "Imported: 1 new pupil(s), 1 updated."
    assert view.filters.class_name.findData("Year 5") > 0


def test_import_of_a_file_without_the_right_header_says_why(view, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("name,class\nAva,Year 3\n", encoding="utf-8")
    dialog = _import_dialog(view, path)
    assert dialog.message.tone == Tone.ERROR
    assert "The header lacks the columns" in dialog.message.text()
    assert not dialog.ok_button.isEnabled()


def test_no_photo_lists_are_written_as_a_pdf(register, view, tmp_path):
    services, _ = register
    target = tmp_path / "lists.pdf"
    view.choose_pdf_path = lambda: target
    view.print_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert view.message.tone == Tone.OK and str(target) in view.message.text()
    document = view.last_document
    assert document.pageCount() == 3  # Year 3, Year 4, Year 10: one page each
    text = document.toPlainText()
    pages = text.split("Pupils who must not appear in photos")
    assert [p.strip().splitlines()[-1] for p in pages[:-1]] == ["Year 3", "Year 4", "Year 10"]
    for barred in ("Cara Lindgren", "Ben Okafor", "Dev Marsh", "Eli Moss"):
        assert barred in text
    assert "Ava Thornton" not in text  # may appear on both channels
    assert "Protected: never in any photo" in text
    assert "Invented safeguarding reason" not in text
    entry = _last_audit(services)
    assert entry.action == "consent.no_photo_list"
    assert entry.details == {"classes": 3, "pupils_listed": 4}


def test_protect_shows_the_reason_to_the_headteacher_only(qtbot, register, view, tasks):
    services, head = register
    view.select("P003")
    view.details.protect_button.click()
    dialog = view.current_dialog
    dialog.ok_button.click()
    assert "safeguarding reason" in dialog.message.text()  # the service's own sentence
    dialog.reason.setPlainText("Invented court order")
    dialog.ok_button.click()
    assert services.consent.pupil("P003").protected
    assert "Invented court order" in view.details.reason.text()
    assert "Protected: never named or shown" in view.details.note_texts()
    entry = _last_audit(services)
    assert entry.action == "consent.protect" and "Invented" not in str(entry.details)

    office = add_staff(services, head, "office", role="office")
    office_view = ConsentView(services, office, tasks)
    qtbot.addWidget(office_view)
    office_view.select("P003")
    assert office_view.details.reason.text() == ""
    assert "Protected: never named or shown" in office_view.details.note_texts()

    view.select("P003")
    view.details.unprotect_button.click()
    assert not services.consent.pupil("P003").protected
    assert view.details.protect_button.isVisibleTo(view)


def test_staff_without_consent_rights_get_the_services_refusal(qtbot, register, tasks):
    services, head = register
    teacher = add_staff(services, head, "teacher", channels=("dojo",))
    made = ConsentView(services, teacher, tasks)
    qtbot.addWidget(made)
    made.select("P001")
    made.details.withdraw_button.click()
    made.current_dialog.boxes["photo_facebook"].setChecked(True)
    made.current_dialog.ok_button.click()
    assert made.current_dialog.message.text() == (
        "Only office staff and the headteacher can change consent records.")
    assert services.consent.pupil("P001").consents["photo_facebook"].withdrawn_on is None


def test_enrol_is_offered_only_with_biometric_consent_and_runs_on_a_worker(
        qtbot, register, tmp_path):
    from PIL import Image

    from croftpost.ui.workers import ThreadTaskRunner

    services, head = register
    runner = ThreadTaskRunner()
    made = ConsentView(services, head, runner)
    qtbot.addWidget(made)
    made.select("P002")
    assert not made.details.enrol_button.isEnabled()  # no biometric consent
    made.select("P001")
    assert made.details.enrol_button.isEnabled()
    blank = tmp_path / "blank.png"  # an invented picture with no face in it
    Image.new("RGB", (400, 400), (200, 180, 160)).save(blank)
    made.enrolment.choose_photos = lambda: [blank]
    with qtbot.waitSignal(made.enrolment.finished, timeout=120_000) as finished:
        made.details.enrol_button.click()
    runner.shutdown()
    [outcome] = finished.args[0]
    assert not outcome.ok and "no face" in outcome.message
    assert made.message.tone == Tone.WARNING
    assert "0 of 1 photo(s) enrolled for Ava Thornton" in made.message.text()
    assert services.consent.pupil("P001").encodings == 0


def test_consent_models_pass_the_model_tester(qtmodeltester, register):
    services, _ = register
    model = ConsentTableModel()
    model.set_pupils(services.consent.all_pupils(), services.consent.today())
    qtmodeltester.check(model)
    proxy = ConsentFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    assert model.rowCount() == 5 and model.columnCount() == len(ConsentColumn)


def test_the_register_works_from_the_keyboard(qtbot, register, view):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    qtbot.keyClicks(view.filters.text, "o")  # Thornton, Okafor, Moss
    assert view.visible_ids() == ["P001", "P002", "P005"]
    assert view.selected_pupil_id() == "P001"  # the first match is shown at once
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.selected_pupil_id() == "P002"
    assert view.details.title.text() == "Ben Okafor"
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter edits the selected pupil
    assert view.current_dialog is not None and view.current_dialog.isVisible()
    assert "Ben Okafor's consents" in view.current_dialog.findChild(
        QLabel, "explanation").text()


@pytest.mark.faces
def test_enrolling_a_real_face_shows_it_in_the_details(qtbot, register, tasks, faces_dir):
    services, head = register
    made = ConsentView(services, head, tasks)
    qtbot.addWidget(made)
    made.select("P001")  # the invented pupil has biometric consent
    made.enrolment.choose_photos = lambda: [faces_dir / "face_recognition/examples/obama.jpg"]
    made.details.enrol_button.click()
    assert made.message.tone == Tone.OK
    assert made.message.text() == "1 of 1 photo(s) enrolled for Ava Thornton."
    assert services.consent.pupil("P001").encodings == 1
    assert made.details.encodings_text.text() == "Reference faces enrolled: 1."
    assert _last_audit(services).action == "consent.enrol"


def _encodings_stored(services, pupil_id: str) -> int:
    return services.db.execute(
        "SELECT COUNT(*) FROM face_encodings WHERE pupil_id = ?", [pupil_id]).fetchone()[0]


def test_delete_a_pupil_erases_their_faces_and_lists_their_posts(register, view):
    services, head = register
    services.consent.add_reference(head, "P001", [0.01] * 128, None, "0" * 64)
    draft = services.drafts.create(head, "facebook", "Ava Thornton won the Year 3 spelling bee!")
    services.drafts.publish(head, draft.id, "facebook", Publication(
        draft.body, [], {"P001": {"photo_facebook": "valid"}}, [], {}))
    view.reload("P001")
    view.details.delete_button.click()
    dialog = view.current_dialog
    assert dialog.cancel_button.isDefault() and not dialog.ok_button.isDefault()
    assert "reference faces (1 enrolled) are erased" in dialog.findChild(
        QLabel, "explanation").text()
    assert dialog.posts.count() == 1 and "spelling bee" in dialog.posts.item(0).text()
    dialog.ok_button.click()

    assert "P001" not in view.visible_ids() and len(view.visible_ids()) == 4
    assert _encodings_stored(services, "P001") == 0
    entry = _last_audit(services)
    assert (entry.actor, entry.action, entry.target) == ("head", "consent.delete_pupil", "P001")
    assert entry.details["encodings_erased"] == 1
    assert view.message.tone == Tone.WARNING
    text = view.message.text()
    assert "Ava Thornton is deleted" in text and "1 published post(s) showed them" in text
    assert "spelling bee" in text  # the posts stay listed once the pupil is gone


def test_cancelling_the_deletion_keeps_the_pupil(qtbot, register, view):
    services, head = register
    services.consent.add_reference(head, "P001", [0.01] * 128, None, "0" * 64)
    view.reload("P001")
    view.details.delete_button.click()
    dialog = view.current_dialog
    assert "No published post shows Ava Thornton." in dialog.posts_text.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter presses the default: Cancel
    assert view.current_dialog is None
    view.details.delete_button.click()
    view.current_dialog.cancel_button.click()
    assert services.consent.pupil("P001").encodings == 1
    assert _encodings_stored(services, "P001") == 1
    assert "P001" in view.visible_ids()
    assert _last_audit(services).action != "consent.delete_pupil"


def test_office_staff_delete_a_pupil_and_a_teacher_never_sees_the_register(
        qtbot, register, tasks, make_window):
    services, head = register
    office = add_staff(services, head, "office", role="office")
    made = ConsentView(services, office, tasks)
    qtbot.addWidget(made)
    made.select("P003")
    made.details.delete_button.click()
    made.current_dialog.ok_button.click()
    assert "P003" not in made.visible_ids()
    entry = _last_audit(services)
    assert (entry.actor, entry.action, entry.target) == ("office", "consent.delete_pupil", "P003")

    teacher = add_staff(services, head, "teacher", channels=("dojo",))
    assert "consent" not in make_window(services, teacher).page_keys()


def test_enrolment_can_be_cancelled_and_says_how_many_photos_were_enrolled(
        qtbot, register, tmp_path):
    """The real enrolment job, made to wait after its first photo until Cancel is pressed."""
    from PIL import Image

    from croftpost.ui import consent_tasks
    from croftpost.ui.workers import ThreadTaskRunner

    services, head = register
    runner = ThreadTaskRunner()
    made = ConsentView(services, head, runner)
    qtbot.addWidget(made)
    made.show()
    made.select("P001")
    blanks = []
    for number in range(3):  # invented pictures with no face in them
        blanks.append(tmp_path / f"blank{number}.png")
        Image.new("RGB", (200, 200), (200, 180, 160 + number)).save(blanks[-1])

    def job_waiting_after_one_photo(data_dir, clock, session, pupil_id, paths, cancel,
                                    progress, stop):
        def step(done: int, total: int) -> None:
            progress(done, total)
            if done == 1:
                stop.wait(60)  # until the user's Cancel

        return consent_tasks.enrol_job(data_dir, clock, session, pupil_id, paths, cancel,
                                       step, stop)

    made.enrolment.job = job_waiting_after_one_photo
    made.enrolment.choose_photos = lambda: blanks
    made.details.enrol_button.click()
    details = made.details
    qtbot.waitUntil(lambda: details.enrol_progress.value() == 1, timeout=120_000)
    assert details.enrol_progress.isVisible() and details.cancel_enrol_button.isVisible()
    assert not details.enrol_button.isEnabled() and not details.delete_button.isEnabled()
    with qtbot.waitSignal(made.enrolment.finished, timeout=60_000) as finished:
        details.cancel_enrol_button.click()
    assert runner.shutdown(5000)
    assert len(finished.args[0]) == 1  # photos 2 and 3 were never read
    assert made.message.text().startswith(
        "Enrolment cancelled: 0 photo(s) enrolled for Ava Thornton before you cancelled; "
        "2 of 3 photo(s) were not read.")
    assert not details.enrol_progress.isVisible() and details.enrol_button.isEnabled()
    assert services.consent.pupil("P001").encodings == 0
