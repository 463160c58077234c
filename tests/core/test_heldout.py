"""The held-out posts (tests/corpus/heldout.md): what must never regress."""

from __future__ import annotations

from tests.corpus.heldout import CAUGHT, FALSE_BLOCK, evaluate

# Personal data and pupils' names: the clauses where a miss publishes something about a person.
MUST_CATCH = ("name", "phone", "email", "address", "personal_account")
FLOOR = 45  # of the 60 posts that break the policy, blocked for the right reason on 2026-11-27


def test_no_allowed_post_is_blocked() -> None:
    outcome = evaluate()
    assert outcome.by_clause["ok"][FALSE_BLOCK] == 0, [
        p.text for p, v in outcome.wrong if p.expect == "ok"
    ]


def test_every_name_and_piece_of_personal_data_is_blocked() -> None:
    outcome = evaluate()
    for clause in MUST_CATCH:
        counts = outcome.by_clause[clause]
        assert counts[CAUGHT] == sum(counts.values()), (clause, dict(counts))


def test_the_rest_does_not_fall_below_what_was_measured() -> None:
    assert evaluate().count(CAUGHT) >= FLOOR
