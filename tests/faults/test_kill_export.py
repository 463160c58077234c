"""SIGKILL during photo exports, many times at random points: the safe copy is either absent or
a whole, valid file (byte for byte the export croftpost makes), and the original is untouched.
(tests/core/test_safe_export.py kills once, at one chosen point: inside fsync.)"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from croftpost.core.photos import load_photo
from croftpost.core.safe_export import write_safe_copy
from tests.core.test_photos import noisy_image

pytestmark = pytest.mark.slow

ROUNDS = 10
BOXES = [(100, 500, 500, 100), (600, 1400, 1100, 900)]

_EXPORTER = r"""
import sys
from croftpost.core.safe_export import write_safe_copy
src, dst = sys.argv[1], sys.argv[2]
boxes = [(100, 500, 500, 100), (600, 1400, 1100, 900)]
print("ready", flush=True)
while True:
    write_safe_copy(src, dst, boxes)
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["jpg", "png"])
def test_killing_exports_at_random_points_leaves_nothing_half_written(tmp_path: Path, fmt: str):
    src = tmp_path / f"sports-day.{fmt}"
    noisy_image((1600, 1200), seed=7).save(src)
    original = _sha256(src)
    reference = write_safe_copy(src, tmp_path / f"reference.{fmt}", BOXES).dst_sha256
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    outcomes = set()
    for round_ in range(ROUNDS):
        out_dir = tmp_path / f"round{round_}"
        out_dir.mkdir()
        dst = out_dir / f"safe.{fmt}"
        proc = subprocess.Popen([sys.executable, "-c", _EXPORTER, str(src), str(dst)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert proc.stdout is not None
        try:
            ready = proc.stdout.readline()
            time.sleep(rng.uniform(0.0, 0.8))
        finally:
            proc.send_signal(signal.SIGKILL)
            _, errors = proc.communicate()
        assert ready.strip() == b"ready", errors.decode()
        assert _sha256(src) == original  # the original is never touched
        if dst.exists():
            assert _sha256(dst) == reference  # whole, never a torn or mixed file
            assert load_photo(dst).image.size == (1600, 1200)
            outcomes.add("whole")
        else:
            outcomes.add("absent")
        strays = [p.name for p in out_dir.iterdir() if p != dst]
        assert all(name.startswith(f".safe.{fmt}.") and name.endswith(".part")
                   for name in strays), strays  # only a hidden temp file may be left
    assert "whole" in outcomes  # the kills did land after exports, not only before
