"""Checks that need the shape of the words, not just the words: greetings and requests to one
person (2.1), attacks on the government and political hashtags (2.1), discounts and promotion
codes (2.1), "18+" (2.3 age appropriate) and runs of one character or emoji (2.3 spam).

Each regular expression can only start at the beginning of a word and every repeat is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from croftpost.core.policy_profile import Category
from croftpost.core.textcheck.document import FULL_STOP, Doc, phrase_tokens
from croftpost.core.textcheck.findings import Hit, Spans

_NAME = r"[a-z](?:[a-z'-]{0,30}[a-z])?"  # a name, without a closing quote
# The name before "'s mum", and a "could" or "can" before the name.
_NAME_BEFORE = re.compile(
    r"(?:(?P<pre>could|can|would|will)\s{1,3})?(?<![a-z])([a-z][a-z-]{0,30})\Z"
)
# "20% off", "£5 off": starts with the digit or pound sign, then checks what came before it.
_DISCOUNT = re.compile(
    r"[\d£](?<![\w.].)(?:(?<=\d)\d{0,2}(?:\.\d{1,2})?\s?%|(?<=£)\s?\d{1,4}(?:\.\d\d)?)"
    r"\s?(?:off|discount)(?![a-z])"
)
_PROMO = re.compile(
    r"(?<![a-z])(?:(?:use|enter|apply|with|quote)\s+(?:the\s+|my\s+|our\s+|this\s+)?"
    r"(?:promo\s+|discount\s+|voucher\s+|coupon\s+|offer\s+)?code\s{0,3}:?\s{0,3}(?P<code>[a-z0-9]{3,20})"
    r"|(?:promo|discount|voucher|coupon)\s?codes?)(?![a-z0-9])"
)
# "for a £1 donation", "£2 contribution": money asked for.
_MONEY_ASK = re.compile(r"£\s?\d{1,4}(?:\.\d\d)?\s{1,3}(?:donation|contribution)s?(?![a-z])")
_ADULT = re.compile(r"(?<![\w+])18\s?\+(?![\w+])")
_HASHTAG = re.compile(r"(?<![\w#&])#([a-z0-9_]{2,60})(?![\w])")
# Ten or more of the same letter (looked for only in long words), or of the same non-ASCII
# character or pair (an emoji with a skin tone).
_LETTER_RUN = re.compile(r"([a-z])\1{9,}")
_REPEAT = re.compile(r"([^\x00-\x7f])\1{9,}")
_REPEAT_PAIR = re.compile(r"([^\x00-\x7f][^\x00-\x7f])\1{9,}")
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_SENTENCE_START = ".!?\n:;\"'(“"
_NAME_CHAR = re.compile(r"[a-z'-]")
_TO_YOU = re.compile(r"(?<![a-z])(?:you|your|you're|thanks|thank you)(?![a-z])")
# Where a sentence's first word starts (after any opening quote or bracket).
_OPENING = re.compile(r"(?:^|(?<=[.!?\n]))[ \t\"'(\u201c]*(?=[a-z])", re.MULTILINE)
_WORD_AT = re.compile(r"[a-z](?:[a-z'-]{0,30}[a-z])?")
_SEPARATOR = re.compile(r"\s{0,3}[,\u2013\u2014-]\s{1,3}|\s{0,3},")
# After "Karen, ...": the sentence speaks to her.
_THANKS = re.compile(r"(?:thank you|thanks|cheers|ta)(?![a-z])")
_SECOND_PERSON = re.compile(
    r"(?<![a-z])(?<!thank )(?:you|your|yours|you're|you've|you'll|youre|u|ur)(?![a-z'])"
    r"|(?<![a-z])(?:can|could|may) (?:i|we)(?![a-z])"
)
_ASKS = re.compile(r"(?:can|could|would|will|please|pls|plz|is it|are|did|do|have|let me know|"
                   r"text me|ring me|call me|message me)(?![a-z])")
_SENTENCE_END = re.compile(rf"[!?\n]|{FULL_STOP}")
# The start of the sentence a match sits in: after the last end mark (or the text's start).
_OPENING_BEFORE = re.compile(r"(?:^|(?<=[.!?\n]))[ \t\"'(\u201c]*(?=[^.!?\n]*\Z)")
# After "Hi," the writer speaking: "Hi, I've sent a message to the office".
_SPEAKING = frozenset({"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "we", "we're", "we've",
                       "we'd", "we'll"})
# "From Mr Okafor: please send me a message": who is speaking, not who is spoken to.
_SIGNED = re.compile(r"(?<![a-z])(?:from|by|love|signed)\s{1,3}\Z")
_SPOKEN_REACH = 160  # how far a sentence that speaks to someone is read and underlined
_SURNAME = re.compile(r"\s{1,3}([a-z][a-z'-]{0,30})(?=\s{0,3}[,\u2013\u2014-])")
_ABOUT = re.compile(r"(?:who|whose|which|our|the|a|an|one|head|chair|class|year)(?![a-z])")
# "Jade where are you", "Sophie you were", "Dan mate you...": no comma.
_SPOKEN = re.compile(
    r"\s{1,3}(?:(?:mate|love|hun|babe)\s{1,3})?"
    r"(?:(?:you|u|ur|your)(?![a-z'])"
    r"|(?:can|could|would|will|where|are|did|do|have|is)\s{1,3}(?:you|u|we|i|it)(?![a-z])"
    r"|(?:where|how|when|what)\s{1,3}(?:are|r|were|did|do)\s{1,3}(?:you|u)(?![a-z]))"
)


def alternation(phrases: Iterable[str]) -> str:
    """Normalised phrases as a regex alternation, longest first, spaces matching any spacing."""
    parts = {r"\s+".join(map(re.escape, phrase_tokens(p))) for p in phrases}
    return "|".join(sorted((p for p in parts if p), key=len, reverse=True)) or "(?!)"


class DirectMessageMatcher:
    """ "Dear Tom", "Happy birthday Jack", "Mrs Smith, please...", "Mr Kowalski – your son's...",
    "Could Jack's mum..." (2.1 messages to specific people). "Dear parents", "Hello Year 3",
    "Good luck to everyone" and thank-yous ("Thank you to Mrs Jones") pass."""

    def __init__(self, category: Category, pupil_first_names: Iterable[str] = (),
                 class_names: Iterable[str] = ()) -> None:
        self._pupils = frozenset(t for n in pupil_first_names for t in phrase_tokens(n)[:1])
        # A class is a group too: "Good morning Hedgehogs!" (the register's class names, unless
        # a pupil has that name: "Hi Rowan" stays a message to Rowan).
        classes = {t for name in class_names for t in phrase_tokens(name) if t.isalpha()}
        self._groups = frozenset(category.words("group_words")) | (classes - self._pupils)
        # "Jayden, your costume is in lost property": a pupil's first name, then "you(r)". Found
        # from the ", you" (a pattern starting with any name would be tried at every letter).
        self._vocative = re.compile(r",\s{0,3}(?:your|you|you're|you've)(?![a-z])")
        # "Emma W – thanks so much": a first name and an initial, then a dash or a comma; found
        # from the lone initial.
        self._initialled = re.compile(
            r"(?<=[a-z]\s)(?P<initial>[a-z])\.?\s{0,2}[,:\u2013\u2014-](?=\s)"
        )
        self._titles = frozenset(category.words("titles"))
        # "Happy birthday Mrs Kowalski!", "Thank you Mrs Fairclough, you taught all three of
        # mine": a public wish to a named adult is staff news, not a message to one person.
        wishes = category.words("well_wishes")
        self._wish = re.compile(rf"(?:{alternation(wishes)})(?![a-z])") if wishes else None
        titles = alternation(category.words("titles"))
        requests = alternation(category.words("request_words"))
        self._greeting = re.compile(
            rf"(?<![a-z0-9])(?:{alternation(category.words('greetings'))}),?\s{{1,3}}"
            rf"(?P<who>{_NAME})(?:\.?\s{{1,3}}(?P<next>{_NAME}))?"
        )
        self._request = re.compile(
            rf"(?<![a-z])(?:{titles})\.?\s{{1,3}}(?P<name>{_NAME})"
            rf"(?:\s{{0,3}}[,:\u2013\u2014-]\s{{0,3}}(?:{requests}|you|your|you're)"
            rf"|\s{{1,3}}(?:{requests}))(?![a-z])"
        )
        # "Karen, can Amelia come to ours?": a first name opening a sentence that speaks to her.
        spoken = "spoken_to" in category.rules
        self._first_names = frozenset(
            n.lower() for n in category.words("first_names") if spoken) - self._groups
        self._everyday = frozenset(category.words("everyday_names"))
        relations = alternation(category.words("relations"))
        # Anchored on "'s mum": a pattern starting with any name would be tried at every word.
        self._parent = re.compile(
            rf"'s\s{{1,3}}(?:{relations})(?P<post>\s{{0,3}}[,:]?\s{{0,3}}(?:{requests}))?(?![a-z])"
        )

    def find(self, doc: Doc) -> list[Hit]:
        hits = self._greetings(doc) + self._requests(doc)
        if "'s" in doc.text:
            hits += self._named_parent(doc)
        if self._pupils:
            for m in self._vocative.finditer(doc.text):
                who = _word_before(doc.text, m.start())
                if (
                    who is not None
                    and doc.text[who : m.start()] in self._pupils
                    and (doc.capitalised(who) and _at_sentence_start(doc, who))
                ):
                    hits.append(Hit("direct_message", "greeting", who, m.end()))
        for m in self._initialled.finditer(doc.text):
            who = _word_before(doc.text, m.start() - 1)
            if who is None:
                continue
            name = doc.text[who : m.start() - 1]
            rest = doc.text[m.end() : _sentence_end(doc.text, m.end(), 120)]
            if (
                _at_sentence_start(doc, who)
                and doc.capitalised(who)
                and doc.capitalised(m.start("initial"))
                and name not in self._groups
                and name not in self._titles
                and _TO_YOU.search(rest)
            ):
                hits.append(Hit("direct_message", "greeting", who, m.end("initial")))
        # The other rules underline more precisely: this one only where they found nothing.
        found = Spans(hits)
        return hits + [h for h in self._spoken_to(doc) if not found.overlap(h)]

    def _spoken_to(self, doc: Doc) -> list[Hit]:
        """Sentences that open with a first name, or a title and name, and speak to that person:
        "Karen, can Amelia come to ours?", "Mr Lomas, Jack won't be in", "Jade where are you??".
        Not "Mrs Jones, our Year 2 teacher, is retiring", nor "Hope you all had a good break"."""
        text, hits = doc.text, list[Hit]()
        if not self._first_names:
            return hits
        for opening in _OPENING.finditer(text):
            first = _WORD_AT.match(text, opening.end())
            if first is None or not doc.capitalised(first.start()):
                continue
            word = first.group()
            if word in self._titles:
                name = _WORD_AT.match(text, _skip_title(text, first.end()))
                if name is None or name.group().endswith("'s") or not doc.capitalised(name.start()):
                    continue
                end, everyday = name.end(), False
            elif word in self._first_names:
                end, everyday = _with_surname(doc, first.end()), word in self._everyday
            else:
                continue
            if self._speaks_to(text, end, everyday):  # underlined to the sentence's end
                hits.append(Hit("direct_message", "spoken_to", first.start(),
                                _sentence_end(text, end, _SPOKEN_REACH)))
        return hits

    @staticmethod
    def _speaks_to(text: str, end: int, everyday: bool) -> bool:
        separator = _SEPARATOR.match(text, end)
        if separator is None:
            return not everyday and _SPOKEN.match(text, end) is not None
        after = separator.end()
        rest = text[after : _sentence_end(text, after, _SPOKEN_REACH)]
        if _ABOUT.match(rest):
            return False  # "Mr Varley, who the class know well, ...": about them, not to them
        return bool(_THANKS.match(rest) or _ASKS.match(rest) or _SECOND_PERSON.search(rest))

    def _named_parent(self, doc: Doc) -> list[Hit]:
        """ "Jack's mum, please..." and "Could Jack's dad..." (not "Jack's mum baked a cake")."""
        hits = []
        for m in self._parent.finditer(doc.text):
            offset = max(0, m.start() - 50)
            name = _NAME_BEFORE.search(doc.text, offset, m.start())
            if name is None or not doc.capitalised(name.start(2)):
                continue
            if name.group("pre") or m.group("post"):
                hits.append(Hit("direct_message", "request", name.start(), m.end()))
        return hits

    def _greetings(self, doc: Doc) -> list[Hit]:
        """ "Dear Tom", "Hi Mrs Patel" (not "Happy birthday Mrs Kowalski")."""
        hits = []
        for m in self._greeting.finditer(doc.text):
            if self._wished_to_an_adult(m):
                continue
            if _at_sentence_start(doc, m.start()) and self._to_a_person(doc, m):
                end = m.end("next") if m.group("who") in self._titles else m.end("who")
                hits.append(Hit("direct_message", "greeting", m.start(), end))
        return hits

    def _requests(self, doc: Doc) -> list[Hit]:
        """ "Mrs Smith, please..." (not "From Mr Okafor: please", nor a wish to her)."""
        hits = []
        for m in self._request.finditer(doc.text):
            signed = _SIGNED.search(doc.text, max(0, m.start() - 12), m.start())
            if doc.capitalised(m.start("name")) and not signed and not self._wish_before(doc, m):
                hits.append(Hit("direct_message", "request", m.start(), m.end()))
        return hits

    def _wished_to_an_adult(self, m: re.Match[str]) -> bool:
        """ "Happy birthday Mrs Kowalski" (not "Happy birthday Tom", who may be a pupil)."""
        wish = m.group(0)[: m.start("who") - m.start()].strip(" ,")
        return (m.group("who") in self._titles and self._wish is not None
                and self._wish.fullmatch(wish) is not None)

    def _wish_before(self, doc: Doc, m: re.Match[str]) -> bool:
        """ "Thank you Mrs Fairclough, you taught all three of mine!": the title follows a wish
        that opens its sentence, and what follows asks nothing of her ("you", not "please")."""
        asks = not m.group(0).endswith(("you", "your", "you're"))
        if self._wish is None or asks:
            return False
        opening = _OPENING_BEFORE.search(doc.text, max(0, m.start() - 40), m.start())
        if opening is None:
            return False
        wish = self._wish.match(doc.text, opening.end())
        return wish is not None and not doc.text[wish.end() : m.start()].strip(" ,!")

    def _to_a_person(self, doc: Doc, m: re.Match[str]) -> bool:
        who = m.group("who")
        if who in _SPEAKING:
            return False  # "Hi, I've sent a message to the office": the writer, not a name
        if who in self._titles:
            return m.group("next") is not None
        # "Hi Oak class families": a class's name, then "class".
        if m.group("next") in self._groups:
            return False
        return who not in self._groups and doc.capitalised(m.start("who"))


def _sentence_end(text: str, start: int, reach: int) -> int:
    """Where the sentence running on from `start` ends, looking at most `reach` characters."""
    stop = _SENTENCE_END.search(text, start, start + reach)
    return stop.start() if stop else min(len(text), start + reach)


def _skip_title(text: str, end: int) -> int:
    """Past "Mr" and its full stop and spaces."""
    while end < len(text) and text[end] in ". \t":
        end += 1
    return end


def _with_surname(doc: Doc, end: int) -> int:
    """The end of "Carly" or, when a capitalised word and a comma or dash follow, of "Carly
    Steele"."""
    surname = _SURNAME.match(doc.text, end)
    return surname.end() if surname and doc.capitalised(surname.start(1)) else end


def _word_before(text: str, end: int) -> int | None:
    """Where the name ending at `end` starts (letters, ' and -), or None if there is none."""
    start = end
    while start > 0 and end - start <= 32 and _NAME_CHAR.match(text, start - 1):
        start -= 1
    return start if start < end and text[start].isalpha() else None


def _at_sentence_start(doc: Doc, start: int) -> bool:
    before = doc.text[max(0, start - 40) : start].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_START


class PoliticalMatcher:
    """Attacks on the government ("the government is useless") and political hashtags."""

    def __init__(self, category: Category, party_words: Iterable[str]) -> None:
        subjects = alternation(category.words("attack_subjects"))
        words = alternation(category.words("attack_words"))
        # The subject, then the judgement within the same sentence: "the government is useless",
        # "the government's cuts to school budgets are a disgrace", "this government simply
        # doesn't value teachers", "tell the Prime Minister he's failing our families".
        self._attack = re.compile(
            rf"(?<![a-z])(?P<subject>{subjects})(?:'s)?(?![a-z])"
            r"(?:[ \t]{1,3}[a-z0-9'’-]{1,20}[,;]?){0,12}?[ \t]{1,3}"
            rf"(?:{words})(?![a-z])"
        )
        # The judgement first: "it's shameful that this government wants to...".
        self._attack_first = re.compile(
            rf"(?<![a-z])(?:{words})(?:[ \t]{{1,3}}[a-z0-9'’-]{{1,20}}[,;]?){{0,6}}?[ \t]{{1,3}}"
            rf"(?P<subject>{subjects})(?![a-z])"
        )
        self._not_subjects = re.compile(r"(?:school|eco|pupil|class|junior|youth)[ \t-]{1,2}\Z")
        tags = {t.lower().lstrip("#") for t in category.words("hashtags")}
        for word in party_words:
            tag = "".join(phrase_tokens(word)).replace("'", "")
            tags.update({tag, f"vote{tag}", f"{tag}out", f"{tag}in"})
        self._hashtags = frozenset(t for t in tags if t)

    def find(self, doc: Doc) -> list[Hit]:
        text = doc.text
        hits = []
        for pattern in (self._attack, self._attack_first):
            hits += [
                Hit("political", "attack", m.start(), m.end())
                for m in pattern.finditer(text)
                if not self._not_subjects.search(
                    text, max(0, m.start("subject") - 8), m.start("subject")
                )
            ]
        if "#" in text:
            hits += [
                Hit("political", "hashtag", m.start(), m.end())
                for m in _HASHTAG.finditer(text)
                if m.group(1) in self._hashtags
            ]
        return hits


def commercial_hits(doc: Doc) -> list[Hit]:
    text = doc.text
    hits = []
    if "off" in text or "discount" in text:
        hits += [
            Hit("commercial", "discount", m.start(), m.end()) for m in _DISCOUNT.finditer(text)
        ]
    if "code" in text:
        for m in _PROMO.finditer(text):
            code = m.group("code")
            if code is None or _looks_like_code(doc, m.start("code"), code):
                hits.append(Hit("commercial", "promo_code", m.start(), m.end()))
    return hits


def _looks_like_code(doc: Doc, start: int, code: str) -> bool:
    """SAVE20 or SUMMER is a code; "the code below" and a gate's "1234" are not."""
    if code.isdigit():
        return False
    begin, end = doc.span(start, start + len(code))
    written = doc.original[begin:end]
    return written.isupper() or any(c.isdigit() for c in code)


def donation_hits(doc: Doc) -> list[Hit]:
    if "£" not in doc.text:
        return []
    return [Hit("donation", "ask", m.start(), m.end()) for m in _MONEY_ASK.finditer(doc.text)]


def age_hits(doc: Doc) -> list[Hit]:
    if "18" not in doc.text:
        return []
    return [
        Hit("age_inappropriate", "adult", m.start(), m.end()) for m in _ADULT.finditer(doc.text)
    ]


def spam_hits(doc: Doc) -> list[Hit]:
    text = doc.text
    hits = [
        Hit("spam", "repeats", doc.starts[i] + m.start(), doc.starts[i] + m.end())
        for i, word in enumerate(doc.words)
        if len(word) >= 10 and (m := _LETTER_RUN.search(word))
    ]
    if text.isascii():
        return hits
    hits += [Hit("spam", "repeats", m.start(), m.end()) for m in _REPEAT.finditer(text)]
    hits += [Hit("spam", "repeats", m.start(), m.end()) for m in _REPEAT_PAIR.finditer(text)]
    emoji = _EMOJI.findall(text)
    if not hits and len(emoji) >= 15 and len(emoji) * 3 >= len("".join(text.split())):
        hits.append(Hit("spam", "repeats", 0, len(text)))
    return hits
