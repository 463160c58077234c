"""Reading a file someone named: only ordinary files, and only up to a size read beforehand.

Attack (issue 13, 4): a "photo" that is a named pipe, or a symlink to /dev/zero, made every
check hang for ever (the pipe never opens, the device never ends). Opening without blocking and
looking at what was opened, before reading a byte, refuses both at once.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from croftpost.errors import BadInput

MAX_PHOTO_BYTES = 400_000_000  # more than any photo within the 120 MP croftpost accepts
MAX_TEXT_BYTES = 20_000_000  # drafts, comment files and consent spreadsheets


class UnreadableFile(BadInput):
    """A named file that is not there, not an ordinary file, or too big. `reason` is the part
    of the sentence after the file's name, so callers can phrase it their way."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name} can't be used: {reason}.")
        self.reason = reason


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The bytes of an ordinary file (symlinks to one are fine) of at most `limit` bytes."""
    path = Path(path)
    with open_regular_file(path, limit) as f:
        data = f.read(limit + 1)  # the file may have grown since it was opened
    if len(data) > limit:
        raise UnreadableFile(path, f"it is larger than the {_size(limit)} croftpost reads")
    return data


def open_regular_file(path: Path | str, limit: int) -> BinaryIO:
    """An ordinary file opened for reading, refused before a byte is read if it is a folder,
    a device, a pipe or a socket, or larger than `limit` bytes."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a named pipe with no writer would otherwise wait for ever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnreadableFile(path, "the file does not exist") from None
    except IsADirectoryError:
        raise UnreadableFile(path, "it is a folder") from None
    except OSError as e:
        raise UnreadableFile(path, f"the file cannot be opened ({e.strerror or e})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(path, "it is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(path, "it is not an ordinary file (a device, pipe or socket)")
        if info.st_size > limit:
            raise UnreadableFile(path, f"it is larger than the {_size(limit)} croftpost reads")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _size(limit: int) -> str:
    return f"{limit // 1_000_000:,} MB"


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and its parents) if needed and make it readable by its owner only:
    it holds children's photos or data. An existing folder is tightened too (mkdir's mode
    applies only to folders it creates). Windows keeps its own access lists: nothing to do."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and stat.S_IMODE(folder.stat().st_mode) & 0o077:
        folder.chmod(0o700)


def sha256_of_file(path: Path) -> str:
    """A file's SHA-256, read in blocks (clips are large); "" when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def not_yet_in(paths: Iterable[str], have: Iterable[str]) -> list[str]:
    """`paths` less those already in `have`, and less repeats: the same file named twice
    (relative, absolute, through a link) is one file."""
    seen = {str(Path(p).resolve()) for p in have}
    fresh: list[str] = []
    for path in paths:
        key = str(Path(path).resolve())
        if key not in seen:
            seen.add(key)
            fresh.append(path)
    return fresh
