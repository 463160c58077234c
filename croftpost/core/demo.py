"""A demo school (invented people only) so a newcomer can try every screen in a minute.

It is built in its own folder and never touches the real data folder.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from argon2 import PasswordHasher

from croftpost.core.accounts import Session
from croftpost.core.alerts import PROTECTED_FACE, PROTECTED_NAME
from croftpost.core.consent_csv import HEADER
from croftpost.core.posting import Publication, PublishedPhoto
from croftpost.core.services import Services, set_up_school

DEMO_PASSWORD = "demo-password"
DEMO_STAFF = (
    ("head", "headteacher", "Mrs Helen Marsh", "facebook,dojo"),
    ("office", "office", "Mr Tom Reid", ""),
    ("teacher", "staff", "Miss Priya Nair", "dojo"),
    ("assistant", "staff", "Mr Owen Clarke", ""),
)
_PUPILS = (
    # id, first, last, class, photo_fb, photo_dojo, name_fb, name_dojo, biometric, expires, wd
    ("D001", "Ava", "Thornton", "Year 3", "yes", "yes", "yes", "yes", "yes", "+250", ""),
    ("D002", "Noah", "Bennett", "Year 3", "no", "yes", "no", "yes", "yes", "+250", ""),
    ("D003", "Isla", "Fairbairn", "Year 3", "no", "no", "no", "no", "no", "", ""),
    ("D004", "Leo", "Kowalski", "Year 4", "yes", "yes", "no", "no", "no", "+16", ""),
    ("D005", "Maya", "Oduya", "Year 4", "yes", "yes", "yes", "yes", "yes", "-100", ""),
    ("D006", "Oscar", "Lindqvist", "Year 4", "yes", "yes", "yes", "yes", "no", "+250", "-20"),
    ("D007", "Ruby", "Achterberg", "Year 5", "yes", "yes", "no", "yes", "no", "+250", ""),
    ("D008", "Zain", "Haddad", "Year 5", "no", "yes", "no", "no", "no", "+250", ""),
    ("D009", "Freya", "Mulholland", "Year 6", "yes", "yes", "yes", "yes", "no", "+250", ""),
    ("D010", "Ethan", "Pemberton", "Year 6", "yes", "no", "no", "no", "no", "+250", ""),
)


def demo_csv(today: date) -> str:
    """Dates are days from today, so the demo shows every state whenever it is run."""

    def cell(value: str) -> str:
        if value and value[0] in "+-":
            return (today + timedelta(days=int(value))).isoformat()
        return value

    rows = [",".join(cell(v) for v in row) for row in _PUPILS]
    return "\n".join([",".join(HEADER), *rows]) + "\n"


def create_demo(folder: Path, hasher: PasswordHasher | None = None) -> list[tuple[str, str, str]]:
    """Build the demo school in `folder` (which must not hold a database yet).
    Returns (username, role, password) for the login screen."""
    services, head = set_up_school(
        folder, "Croftlands Demo Primary", "head", DEMO_STAFF[0][2], DEMO_PASSWORD, hasher=hasher
    )
    try:
        _fill(services, head)
    finally:
        services.close()
    return [(username, role, DEMO_PASSWORD) for username, role, _, _ in DEMO_STAFF]


def _fill(services: Services, head: Session) -> None:
    for username, role, name, channels in DEMO_STAFF[1:]:
        services.accounts.add_staff(
            head, username, name, role, DEMO_PASSWORD, [c for c in channels.split(",") if c]
        )
    services.accounts.add_personal_account(
        head, "teacher", "https://www.facebook.com/priya.nair.77"
    )
    for key, value in (
        ("phone", "01229 894000"),
        ("email", "office@croftlands-demo.sch.uk"),
        ("website", "https://www.croftlands-demo.sch.uk"),
        ("facebook", "https://www.facebook.com/CroftlandsDemoPrimary"),
        ("dojo", "https://www.classdojo.com"),
    ):
        services.school.set(head, key, value)
    services.consent.import_csv(head, demo_csv(services.consent.today()))
    services.consent.protect(head, "D008", "Looked-after child (demo)")
    teacher = services.accounts.login("teacher", DEMO_PASSWORD)
    first = services.drafts.create(teacher, "dojo")
    services.drafts.save(
        teacher,
        first.id,
        "Year 3 had a wonderful time at the Dock Museum "
        "today! Thank you to all the parents who helped.",
        [],
    )
    second = services.drafts.create(teacher, "dojo")
    services.drafts.save(
        teacher,
        second.id,
        "Reminder: Isla Fairbairn's mum, please call 07700 900123 about the trip.",
        [],
    )
    services.drafts.create(head, "facebook", "Wishing all our families a very happy Diwali!")
    _safeguarding(services, head, teacher)


def _safeguarding(services: Services, head: Session, teacher: Session) -> None:
    """Something on the Safeguarding page: a post that must come down after a withdrawal,
    and two attempts to show the protected pupil (as the photo and text checks would record)."""
    text = "Leo's model volcano erupted right on cue in Year 4's science week!"
    draft = services.drafts.create(teacher, "dojo", text)
    photo = PublishedPhoto("d" * 64, "e" * 64, [
        {"status": "consented", "pupil_id": "D004", "reason": "matched"}])
    services.drafts.publish(teacher, draft.id, "dojo", Publication(
        text, [photo], {"D004": {"photo_dojo": "valid"}}, [],
        {"model": "dlib-resnet", "tolerance": 0.42}))
    services.consent.withdraw(head, "D004", ["photo_dojo"])  # the poster gets a takedown task
    services.alerts.raise_alert(PROTECTED_FACE, "D008", "teacher",
                                {"channel": "dojo", "photo_sha256": "f" * 64})
    for _ in range(2):  # the same draft checked twice: one alert, counted
        services.alerts.raise_alert(PROTECTED_NAME, "D008", "teacher", {"channel": "dojo"})
