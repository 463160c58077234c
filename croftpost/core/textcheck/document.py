"""A draft prepared once per check: normalised text, its words, and the way back to the original."""

from __future__ import annotations

import re

from croftpost.core.textcheck.normalise import Normalised, normalise
from croftpost.core.textcheck.readings import Reading

# A word: letters and digits, with inner apostrophes (don't, o'neill, ava's).
WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
# What may stand between the words of one phrase or one name: spaces, line breaks, hyphens.
_JOINERS = " \t\r\n\f\v-_/\u00a0"
# A full stop that ends a sentence: not the point in "£8.50" or "at 3.15".
FULL_STOP = r"(?:(?<!\d)\.|\.(?!\d))"
_SENTENCE_END = re.compile(rf"[!?\n;]|{FULL_STOP}")
_SENTENCE_REACH = 300  # context is looked for this far either side, so long drafts stay fast

# Digits and symbols used for letters. "1" and "|" stand for i or l, so both are tried.
LEET = str.maketrans(
    {
        "0": "o",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "8": "b",
    }
)
LEET_AMBIGUOUS = ("1", "|")


def leet_keys(token: str) -> list[str]:
    """The plain words a disguised token may stand for: "sh1t" -> ["shit", "shlt"]."""
    base = token.translate(LEET)
    keys = [base]
    for symbol in LEET_AMBIGUOUS:
        if symbol in base:
            keys = [k.replace(symbol, "i") for k in keys] + [k.replace(symbol, "l") for k in keys]
    return keys


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """How a profile's phrase is split into words, the same way as a draft."""
    return tuple(WORD.findall(normalise(phrase).text))


class Doc:
    """The draft as the matchers see it. Offsets are into `norm.text` unless named original.

    Given a reading of the draft (in display order, say), the matchers read that instead, and
    spans still lead back to the characters as typed.
    """

    def __init__(self, original: str, shown: Reading | None = None) -> None:
        self.original = original
        self.shown = shown
        self.norm: Normalised = normalise(original if shown is None else shown.text)
        self.text = self.norm.text
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for match in WORD.finditer(self.text):
            words.append(match.group())
            starts.append(match.start())
            ends.append(match.end())
        self.words = words
        self.starts = starts
        self.ends = ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The typed [start, end) behind normalised text[start:end]."""
        begin, finish = self.norm.span(start, end)
        if self.shown is None:
            return begin, finish
        typed = self.shown.source[begin:finish]
        if not typed:
            at = self.shown.source[begin] if begin < len(self.shown.source) else len(self.original)
            return at, at
        return min(typed), max(typed) + 1

    def quote(self, start: int, end: int) -> str:
        """The words behind normalised text[start:end] as a reader sees them."""
        begin, finish = self.norm.span(start, end)
        return (self.original if self.shown is None else self.shown.text)[begin:finish]

    def joined(self, left: int, right: int) -> bool:
        """True when words left and right (= left + 1) are separated only by spaces or hyphens."""
        gap = self.text[self.ends[left] : self.starts[right]]
        return not gap.strip(_JOINERS)

    def capitalised(self, start: int) -> bool:
        """True when the original character behind normalised offset start is a capital."""
        begin, end = self.span(start, start + 1)
        return self.original[begin:end][:1].isupper()

    def sentence(self, start: int, end: int) -> str:
        """The normalised sentence around [start, end), for context words."""
        text = self.text
        low, high = max(0, start - _SENTENCE_REACH), min(len(text), end + _SENTENCE_REACH)
        left = low
        for mark in _SENTENCE_END.finditer(text, low, start):
            left = mark.end()
        right = _SENTENCE_END.search(text, end, high)
        return text[left : right.start() if right else high]

    def paragraph(self, start: int, end: int) -> str:
        """The normalised line around [start, end) (at most a few hundred characters each side)."""
        text = self.text
        low, high = max(0, start - _SENTENCE_REACH), min(len(text), end + _SENTENCE_REACH)
        right = text.find("\n", end, high)
        return text[text.rfind("\n", low, start) + 1 or low : high if right < 0 else right]
