"""The held-out sets: posts written from the policy alone, by writers who never saw the checker,
its word lists or its corpus (heldout.md and heldout2.md say how they were labelled).

    uv run python -m tests.corpus.heldout           # the tables
    uv run python -m tests.corpus.heldout --misses  # and every post they get wrong

Set 1 (120 posts), first run at commit 7b0f25b: of the 60 posts that break the policy, 32 were
blocked for the right reason, 5 only warned and 23 missed; 1 of the 60 allowed posts was blocked.
allowed.jsonl: 120 more posts the policy allows, written to catch false alarms; its first run
blocked 2 (a greeting to "Oak class", and "Year 4 climbed Hoad Hill" read as an address).

Set 2 (100 posts) was written after the fixes set 1 prompted, and its first run (at commit
f207633) is the honest figure for posts never seen: 32 of 50 blocked, 5 warned only, 13 missed,
0 of 50 allowed posts blocked. Each set has been fixed against since, so neither is unseen now.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from croftpost.core.policy_profile import load_profile
from croftpost.core.textcheck import PupilName, TextChecker, TextContext, build_checker

HERE = Path(__file__).parent

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
_SCHOOL = (
    "01229 894000", "office@croftlands-demo.sch.uk", "Croftlands Road, Ulverston LA12 9LY",
    "https://www.croftlands-demo.sch.uk", "https://www.facebook.com/CroftlandsDemoSchool",
)


def _register(names: list[tuple[str, str]]) -> tuple[PupilName, ...]:
    return tuple(
        PupilName(f"h{n:02d}", first, last, "Class 3", _NO_CONSENT)
        for n, (first, last) in enumerate(names)
    )


SETS = {
    "heldout.jsonl": TextContext(
        pupils=_register([
            ("Jacob", "Thompson"), ("Mia", "Thompson"), ("Leo", "Smith-Jones"), ("Noah", "Patel"),
            ("Harvey", "Lowther"), ("Tomasz", "Wiśniewski"), ("Siobhan", "O'Neill"),
            ("Amelia", "Hartley"), ("Ellie", "Barrow"), ("Oliver", "Wilson"), ("Poppy", "Clarke"),
            ("Isla", "Graves"), ("Jack", "Dunn"),
        ]),
        school_contacts=_SCHOOL,
        staff_accounts=(
            "facebook.com/emma.thornton.3", "instagram.com/mrsjones_teaches",
            "tiktok.com/@mr_ahmed_pe", "@MissRileyReads", "youtube.com/@KateWalshSings",
        ),
    ),
    # Izzy Pennington-Hughes is on the register by her full first name, as registers are.
    "heldout2.jsonl": TextContext(
        pupils=_register([
            ("Daniel", "Okereke"), ("Jacob", "Holloway"), ("Ava", "Thornber"),
            ("Ruby", "Lindqvist"), ("Oscar", "Brathwaite"), ("Isabella", "Pennington-Hughes"),
            ("Hollie", "Nolan"), ("Jack", "Pearson"), ("Sam", "Kirk"), ("Alfie", "Jones"),
            ("Leo", "Dixon"), ("Jayden", "Moss"),
        ]),
        school_contacts=_SCHOOL,
        staff_accounts=(
            "facebook.com/sarah.banks.7712", "@DaveWoodTeach", "tiktok.com/@ellis_dances_uk",
            "@missjtaylorteaches",
        ),
    ),
}
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


def load(name: str) -> list[Post]:
    text = (HERE / name).read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    return [Post(n, r["text"], r["channel"], r["expect"], r["clause"]) for n, r in
            enumerate(rows, 1)]


def evaluate(name: str, checker: TextChecker | None = None) -> Outcome:
    checker = checker or build_checker(SETS[name], load_profile())
    outcome = Outcome()
    for post in load(name):
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


ALLOWED = "allowed.jsonl"


def blocked_allowed_posts(checker: TextChecker | None = None) -> list[tuple[str, list[str]]]:
    """Posts of allowed.jsonl (all allowed by the policy) that the checker blocks."""
    checker = checker or build_checker(SETS["heldout2.jsonl"], load_profile())
    blocked = []
    for line in (HERE / ALLOWED).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found = [f.excerpt for f in checker.check(row["text"], row["channel"])
                 if f.severity == "block"]
        if found:
            blocked.append((row["text"], found))
    return blocked


def main() -> None:
    for name in SETS:
        outcome = evaluate(name)
        print(f"{name}: {len(load(name))} posts; {outcome.count(CAUGHT)} of the breaking ones "
              f"blocked, {outcome.count(WARNED)} warned only, {outcome.count(MISSED)} missed")
        for clause in sorted(outcome.by_clause):
            counts = ", ".join(f"{v} {k}" for k, v in sorted(outcome.by_clause[clause].items()))
            print(f"  {clause:18} {counts}")
        if "--misses" in sys.argv:
            for post, verdict in outcome.wrong:
                print(f"{post.line:4} {post.expect:5} {post.clause or '-':17} {verdict:26} "
                      f"{post.text}")
    blocked = blocked_allowed_posts()
    total = len((HERE / ALLOWED).read_text(encoding="utf-8").splitlines())
    print(f"{ALLOWED}: {total} allowed posts; {len(blocked)} blocked")
    for text, found in blocked:
        print(f"  {found}: {text}")


if __name__ == "__main__":
    main()
