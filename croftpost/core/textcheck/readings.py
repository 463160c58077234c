"""Other ways a reader may read a draft, each with the way back to the characters as typed.

The checker reads a draft as typed, and also as each reading here gives it, when that differs:
- `bidi.displayed`: in display order, for text behind direction controls or right-to-left runs;
- `closed_up`: with words typed letter by letter joined again, "B a r a c k" read as "Barack".
A finding in any reading underlines the typed characters it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reading:
    """Text as read; `source[k]` is the typed index of its character k."""

    text: str
    source: list[int]


# Three or more single letters with the same one or two separators between them: "B a r a c k",
# "I.s.l.a", "W-h-i-t-f-i-e-l-d".
_LETTER = r"[^\W\d_]"
_SPACED_LETTERS = re.compile(
    rf"(?<![\w']){_LETTER}(?P<sep>[ .*_-]{{1,2}}){_LETTER}(?![\w'])"
    rf"(?:(?P=sep){_LETTER}(?![\w']))+"
)


def closed_up(text: str) -> Reading | None:
    """The draft with letter-by-letter words joined, or None when it has none. A capital after
    a small letter starts a new word, so "I s l a W h i t f i e l d" reads "Isla Whitfield"."""
    runs = list(_SPACED_LETTERS.finditer(text))
    if not runs:
        return None
    out: list[str] = []
    source: list[int] = []
    done = 0
    for run in runs:
        out.append(text[done : run.start()])
        source.extend(range(done, run.start()))
        step = len(run.group("sep")) + 1
        previous = ""
        for at in range(run.start(), run.end(), step):
            letter = text[at]
            if previous.islower() and letter.isupper():
                out.append(" ")
                source.append(at - 1)  # the separator before the capital
            out.append(letter)
            source.append(at)
            previous = letter
        done = run.end()
    out.append(text[done:])
    source.extend(range(done, len(text)))
    return Reading("".join(out), source)
