"""The photo check service on real photos: who each face is, today's consents, safe copies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from croftpost.core.enrolment import enrol_photos
from croftpost.core.faces import DEFAULT_PARAMS, scan_photo
from croftpost.core.photo_check import CONSENTED, NOT_CONSENTED, UNKNOWN, PhotoCheckService
from croftpost.errors import BadInput, PermissionDenied

pytestmark = pytest.mark.faces

KNN = "face_recognition/examples/knn_examples"
HEADER = ("pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,"
          "name_dojo,biometric,consent_expires,withdrawn_on\n")
REGISTER = HEADER + (
    "P001,Olly,Barnes,Year 5,yes,yes,no,yes,yes,2027-07-31,\n"  # enrolled: obama
    "P002,Kit,Harlow,Year 5,no,yes,no,no,yes,2027-07-31,\n"  # enrolled: kit_harington
    "P003,Rosa,Lind,Year 5,yes,yes,yes,yes,no,2027-07-31,\n"  # no biometric consent: rose
)


@pytest.fixture
def enrolled(school, faces_dir: Path):
    """A register with two enrolled pupils, and a check service scanning in this process."""
    services, head = school
    services.consent.import_csv(head, REGISTER)
    for pupil_id, person in (("P001", "obama"), ("P002", "kit_harington")):
        photos = sorted((faces_dir / KNN / "train" / person).glob("*.jp*g"))[:2]
        assert all(o.ok for o in enrol_photos(services.consent, head, pupil_id, photos))
    checker = PhotoCheckService(services.db, services.audit, services.accounts, services.consent,
                                services.clock, workers=0, params=DEFAULT_PARAMS,
                                alerts=services.alerts)
    yield services, head, checker
    checker.close()


def statuses(check) -> list[list[tuple[str, str | None]]]:
    return [[(f.status, f.pupil_id) for f in p.faces] for p in check.photos]


def test_each_face_gets_its_status_for_the_channel(enrolled, faces_dir: Path) -> None:
    services, head, checker = enrolled
    photos = [faces_dir / KNN / "test" / name for name in ("obama1.jpg", "johnsnow_test1.jpg",
                                                           "kit_with_rose.jpg")]
    facebook = checker.check(head, photos, "facebook")
    assert statuses(facebook) == [
        [(CONSENTED, "P001")],
        [(NOT_CONSENTED, "P002")],  # Kit: Dojo only
        [(UNKNOWN, None), (NOT_CONSENTED, "P002")],  # Rosa has no biometric consent: unknown
    ]
    assert facebook.verdict == "block"
    dojo = checker.refresh(facebook, "dojo")
    assert statuses(dojo)[1] == [(CONSENTED, "P002")]
    assert dojo.verdict == "block"  # Rosa's face is still unknown
    assert checker.check(head, photos[:1], "facebook").verdict == "ok"


def test_withdrawal_and_expiry_change_a_cached_photo_at_once(
    enrolled, faces_dir: Path, clock
) -> None:
    services, head, checker = enrolled
    photo = faces_dir / KNN / "test" / "obama1.jpg"
    assert statuses(checker.check(head, [photo], "facebook")) == [[(CONSENTED, "P001")]]
    cached = services.db.execute("SELECT count(*) FROM photo_checks").fetchone()[0]
    services.consent.withdraw(head, "P001", ["photo_facebook"])
    again = checker.check(head, [photo], "facebook")
    assert statuses(again) == [[(NOT_CONSENTED, "P001")]]
    assert again.photos[0].faces[0].reason == "no_consent"
    assert services.db.execute("SELECT count(*) FROM photo_checks").fetchone()[0] == cached
    assert statuses(checker.check(head, [photo], "dojo")) == [[(CONSENTED, "P001")]]
    clock.advance(days=365)  # past 2027-07-31: every consent has expired, biometric too,
    # so Olly's encodings no longer count and the face is nobody croftpost may recognise
    assert statuses(checker.check(head, [photo], "dojo")) == [[(UNKNOWN, None)]]


def test_the_cache_holds_no_face_encoding_and_is_dropped_when_enrolments_change(
    enrolled, faces_dir: Path
) -> None:
    services, head, checker = enrolled
    photo = faces_dir / KNN / "test" / "obama_and_biden.jpg"
    checker.check(head, [photo], "facebook")
    [(result,)] = services.db.execute("SELECT result FROM photo_checks").fetchall()
    numbers = [v for v in json.dumps(json.loads(result)).replace("[", ",").replace("]", ",")
               .split(",") if v.strip().startswith(("0.", "-0."))]
    assert len(numbers) <= 3  # a distance per face, never 128-number encodings
    assert "encoding" not in result
    services.consent.delete_pupil(head, "P002")
    checker.check(head, [photo], "facebook")
    assert services.db.execute("SELECT count(*) FROM photo_checks").fetchone()[0] == 1


def test_a_protected_pupil_is_never_consented_and_cannot_be_overridden(
    enrolled, faces_dir: Path
) -> None:
    services, head, checker = enrolled
    services.consent.protect(head, "P001", "court order")
    check = checker.check(head, [faces_dir / KNN / "test" / "obama1.jpg"], "facebook")
    face = check.photos[0].faces[0]
    assert (face.status, face.reason) == (NOT_CONSENTED, "protected")
    with pytest.raises(BadInput, match="blur"):
        checker.identify(head, check.photos[0], 0, None, "facebook", "Mrs Lane, our TA")
    [alert] = services.alerts.alerts(head)
    assert (alert.kind, alert.pupil_id) == ("protected_face", "P001")
    checker.check(head, [faces_dir / KNN / "test" / "obama1.jpg"], "facebook")
    assert len(services.alerts.alerts(head)) == 1  # the same attempt again is not a new alert


def test_staff_can_identify_an_unknown_face_and_it_is_audited(enrolled, faces_dir: Path) -> None:
    services, head, checker = enrolled
    check = checker.check(head, [faces_dir / KNN / "test" / "kit_with_rose.jpg"], "facebook")
    rosa = check.photos[0]
    as_pupil = checker.identify(head, rosa, 0, "P003", "facebook")
    assert (as_pupil.faces[0].status, as_pupil.faces[0].pupil_id) == (CONSENTED, "P003")
    with pytest.raises(BadInput, match="Say who this adult is"):
        checker.identify(head, rosa, 0, None, "facebook", "   ")
    as_adult = checker.identify(head, rosa, 0, None, "facebook", "Our school nurse; form 2025")
    assert as_adult.faces[0].status == CONSENTED and as_adult.faces[0].reason == "adult"
    entries = [e for e in services.audit.entries() if e.action == "photo.face_identified"]
    assert len(entries) == 2
    assert entries[0].details["now"]["reason"] == "Our school nurse; form 2025"
    assert "Rosa" not in json.dumps([e.details for e in entries])


def test_an_unreadable_photo_blocks(enrolled, tmp_path: Path, faces_dir: Path) -> None:
    services, head, checker = enrolled
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"this is not a photo")
    check = checker.check(head, [faces_dir / KNN / "test" / "obama1.jpg", broken], "facebook")
    assert check.photos[1].error and "broken.jpg" in check.photos[1].error
    assert check.verdict == "block"
    assert check.to_json()["photos"][1]["error"] == check.photos[1].error


def test_safe_copies_blur_unconsented_faces_and_drop_gps(
    enrolled, faces_dir: Path, tmp_path: Path
) -> None:
    services, head, checker = enrolled
    located = tmp_path / "Olly and Kit at the zoo.jpg"
    with Image.open(faces_dir / KNN / "test" / "obama_and_biden.jpg") as im:
        exif = Image.Exif()
        exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 0.0)})
        im.save(located, quality=95, exif=exif)
    check = checker.check(head, [located], "facebook")
    assert check.photos[0].gps
    exported = checker.export(head, check, tmp_path / "safe")
    copy = Path(exported[0].path)
    assert "Olly" not in copy.name and copy.name.startswith("croftpost-")
    assert exported[0].blurred == 2
    with Image.open(copy) as im:
        assert not im.getexif() and "exif" not in im.info
    rescan = scan_photo(copy)
    assert len(rescan.faces) == 1  # only the consented face is left to find
    entry = next(e for e in services.audit.entries() if e.action == "photo.exported")
    assert entry.details["photos"][0]["dst_sha256"] == exported[0].dst_sha256


def test_only_staff_authorised_for_the_channel_may_export(
    enrolled, faces_dir: Path, tmp_path: Path
) -> None:
    services, head, checker = enrolled
    check = checker.check(head, [faces_dir / KNN / "test" / "obama1.jpg"], "facebook")
    services.accounts.add_staff(head, "ta1", "Sam Teal", "staff", "ta-password-1", ["dojo"])
    ta = services.accounts.login("ta1", "ta-password-1")
    with pytest.raises(PermissionDenied):
        checker.export(ta, check, tmp_path / "never")
    assert not (tmp_path / "never").exists()
    assert checker.refresh(check, "dojo").verdict == "ok"


def test_no_encoding_is_stored_without_biometric_consent(enrolled, faces_dir: Path) -> None:
    services, head, _ = enrolled
    rose = sorted((faces_dir / KNN / "train" / "rose_leslie").glob("*.jp*g"))[:1]
    with pytest.raises(PermissionDenied, match="biometric"):
        enrol_photos(services.consent, head, "P003", rose)
    rows = services.db.execute("SELECT pupil_id FROM face_encodings").fetchall()
    assert {r[0] for r in rows} == {"P001", "P002"}


def test_the_worker_pool_gives_the_same_answer(school, enrolled, faces_dir: Path) -> None:
    services, head, checker = enrolled
    photos = [faces_dir / KNN / "test" / n for n in ("obama1.jpg", "kit_with_rose.jpg")]
    pooled = services.photos.check(head, photos, "facebook")
    services.db.execute("DELETE FROM photo_checks")
    here = checker.check(head, photos, "facebook")
    assert statuses(pooled) == statuses(here)
    for a, b in zip(pooled.photos, here.photos, strict=True):
        assert np.allclose([f.distance for f in a.faces], [f.distance for f in b.faces],
                           atol=1e-6)


def test_an_export_clears_half_written_copies_left_by_a_killed_one(
    enrolled, faces_dir: Path, tmp_path: Path
) -> None:
    import os
    import time

    services, head, checker = enrolled
    out = tmp_path / "safe"
    out.mkdir()
    stale = out / ".croftpost-2026-11-20-01.jpg.abc123.part"
    fresh = out / ".croftpost-2026-11-26-01.jpg.def456.part"  # perhaps another export running
    for part in (stale, fresh):
        part.write_bytes(b"half a photo")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    check = checker.check(head, [faces_dir / KNN / "test" / "obama1.jpg"], "facebook")
    checker.export(head, check, out)
    assert not stale.exists() and fresh.exists()
