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
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path

import numpy as np

from croftpost.errors import BadInput

# A word as the model sees it: the same as document.WORD (letters, digits, inner apostrophes).
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
# A sentence: up to and including its end mark, or a line. The point in "£8.50" or "1.5 hours"
# ends nothing.
_SENTENCE = re.compile(r"(?:[^.!?\n]|(?<=\d)\.(?=\d))+[.!?]*")
CHAR_SIZES = (3, 4, 5)
_CACHE_LIMIT = 50_000  # words whose letter groups are remembered between checks
_MIN_LETTERS = 12  # a shorter "sentence" is read together with its neighbours
MIN_WORDS = 5  # the fewest words the classifier judges...
MIN_KNOWN = 4  # ...of which this many different ones it learnt


def word_features(text: str) -> list[str]:
    """Words and adjacent word pairs."""
    return word_features_of(_WORD.findall(text))


def word_features_of(words: list[str]) -> list[str]:
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


def passage_ranges(count: int) -> list[tuple[int, int]]:
    """First and last sentence of each passage of a text of `count` sentences: stretches of a
    few sentences, the length of the posts the model learnt from, so that a political aside in
    a long newsletter is read with its neighbours, not drowned by the whole."""
    if count <= PASSAGE_SENTENCES:
        return [(0, count - 1)] if count else []
    return [(first, min(first + PASSAGE_SENTENCES, count) - 1)
            for first in range(0, count - PASSAGE_SENTENCES + PASSAGE_STRIDE, PASSAGE_STRIDE)]


@dataclass(frozen=True)
class Reading:
    """How much one stretch of text reads like each category."""

    start: int
    end: int
    scores: dict[str, float]


@dataclass(frozen=True)
class _Bag:
    """A stretch of text as the model counts it: its words in order, and the index of every
    feature it knows (words, word pairs, letter groups), repeated as often as it occurs."""

    words: list[str]
    features: list[int]


class MeaningModel:
    """The trained weights, read once; `read(text)` scores each passage of a normalised text."""

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
        return DraftReading(self, text).passages()

    def strongest(self, text: str) -> dict[str, float]:
        """Each category's score in the passage of `text` (normalised) that reads most like it:
        what the checker compares with the thresholds."""
        best = dict.fromkeys(self.classes, 0.0)
        for reading in self.read(text):
            for category, value in reading.scores.items():
                best[category] = max(best[category], value)
        return best

    def score(self, texts: Iterable[str]) -> np.ndarray:
        """Probabilities per class for whole texts (one row each), as in training."""
        return self._probabilities([self._bag(text, 0, len(text)) for text in texts])

    def _judge(self, spans: list[tuple[int, int]], bags: list[_Bag]) -> list[Reading]:
        # A few words carry too little meaning to judge ("Quiz night"), and nor does a string of
        # words the model never met ("b b mp bmp"): the rules alone read those.
        readable = [(span, bag) for span, bag in zip(spans, bags, strict=True)
                    if self._readable(bag)]
        if not readable:
            return []
        scores = self._probabilities([bag for _, bag in readable])
        return [Reading(s, e, dict(zip(self.classes, row.tolist(), strict=True)))
                for ((s, e), _), row in zip(readable, scores, strict=True)]

    def _readable(self, bag: _Bag) -> bool:
        # Single letters do not count as known: "b b e f p" is not a sentence.
        known = {w for w in bag.words if len(w) > 1 and w in self._words}
        return len(bag.words) >= MIN_WORDS and len(known) >= MIN_KNOWN

    def _bag(self, text: str, start: int, end: int) -> _Bag:
        words = _WORD.findall(text, start, end)
        known = self._words
        found = [at for f in word_features_of(words) if (at := known.get(f)) is not None]
        for word in words:
            found.extend(self._char_indexes(word))
        return _Bag(words, found)

    def _joined(self, bags: Sequence[_Bag]) -> _Bag:
        """The bag of consecutive stretches read as one: theirs, plus the word pairs that span
        where one ends and the next begins."""
        words: list[str] = []
        found: list[int] = []
        for bag in bags:
            if words and bag.words:
                at = self._words.get(f"{words[-1]} {bag.words[0]}")
                if at is not None:
                    found.append(at)
            words += bag.words
            found += bag.features
        return _Bag(words, found)

    def _probabilities(self, bags: list[_Bag]) -> np.ndarray:
        """Softmax of the linear model over each bag's TF-IDF vector (1 + log count, L2-normed),
        all bags in one NumPy pass: the features counted per bag by one sort, one gather of
        weight rows, one sum per bag."""
        logits = np.tile(self._intercept, (len(bags), 1))
        sizes = [len(bag.features) for bag in bags]
        total = sum(sizes)
        if total:
            features = len(self._idf)
            flat = np.fromiter(chain.from_iterable(bag.features for bag in bags),
                               dtype=np.int64, count=total)
            keys = np.repeat(np.arange(len(bags), dtype=np.int64) * features, sizes) + flat
            unique, counts = np.unique(keys, return_counts=True)  # sorted: grouped by bag
            rows, indexes = np.divmod(unique, features)
            values = (1.0 + np.log(counts.astype(np.float32))) * self._idf[indexes]
            norms = np.sqrt(np.bincount(rows, values * values, minlength=len(bags)))
            values /= norms[rows].astype(np.float32)
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            sums = np.add.reduceat(self._weights[indexes] * values[:, None], starts, axis=0)
            logits[rows[starts]] += sums
        logits -= logits.max(axis=1, keepdims=True)
        exp: np.ndarray = np.exp(logits)
        probabilities: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return probabilities

    def _char_indexes(self, word: str) -> tuple[int, ...]:
        known = self._char_cache.get(word)
        if known is None:
            chars = self._chars
            known = tuple(at for g in char_features(word) if (at := chars.get(g)) is not None)
            if len(self._char_cache) >= _CACHE_LIMIT:
                self._char_cache.clear()
            self._char_cache[word] = known
        return known


class DraftReading:
    """One draft as the classifier reads it: its sentences counted once, its passages joined
    from them, and each stretch scored at most once however many passages (they overlap),
    categories and word warnings ask for it."""

    def __init__(self, model: MeaningModel, text: str) -> None:
        self.model = model
        self.text = text  # normalised
        self.spans = sentences(text)
        self._index = {span: i for i, span in enumerate(self.spans)}
        self._bags = [model._bag(text, s, e) for s, e in self.spans]
        self._scored: dict[tuple[int, int], Reading | None] = {}  # None: too short to judge

    def passages(self) -> list[Reading]:
        """Each passage of the draft with its score for every category."""
        ranges = passage_ranges(len(self.spans))
        spans = [(self.spans[first][0], self.spans[last][1]) for first, last in ranges]
        bags = [self.model._joined(self._bags[first : last + 1]) for first, last in ranges]
        return self.model._judge(spans, bags)

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        """The sentence holding the character at `offset`, if any."""
        at = bisect_right(self.spans, (offset, len(self.text) + 1)) - 1
        return self.spans[at] if at >= 0 and offset < self.spans[at][1] else None

    def of_sentences(self, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], Reading | None]:
        """The reading of each of the draft's sentences in `wanted` (None: too short to judge)."""
        new = [span for span in dict.fromkeys(wanted) if span not in self._scored]
        self._scored.update(dict.fromkeys(new))
        for reading in self.model._judge(new, [self._bags[self._index[span]] for span in new]):
            self._scored[(reading.start, reading.end)] = reading
        return {span: self._scored[span] for span in wanted}

    def sentences_in(self, passage: Reading) -> list[tuple[int, int]]:
        """The draft's sentences that make up one of its passages."""
        first = self._index[self.sentence_at(passage.start)]  # type: ignore[index]
        last = self._index[self.sentence_at(passage.end - 1)]  # type: ignore[index]
        return self.spans[first : last + 1]

    def most_telling(self, passage: Reading, category: str) -> tuple[int, int]:
        """The passage's sentence that reads most like `category` (the passage itself when it
        is one sentence, or none of its sentences is long enough to judge alone)."""
        inside = self.sentences_in(passage)
        if len(inside) <= 1:
            return passage.start, passage.end
        readable = [r for r in self.of_sentences(inside).values() if r is not None]
        if not readable:
            return passage.start, passage.end
        best = max(readable, key=lambda r: r.scores[category])
        return best.start, best.end


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
