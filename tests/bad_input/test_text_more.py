"""Odd text through the checker: empty, huge, right-to-left, combining marks, emoji, bidi
controls. Each gives the right findings, underlined at the exact characters of the original,
and never an exception. (tests/core/test_text_properties.py fuzzes the checker on any text;
these name the cases a school will actually meet and say what the result must be.)"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from croftpost.core.policy_profile import load_profile
from croftpost.core.textcheck import (
    TextChecker,
    build_checker,
    moderate_comment,
    parse_comments,
    verdict,
)
from croftpost.errors import BadInput
from tests.corpus.fixture import CONTEXT

ISLA = "Isla Whitfield"  # a pupil without name consent on either channel


@pytest.fixture(scope="module")
def checker() -> TextChecker:
    return build_checker(CONTEXT, load_profile())


def found(checker: TextChecker, text: str) -> list[tuple[str, str, str]]:
    findings = checker.check(text, "facebook")
    for f in findings:
        assert text[f.start : f.end] == f.excerpt  # the underline is on the original text
    return [(f.category, f.severity, f.excerpt) for f in findings]


@pytest.mark.parametrize("text", ["", " ", "\n\n\t", "\u200b\u200b", "\ufeff"])
def test_empty_and_blank_text_is_ok(checker: TextChecker, text: str) -> None:
    assert checker.check(text, "facebook") == [] and verdict([]) == "ok"


@pytest.mark.parametrize(
    "text",
    [
        f"مرحبا {ISLA} شكرا جزيلا",  # Arabic around the name
        f"שלום {ISLA}!",  # Hebrew
        f"Well done \u202e{ISLA}\u202c today",  # right-to-left override around it
        f"Well done \u2067{ISLA}\u2069 today",  # a right-to-left isolate
        f"🎉{ISLA}🎉 won the race",
        f"👨‍👩‍👧 family day with {ISLA}",  # a ZWJ emoji sequence
        f"🇬🇧 {ISLA} 👍🏽",  # a flag and a skin tone
    ],
)
def test_a_pupils_name_among_rtl_text_controls_and_emoji_is_found(checker, text):
    assert found(checker, text) == [("pupil_name", "block", ISLA)]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Well done Zoe\u0308 Lindqvist", "Zoe\u0308 Lindqvist"),  # decomposed ë (NFD)
        ("Well done Zo\u00eb Lindqvist", "Zo\u00eb Lindqvist"),  # composed ë (NFC)
        ("Is\u0301\u0302\u0303la Whitfield", "Is\u0301\u0302\u0303la Whitfield"),  # stacked marks
        ("\uff29\uff53\uff4c\uff41 Whitfield", "\uff29\uff53\uff4c\uff41 Whitfield"),  # fullwidth
        ("𝐈𝐬𝐥𝐚 𝐖𝐡𝐢𝐭𝐟𝐢𝐞𝐥𝐝 was star of the week", "𝐈𝐬𝐥𝐚 𝐖𝐡𝐢𝐭𝐟𝐢𝐞𝐥𝐝"),  # maths bold
    ],
)
def test_combining_marks_and_lookalike_letters_do_not_hide_a_name(checker, text, excerpt):
    assert found(checker, text) == [("pupil_name", "block", excerpt)]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("what a s\u202ehit day", "s\u202ehit"),  # a bidi override inside the word
        ("what a shi\u2066t day", "shi\u2066t"),
        ("what a s\u0336h\u0336i\u0336t\u0336 day", "s\u0336h\u0336i\u0336t\u0336"),  # strike
        ("what a sh\ufe0fit day", "sh\ufe0fit"),  # an emoji variation selector
    ],
)
def test_controls_and_marks_inside_a_rude_word_do_not_hide_it(checker, text, excerpt):
    # Swearing is abusive language and, whoever it is aimed at, unsuitable for children.
    assert found(checker, text) == [
        ("abusive", "block", excerpt), ("age_inappropriate", "block", excerpt)]


def test_an_emoji_instead_of_the_space_still_flags_the_first_name(checker):
    """Not the full name any more, but never silent: the first name alone is flagged."""
    assert found(checker, "Isla🎉Whitfield won") == [("pupil_name", "warn", "Isla")]


def test_a_consented_name_among_emoji_and_rtl_text_passes(checker):
    assert found(checker, "🎉 Ava Thornber 🎉 مرحبا") == []  # Ava: name consent on both


@pytest.mark.slow
@pytest.mark.parametrize(
    "unit",
    ["🎉", "\u0301", "مرحبا ", "👨‍👩‍👧", "\u202e", "a\u0301"],
    ids=["emoji", "combining", "arabic", "zwj", "bidi", "accented"],
)
def test_a_megabyte_of_odd_characters_finishes_with_a_name_at_the_end_still_found(
    checker, unit: str
) -> None:
    text = unit * (1_000_000 // len(unit)) + f" {ISLA}"
    findings = [f for f in checker.check(text, "facebook") if f.category == "pupil_name"]
    assert [(f.excerpt, f.start) for f in findings] == [(ISLA, len(text) - len(ISLA))]


# -- comment files (moderation 2.3): hypothesis on the parser and the decision ---------------


def assert_comments_or_one_sentence(data: str) -> None:
    try:
        comments = parse_comments(data)
    except BadInput as refused:
        assert str(refused).endswith(".") and "\n" not in str(refused)
        return
    assert all(c.text and c.text == c.text.strip() and c.line >= 1 for c in comments)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_any_comment_file_gives_comments_or_one_sentence(data: str) -> None:
    assert_comments_or_one_sentence(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["author,comment", "\n", "\r\n", ",", '"', "Sam", "great day",
                                 ISLA, "\x00", "\ufeff", "shit", " "]), max_size=30))
def test_csv_shaped_comment_files_give_comments_or_one_sentence(parts: list[str]) -> None:
    assert_comments_or_one_sentence("".join(parts))


@settings(max_examples=200, deadline=None)
@given(author=st.text(max_size=40), text=st.text(max_size=300))
def test_moderating_any_comment_gives_a_decision_with_its_reasons(checker, author, text):
    decision = moderate_comment(author, text, checker)
    assert decision.delete == bool(decision.reasons)
    for finding in (*decision.reasons, *decision.review):
        assert text[finding.start : finding.end] == finding.excerpt
