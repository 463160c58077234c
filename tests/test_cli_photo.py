"""check-photo and export-photo: the JSON contract, exit codes and safe copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from croftpost.cli import run
from tests.core.test_faces import ground_truth, iou

pytestmark = pytest.mark.faces

KNN = "face_recognition/examples/knn_examples"


@pytest.fixture
def cli_register(olly_enrolled, faces_dir: Path) -> Path:
    """Olly enrolled (conftest); returns the folder of test photos."""
    return faces_dir / KNN / "test"


def test_json_shape_and_exit_codes(cli_register: Path, capsys) -> None:
    capsys.readouterr()
    assert run(["check-photo", str(cli_register / "obama1.jpg"), "--channel", "facebook",
                "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] == "ok"
    [photo] = result["photos"]
    assert set(photo) == {"path", "width", "height", "gps", "frames", "min_face_px",
                          "identify_px", "faces"}
    assert (photo["frames"], photo["min_face_px"], photo["identify_px"]) == (1, 24, 40)
    assert (photo["width"], photo["height"]) == (1480, 832)
    [face] = photo["faces"]
    assert face["status"] == "consented" and face["pupil_id"] == "P001"
    assert (face["reason"], face["frame"]) == ("matched", 0)
    top, right, bottom, left = face["box"]
    assert 0 <= left < right <= 1480 and 0 <= top < bottom <= 832
    assert 0 < face["distance"] <= 0.42

    assert run(["check-photo", str(cli_register / "obama1.jpg"), "--channel", "dojo",
                "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["photos"][0]["faces"][0]["status"] == \
        "not_consented"


def test_a_stranger_is_unknown_and_blocks_in_words_a_teacher_reads(
    cli_register: Path, capsys
) -> None:
    capsys.readouterr()
    assert run(["check-photo", str(cli_register / "obama_and_biden.jpg"),
                "--channel", "facebook"]) == 1
    text = capsys.readouterr().out
    assert "OK - Olly Barnes (Year 5), consented for Facebook" in text
    assert "UNKNOWN - not anyone enrolled" in text
    assert text.strip().endswith("those faces blurred.")


def test_bad_input_exits_2(cli_register: Path, tmp_path: Path, capsys) -> None:
    junk = tmp_path / "notes.jpg"
    junk.write_text("shopping list")
    assert run(["check-photo", str(junk), "--channel", "facebook", "--json"]) == 2
    assert "notes.jpg" in json.loads(capsys.readouterr().out)["photos"][0]["error"]
    assert run(["check-photo", str(tmp_path / "missing.jpg"), "--channel", "facebook"]) == 2


def test_export_writes_blurred_metadata_free_copies(cli_register: Path, tmp_path: Path) -> None:
    out = tmp_path / "safe"
    assert run(["export-photo", str(cli_register / "obama_and_biden.jpg"), "--channel",
                "facebook", "--out", str(out)]) == 0
    [copy] = out.iterdir()
    assert copy.name.startswith("croftpost-") and copy.suffix == ".jpg"
    assert copy.stat().st_mode & 0o077 == 0
    with Image.open(copy) as im:
        assert not im.getexif()
    capsys_free = run(["check-photo", str(copy), "--channel", "facebook"])
    assert capsys_free == 0  # every face left in the copy is consented


def test_the_small_faces_of_a_far_away_group_are_found_and_not_guessed(
    cli_register: Path, faces_dir: Path, tmp_path: Path, capsys
) -> None:
    """Seven faces of ~37 px in a 12 MP photo: every check finds them (the old default scan
    said "0 faces" and exited 0); they are too small to identify, so they block, and the
    teacher is told what to do."""
    group = Image.open(faces_dir / "dlib/examples/faces/2008_004176.jpg").convert("RGB")
    far = Image.new("RGB", (4032, 3024), (255, 255, 255))
    far.paste(group, (1800, 1300))
    photo = tmp_path / "sports-day.jpg"
    far.save(photo, quality=92)
    capsys.readouterr()

    truth = [(t + 1300, r + 1800, b + 1300, left + 1800)
             for t, r, b, left in ground_truth(faces_dir)["2008_004176.jpg"]]
    assert run(["check-photo", str(photo), "--channel", "dojo", "--json"]) == 1
    [result] = json.loads(capsys.readouterr().out)["photos"]
    boxes = [tuple(f["box"]) for f in result["faces"]]
    assert len(truth) == 7 and all(any(iou(t, b) >= 0.3 for b in boxes) for t in truth)
    assert result["min_face_px"] == 24
    assert {f["status"] for f in result["faces"]} == {"unknown"}
    count = len(boxes)  # the seven, and at most a hand or so that looks like a face
    small = sum(f["reason"] == "too_small" for f in result["faces"])
    assert small >= 6 and all(f["reason"] == "too_small" for f in result["faces"]
                              if f["box"][1] - f["box"][3] < 40)

    assert run(["check-photo", str(photo), "--channel", "dojo"]) == 1
    said = capsys.readouterr().out
    assert f"sports-day.jpg: 4032x3024, {count} faces" in said
    assert said.count("TOO SMALL TO IDENTIFY") == small
    assert "(looked for faces from 24 px wide and identified those from 40 px)" in said
    assert f"{small} faces too small to identify (blur them or check them yourself)" in said

    # The old scan choices still parse (old scripts), and change nothing.
    assert run(["check-photo", str(photo), "--channel", "dojo", "--deep", "--json"]) == 1
    assert len(json.loads(capsys.readouterr().out)["photos"][0]["faces"]) == count

    out = tmp_path / "safe"
    assert run(["export-photo", str(photo), "--channel", "dojo", "--out", str(out)]) == 0
    assert f"{count} face(s) blurred" in capsys.readouterr().out
    (copy,) = out.iterdir()
    assert run(["check-photo", str(copy), "--channel", "dojo"]) == 0
    assert "No faces were found (faces from 24 px wide were looked for)" in (
        capsys.readouterr().out)
