"""Safe copies: blurred faces are gone for people and for the detector; no metadata survives."""

from __future__ import annotations

import hashlib
import os
import signal
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, PngImagePlugin

from croftpost.core import safe_export
from croftpost.core.faces import scan_photo
from croftpost.core.photos import load_photo
from croftpost.core.safe_export import safe_copy_suffix, write_safe_copy
from croftpost.errors import BadInput, BadPhoto
from tests.core.test_photos import gps_exif, noisy_image, stored_for_orientation_6

EXAMPLES = Path("face_recognition/examples")
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><exif:GPSLatitude>51,30N'
    b"</exif:GPSLatitude></rdf:RDF></x:xmpmeta>"
)


def jpeg_segments(data: bytes) -> list[int]:
    """The marker of every segment before the image data (0xE0 = APP0, 0xFE = COM...)."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return chunks


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def detector_finds(path: Path, upsample: int) -> int:
    import face_recognition

    return len(face_recognition.face_locations(face_recognition.load_image_file(path), upsample))


# -- blurring -------------------------------------------------------------------------------------


@pytest.mark.faces
@pytest.mark.parametrize(
    "rel",
    [
        EXAMPLES / "obama.jpg",
        EXAMPLES / "two_people.jpg",
        Path("insightface/python-package/insightface/data/images/t1.jpg"),
    ],
)
def test_blurred_faces_are_no_longer_found(faces_dir: Path, tmp_path: Path, rel: Path) -> None:
    scan = scan_photo(faces_dir / rel)
    assert scan.faces
    dst = tmp_path / "safe.jpg"
    result = write_safe_copy(faces_dir / rel, dst, [f.box for f in scan.faces])
    assert result.blurred == len(scan.faces)
    assert scan_photo(dst).faces == ()
    assert detector_finds(dst, upsample=2) == 0  # even the detector at its most sensitive


@pytest.mark.faces
def test_only_the_chosen_face_is_blurred(faces_dir: Path, tmp_path: Path) -> None:
    src = faces_dir / EXAMPLES / "two_people.jpg"
    left, right = sorted(scan_photo(src).faces, key=lambda f: f.box[3])
    dst = tmp_path / "one_blurred.jpg"
    write_safe_copy(src, dst, [right.box])
    after = scan_photo(dst).faces
    assert len(after) == 1
    assert abs(after[0].box[3] - left.box[3]) < 20
    assert np.linalg.norm(np.array(after[0].encoding) - left.encoding) < 0.1


# -- metadata -------------------------------------------------------------------------------------


def test_jpeg_copy_has_no_metadata_and_upright_pixels(tmp_path: Path) -> None:
    upright = noisy_image((300, 200))
    upright.paste((255, 0, 0), (0, 0, 60, 40))
    src = tmp_path / "sports_day.jpg"
    stored_for_orientation_6(upright).save(
        src,
        quality=95,
        exif=gps_exif(orientation=6),
        xmp=XMP,
        comment=b"Amelia, Year 2",
        icc_profile=srgb_icc(),
    )
    assert load_photo(src).info.gps is True

    dst = tmp_path / "safe.jpg"
    result = write_safe_copy(src, dst, [])
    data = dst.read_bytes()
    assert set(jpeg_segments(data)) <= {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA}  # no APPn, COM
    for needle in (b"Exif", b"GPS", b"ICC_PROFILE", b"adobe", b"Amelia", b"Photoshop"):
        assert needle not in data
    with Image.open(dst) as im:
        assert not im.getexif() and 0x8825 not in im.getexif()
        assert not {"exif", "xmp", "comment", "icc_profile", "photoshop"} & set(im.info)
        assert im.size == (300, 200)  # the orientation is in the pixels, not a tag
        r, g, b = im.convert("RGB").getpixel((20, 10))
        assert r > 200 and g < 70 and b < 70
    assert load_photo(dst).info.gps is False
    assert (result.width, result.height, result.format) == (300, 200, "JPEG")
    assert result.src_sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert result.dst_sha256 == hashlib.sha256(data).hexdigest()


def test_png_copy_stays_png_with_only_pixel_chunks(tmp_path: Path) -> None:
    src = tmp_path / "poster.png"
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Amelia, Year 2")
    Image.new("RGBA", (40, 30), (0, 90, 0, 255)).save(
        src, pnginfo=text, exif=gps_exif(), icc_profile=srgb_icc()
    )
    assert safe_copy_suffix(src) == ".png"
    dst = tmp_path / "poster_safe.png"
    result = write_safe_copy(src, dst, [(5, 20, 15, 10)])
    assert result.format == "PNG"
    assert png_chunks(dst.read_bytes()) == [b"IHDR", b"IDAT", b"IEND"]
    with Image.open(dst) as im:
        assert im.mode == "RGB" and im.getpixel((35, 25)) == (0, 90, 0)


# -- writing safely -------------------------------------------------------------------------------


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "a.jpg"
    noisy_image((64, 48)).save(src)
    dst = tmp_path / "a_safe.jpg"
    dst.write_bytes(b"previous export")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_export.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        write_safe_copy(src, dst, [])
    assert dst.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jpg", "a_safe.jpg"]


KILLED_EXPORT = """
import sys, time
from croftpost.core import safe_export
def slow_fsync(fd):
    print("writing", flush=True)
    time.sleep(60)
safe_export.os.fsync = slow_fsync
safe_export.write_safe_copy(sys.argv[1], sys.argv[2], [])
"""


def test_killing_an_export_never_leaves_a_half_file(tmp_path: Path) -> None:
    src = tmp_path / "big.jpg"
    noisy_image((800, 600)).save(src, quality=95)
    dst = tmp_path / "big_safe.jpg"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(src), str(dst)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()
    assert not dst.exists()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("big.jpg",)]
    assert all(name.startswith(".big_safe.jpg.") for name in leftovers)  # hidden temp only


def test_refusals(tmp_path: Path) -> None:
    src = tmp_path / "class.jpg"
    noisy_image((64, 48)).save(src)
    with pytest.raises(BadInput, match="must not replace the original"):
        write_safe_copy(src, src, [])
    with pytest.raises(BadInput, match=r"name it class_safe\.jpg"):
        write_safe_copy(src, tmp_path / "class_safe.png", [])
    with pytest.raises(BadInput, match="outside the photo"):
        write_safe_copy(src, tmp_path / "out.jpg", [(100, 300, 200, 200)])
    with pytest.raises(BadInput, match="does not exist"):
        write_safe_copy(src, tmp_path / "nowhere" / "out.jpg", [])
    with pytest.raises(BadPhoto, match="changed since it was checked"):
        write_safe_copy(src, tmp_path / "out.jpg", [], expected_sha256="0" * 64)
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    with pytest.raises(BadPhoto):
        write_safe_copy(text, tmp_path / "notes_safe.jpg", [])
    assert not (tmp_path / "out.jpg").exists()


def test_expected_hash_that_matches_is_accepted(tmp_path: Path) -> None:
    src = tmp_path / "class.jpg"
    noisy_image((64, 48)).save(src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    result = write_safe_copy(src, tmp_path / "ok.jpg", [(10, 30, 30, 10)], expected_sha256=digest)
    assert result.src_sha256 == digest and (tmp_path / "ok.jpg").exists()
