"""Video clips in the compose screen (issue 16): a clip is checked on a worker with progress and
Cancel, every person in it is listed with a picture and when they appear, a person without
consent blocks until blurred, and the post is prepared, published and audited with the clip,
all through the real engine on clips made here from ../shared/faces."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from croftpost.core.consent_csv import HEADER
from croftpost.core.enrolment import enrol_photos
from croftpost.core.matching import EncodingGallery
from croftpost.core.video import scan_video
from croftpost.ui.compose_tasks import PhotoJobs
from croftpost.ui.views.compose_view import ComposeView
from croftpost.ui.widgets import Tone
from croftpost.ui.workers import ThreadTaskRunner
from tests.core.video_clips import KNN, Person, make_clip
from tests.ui.test_compose import make_view as compose_view

pytestmark = [pytest.mark.gui, pytest.mark.faces]

# Ava: photo consent for Facebook only.
REGISTER = "\n".join([
    ",".join(HEADER),
    "P001,Ava,Thornton,Year 3,yes,no,yes,no,yes,2027-07-31,",
]) + "\n"
CHECK_S = 180_000  # a worker's clip check, on a busy machine


@pytest.fixture
def ava_school(school, faces_dir):
    services, head = school
    services.consent.import_csv(head, REGISTER)
    references = sorted((faces_dir / KNN / "train" / "obama").glob("*.jp*g"))[:2]
    assert all(o.ok for o in enrol_photos(services.consent, head, "P001", references))
    return services, head


@pytest.fixture
def runner():
    runner = ThreadTaskRunner()
    yield runner
    assert runner.shutdown(60_000)


def make_view(qtbot, services, head, tasks, tmp_path: Path) -> ComposeView:
    """The compose tests' screen, checking in its worker thread, tall enough for a clip."""
    view = compose_view(qtbot, services, head, tasks, tmp_path)
    view.jobs = PhotoJobs(services.data_dir, services.clock, workers=0)
    view.resize(1200, 900)
    return view


@pytest.fixture
def sports_day(faces_dir, tmp_path) -> Path:
    """Ava through the whole clip; a stranger walks in half way. Filmed with GPS on."""
    ava = faces_dir / KNN / "test" / "obama1.jpg"
    stranger = faces_dir / KNN / "train" / "biden" / "biden.jpg"
    return make_clip(tmp_path / "sports-day.mp4", [Person(ava, 0, 3, 40, 80, 60, 300),
                                                   Person(stranger, 1.5, 3, 560, 620, 80, 280)],
                     gps=True, sound=True)


def rows(view: ComposeView) -> list[str]:
    top = view.clips.tree.topLevelItem(0)
    return [top.text(0)] + [top.child(i).text(0) for i in range(top.childCount())]


def add_clip(qtbot, view: ComposeView, clip: Path) -> None:
    with qtbot.waitSignal(view.clips.checked, timeout=CHECK_S):
        view.add_photos([str(clip)])


def test_a_clip_is_checked_blurred_prepared_and_published_with_each_person(
        qtbot, ava_school, runner, sports_day, tmp_path):
    services, head = ava_school
    view = make_view(qtbot, services, head, runner, tmp_path)
    assert view.clips.isHidden()
    add_clip(qtbot, view, sports_day)
    assert view.clips.isVisible() and view.clips.progress.isHidden()
    header, *people = rows(view)
    assert header == "sports-day.mp4 (0:03): 2 people, 1 to decide"
    ava = next(i for i, text in enumerate(people) if "Ava Thornton" in text)
    stranger = 1 - ava
    assert people[ava].startswith("Ava Thornton, seen 0:00 to 0:0")
    assert people[ava].endswith(": shown (tick to blur anyway)")
    assert people[stranger].startswith("Unknown, seen 0:01 to 0:0")
    assert people[stranger].endswith(": tick to blur, or remove the clip")
    top = view.clips.tree.topLevelItem(0)
    assert not top.child(stranger).icon(0).isNull()  # a picture of the face
    assert "sound of a clip is not checked" in view.clips.sound_note.text()
    poster = view.model.clips.posters[str(sports_day)]
    assert (poster.width(), poster.height()) == (960, 540)
    assert view.model.clips.safe_poster(0) == poster  # only Ava, consented, at the start
    assert view.preview.photos.images == [poster]  # the preview shows the clip too
    assert not view.posting.prepare_button.isEnabled()
    assert "blur 1 person without consent in a clip" in view.posting.readiness_message.text()

    top.child(stranger).setCheckState(0, Qt.CheckState.Checked)
    assert rows(view)[0] == "sports-day.mp4 (0:03): 2 people"
    assert rows(view)[1 + stranger].endswith(": blurred in the copy")
    assert view.posting.prepare_button.isEnabled()
    view.save_draft()
    [saved] = services.drafts.get(head, view.draft_id).photos
    assert saved.path == str(sports_day) and saved.sha256 and len(saved.blurred) == 1

    with qtbot.waitSignal(view.posting.prepared, timeout=CHECK_S):
        view.posting.prepare_button.click()
    prepared = view.posting.prepared_post
    assert prepared is not None and prepared.folder is not None
    [copy] = prepared.clips
    assert copy.blurred_tracks == 1 and copy.has_audio
    assert [p.suffix for p in prepared.folder.iterdir()] == [".mp4"]
    rechecked = scan_video(copy.path, EncodingGallery(services.consent.gallery().encodings))
    assert not rechecked.gps
    assert "clips' sound was not checked" in view.posting.result_message.text()

    with qtbot.waitSignal(view.posting.posted, timeout=CHECK_S):  # checked again on a worker
        view.posting.posted_button.click()
    [post] = services.drafts.history(head)
    assert post.pupils == ["P001"]
    [published] = post.photos
    assert published["safe_sha256"] == copy.dst_sha256
    tracks = sorted((t["status"], t["blurred"]) for t in published["faces"])
    assert tracks == [("consented", False), ("unknown", True)]
    assert view.clips.isHidden()  # the next post begins empty


def test_a_clip_is_judged_again_for_another_channel_and_its_choices_come_back_with_the_draft(
        qtbot, ava_school, runner, sports_day, tmp_path):
    services, head = ava_school
    view = make_view(qtbot, services, head, runner, tmp_path)
    add_clip(qtbot, view, sports_day)
    people = rows(view)[1:]
    stranger = next(i for i, text in enumerate(people) if "Unknown" in text)
    view.clips.tree.topLevelItem(0).child(stranger).setCheckState(0, Qt.CheckState.Checked)
    view.channel_box.setCurrentIndex(view.channel_box.findData("dojo"))
    assert rows(view)[0] == "sports-day.mp4 (0:03): 2 people, 1 to decide"
    assert any("No consent for Dojo" in text for text in rows(view)[1:])
    # The preview's first frame now hides Ava, who has no Dojo consent.
    clips = view.model.clips
    assert clips.safe_poster(0) != clips.posters[str(sports_day)]
    view.channel_box.setCurrentIndex(view.channel_box.findData("facebook"))
    view.save_draft()

    reopened = make_view(qtbot, services, head, runner, tmp_path)
    with qtbot.waitSignal(reopened.clips.checked, timeout=CHECK_S):
        reopened.load_draft(view.draft_id)
    top = reopened.clips.tree.topLevelItem(0)
    checked = [top.child(i).checkState(0) == Qt.CheckState.Checked
               for i in range(top.childCount())]
    assert checked == [i == stranger for i in range(top.childCount())]
    assert reopened.posting.prepare_button.isEnabled()


def test_stopping_a_clip_check_leaves_the_clip_out(qtbot, ava_school, runner, sports_day,
                                                   tmp_path):
    services, head = ava_school
    view = make_view(qtbot, services, head, runner, tmp_path)
    view.add_photos([str(sports_day)])
    assert view.clips.cancel_button.isVisible()
    assert not view.posting.prepare_button.isEnabled()  # busy
    view.clips.cancel_button.click()
    assert runner.shutdown(CHECK_S)  # whenever the worker notices, its result is dropped
    qtbot.wait(50)
    assert len(view.model.clips) == 0 and not view.model.clips.pending
    assert view.clips.isHidden()
    assert view.message.tone == Tone.INFO and "Checking stopped" in view.message.text()


def test_a_file_that_is_not_a_video_is_named_and_left_out(qtbot, ava_school, tasks, tmp_path):
    services, head = ava_school
    view = make_view(qtbot, services, head, tasks, tmp_path)
    broken = tmp_path / "nativity.mov"
    broken.write_bytes(b"\x00\x00\x00\x18ftypqt  " + b"not really a film" * 40)
    view.add_photos([str(broken)])
    assert len(view.model.clips) == 0 and view.clips.isHidden()
    assert view.message.tone == Tone.ERROR
    assert "nativity.mov" in view.message.text() and "left out of the post" in view.message.text()
