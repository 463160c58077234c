"""Abusive words (2.1, 2.3) however they are disguised, without the Scunthorpe problem.

Plain words, words hidden by zero-width characters, accents or look-alike letters, and words
in phrases are found by the phrase index on the normalised text. This module adds the word list's
endings (shitty, twatted) and finds what the index can't see as words: digits and symbols for
letters (sh1t, @rse, f*ck), stretched letters (shiiiit) and spaced or dotted letters (s h i t,
f.u.c.k). Only ever whole words: "Scunthorpe", "Cockermouth" and "assess" are single words that
are not on the list, so they pass.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from croftpost.core.textcheck.document import Doc, leet_keys, phrase_tokens
from croftpost.core.textcheck.findings import Hit

CATEGORY = "abusive"
RULE = "word"

_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!|*'")
_TOKEN = re.compile(r"[a-z0-9@$!|*']+")
# Where a word may be disguised: a digit or symbol against a letter, or a letter three times over.
# Two simple patterns are several times faster than one with alternatives.
_HINTS = (re.compile(r"[0-9@$!|*](?:(?<=[a-z].)|(?=[a-z]))"), re.compile(r"([a-z])\1\1"))
# Three or more single letters with the same separator between them: "s h i t", "f.u.c.k".
# A look-ahead, so that "s h i t f.u.c.k" yields both runs although they share the "f".
_SPACED = re.compile(
    r"(?<![a-z0-9@$!|])(?=([a-z0-9@$!|](?P<sep>[\s.\-_*,+/\\~:]{1,3})[a-z0-9@$!|]"
    r"(?:(?P=sep)[a-z0-9@$!|]){1,40})(?![a-z0-9@$!|]))"
)
_MAX_PAIR = 24  # longest spaced run tried as two listed words back to back
_PAD = 4  # characters around a run of one-letter words where disguising symbols may stand
_RUN = re.compile(r"([a-z])\1{2,}")
_SPLITTERS = ".-_*"  # one of these between two pieces of a word may be hiding it
_DISGUISES = frozenset("0123456789@$!|")  # standing for a letter inside a word: p!g, id10t
_ENDINGS = ("s", "ed", "er", "ers", "ing", "in", "y")


def expand(entries: Iterable[str]) -> tuple[set[str], list[str]]:
    """(single words with their endings, phrases) from a word list's lines."""
    words: set[str] = set()
    phrases: list[str] = []
    never: set[str] = set()
    for line in entries:
        if line.startswith("~"):
            continue  # see masked_only
        exact, text = line.startswith("="), line.lstrip("=-")
        tokens = phrase_tokens(text)
        if line.startswith("-"):
            never.add(" ".join(tokens))
        elif len(tokens) > 1:
            phrases.append(" ".join(tokens))
        elif tokens:
            words.update([tokens[0]] if exact else inflections(tokens[0]))
    return words - never, phrases


def masked_only(entries: Iterable[str]) -> set[str]:
    """Words flagged only when written disguised ("~pig": "lazy p!g", never "three little pigs"):
    hiding the word shows it was meant as an insult."""
    words: set[str] = set()
    for line in entries:
        if line.startswith("~"):
            tokens = phrase_tokens(line[1:])
            if len(tokens) == 1:
                words.update(inflections(tokens[0]))
    return words


def inflections(word: str) -> set[str]:
    """The word with English endings: shit -> shits, shitty, shitting; arse -> arsed."""
    forms = {word}
    stem = word[:-1] if word.endswith("e") else word
    for ending in _ENDINGS:
        forms.add((stem if ending[0] in "eiy" else word) + ending)
    if word.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(word + "es")
    if len(word) >= 3 and _doubles(word):
        forms.update(word + word[-1] + e for e in ("ed", "er", "ers", "ing", "in", "y"))
    return forms


def _doubles(word: str) -> bool:
    """True when English doubles the last letter before an ending (shit -> shitty)."""
    vowels = "aeiou"
    return word[-1] not in vowels + "wxy" and word[-2] in vowels and word[-3] not in vowels


class DisguiseMatcher:
    def __init__(self, words: set[str], masked: set[str] | None = None,
                 category: str = CATEGORY, rule: str = RULE) -> None:
        self._category, self._rule = category, rule  # what a found word is reported as
        self._words = words
        self._masked = (masked or set()) | words  # what a visibly disguised word may stand for
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in words:
            self._by_length[len(word)].append(word)

    def find(self, doc: Doc) -> list[Hit]:
        return self._disguised_words(doc.text) + self._spaced_runs(doc) + self._split_words(doc)

    def _split_words(self, doc: Doc) -> list[Hit]:
        """One symbol splitting a word in two: "sh-it", "fu.ck", "s.hit", or standing for a
        letter: "f_ck". Only the two pieces joined, with nothing but that symbol between
        them, so "cock-a-doodle" or "as-sess" are never read as one word."""
        hits = []
        for i in range(len(doc.words) - 1):
            gap_start, gap_end = doc.ends[i], doc.starts[i + 1]
            if gap_end - gap_start != 1 or doc.text[gap_start] not in _SPLITTERS:
                continue
            if self._glued_on(doc, i) or self._glued_on(doc, i + 2):
                continue
            left, right = doc.words[i], doc.words[i + 1]
            joined = left + right
            starred = f"{left}*{right}"
            if (len(joined) >= 3 and self._known(joined)) or (
                doc.text[gap_start] in "_*" and self._wildcard(starred)
            ):
                hits.append(Hit(self._category, self._rule, doc.starts[i], doc.ends[i + 1]))
        return hits

    @staticmethod
    def _glued_on(doc: Doc, word: int) -> bool:
        """True when word `word` is attached to its neighbour by a symbol too (a longer chain,
        such as a web address or a date, is not one disguised word)."""
        if word <= 0 or word >= len(doc.words):
            return False
        gap = doc.text[doc.ends[word - 1] : doc.starts[word]]
        return len(gap) == 1 and gap in _SPLITTERS

    def _disguised_words(self, text: str) -> list[Hit]:
        hits = []
        reached = 0
        for start in sorted(m.start() for hint in _HINTS for m in hint.finditer(text)):
            if start < reached:
                continue  # another hint in a word already looked at
            while start > reached and text[start - 1] in _TOKEN_CHARS:
                start -= 1
            token = _TOKEN.match(text, start)
            if token is None:
                continue
            reached = token.end()
            found = self._suspect(token.group(), start)
            if found:
                hits.append(found)
        return hits

    def _spaced_runs(self, doc: Doc) -> list[Hit]:
        """Spaced letters appear as one-letter words: only around those is the pattern tried."""
        hits: list[Hit] = []
        singles = [i for i, w in enumerate(doc.words) if len(w) == 1]
        reached = -1
        for k in range(len(singles) - 1):
            i = singles[k]
            if singles[k + 1] != i + 1 or doc.starts[i] < reached:
                continue
            last = k + 1
            while last + 1 < len(singles) and singles[last + 1] == singles[last] + 1:
                last += 1
            low = max(0, doc.starts[i] - _PAD)
            high = min(len(doc.text), doc.ends[singles[last]] + _PAD)
            for match in _SPACED.finditer(doc.text, low, high):
                # A run starting inside the last one is its tail; one starting on its last letter
                # is the next run ("s h i t f.u.c.k": the "f" is shared).
                if match.start(1) >= reached - 1:
                    reached = match.end(1)
                    hits += self._spaced(match.group(1), match.start(1), match.group("sep"))
            reached = max(reached, high)
        return hits

    def _spaced(self, run: str, start: int, sep: str) -> list[Hit]:
        """The whole run, the run less a letter at one end (which may belong to the next word:
        "s h i t f.u.c.k"), or two listed words back to back ("c u n t s h i t"). Never a
        piece from the middle on its own, so "s c u n t h o r p e" passes."""
        step = len(sep) + 1
        letters = run[::step]

        def hit(first: int, last: int) -> Hit:
            begin, end = start + first * step, start + (last - 1) * step + 1
            return Hit(self._category, self._rule, begin, end)

        for first, last in ((0, len(letters)), (0, len(letters) - 1), (1, len(letters))):
            if self._spaced_word(letters[first:last]):
                return [hit(first, last)]
        for cut in range(3, len(letters) - 2 if len(letters) <= _MAX_PAIR else 0):
            if self._spaced_word(letters[:cut]) and self._spaced_word(letters[cut:]):
                return [hit(0, cut), hit(cut, len(letters))]
        return []

    def _spaced_word(self, piece: str) -> bool:
        return len(piece) >= 3 and any(c.isalpha() for c in piece) and self._known(piece)

    def _suspect(self, token: str, start: int) -> Hit | None:
        core = token.strip("'!")
        if core.endswith("*") and not core.endswith("**"):
            core = core[:-1]  # a footnote star, not a hidden letter
        core = core.lstrip("*")
        if not core or not any(c.isalpha() for c in core):
            return None
        begin = start + token.index(core)
        plain = core.replace("'", "")
        disguised = any(c in _DISGUISES for c in plain)
        found = self._wildcard(core) if "*" in core else self._known(plain, disguised)
        return Hit(self._category, self._rule, begin, begin + len(core)) if found else None

    def _known(self, token: str, disguised: bool = False) -> bool:
        words = self._masked if disguised else self._words
        for key in leet_keys(token):
            if key in words:
                return True
            if _RUN.search(key) and (
                _RUN.sub(r"\1", key) in words or _RUN.sub(r"\1\1", key) in words
            ):
                return True
        return False

    def _wildcard(self, token: str) -> bool:
        """f*ck, s**t: stars stand for hidden letters; the rest must agree with a listed word."""
        if token[0] == "*" or sum(c.isalpha() for c in token) < 1:
            return False
        for key in leet_keys(token.replace("*", "\0")):
            pattern = key.replace("\0", "*")
            for word in self._by_length.get(len(pattern), ()):
                if all(p == "*" or p == w for p, w in zip(pattern, word, strict=True)):
                    return True
        return False
