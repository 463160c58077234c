"""Every form dialog opens with the keyboard in its first field: what a person types as the
window appears goes into that field, never to a button (a login that lost the username and
then said "Wrong username or password"; a warning reason typed into nothing)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

import croftpost.ui.dialogs as dialogs_package
from croftpost.core.textcheck.findings import Finding
from croftpost.ui.dialogs.account_dialogs import ChangePasswordDialog, SchoolDetailsDialog
from croftpost.ui.dialogs.compose_dialogs import AcknowledgeWarningsDialog, IdentifyFaceDialog
from croftpost.ui.dialogs.consent_dialogs import (
    DeletePupilDialog,
    EditConsentsDialog,
    ProtectDialog,
    WithdrawDialog,
)
from croftpost.ui.dialogs.form_dialog import FormDialog
from croftpost.ui.dialogs.import_dialog import ImportDialog
from croftpost.ui.dialogs.safeguarding_dialogs import NoteDialog
from croftpost.ui.dialogs.staff_dialogs import (
    AddStaffDialog,
    PersonalAccountDialog,
    ResetPasswordDialog,
)
from croftpost.ui.dialogs.start_dialogs import FirstRunDialog, LoginDialog
from croftpost.ui.policy_notice import PolicyReviewDialog

pytestmark = pytest.mark.gui


def _all_form_dialogs() -> set[type]:
    for module in pkgutil.iter_modules(dialogs_package.__path__):
        importlib.import_module(f"{dialogs_package.__name__}.{module.name}")
    found, todo = set(), list(FormDialog.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return found


def _warning() -> Finding:
    return Finding("age_inappropriate", "warning", 0, 5, "party", "2.1", "Check the wording.")


REGISTER = ("pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,"
            "name_dojo,biometric,consent_expires,withdrawn_on\n"
            "P001,Ava,Thornton,Year 3,yes,yes,yes,yes,yes,2027-07-31,\n")


@pytest.fixture
def makers(school, tmp_path):
    services, head = school
    services.consent.import_csv(head, REGISTER)
    pupil = services.consent.pupil("P001")
    today = services.consent.today()
    return {
        LoginDialog: lambda: LoginDialog(services),
        FirstRunDialog: lambda: FirstRunDialog(tmp_path / "new-school"),
        IdentifyFaceDialog: lambda: IdentifyFaceDialog([pupil], lambda *a: None),
        AcknowledgeWarningsDialog: lambda: AcknowledgeWarningsDialog([_warning()]),
        WithdrawDialog: lambda: WithdrawDialog(pupil, today),
        EditConsentsDialog: lambda: EditConsentsDialog(pupil, today),
        ProtectDialog: lambda: ProtectDialog(pupil),
        DeletePupilDialog: lambda: DeletePupilDialog(pupil, []),
        ChangePasswordDialog: lambda: ChangePasswordDialog(),
        SchoolDetailsDialog: lambda: SchoolDetailsDialog(services.school.details()),
        AddStaffDialog: lambda: AddStaffDialog(),
        ResetPasswordDialog: lambda: ResetPasswordDialog("Sam Teacher"),
        PersonalAccountDialog: lambda: PersonalAccountDialog("Sam Teacher"),
        NoteDialog: lambda: NoteDialog("Note", "", "Save", "Why"),
        ImportDialog: lambda: ImportDialog(lambda path: None),  # type: ignore[arg-type,return-value]
        PolicyReviewDialog: lambda: PolicyReviewDialog(today),
    }


def test_every_form_dialog_is_covered(makers):
    assert _all_form_dialogs() <= set(makers), "a new dialog needs a line in `makers`"


@pytest.mark.parametrize("name", sorted(c.__name__ for c in _all_form_dialogs()))
def test_typing_as_a_dialog_opens_goes_into_its_first_field(qtbot, makers, name):
    cls = next(c for c in makers if c.__name__ == name)
    dialog = makers[cls]()
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    first = dialog.first_field()
    # (offscreen no window is ever active, so the window's own focus widget is what counts)
    if first is None:  # nothing to type: the safe button has the keyboard
        assert dialog.focusWidget() is dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
        return
    assert dialog.focusWidget() is first, (name, dialog.focusWidget())
    if isinstance(first, QLineEdit | QPlainTextEdit):
        qtbot.keyClicks(dialog.focusWidget(), "abc")
        text = first.text() if isinstance(first, QLineEdit) else first.toPlainText()
        assert text.endswith("abc")
    dialog.reject()
