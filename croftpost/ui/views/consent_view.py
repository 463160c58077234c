"""ConsentView: office staff and the headteacher keep the photo-consent register (policy 3).

Every change is one call to the ConsentService, which checks the user's rights and audits it;
its refusal sentence is shown as it is. The table is filtered in memory by a proxy model.
Enrolling reference faces runs on a worker (consent_enrolment.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, Qt
from PySide6.QtGui import QShowEvent, QTextDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.accounts import Permission, Session
from croftpost.core.consent_model import Pupil
from croftpost.core.services import Services
from croftpost.errors import CroftpostError
from croftpost.ui import consent_tasks
from croftpost.ui.dialogs.consent_dialogs import (
    DeletePupilDialog,
    EditConsentsDialog,
    ProtectDialog,
    WithdrawDialog,
)
from croftpost.ui.dialogs.form_dialog import FormDialogOwner
from croftpost.ui.dialogs.import_dialog import ImportDialog
from croftpost.ui.models.consent_model import (
    ConsentColumn,
    ConsentFilterProxy,
    ConsentTableModel,
)
from croftpost.ui.theme import icon
from croftpost.ui.views.consent_details import ConsentDetailsPanel, PublishedPost, post_line
from croftpost.ui.views.consent_enrolment import ConsentEnrolment
from croftpost.ui.views.consent_filters import ConsentFilterBar
from croftpost.ui.widgets import (
    StatusMessage,
    Tone,
    ask_yes_no,
    explanation,
    heading,
    record_table,
)
from croftpost.ui.workers import TaskRunner


class ConsentView(QWidget, FormDialogOwner):
    def __init__(self, services: Services, session: Session, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentView")
        self.services = services
        self._consent = services.consent
        self.session = session
        self.tasks = tasks
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no  # tests replace these
        self.choose_pdf_path: Callable[[], Path | None] = self._ask_pdf_path
        self.last_document: QTextDocument | None = None  # the lists last printed
        self.model = ConsentTableModel(self)
        self.proxy = ConsentFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        # Made first, so Tab reaches them first (tab order follows creation order).
        self.import_button = QPushButton(icon("import"), self.tr("&Import CSV…"), self)
        self.print_button = QPushButton(icon("print"), self.tr("P&rint no-photo lists…"), self)
        self.filters = ConsentFilterBar(self)
        self.table = self._make_table()
        self.details = ConsentDetailsPanel(self)
        self.message = StatusMessage(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.enrolment = ConsentEnrolment(self, self)
        self._connect()
        self._lay_out()
        self.reload()

    def _make_table(self) -> QTableView:
        table = record_table(self, self.proxy, self.tr("Pupils and their consents"),
                             ConsentColumn.NAME)
        table.setSortingEnabled(True)
        table.sortByColumn(ConsentColumn.CLASS, Qt.SortOrder.AscendingOrder)
        return table

    def _connect(self) -> None:
        self.filters.filters_changed.connect(self._on_filters_filters_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.activated.connect(self._on_table_activated)  # Enter or double-click
        self.proxy.rowsInserted.connect(self._show_count)
        self.proxy.rowsRemoved.connect(self._show_count)
        self.proxy.modelReset.connect(self._show_count)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        d = self.details
        d.edit_button.clicked.connect(self._on_edit_button_clicked)
        d.withdraw_button.clicked.connect(self._on_withdraw_button_clicked)
        d.protect_button.clicked.connect(self._on_protect_button_clicked)
        d.unprotect_button.clicked.connect(self._on_unprotect_button_clicked)
        d.delete_button.clicked.connect(self._on_delete_button_clicked)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Consent register"), self), 1)
        top.addWidget(self.import_button)
        top.addWidget(self.print_button)
        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table, 1)
        upper_layout.addWidget(self.count_label)
        # The details go under the table: every consent column then fits on a 1280-pixel
        # screen without scrolling sideways.
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(upper)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)  # the table takes (and gives back) the room
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([400, 260])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(explanation(self.tr(
            "What each parent or carer agreed to. croftpost blocks a photo or a name that these "
            "consents do not allow. Protected pupils are never shown or named."), self))
        layout.addWidget(self.filters)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

    # -- loading -----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """The register may have changed elsewhere (another PC, the command line)."""
        super().showEvent(event)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the register again and keep (or move) the selection."""
        select = select or self.selected_pupil_id()
        try:
            pupils = self._consent.pupils(self.session)
        except CroftpostError as exc:
            pupils = []
            self.message.show_error(exc)
        self.model.set_pupils(pupils, self._consent.today())
        self.filters.set_classes(self.model.class_names())
        if select:
            self.select(select)
        self._keep_a_selection()
        self._show_selected()
        self._show_count()

    def selected_pupil_id(self) -> str | None:
        pupil = self.selected_pupil()
        return pupil.pupil_id if pupil else None

    def select(self, pupil_id: str) -> None:
        row = self.model.row_of(pupil_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())

    def visible_ids(self) -> list[str]:
        """The pupils the table shows now, top to bottom."""
        return [self.proxy.index(r, 0).data(ConsentTableModel.ID_ROLE)
                for r in range(self.proxy.rowCount())]

    def selected_pupil(self) -> Pupil | None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection else []
        if not rows:
            return None
        return self.model.pupil(self.proxy.mapToSource(rows[0]).row())

    def _show_selected(self) -> None:
        pupil = self.selected_pupil()
        if pupil is None:
            self.details.show_pupil(None, self.model.today)
            return
        self.details.show_pupil(pupil, self.model.today, self._reason(pupil),
                                self.published_posts(pupil.pupil_id))

    def _reason(self, pupil: Pupil) -> str | None:
        """Only the headteacher may read why a pupil is protected; the service decides."""
        if not pupil.protected:
            return None
        if not self.services.accounts.may(self.session, Permission.SAFEGUARDING):
            return None
        return self._consent.protected_reason(self.session, pupil.pupil_id)

    def published_posts(self, pupil_id: str) -> list[PublishedPost]:
        return consent_tasks.published_posts(self.services, self.session, pupil_id)

    def _show_count(self) -> None:
        self.count_label.setText(self.tr("Showing {0} of {1} pupils.").format(
            self.proxy.rowCount(), self.model.rowCount()))

    def _keep_a_selection(self) -> None:
        """Someone is always shown when anyone matches, so the arrow keys start from a row
        and the details never describe a pupil the filters have hidden."""
        if self.selected_pupil() is None and self.proxy.rowCount():
            self.table.selectRow(0)

    def _on_filters_filters_changed(self) -> None:
        self.proxy.set_filter(self.filters.current_filter())
        self._keep_a_selection()
        self._show_selected()
        self._show_count()

    def _on_table_selection_changed(self, selected: QItemSelection,
                                    deselected: QItemSelection) -> None:
        self._show_selected()

    def _on_table_activated(self, index: QModelIndex) -> None:
        self._on_edit_button_clicked()

    # -- dialogs -----------------------------------------------------------------------------
    def done(self, pupil_id: str, tone: Tone, sentence: str) -> None:
        """After a change: the register read again, that pupil selected, one sentence said."""
        self.reload(pupil_id)
        if self._consent.erasure_pending:
            tone = Tone.WARNING
            sentence += "\n" + self.tr(
                "Another croftpost window or command has the database open, so the erased data "
                "is still in its files: it is wiped as soon as that window closes, and croftpost "
                "checks again every minute.")
        self.message.show_message(tone, sentence)

    def _on_edit_button_clicked(self) -> None:
        pupil = self.selected_pupil()
        if pupil is None:
            return
        d = EditConsentsDialog(pupil, self.model.today, self)

        def submit() -> None:
            for change in d.changes():
                self._consent.set_consent(self.session, pupil.pupil_id, change.kind,
                                          change.given, change.expires_on)

        self.open_form(d, submit, lambda: self.done(
            pupil.pupil_id, Tone.OK, self.tr("{0}'s consents are saved.").format(pupil.full_name)))

    def _on_withdraw_button_clicked(self) -> None:
        pupil = self.selected_pupil()
        if pupil is None:
            return
        d = WithdrawDialog(pupil, self.model.today, self)
        self.open_form(d, lambda: self._withdraw(pupil, d.chosen_kinds()),
                       lambda: self._after_withdrawal(pupil))

    def _withdraw(self, pupil: Pupil, kinds: Sequence[str]) -> None:
        self._consent.withdraw(self.session, pupil.pupil_id, kinds)

    def _after_withdrawal(self, pupil: Pupil) -> None:
        posts = self.published_posts(pupil.pupil_id)
        if posts:
            self.done(pupil.pupil_id, Tone.WARNING, self.tr(
                "The withdrawal for {0} is recorded. {1} published post(s) show them, listed "
                "below: take down each one the withdrawal concerns. Whoever posted it has a "
                "takedown task.").format(
                pupil.full_name, len(posts)))
        else:
            self.done(pupil.pupil_id, Tone.OK, self.tr(
                "The withdrawal for {0} is recorded. No published post shows them.").format(
                pupil.full_name))

    def _on_protect_button_clicked(self) -> None:
        pupil = self.selected_pupil()
        if pupil is None:
            return
        d = ProtectDialog(pupil, self)
        self.open_form(d, lambda: self._protect(pupil.pupil_id, d.reason.toPlainText()),
                       lambda: self.done(pupil.pupil_id, Tone.OK, self.tr(
                           "{0} is protected: never named or shown in a post.").format(
                           pupil.full_name)))

    def _protect(self, pupil_id: str, reason: str | None) -> None:
        self._consent.protect(self.session, pupil_id, reason)

    def _on_unprotect_button_clicked(self) -> None:
        pupil = self.selected_pupil()
        if pupil is None or not self.confirm(self, self.tr("Remove protection"), self.tr(
                "Remove {0}'s protection? Their consent forms will decide again whether they "
                "may be shown or named.").format(pupil.full_name)):
            return
        try:
            self._protect(pupil.pupil_id, None)
        except CroftpostError as exc:
            self.message.show_error(exc)
            return
        self.done(pupil.pupil_id, Tone.OK,
                   self.tr("{0} is no longer protected.").format(pupil.full_name))

    def _on_delete_button_clicked(self) -> None:
        pupil = self.selected_pupil()
        if pupil is None:
            return
        # Listed now: once the pupil is gone, nothing links the posts to them any more.
        posts = [post_line(p) for p in self.published_posts(pupil.pupil_id)]
        d = DeletePupilDialog(pupil, posts, self)
        self.open_form(d, lambda: self._consent.delete_pupil(self.session, pupil.pupil_id),
                       lambda: self._after_deletion(pupil, posts))

    def _after_deletion(self, pupil: Pupil, posts: list[str]) -> None:
        sentence = self.tr("{0} is deleted: their consent records and reference faces are "
                           "erased, and the audit log records the deletion.").format(
                           pupil.full_name)
        if posts:
            sentence += "\n" + self.tr(
                "{0} published post(s) showed them: check whether any must be taken "
                "down.").format(len(posts))
        self.done("", Tone.WARNING if posts else Tone.OK, "\n".join([sentence, *posts]))

    def _on_import_button_clicked(self) -> None:
        d = ImportDialog(lambda text: self._consent.plan_import(self.session, text), self)
        self.open_form(d, lambda: self._import(d.text), lambda: self._after_import(d))

    def _import(self, text: str) -> None:
        self._consent.import_csv(self.session, text)

    def _after_import(self, dialog: ImportDialog) -> None:
        plan = dialog.plan
        assert plan is not None
        self.done("", Tone.OK, self.tr("Imported: {0} new pupil(s), {1} updated.").format(
            len(plan.new), len(plan.updated)))

    # -- printing ----------------------------------------------------------------------------
    def _ask_pdf_path(self) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the no-photo lists"), str(Path.home() / "no-photo-lists.pdf"),
            self.tr("PDF (*.pdf)"))
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")

    def _on_print_button_clicked(self) -> None:
        path = self.choose_pdf_path()
        if path is not None:
            self.print_lists(path)

    def print_lists(self, path: Path) -> None:
        try:
            document = consent_tasks.print_no_photo_lists(self.services, self.session, path)
        except (CroftpostError, OSError) as exc:
            self.message.show_error(exc)
            return
        self.last_document = document
        self.message.show_message(Tone.OK, self.tr(
            "The no-photo lists are saved to {0} ({1} page(s)). Print them for the trip and "
            "shred them afterwards.").format(path, document.pageCount()))
