"""Dialogs of the user menu: change your own password, and (headteacher) the school's details.
They collect values; the user menu supplies the service call."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from croftpost.core.school import SETTABLE_KEYS, SchoolDetails
from croftpost.ui.dialogs.form_dialog import FormDialog, password_edit


class ChangePasswordDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Change your password"),
            self.tr(
                "Choose a password nobody could guess, at least 8 characters long, and don't "
                "use it anywhere else. Never share it, even with colleagues."
            ),
            self.tr("Change password"),
            parent,
        )
        self.current = password_edit(self)
        self.password = password_edit(self)
        self.password_again = password_edit(self)
        self.form.addRow(self.tr("&Current password"), self.current)
        self.form.addRow(self.tr("&New password"), self.password)
        self.form.addRow(self.tr("New password a&gain"), self.password_again)

    def check(self) -> str | None:
        if not self.current.text():
            return self.tr("Type your current password.")
        if self.password.text() != self.password_again.text():
            return self.tr("The two new passwords are different; type them again.")
        return None


class SchoolDetailsDialog(FormDialog):
    """The school's public details. The text checker never flags them in a post, so a post
    may give the school office's phone number but not anyone else's."""

    def __init__(self, details: SchoolDetails, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("School details"),
            self.tr(
                "The school's own public contact details. croftpost treats these as safe to "
                "publish: a post may give the office's phone number or email, but no one "
                "else's. Each change is recorded in the audit log."
            ),
            self.tr("Save"),
            parent,
        )
        self._before = {"name": details.name, **details.contacts}
        self.fields: dict[str, QLineEdit] = {}
        labels = {
            "name": (self.tr("School &name"), ""),
            "phone": (self.tr("&Phone"), self.tr("e.g. 01229 894000")),
            "email": (self.tr("&Email"), self.tr("e.g. office@croftlands.sch.uk")),
            "address": (self.tr("&Address"), self.tr("e.g. Croftlands Road, Ulverston")),
            "website": (self.tr("&Website"), self.tr("e.g. https://www.croftlands.sch.uk")),
            "facebook": (self.tr("&Facebook page"),
                         self.tr("e.g. https://www.facebook.com/CroftlandsSchool")),
            "dojo": (self.tr("&Dojo link"), self.tr("e.g. https://www.classdojo.com/…")),
        }
        for key in SETTABLE_KEYS:
            label, example = labels.get(key, (key, ""))
            edit = QLineEdit(self._before.get(key, ""), self)
            edit.setPlaceholderText(example)
            self.fields[key] = edit
            self.form.addRow(label, edit)

    def changes(self) -> dict[str, str]:
        """The details that differ from what was saved, in the service's keys."""
        return {key: edit.text().strip() for key, edit in self.fields.items()
                if edit.text().strip() != self._before.get(key, "")}

    def check(self) -> str | None:
        if not self.fields["name"].text().strip():
            return self.tr("Give the school's name.")
        return None if self.changes() else self.tr("Nothing has changed.")
