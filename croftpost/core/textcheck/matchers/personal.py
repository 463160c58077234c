"""Personal information (2.3): phone numbers, email and home addresses, postcodes, dates of birth.

Every pattern starts with a look-behind that only lets it begin at the start of a word, and every
repeat is bounded, so a megabyte of digits or letters is scanned in linear time.
The school's own contact details are never flagged.
"""

from __future__ import annotations

import re

from croftpost.core.policy_profile import Category
from croftpost.core.textcheck.document import Doc
from croftpost.core.textcheck.findings import Hit
from croftpost.core.textcheck.normalise import normalise

CATEGORY = "personal_info"

# UK numbers: 01/02 landlines and 07 mobiles, also written +44 (0)..., with spaces, dashes, dots
# or brackets. 03, 08 and 09 numbers belong to organisations (helplines), not to people.
# Each pattern starts with a character class, so the regex engine can skip ahead to candidates,
# then looks behind that first character to be sure it starts a word.
_PHONE = re.compile(
    r"[+(0](?<![\w+].)(?:(?<=\+)\s?44\s?(?:\(0\)\s?)?|(?<=0)0\s?44\s?(?:\(0\)\s?)?|(?<=\()0|(?<=0))"
    r"(?:[\s\-().]{0,2}\d){9,10}(?!\d)"
)
# A number typed with letters for digits, "O77OO 9OO123" or "0l229 4O0321": o for 0, l or i for 1.
_LETTERED_NUMBER = re.compile(r"(?<![a-z0-9])[0-9oli](?:[\s\-().]{0,2}[0-9oli]){8,13}(?![a-z0-9])")
_AS_DIGITS = str.maketrans("oli", "011")
_EMAIL = re.compile(
    r"(?<![\w.+%-])[a-z0-9_.+%-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}(?![\w-])"
)
_HIDDEN_AT = re.compile(r"[\[({]\s?at\s?[\])}]|\sat\s[a-z0-9-]{1,63}\sdot\s")
# The same written to fool address harvesters: "j.bell [at] outlook [dot] com", "(at)", "{at}".
_HIDDEN_EMAIL = re.compile(
    r"(?<![\w.+%-])[a-z0-9_.+%-]{1,64}\s{0,2}[\[({]\s?at\s?[\])}]\s{0,2}[a-z0-9-]{1,63}"
    r"(?:\s{0,2}(?:[\[({]\s?dot\s?[\])}]|\.)\s{0,2}[a-z0-9-]{1,63}){1,8}(?![\w-])"
    # or with words for both: "jdawson1979 at gmail dot com" (a "dot" is what gives it away)
    r"|(?<![\w.+%-])[a-z0-9_.+%-]{1,64}\sat\s[a-z0-9-]{1,63}(?:\sdot\s[a-z0-9-]{1,63}){1,4}"
    r"(?![\w-])"
)
# The inward code first (it starts with a digit, which the regex engine can skip to), then the
# one or two letters of the area just before the outward code's digit.
_POSTCODE = re.compile(
    r"\d(?:(?<=(?<![a-z0-9])[a-z]{2}\d)|(?<=(?<![a-z0-9])[a-z]\d))"
    r"[a-z0-9]?\s{0,2}\d[abd-hjlnp-uw-z]{2}(?![a-z0-9])"
)
# Postcode areas, so that "Y6 2nd" (Year 6) is not read as a postcode.
_UK_AREAS = frozenset(
    re.findall(
        r"[a-z]+",
        "ab al b ba bb bd bh bl bn br bs bt ca cb cf ch cm co cr ct cv cw da dd de dg dh dl dn "
        "dt dy e ec eh en ex fk fy g gl gu gy ha hd hg hp hr hs hu hx ig im ip iv je ka kt kw "
        "ky l la ld le ll ln ls lu m me mk ml n ne ng nn np nr nw ol ox pa pe ph pl po pr rg rh "
        "rm s sa se sg sk sl sm sn so sp sr ss st sw sy ta td tf tn tq tr ts tw ub w wa wc wd "
        "wf wn wr ws wv yo ze",
    )
)
# Words before a number that make it a year group, a class or a room, not a house number.
_NOT_A_HOUSE_NUMBER = re.compile(
    r"(?<![a-z])(?:year|yr|y|class|room|group|table|stage|ks|level|team|set|page|chapter)\s{0,2}\Z"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_DAY}(?:\s+of)?\s+{_MONTH}(?:\s+\d{{2,4}})?|{_MONTH}\s+{_DAY}(?:,?\s+\d{{2,4}})?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|(?:19|20)\d\d)"
)
_BIRTH = re.compile(
    r"(?<![a-z0-9])(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date"
    rf"|born\s+(?:on\s+|in\s+)?(?:the\s+)?{_DATE}"
    rf"|birthday\s+(?:is\s+)?(?:on\s+)?(?:the\s+)?{_DATE})"
)

_BIRTH_HINT = re.compile(r"birth|born|d\W{0,2}o\W{0,2}b")


class PersonalInfoMatcher:
    def __init__(self, category: Category, school_contacts: tuple[str, ...]) -> None:
        self._suffixes = frozenset(category.words("street_suffixes"))
        self._stop = frozenset(category.words("address_stop_words"))
        self._contacts = [_squash(normalise(c).text) for c in school_contacts]
        self._contact_phones = {_phone_digits(c) for c in self._contacts}
        suffixes = "|".join(sorted(map(re.escape, self._suffixes), key=len, reverse=True))
        self._address = re.compile(
            r"\d(?<![a-z0-9]\d)\d{0,3}[a-z]?,?\s{1,3}((?:[a-z][a-z'.-]{0,30}\s{1,3}){1,3})"
            rf"(?:{suffixes or 'road'})(?![a-z])"
        )

    def find(self, doc: Doc) -> list[Hit]:
        text = doc.text
        hits = [
            Hit(CATEGORY, "phone", m.start(), m.end())
            for m in _PHONE.finditer(_letters_as_digits(text))
            if self._is_personal_phone(m.group())
        ]
        hits += [
            Hit(CATEGORY, "email", m.start(), m.end())
            for m in _around(_EMAIL, text, "@", 65, 400)
            if not self._is_school(m.group())
        ]
        if _HIDDEN_AT.search(text):
            hits += [
                Hit(CATEGORY, "email", m.start(), m.end()) for m in _HIDDEN_EMAIL.finditer(text)
            ]
        for m in _POSTCODE.finditer(text):
            start = m.start() - (2 if text[m.start() - 2 : m.start()].isalpha() else 1)
            if text[start : m.start()] in _UK_AREAS and not self._is_school(text[start : m.end()]):
                hits.append(Hit(CATEGORY, "postcode", start, m.end()))
        hits += [
            Hit(CATEGORY, "address", m.start(), m.end())
            for m in self._address.finditer(text)
            if self._is_street(m) and not self._is_school(m.group())
        ]
        hits += [Hit(CATEGORY, "date_of_birth", m.start(), m.end()) for m in _births(text)]
        return hits

    def _is_personal_phone(self, found: str) -> bool:
        if "." in found and len(found.split(".", 1)[0].strip("+( ")) < 4:
            return False  # a date ("01.09.2025 10"); dotted numbers start "07700." or "01229."
        digits = _phone_digits(found)
        national = digits[1:] if digits.startswith("0") else digits
        if national[:1] not in ("1", "2", "7"):
            return False
        if national[0] == "7" and len(national) != 10:
            return False
        return len(national) in (9, 10) and "0" + national not in self._contact_phones

    def _is_street(self, match: re.Match[str]) -> bool:
        if any(w.strip("'.-") in self._stop for w in match.group(1).split()):
            return False  # "walked 12 miles along the lane", "a 2 hour drive"
        if _NOT_A_HOUSE_NUMBER.search(match.string, max(0, match.start() - 12), match.start()):
            return False  # "Year 4 climbed Hoad Hill", "Class 3 visited Oak Lane"
        # "St" before a name is Saint: "won 6-2 against Dalton St Mary's".
        after = match.string[match.end() : match.end() + 2]
        return not (match.group().endswith("st") and after[:1] == " " and after[1:].isalpha())

    def _is_school(self, found: str) -> bool:
        found = _squash(found)
        return any(found in contact for contact in self._contacts)


def _around(
    pattern: re.Pattern[str], text: str, hint: str, before: int, after: int
) -> list[re.Match[str]]:
    """Matches of pattern near each occurrence of hint, each found once: far quicker than
    scanning the whole draft when the hint (an @) is rare."""
    found: list[re.Match[str]] = []
    at = text.find(hint)
    reached = 0
    while at >= 0:
        for m in pattern.finditer(text, max(reached, at - before), min(len(text), at + after)):
            if m.start() >= reached:
                found.append(m)
                reached = m.end()
        at = text.find(hint, max(at + 1, reached))
    return found


def _births(text: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    reached = 0
    for hint in _BIRTH_HINT.finditer(text):
        if hint.start() < reached:
            continue
        window = _BIRTH.finditer(text, max(reached, hint.start() - 15), hint.end() + 60)
        for m in window:
            found.append(m)
            reached = m.end()
    return found


def _letters_as_digits(text: str) -> str:
    """The text with o, l and i read as digits inside runs that are mostly digits already (at
    least five), character for character so offsets stay put."""
    runs = [
        m
        for m in _LETTERED_NUMBER.finditer(text)
        if sum(c.isdigit() for c in m.group()) >= 5 and not m.group().isdigit()
    ]
    if not runs:
        return text
    pieces = []
    done = 0
    for m in runs:
        pieces += [text[done : m.start()], m.group().translate(_AS_DIGITS)]
        done = m.end()
    return "".join(pieces) + text[done:]


def _phone_digits(text: str) -> str:
    digits = "".join(c for c in text if c.isdigit())
    if digits.startswith("0044"):
        digits = digits[2:]
    if digits.startswith("440"):
        digits = "44" + digits[3:]  # +44 (0)1229...
    return "0" + digits[2:] if digits.startswith("44") else digits


def _squash(text: str) -> str:
    return " ".join(text.lower().replace(",", " ").split())
