"""The text policy engine: checks a draft or a comment against the school's social media policy.

Pure Python: no Qt, no database. The caller gathers the context (pupils and their name consents,
the school's contacts, staff accounts) as plain values.
"""

from croftpost.core.channels import CHANNELS
from croftpost.core.textcheck.engine import TextChecker, build_checker, check_text
from croftpost.core.textcheck.findings import (
    Finding,
    PupilName,
    TextContext,
    verdict,
)
from croftpost.core.textcheck.moderation import (
    Comment,
    ModerationDecision,
    moderate_comment,
    parse_comments,
)

__all__ = [
    "CHANNELS",
    "Comment",
    "Finding",
    "ModerationDecision",
    "PupilName",
    "TextChecker",
    "TextContext",
    "build_checker",
    "check_text",
    "moderate_comment",
    "parse_comments",
    "verdict",
]
