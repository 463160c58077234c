"""The app keeps a backup a day in the data folder, made after login on a worker with its own
connection; the last seven are kept; each is owner-only and verifies."""

from __future__ import annotations

import stat

import pytest

from croftpost.core.backups import check_backup
from croftpost.ui.app import AppController
from tests.conftest import HEAD_PASSWORD

pytestmark = pytest.mark.gui


def log_in(controller: AppController) -> None:
    dialog = controller.login_dialog
    assert dialog is not None
    dialog.username.setText("head")
    dialog.password.setText(HEAD_PASSWORD)
    dialog.ok_button.click()
    assert controller.window is not None and controller.window.isVisible()


def test_a_backup_a_day_is_kept_for_seven_days(qtbot, school, clock, fast_hasher, tasks):
    services, _ = school
    controller = AppController(services.data_dir, clock=clock, hasher=fast_hasher, tasks=tasks)
    controller.start()
    try:
        for day in range(10):
            log_in(controller)
            controller.window.logout_button.click()
            if day == 0:
                log_in(controller)  # a second login the same day makes no second backup
                controller.window.logout_button.click()
                kept = list((services.data_dir / "backups").iterdir())
                assert [p.name for p in kept] == ["croftpost-2026-11-24.db"]
                assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
                assert check_backup(kept[0]) >= 3
            clock.advance(days=1)
    finally:
        close(controller)
    kept = sorted(p.name for p in (services.data_dir / "backups").iterdir())
    assert kept == [f"croftpost-2026-11-{d}.db" for d in range(27, 31)] + [
        f"croftpost-2026-12-0{d}.db" for d in range(1, 4)]


def test_a_failed_backup_does_not_stop_the_login(qtbot, school, clock, fast_hasher, tasks):
    services, _ = school
    (services.data_dir / "backups").write_text("a file where the backup folder should be")
    controller = AppController(services.data_dir, clock=clock, hasher=fast_hasher, tasks=tasks)
    controller.start()
    try:
        log_in(controller)
    finally:
        close(controller)


def close(controller: AppController) -> None:
    for widget in (controller.window, controller.login_dialog):
        if widget is not None:
            widget.close()
    if controller.services is not None:
        controller.services.close()
