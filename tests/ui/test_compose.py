"""The Compose screen drives the real text check, photo check, drafts and approvals: what it
enables is what core says, and what it records is in the database and the audit log."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from croftpost.core.consent_csv import HEADER
from croftpost.core.services import open_services
from croftpost.ui.compose_tasks import PhotoJobs, ScannedPhotos
from croftpost.ui.dialogs.compose_dialogs import AcknowledgeWarningsDialog
from croftpost.ui.views.compose_view import ComposeView
from croftpost.ui.widgets import Tone
from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui

# Ava: photos and names everywhere. Ben: Dojo only.
REGISTER = "\n".join([
    ",".join(HEADER),
    "P001,Ava,Thornton,Year 3,yes,yes,yes,yes,yes,2027-07-31,",
    "P002,Ben,Okafor,Year 4,no,yes,no,yes,no,2027-07-31,",
]) + "\n"


def make_view(qtbot, services, session, tasks, tmp_path: Path) -> ComposeView:
    view = ComposeView(services, session, tasks)
    view.posting.confirm = lambda *args: True
    view.opened: list[str] = []  # type: ignore[attr-defined]
    view.posting.open_url = lambda url: view.opened.append(url.toString()) or True
    view.posting.export_root = tmp_path / "exports"
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show()
    return view


@pytest.fixture
def view(qtbot, school, tasks, tmp_path):
    services, head = school
    services.consent.import_csv(head, REGISTER)
    return make_view(qtbot, services, head, tasks, tmp_path)


def type_text(qtbot, view: ComposeView, text: str) -> None:
    """Replace the text and wait for the debounced check, as a pause in typing does."""
    with qtbot.waitSignal(view.text_checked):
        view.editor.setPlainText(text)


def test_a_blocking_finding_disables_prepare_until_the_text_is_fixed(qtbot, view):
    type_text(qtbot, view, "Call Mrs Day on 07700 900123 about the trip")
    assert not view.posting.prepare_button.isEnabled()
    assert view.posting.readiness_message.tone == Tone.ERROR
    [row] = [view.findings_list.item(i).text() for i in range(view.findings_list.count())]
    assert row.startswith("Blocks posting · Personal information · clause 2.3")
    assert "phone number" in row
    assert len(view.editor.extraSelections()) == 1  # underlined in the text
    view.findings_list.itemClicked.emit(view.findings_list.item(0))
    assert view.editor.textCursor().selectedText() == "07700 900123"
    type_text(qtbot, view, "Call the school office about the trip")
    assert view.findings_list.count() == 0 and view.editor.extraSelections() == []
    assert view.posting.prepare_button.isEnabled()
    assert view.posting.prepare_button.text() == "&Prepare to post"


def test_underlines_land_on_the_words_after_an_emoji(qtbot, view):
    type_text(qtbot, view, "🎉🎉 Ring 07700 900123")
    view.findings_list.itemClicked.emit(view.findings_list.item(0))
    assert view.editor.textCursor().selectedText() == "07700 900123"


def test_a_warning_needs_a_reason_which_is_recorded_when_posted(qtbot, school, view):
    services, _head = school
    type_text(qtbot, view, "Thanks for the wine at the leavers' do")
    assert view.posting.prepare_button.isEnabled()
    assert view.posting.readiness_message.tone == Tone.WARNING
    view.posting.prepare_button.click()
    dialog = view.current_dialog
    assert isinstance(dialog, AcknowledgeWarningsDialog)
    dialog.reason.setPlainText("ok")
    dialog.ok_button.click()
    assert dialog.isVisible() and "why" in dialog.message.text()
    assert view.posting.prepared_post is None
    dialog.reason.setPlainText("It was the raffle prize for parents")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    prepared = view.posting.prepared_post
    assert prepared is not None and prepared.folder is None  # no photos, no folder
    assert QGuiApplication.clipboard().text() == "Thanks for the wine at the leavers' do"
    assert view.opened == ["https://www.facebook.com"]
    assert "Warning, reason given" in view.findings_list.item(0).text()
    view.posting.posted_button.click()
    entry = next(e for e in services.audit.entries() if e.action == "post.published")
    assert entry.details["acknowledged_warnings"] == [{
        "category": "age_inappropriate", "clause": "2.3", "excerpt": "wine",
        "reason": "It was the raffle prize for parents"}]
    assert entry.details["pupils"] == {}
    assert view.text() == "" and view.draft_id is None  # a fresh post
    assert view.posting.result_message.tone == Tone.OK
    assert services.drafts.my_drafts(view.session) == []


def test_changing_the_post_after_preparing_it_needs_preparing_again(qtbot, view):
    type_text(qtbot, view, "Sports day is on Friday")
    view.posting.prepare_button.click()
    assert view.posting.posted_button.isEnabled()
    type_text(qtbot, view, "Sports day is on Thursday")
    assert not view.posting.posted_button.isEnabled()
    assert "prepare it again" in view.posting.result_message.text()


def test_only_channels_the_user_may_post_on_are_offered(qtbot, school, tasks, tmp_path):
    services, head = school
    services.consent.import_csv(head, REGISTER)
    teacher = add_staff(services, head, "teacher", channels=("dojo",))
    view = make_view(qtbot, services, teacher, tasks, tmp_path)
    assert [view.channel_box.itemData(i) for i in range(view.channel_box.count())] == ["dojo"]
    type_text(qtbot, view, "Ben Okafor won the spelling bee")  # name consent on Dojo only
    assert view.findings == ()
    services.accounts.revoke(head, "teacher", channels=["dojo"])
    view.save_draft()
    assert view.message.tone == Tone.ERROR  # the service refuses at once


def test_switching_channel_checks_the_text_again(qtbot, view):
    type_text(qtbot, view, "Ben Okafor won the spelling bee")
    assert [f.category for f in view.findings] == ["pupil_name"]  # no name consent on Facebook
    with qtbot.waitSignal(view.text_checked):
        view.channel_box.setCurrentIndex(view.channel_box.findData("dojo"))
    assert view.findings == ()
    assert view.preview.channel == "dojo"


def test_drafts_save_themselves_and_survive_reopening(qtbot, school, view, clock, fast_hasher):
    services, head = school
    with qtbot.waitSignal(view.draft_saved):
        view.editor.setPlainText("Year 3 loved the museum")
    draft_id = view.draft_id
    assert draft_id is not None
    view.editor.setPlainText("Year 3 loved the museum and the café")
    view.hide()  # another page or the idle lock: saved at once, not a second later
    reopened = open_services(services.data_dir, clock=clock, hasher=fast_hasher)
    try:
        [draft] = reopened.drafts.my_drafts(head)
        assert (draft.id, draft.body) == (draft_id, "Year 3 loved the museum and the café")
    finally:
        reopened.close()
    other = ComposeView(services, head, view.tasks)
    qtbot.addWidget(other)
    other.load_draft(draft_id)
    assert other.text() == "Year 3 loved the museum and the café"
    assert other.draft_id == draft_id and other.findings == ()


def test_the_drafts_page_opens_a_draft_in_compose(school, make_window):
    services, head = school
    draft = services.drafts.create(head, "dojo", "Our class assembly was lovely")
    window = make_window(services, head)
    drafts = window.show_page("drafts")
    drafts.open_draft_requested.emit(draft.id)
    compose = window.page("compose")
    assert window.page_stack.currentWidget() is compose
    assert compose.text() == "Our class assembly was lovely" and compose.channel() == "dojo"


def test_closing_the_window_or_locking_it_saves_the_draft_at_once(school, make_window):
    services, head = school
    window = make_window(services, head)
    compose = window.show_page("compose")
    compose.editor.setPlainText("Reception's first week")
    window.lock()  # the idle lock hides the page: saved without waiting for the timer
    assert [d.body for d in services.drafts.my_drafts(head)] == ["Reception's first week"]
    compose.editor.setPlainText("Reception's first week at school")
    window.close()
    assert [d.body for d in services.drafts.my_drafts(head)] == [
        "Reception's first week at school"]


def test_a_channel_that_needs_approval_submits_first(qtbot, school, tasks, tmp_path):
    services, head = school
    services.approvals.set_required(head, "facebook", True)
    teacher = add_staff(services, head, "teacher", channels=("facebook",))
    view = make_view(qtbot, services, teacher, tasks, tmp_path)
    type_text(qtbot, view, "Please donate what you can")  # a warning
    assert view.posting.prepare_button.text() == "&Submit for approval"
    assert "need approval" in view.posting.approval_message.text()
    view.posting.prepare_button.click()
    view.current_dialog.reason.setPlainText("The PTA asked us to share this appeal")
    view.current_dialog.ok_button.click()
    approval = view.posting.approval
    assert approval is not None and approval.state == "pending"
    assert approval.snapshot.acknowledged_warnings[0]["reason"].startswith("The PTA")
    assert not view.posting.prepare_button.isEnabled()
    assert view.posting.prepare_button.text() == "Waiting for approval"
    services.approvals.approve(head, approval.id)
    view.posting.refresh_approval()
    assert view.posting.prepare_button.text() == "&Prepare to post"
    view.posting.prepare_button.click()
    view.posting.posted_button.click()
    [post] = services.drafts.history(teacher)
    entry = next(e for e in services.audit.entries() if e.action == "post.published")
    assert entry.details["approval_id"] == approval.id and post.channel == "facebook"


def test_a_photo_that_cannot_be_read_blocks_until_it_is_removed(qtbot, school, view, tmp_path):
    services, _head = school
    view.jobs = PhotoJobs(services.data_dir, services.clock, workers=0)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a photo")
    type_text(qtbot, view, "Our class trip")
    with qtbot.waitSignal(view.scan_finished):
        view.add_photos([str(broken), str(broken)])  # the same file twice is one photo
    assert view.strip.list.count() == 1
    assert view.strip.list.item(0).text() == "Could not be checked"
    assert "broken.jpg" in view.strip.list.item(0).toolTip()
    assert not view.posting.prepare_button.isEnabled()
    assert "remove 1 photo that could not be checked" in view.posting.readiness_message.text()
    view.strip.list.setCurrentRow(0)
    view.strip.remove_button.click()
    assert view.photos.paths() == [] and view.posting.prepare_button.isEnabled()


def test_the_viewer_says_how_small_a_face_was_looked_for(qtbot, school, view, tmp_path):
    """A field with nobody on it: the check cannot tell it from a crowd too far away, so the
    viewer says how small a face it looked for."""
    services, _ = school
    view.jobs = PhotoJobs(services.data_dir, services.clock, workers=0)
    field = tmp_path / "field.jpg"
    Image.new("RGB", (3000, 2250), (90, 140, 60)).save(field)
    with qtbot.waitSignal(view.scan_finished, timeout=20_000):
        view.add_photos([str(field)])
    said = view.open_photo(0).detail.text()
    assert said == ("Faces smaller than about 24 pixels across may be missed: look at the "
                    "photo yourself.")


class _StoppableJobs(PhotoJobs):
    """A real check of the first photo, then a wait until Cancel: the UI behaviour of Cancel
    (photos checked so far stay; the rest are left out), not detection."""

    started = threading.Event()

    def scan(self, session, paths, channel, cancel, progress) -> ScannedPhotos:
        first = PhotoJobs.scan(self, session, paths[:1], channel, threading.Event(),
                               lambda done, total: None)
        progress(1, len(paths))
        self.started.set()
        cancel.wait(10)
        return first


@pytest.mark.parametrize("how", ["button", "escape"])
def test_cancel_keeps_the_photos_already_checked(qtbot, school, view, tmp_path, how):
    from croftpost.ui.workers import ThreadTaskRunner

    services, _head = school
    runner = ThreadTaskRunner()
    view.tasks = runner
    view.jobs = _StoppableJobs(services.data_dir, services.clock, workers=0)
    _StoppableJobs.started.clear()
    paths = []
    for n in range(4):
        paths.append(str(tmp_path / f"field-{n}.png"))
        Image.new("RGB", (64, 48), (0, 100 + n, 0)).save(paths[-1])
    view.add_photos(paths)
    qtbot.waitUntil(lambda: view.strip.progress.isVisible() and view.jobs.started.is_set())
    assert not view.strip.add_button.isEnabled()
    assert not view.posting.prepare_button.isEnabled()  # still checking
    # Each photo shows at once as a picture, being checked (not a clock saying "waiting").
    qtbot.waitUntil(lambda: set(view.photos.previews) == set(paths))
    assert [view.strip.list.item(i).text() for i in range(4)] == ["Checking faces…"] * 4
    assert view.photos.previews[paths[0]].width() == 64  # read small: 64 x 48 stays so
    with qtbot.waitSignal(view.scan_finished, timeout=10_000):
        if how == "button":
            view.strip.cancel_button.click()
        else:
            view.strip.escape.activated.emit()  # what Escape in the window does
    assert view.photos.paths() == paths[:1] and not view.strip.progress.isVisible()
    assert "1 photo was checked and kept" in view.message.text()
    assert view.strip.add_button.isEnabled()
    assert runner.shutdown(5000)


def test_escape_is_bound_only_while_a_check_runs(view):
    assert view.strip.escape.key().toString() == "Esc"
    assert not view.strip.escape.isEnabled()
    view.strip.set_busy((0, 2))
    assert view.strip.escape.isEnabled()
    view.strip.set_busy(None)
    assert not view.strip.escape.isEnabled()


KNN = "face_recognition/examples/knn_examples"


@pytest.mark.faces
def test_faces_without_consent_block_until_identified_or_blurred_then_go_out_safe(
        qtbot, school, faces_dir, tmp_path):
    from croftpost.core.enrolment import enrol_photos
    from croftpost.ui.dialogs.compose_dialogs import IdentifyFaceDialog
    from croftpost.ui.workers import ThreadTaskRunner

    services, head = school
    services.consent.import_csv(head, REGISTER)
    references = sorted((faces_dir / KNN / "train" / "obama").glob("*.jp*g"))[:2]
    assert all(o.ok for o in enrol_photos(services.consent, head, "P001", references))
    runner = ThreadTaskRunner()
    view = make_view(qtbot, services, head, runner, tmp_path)
    view.jobs = PhotoJobs(services.data_dir, services.clock, workers=0)
    type_text(qtbot, view, "Our Year 3 assembly")
    group, pair = (str(faces_dir / KNN / "test" / n) for n in ("obama_and_biden.jpg",
                                                               "kit_with_rose.jpg"))
    with qtbot.waitSignal(view.scan_finished, timeout=180_000):
        view.add_photos([group, pair])
    statuses = [sorted((f.status, f.pupil_id or "") for f in p.faces) for p in view.photos.photos]
    # Ava's face and at least one stranger; in the other photo, two strangers
    strangers = len(statuses[0]) - 1
    assert statuses[0] == [("consented", "P001")] + [("unknown", "")] * strangers
    assert strangers >= 1 and statuses[1] == [("unknown", ""), ("unknown", "")]
    assert [view.strip.list.item(i).text() for i in range(2)] == [
        "Needs attention: " + ("1 face" if strangers == 1 else f"{strangers} faces"),
        "Needs attention: 2 faces"]
    assert not view.posting.prepare_button.isEnabled()
    assert f"blur or identify {strangers + 2} faces" in view.posting.readiness_message.text()

    viewer = view.open_photo(0)
    labels = [viewer.faces.item(i).text() for i in range(viewer.faces.count())]
    ava = next(i for i, text in enumerate(labels) if text.endswith("Ava Thornton"))
    stranger = next(i for i in range(len(labels)) if i != ava)
    assert labels[stranger] == f"Face {stranger + 1}: Unknown"
    viewer.faces.setCurrentRow(stranger)
    viewer.identify_button.click()
    dialog = view.current_dialog
    assert isinstance(dialog, IdentifyFaceDialog)
    # It opens with nobody chosen and Identify disabled: Return marks nobody.
    assert dialog.chosen() is None and not dialog.adult.isChecked()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert not any(e.action == "photo.face_identified" for e in services.audit.entries())
    # Typing filters the pupils.
    qtbot.keyClicks(dialog.search, "thorn")
    shown = [dialog.people.item(i).text() for i in range(dialog.people.count())
             if not dialog.people.item(i).isHidden()]
    assert shown == ["Ava Thornton (Year 3)"]
    # A consented adult needs a reason before Identify is enabled.
    dialog.adult.setChecked(True)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason, "Mr Hale, a parent helper; signed the visitor form")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert viewer.faces.item(stranger).text() == f"Face {stranger + 1}: Adult who has consented"
    identified = next(e for e in services.audit.entries() if e.action == "photo.face_identified")
    assert identified.details["now"] == {
        "status": "consented", "pupil_id": None, "adult": True,
        "reason": "Mr Hale, a parent helper; signed the visitor form"}
    assert not view.posting.prepare_button.isEnabled()  # other strangers still block

    viewer.blur_all_button.click()
    assert view.strip.list.item(1).text() == "Faces will be blurred"
    assert view.strip.list.item(0).text() == (
        "All consented" if strangers == 1 else "Faces will be blurred")
    assert view.posting.prepare_button.isEnabled()
    with qtbot.waitSignal(view.posting.prepared, timeout=60_000):
        view.posting.prepare_button.click()
    prepared = view.posting.prepared_post
    assert prepared is not None and prepared.folder is not None
    assert prepared.folder.parent == tmp_path / "exports"
    files = sorted(p.name for p in prepared.folder.iterdir())
    assert len(files) == 2 and all("Ava" not in f and "obama" not in f for f in files)
    assert [e.blurred for e in prepared.exported] == [strangers - 1, 2]
    assert QGuiApplication.clipboard().text() == "Our Year 3 assembly"
    assert view.opened == ["https://www.facebook.com"]
    with qtbot.waitSignal(view.posting.posted, timeout=60_000):  # checked again on a worker
        view.posting.posted_button.click()
    [post] = services.drafts.history(head)
    assert post.pupils == ["P001"]
    assert [p["safe_sha256"] for p in post.photos] == [e.dst_sha256 for e in prepared.exported]

    # A pupil protected since: the same photo (checked before, so from the cache) now shows a
    # face that can only be blurred, and never the pupil's name.
    services.consent.protect(head, "P001", "court order")
    with qtbot.waitSignal(view.scan_finished, timeout=60_000):
        view.add_photos([group])
    viewer = view.open_photo(0)
    labels = [viewer.faces.item(i).text() for i in range(viewer.faces.count())]
    assert any(t.endswith("Protected pupil: must be blurred") for t in labels)
    assert not any("Ava" in t for t in labels)
    viewer.faces.setCurrentRow(next(i for i, t in enumerate(labels) if "Protected" in t))
    assert not viewer.identify_button.isEnabled()
    assert runner.shutdown(10_000)


@pytest.mark.faces
def test_face_decisions_survive_a_crash_but_not_a_change_to_the_photo(
        qtbot, school, tasks, faces_dir, tmp_path):
    from croftpost.core.draft_photos import Identification
    from croftpost.core.photos import file_sha256

    services, head = school
    services.consent.import_csv(head, REGISTER)
    photo = tmp_path / "trip.jpg"  # a copy this test may change (never the shared photo)
    shutil.copyfile(faces_dir / KNN / "test" / "kit_with_rose.jpg", photo)
    jobs = PhotoJobs(services.data_dir, services.clock, workers=0)
    view = make_view(qtbot, services, head, tasks, tmp_path)
    view.jobs = jobs
    type_text(qtbot, view, "Our trip to the farm")
    with qtbot.waitSignal(view.scan_finished, timeout=180_000):
        view.add_photos([str(photo)])
    faces = view.photos.photos[0].faces
    assert [f.status for f in faces] == ["unknown", "unknown"]
    blurred_box, ava_box = faces[0].box, faces[1].box
    with qtbot.waitSignal(view.draft_saved):
        pass  # the text and the photo; the faces are still undecided

    viewer = view.open_photo(0)
    viewer.faces.setCurrentRow(0)
    viewer.blur_button.click()
    viewer.faces.setCurrentRow(1)
    viewer.identify_button.click()
    dialog = view.current_dialog
    dialog.choose("P001")
    with qtbot.waitSignal(view.draft_saved):  # the autosave, not a close or a hide
        dialog.ok_button.click()
    [draft] = services.drafts.my_drafts(head)
    assert draft.photos[0].sha256 == file_sha256(photo)
    assert draft.photos[0].blurred == (blurred_box,)
    assert draft.photos[0].identified == (Identification(ava_box, "P001"),)

    # The app died: the first view is simply abandoned. A fresh one opens the draft.
    reopened = make_view(qtbot, services, head, tasks, tmp_path)
    reopened.jobs = jobs
    with qtbot.waitSignal(reopened.scan_finished, timeout=180_000):
        reopened.load_draft(draft.id)
    faces = reopened.photos.photos[0].faces
    by_box = {f.box: n for n, f in enumerate(faces)}
    assert reopened.photos.chosen(0, by_box[blurred_box])
    ava = faces[by_box[ava_box]]
    assert (ava.status, ava.pupil_id, ava.reason) == ("consented", "P001", "identified")
    assert reopened.strip.list.item(0).text() == "Faces will be blurred"
    assert reopened.posting.prepare_button.isEnabled()
    labels = sorted(reopened.open_photo(0).faces.item(i).text() for i in range(2))
    assert labels == sorted([f"Face {by_box[ava_box] + 1}: Ava Thornton",
                             f"Face {by_box[blurred_box] + 1}: Unknown · will be blurred"])
    done = [e.action for e in services.audit.entries()]
    assert done.count("photo.face_identified") == 1  # restoring is noted, not a new decision
    restored = next(e for e in services.audit.entries()
                    if e.action == "photo.identification_restored")
    assert restored.details["draft_id"] == draft.id

    # The file changes (same picture, other bytes): nothing saved about it applies any more.
    photo.write_bytes(photo.read_bytes() + b"edited")
    with qtbot.waitSignal(reopened.scan_finished, timeout=180_000):
        reopened.load_draft(draft.id)
    faces = reopened.photos.photos[0].faces
    assert sorted(f.box for f in faces) == sorted([blurred_box, ava_box])  # the same faces
    assert [f.status for f in faces] == ["unknown", "unknown"]
    assert not any(reopened.photos.chosen(0, n) for n in range(2))
    assert reopened.strip.list.item(0).text() == "Needs attention: 2 faces"
    assert not reopened.posting.prepare_button.isEnabled()
    assert reopened.message.tone == Tone.WARNING
    assert "2 face decisions kept with this draft no longer fit" in reopened.message.text()
    with qtbot.waitSignal(reopened.draft_saved):
        pass  # the draft now keeps the new photo, without the old decisions
    [kept] = services.drafts.get(head, draft.id).photos
    assert kept.sha256 == file_sha256(photo) and not kept.has_decisions


def _drag(qtbot, canvas, box: tuple[int, int, int, int]) -> None:
    """Drag over the canvas from the box's top-left to its bottom-right (photo pixels)."""
    from PySide6.QtCore import QPoint

    area, scale = canvas._layout()
    top, right, bottom, left = box
    start = area.topLeft() + QPoint(round(left * scale), round(top * scale))
    end = area.topLeft() + QPoint(round(right * scale), round(bottom * scale))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)


def test_a_face_the_check_missed_is_drawn_by_hand_and_blocks_until_blurred(
        qtbot, school, view, tmp_path):
    """A child turned away, that no detector finds: the teacher draws a box round them. It
    counts as unknown (posting waits), is audited, and is blurred in the safe copy; an area
    drawn to be blurred is blurred without more ado. Both go into the record of the post."""
    import numpy as np

    services, head = school
    view.jobs = PhotoJobs(services.data_dir, services.clock, workers=0)
    rng = np.random.default_rng(9)
    photo = tmp_path / "turned-away.png"
    Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)).save(photo)
    type_text(qtbot, view, "Sports day in the sunshine")
    with qtbot.waitSignal(view.scan_finished, timeout=60_000):
        view.add_photos([str(photo)])
    assert view.photos.photos[0].faces == () and view.posting.prepare_button.isEnabled()

    viewer = view.open_photo(0)
    viewer.mark_face_button.click()
    assert viewer.canvas.drawing == "drawn" and not viewer.mark_face_button.isEnabled()
    _drag(qtbot, viewer.canvas, (100, 260, 260, 100))
    [face] = view.photos.photos[0].faces
    assert (face.source, face.status) == ("drawn", "unknown")
    assert abs(face.box[0] - 100) <= 3 and abs(face.box[1] - 260) <= 3
    assert viewer.faces.item(0).text() == "Face 1: Unknown (marked by hand)"
    assert view.strip.list.item(0).text() == "Needs attention: 1 face"
    assert not view.posting.prepare_button.isEnabled()
    marked = services.audit.entries()[0]
    assert marked.action == "photo.face_marked" and marked.details["box"] == list(face.box)

    viewer.mark_area_button.click()
    _drag(qtbot, viewer.canvas, (300, 420, 340, 300))
    assert [f.source for f in view.photos.photos[0].faces] == ["drawn", "area"]
    assert not view.posting.prepare_button.isEnabled()  # the face still waits; the area not
    viewer.faces.setCurrentRow(0)
    viewer.blur_button.click()
    assert view.posting.prepare_button.isEnabled()

    with qtbot.waitSignal(view.posting.prepared, timeout=60_000):
        view.posting.prepare_button.click()
    prepared = view.posting.prepared_post
    assert [e.blurred for e in prepared.exported] == [2]
    before = np.asarray(Image.open(photo), dtype=np.int16)
    after = np.asarray(Image.open(prepared.exported[0].path), dtype=np.int16)
    assert np.abs(after[110:250, 110:250] - before[110:250, 110:250]).mean() > 30
    view.posting.posted_button.click()
    [post] = services.drafts.history(head)
    faces = post.photos[0]["faces"]
    assert [(f["source"], f["blurred"]) for f in faces] == [("drawn", True), ("area", True)]
    # The note about the last post goes once the next one is begun.
    assert view.posting.result_message.text().startswith("Recorded as posted on")
    type_text(qtbot, view, "Next week: the Year 4 trip")
    assert not view.posting.result_message.isVisible()
