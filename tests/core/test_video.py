"""Video clips (issue 16): faces followed through a clip, matched against the register, blurred
in every frame of the safe copy, metadata gone. Clips are made here from ../shared/faces."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from croftpost.cli import run
from croftpost.core.matching import EncodingGallery
from croftpost.core.services import open_services
from croftpost.core.video import scan_video
from croftpost.core.video_check import VideoCheckService
from tests.core.video_clips import KNN, Person, make_clip, tone

pytestmark = pytest.mark.faces

HEAD_PW = "head-password-1"


@pytest.fixture
def school(olly_enrolled: Path) -> Path:
    """Olly (P001) enrolled, with photo consent for Facebook and not for Dojo (conftest)."""
    return olly_enrolled


@pytest.fixture
def olly(faces_dir: Path) -> Path:
    return faces_dir / KNN / "test" / "obama1.jpg"


@pytest.fixture
def stranger(faces_dir: Path) -> Path:
    return faces_dir / KNN / "train" / "biden" / "biden.jpg"


def check(capsys, clip: Path, channel: str = "facebook") -> tuple[int, dict]:
    capsys.readouterr()
    code = run(["check-video", str(clip), "--channel", channel, "--json"])
    return code, json.loads(capsys.readouterr().out)


def frame_at(path: Path, time: float) -> np.ndarray:
    """The first frame shown at or after `time`, upright, as RGB numbers."""
    with av.open(str(path)) as clip:
        for frame in clip.decode(clip.streams.video[0]):
            if float(frame.time or 0.0) + 1e-6 >= time:
                image = frame.to_image()
                if frame.rotation:
                    image = image.rotate(frame.rotation, expand=True)
                return np.asarray(image, dtype=np.int16)
    raise AssertionError(f"no frame at {time} s")


def area(box: tuple[int, int, int, int]) -> tuple[slice, slice]:
    top, right, bottom, left = box
    return slice(top, bottom), slice(left, right)


def detail(area: np.ndarray) -> float:
    """How much fine detail an area holds: the mean step between neighbouring pixels."""
    grey = area.mean(axis=2)
    return float(np.abs(np.diff(grey, axis=0)).mean() + np.abs(np.diff(grey, axis=1)).mean())


def test_a_consented_pupil_followed_through_the_clip_passes(school, olly, tmp_path, capsys):
    clip = make_clip(tmp_path / "assembly.mp4", [Person(olly, 0, 3, 40, 500, 60, 300)])
    code, result = check(capsys, clip)
    assert code == 0 and result["verdict"] == "ok"
    [video] = result["videos"]
    assert (video["width"], video["height"], video["gps"]) == (960, 540, False)
    assert video["duration_s"] == pytest.approx(3.0, abs=0.1)
    [track] = video["tracks"]
    assert (track["status"], track["pupil_id"]) == ("consented", "P001")
    assert track["first_s"] == 0 and track["last_s"] > 2.5 and track["boxes_sampled"] >= 10
    # The same clip on Dojo, where Olly has no photo consent: blocks.
    code, result = check(capsys, clip, "dojo")
    assert code == 1 and result["videos"][0]["tracks"][0]["status"] == "not_consented"


def test_an_unknown_face_that_enters_half_way_blocks_and_is_blurred_from_its_first_frame(
        school, olly, stranger, tmp_path, capsys):
    clip = make_clip(tmp_path / "sports.mp4", [Person(olly, 0, 3, 40, 60, 60, 300),
                                               Person(stranger, 1.5, 3, 560, 640, 80, 280)])
    code, result = check(capsys, clip)
    assert code == 1 and result["verdict"] == "block"
    tracks = {t["status"]: t for t in result["videos"][0]["tracks"]}
    assert set(tracks) == {"consented", "unknown"}
    assert 1.5 <= tracks["unknown"]["first_s"] <= 1.5 + 0.25 + 1 / 15

    capsys.readouterr()
    assert run(["export-video", str(clip), "--channel", "facebook", "--out",
                str(tmp_path / "safe")]) == 0
    [copy] = (tmp_path / "safe").glob("*.mp4")
    first = 1.5  # the stranger's first frame, before any sample saw them
    before, after = frame_at(clip, first), frame_at(copy, first)
    olly_box, stranger_box = (track.sightings[0].box for track in
                              scan_video(clip, EncodingGallery({})).tracks)
    stranger_area, olly_area = area(stranger_box), area(olly_box)
    assert detail(after[stranger_area]) < 0.5 * detail(before[stranger_area])  # blurred
    assert detail(after[olly_area]) > 0.8 * detail(before[olly_area])  # left as it was
    assert np.abs(after[olly_area] - before[olly_area]).mean() < 6
    code, again = check(capsys, copy)  # the copy shows nobody without consent
    assert code == 0 and [t["status"] for t in again["videos"][0]["tracks"]] == ["consented"]


def test_a_cut_between_two_people_makes_two_tracks(school, olly, stranger, tmp_path, capsys):
    clip = make_clip(tmp_path / "cut.mp4", [Person(olly, 0, 1.5, 300, 300, 80, 300),
                                            Person(stranger, 1.5, 3, 300, 300, 80, 300)])
    code, result = check(capsys, clip)
    tracks = result["videos"][0]["tracks"]
    assert [(t["status"], t["pupil_id"]) for t in tracks] == [("consented", "P001"),
                                                              ("unknown", None)]
    assert tracks[0]["last_s"] < 1.5 <= tracks[1]["first_s"]


def test_a_face_seen_only_between_two_samples_is_still_found_and_blurred(
        school, olly, stranger, tmp_path, capsys):
    """At 15 frames a second the samples fall at 1.067 s and 1.333 s; the stranger is on
    screen for two frames between them (1.133 s and 1.2 s)."""
    clip = make_clip(tmp_path / "flash.mp4", [Person(olly, 0, 3, 40, 60, 60, 300),
                                              Person(stranger, 1.12, 1.25, 560, 560, 80, 280)])
    code, result = check(capsys, clip)
    assert code == 1
    tracks = {t["status"]: t for t in result["videos"][0]["tracks"]}
    assert set(tracks) == {"consented", "unknown"}
    assert 1.1 < tracks["unknown"]["first_s"] < 1.25
    capsys.readouterr()
    assert run(["export-video", str(clip), "--channel", "facebook", "--out",
                str(tmp_path / "safe")]) == 0
    [copy] = (tmp_path / "safe").glob("*.mp4")
    box = next(t.sightings[0].box for t in scan_video(clip, EncodingGallery({})).tracks
               if t.first_s > 1)
    for time in (1.13, 1.19):  # both frames the stranger is in (1.133 s, 1.2 s)
        before, after = frame_at(clip, time), frame_at(copy, time)
        assert detail(after[area(box)]) < 0.5 * detail(before[area(box)])


def test_a_phone_clip_turned_by_its_rotation_is_read_upright(school, olly, tmp_path, capsys):
    clip = make_clip(tmp_path / "portrait.mp4", [Person(olly, 0, 2, 60, 120, 200, 300)],
                     seconds=2, size=(540, 960), rotation=90)
    code, result = check(capsys, clip)
    [video] = result["videos"]
    assert (video["width"], video["height"]) == (540, 960)
    assert [(t["status"], t["pupil_id"]) for t in video["tracks"]] == [("consented", "P001")]


def test_gps_is_reported_and_the_copy_has_no_metadata_but_keeps_its_sound(
        school, olly, stranger, tmp_path, capsys):
    clip = make_clip(tmp_path / "trip.mp4", [Person(stranger, 0, 2, 100, 200, 60, 300)],
                     seconds=2, gps=True, sound=True)
    code, result = check(capsys, clip)
    assert result["videos"][0]["gps"] is True
    capsys.readouterr()
    assert run(["export-video", str(clip), "--channel", "facebook", "--out",
                str(tmp_path / "safe")]) == 0
    assert "the sound is kept, unchecked" in capsys.readouterr().out
    [copy] = (tmp_path / "safe").glob("*.mp4")
    with av.open(str(copy)) as safe:
        tags = {**safe.metadata, **safe.streams.video[0].metadata}
        assert not any("location" in key.lower() or "xyz" in key for key in tags)
        assert "creation_time" not in tags
        assert len(safe.streams.audio) == 1
    assert check(capsys, copy)[1]["videos"][0]["gps"] is False


def test_files_that_are_not_clips_are_refused_with_a_reason(school, olly, tmp_path, capsys):
    notes = tmp_path / "notes.mp4"
    notes.write_text("the nativity running order")
    clip = make_clip(tmp_path / "whole.mp4", [Person(olly, 0, 2, 40, 80, 60, 300)], seconds=2)
    cut_short = tmp_path / "cut-short.mp4"
    cut_short.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    sound_only = tmp_path / "song.mp4"
    with av.open(str(sound_only), "w") as out:
        tone(out, out.add_stream("aac", rate=44100), 0.5)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    for broken in (notes, cut_short, tmp_path / "missing.mp4", sound_only, empty):
        capsys.readouterr()
        assert run(["check-video", str(broken), "--channel", "facebook"]) == 2
        said = capsys.readouterr().out
        assert f"{broken.name}: cannot be checked:" in said
    capsys.readouterr()
    assert run(["export-video", str(notes), "--channel", "facebook", "--out",
                str(tmp_path / "safe")]) == 2
    assert "could not be checked, so it cannot be copied" in capsys.readouterr().err


def test_a_clip_longer_than_the_limit_is_refused_and_one_that_changed_is_not_copied(
        school, olly, tmp_path):
    clip = make_clip(tmp_path / "long.mp4", [Person(olly, 0, 3, 40, 80, 60, 300)])
    services = open_services(school)
    try:
        head = services.accounts.login("head", HEAD_PW)
        short_limit = VideoCheckService(services.audit, services.accounts, services.consent,
                                        services.clock, max_seconds=2)
        refused = short_limit.check(head, [clip], "facebook")
        assert refused.verdict == "block" and refused.videos == ()
        assert "croftpost checks clips of up to" in refused.errors[str(clip)]
        checked = services.videos.check(head, [clip], "facebook")
        with clip.open("ab") as file:
            file.write(b"\0")
        from croftpost.core.video import BadVideo

        with pytest.raises(BadVideo, match="changed after it was checked"):
            services.videos.export(head, checked, tmp_path / "safe")
        [entry] = [e for e in services.audit.entries()
                   if e.action == "video.checked" and e.details["videos"]]
        assert entry.details["videos"][0]["tracks"] == 1  # what was checked, never who
        assert "P001" not in json.dumps(entry.details)
    finally:
        services.close()


def test_scanning_streams_frames_and_reports_progress(olly, tmp_path):
    clip = make_clip(tmp_path / "p.mp4", [Person(olly, 0, 2, 40, 80, 60, 300)], seconds=2)
    seen: list[float] = []
    scan = scan_video(clip, EncodingGallery({}), progress=lambda done, total: seen.append(done))
    assert scan.samples == len(seen) >= 8 and seen == sorted(seen)
    assert [t.reason for t in scan.tracks] == ["no_match"]  # nobody enrolled: unknown


def test_a_draft_with_a_clip_goes_from_new_to_published(school, olly, stranger, tmp_path,
                                                         capsys):
    """The same PostComposer as photos: the clip's tracks block until blurred, the copy is
    prepared, and publishing checks the saved draft again and records each track."""
    clip = make_clip(tmp_path / "choir.mp4", [Person(olly, 0, 2, 40, 60, 60, 300),
                                              Person(stranger, 1, 2, 560, 600, 80, 280)],
                     seconds=2, gps=True)
    (tmp_path / "post.txt").write_text("Our choir at the Christmas fair!")
    capsys.readouterr()
    assert run(["draft", "new", "--channel", "facebook", "--text", str(tmp_path / "post.txt"),
                "--photo", str(clip)]) == 0
    draft_id = capsys.readouterr().out.strip().splitlines()[-1]
    capsys.readouterr()
    assert run(["draft", "show", draft_id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["verdict"] == "block" and shown["videos"][0]["gps"] is True
    people = shown["videos"][0]["tracks"]
    assert sorted(t["status"] for t in people) == ["consented", "unknown"]
    assert run(["draft", "publish", draft_id]) == 1  # the unknown person blocks
    unknown = next(t for t in people if t["status"] == "unknown")
    assert run(["draft", "blur", draft_id, "--clip", "1", "--person",
                str(unknown["number"])]) == 0
    assert run(["draft", "prepare", draft_id, "--out", str(tmp_path / "safe")]) == 0
    [copy] = (tmp_path / "safe").glob("*.mp4")
    with av.open(str(copy)) as safe:
        assert not any("location" in key for key in safe.metadata)
    assert run(["draft", "publish", draft_id]) == 0

    services = open_services(school)
    try:
        head = services.accounts.login("head", HEAD_PW)
        [post] = services.drafts.history(head)
        assert post.pupils == ["P001"]  # Olly is seen; the stranger is blurred
        [recorded] = post.photos
        assert sorted((t["status"], t["blurred"]) for t in recorded["faces"]) == [
            ("consented", False), ("unknown", True)]
        assert recorded["safe_sha256"] and recorded["original_sha256"] != recorded["safe_sha256"]
    finally:
        services.close()


def test_a_clip_given_as_a_photo_is_pointed_to_the_video_commands(school, olly, tmp_path,
                                                                   capsys):
    clip = make_clip(tmp_path / "nativity.mov", [Person(olly, 0, 1, 40, 80, 60, 300)],
                     seconds=1)
    capsys.readouterr()
    assert run(["check-photo", str(clip), "--channel", "facebook"]) == 2
    assert "nativity.mov is a video clip, not a photo: check it with `croftpost check-video`" \
        in capsys.readouterr().out


def test_an_iphone_style_hevc_mov_turned_the_other_way_is_read_upright(school, olly, tmp_path,
                                                                       capsys):
    clip = make_clip(tmp_path / "IMG_0042.MOV", [Person(olly, 0, 1.5, 60, 100, 200, 300)],
                     seconds=1.5, size=(540, 960), rotation=-90, codec="libx265")
    code, result = check(capsys, clip)
    [video] = result["videos"]
    assert (video["width"], video["height"]) == (540, 960)
    assert [(t["status"], t["pupil_id"]) for t in video["tracks"]] == [("consented", "P001")]
