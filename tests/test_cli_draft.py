"""`croftpost draft ...`: a post from new to published on the command line, through the same
PostComposer as the app (issue 15)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from croftpost.cli import run
from croftpost.core.composer import PostComposer
from croftpost.core.services import open_services

pytestmark = pytest.mark.faces

HEAD_PW = "head-password-1"
KNN = "face_recognition/examples/knn_examples"
PHONE_TEXT = "Well done Olly and friends at the gala! Tickets from Mrs Dunn on 07700 900123."
CLEAN_TEXT = "Well done Olly and friends at the gala!"


@pytest.fixture
def school(olly_enrolled: Path, tmp_path: Path, faces_dir: Path) -> Path:
    """Olly enrolled (tests/conftest.py); returns a photo of Olly beside someone nobody
    enrolled."""
    photo = tmp_path / "gala.jpg"
    shutil.copy(faces_dir / KNN / "test" / "obama_and_biden.jpg", photo)
    return photo


def draft_json(capsys, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = run(["draft", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_post_goes_from_new_to_published_on_the_command_line(school, tmp_path, capsys):
    text = tmp_path / "post.txt"
    text.write_text(PHONE_TEXT)
    capsys.readouterr()
    assert run(["draft", "new", "--channel", "facebook", "--text", str(text),
                "--photo", str(school)]) == 0
    draft_id = int(capsys.readouterr().out.strip().splitlines()[-1])

    code, shown = draft_json(capsys, "show", str(draft_id))
    assert code == 0 and shown["verdict"] == "block" and shown["status"] == "draft"
    categories = {f["category"]: f for f in shown["findings"]}
    assert categories["personal_info"]["severity"] == "block"
    statuses = [f["status"] for f in shown["photos"][0]["faces"]]
    assert statuses.count("consented") == 1 and statuses.count("unknown") >= 1

    assert run(["draft", "publish", str(draft_id)]) == 1  # refused, and it says why
    assert "cannot be published yet" in capsys.readouterr().err

    text.write_text(CLEAN_TEXT)
    assert run(["draft", "edit", str(draft_id), "--text", str(text)]) == 0
    code, shown = draft_json(capsys, "blur", str(draft_id), "--all")
    assert all(f["blurred"] == (f["status"] == "unknown") for f in shown["photos"][0]["faces"])
    warning = next(f for f in shown["findings"] if f["category"] == "pupil_name")
    assert warning["severity"] == "warn"  # Olly has no name consent: a reason is needed
    assert any("Give a reason" in b for b in shown["blockers"])
    code, shown = draft_json(capsys, "acknowledge", str(draft_id), "--finding",
                             str(warning["number"]), "--reason",
                             "Olly's parents agreed to his first name for the gala post")
    assert shown["blockers"] == [] and shown["verdict"] == "warn"

    assert run(["draft", "publish", str(draft_id)]) == 1
    assert "Prepare the post first" in capsys.readouterr().err
    out_dir = tmp_path / "safe"
    assert run(["draft", "prepare", str(draft_id), "--out", str(out_dir)]) == 0
    assert CLEAN_TEXT in capsys.readouterr().out
    assert len(list(out_dir.glob("*.jpg"))) == 1

    code, shown = draft_json(capsys, "publish", str(draft_id), "--url",
                             "https://www.facebook.com/CroftlandsSchools/posts/1")
    assert code == 0 and shown["status"] == "posted"

    # The same post, as the app's Drafts and history read it.
    services = open_services(Path(school.parent / "cli-school"))
    try:
        head = services.accounts.login("head", HEAD_PW)
        assert draft_id not in {d.id for d in services.drafts.my_drafts(head)}
        post = next(p for p in services.drafts.history(head) if p.draft_id == draft_id)
        assert post.pupils == ["P001"] and post.channel == "facebook"
        assert post.url == "https://www.facebook.com/CroftlandsSchools/posts/1"
        faces = post.photos[0]["faces"]
        assert [f["blurred"] for f in faces] == [f["status"] == "unknown" for f in faces]
        assert sum(f["status"] == "consented" for f in faces) == 1
        entry = [e for e in services.audit.entries() if e.action == "post.published"][-1]
        assert entry.actor == "head" and entry.details["draft_id"] == draft_id
        assert entry.details["acknowledged_warnings"][0]["category"] == "pupil_name"
    finally:
        services.close()


def test_a_photo_edited_on_disk_after_its_check_is_refused(school, tmp_path, capsys):
    capsys.readouterr()
    assert run(["draft", "new", "--channel", "facebook", "--photo", str(school)]) == 0
    draft_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert run(["draft", "blur", draft_id, "--all"]) == 0
    assert run(["draft", "prepare", draft_id, "--out", str(tmp_path / "safe")]) == 0
    with school.open("ab") as photo:
        photo.write(b"\0edited")  # same picture to a decoder, different file
    capsys.readouterr()
    assert run(["draft", "publish", draft_id]) == 1
    assert "gala.jpg changed after it was checked" in capsys.readouterr().err


def test_the_composer_refuses_what_is_not_there(school, tmp_path):
    services = open_services(tmp_path / "cli-school")
    try:
        head = services.accounts.login("head", HEAD_PW)
        composer = PostComposer.start(services.composer_parts, head, "dojo", "Hello all",
                                      [str(school)])
        from croftpost.errors import BadInput

        with pytest.raises(BadInput, match="no photo 3"):
            composer.blur_face(2, 0)
        with pytest.raises(BadInput, match="no finding 1"):
            composer.acknowledge(0, "a reason long enough")
        # Olly has no photo consent for Dojo: every face blocks until blurred.
        faces = len(composer.photos[0].faces)
        assert composer.readiness().faces_to_decide == faces
        composer.set_channel("facebook")
        assert composer.readiness().faces_to_decide == faces - 1
        reopened = PostComposer.open(services.composer_parts, head, composer.draft_id)
        assert reopened.channel == "facebook" and reopened.readiness().faces_to_decide == faces - 1
    finally:
        services.close()
