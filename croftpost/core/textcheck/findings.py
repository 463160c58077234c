"""What the text checker is told (TextContext) and what it reports (Finding), as plain values."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal, NamedTuple

Severity = Literal["block", "warn"]
Verdict = Literal["ok", "warn", "block"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a draft, underlined at text[start:end] and citing the clause it breaks."""

    category: str  # pupil_name, personal_info, abusive, political, commercial, donation,
    # direct_message, staff_personal_link, age_inappropriate, spam
    severity: Severity
    start: int  # offsets into the original text, as Python str indexes
    end: int
    excerpt: str  # text[start:end]
    clause: str  # e.g. "2.1"
    message: str  # one plain sentence telling staff what to change
    guessed: bool = False  # the meaning classifier's unsure reading, not a rule's finding


@dataclass(frozen=True, slots=True)
class PupilName:
    """A pupil as the checker needs them: names, class, and where their name may appear today."""

    pupil_id: str
    first_name: str
    last_name: str
    class_name: str = ""
    name_consent: frozenset[str] = frozenset()  # channels with valid name consent today
    protected: bool = False  # never named or identified, whatever the consents


@dataclass(frozen=True, slots=True)
class TextContext:
    """Everything about the school the checker needs, gathered by the caller."""

    pupils: tuple[PupilName, ...] = ()
    school_contacts: tuple[str, ...] = ()  # the school's phone, email, address, web and pages
    staff_accounts: tuple[str, ...] = ()  # staff members' personal social media URLs or @handles


class Hit(NamedTuple):
    """A matcher's result, in normalised offsets, before it becomes a Finding."""

    category: str
    rule: str
    start: int
    end: int


def verdict(findings: Iterable[Finding]) -> Verdict:
    """block if anything blocks, warn if anything warns, else ok."""
    severities = {f.severity for f in findings}
    if "block" in severities:
        return "block"
    return "warn" if "warn" in severities else "ok"


class Spans:
    """Spans that answer "is [start, end) inside one of you?" in logarithmic time, so that a
    megabyte of text with thousands of findings stays quick."""

    def __init__(self, spans: Iterable[Hit]) -> None:
        ordered = sorted((h.start, h.end) for h in spans)
        self._starts = [s for s, _ in ordered]
        self._reach = list(accumulate((e for _, e in ordered), max))

    def cover(self, span: Hit | Finding) -> bool:
        at = bisect_right(self._starts, span.start) - 1
        return at >= 0 and self._reach[at] >= span.end

    def overlap(self, span: Hit | Finding) -> bool:
        """Does any span share a character with [start, end)?"""
        at = bisect_right(self._starts, span.end - 1) - 1  # the spans starting before its end
        return at >= 0 and self._reach[at] > span.start
