"""SIGKILL in the middle of writes, many times at random points: the database stays whole, the
audit chain verifies, drafts are there and imports are wholly in or wholly out."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from croftpost.core.consent_csv import HEADER
from croftpost.core.services import open_services, set_up_school

pytestmark = pytest.mark.slow

PUPILS = 300
ROUNDS = 8

_WORKER = r"""
import sys
from pathlib import Path
from argon2 import PasswordHasher
from croftpost.core.services import open_services

data_dir, job = Path(sys.argv[1]), sys.argv[2]
services = open_services(data_dir, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
head = services.accounts.login("head", "head-password-1")
texts = [Path(p).read_text() for p in sys.argv[3:]] if job == "import" else []
n = 0
print("ready", flush=True)
while True:
    n += 1
    if job == "import":
        services.consent.import_csv(head, texts[n % 2])
    elif job == "draft":
        draft_id = int(sys.argv[3])
        services.drafts.save(head, draft_id, f"draft body {n} " + "x" * (n % 500), [])
    elif job == "audit":
        services.audit.record("head", "test.event", str(n), {"n": n, "pad": "y" * (n % 300)})
"""


def _csv(class_name: str) -> str:
    rows = [f"P{i:04d},First{i},Last{i},{class_name},yes,yes,no,no,no,2027-07-31,"
            for i in range(PUPILS)]
    return "\n".join([",".join(HEADER), *rows]) + "\n"


@pytest.fixture
def data_dir(tmp_path, fast_hasher):
    folder = tmp_path / "school"
    services, _ = set_up_school(folder, "S", "head", "Head", "head-password-1",
                                hasher=fast_hasher)
    services.close()
    return folder


def _kill_at_random(args: list[str], rng: random.Random) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", _WORKER, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    try:
        ready = proc.stdout.readline()
        time.sleep(rng.uniform(0.02, 0.4))
    finally:
        proc.send_signal(signal.SIGKILL)
        _, errors = proc.communicate()
    assert ready.strip() == b"ready", errors.decode()


def _assert_whole(folder: Path, fast_hasher) -> object:
    services = open_services(folder, hasher=fast_hasher)
    assert services.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    report = services.audit.verify()
    assert report.intact, report
    return services


def test_kill_during_consent_import(data_dir, tmp_path, fast_hasher):
    rng = random.Random(1)
    files = []
    for name in ("Willow", "Oak"):
        path = tmp_path / f"{name}.csv"
        path.write_text(_csv(name))
        files.append(str(path))
    for _ in range(ROUNDS):
        _kill_at_random([str(data_dir), "import", *files], rng)
        services = _assert_whole(data_dir, fast_hasher)
        pupils = services.consent.all_pupils()
        assert len(pupils) in (0, PUPILS)
        assert len({p.class_name for p in pupils}) <= 1, "an import was half applied"
        services.close()


def test_kill_during_draft_save(data_dir, fast_hasher):
    rng = random.Random(2)
    services = open_services(data_dir, hasher=fast_hasher)
    head = services.accounts.login("head", "head-password-1")
    draft = services.drafts.create(head, "facebook", "first words")
    services.close()
    for _ in range(ROUNDS):
        _kill_at_random([str(data_dir), "draft", str(draft.id)], rng)
        services = _assert_whole(data_dir, fast_hasher)
        kept = services.drafts.get(head, draft.id)
        assert kept.body == "first words" or kept.body.startswith("draft body ")
        services.close()


def test_kill_during_audit_writes(data_dir, fast_hasher):
    rng = random.Random(3)
    for _ in range(ROUNDS):
        _kill_at_random([str(data_dir), "audit"], rng)
        _assert_whole(data_dir, fast_hasher).close()
