"""Text checking speed: a 5,000-character draft checked as on every keystroke, and 1 MB; with
and without the meaning layer, and how long its model takes to load.

The draft is built by joining the corpus's posts, taking every seventh so that clean posts and
posts with findings of every category are mixed, until it is 5,000 characters long. The checker
is built once (400 pupils) and warmed up.

    uv run python -m benchmarks.bench_text
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from croftpost.core.policy_profile import load_profile
from croftpost.core.textcheck import PupilName, TextChecker, TextContext, build_checker
from tests.corpus.fixture import PUPILS, SCHOOL_CONTACTS, STAFF_ACCOUNTS, load_corpus
from tests.corpus.meaning_report import rules_only

DRAFT_CHARS = 5_000
BIG_CHARS = 1_000_000
RUNS = 300
WARM_UP = 30
STRIDE = 7  # coprime with the corpus size, so every post is used before one repeats


def school_context(pupils: int = 400) -> TextContext:
    """The corpus pupils plus invented ones, for a school-sized name list."""
    extra = tuple(
        PupilName(f"b{i}", f"Pupil{i}", f"Surname{i}", f"Class {i % 7}", frozenset({"dojo"}))
        for i in range(pupils - len(PUPILS))
    )
    return TextContext(PUPILS + extra, SCHOOL_CONTACTS, STAFF_ACCOUNTS)


def draft(chars: int) -> str:
    posts = [item.text for item in load_corpus()]
    text, i = "", 0
    while len(text) < chars:
        text += posts[(i * STRIDE) % len(posts)] + "\n\n"
        i += 1
    return text[:chars]


def _times(checker: TextChecker, text: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        checker.check(text, "facebook")
        times.append(time.perf_counter() - start)
    return times


def model_load_ms() -> float:
    """The meaning classifier read from its file in a fresh process (no cached copy)."""
    code = ("import time; from croftpost.core.policy_profile import load_profile; "
            "from croftpost.core.textcheck.meaning import MeaningModel; p = load_profile(); "
            "t = time.perf_counter(); MeaningModel(p.meaning_model); "
            "print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    return statistics.median(runs) * 1000


def run() -> list[tuple[str, str]]:
    profile = load_profile()
    rules = build_checker(school_context(), rules_only(profile))
    text = draft(DRAFT_CHARS)
    _times(rules, text, WARM_UP)
    rules_median = statistics.median(_times(rules, text, RUNS))
    start = time.perf_counter()
    checker = build_checker(school_context(), profile)
    built = time.perf_counter() - start
    _times(checker, text, WARM_UP)
    times = sorted(_times(checker, text, RUNS))
    findings = len(checker.check(text, "facebook"))
    big = draft(BIG_CHARS)
    start = time.perf_counter()
    big_findings = len(checker.check(big, "facebook"))
    big_time = time.perf_counter() - start
    return [
        ("build checker (400 pupils)", f"{built * 1000:.1f} ms"),
        (f"{DRAFT_CHARS:,}-char draft: findings", str(findings)),
        (
            f"{DRAFT_CHARS:,}-char draft: median of {RUNS}",
            f"{statistics.median(times) * 1000:.2f} ms",
        ),
        (f"{DRAFT_CHARS:,}-char draft: p95", f"{times[int(len(times) * 0.95)] * 1000:.2f} ms"),
        (f"{DRAFT_CHARS:,}-char draft: median, rules alone", f"{rules_median * 1000:.2f} ms"),
        ("meaning model load (fresh process, median of 5)", f"{model_load_ms():.1f} ms"),
        (f"{BIG_CHARS:,}-char text: findings", str(big_findings)),
        (f"{BIG_CHARS:,}-char text: one check", f"{big_time:.2f} s"),
    ]


def main() -> None:
    rows = run()
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
