"""Text that reads one way on screen and another in the file.

Attack (issue 13, 4): a phone number typed backwards inside a right-to-left override
(U+202E ... U+202C) shows as 07700 900123 on Facebook and used to check "ok"; so did a pupil's
name reversed inside one, a number typed in Arabic-Indic digits or with the letter O for zero,
and a name spaced out letter by letter. The checker now also reads the draft as it is shown
(Unicode's bidirectional algorithm) and with letter-by-letter words joined, reads any script's
digits as digits and o, l, i as digits inside a run of digits. Each finding still underlines
exactly the characters that were typed.
"""

from __future__ import annotations

import pytest
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st

from croftpost.core.policy_profile import load_profile
from croftpost.core.textcheck import TextChecker, build_checker
from croftpost.core.textcheck.bidi import displayed
from croftpost.core.textcheck.readings import closed_up
from tests.corpus.fixture import CONTEXT
from tests.corpus.meaning_report import rules_only

ISLA = "Isla Whitfield"  # a pupil without name consent on either channel
RLO, LRO, RLE, PDF, RLI, PDI = "\u202e", "\u202d", "\u202b", "\u202c", "\u2067", "\u2069"


@pytest.fixture(scope="module")
def checker() -> TextChecker:
    """The rules alone: these are the rules' readings of disguised text (display order, digits,
    spaced letters). The meaning layer reads the same normalised text (test_meaning_layer)."""
    return build_checker(CONTEXT, rules_only(load_profile()))


def found(checker: TextChecker, text: str) -> list[tuple[str, str, str]]:
    findings = checker.check(text, "facebook")
    for f in findings:
        assert text[f.start : f.end] == f.excerpt  # the underline is on the typed text
    return [(f.category, f.severity, f.excerpt) for f in findings]


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        (f"Please ring Mrs Green on {RLO}321009 00770{PDF}", "321009 00770"),
        # An isolate or an embedding turns the groups round: shown as 07700 900123.
        (f"Please ring Mrs Green on {RLI}900123 07700{PDI} today", "900123 07700"),
        (f"Ring {RLE}900123 07700{PDF} after school", "900123 07700"),
    ],
)
def test_a_phone_number_shown_forwards_but_typed_backwards_is_found(checker, text, typed):
    findings = checker.check(text, "facebook")
    assert found(checker, text) == [("personal_info", "block", typed)]
    assert "07700 900123" in findings[0].message  # the message quotes what a reader sees


def test_a_name_typed_backwards_inside_an_override_is_found(checker):
    text = f"Well done {RLO}dleiftihW alsI{PDF} today"
    assert found(checker, text) == [("pupil_name", "block", "dleiftihW alsI")]


def test_an_override_that_hides_a_name_by_reversing_it_is_still_found(checker):
    """Typed forwards, shown backwards: the typed reading still names the pupil."""
    assert found(checker, f"Well done {RLO}{ISLA}{PDF} today") == [("pupil_name", "block", ISLA)]


@pytest.mark.parametrize(
    "number",
    [
        "٠٧٧٠٠ ٩٠٠١٢٣",  # Arabic-Indic
        "۰۷۷۰۰ ۹۰۰۱۲۳",  # Eastern Arabic-Indic (Persian, Urdu)
        "०७७०० ९००१२३",  # Devanagari
        "০৭৭০০ ৯০০১২৩",  # Bengali
        "𝟎𝟕𝟕𝟎𝟎 𝟗𝟎𝟎𝟏𝟐𝟑",  # mathematical bold
        "O77OO 9OO123",  # the letter O for zero
        "o77oo-9oo123",
        "0l229 4O0321",  # a small L for one
    ],
)
def test_a_phone_number_in_other_digits_or_letters_is_found(checker, number):
    assert found(checker, f"Questions? Call {number} tonight") == [
        ("personal_info", "block", number)
    ]


@pytest.mark.parametrize(
    ("text", "typed", "category"),
    [
        ("Well done I s l a W h i t f i e l d!", "I s l a W h i t f i e l d", "pupil_name"),
        ("Well done I.s.l.a W.h.i.t.f.i.e.l.d", "I.s.l.a W.h.i.t.f.i.e.l.d", "pupil_name"),
        ("Star: I-s-l-a  W-h-i-t-f-i-e-l-d", "I-s-l-a  W-h-i-t-f-i-e-l-d", "pupil_name"),
        ("Well said S t a r m e r", "S t a r m e r", "political"),
        ("A visit from K e i r S t a r m e r", "K e i r S t a r m e r", "political"),
    ],
)
def test_a_name_spaced_out_letter_by_letter_is_found(checker, text, typed, category):
    assert (category, "block", typed) in found(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "Groups A B C and D swap at break",  # single letters that are not a word
        "Class 1 ran 10 laps in 2010 on 1 oil lid",  # digits and o, l, i that are no number
        "Doors open at 10 o'clock, tickets 2 for 1",
        "مرحبا بكم في يوم الرياضة",  # an Arabic sentence, shown right to left
        "שלום לכולם, see you at 3:15",  # Hebrew beside English and a time
        "Our U.S.A. topic starts on 12 January",
    ],
)
def test_ordinary_text_in_any_direction_passes(checker, text):
    assert found(checker, text) == []


def test_text_without_direction_controls_or_spaced_letters_is_read_once():
    """The extra readings only exist when they differ: the usual draft costs one check."""
    assert displayed("Sports day on Friday: 07700 900123") is None
    assert closed_up("Sports day on Friday") is None


_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_ALPHABET = list("ab c1 2.,-+%$#") + list("אב د ه٣٤") + sorted(_CONTROLS)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_BIDI_ALPHABET, max_size=16))
def test_display_order_agrees_with_an_independent_implementation(text):
    """Our order against python-bidi's (Rust unicode-bidi), letters and digits only: that
    library keeps trailing spaces where they were typed, where UAX #9 rule L1 moves them."""
    reading = displayed(text)
    ours = reading.text if reading else text
    assert _letters(ours) == _letters(get_display(text))
    if reading:  # every shown character leads back to the very character typed
        assert [text[i] for i in reading.source] == list(reading.text)


def _letters(text: str) -> str:
    return "".join(c for c in text if c not in _CONTROLS and not c.isspace())
