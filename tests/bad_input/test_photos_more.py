"""Odd photos not covered by tests/core/test_photos.py: every EXIF orientation, damaged EXIF
blocks, and 16-bit and palette PNGs with transparency. Each is read correctly or refused in one
sentence; none raises anything else, whatever the warnings filter says."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from croftpost.core.photos import load_photo
from croftpost.errors import BadPhoto

ORIENTATION = 0x0112
RED, GREEN, BLUE, YELLOW = (230, 20, 20), (20, 200, 20), (20, 20, 230), (240, 230, 20)
UPRIGHT_W, UPRIGHT_H = 96, 48


def upright_quadrants() -> np.ndarray:
    """A picture whose four quadrants have four colours: any turn or flip shows."""
    arr = np.zeros((UPRIGHT_H, UPRIGHT_W, 3), dtype=np.uint8)
    h, w = UPRIGHT_H // 2, UPRIGHT_W // 2
    arr[:h, :w], arr[:h, w:], arr[h:, :w], arr[h:, w:] = RED, GREEN, BLUE, YELLOW
    return arr


def stored_for(orientation: int, upright: np.ndarray) -> np.ndarray:
    """The pixels a camera stores for an EXIF orientation, written from the EXIF definition
    (where the stored 0th row and 0th column appear when viewed), not from Pillow's code."""
    u = upright
    return {
        1: u,                     # 0th row top, 0th column left
        2: u[:, ::-1],            # top, right
        3: u[::-1, ::-1],         # bottom, right
        4: u[::-1, :],            # bottom, left
        5: u.transpose(1, 0, 2),  # left, top
        6: u[:, ::-1].transpose(1, 0, 2),    # right, top
        7: u[::-1, ::-1].transpose(1, 0, 2),  # right, bottom
        8: u[::-1, :].transpose(1, 0, 2),    # left, bottom
    }[orientation]


def quadrant_colours(im: Image.Image) -> list[tuple[int, ...]]:
    w, h = im.size
    return [im.getpixel((x, y)) for y in (h // 4, 3 * h // 4) for x in (w // 4, 3 * w // 4)]


def assert_colours(im: Image.Image, expected: list[tuple[int, int, int]], tol: int = 30) -> None:
    for got, want in zip(quadrant_colours(im), expected, strict=True):
        assert all(abs(g - w) <= tol for g, w in zip(got, want, strict=True)), (got, want)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_every_exif_orientation_gives_the_upright_picture(
    tmp_path: Path, orientation: int, fmt: str
) -> None:
    stored = Image.fromarray(np.ascontiguousarray(stored_for(orientation, upright_quadrants())))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    path = tmp_path / f"o{orientation}.{fmt.lower()}"
    options = {"quality": 95} if fmt != "PNG" else {}
    stored.save(path, fmt, exif=exif.tobytes(), **options)
    photo = load_photo(path)
    assert (photo.info.width, photo.info.height) == (UPRIGHT_W, UPRIGHT_H)
    assert photo.image.size == (UPRIGHT_W, UPRIGHT_H)
    assert_colours(photo.image, [RED, GREEN, BLUE, YELLOW])


def test_an_orientation_outside_1_to_8_is_ignored(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 9
    path = tmp_path / "odd.jpg"
    Image.fromarray(upright_quadrants()).save(path, exif=exif.tobytes(), quality=95)
    photo = load_photo(path)
    assert photo.image.size == (UPRIGHT_W, UPRIGHT_H)
    assert_colours(photo.image, [RED, GREEN, BLUE, YELLOW])


# -- damaged EXIF blocks -----------------------------------------------------------------------


def jpeg_with_exif(orientation: int = 6) -> tuple[bytes, int]:
    """A sideways-stored JPEG with EXIF (orientation and a GPS IFD); and where its TIFF
    header starts."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 12.5)})
    stored = Image.fromarray(np.ascontiguousarray(stored_for(orientation, upright_quadrants())))
    buf = io.BytesIO()
    stored.save(buf, "JPEG", exif=exif.tobytes(), quality=95)
    data = buf.getvalue()
    return data, data.index(b"Exif\x00\x00") + 6


def assert_readable_or_refused(path: Path) -> None:
    """Either upright, consistent pixels or one BadPhoto sentence naming the file."""
    try:
        photo = load_photo(path)
    except BadPhoto as refused:
        message = str(refused)
        assert message.startswith(f"{path.name} is not a photo croftpost can read: ")
        assert "\n" not in message
        return
    assert photo.image.mode == "RGB"
    assert photo.image.size == (photo.info.width, photo.info.height)
    assert sorted(photo.image.size) == sorted((UPRIGHT_W, UPRIGHT_H))


@pytest.mark.parametrize(
    ("where", "patch"),
    [
        (0, b"XXXX"),  # not a TIFF header at all
        (4, b"\x7f\xff\xff\xff"),  # first IFD far beyond the block
        (8, b"\xff\xff"),  # an IFD claiming 65,535 entries
        (8, b"\x00\x00"),  # an empty IFD
    ],
)
def test_a_corrupt_exif_block_still_gives_the_photo(tmp_path: Path, where: int, patch: bytes):
    """The pixels are intact: the photo is read (pytest turns Pillow's 'Corrupt EXIF data'
    warning into an error, so this also proves load_photo does not depend on the filter)."""
    data, tiff = jpeg_with_exif()
    damaged = bytearray(data)
    damaged[tiff + where : tiff + where + len(patch)] = patch
    path = tmp_path / "damaged_exif.jpg"
    path.write_bytes(bytes(damaged))
    photo = load_photo(path)
    assert photo.image.size == (photo.info.width, photo.info.height)
    assert sorted(photo.image.size) == sorted((UPRIGHT_W, UPRIGHT_H))


def test_a_truncated_exif_block_still_gives_the_photo(tmp_path: Path) -> None:
    data, tiff = jpeg_with_exif()
    length_at = tiff - 8  # the APP1 segment's length field precedes "Exif\0\0"
    (length,) = struct.unpack(">H", data[length_at : length_at + 2])
    keep = 20  # only the TIFF header and the start of the first IFD survive
    segment_end = length_at + length
    damaged = (
        data[:length_at] + struct.pack(">H", 2 + 6 + keep) + data[tiff - 6 : tiff + keep]
        + data[segment_end:]
    )
    path = tmp_path / "cut_exif.jpg"
    path.write_bytes(damaged)
    assert_readable_or_refused(path)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), min_size=1,
                      max_size=8))
def test_any_damage_inside_the_exif_block_gives_a_photo_or_one_sentence(
    tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    data, tiff = jpeg_with_exif()
    damaged = bytearray(data)
    end = data.index(b"\xff", tiff)  # stay inside the EXIF block, before the next marker
    for offset, value in flips:
        if tiff + offset < end:
            damaged[tiff + offset] = value
    path = tmp_path / "fuzzed_exif.jpg"
    path.write_bytes(bytes(damaged))
    assert_readable_or_refused(path)


# -- PNGs with transparency --------------------------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png16(arr: np.ndarray, color_type: int, extra: bytes = b"") -> bytes:
    """A 16-bit PNG written by hand (Pillow cannot write 16-bit colour or tRNS for 16-bit)."""
    height, width = arr.shape[:2]
    rows = b"".join(b"\x00" + arr[y].astype(">u2").tobytes() for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + extra
            + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b""))


def test_16_bit_rgba_png_is_composited_on_white(tmp_path: Path) -> None:
    arr = np.zeros((6, 8, 4), dtype=np.uint16)
    arr[:, :4] = (65535, 0, 0, 65535)  # opaque red
    arr[:, 4:] = (0, 0, 65535, 0)  # fully transparent blue
    path = tmp_path / "rgba16.png"
    path.write_bytes(png16(arr, 6))
    image = load_photo(path).image
    assert image.getpixel((1, 1)) == (255, 0, 0)
    assert image.getpixel((6, 1)) == (255, 255, 255)


def test_16_bit_grey_png_with_a_transparent_value_shows_white_there(tmp_path: Path) -> None:
    grey = np.zeros((6, 8), dtype=np.uint16)
    grey[:, :4] = 1000  # the transparent value (tRNS)
    grey[:, 4:] = 32896  # mid grey
    path = tmp_path / "grey16.png"
    path.write_bytes(png16(grey, 0, _chunk(b"tRNS", struct.pack(">H", 1000))))
    image = load_photo(path).image
    assert image.getpixel((1, 1)) == (255, 255, 255)  # transparent, like every other mode
    assert image.getpixel((6, 1)) == pytest.approx((128, 128, 128), abs=1)


def test_16_bit_rgb_png_with_a_transparent_colour_shows_white_there(tmp_path: Path) -> None:
    rgb = np.zeros((6, 8, 3), dtype=np.uint16)
    rgb[:, :4] = (0, 65535, 0)  # the transparent colour
    rgb[:, 4:] = (65535, 0, 0)
    path = tmp_path / "rgb16.png"
    path.write_bytes(png16(rgb, 2, _chunk(b"tRNS", struct.pack(">HHH", 0, 65535, 0))))
    image = load_photo(path).image
    assert image.getpixel((1, 1)) == (255, 255, 255)
    assert image.getpixel((6, 1)) == (255, 0, 0)


def test_palette_png_with_partly_transparent_entries_is_blended_on_white(tmp_path: Path):
    im = Image.new("P", (8, 4), 0)
    im.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255] + [0, 0, 0] * 253)
    im.paste(1, (0, 0, 4, 4))
    im.paste(2, (4, 0, 8, 4))
    path = tmp_path / "half.png"
    im.save(path, transparency=bytes([255, 255, 128]))  # blue entry half transparent
    image = load_photo(path).image
    assert image.getpixel((1, 1)) == (255, 0, 0)
    assert image.getpixel((6, 1)) == pytest.approx((127, 127, 255), abs=1)
