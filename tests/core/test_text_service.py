"""The text checks on live school data: the register's name consents today, the school's own
contacts, staff accounts, the rebuilt checker, and the moderation tally (2.1, 2.3)."""

from __future__ import annotations

import pytest

from croftpost.core.consent_csv import HEADER
from croftpost.core.services import open_services
from croftpost.core.textcheck import Comment
from croftpost.errors import AccountRevoked, BadInput, PermissionDenied
from tests.conftest import STAFF_PASSWORD

# pupil_id, first, last, class, photo_fb, photo_dojo, name_fb, name_dojo, biometric, expires, w/d
MABEL = "T01,Mabel,Crosthwaite,Class 3,yes,yes,yes,no,no,2027-07-31,"  # named on Facebook only
EZRA = "T02,Ezra,Pattinson,Class 4,yes,yes,yes,yes,no,2027-07-31,"  # named on both
NELL = "T03,Nell,Tebay,Class 2,no,no,no,no,no,,"  # never named
SHORT = "T04,Otis,Brathay,Class 5,yes,yes,yes,yes,no,2026-11-30,"  # consent ends in six days


def register_csv(*rows: str) -> str:
    return "\r\n".join([",".join(HEADER), *rows]) + "\r\n"


@pytest.fixture
def pupils(school):
    services, head = school
    services.consent.import_csv(head, register_csv(MABEL, EZRA, NELL, SHORT))
    return services, head


def findings(services, session, text: str, channel: str) -> list[tuple[str, str, str]]:
    result = services.text.check(session, text, channel)
    return [(f.category, f.severity, f.excerpt) for f in result.findings]


# -- names and the register -------------------------------------------------------------------


def test_name_consent_is_per_channel_from_the_register(pupils):
    services, head = pupils
    text = "Well done Mabel Crosthwaite for a brilliant assembly!"
    assert services.text.check(head, text, "facebook").verdict == "ok"
    result = services.text.check(head, text, "dojo")
    assert result.verdict == "block"
    assert findings(services, head, text, "dojo") == [
        ("pupil_name", "block", "Mabel Crosthwaite")
    ]
    assert result.findings[0].clause == "2.1"


def test_pupil_named_on_both_channels_passes_both_and_nobody_else_is_flagged(pupils):
    services, head = pupils
    text = "Ezra Pattinson's poem won the county prize."
    assert findings(services, head, text, "facebook") == []
    assert findings(services, head, text, "dojo") == []


def test_a_pupil_without_consent_blocks_in_full_and_warns_by_first_name(pupils):
    services, head = pupils
    assert findings(services, head, "Congratulations Nell Tebay!", "dojo") == [
        ("pupil_name", "block", "Nell Tebay")
    ]
    assert findings(services, head, "Congratulations Nell!", "dojo") == [
        ("pupil_name", "warn", "Nell")
    ]


def test_withdrawn_consent_blocks_at_once(pupils):
    services, head = pupils
    text = "Ezra Pattinson read to the whole school."
    assert services.text.check(head, text, "dojo").verdict == "ok"
    services.consent.withdraw(head, "T02", ["name_dojo"])
    assert findings(services, head, text, "dojo") == [("pupil_name", "block", "Ezra Pattinson")]
    assert services.text.check(head, text, "facebook").verdict == "ok"


def test_consent_that_expires_blocks_from_the_next_day_without_any_change(pupils, clock):
    services, head = pupils
    text = "Otis Brathay swam for the county."
    assert services.text.check(head, text, "facebook").verdict == "ok"
    clock.advance(days=6)  # 30 November: the last day the consent counts
    assert services.text.check(head, text, "facebook").verdict == "ok"
    clock.advance(days=1)
    assert findings(services, head, text, "facebook") == [("pupil_name", "block", "Otis Brathay")]


def test_a_protected_pupil_blocks_whatever_the_consents(pupils):
    services, head = pupils
    text = "Ezra Pattinson won the spelling bee."
    services.consent.protect(head, "T02", "court order")
    result = services.text.check(head, text, "dojo")
    assert [(f.category, f.severity) for f in result.findings] == [("pupil_name", "block")]
    assert "never be named" in result.findings[0].message
    services.consent.protect(head, "T02", None)
    assert services.text.check(head, text, "dojo").verdict == "ok"


def test_context_marks_protected_pupils_with_no_name_consent(pupils):
    services, head = pupils
    services.consent.protect(head, "T01", "safeguarding")
    by_id = {p.pupil_id: p for p in services.text.context().pupils}
    assert by_id["T01"].protected and by_id["T01"].name_consent == frozenset()
    assert by_id["T02"].name_consent == frozenset({"facebook", "dojo"})
    assert by_id["T03"].name_consent == frozenset()
    assert not by_id["T02"].protected


# -- the school's contacts and staff accounts -------------------------------------------------


def test_the_schools_own_contacts_are_never_flagged(pupils):
    services, head = pupils
    services.school.set(head, "phone", "01632 960100")
    services.school.set(head, "email", "office@croftlands.example.sch.uk")
    services.school.set(head, "address", "1 Croft Lane, Ulverston LA12 7ZZ")
    text = ("Questions? Ring the office on 01632 960100, email office@croftlands.example.sch.uk "
            "or call in at 1 Croft Lane, Ulverston LA12 7ZZ.")
    assert findings(services, head, text, "facebook") == []
    other = "Or ring Mrs Dent at home on 01632 960555."
    assert findings(services, head, other, "facebook") == [
        ("personal_info", "block", "01632 960555")
    ]


def test_a_phone_number_is_personal_until_the_school_publishes_it(pupils):
    services, head = pupils
    text = "Ring 01632 960100 to book."
    assert services.text.check(head, text, "facebook").verdict == "block"
    services.school.set(head, "phone", "01632 960100")
    assert services.text.check(head, text, "facebook").verdict == "ok"


def test_a_staff_members_personal_account_blocks(pupils):
    services, head = pupils
    text = "Photos from the fun run are on facebook.com/sam.riggtest.42"
    before = services.text.check(head, text, "facebook").findings
    assert [(f.category, f.severity) for f in before] == [("staff_personal_link", "warn")]
    services.accounts.add_staff(head, "teacher1", "Sam Rigg", "staff", STAFF_PASSWORD,
                                personal_accounts=["https://www.facebook.com/sam.riggtest.42"])
    after = services.text.check(head, text, "facebook").findings
    assert [(f.category, f.severity) for f in after] == [("staff_personal_link", "block")]
    assert after[0].excerpt in text and "staff" in after[0].message


# -- the cached checker ------------------------------------------------------------------------


def test_the_checker_is_kept_while_nothing_it_knows_changes(pupils):
    services, head = pupils
    first = services.text.checker(head)
    services.text.check(head, "Hello", "dojo")
    assert services.text.checker(head) is first
    services.school.set(head, "name", "Croftlands Juniors")  # not a contact: nothing to rebuild
    draft = services.drafts.create(head, "dojo", "A draft")
    services.drafts.save(head, draft.id, "A draft about the trip", [])  # as the editor autosaves
    assert services.text.checker(head) is first


def test_the_checker_is_rebuilt_after_a_consent_change(pupils):
    services, head = pupils
    first = services.text.checker(head)
    services.consent.set_consent(head, "T03", "name_dojo", True)
    rebuilt = services.text.checker(head)
    assert rebuilt is not first
    assert services.text.check(head, "Nell Tebay sang a solo.", "dojo").verdict == "ok"


def test_a_change_made_by_another_window_is_seen(pupils, clock, fast_hasher):
    services, head = pupils
    text = "Ezra Pattinson read to the whole school."
    assert services.text.check(head, text, "facebook").verdict == "ok"
    other = open_services(services.data_dir, clock, fast_hasher)
    try:
        other.consent.withdraw(head, "T02", ["name_facebook"])
    finally:
        other.close()
    assert services.text.check(head, text, "facebook").verdict == "block"


# -- who may check ----------------------------------------------------------------------------


def test_any_member_of_staff_may_check_but_not_a_revoked_one(pupils):
    services, head = pupils
    services.accounts.add_staff(head, "teacher1", "Sam Teacher", "staff", STAFF_PASSWORD)
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    # Not authorised for Facebook, yet may check wording for a colleague who is.
    assert services.text.check(teacher, "Nell Tebay", "facebook").verdict == "block"
    services.accounts.revoke(head, "teacher1")
    with pytest.raises(AccountRevoked):
        services.text.check(teacher, "Hello", "facebook")


def test_bad_channel_and_huge_text_are_bad_input(pupils):
    services, head = pupils
    with pytest.raises(BadInput, match="channel"):
        services.text.check(head, "Hello", "twitter")
    with pytest.raises(BadInput, match="too long"):
        services.text.check(head, "a" * 5_000_001, "dojo")


# -- moderation and the tally -----------------------------------------------------------------

ABUSE = "This school is shit"
SPAM = "Use code SAVE20 for 20% off at my shop"


def comments(*pairs: tuple[str, str]) -> list[Comment]:
    return [Comment(author, text, n) for n, (author, text) in enumerate(pairs, 2)]


def test_moderation_says_what_to_delete_and_counts_per_author(pupils):
    services, head = pupils
    report = services.text.moderate(head, comments(
        ("Ann Lee", "Lovely photos!"), ("Tim Troll", ABUSE), ("Gran", "Well done Nell!!")))
    assert [c.decision.delete for c in report.comments] == [False, True, False]
    assert [c.line for c in report.comments] == [2, 3, 4]
    assert [f.category for f in report.comments[2].decision.review] == ["pupil_name"]
    assert [c.counted for c in report.comments] == [False, True, False]
    assert (report.newly_counted, report.to_delete, report.candidates) == (1, 1, ())


def test_tally_across_runs_never_counts_a_comment_twice_and_names_candidates_at_3(pupils):
    services, head = pupils
    first = comments(("Tim Troll", ABUSE), ("Tim Troll", SPAM))
    assert services.text.moderate(head, first).newly_counted == 2
    again = services.text.moderate(head, first)  # the same export moderated again
    assert again.newly_counted == 0 and again.candidates == ()
    # A later, cumulative export: the old comments plus one new one.
    later = services.text.moderate(head, first + comments(("Tim Troll", "Ring me, 07700 900461")))
    assert later.newly_counted == 1
    assert [(t.author, t.deleted) for t in later.candidates] == [("Tim Troll", 3)]
    assert [c.counted for c in later.comments] == [False, False, True]


def test_the_same_comment_posted_twice_in_one_export_counts_twice(pupils):
    services, head = pupils
    report = services.text.moderate(head, comments(
        ("Tim Troll", ABUSE), ("Tim Troll", ABUSE), ("Tim  Troll ", ABUSE)))
    assert report.newly_counted == 3
    assert [(t.author, t.deleted) for t in report.candidates] == [("Tim Troll", 3)]
    assert services.text.moderate(head, comments(*[("Tim Troll", ABUSE)] * 3)).newly_counted == 0


def test_candidates_are_only_authors_in_this_file(pupils):
    services, head = pupils
    services.text.moderate(head, comments(*[("Tim Troll", f"{ABUSE} {n}") for n in range(3)]))
    report = services.text.moderate(head, comments(("Ann Lee", "Lovely photos!")))
    assert report.candidates == ()


def test_comments_without_an_author_are_judged_but_not_counted(pupils):
    services, head = pupils
    report = services.text.moderate(head, comments(*[("", ABUSE)] * 4))
    assert report.to_delete == 4 and report.newly_counted == 0 and report.candidates == ()


def test_moderation_is_audited_with_counts_only(pupils):
    services, head = pupils
    services.text.moderate(head, comments(("Tim Troll", ABUSE), ("Ann Lee", "Lovely!"),
                                          ("", SPAM)))
    entry = services.audit.entries()[0]
    assert (entry.action, entry.actor, entry.target) == ("moderation.run", "head", "")
    assert entry.details == {
        "comments": 3, "delete": 2, "review": 0, "counted": 1, "already_counted": 0,
        "without_author": 1, "candidates": 0, "categories": {"abusive": 1, "commercial": 1},
    }
    dumped = str(entry.details)
    assert "Tim" not in dumped and "shit" not in dumped and "SAVE20" not in dumped


def test_moderating_needs_facebook_authorisation(pupils):
    services, head = pupils
    services.accounts.add_staff(head, "teacher1", "Sam Teacher", "staff", STAFF_PASSWORD,
                                ["dojo"])
    teacher = services.accounts.login("teacher1", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied, match="Facebook"):
        services.text.moderate(teacher, comments(("Tim Troll", ABUSE)))
    services.accounts.authorise(head, "teacher1", ["facebook"])
    assert services.text.moderate(teacher, comments(("Tim Troll", ABUSE))).newly_counted == 1


def test_naming_a_protected_pupil_alerts_the_headteacher_once(pupils):
    services, head = pupils
    services.consent.protect(head, "T02", "court order")
    for text in ("Ezra Pattinson", "Ezra Pattinson won", "Ezra Pattinson won the race"):
        services.text.check(head, text, "dojo")  # as it is typed: one alert, not three
    [alert] = services.alerts.alerts(head)
    assert (alert.kind, alert.pupil_id, alert.details) == ("protected_name", "T02",
                                                           {"channel": "dojo"})
    assert services.alerts.open_count(head) == 1
    services.text.check(head, "Ezra won the race", "dojo")  # a first name alone: no alert
    assert services.alerts.open_count(head) == 1


def test_a_protected_name_written_surname_first_or_with_a_nickname_alerts_too(pupils):
    services, head = pupils
    services.consent.protect(head, "T02", "court order")
    services.text.check(head, "Certificates: PATTINSON, Ezra", "facebook")
    services.text.check(head, "Well done Ez Pattinson!", "dojo")
    alerts = services.alerts.alerts(head)
    assert sorted((a.pupil_id, a.details["channel"]) for a in alerts) == [
        ("T02", "dojo"), ("T02", "facebook")]
