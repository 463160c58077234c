"""SIGKILL during a photo export, at every stage of writing the safe copy: the copy is either
absent or a whole, valid file (byte for byte the export croftpost makes), only a hidden temp
file may be left, and the original is untouched.

Fault (issue 13, 4): this test used to kill after random sleeps and then required that some
kill had landed after an export finished; on a busy machine every kill landed before, and it
failed. Now the exporting process announces each named stage and waits there to be killed, so
every stage is hit exactly, however fast or slow the machine is.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from croftpost.core.photos import load_photo
from croftpost.core.safe_export import write_safe_copy
from tests.core.test_photos import noisy_image

pytestmark = pytest.mark.slow

BOXES = [(100, 500, 500, 100), (600, 1400, 1100, 900)]

# The stages of write_safe_copy in order, and whether the copy exists once killed there.
STAGES = {
    "started": False,  # reading and blurring the photo
    "temp file made": False,
    "half written": False,
    "written, not yet on disk": False,  # before the fsync
    "on disk, not renamed": False,
    "renamed": True,  # before the folder's fsync
    "done": True,
}

_EXPORTER = r"""
import os, sys, tempfile
from croftpost.core import safe_export

src, dst, stop_at = sys.argv[1], sys.argv[2], sys.argv[3]
boxes = [(100, 500, 500, 100), (600, 1400, 1100, 900)]


def stage(name):
    if name == stop_at:
        print(name, flush=True)
        sys.stdin.readline()  # wait here until killed


real_mkstemp, real_fdopen, real_fsync, real_replace = (
    tempfile.mkstemp, os.fdopen, os.fsync, os.replace)


class HalfWay:
    def __init__(self, f):
        self.f = f
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self.f.__exit__(*exc)
    def write(self, data):
        half = len(data) // 2
        self.f.write(data[:half])
        self.f.flush()
        stage("half written")
        return self.f.write(data[half:])
    def __getattr__(self, name):
        return getattr(self.f, name)


def mkstemp(*args, **kwargs):
    made = real_mkstemp(*args, **kwargs)
    stage("temp file made")
    return made


def fdopen(fd, mode="r", *args, **kwargs):
    f = real_fdopen(fd, mode, *args, **kwargs)
    return HalfWay(f) if "w" in mode else f


synced = []


def fsync(fd):
    if not synced:
        stage("written, not yet on disk")
    real_fsync(fd)
    if not synced:
        stage("on disk, not renamed")
    synced.append(fd)


def replace(a, b):
    real_replace(a, b)
    stage("renamed")


tempfile.mkstemp, os.fdopen, os.fsync, os.replace = mkstemp, fdopen, fsync, replace
stage("started")
safe_export.write_safe_copy(src, dst, boxes)
stage("done")
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["jpg", "png"])
@pytest.mark.parametrize("stage", list(STAGES))
def test_a_kill_at_any_stage_of_an_export_leaves_nothing_half_written(
    tmp_path: Path, fmt: str, stage: str
) -> None:
    src = tmp_path / f"sports-day.{fmt}"
    noisy_image((1600, 1200), seed=7).save(src)
    original = _sha256(src)
    reference = write_safe_copy(src, tmp_path / f"reference.{fmt}", BOXES).dst_sha256
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    dst = out_dir / f"safe.{fmt}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", _EXPORTER, str(src), str(dst), stage],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert proc.stdout is not None
    try:
        reached = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGKILL)
        _, errors = proc.communicate()
    assert reached.decode().strip() == stage, errors.decode()  # killed exactly there
    assert _sha256(src) == original  # the original is never touched
    assert dst.exists() == STAGES[stage]
    if dst.exists():
        assert _sha256(dst) == reference  # whole, never a torn or mixed file
        assert load_photo(dst).image.size == (1600, 1200)
    strays = [p.name for p in out_dir.iterdir() if p != dst]
    assert all(name.startswith(f".safe.{fmt}.") and name.endswith(".part")
               for name in strays), strays  # only a hidden temp file may be left
