"""Pupils' names (2.1: no names of individuals unless they have given consent).

A full name of a pupil without name consent for the channel blocks, also written surname first
("HOLLOWAY, Jacob", as on a certificate list); a first name alone warns, because it may be
another child or an ordinary word. A pupil's surname after another capitalised name ("Izzy
Pennington-Hughes": a nickname, or a parent) warns. A protected pupil's full name, their
surname after any name, or their first name with their class named nearby ("Ava in Class 3"),
blocks whatever the consents.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from croftpost.core.policy_profile import Category
from croftpost.core.textcheck.document import Doc, phrase_tokens
from croftpost.core.textcheck.findings import Hit, PupilName
from croftpost.core.textcheck.phrases import Entry, match_end

CATEGORY = "pupil_name"
_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th)?\Z")
# "in May", "end of June": a month, not a pupil.
_BEFORE_MONTH = frozenset(
    ("in", "of", "during", "since", "until", "by", "early", "late", "mid", "this", "next", "last")
    + ("from", "to", "throughout", "before", "after", "end", "start", "beginning")
)


_Classes = dict[tuple[str, ...], list[tuple[int, int]]]  # class name words -> where named
_TITLE_LINKS = frozenset(("of", "the", "a", "called", "titled", "entitled", "about"))
_QUOTES = {"\"": "\"", "\u201c": "\u201d", "\u2018": "\u2019", "'": "'"}
_QUOTE_REACH = 80


def _quoted_with_others(doc: Doc, word: int) -> bool:
    """True when word sits inside a quotation of at least two words on one line."""
    text, start, end = doc.text, doc.starts[word], doc.ends[word]
    line_start = text.rfind("\n", max(0, start - _QUOTE_REACH), start) + 1
    for opening, closing in _QUOTES.items():
        left = text.rfind(opening, max(line_start, start - _QUOTE_REACH), start)
        if left < 0 or (opening == "'" and left > 0 and text[left - 1].isalnum()):
            continue  # an apostrophe inside a word ("o'neill") opens nothing
        right = text.find(closing, end, end + _QUOTE_REACH)
        if right < 0 or "\n" in text[end:right]:
            continue
        if len(text[left + 1 : right].split()) >= 2:
            return True
    return False


def _near(a: str, b: str) -> bool:
    """Within two edits: "Tysen" is a slip for "Tyson", and still this pupil's name."""
    if abs(len(a) - len(b)) > 2:
        return False
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1] <= 2


def _class_key(pupil: PupilName) -> tuple[str, ...]:
    return phrase_tokens(pupil.class_name)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    pupils: tuple[int, ...]  # indexes into the context's pupils


class NameMatcher:
    def __init__(self, pupils: tuple[PupilName, ...], category: Category) -> None:
        self._pupils = pupils
        self._window = int(category.options.get("class_window", 40))
        self._calendar = frozenset(category.words("calendar_words"))
        self._titles = frozenset(category.words("adult_titles"))
        self._title_cues = frozenset(category.words("title_cues"))
        self._not_surnames = frozenset(category.words("not_surnames"))
        self._pupil_surnames = frozenset(w for p in pupils for w in phrase_tokens(p.last_name))
        self._by_first: dict[str, list[Entry]] = {}
        self._by_last: dict[str, list[Entry]] = defaultdict(list)
        for index, pupil in enumerate(pupils):
            surname = phrase_tokens(pupil.last_name)
            if surname:
                self._by_last[surname[0]].append(Entry(surname, CATEGORY, "surname", payload=index))
            self._add(f"{pupil.first_name} {pupil.last_name}", "full", index)
            self._add(pupil.first_name, "first", index)
            if pupil.protected and pupil.class_name.strip():
                self._add(pupil.class_name, "class", phrase_tokens(pupil.class_name))
        for bucket in self._by_first.values():
            bucket.sort(key=lambda e: -len(e.tokens))

    def _add(self, name: str, kind: str, payload: object) -> None:
        tokens = phrase_tokens(name)
        entry = Entry(tokens, CATEGORY, kind, payload=payload)
        bucket = self._by_first.setdefault(tokens[0], []) if tokens else []
        if tokens and entry not in bucket:
            bucket.append(entry)

    def find(self, doc: Doc, channel: str) -> list[Hit]:
        if not self._pupils:
            return []
        full, first, classes = self._scan(doc)
        hits = [hit for found in full if (hit := self._judge_full(found, channel))]
        hits += self._surnames(doc, channel, [(f.start, f.end) for f in full])
        for found, word in first:
            hit = self._judge_first(doc, found, word, channel, classes)
            if hit:
                hits.append(hit)
        return hits

    def _scan(self, doc: Doc) -> tuple[list[_Found], list[tuple[_Found, int]], _Classes]:
        full: dict[tuple[int, int], list[int]] = defaultdict(list)
        first: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        classes: _Classes = defaultdict(list)
        covered_until = -1  # words inside a full name are not also first names
        firsts = self._by_first
        candidates = [
            (i, w)
            for i, w in enumerate(doc.words)
            if w in firsts or (w[-2:] == "'s" and w[:-2] in firsts)
        ]
        for i, word in candidates:
            entries = firsts.get(word)
            if entries is None:
                entries = firsts.get(word[:-2])
            for entry in entries or ():
                end = match_end(doc, i, entry)
                if end is None:
                    continue
                if entry.rule == "full":
                    full[(doc.starts[i], end)].append(entry.payload)  # type: ignore[arg-type]
                    covered_until = max(covered_until, i + len(entry.tokens) - 1)
                elif entry.rule == "class":
                    classes[entry.payload].append((doc.starts[i], end))  # type: ignore[index]
                elif i > covered_until:
                    first[(doc.starts[i], end, i)].append(entry.payload)  # type: ignore[arg-type]
        return (
            [_Found(s, e, tuple(p)) for (s, e), p in full.items()],
            [(_Found(s, e, tuple(p)), i) for (s, e, i), p in first.items()],
            classes,
        )

    def _surnames(self, doc: Doc, channel: str, full: list[tuple[int, int]]) -> list[Hit]:
        """ "HOLLOWAY, Jacob" (surname first: the full name) and "Izzy Pennington-Hughes" (the
        surname after another name)."""
        hits = []
        for i, word in enumerate(doc.words):
            for entry in self._by_last.get(word.removesuffix("'s"), ()):
                end = match_end(doc, i, entry)
                start = doc.starts[i]
                if end is None or not doc.capitalised(start):
                    continue
                if any(s <= start < e for s, e in full):
                    continue  # the surname of a full name already found
                index = entry.payload
                assert isinstance(index, int)
                pupil = self._pupils[index]
                after = i + len(entry.tokens)
                if self._first_name_at(doc, after, pupil):
                    hit = self._judge_full(_Found(start, doc.ends[after], (index,)), channel)
                elif i > 0 and self._another_name_before(doc, i):
                    hit = self._judge_surname(doc.starts[i - 1], end, pupil, channel)
                else:
                    hit = None
                if hit:
                    hits.append(hit)
                    break
        return hits

    def _first_name_at(self, doc: Doc, word: int, pupil: PupilName) -> bool:
        first = phrase_tokens(pupil.first_name)
        if not first or word >= len(doc.words) or doc.words[word].removesuffix("'s") != first[0]:
            return False
        gap = doc.text[doc.ends[word - 1] : doc.starts[word]]
        return gap.strip(" ") in ("", ",") and doc.capitalised(doc.starts[word])

    def _another_name_before(self, doc: Doc, word: int) -> bool:
        before = doc.words[word - 1]
        return (
            doc.joined(word - 1, word)
            and doc.capitalised(doc.starts[word - 1])
            and before not in self._titles
            and before.isalpha()
        )

    def _judge_surname(self, start: int, end: int, pupil: PupilName, channel: str) -> Hit | None:
        if pupil.protected:
            return Hit(CATEGORY, "protected", start, end)
        if channel not in pupil.name_consent:
            return Hit(CATEGORY, "surname", start, end)
        return None

    def _judge_full(self, found: _Found, channel: str) -> Hit | None:
        pupils = [self._pupils[i] for i in found.pupils]
        if any(p.protected for p in pupils):
            return Hit(CATEGORY, "protected", found.start, found.end)
        if any(channel not in p.name_consent for p in pupils):
            return Hit(CATEGORY, "full_name", found.start, found.end)
        return None

    def _judge_first(
        self,
        doc: Doc,
        found: _Found,
        word: int,
        channel: str,
        classes: _Classes,
    ) -> Hit | None:
        pupils = [self._pupils[i] for i in found.pupils]
        for pupil in pupils:
            if pupil.protected and self._class_nearby(found, classes.get(_class_key(pupil), ())):
                return Hit(CATEGORY, "protected", found.start, found.end)
        if not doc.capitalised(found.start) or self._is_month(doc, word):
            return None  # "saying grace", "3 May": a word, not a name
        if word > 0 and doc.words[word - 1] in self._titles and doc.joined(word - 1, word):
            return None  # "Miss Grace Hamer": a member of staff or a parent
        if not any(p.protected for p in pupils) and (
            self._in_a_title(doc, word) or self._someone_elses_name(doc, word, pupils)
        ):
            return None  # "the story of Daniel in the Lions' Den", "our visitor Grace Darling"
        if any(p.protected for p in pupils):
            return Hit(CATEGORY, "protected_first_name", found.start, found.end)
        if any(channel not in p.name_consent for p in pupils):
            return Hit(CATEGORY, "first_name", found.start, found.end)
        return None

    def _in_a_title(self, doc: Doc, word: int) -> bool:
        """A first name in quotes with other words ("'Joseph and his Brothers'"), or straight
        after a word naming a work: "the pantomime Aladdin", "the story of Daniel"."""
        if _quoted_with_others(doc, word):
            return True
        at = word - 1
        while at >= 0 and doc.words[at] in _TITLE_LINKS and word - at <= 2:
            at -= 1
        return at >= 0 and word - at <= 3 and doc.words[at] in self._title_cues

    def _someone_elses_name(self, doc: Doc, word: int, pupils: list[PupilName]) -> bool:
        """The first name of someone else's full name ("our author visit from Holly Webb"): a
        capitalised word follows that is no pupil's surname, nor a slip for this pupil's."""
        after = word + 1
        if after >= len(doc.words) or not doc.joined(word, after):
            return False
        surname = doc.words[after].removesuffix("'s")
        if (not surname.isalpha() or not doc.capitalised(doc.starts[after])
                or surname in self._not_surnames or surname in self._pupil_surnames):
            return False
        return not any(_near(surname, t) for p in pupils for t in phrase_tokens(p.last_name))

    def _class_nearby(self, found: _Found, places: list[tuple[int, int]] | tuple[()]) -> bool:
        return any(
            start - found.end <= self._window and found.start - end <= self._window
            for start, end in places
        )

    def _is_month(self, doc: Doc, word: int) -> bool:
        if doc.words[word].removesuffix("'s") not in self._calendar:
            return False
        before = doc.words[word - 1] if word > 0 else ""
        after = doc.words[word + 1] if word + 1 < len(doc.words) else ""
        return bool(_ORDINAL.match(before) or _ORDINAL.match(after) or before in _BEFORE_MONTH)
