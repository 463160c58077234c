"""The NumPy port of dlib's face ResNet gives dlib's own descriptors, and reads only that file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from croftpost.core import dlib_resnet
from croftpost.core.dlib_resnet import ResNetEncoder, face_chips, load_resnet

REPO_ROOT = Path(__file__).resolve().parents[2]
FACES = Path(os.environ.get("CROFTPOST_FACE_SAMPLES", REPO_ROOT.parent / "shared" / "faces"))
PHOTOS = (  # 5 faces found by face_recognition.face_locations
    "face_recognition/examples/two_people.jpg",
    "face_recognition/examples/obama_small.jpg",
    "face_recognition/examples/knn_examples/test/kit_with_rose.jpg",
)
CROPS = (  # dlib's tight 150x150 crops: the whole crop is the face box
    "dlib/examples/johns/John_Salley/000179_02159509.jpg",
    "dlib/examples/johns/John_Simm/000288_00470387.jpg",
    "dlib/examples/johns/John_Shimkus/000373_03228153.jpg",
)
TOLERANCE = 1e-4  # per dimension; measured differences are ~5e-7 (float32 rounding)


@pytest.fixture(scope="module")
def encoder() -> ResNetEncoder:
    return load_resnet()


@pytest.fixture(scope="module")
def faces() -> list[tuple[np.ndarray, Any, np.ndarray]]:
    """(RGB image, 5-point shape, dlib's own descriptor) for each face of the sample photos."""
    if not FACES.is_dir():
        pytest.skip(f"face samples not found at {FACES} (set CROFTPOST_FACE_SAMPLES)")
    import dlib
    import face_recognition
    import face_recognition.api as fr

    found = []
    for rel in PHOTOS + CROPS:
        image = face_recognition.load_image_file(FACES / rel)
        if rel in CROPS:
            boxes = [dlib.rectangle(0, 0, image.shape[1] - 1, image.shape[0] - 1)]
        else:
            boxes = [fr._css_to_rect(box) for box in face_recognition.face_locations(image)]
        for box in boxes:
            shape = fr.pose_predictor_5_point(image, box)
            reference = np.array(fr.face_encoder.compute_face_descriptor(image, shape, 1))
            found.append((image, shape, reference))
    assert len(found) == 8
    return found


@pytest.mark.faces
def test_each_face_matches_dlib(encoder: ResNetEncoder, faces: list[Any]) -> None:
    for image, shape, reference in faces:
        ours = encoder.encode_chips(face_chips(image, [shape]))
        assert ours.shape == (1, 128)
        assert np.abs(ours[0] - reference).max() < TOLERANCE


@pytest.mark.faces
def test_batches_match_dlib(
    encoder: ResNetEncoder, faces: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    chips = np.concatenate([face_chips(image, [shape]) for image, shape, _ in faces])
    references = np.array([reference for _, _, reference in faces])
    monkeypatch.setattr(dlib_resnet, "SUB_BATCH", 3)  # 8 faces: sub-batches of 3, 3 and 2
    assert np.abs(encoder.encode_chips(chips) - references).max() < TOLERANCE
    monkeypatch.setattr(dlib_resnet, "SUB_BATCH", 16)  # all 8 in one pass
    assert np.abs(encoder.encode_chips(chips) - references).max() < TOLERANCE


@pytest.mark.faces
def test_chips_are_cut_as_dlib_cuts_them(faces: list[Any]) -> None:
    import dlib

    image, shape, _ = faces[0]
    two = face_chips(image, [shape, faces[1][1]])
    assert two.shape == (2, 150, 150, 3) and two.dtype == np.uint8
    assert np.array_equal(two[0], dlib.get_face_chip(image, shape, size=150, padding=0.25))
    assert face_chips(image, []).shape == (0, 150, 150, 3)


def test_rejects_chips_of_the_wrong_shape_or_type(encoder: ResNetEncoder) -> None:
    with pytest.raises(ValueError, match="150, 150, 3"):
        encoder.encode_chips(np.zeros((1, 112, 112, 3), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        encoder.encode_chips(np.zeros((1, 150, 150, 3), np.float32))
    assert encoder.encode_chips(np.zeros((0, 150, 150, 3), np.uint8)).shape == (0, 128)


def _model_bytes() -> bytes:
    import face_recognition_models

    return Path(face_recognition_models.face_recognition_model_location()).read_bytes()


@pytest.mark.parametrize("keep", [0, 3, 100, 300, 20_000, 11_000_000, -4, -1])
def test_refuses_a_truncated_file(tmp_path: Path, keep: int) -> None:
    data = _model_bytes()
    path = tmp_path / "model.dat"
    path.write_bytes(data[:keep])
    with pytest.raises(ValueError, match="truncated"):
        load_resnet(path)


def _replace(data: bytes, old: bytes, new: bytes, after: bytes = b"") -> bytes:
    at = data.index(old, data.index(after) if after else 0)
    return data[:at] + new + data[at + len(old):]


ALTERATIONS = {
    # a layer that is not where the architecture has it
    "max pool swapped for avg pool": (b"\nmax_pool_2", b"\navg_pool_2", b"", "max_pool"),
    # first convolution's filters 32x3x7x7 -> 32x3x7x5
    "filter shape": (bytes.fromhex("0101 0120 0103 0107 0107"),
                     bytes.fromhex("0101 0120 0103 0107 0105"), b"con_4", "shape"),
    # 150x150 input -> 150x151
    "input size": (bytes.fromhex("0196 0196"), bytes.fromhex("0196 0197"),
                   b"input_rgb_image_sized", "input columns"),
    "loss layer": (b"loss_metric_2", b"loss_metric_3", b"", "loss"),
    # the version of dlib's layer<2> (avg_pool_everything), just after the fc layer's
    "layer version": (bytes.fromhex("0102 0102 0102"), bytes.fromhex("0102 0103 0102"), b"",
                      "layer<2> should be"),
}


@pytest.mark.parametrize("name", sorted(ALTERATIONS))
def test_refuses_an_altered_file(tmp_path: Path, name: str) -> None:
    old, new, after, message = ALTERATIONS[name]
    path = tmp_path / "model.dat"
    path.write_bytes(_replace(_model_bytes(), old, new, after))
    with pytest.raises(ValueError, match=message):
        load_resnet(path)


def test_refuses_extra_bytes_and_other_files(tmp_path: Path) -> None:
    path = tmp_path / "model.dat"
    path.write_bytes(_model_bytes() + b"\x00")
    with pytest.raises(ValueError, match="unexpected bytes"):
        load_resnet(path)
    import face_recognition_models

    other = Path(face_recognition_models.pose_predictor_five_point_model_location())
    with pytest.raises(ValueError, match="not dlib's face ResNet"):
        load_resnet(other)
