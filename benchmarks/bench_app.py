"""The rest of the benchmark table: app start to first window, audit verification, consent
matching, and peak memory on a 100 MP photo. Each function returns (measure, value) rows.

Subprocesses are used where the quantity belongs to a whole process: the start-up time (from
spawning Python to the login window being shown) and the peak resident memory (ru_maxrss).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from argon2 import PasswordHasher
from PIL import Image

from croftpost.core.matching import EncodingGallery, match_faces
from croftpost.core.services import open_services, set_up_school

REPO = Path(__file__).resolve().parents[1]
Rows = list[tuple[str, str]]

_FIRST_WINDOW = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from croftpost.ui.app import make_application
from croftpost.core.services import open_services
from croftpost.ui.dialogs.start_dialogs import LoginDialog
imported = time.time()
app = make_application()
dialog = LoginDialog(open_services(Path(sys.argv[1])))
dialog.show()
app.processEvents()
assert dialog.isVisible()
print(imported, time.time())
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}


def app_start(runs: int) -> Rows:
    """Spawning `python` to the login window shown (offscreen), over `runs` fresh processes."""
    with tempfile.TemporaryDirectory(prefix="croftpost-bench-") as tmp:
        data = Path(tmp) / "school"
        services, _ = set_up_school(data, "Croftlands Junior", "head", "Alex Morgan",
                                    "head-password-1", hasher=_fast_hasher())
        services.close()
        totals, imports = [], []
        for _ in range(runs):
            start = time.time()
            done = subprocess.run([sys.executable, "-c", _FIRST_WINDOW, str(data)], env=_env(),
                                  capture_output=True, text=True, check=True)
            imported, shown = (float(v) for v in done.stdout.split())
            totals.append(shown - start)
            imports.append(imported - start)
    return [("app start to first window (login, offscreen)",
             f"{statistics.median(totals):.2f} s median of {runs} "
             f"(of which Python and imports {statistics.median(imports):.2f} s)")]


def _fast_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def audit_verify(entries: int) -> Rows:
    """Verify the hash chain of a log with `entries` entries, each with small details."""
    with tempfile.TemporaryDirectory(prefix="croftpost-bench-") as tmp:
        services, _ = set_up_school(Path(tmp) / "school", "S", "head", "Head",
                                    "head-password-1", hasher=_fast_hasher())
        from croftpost.storage.db import transaction

        with transaction(services.db):
            for n in range(entries - services.audit.count()):
                services.audit.record("head", "consent.set", f"P{n % 600:04d}",
                                      {"before": {"photo_dojo": "no"},
                                       "after": {"photo_dojo": "yes"}, "n": n})
        services.close()
        services = open_services(Path(tmp) / "school")
        start = time.perf_counter()
        report = services.audit.verify()
        seconds = time.perf_counter() - start
        services.close()
    assert report.intact and report.entries == entries
    return [(f"audit verify, {entries:,} entries",
             f"{seconds:.2f} s = {entries / seconds:,.0f} entries/s")]


def consent_matching(pupils: int, repeats: int) -> Rows:
    """match_faces against `pupils` enrolled pupils with 2 references each. The encodings are
    synthetic (random 128-d vectors of a real encoding's scale): only the timing matters."""
    rng = np.random.default_rng(600)
    gallery = {f"P{i:04d}": list(rng.normal(0, 0.09, (2, 128))) for i in range(pupils)}
    rows: Rows = []
    for faces in (1, 30):
        probes = list(rng.normal(0, 0.09, (faces, 128)))
        prepared = EncodingGallery(gallery)
        with_build, reused = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            match_faces(probes, gallery)
            with_build.append(time.perf_counter() - start)
            start = time.perf_counter()
            match_faces(probes, prepared)
            reused.append(time.perf_counter() - start)
        rows.append((f"consent matching, {faces} face{'s' if faces > 1 else ''} vs {pupils} "
                     f"pupils x 2 refs (synthetic)",
                     f"{statistics.median(reused) * 1000:.2f} ms with the gallery prepared, "
                     f"{statistics.median(with_build) * 1000:.1f} ms building it too"))
    return rows


# On Linux ru_maxrss survives exec: a child reports its parent's peak if that was higher. The
# kernel's VmHWM (peak RSS of this process image) does not, so it is used where it exists.
_PEAK_MEMORY = r"""
import json, resource, sys, time
from croftpost.core.faces import scan_photo
start = time.perf_counter()
scan = scan_photo(sys.argv[1])
seconds = time.perf_counter() - start
kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            kb = int(line.split()[1])
except OSError:
    pass
print(json.dumps({"kb": kb, "faces": len(scan.faces), "s": seconds}))
"""


def _peak(path: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _PEAK_MEMORY, str(path)], env=_env(),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def peak_memory(faces_photo: Path | None, formats: tuple[str, ...]) -> Rows:
    """Peak resident memory of a process that loads and scans a 100 MP photo (12,500 x 8,000)
    with two people pasted in, against the same process scanning a 1 MP copy of it. A JPEG is
    decoded reduced (draft mode); a PNG has to be decoded whole."""
    rows: Rows = []
    with tempfile.TemporaryDirectory(prefix="croftpost-bench-") as tmp:
        canvas = Image.linear_gradient("L").resize((12_500, 8_000)).convert("RGB")
        if faces_photo is not None:
            with Image.open(faces_photo) as people:
                face = people.convert("RGB")
                k = 3_000 / face.width
                canvas.paste(face.resize((3_000, round(face.height * k))), (4_000, 2_000))
        small = Path(tmp) / "small-1mp.jpg"
        canvas.resize((1_250, 800)).save(small, quality=90)
        baseline = _peak(small)
        for fmt in formats:
            big = Path(tmp) / f"pano-100mp.{fmt.lower()}"
            canvas.save(big, fmt, **({"quality": 90} if fmt == "JPEG" else {"compress_level": 1}))
            peak = _peak(big)
            rows.append((f"peak memory, check of a 100 MP {fmt}",
                         f"{peak['kb'] / 1024:.0f} MB RSS ({baseline['kb'] / 1024:.0f} MB for "
                         f"a 1 MP photo); {peak['s']:.1f} s, {peak['faces']} faces found"))
            big.unlink()
    return rows
