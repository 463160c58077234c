"""Face detection and encoding with the real models on real photos (../shared/faces)."""

from __future__ import annotations

import io
import json
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from croftpost.core.face_detector import DetectorParams
from croftpost.core.face_scan import scan_photos
from croftpost.core.faces import (
    DEFAULT_PARAMS,
    IDENTIFY_PX,
    MIN_FACE_PX,
    Box,
    EnrolmentRefused,
    PhotoScan,
    ScanFailure,
    ScanParams,
    encode_reference,
    face_thumbnail,
    scan_photo,
)
from croftpost.errors import BadPhoto
from tests.core.test_photos import gps_exif, stored_for_orientation_6

pytestmark = pytest.mark.faces

GROUP = Path("dlib/examples/faces")
OBAMA = Path("face_recognition/examples/obama.jpg")
BIDEN = Path("face_recognition/examples/biden.jpg")
TWO_PEOPLE = Path("face_recognition/examples/two_people.jpg")
DOGS = GROUP / "dogs.jpg"
JOHN_SIMM = Path("dlib/examples/johns/John_Simm")


def iou(a: Box, b: Box) -> float:
    top, right, bottom, left = max(a[0], b[0]), min(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])
    if bottom <= top or right <= left:
        return 0.0
    inter = (bottom - top) * (right - left)
    area_a = (a[2] - a[0]) * (a[1] - a[3])
    area_b = (b[2] - b[0]) * (b[1] - b[3])
    return inter / (area_a + area_b - inter)


def ground_truth(faces_dir: Path) -> dict[str, list[Box]]:
    """dlib's annotated boxes (training.xml + testing.xml) as (top, right, bottom, left)."""
    truth: dict[str, list[Box]] = {}
    for xml in ("training.xml", "testing.xml"):
        for image in ET.parse(faces_dir / GROUP / xml).getroot().iter("image"):
            truth[str(image.get("file"))] = [
                (
                    int(b.get("top", 0)),
                    int(b.get("left", 0)) + int(b.get("width", 0)),
                    int(b.get("top", 0)) + int(b.get("height", 0)),
                    int(b.get("left", 0)),
                )
                for b in image.iter("box")
            ]
    return truth


def found(truth: list[Box], boxes: list[Box]) -> int:
    return sum(any(iou(t, b) >= 0.4 for b in boxes) for t in truth)


@pytest.fixture(scope="session")
def obama_scan(faces_dir: Path) -> PhotoScan:
    return scan_photo(faces_dir / OBAMA)


# -- detection ------------------------------------------------------------------------------------


def test_every_annotated_face_in_the_group_photos_is_found(faces_dir: Path) -> None:
    truth = ground_truth(faces_dir)
    assert sum(len(b) for b in truth.values()) == 43
    for name, boxes in truth.items():
        scan = scan_photo(faces_dir / GROUP / name)
        found_boxes = [f.box for f in scan.faces]
        assert found(boxes, found_boxes) == len(boxes), name


@pytest.mark.slow
def test_12_megapixel_group_photos_keep_every_face(faces_dir: Path, tmp_path: Path) -> None:
    """The draft-mode path: faces found at reduced size, boxes reported in full-size pixels."""
    truth = ground_truth(faces_dir)
    for name in ("2007_007763.jpg", "2008_002470.jpg"):
        with Image.open(faces_dir / GROUP / name) as src:
            k = 4032 / src.width
            big = src.convert("RGB").resize((4032, round(src.height * k)), Image.Resampling.LANCZOS)
        path = tmp_path / name
        big.save(path, quality=90)
        scan = scan_photo(path)
        assert (scan.width, scan.height) == big.size
        assert scan.min_face_px == MIN_FACE_PX  # the same for every photo, in its own pixels
        scaled = [
            (round(t * k), round(r * k), round(b * k), round(left * k))
            for t, r, b, left in truth[name]
        ]
        assert found(scaled, [f.box for f in scan.faces]) == len(scaled), name
        annotated = [f for f in scan.faces if any(iou(f.box, t) >= 0.4 for t in scaled)]
        assert all(f.identifiable for f in annotated)  # all wider than IDENTIFY_PX


def test_photos_without_people_have_no_faces(faces_dir: Path) -> None:
    masks = sorted((faces_dir / "insightface").rglob("mask_*.jpg"))
    assert len(masks) == 4
    for path in [faces_dir / DOGS, *masks]:
        assert scan_photo(path).faces == (), path.name


def test_fast_encodings_agree_with_plain_face_recognition(faces_dir: Path) -> None:
    """BlazeFace's boxes, calibrated to dlib's style, give encodings close to those of
    face_recognition's own HOG boxes (benchmarks/box_calibration.py: median 0.05 over 111
    shared faces, 95th percentile 0.12); face_recognition differs from itself by as much when
    the same photo is merely shifted by a few pixels."""
    import face_recognition

    for rel in (OBAMA, BIDEN, TWO_PEOPLE, Path("face_recognition/tests/test_images/obama3.jpg")):
        image = face_recognition.load_image_file(faces_dir / rel)
        locations = face_recognition.face_locations(image, 1)
        reference = face_recognition.face_encodings(image, locations)
        scan = scan_photo(faces_dir / rel)
        assert len(scan.faces) == len(locations), rel.name
        for box, encoding in zip(locations, reference, strict=True):
            ours = max(scan.faces, key=lambda f, b=box: iou(f.box, b))
            assert iou(ours.box, box) >= 0.6
            assert ours.encoding is not None
            assert np.linalg.norm(np.array(ours.encoding) - encoding) < 0.15, rel.name


def test_rotated_exif_photo_reports_the_face_in_upright_pixels(
    faces_dir: Path, tmp_path: Path, obama_scan: PhotoScan
) -> None:
    with Image.open(faces_dir / OBAMA) as upright:
        stored = stored_for_orientation_6(upright.convert("RGB"))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "turned.jpg"
    stored.save(path, quality=95, exif=exif)

    scan = scan_photo(path)
    assert (scan.width, scan.height) == (obama_scan.width, obama_scan.height)
    assert len(scan.faces) == 1
    assert iou(scan.faces[0].box, obama_scan.faces[0].box) >= 0.8
    turned, upright = scan.faces[0].encoding, obama_scan.faces[0].encoding
    assert turned is not None and upright is not None
    assert np.linalg.norm(np.array(turned) - upright) < 0.1


def test_gps_tagged_photo_is_flagged(
    faces_dir: Path, tmp_path: Path, obama_scan: PhotoScan
) -> None:
    path = tmp_path / "located.jpg"
    with Image.open(faces_dir / OBAMA) as im:
        im.save(path, quality=95, exif=gps_exif())
    assert obama_scan.gps is False
    assert scan_photo(path).gps is True


# -- results for the cache ------------------------------------------------------------------------


def test_scan_round_trips_through_json(obama_scan: PhotoScan) -> None:
    restored = PhotoScan.from_dict(json.loads(json.dumps(obama_scan.to_dict())))
    assert restored == obama_scan
    encoding = restored.faces[0].encoding
    assert encoding is not None and len(encoding) == 128
    assert restored.params_key == DEFAULT_PARAMS.key


def test_a_face_too_small_to_identify_round_trips_without_an_encoding(
    obama_scan: PhotoScan,
) -> None:
    record = obama_scan.to_dict()
    record["faces"][0]["encoding"] = None
    record["faces"][0]["frame"] = 3
    restored = PhotoScan.from_dict(json.loads(json.dumps(record)))
    assert restored.faces[0].encoding is None and not restored.faces[0].identifiable
    assert restored.faces[0].frame == 3


def test_params_key_changes_with_every_setting() -> None:
    keys = {
        ScanParams().key,
        ScanParams(DetectorParams(min_face_px=30)).key,
        ScanParams(DetectorParams(min_score=0.6)).key,
        ScanParams(identify_px=60).key,
        ScanParams(encode_face_px=150).key,
    }
    assert len(keys) == 5
    assert "dlib_face_recognition_resnet_model_v1" in ScanParams().key
    assert DEFAULT_PARAMS.min_face_px == MIN_FACE_PX < IDENTIFY_PX == DEFAULT_PARAMS.identify_px


def test_malformed_cache_record_is_rejected(obama_scan: PhotoScan) -> None:
    record = obama_scan.to_dict()
    record["faces"][0]["encoding"] = record["faces"][0]["encoding"][:100]
    with pytest.raises(ValueError):
        PhotoScan.from_dict(record)
    with pytest.raises(KeyError):
        PhotoScan.from_dict({"path": "x"})


# -- many photos on worker processes --------------------------------------------------------------


def test_scan_photos_in_worker_processes(
    faces_dir: Path, tmp_path: Path, obama_scan: PhotoScan
) -> None:
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    paths = [faces_dir / OBAMA, bad, faces_dir / TWO_PEOPLE, faces_dir / DOGS]
    seen: list[tuple[int, int]] = []
    results = scan_photos(paths, workers=2, progress=lambda d, t: seen.append((d, t)))

    assert [type(r) for r in results] == [PhotoScan, ScanFailure, PhotoScan, PhotoScan]
    # The same as scanning in this process: the same boxes, and encodings equal to float32
    # rounding (a worker's OpenBLAS may sum in another order with another number of threads).
    first = results[0]
    assert isinstance(first, PhotoScan)
    assert [f.box for f in first.faces] == [f.box for f in obama_scan.faces]
    for mine, theirs in zip(first.faces, obama_scan.faces, strict=True):
        assert np.allclose(mine.encoding, theirs.encoding, atol=1e-5)
    assert isinstance(results[1], ScanFailure)
    assert results[1].message.startswith("notes.jpg is not a photo croftpost can read")
    assert [len(r.faces) for r in results if isinstance(r, PhotoScan)] == [1, 2, 0]
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_cancel_stops_starting_new_photos(faces_dir: Path, tmp_path: Path) -> None:
    paths = []
    for i, name in enumerate(sorted(ground_truth(faces_dir)) * 2):  # 18 distinct files
        paths.append(tmp_path / f"{i:02d}_{name}")
        paths[-1].write_bytes((faces_dir / GROUP / name).read_bytes())
    cancel = threading.Event()
    cancel.set()
    assert scan_photos(paths, workers=2, cancel=cancel) == []

    cancel = threading.Event()
    results = scan_photos(
        paths, workers=2, cancel=cancel, progress=lambda done, total: cancel.set()
    )
    # The first result, plus at most the photos already handed to the two workers.
    assert 1 <= len(results) <= 5
    assert all(isinstance(r, PhotoScan) for r in results)
    order = [paths.index(Path(r.path)) for r in results]
    assert order == sorted(order)


def test_in_process_scanning_matches(faces_dir: Path, obama_scan: PhotoScan) -> None:
    calls: list[tuple[int, int]] = []
    results = scan_photos(
        [faces_dir / OBAMA], workers=0, progress=lambda d, t: calls.append((d, t))
    )
    assert results == [obama_scan] and calls == [(1, 1)]


# -- enrolment ------------------------------------------------------------------------------------


def test_reference_from_a_portrait(faces_dir: Path, obama_scan: PhotoScan) -> None:
    ref = encode_reference(faces_dir / OBAMA)
    assert ref.box == obama_scan.faces[0].box
    assert ref.encoding == obama_scan.faces[0].encoding
    assert ref.params_key == DEFAULT_PARAMS.key


def test_reference_refuses_several_faces_and_no_face(faces_dir: Path) -> None:
    with pytest.raises(EnrolmentRefused) as several:
        encode_reference(faces_dir / TWO_PEOPLE)
    assert several.value.code == "several_faces" and "2 faces" in str(several.value)
    with pytest.raises(EnrolmentRefused) as none:
        encode_reference(faces_dir / DOGS)
    assert none.value.code == "no_face"
    assert isinstance(none.value, BadPhoto)


def test_reference_from_a_tight_face_chip(faces_dir: Path) -> None:
    chips = sorted((faces_dir / JOHN_SIMM).glob("*.jpg"))
    refs = [encode_reference(c, whole_image_is_face=True) for c in chips[:3]]
    assert all(r.box == (0, 150, 150, 0) for r in refs)
    assert np.linalg.norm(np.array(refs[0].encoding) - refs[1].encoding) < 0.6


def test_whole_image_is_face_refuses_a_wide_photo_and_a_group(
    faces_dir: Path, tmp_path: Path
) -> None:
    with pytest.raises(EnrolmentRefused) as dogs:
        encode_reference(faces_dir / DOGS, whole_image_is_face=True)  # square, but no face
    assert dogs.value.code == "no_face"
    wide = tmp_path / "wide.jpg"
    with Image.open(faces_dir / JOHN_SIMM / "000288_00470387.jpg") as chip:
        chip.resize((300, 150)).save(wide)
    with pytest.raises(EnrolmentRefused) as stretched:
        encode_reference(wide, whole_image_is_face=True)
    assert stretched.value.code == "not_a_face_chip"
    with pytest.raises(EnrolmentRefused) as group:
        encode_reference(faces_dir / TWO_PEOPLE, whole_image_is_face=True)
    assert group.value.code == "several_faces"


def test_reference_refuses_a_tiny_face(faces_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "far.jpg"
    with Image.open(faces_dir / OBAMA) as im:
        im.convert("RGB").resize((200, 250), Image.Resampling.LANCZOS).save(path, quality=95)
    with pytest.raises(EnrolmentRefused) as small:
        encode_reference(path)
    assert small.value.code in ("face_too_small", "no_face")


def test_face_thumbnail_is_a_small_plain_jpeg(faces_dir: Path, obama_scan: PhotoScan) -> None:
    data = face_thumbnail(faces_dir / OBAMA, obama_scan.faces[0].box)
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (96, 96)
        assert not thumb.getexif() and "icc_profile" not in thumb.info
