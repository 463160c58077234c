"""The meaning layer: a small linear classifier that reads whole sentences.

Word lists see words; they cannot see "with yet more cuts from those who should know better" or
"we all know what goes on in that house". This model reads each sentence as a bag of words,
word pairs and letter groups (3 to 5 letters inside a word, so "disgraceful" and "disgrace"
share most of their features and misspellings still count), weighted by TF-IDF, and a
multinomial logistic regression trained on the labelled corpus in tests/corpus/meaning says how
much each sentence reads like each category. `scripts/train_meaning.py` trains it and writes
the weights, the vocabulary and the two thresholds per category (warn, block) chosen on
cross-validated predictions; this module only reads the file and scores, in NumPy.

It reads the normalised text (lower case, look-alike letters folded, hidden characters gone),
so the disguises the rules see through are seen through here too.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np

from croftpost.errors import BadInput

# A word as the model sees it: the same as document.WORD (letters, digits, inner apostrophes).
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
# A sentence: up to and including its end mark, or a line.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
CHAR_SIZES = (3, 4, 5)
_CACHE_LIMIT = 50_000  # words whose letter groups are remembered between checks
_MIN_LETTERS = 12  # a shorter "sentence" is read together with its neighbours
MIN_WORDS = 5  # the fewest words the classifier judges...
MIN_KNOWN = 4  # ...of which this many different ones it learnt


def word_features(text: str) -> list[str]:
    """Words and adjacent word pairs."""
    words = _WORD.findall(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def char_features(word: str) -> list[str]:
    """Letter groups of 3-5 within one word padded with spaces: " cut", "cuts ", ..."""
    padded = f" {word} "
    return [padded[i : i + n] for n in CHAR_SIZES for i in range(len(padded) - n + 1)]


def all_features(text: str) -> Iterator[str]:
    """Every feature of a text, as training counts them (word features prefixed "w:")."""
    for feature in word_features(text):
        yield "w:" + feature
    for word in _WORD.findall(text):
        yield from char_features(word)


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences in text; very short ones joined to the one before."""
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        if spans and _few_letters(text, start, end) and "\n" not in text[spans[-1][1] : start]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


_LETTER = re.compile(r"[^\W\d_]")


def _few_letters(text: str, start: int, end: int) -> bool:
    """Fewer than _MIN_LETTERS letters in text[start:end] (stops counting there)."""
    return sum(1 for _ in islice(_LETTER.finditer(text, start, end), _MIN_LETTERS)) < _MIN_LETTERS


PASSAGE_SENTENCES = 3  # a long draft is read in passages of this many sentences...
PASSAGE_STRIDE = 2  # ...each starting this many sentences after the last, so they overlap


def passages(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stretches of a few sentences, the length of the posts the model learnt from: a political
    aside in a long newsletter is read with its neighbours, not drowned by the whole."""
    if len(spans) <= PASSAGE_SENTENCES:
        return [(spans[0][0], spans[-1][1])] if spans else []
    found = []
    for first in range(0, len(spans) - PASSAGE_SENTENCES + PASSAGE_STRIDE, PASSAGE_STRIDE):
        last = min(first + PASSAGE_SENTENCES, len(spans)) - 1
        found.append((spans[first][0], spans[last][1]))
    return found


@dataclass(frozen=True)
class Reading:
    """How much one stretch of text reads like each category."""

    start: int
    end: int
    scores: dict[str, float]


class MeaningModel:
    """The trained weights, read once; `read(text)` scores each sentence of a normalised text."""

    def __init__(self, path: Path) -> None:
        try:
            with path.open("rb") as file, np.load(file, allow_pickle=False) as data:
                self.classes: tuple[str, ...] = tuple(str(c) for c in data["classes"])
                words = str(data["words"].item()).split("\n")
                chars = str(data["chars"].item()).split("\n")
                self._idf = data["idf"].astype(np.float32)
                self._weights = data["weights"].astype(np.float32)  # features x classes
                self._intercept = data["intercept"].astype(np.float32)
                self.warn_at = dict(zip(self.classes, data["warn_at"].tolist(), strict=True))
                self.block_at = dict(zip(self.classes, data["block_at"].tolist(), strict=True))
                self.trained_on = str(data["trained_on"].item())
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise BadInput(f"The meaning model {path.name} can't be read ({exc}).") from None
        self._words = {w: i for i, w in enumerate(words) if w}
        offset = len(words)
        self._chars = {c: offset + i for i, c in enumerate(chars) if c}
        if self._weights.shape != (offset + len(chars), len(self.classes)):
            raise BadInput(f"The meaning model {path.name} is damaged: its sizes disagree.")
        self._char_cache: dict[str, tuple[int, ...]] = {}

    def read(self, text: str) -> list[Reading]:
        """Each passage of `text` (normalised) with its score for every category."""
        return self.read_spans(text, passages(sentences(text)))

    def strongest(self, text: str) -> dict[str, float]:
        """Each category's score in the passage of `text` (normalised) that reads most like it:
        what the checker compares with the thresholds."""
        best = dict.fromkeys(self.classes, 0.0)
        for reading in self.read(text):
            for category, value in reading.scores.items():
                best[category] = max(best[category], value)
        return best

    def read_spans(self, text: str, spans: list[tuple[int, int]]) -> list[Reading]:
        # A few words carry too little meaning to judge ("Quiz night"), and nor does a string of
        # words the model never met ("b b mp bmp"): the rules alone read those.
        spans = [(s, e) for s, e in spans if self._readable(text, s, e)]
        if not spans:
            return []
        scores = self._probabilities([text[s:e] for s, e in spans])
        return [Reading(s, e, dict(zip(self.classes, row.tolist(), strict=True)))
                for (s, e), row in zip(spans, scores, strict=True)]

    def _readable(self, text: str, start: int, end: int) -> bool:
        words = _WORD.findall(text, start, end)
        # Single letters do not count as known: "b b e f p" is not a sentence.
        known = {w for w in words if len(w) > 1 and w in self._words}
        return len(words) >= MIN_WORDS and len(known) >= MIN_KNOWN

    def score(self, texts: Iterable[str]) -> np.ndarray:
        """Probabilities per class for whole texts (one row each), as in training."""
        return self._probabilities(list(texts))

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        logits = np.tile(self._intercept, (len(texts), 1))
        for row, text in enumerate(texts):
            indexes, values = self._vector(text)
            if len(indexes):
                logits[row] += values @ self._weights[indexes]
        logits -= logits.max(axis=1, keepdims=True)
        exp: np.ndarray = np.exp(logits)
        probabilities: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return probabilities

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        words = self._words
        found = [at for f in word_features(text) if (at := words.get(f)) is not None]
        for word in _WORD.findall(text):
            found.extend(self._char_indexes(word))
        if not found:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float32)
        counts = Counter(found)  # counted in C
        indexes = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        values = tf * self._idf[indexes]
        norm = float(np.sqrt(values @ values))
        return indexes, values / norm if norm else values

    def _char_indexes(self, word: str) -> tuple[int, ...]:
        known = self._char_cache.get(word)
        if known is None:
            chars = self._chars
            known = tuple(at for g in char_features(word) if (at := chars.get(g)) is not None)
            if len(self._char_cache) >= _CACHE_LIMIT:
                self._char_cache.clear()
            self._char_cache[word] = known
        return known


def contact_needles(contacts: Iterable[str]) -> tuple[str, ...]:
    """The school's own phone, addresses and pages as the normalised text shows them, without
    the parts that vary (https://, www., a final /)."""
    from croftpost.core.textcheck.normalise import normalise

    needles = []
    for contact in contacts:
        needle = normalise(contact).text.strip().rstrip("/")
        for prefix in ("https://", "http://", "www."):
            needle = needle.removeprefix(prefix)
        if len(needle) >= 6:
            needles.append(needle)
    return tuple(sorted(set(needles), key=len, reverse=True))


def without_contacts(text: str, needles: Sequence[str]) -> str:
    """The school's own contacts blanked out, keeping every offset: "like and follow our page"
    with the school's own link is not spam, and a bag of words cannot tell that by itself."""
    for needle in needles:
        start = text.find(needle)
        while start >= 0:
            text = text[:start] + " " * len(needle) + text[start + len(needle) :]
            start = text.find(needle, start + len(needle))
    return text


@lru_cache(maxsize=4)
def load_model(path: Path) -> MeaningModel:
    """One model per file for the whole process: checkers are rebuilt often, models are not."""
    return MeaningModel(path)
