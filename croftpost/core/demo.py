"""A demo school (invented people only) so a newcomer can try every screen in a minute.

It is built in its own folder and never touches the real data folder.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from PIL import Image, ImageDraw

from croftpost.core.accounts import Session
from croftpost.core.alerts import PROTECTED_FACE, PROTECTED_NAME
from croftpost.core.composer import PostComposer
from croftpost.core.consent_csv import HEADER
from croftpost.core.photo_check import PhotoCheckService
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
    _safeguarding(services, head, teacher, services.data_dir)


def _demo_picture(path: Path) -> None:
    """A made-up picture (a table and a volcano), so the demo needs no photo of anyone."""
    image = Image.new("RGB", (640, 480), (236, 226, 208))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 360, 640, 480), fill=(150, 110, 80))
    draw.polygon([(360, 360), (460, 180), (560, 360)], fill=(110, 80, 60))
    draw.ellipse((440, 150, 480, 190), fill=(220, 90, 40))
    draw.ellipse((200, 120, 380, 300), fill=(222, 184, 150))
    image.save(path, "JPEG", quality=90)


def _safeguarding(services: Services, head: Session, teacher: Session, folder: Path) -> None:
    """Something on the Safeguarding page: a post that must come down after a withdrawal,
    and two attempts to show the protected pupil (as the photo and text checks would record).

    The post goes out as any post does, through the PostComposer: the demo's picture has no
    real face, so the teacher draws one round Leo and says who it is."""
    picture = folder / "demo-volcano.jpg"
    _demo_picture(picture)
    checker = PhotoCheckService(services.db, services.audit, services.accounts,
                                services.consent, services.clock, workers=0,
                                alerts=services.alerts)
    parts = services.composer_parts_with(checker)
    try:
        composer = PostComposer.start(
            parts, teacher, "dojo",
            "Leo's model volcano erupted right on cue in Year 4's science week!", [picture])
        composer.mark_face(0, (120, 380, 300, 200))
        composer.identify_face(0, len(composer.photos[0].faces) - 1, "D004")
        for number, finding in enumerate(composer.findings()):
            if finding.severity == "warn":  # Leo's first name: his parents agreed, say so
                composer.acknowledge(number, "Leo's parents agreed to his first name in Dojo")
        composer.prepare(folder / "exports" / "demo-post")
        composer.publish()
    finally:
        checker.close()
    services.consent.withdraw(head, "D004", ["photo_dojo"])  # the poster gets a takedown task
    services.alerts.raise_alert(PROTECTED_FACE, "D008", "teacher",
                                {"channel": "dojo", "photo_sha256": "f" * 64})
    for _ in range(2):  # the same draft checked twice: one alert, counted
        services.alerts.raise_alert(PROTECTED_NAME, "D008", "teacher", {"channel": "dojo"})
