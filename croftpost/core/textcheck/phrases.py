"""Every word list of the profile in one dictionary, keyed by first word.

A draft is checked with one dictionary look-up per word instead of one regular expression per
listed phrase, which keeps a check on every keystroke well inside a few milliseconds however
long the lists grow.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from croftpost.core.textcheck.document import Doc, leet_keys, phrase_tokens


@dataclass(frozen=True, slots=True)
class Entry:
    tokens: tuple[str, ...]
    category: str
    rule: str
    capitalised: bool = False  # counts only with a capital first letter in the original
    leet: bool = False  # may be written with digits or symbols for letters (abusive words)
    payload: Hashable = None  # what the entry stands for, for matchers that need more


@dataclass(frozen=True, slots=True)
class PhraseHit:
    entry: Entry
    start: int  # normalised offsets of the words found, without a possessive 's
    end: int


class PhraseIndex:
    def __init__(self) -> None:
        self._by_first: dict[str, list[Entry]] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_first.values())

    def add(self, phrase: str, category: str, rule: str, **flags: object) -> None:
        tokens = phrase_tokens(phrase)
        if tokens:
            entry = Entry(tokens, category, rule, **flags)  # type: ignore[arg-type]
            bucket = self._by_first.setdefault(tokens[0], [])
            if entry not in bucket:
                bucket.append(entry)
                bucket.sort(key=lambda e: -len(e.tokens))  # longest phrase first

    def scan(self, doc: Doc) -> list[PhraseHit]:
        """Every listed phrase in the draft: the longest per category at each word."""
        hits: list[PhraseHit] = []
        by_first = self._by_first
        # Most words start no listed phrase: find the few that might in one C-speed pass.
        candidates = [(i, w) for i, w in enumerate(doc.words) if w in by_first or not w.isalpha()]
        for i, word in candidates:
            entries = by_first.get(word)
            if entries is None and word.endswith("'s"):
                entries = by_first.get(word[:-2])
            if entries is None and not word.isalpha():
                entries = self._leet_entries(word)
            if entries:
                self._match_at(doc, i, entries, hits)
        return hits

    def _leet_entries(self, word: str) -> list[Entry] | None:
        if word.isdigit():
            return None
        found = [e for key in leet_keys(word) for e in self._by_first.get(key, ()) if e.leet]
        return found or None

    def _match_at(self, doc: Doc, i: int, entries: list[Entry], hits: list[PhraseHit]) -> None:
        seen: set[str] = set()
        for entry in entries:
            if entry.category in seen:
                continue
            end = match_end(doc, i, entry)
            if end is None:
                continue
            if entry.capitalised and not doc.capitalised(doc.starts[i]):
                continue
            seen.add(entry.category)
            hits.append(PhraseHit(entry, doc.starts[i], end))


def match_end(doc: Doc, i: int, entry: Entry) -> int | None:
    """The normalised end of entry matched at word i, or None when it does not match."""
    words, tokens = doc.words, entry.tokens
    last = i + len(tokens) - 1
    if last >= len(words):
        return None
    end = doc.ends[last]
    for k, token in enumerate(tokens):
        word = words[i + k]
        if word == token:
            continue
        if word.endswith("'s") and word[:-2] == token and i + k == last:
            end -= 2  # "Starmer's": the name without its 's
        elif not (entry.leet and token in leet_keys(word)):
            return None
    for k in range(i, last):  # the words matched: are they one phrase, not two sentences?
        if not doc.joined(k, k + 1):
            return None
    return end
