"""Dialogs of the Safeguarding page: a note when acknowledging an alert or closing a takedown
task. They collect the note; SafeguardingView supplies the service call."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from croftpost.core.alerts import Alert
from croftpost.core.takedowns import TakedownTask
from croftpost.ui.dialogs.form_dialog import FormDialog
from croftpost.ui.labels import channel_short_name, local_time
from croftpost.ui.models.safeguarding_model import alert_kind, pupil_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("SafeguardingDialogs", text)


class NoteDialog(FormDialog):
    """A FormDialog with one note box; the note goes into the audit log."""

    def __init__(self, title: str, intro: str, ok_text: str, placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, intro, ok_text, parent)
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText(placeholder)
        self.note.setFixedHeight(90)
        self.note.setTabChangesFocus(True)  # Tab reaches the buttons, as in every other field
        self.form.addRow(self.tr("&Note"), self.note)
        self.note.setFocus()

    def text(self) -> str:
        return self.note.toPlainText()


def acknowledge_dialog(alert: Alert, who: str, parent: QWidget | None = None) -> NoteDialog:
    intro = _tr(
        "{0} met a protected pupil, {1}: {2}, {3} time(s), last on {4}. The post was blocked. "
        "Acknowledging records, with your note, that you know; the audit log keeps both."
    ).format(who, pupil_label(alert.pupil_name, alert.pupil_id), alert_kind(alert)[1].lower(),
             alert.times, local_time(alert.last_at))
    return NoteDialog(_tr("Acknowledge an alert"), intro, _tr("Acknowledge"),
                      _tr("e.g. Spoke to the teacher; the photo was not posted."), parent)


def mark_done_dialog(task: TakedownTask, parent: QWidget | None = None) -> NoteDialog:
    intro = _tr(
        "The post on {0} from {1} shows {2}. Mark it done once the post is deleted, or edited "
        "so that the pupil no longer appears. Your note goes into the audit log."
    ).format(channel_short_name(task.channel), local_time(task.posted_at),
             pupil_label(task.pupil_name, task.pupil_id))
    return NoteDialog(_tr("Mark a takedown done"), intro, _tr("Mark done"),
                      _tr("e.g. Deleted from the page at 10:05"), parent)
