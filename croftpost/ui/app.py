"""Starting the desktop app: the application object, the look, then first run or login, then
the main window. Logging out comes back to the login dialog."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from argon2 import PasswordHasher
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from croftpost.config import resolve_data_dir
from croftpost.core.accounts import Session
from croftpost.core.clock import Clock, utc_now
from croftpost.core.services import Services, open_services
from croftpost.errors import CroftpostError, DataFolderError
from croftpost.storage.backup import daily_backup
from croftpost.storage.db import database_exists
from croftpost.ui.dialogs.start_dialogs import DemoAccount, FirstRunDialog, LoginDialog
from croftpost.ui.idle import IDLE_TIMEOUT_MS
from croftpost.ui.main_window import MainWindow
from croftpost.ui.theme import APP_ICON, icon, stylesheet
from croftpost.ui.widgets import error_sentence, show_error_box
from croftpost.ui.workers import TaskRunner, ThreadTaskRunner

log = logging.getLogger(__name__)

BASE_FONT_POINTS = 10.5


def make_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("croftpost")
    app.setApplicationDisplayName("croftpost")
    app.setOrganizationName("croftpost")
    app.setWindowIcon(icon(APP_ICON))
    app.setStyle("Fusion")  # the same calm look on Windows, macOS and Linux
    font = app.font()
    font.setPointSizeF(BASE_FONT_POINTS)
    app.setFont(font)
    app.setStyleSheet(stylesheet())
    # The controller decides when to quit: logging out closes the window but not the app.
    app.setQuitOnLastWindowClosed(False)
    return app


class AppController(QObject):
    """First run or login, then the main window; back to login after logging out.
    Emits `finished` when the person quits (run_app then ends the application)."""

    finished = Signal()

    def __init__(
        self,
        data_dir: Path,
        demo_accounts: Sequence[DemoAccount] = (),
        *,
        clock: Clock = utc_now,
        hasher: PasswordHasher | None = None,
        tasks: TaskRunner | None = None,
        idle_timeout_ms: int = IDLE_TIMEOUT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.demo_accounts = list(demo_accounts)
        self._clock, self._hasher = clock, hasher
        self.tasks: TaskRunner = tasks or ThreadTaskRunner(parent=self)
        self._idle_timeout_ms = idle_timeout_ms
        self.services: Services | None = None
        self.first_run_dialog: FirstRunDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.window: MainWindow | None = None

    def start(self) -> None:
        """Show the first dialog. Raises DataFolderError if the database can't be opened."""
        if not database_exists(self.data_dir):
            self._show_first_run()
            return
        self.services = open_services(self.data_dir, self._clock, self._hasher)
        self._show_login()

    def _show_first_run(self) -> None:
        dialog = FirstRunDialog(self.data_dir, self._clock, self._hasher)
        dialog.accepted.connect(self._on_first_run_dialog_accepted)
        dialog.rejected.connect(self.quit)
        self.first_run_dialog = dialog
        dialog.show()

    def _on_first_run_dialog_accepted(self) -> None:
        dialog = self.first_run_dialog
        assert dialog is not None and dialog.services and dialog.session
        self.services = dialog.services
        self.first_run_dialog = None
        dialog.deleteLater()
        self._show_main(dialog.session)

    def _show_login(self) -> None:
        assert self.services is not None
        dialog = LoginDialog(self.services, self.demo_accounts)
        dialog.accepted.connect(self._on_login_dialog_accepted)
        dialog.rejected.connect(self.quit)
        self.login_dialog = dialog
        dialog.show()

    def _on_login_dialog_accepted(self) -> None:
        dialog = self.login_dialog
        assert dialog is not None and dialog.session is not None
        self.login_dialog = None
        dialog.deleteLater()
        self._show_main(dialog.session)

    def _show_main(self, session: Session) -> None:
        assert self.services is not None
        try:
            window = MainWindow(
                self.services, session, tasks=self.tasks, idle_timeout_ms=self._idle_timeout_ms
            )
        except CroftpostError as exc:  # revoked between login and now
            show_error_box(None, self.tr("croftpost"), exc)
            self._show_login()
            return
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.logged_out.connect(self._on_window_logged_out)
        window.closed.connect(self.quit)
        self.window = window
        window.show()
        self._erase_lapsed_faces()
        self._back_up_daily()

    def _erase_lapsed_faces(self) -> None:
        """Encodings whose biometric consent has expired (or whose pupil has left) are never
        matched, and they must not be kept either: erase them at the first login after."""
        assert self.services is not None
        try:
            erased = self.services.consent.purge_lapsed_biometrics()
        except (CroftpostError, sqlite3.Error) as exc:
            log.warning("erasing lapsed face references failed: %s", exc)
            return
        if erased:
            log.info("erased %d face reference(s) whose consent had lapsed", erased)

    def _back_up_daily(self) -> None:
        """The first login of the day leaves a backup in the data folder (the last few kept).
        A failed backup is logged, never in the way."""
        data_dir, now = self.data_dir, self._clock()
        self.tasks.submit(
            lambda _cancel, _progress: daily_backup(data_dir, now),
            on_result=lambda path: log.info("daily backup %s", path.name),
            on_error=lambda exc: log.warning("the daily backup failed: %s", exc),
            owner=self,
        )

    def _on_window_logged_out(self) -> None:
        self.window = None
        self._show_login()

    def quit(self) -> None:
        self.tasks.shutdown()
        if self.services is not None:
            self.services.close()
            self.services = None
        self.finished.emit()


def _make_demo(folder: Path) -> list[DemoAccount]:
    try:
        from croftpost.core.demo import create_demo
    except ImportError:
        raise DataFolderError("The demo school is not part of this version of croftpost.") from None
    return list(create_demo(folder))


def _show_unexpected(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Anything a slot did not catch: logged in full, one sentence on screen."""
    log.error("unexpected failure", exc_info=(kind, exc, tb))
    QMessageBox.warning(None, "croftpost", error_sentence(exc))


def run_app(data_dir_option: str | None, demo: bool) -> int:
    app = make_application()
    sys.excepthook = _show_unexpected
    with contextlib.ExitStack() as cleanup:
        try:
            if demo:
                folder = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="croftpost-"))
                data_dir = Path(folder) / "demo-school"
                accounts = _make_demo(data_dir)
            else:
                data_dir, accounts = resolve_data_dir(data_dir_option), []
            controller = AppController(data_dir, accounts)
            cleanup.callback(controller.quit)  # runs before the demo folder is removed
            controller.finished.connect(app.quit)
            controller.start()
        except CroftpostError as exc:
            show_error_box(None, "croftpost", exc)
            return 2
        return app.exec()
