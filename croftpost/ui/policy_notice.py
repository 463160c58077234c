"""The banner shown when the social media policy's review date has passed (policy section 7)."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QCoreApplication

from croftpost.ui.labels import long_date

log = logging.getLogger(__name__)


def review_overdue_text(today: date) -> str | None:
    """The sentence for the banner, or None when the review is not due (or the policy profile
    can't be read, which the policy checks themselves report)."""
    try:
        from croftpost.core.policy_profile import load_profile
    except ImportError:
        return None  # the policy profile arrives with the text checks
    try:
        profile = load_profile()
        overdue = profile.review_overdue(today)
    except Exception:  # a banner must never stop the app from opening
        log.warning("could not read the policy profile's review date", exc_info=True)
        return None
    if not overdue:
        return None
    due = _due_date(profile, overdue)
    if due is None:
        return QCoreApplication.translate(
            "policy", "The social media policy is due for review. Ask the headteacher to review it."
        )
    return QCoreApplication.translate(
        "policy",
        "The social media policy was due for review on {0}. Ask the headteacher to review it.",
    ).format(long_date(due))


def _due_date(profile: object, overdue: object) -> date | None:
    """review_overdue may return the due date itself, or True with the date on the profile."""
    if isinstance(overdue, date):
        return overdue
    for name in ("review_due", "next_review", "review_date", "next_review_due"):
        value = getattr(profile, name, None)
        if isinstance(value, date):
            return value
    return None
