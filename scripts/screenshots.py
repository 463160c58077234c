"""Screenshots of every screen, from the real windows on the demo school.

Run under a virtual display for real fonts:
    xvfb-run -a -s "-screen 0 1400x900x24" uv run python scripts/screenshots.py

Writes docs/screenshots/*.png. Uses only the invented demo school in a temporary folder
(never real data, never a photo from ../shared/faces).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QApplication, QWidget

from croftpost.core.demo import DEMO_PASSWORD, create_demo
from croftpost.core.posting import Publication
from croftpost.core.services import Services, open_services
from croftpost.errors import CroftpostError
from croftpost.ui.app import make_application
from croftpost.ui.dialogs.start_dialogs import FirstRunDialog, LoginDialog
from croftpost.ui.main_window import MainWindow
from croftpost.ui.reports import termly_html
from croftpost.ui.views.audit_view import AuditView
from croftpost.ui.views.comments_view import CommentsView
from croftpost.ui.views.consent_view import ConsentView
from croftpost.ui.views.drafts_view import DraftsView
from croftpost.ui.views.safeguarding_view import SafeguardingView
from croftpost.ui.views.staff_view import StaffView
from croftpost.ui.workers import ImmediateTaskRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compose_screenshots import compose_screens  # noqa: E402 - beside this script

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
STEPS = ("start", "head", "roles", "consent", "drafts", "comments", "compose", "safeguarding")
WINDOW_SIZE = (1366, 768)  # the commonest school laptop screen


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def save(app: QApplication, widget: QWidget, name: str) -> None:
    settle(app)
    path = OUT / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(OUT.parent.parent)}")


def start_screens(app: QApplication, services: Services, accounts: list, empty: Path) -> None:
    first = FirstRunDialog(empty)
    first.show()
    save(app, first, "01-first-run")
    first.close()
    login = LoginDialog(services, accounts)
    login.show()
    save(app, login, "02-login-demo")
    login.username.setText("teacher")
    login.password.setText("not-my-password")
    login.ok_button.click()
    save(app, login, "03-login-wrong-password")
    login.close()


def lock_out(services: Services, username: str) -> None:
    """Five wrong passwords, so the staff list shows a locked account."""
    for _ in range(5):
        with contextlib.suppress(CroftpostError):
            services.accounts.login(username, "wrong-password")


def headteacher_screens(app: QApplication, services: Services) -> None:
    head = services.accounts.login("head", DEMO_PASSWORD)
    window = MainWindow(services, head, tasks=ImmediateTaskRunner())
    window.resize(*WINDOW_SIZE)
    window.show()
    for number, key in enumerate(("compose", "drafts", "consent"), start=10):
        window.show_page(key)
        save(app, window, f"{number}-head-{key}")
    staff = window.show_page("staff")
    assert isinstance(staff, StaffView)
    staff.select("teacher")
    save(app, staff.window(), "13-head-staff")
    staff.details.channel_boxes["facebook"].click()  # authorise, and show the confirmation
    save(app, window, "14-head-staff-authorised")
    staff.add_button.click()
    dialog = staff.current_dialog
    assert dialog is not None
    dialog.username.setText("jsmith")
    dialog.full_name.setText("Mrs Jane Smith")
    dialog.password.setText("short")
    dialog.password_again.setText("short")
    dialog.ok_button.click()
    save(app, dialog, "15-head-add-staff-refused")
    dialog.reject()
    audit = window.show_page("audit")
    assert isinstance(audit, AuditView)
    audit.verify_button.click()
    audit.table.selectRow(1)  # the details pane shows the chosen entry in full
    save(app, window, "16-head-audit-verified")
    audit.filters.action.setCurrentIndex(audit.filters.action.findData("login.failed"))
    audit.filters.since.setDate(QDate.currentDate())
    save(app, window, "17-head-audit-filtered")
    window.lock()
    window.lock_screen.password.setText("wrong-password")
    window.lock_screen.unlock_button.click()
    save(app, window, "18-lock-screen")
    window.close()


def save_page(document: QTextDocument, page: int, name: str) -> None:
    """One page of a printed document as a picture, with a paper-like margin."""
    size = document.pageSize()
    margin = 40
    image = QImage(int(size.width()) + 2 * margin, int(size.height()) + 2 * margin,
                   QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.translate(margin, margin - page * size.height())
    document.drawContents(painter, QRectF(0, page * size.height(), size.width(), size.height()))
    painter.end()
    path = OUT / f"{name}.png"
    if not image.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(OUT.parent.parent)}")


def publish_demo_post(services: Services) -> None:
    """A post showing a pupil, so a withdrawal has something to take down."""
    teacher = services.accounts.login("teacher", DEMO_PASSWORD)
    text = "Ava and Year 3 loved sports day! Thank you to everyone who came to cheer."
    draft = services.drafts.create(teacher, "dojo", text)
    services.drafts.publish(teacher, draft.id, "dojo", Publication(
        text, [], {"D001": {"photo_dojo": "valid"}}, [], {}))


def consent_screens(app: QApplication, services: Services, folder: Path) -> None:
    head = services.accounts.login("head", DEMO_PASSWORD)
    window = MainWindow(services, head, tasks=ImmediateTaskRunner())
    window.resize(*WINDOW_SIZE)
    window.show()
    register = window.show_page("consent")
    assert isinstance(register, ConsentView)
    register.select("D008")
    save(app, window, "30-consent-protected-pupil")
    register.filters.choose(register.filters.show_only, "no_consent")
    register.select("D006")
    save(app, window, "31-consent-filtered-no-consent")
    register.filters.clear()
    register.select("D001")
    register.details.edit_button.click()
    edit = register.current_dialog
    assert edit is not None
    edit.rows["name_facebook"].given.setChecked(False)
    save(app, edit, "32-consent-edit")
    edit.reject()
    register.details.withdraw_button.click()
    withdraw = register.current_dialog
    assert withdraw is not None
    save(app, withdraw, "33-consent-withdraw")  # as it opens: nothing ticked
    for kind, box in withdraw.boxes.items():
        box.setChecked(kind in ("photo_dojo", "name_dojo"))
    withdraw.ok_button.click()
    save(app, window, "34-consent-withdrawn-posts-to-take-down")
    consent_import(app, register, folder)
    register.print_lists(folder / "no-photo-lists.pdf")
    save(app, window, "36-consent-lists-printed")
    assert register.last_document is not None
    save_page(register.last_document, 0, "37-no-photo-list-page")
    window.close()


def comments_screen(app: QApplication, services: Services) -> None:
    """Comments on the school's page, checked against policy 2.3 (invented names)."""
    head = services.accounts.login("head", DEMO_PASSWORD)
    window = MainWindow(services, head, tasks=ImmediateTaskRunner())
    window.resize(*WINDOW_SIZE)
    window.show()
    page = window.show_page("comments")
    assert isinstance(page, CommentsView)
    page.input.setPlainText("\n".join([
        "author,comment",
        "Jess Howarth,What a brilliant sports day - thank you to all the staff!",
        "Prize Team,Congratulations! You have won a £500 voucher, click here to claim",
        "Dan Mercer,This school is shit",
        "Amira Shah,Can someone tell me when the Year 3 trip money is due?",
        "Prize Team,Free followers for your page, message us now",
    ]))
    page.check_button.click()
    save(app, window, "58-comments")
    window.close()


def consent_import(app: QApplication, register: ConsentView, folder: Path) -> None:
    sheet = folder / "consents.csv"
    sheet.write_text(
        "pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,"
        "name_dojo,biometric,consent_expires,withdrawn_on\n"
        "D011,Poppy,Whitcombe,Year 3,yes,yes,yes,yes,no,2027-07-31,\n"
        "D002,Noah,Bennett,Year 4,no,yes,no,yes,yes,2027-07-31,\n"
        "D012,Arlo,Fenwick,Year 5,yes,maybe,no,no,no,2027-07-31,\n"
        "D013,Esme,Kaur,Year 6,yes,yes,no,no,no,31/07/2027,\n",
        encoding="utf-8")
    register.import_button.click()
    dialog = register.current_dialog
    assert dialog is not None
    dialog.choose_path = lambda: sheet  # type: ignore[attr-defined]
    dialog.choose_button.click()  # type: ignore[attr-defined]
    save(app, dialog, "35-consent-import-bad-rows")
    dialog.reject()


def drafts_and_account_screens(app: QApplication, services: Services) -> None:
    teacher = services.accounts.login("teacher", DEMO_PASSWORD)
    window = MainWindow(services, teacher, tasks=ImmediateTaskRunner())
    window.resize(*WINDOW_SIZE)
    window.show()
    drafts = window.show_page("drafts")
    assert isinstance(drafts, DraftsView)
    save(app, window, "38-teacher-drafts-and-history")
    window.user_menu.password_action.trigger()
    dialog = window.user_menu.current_dialog
    assert dialog is not None
    dialog.current.setText("not-my-password")  # type: ignore[attr-defined]
    dialog.password.setText("a-new-password")  # type: ignore[attr-defined]
    dialog.password_again.setText("a-new-password")  # type: ignore[attr-defined]
    dialog.ok_button.click()
    save(app, dialog, "39-change-password-refused")
    dialog.reject()
    window.close()
    head = services.accounts.login("head", DEMO_PASSWORD)
    window = MainWindow(services, head, tasks=ImmediateTaskRunner())
    window.resize(*WINDOW_SIZE)
    window.show()
    assert window.user_menu.school_action is not None
    window.user_menu.school_action.trigger()
    details = window.user_menu.current_dialog
    assert details is not None
    save(app, details, "40-school-details")
    details.reject()
    window.close()


def safeguarding_screens(app: QApplication, services: Services, folder: Path) -> None:
    head = services.accounts.login("head", DEMO_PASSWORD)
    window = MainWindow(services, head, tasks=ImmediateTaskRunner())
    window.resize(*WINDOW_SIZE)
    window.show()
    save(app, window, "41-head-safeguarding-banner")
    page = window.show_page("safeguarding")
    assert isinstance(page, SafeguardingView) and page.termly is not None
    save(app, window, "42-head-safeguarding")
    page.acknowledge_button.click()
    dialog = page.current_dialog
    assert dialog is not None
    dialog.note.setPlainText(  # type: ignore[attr-defined]
        "Spoke to Miss Nair: the photo was not posted.")
    save(app, dialog, "43-head-acknowledge-alert")
    dialog.ok_button.click()
    page.termly.save_report(folder / "termly-review.pdf")
    save(app, window, "44-head-termly-report-saved")
    start, end = page.termly.period()
    data = services.termly.termly_report(head, start, end).to_json()
    report = QTextDocument()
    report.setHtml(termly_html(json.loads(json.dumps(data))))
    report.setPageSize(QSizeF(774, 527))  # A4 landscape in points, less 12 mm margins
    save_page(report, 0, "45-termly-report-page")
    window.close()
    teacher = services.accounts.login("teacher", DEMO_PASSWORD)
    window = MainWindow(services, teacher, tasks=ImmediateTaskRunner())
    window.resize(*WINDOW_SIZE)
    window.show()
    window.show_page("takedowns")
    save(app, window, "46-teacher-takedown-tasks")
    window.close()


def other_roles(app: QApplication, services: Services) -> None:
    for number, username in ((20, "office"), (21, "teacher")):
        session = services.accounts.login(username, DEMO_PASSWORD)
        window = MainWindow(services, session, tasks=ImmediateTaskRunner())
        window.resize(*WINDOW_SIZE)
        window.show()
        save(app, window, f"{number}-{username}-main")
        window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of every screen (demo school).")
    parser.add_argument("--only", nargs="+", choices=STEPS, metavar="STEP",
                        help="run only these steps: " + ", ".join(STEPS))
    only = parser.parse_args(argv).only
    app = make_application()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="croftpost-shots-") as folder:
        school = Path(folder) / "demo-school"
        accounts = create_demo(school)
        services = open_services(school)
        try:
            lock_out(services, "assistant")
            publish_demo_post(services)
            steps: dict[str, Callable[[], None]] = {
                "start": lambda: start_screens(app, services, accounts,
                                               Path(folder) / "new-school"),
                "head": lambda: headteacher_screens(app, services),
                "roles": lambda: other_roles(app, services),
                "consent": lambda: consent_screens(app, services, Path(folder)),
                "drafts": lambda: drafts_and_account_screens(app, services),
                "comments": lambda: comments_screen(app, services),
                "compose": lambda: compose_screens(app, services, Path(folder), save),
                "safeguarding": lambda: safeguarding_screens(app, services, Path(folder)),
            }
            for name, step in steps.items():
                if not only or name in only:
                    step()
        finally:
            services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
