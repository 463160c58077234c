"""The banner shown when the social media policy's review date has passed (policy section 7),
and the headteacher's way to record the review. The date is the school's policy profile's
(or a later one the headteacher recorded): `croftpost.core.policy_review`."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDateEdit, QWidget

from croftpost.core.accounts import Permission, Session
from croftpost.core.services import Services
from croftpost.ui.dialogs.form_dialog import FormDialog
from croftpost.ui.labels import long_date
from croftpost.ui.widgets import from_qdate, to_qdate

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("policy", text)


def policy_banner(services: Services, session: Session) -> tuple[str | None, bool]:
    """(the banner's sentence or None when the review is not due, whether this person is the
    one who records the review)."""
    try:
        review = services.policy.status()
        head = services.accounts.current(session).can(Permission.MANAGE_SCHOOL)
    except Exception:  # a banner must never stop the app from opening
        log.warning("could not read the policy profile's review date", exc_info=True)
        return None, False
    if not review.overdue:
        return None, False
    when = long_date(review.due_on)
    if head:
        return _tr("The social media policy was due for review on {0}. When the governors have "
                   "reviewed it, record the review here with its next date.").format(when), True
    return _tr("The school's social media policy was due for review on {0}. The headteacher "
               "records its review; posts are still checked against it.").format(when), False


class PolicyReviewDialog(FormDialog):
    """The governors reviewed the policy and kept it: the next review date."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Record the policy review"),
            _tr("Record that the governors reviewed the social media policy and kept it. "
                "croftpost stops warning until the next review date, and the audit log keeps "
                "the record. If the policy changed, the school needs a new policy profile."),
            _tr("Record review"),
            parent,
        )
        self.next_due = QDateEdit(self)
        self.next_due.setCalendarPopup(True)
        self.next_due.setDisplayFormat("d MMMM yyyy")
        self.next_due.setDate(to_qdate(date(today.year + 1, today.month, min(today.day, 28))))
        self.form.addRow(_tr("&Next review due by"), self.next_due)

    def chosen(self) -> date:
        return from_qdate(self.next_due.date())
