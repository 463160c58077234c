"""Comment moderation (2.3): which comments on the school's page staff should delete.

2.3 lists what is deleted: abusive, racist, sexist, homophobic or inflammatory comments; spam;
personal information; posts that advertise commercial activity or ask for donations. A pupil's
full name without consent, or a protected pupil identified, is personal information about a
child, so it is deleted too. Everything else the checker finds (a first name, a political
opinion, a link to someone's profile, an @mention, an adult theme) is not on that list: it is
kept and shown to staff for review, because parents may reasonably say such things. So is a
comment the meaning classifier only suspects (an unsure reading): a person decides.
Counting repeat offenders and blocking them (2.3) is the caller's job.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from croftpost.core.textcheck.engine import TextChecker
from croftpost.core.textcheck.findings import Finding
from croftpost.errors import BadInput

DELETE_CATEGORIES = frozenset({"abusive", "spam", "personal_info", "commercial", "donation"})
DELETE_PUPIL_RULES = ("block",)  # full names without consent and protected pupils
COMMENT_CHANNEL = "facebook"  # comments are moderated on the school's public page
MAX_COMMENT_FILE = 5_000_000  # characters; a bigger file is not a comment export


@dataclass(frozen=True, slots=True)
class Comment:
    author: str
    text: str
    line: int  # where the comment starts in the file, from 1


@dataclass(frozen=True, slots=True)
class ModerationDecision:
    author: str
    text: str
    delete: bool
    reasons: tuple[Finding, ...]  # the findings that make 2.3 require deletion
    review: tuple[Finding, ...]  # other findings, for staff to look at

    @property
    def clauses(self) -> tuple[str, ...]:
        return tuple(sorted({f.clause for f in self.reasons}))


def moderate_comment(
    author: str, text: str, checker: TextChecker, channel: str = COMMENT_CHANNEL
) -> ModerationDecision:
    findings = checker.check(text, channel)
    reasons = tuple(f for f in findings if _requires_deletion(f))
    review = tuple(f for f in findings if f not in reasons)
    return ModerationDecision(author, text, bool(reasons), reasons, review)


def _requires_deletion(finding: Finding) -> bool:
    if finding.guessed:  # the classifier is not sure: staff look at it, nothing is deleted
        return False
    if finding.category == "pupil_name":
        return finding.severity in DELETE_PUPIL_RULES
    return finding.category in DELETE_CATEGORIES


def parse_comments(data: str) -> list[Comment]:
    """Comments from a CSV with the header "author,comment", or else one comment per line."""
    if len(data) > MAX_COMMENT_FILE:
        raise BadInput("The comments file is too large: split it into files under 5 MB.")
    data = data.removeprefix("\ufeff")
    lines = data.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if _is_header(first):
        return _parse_csv(data)
    return [Comment("", line.strip(), n) for n, line in enumerate(lines, 1) if line.strip()]


def _is_header(line: str) -> bool:
    cells = next(csv.reader([line]), [])
    return [c.strip().lower() for c in cells] == ["author", "comment"]


def _parse_csv(data: str) -> list[Comment]:
    reader = csv.reader(io.StringIO(data, newline=""))
    comments: list[Comment] = []
    header_seen = False
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if not header_seen:
                header_seen = True
                continue
            if len(row) < 2:
                raise BadInput(f"Line {start} of the comments file has an author but no comment.")
            # An unquoted comma inside a comment splits it: put the pieces back together.
            text = ",".join(row[1:]).strip()
            if text:
                comments.append(Comment(row[0].strip(), text, start))
    except csv.Error as exc:
        raise BadInput(f"The comments file can't be read near line {line}: {exc}.") from None
    return comments
