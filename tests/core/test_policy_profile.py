"""The policy profile: the Croftlands policy as data, its review date, and other schools' copies."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from croftpost.core.policy_profile import CATEGORIES, default_profile_path, load_profile
from croftpost.core.textcheck import TextContext, build_checker
from croftpost.errors import BadInput

POLICY_TEXT = Path(__file__).resolve().parents[3] / "shared" / "policy"


def test_the_default_profile_is_croftlands_2025_26():
    profile = load_profile()
    assert profile.path == default_profile_path()
    assert profile.school == "Croftlands Infant and Junior Schools"
    assert profile.approved_by == "Lou Mahon"
    assert profile.next_review_due == date(2026, 9, 30)
    assert set(profile.categories) == set(CATEGORIES)
    assert {"2", "2.1", "2.3", "2.4"} <= set(profile.clauses)
    assert "PTA" in profile.organisations


def test_every_category_cites_a_clause_and_quotes_its_words():
    profile = load_profile()
    for category in profile.categories.values():
        wording = " ".join(profile.clauses[category.clause].split()).lower()
        assert " ".join(category.quote.split()).lower() in wording


def test_quotes_are_the_policy_documents_own_words():
    files = sorted(POLICY_TEXT.glob("*.txt")) if POLICY_TEXT.is_dir() else []
    if not files:
        pytest.skip("the policy document is not beside the repository (../shared/policy)")
    policy = " ".join(files[0].read_text(encoding="utf-8").split()).lower()
    for category in load_profile().categories.values():
        assert " ".join(category.quote.split()).lower() in policy, category.name


def test_review_overdue_only_after_the_due_date():
    profile = load_profile()
    assert not profile.review_overdue(date(2026, 9, 1))
    assert not profile.review_overdue(date(2026, 9, 30))
    assert profile.review_overdue(date(2026, 10, 1))


def _copy(tmp_path: Path, edit=None) -> Path:
    """A copy of the Croftlands profile in tmp_path, optionally edited, with its word lists."""
    source = default_profile_path()
    text = source.read_text(encoding="utf-8")
    if edit:
        text = edit(text)
    folder = tmp_path / "policies"
    folder.mkdir(exist_ok=True)
    target = folder / "other-school.toml"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize(
    "edit,named",
    [
        (
            lambda t: t.replace("next_review_due = 2026-09-30", 'next_review_due = "soon"'),
            "policy.next_review_due",
        ),
        (
            lambda t: t.replace('school = "Croftlands Infant and Junior Schools"\n', ""),
            "policy.school",
        ),
        (
            lambda t: t.replace(
                '[categories.spam.rules.links]\nseverity = "warn"',
                '[categories.spam.rules.links]\nseverity = "maybe"',
            ),
            "categories.spam.rules.links.severity",
        ),
        (
            lambda t: t.replace('quote = "Political statements"', 'quote = "Politics is banned"'),
            "categories.political.quote",
        ),
        (
            lambda t: t.replace(
                '[categories.political]\nclause = "2.1"', '[categories.political]\nclause = "9.9"'
            ),
            "categories.political.clause",
        ),
        (
            lambda t: t.replace("[categories.donation.rules.ask]", "[categories.donation.rules.x]"),
            "categories.donation.rules.ask",
        ),
        (lambda t: re.sub(r"\[categories\.spam\].*", "", t, flags=re.S), "categories.spam"),
        (
            lambda t: t.replace('"../wordlists/abusive.txt"', '"../wordlists/missing.txt"'),
            "categories.abusive.rules.word.words_file",
        ),
        (
            lambda t: t.replace('message = "Remove the postcode', 'message = "Remove {postcode}'),
            "categories.personal_info.rules.postcode.message",
        ),
        (
            lambda t: t.replace('allowed = [\n    "PTA",', "allowed = [\n    3,"),
            "organisations.allowed",
        ),
        (lambda t: t + "\n[[broken", "not valid TOML"),
    ],
)
def test_a_malformed_profile_is_refused_naming_the_problem(tmp_path, edit, named):
    with pytest.raises(BadInput) as refused:
        load_profile(_copy(tmp_path, edit))
    assert named in str(refused.value)


def test_a_missing_profile_is_refused(tmp_path):
    with pytest.raises(BadInput, match="does not exist"):
        load_profile(tmp_path / "nope.toml")


def test_another_schools_copy_changes_what_is_found(tmp_path):
    def edit(text: str) -> str:
        text = text.replace(
            'school = "Croftlands Infant and Junior Schools"', 'school = "Ravensdale Primary"'
        )
        text = text.replace('    "PTA",\n', '    "PTA",\n    "Ravensdale Rovers FC",\n')
        # This school also treats "tuck shop" as an advert and lets "bar" events pass.
        text = text.replace('"shop now", "order now",', '"shop now", "tuck shop", "order now",')
        text = text.replace('"pub", "licensed bar", "cash bar",', "")
        # ...and the meaning layer no longer reads for unsuitable content either.
        rule = text.index("[categories.age_inappropriate.rules.meaning]")
        return text[:rule] + text[text.index("\n\n", rule) + 2 :]

    other = load_profile(_copy(tmp_path, edit))
    croftlands = load_profile()
    context = TextContext()
    ours, theirs = build_checker(context, croftlands), build_checker(context, other)
    assert other.school == "Ravensdale Primary"
    assert ours.check("The tuck shop is open", "facebook") == []
    assert [f.category for f in theirs.check("The tuck shop is open", "facebook")] == ["commercial"]
    assert ours.check("Quiz at the pub with a cash bar", "facebook") != []
    assert theirs.check("Quiz at the pub with a cash bar", "facebook") == []
    # The word list file was found in croftpost's own assets, as the copy has none beside it.
    assert [f.category for f in theirs.check("what a load of bollocks", "dojo")] == [
        "abusive", "age_inappropriate"]


def test_a_copys_own_word_list_is_used(tmp_path):
    profile = _copy(tmp_path)
    (tmp_path / "wordlists").mkdir()
    (tmp_path / "wordlists" / "abusive.txt").write_text(
        "# ours\nflibbertigibbet\n", encoding="utf-8"
    )
    checker = build_checker(TextContext(), load_profile(profile))
    assert [f.excerpt for f in checker.check("You flibbertigibbets!", "facebook")] == [
        "flibbertigibbets"
    ]
    # The shipped list's word is not the copy's (the meaning layer may still read the tone).
    found = checker.check("what a load of bollocks", "facebook")
    assert "bollocks" not in {f.excerpt for f in found if f.category == "abusive"}


def test_messages_are_one_sentence_with_the_excerpt():
    for category in load_profile().categories.values():
        for rule in category.rules.values():
            message = rule.render("Ava Smith")
            assert "Ava Smith" in message and message.endswith(".")
            assert message.count(". ") == 0, message
            assert len(rule.render("x" * 200)) < 200  # long excerpts are shortened
