"""Loading photos: every odd file is either read correctly or refused in one clear sentence."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from croftpost.core.photos import MAX_PIXELS, file_sha256, load_photo
from croftpost.errors import BadPhoto

ORIENTATION, GPS_IFD = 0x0112, 0x8825


# -- helpers (also used by the other photo test modules) -----------------------------------------


def gps_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF with a real GPS position (and an orientation if given)."""
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 40.0)})
    return exif


def stored_for_orientation_6(upright: Image.Image) -> Image.Image:
    """The pixels a camera stores for orientation 6 (viewer turns them 90 degrees clockwise)."""
    return upright.transpose(Image.Transpose.ROTATE_90)


def noisy_image(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """Noise compresses badly, so truncating the file really cuts into the picture data."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8), "RGB")


def stored(path: Path) -> tuple[str, tuple[int, int], int]:
    """(mode, size, frames) of a file as stored, closing it again."""
    with Image.open(path) as im:
        return im.mode, im.size, getattr(im, "n_frames", 1)


def png_declaring(width: int, height: int) -> bytes:
    """A valid small PNG whose IHDR is patched to claim width x height (CRC fixed up)."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    # signature (8) + length (4) + b"IHDR" (4), then width and height, then the rest of IHDR
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return bytes(data)


# -- ordinary photos ------------------------------------------------------------------------------


def test_jpeg_reports_size_hash_and_no_gps(tmp_path: Path) -> None:
    path = tmp_path / "trip.jpg"
    noisy_image((120, 80)).save(path, quality=90)
    photo = load_photo(path)
    assert (photo.info.width, photo.info.height) == (120, 80)
    assert photo.image.mode == "RGB" and photo.image.size == (120, 80)
    assert photo.info.format == "JPEG" and photo.info.gps is False
    assert photo.info.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert file_sha256(path) == photo.info.content_hash


def test_max_long_side_reduces_pixels_but_reports_full_size(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("RGB", (4032, 3024), (90, 140, 200)).save(path, quality=90)
    photo = load_photo(path, 1024)
    assert (photo.info.width, photo.info.height) == (4032, 3024)
    assert max(photo.image.size) <= 1024 and max(photo.image.size) >= 0.9 * 1024
    assert photo.scale == pytest.approx(photo.image.width / 4032)
    assert np.abs(np.asarray(photo.image).astype(int) - (90, 140, 200)).max() <= 3


def test_exif_orientation_is_applied_to_pixels_and_size(tmp_path: Path) -> None:
    upright = Image.new("RGB", (200, 100), (255, 255, 255))
    upright.paste((255, 0, 0), (0, 0, 40, 20))  # a red mark in the upright top-left corner
    path = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    stored_for_orientation_6(upright).save(path, quality=95, exif=exif)
    assert stored(path)[1] == (100, 200)  # stored sideways

    photo = load_photo(path)
    assert (photo.info.width, photo.info.height) == (200, 100)
    assert photo.image.size == (200, 100)
    r, g, b = photo.image.getpixel((10, 5))
    assert r > 200 and g < 60 and b < 60
    assert photo.image.getpixel((190, 90)) == pytest.approx((255, 255, 255), abs=8)


def test_gps_in_exif_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "located.jpg"
    noisy_image((64, 48)).save(path, exif=gps_exif())
    assert load_photo(path).info.gps is True


def test_gps_in_xmp_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "xmp.jpg"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>51,30N</exif:GPSLatitude>'
    noisy_image((64, 48)).save(path, xmp=xmp + b"</x:xmpmeta>")
    assert load_photo(path).info.gps is True


def test_empty_gps_ifd_is_not_gps(tmp_path: Path) -> None:
    path = tmp_path / "nogps.jpg"
    exif = Image.Exif()
    exif[ORIENTATION] = 1
    noisy_image((64, 48)).save(path, exif=exif)
    assert load_photo(path).info.gps is False


# -- modes and formats ----------------------------------------------------------------------------


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    path = tmp_path / "print.jpg"
    Image.new("CMYK", (32, 32), (255, 0, 0, 0)).save(path, quality=95)  # pure cyan ink
    photo = load_photo(path)
    assert photo.image.mode == "RGB"
    r, g, b = photo.image.getpixel((16, 16))
    assert r < 40 and g > 215 and b > 215


def test_16_bit_png_is_scaled_not_clipped(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    arr = np.zeros((10, 20), dtype=np.uint16)
    arr[:, :10] = 32896  # mid grey in 16 bits
    arr[:, 10:] = 65535
    Image.fromarray(arr).save(path)
    assert stored(path)[0].startswith("I")
    photo = load_photo(path)
    assert photo.image.mode == "RGB"
    assert photo.image.getpixel((2, 2)) == pytest.approx((128, 128, 128), abs=1)
    assert photo.image.getpixel((15, 2)) == (255, 255, 255)


def test_palette_png_with_transparency_is_composited_on_white(tmp_path: Path) -> None:
    path = tmp_path / "sticker.png"
    im = Image.new("P", (20, 10), 0)
    im.putpalette([0, 0, 0] + [255, 0, 0] + [0, 0, 0] * 254)
    im.paste(1, (10, 0, 20, 10))
    im.save(path, transparency=0)
    photo = load_photo(path)
    assert photo.image.getpixel((2, 2)) == (255, 255, 255)  # transparent, not black
    assert photo.image.getpixel((15, 2)) == (255, 0, 0)


def test_rgba_and_la_are_composited_on_white(tmp_path: Path) -> None:
    rgba = tmp_path / "half.png"
    Image.new("RGBA", (8, 8), (0, 0, 0, 128)).save(rgba)
    assert load_photo(rgba).image.getpixel((4, 4)) == pytest.approx((127, 127, 127), abs=1)
    la = tmp_path / "la.png"
    Image.new("LA", (8, 8), (0, 0)).save(la)
    assert load_photo(la).image.getpixel((4, 4)) == (255, 255, 255)


def test_animated_gif_gives_its_first_frame(tmp_path: Path) -> None:
    path = tmp_path / "wave.gif"
    frames = [Image.new("RGB", (16, 16), c) for c in ((0, 0, 255), (255, 0, 0), (0, 255, 0))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert stored(path)[2] == 3
    r, g, b = load_photo(path).image.getpixel((8, 8))
    assert b > 200 and r < 40 and g < 40


def test_webp_is_read(tmp_path: Path) -> None:
    path = tmp_path / "web.webp"
    Image.new("RGB", (30, 20), (0, 128, 0)).save(path, quality=95)
    photo = load_photo(path)
    assert photo.info.format == "WEBP" and photo.image.size == (30, 20)
    assert photo.image.getpixel((5, 5)) == pytest.approx((0, 128, 0), abs=6)


def test_heic_is_read_with_its_orientation(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("encoders"):
        pytest.skip("this libheif build cannot write HEIC test files")
    upright = Image.new("RGB", (64, 32), (255, 255, 255))
    upright.paste((0, 0, 255), (0, 0, 16, 16))
    heif = pillow_heif.from_pillow(stored_for_orientation_6(upright))
    path = tmp_path / "iphone.heic"
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    heif.save(path, quality=95, exif=exif.tobytes())
    photo = load_photo(path)
    assert photo.info.format == "HEIF"
    assert photo.image.size == (64, 32)
    r, g, b = photo.image.getpixel((4, 4))
    assert b > 180 and r < 80


# -- refusals -------------------------------------------------------------------------------------


def _refusal(path: Path) -> str:
    with pytest.raises(BadPhoto) as info:
        load_photo(path)
    message = str(info.value)
    assert message.startswith(f"{path.name} is not a photo croftpost can read: ")
    assert message.endswith(".") and "\n" not in message
    return message


def test_zero_byte_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holiday.jpg"
    path.write_bytes(b"")
    assert "empty" in _refusal(path)


def test_text_file_named_jpg_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("Dear parents, the trip is on Friday.\n")
    assert "not an image" in _refusal(path)


def test_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jpg"
    noisy_image((400, 300)).save(whole, quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "damaged or incomplete" in _refusal(cut)
    with pytest.raises(BadPhoto):
        load_photo(cut, 100)  # draft-mode decoding notices too


def test_truncated_jpeg_is_refused_even_after_face_recognition_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """face_recognition sets ImageFile.LOAD_TRUNCATED_IMAGES = True when imported."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = tmp_path / "whole.jpg"
    noisy_image((400, 300)).save(whole, quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "damaged or incomplete" in _refusal(cut)


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    assert "does not exist" in _refusal(tmp_path / "gone.jpg")
    folder = tmp_path / "album.jpg"
    folder.mkdir()
    assert "folder" in _refusal(folder)


def test_decompression_bomb_png_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_declaring(50_000, 50_000))
    assert path.stat().st_size < 200
    assert "120 megapixels" in _refusal(path)


def test_just_over_the_pixel_limit_is_refused(tmp_path: Path) -> None:
    # 121 MP: above our limit but below twice it, where Pillow only warns.
    path = tmp_path / "huge.png"
    path.write_bytes(png_declaring(11_000, 11_000))
    assert MAX_PIXELS < 11_000 * 11_000
    assert "11000 x 11000 pixels" in _refusal(path)


def test_a_100_megapixel_jpeg_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "pano.jpg"
    Image.new("L", (12_500, 8_000), 128).save(path, quality=50)
    photo = load_photo(path, 1024)  # draft mode keeps the decode small
    assert (photo.info.width, photo.info.height) == (12_500, 8_000)
    assert max(photo.image.size) <= 1024


# -- anything at all: a Photo or BadPhoto, never another exception -------------------------------


def _seed_files() -> list[bytes]:
    out = []
    for fmt, mode in (("JPEG", "RGB"), ("PNG", "RGBA"), ("GIF", "P"), ("WEBP", "RGB")):
        buf = io.BytesIO()
        noisy_image((24, 16)).convert(mode).save(buf, fmt)
        out.append(buf.getvalue())
    return out


SEEDS = _seed_files()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    cut=st.integers(0, 4000),
    flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=6),
)
def test_damaged_files_give_a_photo_or_bad_photo(
    tmp_path: Path, seed: int, cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(SEEDS[seed])
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    path = tmp_path / "fuzz.img"
    path.write_bytes(bytes(data[: max(cut, 1)] if cut < len(data) else data))
    try:
        photo = load_photo(path)
    except BadPhoto as e:
        assert str(e).startswith("fuzz.img is not a photo croftpost can read: ")
    else:
        assert photo.image.mode == "RGB"
        assert photo.image.size == (photo.info.width, photo.info.height)
