"""Comment moderation under 2.3, and reading exported comments."""

from __future__ import annotations

import pytest

from croftpost.core.policy_profile import load_profile
from croftpost.core.textcheck import (
    Comment,
    TextChecker,
    build_checker,
    moderate_comment,
    parse_comments,
)
from croftpost.errors import BadInput
from tests.corpus.fixture import CONTEXT


@pytest.fixture(scope="module")
def checker() -> TextChecker:
    return build_checker(CONTEXT, load_profile())


@pytest.mark.parametrize(
    "text,category",
    [
        ("This school is shit", "abusive"),
        ("Bitcoin investment opportunity, DM me", "spam"),
        ("Ring me on 07700 900461", "personal_info"),
        ("Use code SAVE20 for 20% off at my shop", "commercial"),
        ("Please sponsor me for the fun run", "donation"),
        ("Well done Isla Whitfield!", "pupil_name"),
    ],
)
def test_comments_that_2_3_says_to_delete(checker, text, category):
    decision = moderate_comment("A Parent", text, checker)
    assert decision.delete
    assert category in {f.category for f in decision.reasons}
    assert decision.author == "A Parent" and decision.text == text
    assert decision.clauses and set(decision.clauses) <= {"2.1", "2.3"}


@pytest.mark.parametrize(
    "text,category",
    [
        ("Well done Isla!!", "pupil_name"),
        ("The Tories have ruined our schools", "political"),
        ("@lisagrant88 have you seen this?", "direct_message"),
        ("Mulled wine at the fair? Lovely", "age_inappropriate"),
        ("More at tiktok.com/@choirmum_karen", "staff_personal_link"),
    ],
)
def test_comments_kept_but_shown_for_review(checker, text, category):
    decision = moderate_comment("", text, checker)
    assert not decision.delete and decision.reasons == ()
    assert [f.category for f in decision.review] == [category]


def test_a_friendly_comment_is_kept_with_nothing_to_review(checker):
    decision = moderate_comment("Gran", "Fantastic effort from all the children 👏👏👏", checker)
    assert (decision.delete, decision.reasons, decision.review) == (False, (), ())


def test_comments_are_judged_for_the_public_page(checker):
    # Oliver has consent for Dojo only: on the school's Facebook page his name is deleted.
    assert moderate_comment("", "Go Oliver Pennington!", checker).delete
    assert not moderate_comment("", "Go Oliver Pennington!", checker, "dojo").delete


def test_csv_with_header_quotes_commas_and_line_numbers():
    data = (
        "\ufeffauthor,comment\n"
        "Ann Lee,Lovely photos\n"
        '"Bob, the builder","Great day, well done"\n'
        "\n"
        'Cat,"A comment\nover two lines"\n'
        "Dan,unquoted, with a comma\n"
    )
    assert parse_comments(data) == [
        Comment("Ann Lee", "Lovely photos", 2),
        Comment("Bob, the builder", "Great day, well done", 3),
        Comment("Cat", "A comment\nover two lines", 5),
        Comment("Dan", "unquoted, with a comma", 7),
    ]


def test_plain_text_is_one_comment_per_line():
    assert parse_comments("Well done!\n\n  Great day  \r\nauthor,comment later\n") == [
        Comment("", "Well done!", 1),
        Comment("", "Great day", 3),
        Comment("", "author,comment later", 4),
    ]


def test_header_in_any_case_after_blank_lines():
    assert parse_comments("\n Author , Comment \nZoe,Hi\n") == [Comment("Zoe", "Hi", 3)]


def test_a_row_without_a_comment_is_refused_naming_its_line():
    with pytest.raises(BadInput, match="Line 3"):
        parse_comments("author,comment\nAnn,Hello\nBob\n")


def test_nothing_to_read():
    assert parse_comments("") == []
    assert parse_comments("author,comment\n") == []


def test_a_huge_file_is_refused():
    with pytest.raises(BadInput, match="too large"):
        parse_comments("x" * 5_000_001)
