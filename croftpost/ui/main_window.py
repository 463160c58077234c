"""MainWindow: navigation on the left (only the pages this person may use), pages on the right,
who is logged in at the bottom, and an idle lock over everything."""

from __future__ import annotations

import contextlib
import sqlite3

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Permission, Session, StaffMember
from croftpost.core.audit_anchors import AnchorReport
from croftpost.core.school import SchoolDetails
from croftpost.core.services import Services
from croftpost.errors import CroftpostError
from croftpost.ui.dialogs.form_dialog import FormDialogOwner
from croftpost.ui.idle import IDLE_TIMEOUT_MS, IdleWatcher
from croftpost.ui.labels import role_name
from croftpost.ui.lock_screen import LockScreen
from croftpost.ui.pages import PageContext, PageRegistry, PageSpec, default_registry
from croftpost.ui.policy_notice import PolicyReviewDialog, policy_banner
from croftpost.ui.safeguarding_notice import safeguarding_notice_text
from croftpost.ui.theme import APP_ICON, icon
from croftpost.ui.user_menu import UserMenuButton
from croftpost.ui.widgets import StatusMessage, Tone, explanation, heading
from croftpost.ui.workers import TaskRunner, ThreadTaskRunner

BANNER_REFRESH_MS = 60_000


class MainWindow(QMainWindow, FormDialogOwner):
    logged_out = Signal()
    closed = Signal()  # by the window's close button, not by logging out
    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        services: Services,
        session: Session,
        *,
        registry: PageRegistry | None = None,
        tasks: TaskRunner | None = None,
        idle_timeout_ms: int = IDLE_TIMEOUT_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._session = session
        self.member: StaffMember = services.accounts.current(session)  # refuses a revoked one
        self.school_name = services.school.details().name
        self._own_tasks = tasks is None  # else the caller shuts its runner down
        self._context = PageContext(services, session, tasks or ThreadTaskRunner(parent=self))
        self._specs = (registry or default_registry()).visible_for(self.member)
        self._pages: dict[str, QWidget] = {}
        self._hidden_dialogs: list[QDialog] = []
        self._logging_out = False
        self.setWindowTitle(self.tr("croftpost — {0}").format(self.school_name))
        self.setWindowIcon(icon(APP_ICON))
        self._fit_to_screen(1280, 780)
        self.nav = self._make_nav()
        self.page_stack = QStackedWidget(self)
        self.banner = StatusMessage(self)
        self.banner.setObjectName("banner")
        self.policy_button = QPushButton(self.tr("Record the polic&y review…"), self.banner)
        self.policy_button.clicked.connect(self._on_policy_button_clicked)
        banner_layout = self.banner.layout()
        assert banner_layout is not None
        banner_layout.addWidget(self.policy_button)
        self.safeguarding_banner, self.safeguarding_button = self._make_safeguarding_banner()
        self.audit_banner = StatusMessage(self)
        self.audit_banner.setObjectName("banner")
        self.workspace = self._make_workspace()
        self.lock_screen = LockScreen(self.member.full_name, self.member.username, self)
        self.lock_screen.unlock_requested.connect(self._on_lock_screen_unlock_requested)
        self.lock_screen.logout_requested.connect(self.log_out)
        self.screens = QStackedWidget(self)
        self.screens.addWidget(self.workspace)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)
        self._make_status_bar()
        self._make_shortcuts()
        self._show_policy_banner()
        self.refresh_safeguarding_banner()
        self.show_audit_check(services.anchors.login_report)
        # Alerts and takedown tasks also appear while this page stays open (another window,
        # the command line): read them again every so often. It is one small query.
        self.banner_timer = QTimer(self)
        self.banner_timer.setInterval(BANNER_REFRESH_MS)
        self.banner_timer.timeout.connect(self._on_banner_timer_timeout)
        self.banner_timer.start()
        self.idle = IdleWatcher(idle_timeout_ms, self)
        self.idle.idle_timed_out.connect(self._on_idle_idle_timed_out)
        self.idle.start()
        if self._specs:
            self.nav.setCurrentRow(self._landing_row())

    # -- building --------------------------------------------------------------------------
    def _make_nav(self) -> QListWidget:
        nav = QListWidget(self)
        nav.setObjectName("navigation")
        nav.setAccessibleName(self.tr("Sections"))
        nav.setIconSize(QSize(22, 22))
        nav.setFixedWidth(230)
        for spec in self._specs:
            item = QListWidgetItem(icon(spec.icon), spec.title, nav)
            item.setSizeHint(QSize(0, 44))  # the stylesheet's padding is not in Qt's size hint
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
        nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        return nav

    def _make_workspace(self) -> QWidget:
        workspace = QWidget(self)
        side = QWidget(workspace)
        side.setObjectName("sidebar")
        side.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.school_label = QLabel(self.school_name, side)
        self.school_label.setObjectName("sidebarSchool")
        self.school_label.setWordWrap(True)
        self.user_menu = UserMenuButton(self._services, self._session, self.member, side)
        self.user_menu.message_posted.connect(self._on_user_menu_message_posted)
        self.user_menu.school_changed.connect(self._on_user_menu_school_changed)
        self.lock_button = QPushButton(icon("lock"), self.tr("&Lock"), side)
        self.lock_button.setToolTip(self.tr("Lock now (Ctrl+L)"))
        self.logout_button = QPushButton(icon("logout"), self.tr("Log &out"), side)
        self.lock_button.clicked.connect(self._on_lock_button_clicked)
        self.logout_button.clicked.connect(self.log_out)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(12, 16, 12, 16)
        side_layout.addWidget(self.school_label)
        side_layout.addSpacing(8)
        side_layout.addWidget(self.nav, 1)
        side_layout.addWidget(self.user_menu)
        side_layout.addWidget(self.lock_button)
        side_layout.addWidget(self.logout_button)
        body = QHBoxLayout()
        body.setSpacing(0)
        body.addWidget(side)
        body.addWidget(self.page_stack, 1)
        layout = QVBoxLayout(workspace)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.audit_banner)
        layout.addWidget(self.banner)
        layout.addWidget(self.safeguarding_banner)
        layout.addLayout(body, 1)
        return workspace

    def _make_status_bar(self) -> None:
        self.who_label = QLabel(self)
        self._show_who()
        self.statusBar().addWidget(self.who_label, 1)

    def _show_who(self) -> None:
        self.who_label.setText(
            self.tr("Logged in as {0} ({1}), {2} · {3}").format(
                self.member.full_name,
                self.member.username,
                role_name(self.member.role),
                self.school_name,
            )
        )

    def _on_user_menu_school_changed(self, details: SchoolDetails) -> None:
        self.school_name = details.name
        self.school_label.setText(details.name)
        self.setWindowTitle(self.tr("croftpost — {0}").format(details.name))
        self._show_who()

    def _on_user_menu_message_posted(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _fit_to_screen(self, width: int, height: int) -> None:
        """The default size, or the screen's free area on a small laptop (1366 x 768 with a
        taskbar leaves about 728 px), so nothing starts off-screen."""
        screen = self.screen()
        free = screen.availableGeometry() if screen is not None else None
        if free is not None and free.width() > 0:
            width, height = min(width, free.width()), min(height, free.height())
        self.resize(width, height)

    def _make_shortcuts(self) -> None:
        QShortcut(QKeySequence("Ctrl+L"), self, self._on_lock_button_clicked)
        for number, _spec in enumerate(self._specs[:9], start=1):
            QShortcut(
                QKeySequence(f"Ctrl+{number}"), self, lambda row=number - 1: self._go_to_row(row)
            )

    def _show_policy_banner(self) -> None:
        text, records = policy_banner(self._services, self._session)
        self.policy_button.setVisible(records)
        if text:
            self.banner.show_message(Tone.WARNING, text)
        else:
            self.banner.hide()

    def _on_policy_button_clicked(self) -> None:
        services, session = self._services, self._session
        dialog = PolicyReviewDialog(services.clock().date(), self)

        def record() -> None:
            services.policy.record_review(session, dialog.chosen())

        self.open_form(dialog, record, self._show_policy_banner)

    def _make_safeguarding_banner(self) -> tuple[StatusMessage, QPushButton]:
        banner = StatusMessage(self)
        banner.setObjectName("banner")
        key = self._safeguarding_key()
        button = QPushButton(icon("protected"), self.tr("Open Safe&guarding") if key ==
                             "safeguarding" else self.tr("Open my &takedown tasks"), banner)
        button.setVisible(key is not None)
        button.clicked.connect(self._on_safeguarding_button_clicked)
        layout = banner.layout()
        assert layout is not None
        layout.addWidget(button)
        icon_item = layout.itemAt(0)  # beside a button, centre the icon as the text is
        icon_widget = icon_item.widget() if icon_item is not None else None
        if icon_widget is not None:
            layout.setAlignment(icon_widget, Qt.AlignmentFlag.AlignVCenter)
        return banner, button

    def _safeguarding_key(self) -> str | None:
        return next((k for k in ("safeguarding", "takedowns") if k in self.page_keys()), None)

    def refresh_safeguarding_banner(self) -> None:
        """Open alerts, a termly review due or takedown tasks: say so, with a way there."""
        text = safeguarding_notice_text(self._services, self._session)
        if text is None:
            self.safeguarding_banner.clear()
            return
        self.safeguarding_banner.show_message(Tone.WARNING, text)
        key = self._safeguarding_key()
        self.safeguarding_button.setVisible(
            key is not None and self.page_stack.currentWidget() is not self._pages.get(key))

    def show_audit_check(self, report: AnchorReport | None) -> None:
        """Red, above everything, for the headteacher, when the check at login found the audit
        log rewritten, truncated or replaced by an older copy. It stays until the next login."""
        if report is None or report.intact or not self.member.can(Permission.READ_AUDIT):
            self.audit_banner.clear()
            return
        self.audit_banner.show_message(Tone.ERROR, self.tr(
            "The audit log has been tampered with. {0} Keep the data folder as it is and ask "
            "your IT support to look into it.").format(" ".join(report.problems)))

    def _on_banner_timer_timeout(self) -> None:
        # An erasure another window held up is finished as soon as it can be (one small query
        # when none is pending), locked or not.
        with contextlib.suppress(CroftpostError, sqlite3.Error):  # tried again next minute
            self._services.consent.finish_pending_erasure()
        if self.member.can(Permission.READ_AUDIT):  # a headteacher signs once a day of use
            with contextlib.suppress(CroftpostError, sqlite3.Error):
                self._services.anchors.daily_checkpoint(self._session)
        if not self.is_locked and not self._logging_out:
            self.refresh_safeguarding_banner()

    def _on_safeguarding_button_clicked(self) -> None:
        key = self._safeguarding_key()
        if key is not None and not self.is_locked:
            self.show_page(key)

    # -- pages -----------------------------------------------------------------------------
    def _landing_row(self) -> int:
        """Where someone starts: the consent register for whoever keeps it and cannot post
        (office staff), else the first page (composing, for those who post)."""
        keys = self.page_keys()
        if not self.member.channels and self.member.can(Permission.MANAGE_CONSENT) and (
                "consent" in keys):
            return keys.index("consent")
        return 0

    def page_keys(self) -> list[str]:
        """The pages this person may see, in order."""
        return [spec.key for spec in self._specs]

    def show_page(self, key: str) -> QWidget:
        self.nav.setCurrentRow(self.page_keys().index(key))
        return self._pages[key]

    def page(self, key: str) -> QWidget | None:
        """A page if it has been opened (pages are built the first time they are shown)."""
        return self._pages.get(key)

    def _go_to_row(self, row: int) -> None:
        if not self.is_locked and row < self.nav.count():
            self.nav.setCurrentRow(row)

    def _on_nav_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        spec = self._specs[row]
        if spec.key not in self._pages:
            self._pages[spec.key] = self._build(spec)
            self.page_stack.addWidget(self._pages[spec.key])
        self.page_stack.setCurrentWidget(self._pages[spec.key])
        self.refresh_safeguarding_banner()

    def _build(self, spec: PageSpec) -> QWidget:
        try:
            page = spec.factory(self._context)
        except CroftpostError as exc:  # e.g. the account was revoked a moment ago
            page = QWidget(self)
            layout = QVBoxLayout(page)
            layout.addWidget(heading(spec.title, page))
            layout.addWidget(explanation(str(exc), page))
            layout.addStretch(1)
            return page
        # Pages that hand a draft to the Compose page (the drafts list) say so with a signal.
        if hasattr(page, "open_draft_requested"):
            page.open_draft_requested.connect(self._on_page_open_draft_requested)
        # Acting on alerts, takedowns or the termly review changes what the banner says.
        if hasattr(page, "safeguarding_changed"):
            page.safeguarding_changed.connect(self.refresh_safeguarding_banner)
        return page

    def _on_page_open_draft_requested(self, draft_id: int) -> None:
        if "compose" not in self.page_keys():
            return  # not authorised to post: nothing to open it in
        compose = self.show_page("compose")
        if hasattr(compose, "load_draft"):
            compose.load_draft(draft_id)

    # -- lock and log out ------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self.screens.currentWidget() is self.lock_screen

    def lock(self, idle: bool = False) -> None:
        """Hide everything (pages and open dialogs stay alive) until the password is typed."""
        if self.is_locked:
            return
        self.idle.stop()
        self._hidden_dialogs = [d for d in self.findChildren(QDialog) if d.isVisible()]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        self.screens.setCurrentWidget(self.lock_screen)
        minutes = max(1, round(self.idle.timeout_ms / 60000))
        self.lock_screen.reset(
            self.tr(
                "It locked itself after {0} idle minutes, to keep pupils' details private. "
                "Nothing you were doing has been lost."
            ).format(minutes)
            if idle
            else self.tr("It was locked by hand. Nothing you were doing has been lost.")
        )
        self._services.accounts.lock_session(self._session, idle)
        self.locked.emit()

    def _on_idle_idle_timed_out(self) -> None:
        self.lock(idle=True)

    def _on_lock_button_clicked(self) -> None:
        self.lock()

    def _on_lock_screen_unlock_requested(self, password: str) -> None:
        try:
            self._services.accounts.unlock_session(self._session, password)
        except CroftpostError as exc:  # wrong password, locked out, or revoked meanwhile
            self.lock_screen.message.show_error(exc)
            return
        self.screens.setCurrentWidget(self.workspace)
        for dialog in self._hidden_dialogs:
            dialog.show()
        self._hidden_dialogs = []
        self.refresh_safeguarding_banner()
        self.idle.start()
        self.unlocked.emit()

    def log_out(self) -> None:
        self.idle.stop()
        self.banner_timer.stop()
        with contextlib.suppress(CroftpostError):  # revoked meanwhile: leaving all the same
            self._services.accounts.logout(self._session)
        self._logging_out = True
        self.logged_out.emit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.idle.stop()
        self.banner_timer.stop()
        if self._own_tasks:
            self._context.tasks.shutdown()
        super().closeEvent(event)
        if not self._logging_out:
            self.closed.emit()
