"""The benchmark table: one command, one table, with the date and the machine.

    uv run python -m benchmarks            # the full run (several minutes; uses both cores)
    uv run python -m benchmarks --quick    # a smaller run to try it out

Photo rows use the annotated dlib group photos on 12 MP canvases (see bench_photos); text rows
a 5,000-character draft from the corpus (see bench_text); the rest are in bench_app.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from benchmarks import bench_app, bench_photos, bench_text
from croftpost.core.policy_profile import load_profile
from croftpost.core.textcheck import build_checker

Rows = list[tuple[str, str]]


def photo_rows(quick: bool) -> Rows:
    folder = bench_photos.faces_dir()
    if folder is None:
        return [("photo check", "skipped: no face samples (../shared/faces)")]
    group_dir = folder / "dlib" / "examples" / "faces"
    truth = bench_photos.ground_truth(group_dir)
    if quick:
        truth = dict(sorted(truth.items())[:3])
    rows: Rows = []
    for scene, smallest_face in bench_photos.SCENES[: 2 if quick else None]:
        r = bench_photos.run_scene(group_dir, scene, smallest_face, truth)
        n, m = len(r.truth), r.ours
        hits, total = bench_photos.recall(r.truth, r.our_boxes())
        rows.append((
            f"photo check, {scene}: {n} x 12 MP JPEG",
            f"plain face_recognition {n / r.base_s:.2f} photos/s; croftpost {n / m.check_s:.2f} "
            f"photos/s = {r.base_s / m.check_s:.1f}x (2 workers, recall {hits}/{total}, missed "
            f"{r.missed()} of plain's faces; +{m.start_s:.1f} s worker start once)"))
    rows.append((
        "photo check: cached re-check (hash + lookup)",
        f"{r.cached_s / n * 1000:.1f} ms per photo = {n / max(r.cached_s, 1e-9):,.0f} photos/s"))
    return rows


def text_rows(quick: bool) -> Rows:
    checker = build_checker(bench_text.school_context(), load_profile())
    text = bench_text.draft(bench_text.DRAFT_CHARS)
    bench_text._times(checker, text, 10 if quick else bench_text.WARM_UP)
    runs = 50 if quick else bench_text.RUNS
    times = sorted(bench_text._times(checker, text, runs))
    return [(f"text check, {bench_text.DRAFT_CHARS:,}-char draft, 400 pupils",
             f"{statistics.median(times) * 1000:.2f} ms median, "
             f"{times[int(len(times) * 0.95)] * 1000:.2f} ms p95 ({runs} runs)")]


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GB"
    return (f"{model}, {os.cpu_count()} cores{memory}; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}")


def print_table(rows: Rows, command: str, started: datetime, seconds: float) -> None:
    print(f"croftpost benchmarks: `{command}`")
    print(f"Measured {started:%Y-%m-%d %H:%M} on {machine()} (took {seconds / 60:.1f} min)")
    print()
    width = max(len(name) for name, _ in rows)
    print(f"| {'Measure':<{width}} | Result |")
    print(f"|{'-' * (width + 2)}|--------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    args = parser.parse_args(argv)
    started, clock = datetime.now().astimezone(), time.perf_counter()
    faces = bench_photos.faces_dir()
    people = faces / "face_recognition" / "examples" / "two_people.jpg" if faces else None
    rows = photo_rows(args.quick) + text_rows(args.quick)
    rows += bench_app.app_start(1 if args.quick else 5)
    rows += bench_app.audit_verify(10_000 if args.quick else 100_000)
    rows += bench_app.consent_matching(600, 20 if args.quick else 200)
    rows += bench_app.peak_memory(people, ("JPEG",) if args.quick else ("JPEG", "PNG"))
    command = "uv run python -m benchmarks" + (" --quick" if args.quick else "")
    print_table(rows, command, started, time.perf_counter() - clock)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
