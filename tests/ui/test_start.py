"""First run creates the school; login refuses a wrong password with the service's sentence and
opens the main window for the right one; logging out comes back to the login dialog."""

from __future__ import annotations

import pytest

from croftpost.core.services import open_services
from croftpost.storage.db import database_exists
from croftpost.ui.app import AppController
from croftpost.ui.main_window import MainWindow
from croftpost.ui.widgets import Tone
from tests.conftest import HEAD_PASSWORD

pytestmark = pytest.mark.gui


@pytest.fixture
def controller(qtbot, tmp_path, clock, fast_hasher, tasks):
    made = AppController(tmp_path / "school", clock=clock, hasher=fast_hasher, tasks=tasks)
    yield made
    for widget in (made.window, made.login_dialog, made.first_run_dialog):
        if widget is not None:
            widget.close()
    if made.services is not None:
        made.services.close()


def test_first_run_creates_the_school_and_its_headteacher(qtbot, controller, tmp_path, fast_hasher):
    controller.start()
    dialog = controller.first_run_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.school_name.setText("Croftlands Junior")
    dialog.username.setText("head")
    dialog.full_name.setText("Alex Morgan")
    dialog.password.setText(HEAD_PASSWORD)
    dialog.password_again.setText("something else")
    dialog.ok_button.click()
    assert dialog.message.tone == Tone.ERROR and "different" in dialog.message.text()
    assert not database_exists(tmp_path / "school")

    dialog.password_again.setText(HEAD_PASSWORD)
    dialog.ok_button.click()

    window = controller.window
    assert isinstance(window, MainWindow) and window.isVisible()
    assert "Alex Morgan" in window.who_label.text()
    assert "Croftlands Junior" in window.who_label.text()
    other = open_services(tmp_path / "school", hasher=fast_hasher)
    try:
        assert other.school.details().name == "Croftlands Junior"
        assert other.accounts.login("head", HEAD_PASSWORD).username == "head"
    finally:
        other.close()


def test_first_run_shows_the_services_refusal(qtbot, controller, tmp_path):
    controller.start()
    dialog = controller.first_run_dialog
    dialog.school_name.setText("Croftlands Junior")
    dialog.username.setText("Head Teacher")  # spaces and capitals: not a username
    dialog.full_name.setText("Alex Morgan")
    dialog.password.setText(HEAD_PASSWORD)
    dialog.password_again.setText(HEAD_PASSWORD)
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert "username is 2-32 lower-case letters" in dialog.message.text()
    assert not database_exists(tmp_path / "school")


def test_login_refuses_a_wrong_password_then_opens_the_main_window(qtbot, school, controller):
    services, _ = school
    controller.data_dir = services.data_dir
    controller.start()
    dialog = controller.login_dialog
    assert dialog is not None and controller.first_run_dialog is None
    dialog.username.setText("head")
    dialog.password.setText("not-the-password")
    dialog.ok_button.click()
    assert dialog.isVisible() and controller.window is None
    assert dialog.message.tone == Tone.ERROR
    assert dialog.message.text() == "Wrong username or password."
    assert dialog.password.text() == ""

    dialog.password.setText(HEAD_PASSWORD)
    dialog.ok_button.click()
    assert controller.window is not None and controller.window.isVisible()
    assert controller.window.page_keys() == ["compose", "drafts", "approvals", "comments",
                                             "consent", "safeguarding", "staff", "audit"]


def test_login_shows_the_lockout_sentence(qtbot, school, controller):
    services, _ = school
    controller.data_dir = services.data_dir
    controller.start()
    dialog = controller.login_dialog
    for _ in range(5):
        dialog.username.setText("head")
        dialog.password.setText("wrong-password")
        dialog.ok_button.click()
    assert "locked for 5 more minutes" in dialog.message.text()
    dialog.password.setText(HEAD_PASSWORD)
    dialog.ok_button.click()
    assert controller.window is None
    assert "locked" in dialog.message.text()


def test_log_out_returns_to_the_login_dialog(qtbot, school, controller):
    services, _ = school
    controller.data_dir = services.data_dir
    controller.start()
    controller.login_dialog.username.setText("head")
    controller.login_dialog.password.setText(HEAD_PASSWORD)
    controller.login_dialog.ok_button.click()
    window = controller.window
    window.logout_button.click()
    assert not window.isVisible()
    assert controller.login_dialog is not None and controller.login_dialog.isVisible()
    assert services.audit.entries(limit=1)[0].action == "session.logout"


def test_demo_accounts_fill_in_the_login(qtbot, school, controller):
    from croftpost.ui.dialogs.start_dialogs import LoginDialog

    services, _ = school
    dialog = LoginDialog(services, [("head", "headteacher", HEAD_PASSWORD)])
    qtbot.addWidget(dialog)
    assert dialog.demo_list is not None
    assert "head (Headteacher)" in dialog.demo_list.item(0).text()
    dialog.demo_list.setCurrentRow(0)
    assert dialog.username.text() == "head" and dialog.password.text() == HEAD_PASSWORD
    dialog.ok_button.click()
    assert dialog.session is not None and dialog.session.username == "head"


def test_quitting_at_the_login_dialog_finishes_and_closes_the_database(qtbot, school, controller):
    services, _ = school
    controller.data_dir = services.data_dir
    controller.start()
    with qtbot.waitSignal(controller.finished, timeout=1000):
        controller.login_dialog.reject()
    assert controller.services is None


def test_a_damaged_database_is_explained_in_a_box_not_a_traceback(qapp, tmp_path, monkeypatch):
    import sys

    from croftpost.ui.app import run_app

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "croftpost.db").write_bytes(b"this is not a database " * 200)
    shown: list[str] = []
    monkeypatch.setattr(
        "croftpost.ui.app.show_error_box", lambda parent, title, exc: shown.append(str(exc))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    monkeypatch.setattr(qapp, "setStyleSheet", lambda sheet: None)  # keep other tests' look
    assert run_app(str(folder), demo=False) == 2
    assert len(shown) == 1 and "is damaged" in shown[0]


def test_without_the_demo_module_the_demo_says_so(tmp_path, monkeypatch):
    import sys

    from croftpost.errors import DataFolderError
    from croftpost.ui.app import _make_demo

    monkeypatch.setitem(sys.modules, "croftpost.core.demo", None)
    with pytest.raises(DataFolderError, match="demo school is not part of this version"):
        _make_demo(tmp_path / "demo")
