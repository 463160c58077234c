"""Files named on the command line or picked in a dialog, and folders croftpost creates.

Attacks (issue 13, 4):
- a "photo" (or a draft, or a consent spreadsheet) that is a named pipe, or a symlink to
  /dev/zero, hung the check for ever: now refused before a byte is read;
- a file far larger than any photo was read whole into memory: now refused by its size first;
- `export-photo --out` made its folder 0755 and `setup` left an existing data folder 0755, so
  anyone else on the PC could read children's photos and data: both are now 0700.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from croftpost.cli import run
from croftpost.core.photos import file_sha256, load_photo
from croftpost.core.safe_export import safe_copy_suffix
from croftpost.errors import BadInput, BadPhoto
from croftpost.files import UnreadableFile, read_regular_file
from tests.conftest import HEAD_PASSWORD

posix_only = pytest.mark.skipif(os.name != "posix", reason="named pipes and modes are POSIX")
# Far longer than any refusal takes, even on a loaded machine: it only bounds a hang.
HANG = 120


def finishes(call: Callable[[], object]) -> BaseException | None:
    """Run `call` in a thread and return what it raised; fail if it never returns."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            outcome.append(e)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(HANG)
    assert not worker.is_alive(), "the read hung"
    return outcome[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "holiday.jpg"
    os.mkfifo(path)
    return path


@pytest.fixture
def endless(tmp_path: Path) -> Path:
    path = tmp_path / "endless.jpg"
    path.symlink_to("/dev/zero")
    return path


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "endless"])
@pytest.mark.parametrize(
    "reader",
    [load_photo, file_sha256, lambda p: read_regular_file(p, 1000)],
    ids=["load_photo", "hash", "read"],
)
def test_a_pipe_or_a_device_is_refused_at_once(kind, reader, request) -> None:
    path = request.getfixturevalue(kind)
    error = finishes(lambda: reader(path))
    assert isinstance(error, BadInput)
    assert "not an ordinary file" in str(error)


@posix_only
def test_a_safe_copy_of_a_pipe_does_not_wait_for_it(fifo: Path) -> None:
    assert finishes(lambda: safe_copy_suffix(fifo)) is None


@posix_only
def test_check_text_and_consent_import_refuse_a_pipe(fifo: Path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(tmp_path / "school"))
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    monkeypatch.setenv("CROFTPOST_USER", "head")
    assert run(["setup", "--school", "Croftlands", "--headteacher", "head", "--name", "Lou"]) == 0
    capsys.readouterr()
    commands = (
        ["check-text", str(fifo), "--channel", "facebook"],
        ["consent", "import", str(fifo)],
    )
    for argv in commands:
        codes: list[int] = []
        assert finishes(lambda argv=argv, codes=codes: codes.append(run(argv))) is None
        assert codes == [2]
        assert "not an ordinary file" in capsys.readouterr().err


def test_a_file_larger_than_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(UnreadableFile, match="larger than"):
        read_regular_file(path, 100)
    assert read_regular_file(path, 101) == b"x" * 101


def test_a_symlink_to_an_ordinary_photo_is_read(tmp_path: Path) -> None:
    photo = tmp_path / "real.png"
    Image.new("RGB", (40, 30), "white").save(photo)
    link = tmp_path / "link.png"
    link.symlink_to(photo)
    assert load_photo(link).info.width == 40


def test_a_folder_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(BadPhoto, match="it is a folder"):
        load_photo(tmp_path)


@posix_only
def test_setup_makes_an_existing_open_data_folder_private(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "school"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(folder))
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    assert run(["setup", "--school", "Croftlands", "--headteacher", "head", "--name", "Lou"]) == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@posix_only
def test_export_makes_its_folder_private(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(tmp_path / "school"))
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    monkeypatch.setenv("CROFTPOST_USER", "head")
    assert run(["setup", "--school", "Croftlands", "--headteacher", "head", "--name", "Lou"]) == 0
    photo = tmp_path / "field.png"
    Image.new("RGB", (64, 48), "green").save(photo)  # no faces: exports as it is
    out = tmp_path / "to-post" / "friday"
    existing = tmp_path / "open"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    for folder in (out, existing):
        assert run(["export-photo", str(photo), "--channel", "facebook", "--out", str(folder)]) == 0
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert len(list(folder.iterdir())) == 1
