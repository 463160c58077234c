"""Precision and recall of the text checker on the labelled corpus, per category.

uv run python -m tests.corpus.report            # the table
uv run python -m tests.corpus.report --misses   # and every item it gets wrong
uv run python -m tests.corpus.report --meaning  # rules, classifier and both on the held-out sets
uv run --group train python -m tests.corpus.report --meaning --cv  # and on the training corpus
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from croftpost.core.policy_profile import CATEGORIES, load_profile
from croftpost.core.textcheck import TextChecker, build_checker, moderate_comment
from tests.corpus.fixture import CONTEXT, Item, load_corpus
from tests.corpus.meaning_report import rules_only


@dataclass
class Score:
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_pos + self.false_neg
        return self.true_pos / wanted if wanted else 1.0


@dataclass
class Evaluation:
    items: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    misses: list[tuple[Item, frozenset[str]]] = field(default_factory=list)
    comments: int = 0
    moderation_right: int = 0
    moderation_wrong: list[Item] = field(default_factory=list)


def evaluate(items: list[Item] | None = None, checker: TextChecker | None = None) -> Evaluation:
    items = load_corpus() if items is None else items
    # The rules' corpus measures the rules; the meaning layer has its own sets and report.
    checker = checker or build_checker(CONTEXT, rules_only(load_profile()))
    result = Evaluation(items=len(items))
    for item in items:
        found = frozenset(f.category for f in checker.check(item.text, item.channel))
        for category in CATEGORIES:
            score = result.scores[category]
            expected, got = category in item.expect, category in found
            score.true_pos += expected and got
            score.false_pos += got and not expected
            score.false_neg += expected and not got
        if found != item.expect:
            result.misses.append((item, found))
        if item.delete is not None:
            result.comments += 1
            decision = moderate_comment("", item.text, checker, item.channel)
            if decision.delete == item.delete:
                result.moderation_right += 1
            else:
                result.moderation_wrong.append(item)
    return result


def table(result: Evaluation) -> str:
    lines = [
        f"Corpus: {result.items} items; every category checked on every item.",
        "",
        f"{'category':<22}{'positives':>10}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}",
    ]
    for category, s in result.scores.items():
        positives = s.true_pos + s.false_neg
        lines.append(
            f"{category:<22}{positives:>10}{s.true_pos:>5}{s.false_pos:>5}{s.false_neg:>5}"
            f"{s.precision:>11.3f}{s.recall:>8.3f}"
        )
    lines += [
        "",
        f"Items with exactly the expected categories: {result.items - len(result.misses)}"
        f" of {result.items}",
        f"Comment moderation (delete or keep) agreeing with the label: "
        f"{result.moderation_right} of {result.comments}",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if "--meaning" in argv:
        from tests.corpus import meaning_report

        for text in meaning_report.held_out_tables():
            print(text, end="\n\n")
        if "--cv" in argv:
            print(meaning_report.training_table())
        return
    result = evaluate()
    print(table(result))
    if "--misses" in argv:
        for item, found in result.misses:
            print(f"\n{item.id}: expected {sorted(item.expect)}, found {sorted(found)}")
            print(f"  {item.text!r}")
        for item in result.moderation_wrong:
            print(f"\n{item.id}: moderation should {'delete' if item.delete else 'keep'}")


if __name__ == "__main__":
    main(sys.argv[1:])
