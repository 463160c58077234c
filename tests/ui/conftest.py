"""Fixtures for the screens: real services on a temporary data folder, real widgets offscreen,
and the synchronous task runner (one test per worker uses a real thread)."""

from __future__ import annotations

import pytest

from croftpost.core.accounts import Session
from croftpost.core.services import Services
from tests.conftest import STAFF_PASSWORD


@pytest.fixture
def tasks():
    from croftpost.ui.workers import ImmediateTaskRunner

    return ImmediateTaskRunner()


@pytest.fixture
def make_window(qtbot, tasks):
    """Build a MainWindow for someone (idle lock effectively off unless a test asks)."""
    from croftpost.ui.main_window import MainWindow

    def build(
        services: Services, session: Session, idle_timeout_ms: int = 3_600_000, **kwargs
    ) -> MainWindow:
        window = MainWindow(
            services, session, tasks=tasks, idle_timeout_ms=idle_timeout_ms, **kwargs
        )
        qtbot.addWidget(window)
        window.show()
        return window

    return build


def add_staff(
    services: Services,
    head: Session,
    username: str,
    role: str = "staff",
    channels: tuple[str, ...] = (),
) -> Session:
    """A staff account made through the service, logged in."""
    services.accounts.add_staff(
        head, username, f"Test {username.title()}", role, STAFF_PASSWORD, list(channels)
    )
    return services.accounts.login(username, STAFF_PASSWORD)
