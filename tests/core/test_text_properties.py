"""Property tests: the normaliser's offset map, and matchers under disguise and random text."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from croftpost.core.policy_profile import load_profile
from croftpost.core.textcheck import TextChecker, TextContext, build_checker
from croftpost.core.textcheck.normalise import normalise
from tests.corpus.fixture import CONTEXT

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
BAD_WORDS = ["shit", "bollocks", "wanker", "twat", "bastard", "arsehole", "slut"]
# Any text without surrogates: RTL scripts, combining marks, emoji, controls, all of it.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
# Letters that spell no listed word or phrase (only "dm me"-style spam, which tests set aside).
SAFE_LETTERS = "bdfgjkmnpqvz" + "e"
SAFE_WORDS = st.lists(
    st.text(st.sampled_from(SAFE_LETTERS), min_size=1, max_size=9), max_size=40
).map(" ".join)
LONGER_SAFE_WORDS = st.lists(
    st.text(st.sampled_from(SAFE_LETTERS), min_size=2, max_size=9), max_size=20
).map(" ".join)


@pytest.fixture(scope="module")
def checker() -> TextChecker:
    return build_checker(CONTEXT, load_profile())


@pytest.fixture(scope="module")
def plain_checker() -> TextChecker:
    return build_checker(TextContext(), load_profile())


@SETTINGS
@given(ANY_TEXT)
@example("Zoë’s ＳＨＩＴ\u200b e\u0301\u0301 \u202eטקסט\u202c 👍🏽 ﬁ İ ß")
def test_offset_map_is_monotonic_and_in_range(text):
    norm = normalise(text)
    if norm.starts is None:  # one character for one: each folds on its own to the same
        assert len(norm.text) == len(text)
        assert all(normalise(c).text == n for c, n in zip(text, norm.text, strict=True))
        return
    assert norm.ends is not None
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for k in range(len(norm.text)):
        assert 0 <= norm.starts[k] < norm.ends[k] <= len(text)
        if k:
            assert norm.starts[k - 1] <= norm.starts[k]
            assert norm.ends[k - 1] <= norm.ends[k]


@SETTINGS
@given(ANY_TEXT, st.data())
def test_any_normalised_span_maps_to_a_span_of_the_original(text, data):
    norm = normalise(text)
    start = data.draw(st.integers(0, len(norm.text)))
    end = data.draw(st.integers(start, len(norm.text)))
    begin, finish = norm.span(start, end)
    assert 0 <= begin <= finish <= len(text)
    if start < end:
        # Normalising the original span gives back (at least) the normalised text asked for.
        assert norm.text[start:end] in normalise(text[begin:finish]).text


@SETTINGS
@given(ANY_TEXT)
def test_hidden_characters_do_not_change_the_normalised_text(text):
    assume(all(unicodedata.category(c) != "Cf" for c in text))
    hidden = "\u200b".join(text)
    assert normalise(hidden).text == normalise(text).text


@SETTINGS
@given(ANY_TEXT, st.sampled_from(["facebook", "dojo"]))
def test_the_checker_never_crashes_and_excerpts_are_underlines(checker, text, channel):
    for finding in checker.check(text, channel):
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.excerpt == text[finding.start : finding.end]
        assert finding.severity in ("block", "warn") and finding.message


@SETTINGS
@given(
    st.sampled_from(BAD_WORDS),
    st.lists(st.tuples(st.integers(1, 6), st.sampled_from(ZERO_WIDTH)), max_size=4),
    st.lists(st.booleans(), min_size=8, max_size=8),
    SAFE_WORDS,
    SAFE_WORDS,
)
def test_a_bad_word_with_hidden_characters_and_any_case_is_still_found(
    plain_checker, word, hidden, upper, before, after
):
    disguised = "".join(c.upper() if u else c for c, u in zip(word, upper, strict=False))
    for position, char in sorted(hidden, reverse=True):
        at = min(position, len(disguised) - 1)
        disguised = disguised[:at] + char + disguised[at:]
    text = f"{before} {disguised} {after}".strip()
    start = text.index(disguised)
    abusive = [f for f in plain_checker.check(text, "facebook") if f.category == "abusive"]
    assert [(f.start, f.end) for f in abusive] == [(start, start + len(disguised))]


@SETTINGS
@given(st.sampled_from(BAD_WORDS), st.sampled_from([" ", ".", "-", "_", " . "]), LONGER_SAFE_WORDS)
def test_spaced_out_bad_words_are_found_and_underlined_whole(plain_checker, word, sep, after):
    spaced = sep.join(word)
    text = f"{spaced} {after}".strip() if after else spaced
    abusive = [f for f in plain_checker.check(text, "facebook") if f.category == "abusive"]
    assert [f.excerpt for f in abusive][:1] == [spaced]


@SETTINGS
@given(SAFE_WORDS)
def test_random_words_from_a_safe_alphabet_pass(plain_checker, text):
    # SAFE_LETTERS spell no listed word; nothing may be found (but "dm me"-style spam).
    found = plain_checker.check(text, "facebook")
    assert [f for f in found if f.category != "spam"] == []


@SETTINGS
@given(st.text(string.ascii_letters + string.digits + string.punctuation + " \n", max_size=400))
def test_ascii_soup_never_crashes(checker, text):
    checker.check(text, "dojo")
