"""How the rules, the meaning classifier and both together do on labelled posts and comments.

    uv run python -m tests.corpus.report --meaning                 # held-out sets
    uv run --group train python -m tests.corpus.report --meaning --cv   # and the training corpus,
                                                                   # cross-validated (retrains)

A set is a JSONL file of {"text", "label", "kind", "channel"}; label is "ok" or one of the
categories the classifier reads. For each category: how many of its items were flagged with
that category, and how many were blocked (for any reason); for allowed items, how many were
blocked and how many only warned. "Classifier alone" applies the model's own thresholds to
each item exactly as the checker does; "rules alone" is the checker without its [meaning] table.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from croftpost.core.policy_profile import PolicyProfile, load_profile
from croftpost.core.textcheck import build_checker
from croftpost.core.textcheck.meaning import (
    MeaningModel,
    contact_needles,
    load_model,
    without_contacts,
)
from croftpost.core.textcheck.normalise import normalise
from tests.corpus.fixture import CONTEXT

HERE = Path(__file__).parent
HELD_OUT = sorted((HERE / "meaning").glob("heldout*.jsonl"))
CATEGORIES = ("abusive", "age_inappropriate", "commercial", "direct_message", "political",
              "spam")

# An item's result: the categories flagged and whether anything blocked.
Outcome = tuple[frozenset[str], bool]
Judge = Callable[[dict[str, str]], Outcome]


@dataclass
class Tally:
    items: int = 0
    flagged: int = 0  # flagged with the item's own category (for allowed: warned only)
    blocked: int = 0


@dataclass
class Result:
    per_label: dict[str, Tally] = field(default_factory=dict)
    flagged_as: Counter[str] = field(default_factory=Counter)  # items flagged with a category

    def add(self, label: str, outcome: Outcome) -> None:
        tally = self.per_label.setdefault(label, Tally())
        found, blocked = outcome
        self.flagged_as.update(found)
        tally.items += 1
        tally.blocked += blocked
        if label == "ok":
            tally.flagged += bool(found) and not blocked
        else:
            tally.flagged += label in found


def load_set(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def rules_only(profile: PolicyProfile) -> PolicyProfile:
    return dataclasses.replace(profile, meaning_model=None)


def checker_judge(profile: PolicyProfile) -> Judge:
    checker = build_checker(CONTEXT, profile)

    def judge(item: dict[str, str]) -> Outcome:
        findings = checker.check(item["text"], item.get("channel", "facebook"))
        return (frozenset(f.category for f in findings),
                any(f.severity == "block" for f in findings))
    return judge


def classifier_judge(model: MeaningModel) -> Judge:
    needles = contact_needles(CONTEXT.school_contacts)

    def judge(item: dict[str, str]) -> Outcome:
        scores = model_scores(model, item["text"], needles)
        found = frozenset(c for c in CATEGORIES if scores.get(c, 0.0) >= model.warn_at[c])
        return found, any(scores.get(c, 0.0) >= model.block_at[c] for c in CATEGORIES)
    return judge


def model_scores(model: MeaningModel, text: str,
                 needles: tuple[str, ...] = ()) -> dict[str, float]:
    """The checker's reading: its most telling passage (the whole of a short draft)."""
    return model.strongest(without_contacts(normalise(text).text, needles))


def evaluate(items: list[dict[str, str]], judge: Judge) -> Result:
    result = Result()
    for item in items:
        result.add(item["label"], judge(item))
    return result


def table(title: str, results: dict[str, Result]) -> str:
    """One row per category; columns "flagged right / blocked" for each way of checking."""
    names = list(results)
    lines = [title, f"{'category':18}{'items':>6}" + "".join(f"{n:>24}" for n in names)]
    labels = [c for c in CATEGORIES if any(c in r.per_label for r in results.values())]
    for label in labels:
        count = next(r.per_label[label].items for r in results.values() if label in r.per_label)
        cells = []
        for result in results.values():
            tally = result.per_label.get(label, Tally())
            cells.append(f"{tally.flagged:>4} flagged {tally.blocked:>4} blocked")
        lines.append(f"{label:18}{count:>6}" + "".join(f"{c:>24}" for c in cells))
    breaking = {n: _sum(r, [c for c in labels]) for n, r in results.items()}
    total = next(iter(breaking.values())).items
    lines.append(f"{'all breaking':18}{total:>6}" + "".join(
        f"{_pct(t.flagged, t.items):>4} flagged {_pct(t.blocked, t.items):>4} blocked"
        .rjust(24) for t in breaking.values()))
    allowed = {n: r.per_label.get("ok", Tally()) for n, r in results.items()}
    count = next(iter(allowed.values())).items
    lines.append(f"{'allowed':18}{count:>6}" + "".join(
        f"{t.blocked:>3} blocked, {t.flagged:>3} warned".rjust(24) for t in allowed.values()))
    return "\n".join(lines)


def precision_recall(results: dict[str, Result]) -> str:
    """Per category: precision (of the items flagged with it, how many are of it) and recall
    (of its items, how many are flagged with it), for each way of checking."""
    lines = [f"{'precision / recall':24}" + "".join(f"{n:>20}" for n in results)]
    for label in CATEGORIES:
        cells = []
        for result in results.values():
            tally = result.per_label.get(label, Tally())
            flagged = result.flagged_as[label]
            precision = f"{tally.flagged / flagged:.2f}" if flagged else "-"
            recall = f"{tally.flagged / tally.items:.2f}" if tally.items else "-"
            cells.append(f"{precision} / {recall}")
        lines.append(f"{label:24}" + "".join(f"{c:>20}" for c in cells))
    return "\n".join(lines)


def _sum(result: Result, labels: list[str]) -> Tally:
    total = Tally()
    for label in labels:
        tally = result.per_label.get(label, Tally())
        total.items += tally.items
        total.flagged += tally.flagged
        total.blocked += tally.blocked
    return total


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def held_out_tables(profile: PolicyProfile | None = None) -> list[str]:
    profile = profile or load_profile()
    assert profile.meaning_model is not None, "the profile has no [meaning] model"
    model = load_model(profile.meaning_model)
    judges = {"rules alone": checker_judge(rules_only(profile)),
              "classifier alone": classifier_judge(model),
              "both (croftpost)": checker_judge(profile)}
    tables = []
    for path in HELD_OUT:
        items = load_set(path)
        results = {name: evaluate(items, judge) for name, judge in judges.items()}
        tables.append(table(f"Held-out set {path.name} ({len(items)} items)", results))
        tables.append(precision_recall(results))
    return tables


def training_table(profile: PolicyProfile | None = None) -> str:
    """Cross-validated: each training item judged by a model trained without it."""
    from tests.corpus import train_meaning  # needs scikit-learn: uv run --group train

    profile = profile or load_profile()
    examples = train_meaning.load_examples(train_meaning.training_files())
    scores = train_meaning.out_of_fold(examples)
    warn_at, block_at = train_meaning.thresholds(examples, scores)
    rules = checker_judge(rules_only(profile))
    results: dict[str, Result] = {"rules alone": Result(), "classifier alone": Result(),
                                  "both (croftpost)": Result()}
    for example, score in zip(examples, scores, strict=True):
        item = {"text": example.text, "label": example.label}
        found, blocked = rules(item)
        meant = frozenset(c for c in CATEGORIES if score[c] >= warn_at[c])
        meant_block = any(score[c] >= block_at[c] for c in CATEGORIES)
        results["rules alone"].add(example.label, (found, blocked))
        results["classifier alone"].add(example.label, (meant, meant_block))
        results["both (croftpost)"].add(example.label, (found | meant, blocked or meant_block))
    return "\n".join((
        table(f"Training corpus, 5-fold cross-validated ({len(examples)} items)", results),
        precision_recall(results)))
