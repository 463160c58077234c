"""The banner that sends someone to the Safeguarding page: for the headteacher when alerts
about protected pupils are open or the termly review is due, and for anyone with open
takedown tasks (the headteacher: everyone's)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from croftpost.core.accounts import Permission, Session
from croftpost.core.services import Services
from croftpost.errors import CroftpostError

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("safeguarding", text)


def safeguarding_notice_text(services: Services, session: Session) -> str | None:
    """The banner's sentences, or None when there is nothing to do."""
    try:
        head = services.accounts.may(session, Permission.SAFEGUARDING)
        tasks = sum(1 for t in services.takedowns.takedowns(session) if t.open)
        alerts = services.alerts.open_count(session) if head else 0
        review_due = head and services.termly.review_status().due
    except CroftpostError:
        return None  # e.g. revoked a moment ago: the next action says so
    parts = []
    if alerts:
        parts.append((_tr("1 alert about a protected pupil to acknowledge.") if alerts == 1 else
                      _tr("{0} alerts about a protected pupil to acknowledge.")).format(alerts))
    if tasks:
        parts.append(_takedown_words(tasks, head))
    if review_due:
        parts.append(_tr("The termly review of what was published is due."))
    return " ".join(parts) or None


def _takedown_words(tasks: int, head: bool) -> str:
    if head:
        return (_tr("1 published post must come down.") if tasks == 1
                else _tr("{0} published posts must come down.")).format(tasks)
    return (_tr("You have 1 published post to take down.") if tasks == 1
            else _tr("You have {0} published posts to take down.")).format(tasks)
