"""Screenshots of every screen, from the real windows on the demo school.

Run under a virtual display for real fonts:
    xvfb-run -a -s "-screen 0 1400x900x24" uv run python scripts/screenshots.py

Writes docs/screenshots/*.png. Uses only the invented demo school in a temporary folder
(never real data, never a photo from ../shared/faces).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QWidget

from croftpost.core.demo import DEMO_PASSWORD, create_demo
from croftpost.core.errors import CroftpostError
from croftpost.core.services import Services, open_services
from croftpost.ui.app import make_application
from croftpost.ui.dialogs.start_dialogs import FirstRunDialog, LoginDialog
from croftpost.ui.main_window import MainWindow
from croftpost.ui.views.audit_view import AuditView
from croftpost.ui.views.staff_view import StaffView
from croftpost.ui.workers import ImmediateTaskRunner

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WINDOW_SIZE = (1280, 800)


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
    save(app, window, "16-head-audit-verified")
    audit.filters.action.setCurrentIndex(audit.filters.action.findData("login.failed"))
    audit.filters.since.setDate(QDate.currentDate())
    save(app, window, "17-head-audit-filtered")
    window.lock()
    window.lock_screen.password.setText("wrong-password")
    window.lock_screen.unlock_button.click()
    save(app, window, "18-lock-screen")
    window.close()


def other_roles(app: QApplication, services: Services) -> None:
    for number, username in ((20, "office"), (21, "teacher")):
        session = services.accounts.login(username, DEMO_PASSWORD)
        window = MainWindow(services, session, tasks=ImmediateTaskRunner())
        window.resize(*WINDOW_SIZE)
        window.show()
        save(app, window, f"{number}-{username}-main")
        window.close()


def main() -> int:
    app = make_application()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="croftpost-shots-") as folder:
        school = Path(folder) / "demo-school"
        accounts = create_demo(school)
        services = open_services(school)
        try:
            lock_out(services, "assistant")
            steps: list[Callable[[], None]] = [
                lambda: start_screens(app, services, accounts, Path(folder) / "new-school"),
                lambda: headteacher_screens(app, services),
                lambda: other_roles(app, services),
            ]
            for step in steps:
                step()
        finally:
            services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
