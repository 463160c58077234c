"""A command's start-up cost against the size of the consent register.

Every command logs in and then erases faces whose biometric consent has lapsed. That used to
read the whole register first, before the password was even checked: about 13 s a command with
100,000 pupils. This builds a school of N pupils (a few of them enrolled, one lapsed) and times
whole `croftpost` processes: a wrong password, and `staff list` by the headteacher.

    uv run python -m benchmarks.bench_register [--pupils 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from argon2 import PasswordHasher

from croftpost.core.services import set_up_school
from croftpost.storage import pupils_repo
from croftpost.storage.db import transaction

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "head-password-1"
CONSENTS = ("photo_facebook", "photo_dojo", "name_facebook", "name_dojo", "biometric")


def build_school(folder: Path, pupils: int) -> None:
    services, _ = set_up_school(folder, "Croftlands Junior", "head", "Alex Morgan", PASSWORD,
                                hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    db = services.db
    now = "2026-09-01T08:00:00+00:00"
    with transaction(db):
        for n in range(pupils):
            pupil_id = f"P{n:06d}"
            pupils_repo.upsert(db, {"pupil_id": pupil_id, "first_name": f"First{n}",
                                    "last_name": f"Last{n}", "class_name": f"Year {n % 6 + 1}",
                                    "leaving_date": None}, now)
            expires = "2026-01-31" if n == 0 else "2027-07-31"  # pupil 0's consent has lapsed
            for kind in CONSENTS:
                pupils_repo.put_consent(db, pupil_id, kind, True, expires, None, now)
    with transaction(db):
        for n in range(0, min(pupils, 200), 20):  # ten enrolled pupils
            vector = np.random.default_rng(n).normal(size=128).tobytes()
            pupils_repo.add_encoding(db, f"P{n:06d}", vector, None, "0" * 64, now)
    services.close()


def time_command(folder: Path, password: str, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO), "CROFTPOST_DATA_DIR": str(folder),
           "CROFTPOST_USER": "head", "CROFTPOST_PASSWORD": password}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "croftpost", "staff", "list"], env=env,
                       capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="croftpost-register-") as tmp:
        folder = Path(tmp) / "school"
        started = time.perf_counter()
        build_school(folder, args.pupils)
        print(f"built a register of {args.pupils:,} pupils in "
              f"{time.perf_counter() - started:.1f} s")
        wrong = time_command(folder, "not-the-password", args.runs)
        first = time_command(folder, PASSWORD, 1)  # erases the lapsed pupil's faces
        right = time_command(folder, PASSWORD, args.runs)
    print(f"wrong password, refused:           {wrong:.2f} s (median of {args.runs})")
    print(f"staff list, first (one erasure):   {first:.2f} s")
    print(f"staff list, later:                 {right:.2f} s (median of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
