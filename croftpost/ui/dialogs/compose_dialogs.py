"""The compose screen's dialogs: saying who a face is, and giving a reason for each warning."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QPlainTextEdit, QWidget

from croftpost.core.consent_model import Pupil
from croftpost.core.posting import acknowledge
from croftpost.core.textcheck import Finding
from croftpost.ui.dialogs.form_dialog import FormDialog
from croftpost.ui.views.compose_text import category_name


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


class IdentifyFaceDialog(FormDialog):
    """Choose the pupil, or "an adult who has consented". The choice is audited, and the
    pupil's own consent then decides whether the face may appear."""

    def __init__(self, pupils: Sequence[Pupil], identify: Callable[[str | None], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Who is this?"),
            _tr("Only say who it is if you are sure. Your choice is recorded in the audit "
                    "log. If the pupil has no photo consent the face must still be blurred."),
            _tr("Identify"),
            parent,
        )
        self.person = QComboBox(self)
        self.person.setEditable(True)  # type to find a pupil among hundreds
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person.addItem(self.tr("An adult who has consented (staff, parent, visitor)"), None)
        for pupil in sorted(pupils, key=lambda p: (p.last_name.lower(), p.first_name.lower())):
            self.person.addItem(f"{pupil.full_name} ({pupil.class_name})", pupil.pupil_id)
        completer = QCompleter(self.person.model(), self.person)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.person.setCompleter(completer)
        self.form.addRow(self.tr("&Person:"), self.person)
        self.set_submit(lambda: identify(self.chosen()))

    def chosen(self) -> str | None:
        """A pupil id, or None for an adult who has consented."""
        data = self.person.currentData()
        return str(data) if data is not None else None

    def check(self) -> str | None:
        if self.person.findText(self.person.currentText()) < 0:
            return self.tr("Choose a person from the list.")
        return None


class AcknowledgeWarningsDialog(FormDialog):
    """Every warning in the post, and one reason for posting it anyway; the reason is kept
    with each warning and recorded with the post."""

    def __init__(self, warnings: Sequence[Finding], parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Post despite a warning?"),
            _tr("The policy check found something to look at again. If it is fine, say why: "
                    "your reason is recorded with the post."),
            _tr("Acknowledge"),
            parent,
        )
        self.warnings = list(warnings)
        self.acknowledgements: list[dict[str, str]] = []
        for finding in self.warnings:
            text = self.tr("⚠ Warning · {0} · clause {1}: “{2}”\n{3}").format(
                category_name(finding.category), finding.clause, finding.excerpt, finding.message)
            label = QLabel(text, self)
            label.setWordWrap(True)
            self.form.addRow(label)
        self.reason = QPlainTextEdit(self)
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.reason.setAccessibleName(self.tr("Reason"))
        self.form.addRow(self.tr("&Reason:"), self.reason)
        self.set_submit(self._acknowledge)

    def _acknowledge(self) -> None:
        text = self.reason.toPlainText()
        self.acknowledgements = [acknowledge(f, text) for f in self.warnings]  # may refuse
