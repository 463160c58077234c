"""The text policy engine: each category, its exact underlines, and the corpus as a whole."""

from __future__ import annotations

import pytest

from croftpost.core.policy_profile import CATEGORIES, load_profile
from croftpost.core.textcheck import (
    Finding,
    PupilName,
    TextChecker,
    TextContext,
    build_checker,
    check_text,
    verdict,
)
from croftpost.errors import BadInput
from tests.corpus.fixture import CONTEXT
from tests.corpus.meaning_report import rules_only
from tests.corpus.report import evaluate, table

FLOOR = 0.9  # precision and recall per category on the corpus may not fall below this


@pytest.fixture(scope="module")
def checker() -> TextChecker:
    """The rules alone: these tests pin each rule's exact underlines. The meaning layer beside
    them is tested in test_meaning_layer.py and measured in tests/corpus/meaning_report.py."""
    return build_checker(CONTEXT, rules_only(load_profile()))


def found(checker: TextChecker, text: str, channel: str = "facebook") -> list[tuple[str, str]]:
    """(category, excerpt) of each finding, checking that every excerpt is its underline."""
    findings = checker.check(text, channel)
    for f in findings:
        assert f.excerpt == text[f.start : f.end]
    return [(f.category, f.excerpt) for f in findings]


def one(checker: TextChecker, text: str, channel: str = "facebook") -> Finding:
    findings = checker.check(text, channel)
    assert len(findings) == 1, findings
    return findings[0]


# -- pupil names (2.1) ---------------------------------------------------------------------------


def test_full_name_without_consent_blocks_and_cites_2_1(checker):
    f = one(checker, "Well done Isla Whitfield!")
    assert (f.category, f.severity, f.clause) == ("pupil_name", "block", "2.1")
    assert (f.start, f.end, f.excerpt) == (10, 24, "Isla Whitfield")
    assert "Isla Whitfield" in f.message


def test_consent_is_per_channel(checker):
    text = "Oliver Pennington was star of the week."
    assert found(checker, text, "dojo") == []
    assert found(checker, text, "facebook") == [("pupil_name", "Oliver Pennington")]


def test_full_name_any_case_possessive_and_across_a_line_break(checker):
    assert found(checker, "isla whitfield's painting") == [("pupil_name", "isla whitfield")]
    assert found(checker, "ISLA WHITFIELD’S painting") == [("pupil_name", "ISLA WHITFIELD")]
    assert found(checker, "Readers:\nIsla\nWhitfield") == [("pupil_name", "Isla\nWhitfield")]


def test_accented_name_matches_without_the_accent_and_the_reverse(checker):
    assert found(checker, "Zoe Lindqvist came first") == [("pupil_name", "Zoe Lindqvist")]
    context = TextContext(pupils=(PupilName("x", "Zoe", "Lindqvist"),))
    other = build_checker(context, load_profile())
    assert found(other, "Zoë Lindqvist came first") == [("pupil_name", "Zoë Lindqvist")]


def test_first_name_alone_warns_and_a_consented_full_name_passes(checker):
    f = one(checker, "Lovely work from Isla today!")
    assert (f.severity, f.excerpt) == ("warn", "Isla")
    assert found(checker, "Well done Ava Thornber and Ava's team") == []


def test_words_that_are_also_names_pass_as_words(checker):
    for text in (
        "Friday 3 May is sports day.",
        "See you in May!",
        "Christmas Eve is nearly here.",
        "The Holly and the Ivy was sung beautifully.",
        "Class 5 were saying grace.",
        "A fond farewell to Miss Grace Hamer, our teaching assistant.",
    ):
        assert found(checker, text) == [], text
    assert found(checker, "May sang a solo.") == [("pupil_name", "May")]


def test_surname_first_and_a_nickname_before_a_registered_surname(checker):
    # Isla Whitfield has no name consent; Leo Askew is protected.
    assert found(checker, "Certificates: WHITFIELD, Isla (Year 3)") == [
        ("pupil_name", "WHITFIELD, Isla")
    ]
    assert one(checker, "Whitfield Isla read a poem").severity == "block"
    nickname = one(checker, "Well done to Izzy Whitfield for her width")
    assert (nickname.severity, nickname.excerpt) == ("warn", "Izzy Whitfield")
    assert one(checker, "Sam Askew came to the fair").severity == "block"  # protected
    for text in ("Mrs Whitfield ran the stall.", "We walked past Whitfield farm.",
                 "Up the hill. Isla then read."):
        assert [f for f in checker.check(text, "facebook") if f.severity == "block"] == [], text


def test_protected_pupil_blocks_whatever_the_consents(checker):
    # Leo Askew has consent for both channels but is protected.
    assert one(checker, "Leo Askew read a poem", "dojo").severity == "block"
    for text in ("Leo in Class 3 won the prize", "Class 3's Leo won the prize"):
        f = one(checker, text)
        assert (f.severity, f.excerpt) == ("block", "Leo")
    # Addressed to Leo: a message to one person, and the protected name is still reported
    # (it alerts the headteacher) although it lies inside the greeting's underline.
    assert found(checker, "Welcome back Leo!") == [
        ("direct_message", "Welcome back Leo"),
        ("pupil_name", "Leo"),
    ]
    name = next(f for f in checker.check("Welcome back Leo!", "facebook")
                if f.category == "pupil_name")
    assert name.severity == "warn"


def test_class_far_away_from_a_protected_name_only_warns(checker):
    text = "Leo did well. " + "The children were amazing all afternoon. " * 2 + "Class 3 next."
    assert one(checker, text).severity == "warn"


# -- personal information (2.3) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,excerpt",
    [
        ("Ring me on 07700 900461 tonight", "07700 900461"),
        ("Call +44 7700 900 462.", "+44 7700 900 462"),
        ("Call +44 (0)1632 960 123 today", "+44 (0)1632 960 123"),
        ("Home: (01632) 960901", "(01632) 960901"),
        ("RSVP 07700-900-777", "07700-900-777"),
        ("Give me a ring on 07700.900.456 tonight", "07700.900.456"),
        ("photos to j.bell [at] outlook [dot] com please", "j.bell [at] outlook [dot] com"),
        ("mail jo (at) example.co.uk", "jo (at) example.co.uk"),
        ("forms to jdawson1979 at gmail dot com – thanks", "jdawson1979 at gmail dot com"),
        ("mail jo.parent+pta@example.co.uk now", "jo.parent+pta@example.co.uk"),
        ("Drop it at 14 Priory Road, please", "14 Priory Road"),
        ("Drop it at 7a Sandside Lane", "7a Sandside Lane"),
        ("Postcode LA12 0QT", "LA12 0QT"),
        ("Born on 12 March 2019 in Barrow", "Born on 12 March 2019"),
        ("DOB 03/05/2017", "DOB"),
        ("Her date of birth is needed", "date of birth"),
    ],
)
def test_personal_information_blocks(checker, text, excerpt):
    f = one(checker, text)
    assert (f.category, f.severity, f.excerpt) == ("personal_info", "block", excerpt)


@pytest.mark.parametrize(
    "text",
    [
        "Sports day is on Friday 3 May at 1.30pm.",
        "We won 6-2 against Dalton St Mary's.",
        "Year 6 walked 12 miles along the lane.",
        "The coach is a 2 hour drive away.",
        "Childline: 0800 1111. NSPCC: 0808 800 5000.",
        "Year 6 came 2nd in the relay. Y6 2nd place!",
        "Term dates for 2025-2026 and 01.09.2025 10 am",
        "Year 4 climbed Hoad Hill to the monument.",
        "Class 3 visited Oak Lane farm.",
        "Call the office on 01632 960100 or email office@croftlands.example.sch.uk",
        "Our address: 1 Croft Lane, Ulverston LA12 7ZZ",
    ],
)
def test_ordinary_numbers_and_the_schools_own_contacts_pass(checker, text):
    assert found(checker, text) == []


def test_school_phone_written_another_way_still_passes(checker):
    assert found(checker, "Ring +44 (0)1632 960 100") == []


# -- abusive words (2.1, 2.3) --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,excerpt",
    [
        ("what a load of bollocks", "bollocks"),
        ("You are a sh1t", "sh1t"),
        ("utter s h i t", "s h i t"),
        ("f.u.c.k this", "f.u.c.k"),
        ("sh\u200bi\u200dt school", "sh\u200bi\u200dt"),
        ("s\u00adhit school", "s\u00adhit"),
        ("total \u0455\u04bbit", "\u0455\u04bbit"),  # Cyrillic dze and shha
        ("ＳＨＩＴ", "ＳＨＩＴ"),
        ("shíte", "shíte"),
        ("she\u0301ite", None),  # not a word on the list: nothing found
        ("shiiiiiit happens", "shiiiiiit"),
        ("F**K this", "F**K"),
        ("@rse", "@rse"),
        ("$h!t", "$h!t"),
        ("kill yourself", "kill yourself"),
        ("k1ll y0urself", "k1ll y0urself"),
        ("go back to your own country", "go back to your own country"),
        ("this is sh-it", "sh-it"),  # one symbol splitting the word
        ("what the fu.ck", "fu.ck"),
        ("s.hit school", "s.hit"),
        ("f_ck off", "f_ck"),  # a symbol standing for a letter
        ("Vote Reform you idiots", "you idiots"),  # an insult aimed at people
        ("you are selfish id!ots", "id!ots"),  # ordinary words hidden to insult: ~ entries
        ("a disgusting, lazy p!g", "p!g"),
        ("the dance looked 'a bit gay' at first", "a bit gay"),
        ("The Three Little Pigs! Then a cow, a rat and a dog at the farm.", None),
        ("Gay and lesbian history month", None),
    ],
)
def test_abusive_words_are_seen_through_disguises(checker, text, excerpt):
    findings = [f for f in checker.check(text, "facebook") if f.category == "abusive"]
    if excerpt is None:
        assert findings == []
        return
    assert [(f.excerpt, f.severity) for f in findings] == [(excerpt, "block")]
    assert findings[0].excerpt == text[findings[0].start : findings[0].end]


def test_neighbouring_spaced_words_are_both_found(checker):
    assert [f for f in found(checker, "s h i t f.u.c.k") if f[0] == "abusive"] == [
        ("abusive", "s h i t"), ("abusive", "f.u.c.k")]


@pytest.mark.parametrize(
    "word",
    [
        "Scunthorpe",
        "Penistone",
        "Cockermouth",
        "Sussex",
        "Middlesex",
        "Essex",
        "assess",
        "class",
        "grass",
        "Dickens",
        "analysis",
        "therapist",
        "Hancock",
        "Titchfield",
        "classic",
        "passage",
        "shuttlecock",
        "Matsushita",
        "scrap",
        "butter",
        "Kuntz",
        "Shitterton",
        "skills",
        "Cock-a-doodle-doo",
        "Dick Whittington",
        "Offa's Dyke",
        "homo sapiens",
        "cocktail sticks",
        "S C U N T H O R P E",
        "spicy",
        "Scun-thorpe",
        "as-sess",
        "tit-bits",
        "www.sh.it.example",
        "e-mail",
    ],
)
def test_words_that_merely_contain_a_rude_string_pass(checker, word):
    assert found(checker, f"Year 4 learned about {word} today.") == []


# -- politics (2.1) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,excerpt",
    [
        ("Vote Labour on Thursday!", "Vote Labour"),
        ("The Tories ruined it", "Tories"),
        ("the government is completely useless", "the government is completely useless"),
        ("Great day #ToriesOut", "#ToriesOut"),
        ("Starmer's plans", "Starmer"),
        ("Typical Labour council", "Labour"),
        ("Get out and vote on 4 July", "Get out and vote"),
        (
            "The government's cuts to school budgets are a disgrace.",
            "The government's cuts to school budgets are a disgrace",
        ),
        (
            "because this government simply doesn't value teachers",
            "government simply doesn't value",
        ),
        ("tell the Prime Minister he's failing our families", "Prime Minister he's failing our"),
        (
            "It's shameful that this government wants to stop families coming here.",
            "shameful that this government",
        ),
    ],
)
def test_political_statements_block(checker, text, excerpt):
    f = one(checker, text)
    assert (f.category, f.severity, f.excerpt) == ("political", "block", excerpt)


@pytest.mark.parametrize(
    "text",
    [
        "Class 4 voted for their school council rep.",
        "Vote for your favourite book this week!",
        "School is closed: it is a polling station for the general election.",
        "Year 6 studied Victorian Child Labour.",
        "Our class party is on Friday.",
        "The green team won, and green is our colour.",
        "Our conservation area is growing.",
        "Reform of the lunch menu starts Monday.",
        "School Council elections are next week. Each class will vote for two representatives.",
        "Our school council is a joke-telling team this term.",
        "The council will resurface the road on Monday: use the back gate.",
        "The government has published new guidance; we will explain what it means for us.",
        "Merry Christmas, Happy Diwali, Eid Mubarak, Happy Hanukkah, Happy Easter, Vaisakhi, "
        "Harvest Festival and Remembrance Sunday.",
    ],
)
def test_school_votes_festivals_and_ordinary_words_pass(checker, text):
    assert found(checker, text) == []


# -- commercial and donations (2.1, 2.3) ---------------------------------------------------------


def test_adverts_codes_discounts_scams_and_short_links_block(checker):
    text = "Use code SAVE20 for 20% off! Claim your prize: bit.ly/3xYz"
    assert found(checker, text) == [
        ("commercial", "Use code SAVE20"),
        ("commercial", "20% off"),
        ("commercial", "Claim your prize"),
        ("commercial", "bit.ly/3xYz"),
    ]
    assert found(checker, "We highly recommend Furness Lettings, who offer free valuations.") == [
        ("commercial", "highly recommend"),
        ("commercial", "free valuations"),
    ]
    assert found(checker, "On the school trip we highly recommend the gift shop.") == []
    assert ("commercial", "per hour") in found(checker, "Tutoring at £30 per hour, message her")
    assert found(checker, "Breakfast club is £3 per session; wraparound is £4 per hour.") == []


def test_school_sales_and_related_organisations_pass(checker):
    for text in (
        "PTA cake sale on Friday, cakes 50p.",
        "School disco tickets £2 from the office.",
        "Book Fair: 25% off all books, organised by the PTA.",
        "You've won! If your raffle ticket ends 452, collect your prize.",
        "Use the gate code 1234 at the back entrance.",
        "Parents evening is on Tuesday: please book your slot through School Gateway.",
    ):
        assert found(checker, text) == [], text
    assert found(checker, "Book your table at the Red Lion, curry night Tuesday!") == [
        ("commercial", "Book your")]


def test_a_scam_phrase_quoted_in_a_warning_about_scams_passes(checker):
    for text in (
        "Online safety: if a message says you've won a prize you never entered, it's a scam.",
        "Scam alert! Posts saying you have won a hamper from us are fake. Don't click.",
    ):
        assert found(checker, text) == [], text
    # Scammers say "not a scam": that is no warning.
    assert ("commercial", "you've won") in found(
        checker, "Not a scam!! you've won a £500 voucher, message the page to claim")


def test_a_schools_own_charity_day_is_not_asking_the_page_for_money(checker):
    """Policy 2.3 is about what others post on the page; a school's own appeal for a national
    charity is not that. Other requests for money still warn."""
    for text in (
        "Wear something spotty on Friday for a £1 donation to Children in Need.",
        "Our Harvest Festival collection is for Furness Foodbank: please donate tins and packets.",
    ):
        assert found(checker, text) == [], text
    assert found(checker, "Please donate £5 to my cousin's fundraiser, link in bio") != []


def test_offering_to_give_and_the_schools_own_funds_are_not_asking_for_money(checker):
    for text in (
        "Could I donate some books for the new library?",
        "Staff are running the 10k in aid of the school minibus fund: please sponsor them!",
    ):
        assert found(checker, text) == [], text
    assert ("donation", "Please sponsor") in found(checker, "Please sponsor me for my holiday")


def test_a_time_does_not_cut_the_underline_of_a_message_short(checker):
    assert found(checker, "Karen, can you pick Amelia up at 3.15 tomorrow? Thanks") == [
        ("direct_message", "Karen, can you pick Amelia up at 3.15 tomorrow")]


def test_a_price_does_not_cut_the_sentence_its_context_is_read_in(checker):
    assert found(checker, "Our favourite cake costs £1.50, so vote for it in the bake-off!") == []


def test_agreeing_is_not_a_call_to_vote(checker):
    assert found(checker, "Ban homework? I'd vote for that 😂") == []
    assert found(checker, "Please vote for that candidate") == [("political", "Please vote")]


def test_asking_for_donations_warns(checker):
    assert found(checker, "Please donate to our JustGiving page") == [
        ("donation", "Please donate"),
        ("donation", "JustGiving"),
    ]
    f = one(checker, "Any donations welcome")
    assert (f.category, f.severity, f.clause) == ("donation", "warn", "2.3")
    assert one(checker, "Wear your own clothes for a £1 donation.").excerpt == "£1 donation"


# -- messages to specific people (2.1) -----------------------------------------------------------


@pytest.mark.parametrize(
    "text,excerpt",
    [
        ("Dear Mrs Smith, your parcel is here.", "Dear Mrs Smith"),
        ("Dear Tom, thanks for the help.", "Dear Tom"),
        ("Mr Patel can you ring me?", "Mr Patel can you"),
        ("Mrs Dixon, please remember the inhaler", "Mrs Dixon, please"),
        ("Amelia's mum, please collect her bag", "Amelia's mum, please"),
        ("Could Amelia's dad please call?", "Could Amelia's dad please"),
        ("@sarah_benson1 please check", "@sarah_benson1"),
        ("Mr Kowalski – your son's PE kit is in lost property.", "Mr Kowalski – your"),
        ("Get well soon, Mrs Ashworth! We miss you.", "Get well soon, Mrs Ashworth"),
        ("Happy birthday Tom, love from Class 2!", "Happy birthday Tom"),
        ("Emma W – thanks so much for the flapjacks, I owe you one", "Emma W"),
    ],
)
def test_messages_to_one_person_block(checker, text, excerpt):
    f = one(checker, text)
    assert (f.category, f.severity, f.excerpt) == ("direct_message", "block", excerpt)


def test_a_public_wish_to_a_named_adult_is_staff_news(checker):
    """Every held-out writer from set 16 on called these allowed: a birthday, a retirement, a
    run. A wish to a first name may be to a pupil, and a wish that asks something still is a
    message."""
    for text in (
        "Happy birthday Mrs Kowalski from everyone in Class 5!",
        "Thank you Mrs Fairclough, you taught all three of mine! Enjoy your retirement",
        "Good luck Mr Tibbs on Sunday's 10k!",
    ):
        assert found(checker, text) == [], text
    assert found(checker, "Thank you Mrs Fairclough, please ring me about the form") == [
        ("direct_message", "Mrs Fairclough, please")]
    assert found(checker, "Happy birthday Tom, love from Class 2!") == [
        ("direct_message", "Happy birthday Tom")]


def test_hi_then_the_writer_is_not_a_greeting_to_someone(checker):
    assert found(checker, "Hi, I've sent a message to the office about Thursday") == []
    assert found(checker, "Hi Leanne it's Mark's mum, is Tia still ok for tea?") == [
        ("direct_message", "Hi Leanne")]


def test_a_message_signed_by_a_teacher_is_not_spoken_to_them(checker):
    text = "From Mr Okafor: please send me a Dojo message if you'd like a call about a report."
    assert [c for c, _ in found(checker, text)] == []
    assert found(checker, "Mr Okafor: please send me a Dojo message.") == [
        ("direct_message", "Mr Okafor: please")]


@pytest.mark.parametrize(
    "text,excerpt",
    [
        ("Shona, can Kit come to ours after school on Friday?", "Shona"),
        ("Tariq Mahmood, are you still doing the cake stall?", "Tariq Mahmood"),
        ("Mr Greaves, Rory won't be at swimming tonight, sorry to tell you so late.",
         "Mr Greaves"),
        ("Ms Ferreira – thank you for sorting out the reading book mix-up.", "Ms Ferreira"),
        ("Great match today. Precious, your boots are in my car!", "Precious"),
        ("Deborah you still owe me for the raffle tickets 😂", "Deborah"),
        ("Yusuf mate where are you, we're at the gate", "Yusuf"),
    ],
)
def test_a_sentence_that_speaks_to_someone_by_name_is_a_message(checker, text, excerpt):
    underlined = [e for category, e in found(checker, text) if category == "direct_message"]
    assert len(underlined) == 1 and underlined[0].startswith(excerpt)


@pytest.mark.parametrize(
    "text",
    [
        "Hope you all had a restful half term.",  # a name that is also a word, no comma
        "Will you be joining us for the carol concert?",
        "Mrs Okoro, our new SENCo, starts on Monday; you can meet her at the gate.",
        "Mr Varley, who many of you know from Year 4, will teach Class 6 next week.",
        "Sandra, Chair of Governors, says thank you to every volunteer.",
        "Thank you to Mr Greaves for refereeing.",
        "Oliver Twist was our class novel this term, and you should hear them sing.",
    ],
)
def test_sentences_about_someone_are_not_messages_to_them(checker, text):
    assert "direct_message" not in {category for category, _ in found(checker, text)}


def test_a_class_greeted_by_its_name_is_a_group():
    """Classes named after animals or trees are greeted like people ("Good morning Hedgehogs!"):
    the register's class names are groups, unless a pupil has that name."""
    pupils = (PupilName("h1", "Rowan", "Ashby", "Rowan"),
              PupilName("h2", "Maya", "Ives", "Hedgehogs"))
    profile = rules_only(load_profile())
    text = "Good morning Hedgehogs! The spelling list is in book bags."
    assert found(build_checker(TextContext(pupils=pupils), profile), text) == []
    assert found(build_checker(TextContext(pupils=pupils[:1]), profile), text) == [
        ("direct_message", "Good morning Hedgehogs")]
    assert ("direct_message", "Hi Rowan") in found(
        build_checker(TextContext(pupils=pupils), profile), "Hi Rowan, see you at the gate.")


def test_a_pupil_spoken_to_by_name_is_a_message_to_one_person(checker):
    assert found(checker, "Isla, your teddy is in lost property.") == [
        ("pupil_name", "Isla"),
        ("direct_message", "Isla, your"),
    ]
    assert found(checker, "Parents, your help is needed.") == []  # not a pupil


@pytest.mark.parametrize(
    "text",
    [
        "Dear parents and carers, PE is on Wednesday.",
        "Dear all, the office is closed.",
        "Dear Year 3 families, trip on Thursday.",
        "Thank you to Mrs Jones for running the disco.",
        "Mrs Jones, our Year 2 teacher, is retiring.",
        "Amelia's mum baked the winning cake.",
        "Meet at the gate @10am",
        "Good luck to everyone running on Sunday.",
        "Good luck Year 6 in your SATs!",
        "Happy birthday to our school, fifty years old today!",
        "Welcome back everyone!",
        "Mrs Patel's class - your homework is due.",
        "Plan B – if it rains we go inside.",
        "Hi Oak class families, Mrs Kaur teaches you this week.",
        "Remember, your child needs a coat.",
    ],
)
def test_posts_to_everyone_and_thank_yous_pass(checker, text):
    assert found(checker, text) == []


# -- links (2.1) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,excerpt",
    [
        ("Blog: facebook.com/jenny.dalzell.77", "facebook.com/jenny.dalzell.77"),
        (
            "Blog: https://m.facebook.com/Jenny.Dalzell.77/",
            "https://m.facebook.com/Jenny.Dalzell.77/",
        ),
        (
            "Photos: http://www.instagram.com/mrdenwood_runs",
            "http://www.instagram.com/mrdenwood_runs",
        ),
        ("Follow @missk.bakes", "@missk.bakes"),
        ("Cakes: instagram.com/missk.bakes.", "instagram.com/missk.bakes"),
    ],
)
def test_staff_personal_accounts_block_however_written(checker, text, excerpt):
    f = one(checker, text)
    assert (f.category, f.severity, f.excerpt) == ("staff_personal_link", "block", excerpt)


def test_other_personal_profiles_warn_and_pages_pass(checker):
    assert one(checker, "Video: tiktok.com/@choirmum_karen").severity == "warn"
    assert one(checker, "Info: facebook.com/dave.robinson.5").severity == "warn"
    assert one(checker, "Results: https://twitter.com/UlverstonDad/").severity == "warn"
    assert one(checker, "Results: twitter.com/mrdenwood_runs").severity == "block"
    for text in (
        "Like us: https://www.facebook.com/CroftlandsSchools/",
        "Events: facebook.com/events/123456",
        "PTA: facebook.com/FriendsOfCroftlands",
        "Web: www.croftlands-jun.cumbria.sch.uk/news",
    ):
        assert found(checker, text) == [], text


# -- age appropriate and spam (2.3) --------------------------------------------------------------


def test_adult_content_warns_with_word_boundaries(checker):
    assert found(checker, "Wine, beer and cocktails, 18+ only") == [
        ("age_inappropriate", "Wine"),
        ("age_inappropriate", "beer"),
        ("age_inappropriate", "cocktails"),
        ("age_inappropriate", "18+"),
    ]
    assert found(checker, "Great skills, ginger biscuits and rumbling tummies") == []
    assert found(checker, "Mr Doyle was absolutely hammered by 9pm") == [
        ("age_inappropriate", "absolutely hammered")
    ]
    assert found(checker, "Film afternoon: we'll be watching Saw!") == [
        ("age_inappropriate", "watching Saw")
    ]
    assert found(checker, "GTA V is a great family game") == [("age_inappropriate", "GTA V")]
    assert found(checker, "We saw the drunken sailor song and hammered in tent pegs.") == []
    assert found(checker, "off to the pub to get absolutely smashed") == [
        ("age_inappropriate", "pub"),
        ("age_inappropriate", "absolutely smashed"),
    ]


def test_swearing_is_unsuitable_whoever_it_is_aimed_at(checker):
    """Held-out writers call swearing at no one unsuitable for children, and swearing at
    someone abusive: the first is age appropriateness, the second both."""
    assert found(checker, "What a shit week for weather!") == [
        ("abusive", "shit"), ("age_inappropriate", "shit")]
    sweary = found(checker, "wtf is this weather, a f*cking mudbath")
    assert [f for f in sweary if f[0] != "abusive"] == [
        ("age_inappropriate", "wtf"), ("age_inappropriate", "f*cking")]
    assert found(checker, "Fkn brilliant class photos") == [("age_inappropriate", "Fkn")]
    assert found(checker, "Scunthorpe United and the crappie fish, in Cockermouth") == []
    assert found(checker, "You're a dickhead") == [("abusive", "dickhead")]


def test_the_bar_at_a_pta_event_is_the_events_but_drunkenness_still_warns(checker):
    """Every held-out writer called a PTA quiz night with a licensed bar allowed; the words of
    drinking too much, and spirits, still warn there."""
    assert found(checker, "PTA quiz night, Friday 7pm: licensed bar, adults only, £5 a head.") == []
    assert found(checker, "Mulled wine and mince pies for parents at the Christmas Fair") == []
    assert found(checker, "PTA quiz night was a riot, half the dads got absolutely hammered!") == [
        ("age_inappropriate", "absolutely hammered")]
    assert found(checker, "Vodka shots at the PTA quiz night!") == [("age_inappropriate", "Vodka")]
    assert found(checker, "Prosecco reception for the leavers' parents") == [
        ("age_inappropriate", "Prosecco")]


def test_spam_signals(checker):
    assert ("spam", "check my profile") in found(checker, "Nice! check my profile")
    assert found(checker, "aaaaaaaaaaaa") == [("spam", "aaaaaaaaaaaa")]
    link = "www.free-stuff-now.xyz"
    assert found(checker, f"Win {link} {link}") == [("spam", link)]
    assert found(checker, f"FREE GIVEAWAY FOR EVERYONE TODAY {link}")[0][0] == "spam"
    assert found(checker, "WELL DONE EVERYONE, WHAT A GREAT DAY!!!") == []
    assert found(checker, "Well done 👏👏👏👏👏") == []


# -- the engine as a whole -----------------------------------------------------------------------


def test_verdict():
    def f(severity: str) -> Finding:
        return Finding("spam", severity, 0, 1, "x", "2.3", "m")  # type: ignore[arg-type]

    assert verdict([]) == "ok"
    assert verdict([f("warn")]) == "warn"
    assert verdict([f("warn"), f("block")]) == "block"


def test_check_text_is_the_one_off_form_and_channels_are_checked(checker):
    profile = load_profile()
    assert check_text("Isla Whitfield", "dojo", CONTEXT, profile)[0].category == "pupil_name"
    with pytest.raises(BadInput, match="twitter"):
        checker.check("hello", "twitter")


def test_findings_are_in_order_and_warnings_inside_blocks_are_not_repeated(checker):
    findings = checker.check("kill yourself. Isla Whitfield. shit", "facebook")
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert [f.category for f in findings] == [
        "abusive", "pupil_name", "abusive", "age_inappropriate"]


def test_a_megabyte_is_checked_and_the_findings_are_right(checker):
    chunk = "Well done Isla Whitfield! Call 07700 900461. " + "ab" * 30 + " " + "0" * 40 + " "
    text = chunk * (1_000_000 // len(chunk))
    findings = checker.check(text, "facebook")
    assert len(findings) == 2 * text.count("Isla Whitfield")
    assert {f.excerpt for f in findings} == {"Isla Whitfield", "07700 900461"}


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000,
        "1" * 200_000,
        "a." * 100_000,
        "s " * 100_000,
        "@" * 100_000,
        "x@" * 100_000,
        "http://" + "a." * 50_000,
        "0 " * 100_000,
        "Dear " * 40_000,
        "£1 " * 60_000,
    ],
)
def test_pathological_inputs_finish(checker, text):
    checker.check(text, "facebook")  # no catastrophic backtracking: the suite's time is the check


def test_corpus_precision_and_recall_stay_high(checker):
    result = evaluate(checker=checker)
    assert result.items >= 170
    for category in CATEGORIES:
        score = result.scores[category]
        assert score.true_pos + score.false_neg >= 8, f"too few {category} examples"
        assert score.precision >= FLOOR and score.recall >= FLOOR, table(result)
    assert result.moderation_wrong == [], table(result)
