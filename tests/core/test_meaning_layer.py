"""The meaning layer: a classifier beside the rules that reads whole sentences (issue 14).

These use the model croftpost ships (assets/models/meaning-classifier.npz) through the real
checker. The sentences here were written for these tests: none is in the training corpus or a
held-out set.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from croftpost.core.policy_profile import default_profile_path, load_profile
from croftpost.core.textcheck import Finding, TextChecker, build_checker, moderate_comment
from croftpost.core.textcheck.meaning import DraftReading, MeaningModel, sentences
from croftpost.errors import BadInput
from tests.corpus.fixture import CONTEXT, load_corpus

MEANING_CATEGORIES = {"abusive", "age_inappropriate", "commercial", "direct_message",
                      "political", "spam"}
# (Not "our library has had a lovely refit": the model reads the unknown word "refit" from its
# letter groups, which it shares with "benefit" and "reform", and blocks it as political. The
# README lists this among what is still weak.)
POLITICAL_ASIDE = ("Our reading corner has had a lovely makeover. Sadly the people running this "
                   "country keep squeezing school budgets while lining their own pockets, so "
                   "please donate any books you have finished with.")
SCAM = ("Your page has been reported and will be permanently disabled within 24 hours. "
        "To appeal, confirm your login details at meta-page-appeals-centre.net now.")


@pytest.fixture(scope="module")
def checker() -> TextChecker:
    return build_checker(CONTEXT, load_profile())


def meaning(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.category in MEANING_CATEGORIES]


def profile_copy(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    """The school's profile, copied (so its word lists and model are found by name) and edited."""
    text = default_profile_path().read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1])
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sentences_split_at_their_ends_and_join_fragments():
    text = "We went to the farm. Lovely!\nNext week: swimming? Yes."
    spans = [text[s:e] for s, e in sentences(text)]
    assert spans == ["We went to the farm. Lovely!", "Next week: swimming? Yes."]


def test_the_shipped_model_reads_every_category_with_ordered_thresholds():
    model = MeaningModel(load_profile().meaning_model)  # type: ignore[arg-type]
    assert set(model.classes) >= MEANING_CATEGORIES
    for category in MEANING_CATEGORIES:
        assert 0 < model.warn_at[category] <= model.block_at[category] <= 1
    scores = model.score(["a perfectly ordinary sentence"])[0]
    assert scores.sum() == pytest.approx(1.0, abs=1e-5)


def test_passages_joined_from_their_sentences_read_as_the_passage_itself():
    """A draft's passages are scored from its sentences' counts joined (with the word pairs
    across their ends), not by counting each passage again: it must be the same reading."""
    model = MeaningModel(load_profile().meaning_model)  # type: ignore[arg-type]
    posts = [item.text.lower() for item in load_corpus()]
    text = "\n".join(posts[:60]) + " " + " ".join(posts[60:120])
    joined = DraftReading(model, text).passages()
    assert len(joined) > 30
    whole = model.score([text[p.start : p.end] for p in joined])  # as training counts a text
    for passage, row in zip(joined, whole, strict=True):
        for category, value in passage.scores.items():
            assert value == pytest.approx(row[model.classes.index(category)], abs=1e-5)


def test_a_political_aside_with_no_listed_word_is_found_and_underlined(checker):
    findings = meaning(checker.check(POLITICAL_ASIDE, "facebook"))
    assert [f.category for f in findings] == ["political"]
    found = findings[0]
    assert found.clause == "2.1"
    assert found.excerpt.startswith("Sadly the people running this country")
    assert POLITICAL_ASIDE[found.start : found.end] == found.excerpt
    assert "political" in found.message


def test_a_scam_notice_is_spam_and_its_comment_is_deleted(checker):
    findings = meaning(checker.check(SCAM, "facebook"))
    assert "spam" in {f.category for f in findings}
    assert all(f.clause == "2.3" for f in findings if f.category == "spam")
    assert moderate_comment("Meta Support", SCAM, checker).delete


def test_look_alike_letters_do_not_hide_the_meaning(checker):
    disguised = POLITICAL_ASIDE.replace("o", "\u043e").replace("a", "\u0430")  # Cyrillic о, а
    findings = meaning(checker.check(disguised, "facebook"))
    assert [f.category for f in findings] == ["political"]
    assert disguised[findings[0].start : findings[0].end] == findings[0].excerpt
    assert "\u043e" in findings[0].excerpt  # the underline is on what was typed


@pytest.mark.parametrize("text", [
    "Year 6 visited the Houses of Parliament and learnt how a bill becomes law.",
    "PC Hughes led a workshop with Year 5 on why carrying a knife is never safe.",
    "Tickets for the Halloween disco are £3 from the office, with squash and crisps included.",
    "Well done to the whole netball team, who won every match on Saturday!",
    "Thank you to Booths for donating fruit for our healthy snack week.",
])
def test_ordinary_school_posts_raise_nothing(checker, text):
    assert checker.check(text, "facebook") == []


def test_a_warn_only_profile_never_blocks_on_meaning(tmp_path):
    old = ('[categories.political.rules.meaning]\n'
           '# The meaning layer: blocks when the classifier is confident, warns when it is not.\n'
           'severity = "block"')
    path = profile_copy(tmp_path, (old, old.replace('"block"', '"warn"')))
    checker = build_checker(CONTEXT, load_profile(path))
    findings = meaning(checker.check(POLITICAL_ASIDE, "facebook"))
    assert [(f.category, f.severity) for f in findings] == [("political", "warn")]


def test_without_a_meaning_table_only_the_rules_read(tmp_path):
    text = default_profile_path().read_text(encoding="utf-8")
    path = tmp_path / "profile.toml"
    path.write_text(text.split("\n[meaning]\n")[0], encoding="utf-8")
    profile = load_profile(path)
    assert profile.meaning_model is None
    assert meaning(build_checker(CONTEXT, profile).check(POLITICAL_ASIDE, "facebook")) == []


def test_a_missing_or_damaged_model_is_refused_by_name(tmp_path):
    path = profile_copy(tmp_path, ('model = "meaning-classifier.npz"', 'model = "gone.npz"'))
    with pytest.raises(BadInput, match="gone.npz was not found"):
        load_profile(path)
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not really a model")
    with pytest.raises(BadInput, match="broken.npz can't be read"):
        MeaningModel(broken)
    shipped = load_profile().meaning_model
    assert shipped is not None
    with np.load(shipped) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["weights"] = arrays["weights"][:-1]
    np.savez(tmp_path / "short.npz", **arrays)
    with pytest.raises(BadInput, match="sizes disagree"):
        MeaningModel(tmp_path / "short.npz")


def test_a_model_beside_the_profile_is_preferred(tmp_path):
    shipped = load_profile().meaning_model
    assert shipped is not None
    shutil.copy(shipped, tmp_path / "meaning-classifier.npz")
    assert load_profile(profile_copy(tmp_path)).meaning_model == tmp_path / "meaning-classifier.npz"


# -- names in titles and other people's names (fewer false alarms) --------------------------------


@pytest.mark.parametrize("text", [
    "Class 2 acted out the story of Grace and the Lighthouse for assembly.",
    "Our Year 4 choir sang 'Holly and the Ivy' beautifully.",
    "We loved the author visit from Holly Webb this morning.",
])
def test_a_first_name_in_a_title_or_someone_elses_name_is_not_a_pupil(checker, text):
    assert [f for f in checker.check(text, "facebook") if f.category == "pupil_name"] == []


@pytest.mark.parametrize("text", [
    "Well done Grace for a brilliant assembly!",
    "Well done Grace Tysen for a brilliant assembly!",  # a slip for a pupil's surname
    "Grace and Holly ran the tuck shop today.",
])
def test_a_pupils_first_name_still_warns(checker, text):
    assert "pupil_name" in {f.category for f in checker.check(text, "facebook")}


def test_a_protected_pupils_first_name_warns_even_in_a_title(checker):
    found = checker.check("Year 6 performed the musical Leo and the Lions.", "facebook")
    assert "pupil_name" in {f.category for f in found}


def test_the_schools_own_page_is_not_read_as_spam(checker):
    """The school's own addresses are blanked out before the classifier reads (offsets kept):
    "like and follow our page" with the school's own link is how schools grow their page."""
    from croftpost.core.textcheck.meaning import contact_needles, without_contacts

    needles = contact_needles(CONTEXT.school_contacts)
    text = "like and follow our page: facebook.com/croftlandsschools for updates"
    blanked = without_contacts(text, needles)
    assert len(blanked) == len(text) and "croftlandsschools" not in blanked
    assert blanked.endswith(" for updates")
    own = "Like and follow our page for updates: https://www.facebook.com/CroftlandsSchools"
    assert [f for f in meaning(checker.check(own, "facebook")) if f.severity == "block"] == []
    from croftpost.core.policy_profile import load_profile
    from croftpost.core.textcheck.meaning import load_model
    from croftpost.core.textcheck.normalise import normalise

    model = load_model(load_profile().meaning_model)
    plain = normalise(own).text
    with_link, masked = (model.score([t])[0][model.classes.index("spam")]
                         for t in (plain, without_contacts(plain, needles)))
    assert masked < with_link


LESSON = ("In PSHE this half term Year 6 are learning how alcohol affects the body and how to "
          "make safe choices when friends put pressure on them.")


def test_a_listed_words_warning_gives_way_where_the_sentence_reads_as_allowed(tmp_path):
    keeps_all = build_checker(CONTEXT, load_profile(profile_copy(
        tmp_path, ("clears_warnings_at = 0.7", "# no clearing"))))
    assert [(f.category, f.severity) for f in keeps_all.check(LESSON, "dojo")] == [
        ("age_inappropriate", "warn")]  # the word list sees "alcohol", not the lesson
    clears = build_checker(CONTEXT, load_profile())
    assert clears.check(LESSON, "dojo") == []
    # Too short for the classifier to judge: the word list's warning stands.
    assert [f.category for f in clears.check("Alcohol awareness week.", "dojo")] == [
        "age_inappropriate"]


def test_a_block_is_never_cleared_by_a_calm_sentence(checker):
    text = ("Year 4 had a lovely time at the farm today and the children fed the lambs, "
            "what a shit day for the weather though.")
    assert any(f.category == "abusive" and f.severity == "block"
               for f in checker.check(text, "facebook"))


def test_clears_warnings_at_must_be_a_probability(tmp_path):
    with pytest.raises(BadInput, match="clears_warnings_at"):
        load_profile(profile_copy(tmp_path, ("clears_warnings_at = 0.7",
                                             "clears_warnings_at = 3")))


def test_a_confident_reading_is_kept_beside_a_rules_block_of_another_kind(checker):
    """The phone number is personal information (a rule's block); the sentence around it reads
    like a get-rich scam, which the moderator also needs to know (spam, 2.3)."""
    text = ("Start earning thousands from home this month, guaranteed returns, text Dave on "
            "07700 900456 now")
    found = {(f.category, f.severity) for f in checker.check(text, "facebook")}
    assert found == {("personal_info", "block"), ("spam", "block")}


def test_a_doubt_stays_quiet_beside_a_rules_finding(checker):
    """An unsure reading adds nothing where a rule already underlined the sentence, even a rule
    of another kind: the classifier half-reads this as political, the greeting is the finding."""
    text = ("Dear Mrs Patel, ministers keep letting every family like ours down and nobody in "
            "charge cares.")
    model = MeaningModel(load_profile().meaning_model)  # type: ignore[arg-type]
    political = model.strongest(text.lower())["political"]
    assert model.warn_at["political"] <= political < model.block_at["political"]  # a doubt
    findings = checker.check(text, "facebook")
    assert [(f.category, f.guessed) for f in findings] == [("direct_message", False)]


def test_a_decimal_point_ends_no_sentence():
    """"£8.50 for a single print" was once read as a sentence of its own, "50 for a single
    print.", which the classifier took for an advert."""
    text = "Prices start from £8.50 for a single print. Orders close in 1.5 weeks, on Friday."
    assert [text[s:e] for s, e in sentences(text)] == [
        "Prices start from £8.50 for a single print.", "Orders close in 1.5 weeks, on Friday."]


def test_a_question_about_a_scam_only_warns_where_the_scam_itself_blocks(checker):
    """A parent asking whether a message is a scam quotes it, and reads like it: the
    classifier's spam reading there is a doubt for staff to look at, not a block."""
    scam = ("Got a text saying I can claim a free £50 Tesco voucher if I share the page and "
            "enter my bank details")
    question = "Is this legit? " + scam
    asked = [f for f in meaning(checker.check(question, "facebook")) if f.category == "spam"]
    sent = [f for f in meaning(checker.check(scam, "facebook")) if f.category == "spam"]
    assert asked and all(f.severity == "warn" and f.guessed for f in asked)
    assert sent and any(f.severity == "block" for f in sent)
