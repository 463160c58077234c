"""See through disguises once, and remember where every character came from.

The normalised text is lower case, without accents, with look-alike letters from other scripts
(Cyrillic, Greek, fullwidth forms) replaced by the Latin letter they imitate, and without hidden
characters (zero-width spaces and joiners, soft hyphens, direction marks). Matchers work on it;
their findings are mapped back through `span()` so that underlines fall on the words the member
of staff actually typed, disguises included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters from other scripts that look like Latin ones. Both cases are listed because lower-casing
# first would lose the difference (Greek capital eta looks like H, its small letter like n).
_LOOKALIKES = {
    **dict.fromkeys("Аа", "a"),
    **dict.fromkeys("Вв", "b"),
    **dict.fromkeys("Ее", "e"),
    **dict.fromkeys("Кк", "k"),
    **dict.fromkeys("Мм", "m"),
    **dict.fromkeys("Нн", "h"),
    **dict.fromkeys("Оо", "o"),
    **dict.fromkeys("Рр", "p"),
    **dict.fromkeys("Сс", "c"),
    **dict.fromkeys("Тт", "t"),
    **dict.fromkeys("Уу", "y"),
    **dict.fromkeys("Хх", "x"),
    **dict.fromkeys("Ѕѕ", "s"),
    **dict.fromkeys("Іі", "i"),
    **dict.fromkeys("Јј", "j"),
    **dict.fromkeys("Ԁԁ", "d"),
    **dict.fromkeys("Ԛԛ", "q"),
    **dict.fromkeys("Ԝԝ", "w"),
    **dict.fromkeys("Үү", "y"),
    **dict.fromkeys("Ғғ", "f"),
    **dict.fromkeys("Ɩ", "l"),
    **dict.fromkeys("Αα", "a"),
    **dict.fromkeys("Ββ", "b"),
    **dict.fromkeys("Εε", "e"),
    **dict.fromkeys("Ζ", "z"),
    "Η": "h",
    "η": "n",
    **dict.fromkeys("Ιι", "i"),
    **dict.fromkeys("Κκ", "k"),
    "Μ": "m",
    "μ": "u",
    "Ν": "n",
    "ν": "v",
    **dict.fromkeys("Οο", "o"),
    **dict.fromkeys("Ρρ", "p"),
    **dict.fromkeys("Ττ", "t"),
    "Υ": "y",
    "υ": "u",
    **dict.fromkeys("Χχ", "x"),
    "ω": "w",
    "γ": "y",
    "ϲ": "c",
    **dict.fromkeys("Һһհ", "h"),
    "օ": "o",
    "ս": "u",
    "ɑ": "a",
    "ɡ": "g",
    "ȷ": "j",
    "ǀ": "l",
    "ı": "i",
    "ß": "ss",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ł": "l",
    "Ł": "l",
    "ħ": "h",
    # Typographic apostrophes, quotes and dashes, so "Ava’s" and "Ava's" read the same.
    **dict.fromkeys("’‘ʼ′´`", "'"),
    **dict.fromkeys("“”„″", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text, with the original span of each of its characters.

    `starts[k]` is where normalised character k's source begins in the original and `ends[k]`
    where it ends (combining accents after a letter belong to it). None means the identity map.
    """

    text: str
    original_length: int
    starts: list[int] | None = None
    ends: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of normalised text[start:end]."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else self.original_length
            return at, at
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    """Fold case, accents, look-alikes and hidden characters; keep an offset map."""
    if text.isascii():
        return Normalised(text.lower(), len(text))  # one character for one: no map needed
    table = _one_for_one(text)
    if table is not None:  # curly quotes, dashes, accents, emoji: still one for one
        return Normalised(text.translate(table).lower(), len(text))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for match in _NON_ASCII.finditer(text):
        at = match.start()
        if at > done:  # an ASCII stretch, copied in one go
            out.append(text[done:at].lower())
            starts.extend(range(done, at))
            ends.extend(range(done + 1, at + 1))
        _add_char(text[at], at, out, starts, ends)
        done = at + 1
    if done < len(text):
        out.append(text[done:].lower())
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    return Normalised("".join(out), len(text), starts, ends)


def _one_for_one(text: str) -> dict[int, str] | None:
    """A translation table when every non-ASCII character folds to exactly one character
    (the common case), so that offsets need no map; None otherwise."""
    table: dict[int, str] = {}
    for char in set(_NON_ASCII.findall(text)):
        folded, _ = _fold(char)
        if len(folded) != 1 or len(folded.lower()) != 1:
            return None
        table[ord(char)] = folded
    return table


def _add_char(char: str, at: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    folded, is_mark = _fold(char)
    if folded:
        out.append(folded)
        starts.extend([at] * len(folded))
        ends.extend([at + 1] * len(folded))
    elif is_mark and ends:
        ends[-1] = at + 1  # a combining accent belongs to the letter before it


@lru_cache(maxsize=16384)
def _fold(char: str) -> tuple[str, bool]:
    """(replacement, is a combining mark) for one non-ASCII character."""
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks
        return "", False
    if category in ("Mn", "Me"):
        return "", True
    if char in _LOOKALIKES:
        return _LOOKALIKES[char], False
    if category == "Nd":  # Arabic-Indic, Devanagari, Bengali... digits read as 0-9
        return str(unicodedata.decimal(char)), False
    pieces = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part) in ("Mn", "Me"):
            continue
        pieces.append(_LOOKALIKES.get(part, part))
    return "".join(pieces).lower(), False
