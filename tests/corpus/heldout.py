"""The held-out set: 120 posts written from the policy alone, by someone who never saw the
checker, its word lists or its corpus (see heldout.md for how they were labelled).

    uv run python -m tests.corpus.heldout           # the table
    uv run python -m tests.corpus.heldout --misses  # and every post it gets wrong

Measured before any change prompted by this set (2026-11-27, at commit 7b0f25b): of the 60 posts
that break the policy, 32 were blocked for the right reason, 5 only warned and 23 missed; of the
60 allowed posts, 1 was blocked (a School Council vote). The fixes that followed are listed in
the README; since then the set is no longer unseen, so its figures are not held-out figures.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from croftpost.core.policy_profile import load_profile
from croftpost.core.textcheck import PupilName, TextChecker, TextContext, build_checker

HELDOUT = Path(__file__).with_name("heldout.jsonl")

# The writer's clause labels and the checker's categories that satisfy them.
CATEGORIES_FOR = {
    "name": {"pupil_name"},
    "phone": {"personal_info"},
    "address": {"personal_info"},
    "email": {"personal_info"},
    "abusive": {"abusive"},
    "political": {"political"},
    "business_ad": {"commercial"},
    "donations": {"donation", "commercial"},
    "personal_account": {"staff_personal_link"},
    "message_to_person": {"direct_message"},
    "age_inappropriate": {"age_inappropriate", "abusive"},
}
# The school the posts were written for: its contacts (given to the writer), its register (the
# children the posts name, without name consent, and some named by first name only) and the
# staff accounts the posts link to, as the headteacher would have recorded them.
_NO_CONSENT: frozenset[str] = frozenset()
CONTEXT = TextContext(
    pupils=tuple(
        PupilName(f"h{n:02d}", first, last, "Class 3", _NO_CONSENT)
        for n, (first, last) in enumerate(
            [
                ("Jacob", "Thompson"), ("Mia", "Thompson"), ("Leo", "Smith-Jones"),
                ("Noah", "Patel"), ("Harvey", "Lowther"), ("Tomasz", "Wiśniewski"),
                ("Siobhan", "O'Neill"), ("Amelia", "Hartley"), ("Ellie", "Barrow"),
                ("Oliver", "Wilson"), ("Poppy", "Clarke"), ("Isla", "Graves"), ("Jack", "Dunn"),
            ]
        )
    ),
    school_contacts=(
        "01229 894000", "office@croftlands-demo.sch.uk", "Croftlands Road, Ulverston",
        "https://www.croftlands-demo.sch.uk", "https://www.facebook.com/CroftlandsDemoSchool",
    ),
    staff_accounts=(
        "facebook.com/emma.thornton.3", "instagram.com/mrsjones_teaches",
        "tiktok.com/@mr_ahmed_pe", "@MissRileyReads", "youtube.com/@KateWalshSings",
    ),
)
CAUGHT, WARNED, OTHER, MISSED = "blocked", "warned only", "blocked for another reason", "missed"
CLEAN, WARNING, FALSE_BLOCK = "clean", "warned", "blocked"


@dataclass(frozen=True)
class Post:
    line: int
    text: str
    channel: str
    expect: str  # "ok" or "block"
    clause: str


@dataclass
class Outcome:
    by_clause: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    wrong: list[tuple[Post, str]] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(c[verdict] for k, c in self.by_clause.items() if k != "ok")


def load() -> list[Post]:
    rows = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines()]
    return [Post(n, r["text"], r["channel"], r["expect"], r["clause"]) for n, r in
            enumerate(rows, 1)]


def evaluate(checker: TextChecker | None = None) -> Outcome:
    checker = checker or build_checker(CONTEXT, load_profile())
    outcome = Outcome()
    for post in load():
        findings = checker.check(post.text, post.channel)
        blocks = {f.category for f in findings if f.severity == "block"}
        warns = {f.category for f in findings if f.severity != "block"}
        if post.expect == "block":
            wanted = CATEGORIES_FOR[post.clause]
            verdict = (CAUGHT if blocks & wanted else OTHER if blocks
                       else WARNED if warns & wanted else MISSED)
            outcome.by_clause[post.clause][verdict] += 1
            right = verdict == CAUGHT
        else:
            verdict = FALSE_BLOCK if blocks else WARNING if warns else CLEAN
            outcome.by_clause["ok"][verdict] += 1
            right = verdict != FALSE_BLOCK
        if not right:
            outcome.wrong.append((post, verdict))
    return outcome


def main() -> None:
    outcome = evaluate()
    print(f"Held-out set: {len(load())} posts ({HELDOUT.name}); see heldout.md")
    for clause in sorted(outcome.by_clause):
        counts = ", ".join(f"{v} {k}" for k, v in sorted(outcome.by_clause[clause].items()))
        print(f"  {clause:18} {counts}")
    if "--misses" in sys.argv:
        for post, verdict in outcome.wrong:
            print(f"{post.line:4} {post.expect:5} {post.clause or '-':17} {verdict:26} "
                  f"{post.text}")


if __name__ == "__main__":
    main()
