"""The text as a reader sees it: Unicode's bidirectional algorithm (UAX #9), for checking.

Attack: "ring Mrs Green on \\u202e321009 00770\\u202c" is stored with its digits reversed but
shown as 07700 900123 by every browser, and a pupil's name typed backwards inside a
right-to-left override shows forwards. Checking only the stored order would pass both, so the
checker also reads the draft in display order. `displayed()` returns that order with, for each
shown character, where it was typed, so findings still underline the typed text.

This follows UAX #9 for explicit embeddings, overrides and isolates (X1-X10), weak and neutral
types (W1-W7, N1-N2), implicit levels (I1-I2) and reordering (L1-L2), with the paragraph's
direction taken from its first strong letter, as a post shown with dir="auto" is. Two parts are
left out because they change no letters' order, only punctuation's: bracket pairs (N0) and
mirrored glyphs (L4). Each line is a paragraph (posts are not wrapped by the checker).
"""

from __future__ import annotations

import unicodedata

from croftpost.core.textcheck.readings import Reading

_MAX_DEPTH = 125
_EMBEDDINGS = {"RLE", "LRE", "RLO", "LRO"}
_ISOLATES = {"RLI", "LRI", "FSI"}
_NEUTRAL = {"B", "S", "WS", "ON", "RLI", "LRI", "FSI", "PDI"}
_STRONG = {"L", "R", "AL"}
# Bidi classes whose presence can make the shown order differ from the typed one.
_REORDERING = {"R", "AL", "AN", "RLE", "LRE", "RLO", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}


def displayed(text: str) -> Reading | None:
    """The draft in display order, or None when it reads the same as typed (the usual case:
    no right-to-left letters, Arabic digits or direction controls)."""
    if text.isascii() or not any(
        unicodedata.bidirectional(c) in _REORDERING for c in set(text) if not c.isascii()
    ):
        return None
    types = [unicodedata.bidirectional(c) or "L" for c in text]
    order: list[int] = []
    start = 0
    for at, kind in enumerate(types):
        if kind == "B":
            order += _paragraph(types, start, at + 1)
            start = at + 1
    if start < len(text):
        order += _paragraph(types, start, len(text))
    shown = "".join(text[i] for i in order)
    return None if order == list(range(len(text))) else Reading(shown, order)


def _paragraph(all_types: list[str], begin: int, end: int) -> list[int]:
    """Typed indexes [begin, end) in display order, without the controls X9 removes."""
    original = all_types[begin:end]
    matching = _matching_pdis(original)
    base = _base_level(original, 0, len(original), matching)
    types = list(original)
    embedding, removed = _explicit_levels(types, base, matching)
    levels = list(embedding)  # raised by I1-I2; sequence boundaries read the embedding levels
    for sequence in _run_sequences(embedding, removed, matching, original):
        sos, eos = _boundaries(sequence, embedding, removed, original, base)
        _resolve_weak(sequence, types, sos)
        _resolve_neutral(sequence, types, levels, sos, eos)
        for i in sequence:
            levels[i] = _implicit(levels[i], types[i])
    _reset_line_ends(original, levels, removed, base)
    kept = [i for i in range(len(original)) if not removed[i]]
    return [begin + i for i in _reorder(kept, levels)]


def _matching_pdis(types: list[str]) -> dict[int, int]:
    """BD9: each isolate initiator's matching PDI, by index."""
    open_isolates: list[int] = []
    matching: dict[int, int] = {}
    for i, kind in enumerate(types):
        if kind in _ISOLATES:
            open_isolates.append(i)
        elif kind == "PDI" and open_isolates:
            matching[open_isolates.pop()] = i
    return matching


def _base_level(types: list[str], begin: int, end: int, matching: dict[int, int]) -> int:
    """P2-P3: 1 if the first strong letter (outside isolates) is right-to-left, else 0."""
    i = begin
    while i < end:
        kind = types[i]
        if kind in _STRONG:
            return 0 if kind == "L" else 1
        if kind in _ISOLATES:
            i = matching.get(i, end)  # skip to the matching PDI, or to the end
        i += 1
    return 0


def _explicit_levels(
    types: list[str], base: int, matching: dict[int, int]
) -> tuple[list[int], list[bool]]:
    """X1-X9: embedding levels from the controls, overrides applied to types, and which
    characters X9 removes (embedding and override controls, boundary neutrals)."""
    stack = _DirectionStack(base)
    levels = [base] * len(types)
    removed = [False] * len(types)
    for i, kind in enumerate(types):
        if kind in _EMBEDDINGS:
            stack.embed(kind)
        elif kind == "PDF":
            stack.pop_embedding()
        elif kind == "BN":
            pass
        elif kind == "B":
            levels[i] = base
            continue
        else:
            if kind == "PDI":
                stack.pop_isolate()
            level, override = stack.current()
            levels[i] = level
            if override:
                types[i] = override
            if kind in _ISOLATES:
                end = matching.get(i, len(types))
                stack.isolate(
                    kind == "RLI"
                    or (kind == "FSI" and _base_level(types, i + 1, end, matching) == 1)
                )
            continue
        removed[i] = True
    return levels, removed


class _DirectionStack:
    """X1-X8's directional status stack, with its overflow counters."""

    def __init__(self, base: int) -> None:
        self._entries: list[tuple[int, str | None, bool]] = [(base, None, False)]
        self._overflow_isolates = self._overflow_embeddings = self._valid_isolates = 0

    def current(self) -> tuple[int, str | None]:
        level, override, _ = self._entries[-1]
        return level, override

    def embed(self, kind: str) -> None:
        new = _next_level(self._entries[-1][0], kind.startswith("R"))
        if self._room_for(new):
            self._entries.append((new, {"RLO": "R", "LRO": "L"}.get(kind), False))
        elif not self._overflow_isolates:
            self._overflow_embeddings += 1

    def isolate(self, rtl: bool) -> None:
        new = _next_level(self._entries[-1][0], rtl)
        if self._room_for(new):
            self._valid_isolates += 1
            self._entries.append((new, None, True))
        else:
            self._overflow_isolates += 1

    def pop_isolate(self) -> None:
        if self._overflow_isolates:
            self._overflow_isolates -= 1
        elif self._valid_isolates:
            self._overflow_embeddings = 0
            while not self._entries[-1][2]:
                self._entries.pop()
            self._entries.pop()
            self._valid_isolates -= 1

    def pop_embedding(self) -> None:
        if self._overflow_isolates:
            return
        if self._overflow_embeddings:
            self._overflow_embeddings -= 1
        elif not self._entries[-1][2] and len(self._entries) > 1:
            self._entries.pop()

    def _room_for(self, level: int) -> bool:
        return level <= _MAX_DEPTH and not self._overflow_isolates and not self._overflow_embeddings


def _next_level(level: int, rtl: bool) -> int:
    return (level + 1) | 1 if rtl else (level + 2) & ~1


def _run_sequences(
    levels: list[int], removed: list[bool], matching: dict[int, int], original: list[str]
) -> list[list[int]]:
    """BD13: level runs, joined across an isolate to the run that resumes after its PDI."""
    runs: list[list[int]] = []
    for i in (i for i in range(len(levels)) if not removed[i]):
        if runs and levels[runs[-1][-1]] == levels[i]:
            runs[-1].append(i)
        else:
            runs.append([i])
    run_starting_at = {run[0]: run for run in runs}
    resumed = set(matching.values())
    sequences = []
    for run in runs:
        if run[0] in resumed and original[run[0]] == "PDI":
            continue  # joined to the run before its isolate
        sequence = list(run)
        while original[sequence[-1]] in _ISOLATES and sequence[-1] in matching:
            following = run_starting_at.get(matching[sequence[-1]])
            if following is None:
                break
            sequence += following
        sequences.append(sequence)
    return sequences


def _boundaries(
    sequence: list[int], levels: list[int], removed: list[bool], original: list[str], base: int
) -> tuple[str, str]:
    """X10: the start- and end-of-sequence types, from the levels on either side."""
    first, last = sequence[0], sequence[-1]
    before = next((levels[i] for i in range(first - 1, -1, -1) if not removed[i]), base)
    after = base
    if original[last] not in _ISOLATES:
        after = next((levels[i] for i in range(last + 1, len(levels)) if not removed[i]), base)
    sos = "R" if max(levels[first], before) % 2 else "L"
    eos = "R" if max(levels[last], after) % 2 else "L"
    return sos, eos


def _resolve_weak(sequence: list[int], types: list[str], sos: str) -> None:
    """W1-W7 over one isolating run sequence."""
    previous = sos
    for i in sequence:  # W1: a mark takes the type before it
        if types[i] == "NSM":
            types[i] = "ON" if previous in _ISOLATES or previous == "PDI" else previous
        previous = types[i]
    _numbers_after_arabic_letters(sequence, types, sos)
    _separators_between_numbers(sequence, types)
    _terminators_next_to_numbers(sequence, types)
    strong = sos
    for i in sequence:  # W6, W7
        kind = types[i]
        if kind in ("ES", "ET", "CS"):
            types[i] = "ON"
        elif kind in ("L", "R"):
            strong = kind
        elif kind == "EN" and strong == "L":
            types[i] = "L"


def _numbers_after_arabic_letters(sequence: list[int], types: list[str], sos: str) -> None:
    """W2-W3: European digits after an Arabic letter are Arabic numbers; Arabic letters are R."""
    strong = sos
    for i in sequence:
        kind = types[i]
        if kind in _STRONG:
            strong = kind
            if kind == "AL":
                types[i] = "R"
        elif kind == "EN" and strong == "AL":
            types[i] = "AN"


def _separators_between_numbers(sequence: list[int], types: list[str]) -> None:
    """W4: one separator between two numbers of a kind joins them ("1,000", "3.5")."""
    for k in range(1, len(sequence) - 1):
        left, here, right = (types[sequence[k + d]] for d in (-1, 0, 1))
        if here == "ES" and left == right == "EN":
            types[sequence[k]] = "EN"
        elif here == "CS" and left == right and left in ("EN", "AN"):
            types[sequence[k]] = left


def _terminators_next_to_numbers(sequence: list[int], types: list[str]) -> None:
    """W5: a run of terminators (%, $, degree signs) touching a European number joins it."""
    k = 0
    while k < len(sequence):
        if types[sequence[k]] != "ET":
            k += 1
            continue
        end = k
        while end < len(sequence) and types[sequence[end]] == "ET":
            end += 1
        touches = (k > 0 and types[sequence[k - 1]] == "EN") or (
            end < len(sequence) and types[sequence[end]] == "EN"
        )
        if touches:
            for j in range(k, end):
                types[sequence[j]] = "EN"
        k = end


def _resolve_neutral(
    sequence: list[int], types: list[str], levels: list[int], sos: str, eos: str
) -> None:
    """N1-N2: neutrals between two letters of one direction take it (numbers count as
    right-to-left); any others take their embedding's direction."""

    def direction(kind: str) -> str:
        return "R" if kind in ("R", "AN", "EN") else kind

    k = 0
    while k < len(sequence):
        if types[sequence[k]] not in _NEUTRAL:
            k += 1
            continue
        end = k
        while end < len(sequence) and types[sequence[end]] in _NEUTRAL:
            end += 1
        before = direction(types[sequence[k - 1]]) if k else sos
        after = direction(types[sequence[end]]) if end < len(sequence) else eos
        for j in range(k, end):
            i = sequence[j]
            types[i] = before if before == after else ("R" if levels[i] % 2 else "L")
        k = end


def _implicit(level: int, kind: str) -> int:
    """I1-I2."""
    if level % 2 == 0:
        return level + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
    return level + (1 if kind in ("L", "EN", "AN") else 0)


def _reset_line_ends(
    original: list[str], levels: list[int], removed: list[bool], base: int
) -> None:
    """L1: separators, and the spaces before them or at the end of the line, go back to the
    paragraph's level."""
    trailing = True  # scanning backwards from the end of the line
    for i in range(len(original) - 1, -1, -1):
        kind = original[i]
        if kind in ("S", "B"):
            levels[i] = base
            trailing = True
        elif trailing and (kind in ("WS", "PDI") or kind in _ISOLATES or removed[i]):
            levels[i] = base
        else:
            trailing = False


def _reorder(kept: list[int], levels: list[int]) -> list[int]:
    """L2: from the highest level down to the lowest odd one, reverse every run at or above it."""
    if not kept:
        return kept
    line_levels = [levels[i] for i in kept]
    highest, lowest_odd = max(line_levels), min(line_levels) | 1
    order = list(kept)
    for level in range(highest, lowest_odd - 1, -1):
        k = 0
        while k < len(order):
            if levels[order[k]] < level:
                k += 1
                continue
            end = k
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[k:end] = order[k:end][::-1]
            k = end
    return order
