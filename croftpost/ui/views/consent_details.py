"""The panel beside the consent register: one pupil's consents, notes, published posts, and
the actions on them. It only shows what it is given; ConsentView calls the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from croftpost.core.consent_model import Pupil
from croftpost.storage.schema import CONSENT_KINDS
from croftpost.ui.labels import consent_kind_name
from croftpost.ui.models.consent_model import kind_cell, kind_detail, pupil_notes
from croftpost.ui.theme import icon
from croftpost.ui.widgets import explanation, heading

ICON = 18


@dataclass(frozen=True)
class PublishedPost:
    """A published post as the panel lists it (built by the view from the services)."""

    post_id: int
    when: str
    channel: str
    author: str
    text: str


def post_line(post: PublishedPost) -> str:
    """One published post in a line: when, where, who, and the start of its words."""
    return f"{post.when} · {post.channel} · {post.author}: {post.text}"


def _icon_label(parent: QWidget, name: str = "") -> QLabel:
    label = QLabel(parent)
    label.setFixedSize(ICON, ICON)
    if name:
        label.setPixmap(icon(name).pixmap(ICON, ICON))
    return label


class ConsentDetailsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentDetails")
        self.title = heading(self.tr("Nobody selected"), self, level=2)
        self.subtitle = explanation(self.tr("Choose a pupil in the list."), self)
        self.notes = QVBoxLayout()
        self._note_rows: list[QWidget] = []
        self.reason = explanation("", self)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.consent_icons: dict[str, QLabel] = {}
        self.consent_texts: dict[str, QLabel] = {}
        self.encodings_text = QLabel(self)
        self.encodings_text.setWordWrap(True)
        self.edit_button = QPushButton(icon("edit"), self.tr("&Edit consents…"), self)
        self.withdraw_button = QPushButton(icon("withdraw"), self.tr("Record &withdrawal…"), self)
        self.protect_button = QPushButton(icon("protected"), self.tr("&Protect…"), self)
        self.unprotect_button = QPushButton(
            icon("protected"), self.tr("Remove &protection"), self
        )
        self.enrol_button = QPushButton(icon("face"), self.tr("E&nrol photos…"), self)
        self.delete_button = QPushButton(icon("delete"), self.tr("&Delete pupil…"), self)
        self.enrol_progress = QProgressBar(self)
        self.enrol_progress.setFormat(self.tr("Enrolling photos: %v of %m"))
        self.enrol_progress.setAccessibleName(self.tr("Enrolment progress"))
        self.cancel_enrol_button = QPushButton(self.tr("Cancel enrol&ment"), self)
        self._enrolling = False
        self.posts = QListWidget(self)
        self.posts.setAccessibleName(self.tr("Published posts showing this pupil"))
        self.posts.setMinimumHeight(60)
        self.posts.setWordWrap(True)
        self.posts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.posts_text = explanation("", self)
        self._lay_out()
        self.set_enrolling(None)
        self.show_pupil(None, date.min)

    def _lay_out(self) -> None:
        """Under the table, in three columns: who and what to notice, the consents, and the
        published posts; the actions beside the name."""
        top = QHBoxLayout()  # the name first, the actions after: a long name never wraps
        top.setSpacing(12)
        top.addWidget(self.title)
        top.addStretch(1)
        for button in self._buttons():
            top.addWidget(button)
        self.title.setWordWrap(False)
        who = QVBoxLayout()
        who.setSpacing(6)
        who.addWidget(self.subtitle)
        who.addLayout(self.notes)
        who.addWidget(self.reason)
        who.addWidget(self.encodings_text)
        enrolling = QHBoxLayout()
        enrolling.addWidget(self.enrol_progress, 1)
        enrolling.addWidget(self.cancel_enrol_button)
        who.addLayout(enrolling)
        who.addStretch(1)
        who_box = QWidget(self)
        who_box.setLayout(who)
        who_box.setMinimumWidth(220)  # a pupil's id, class and notes read as sentences
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addWidget(who_box, 2)
        body.addWidget(self._consents_box(), 3)
        body.addWidget(self._posts_box(), 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    def _consents_box(self) -> QGroupBox:
        consents = QGroupBox(self.tr("Consents"), self)
        grid = QGridLayout(consents)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(2, 1)
        for row, kind in enumerate(CONSENT_KINDS):
            self.consent_icons[kind] = _icon_label(consents)
            self.consent_texts[kind] = QLabel(consents)
            grid.addWidget(self.consent_icons[kind], row, 0)
            grid.addWidget(QLabel(consent_kind_name(kind), consents), row, 1)
            grid.addWidget(self.consent_texts[kind], row, 2)
        grid.setRowStretch(len(CONSENT_KINDS), 1)  # rows stay together when the panel grows
        return consents

    def _posts_box(self) -> QGroupBox:
        posts = QGroupBox(self.tr("Published posts showing this pupil"), self)
        posts_layout = QVBoxLayout(posts)
        posts_layout.addWidget(self.posts_text)
        posts_layout.addWidget(self.posts, 1)
        return posts

    def _buttons(self) -> list[QPushButton]:
        return [self.edit_button, self.withdraw_button, self.protect_button,
                self.unprotect_button, self.enrol_button, self.delete_button]

    def set_enrolling(self, progress: tuple[int, int] | None) -> None:
        """Show the enrolment's progress (done, total) with its Cancel, or hide them. While it
        runs, no second enrolment starts and no pupil is deleted under it."""
        self._enrolling = progress is not None
        self.enrol_progress.setVisible(self._enrolling)
        self.cancel_enrol_button.setVisible(self._enrolling)
        self.cancel_enrol_button.setEnabled(self._enrolling)
        if progress is not None:
            done, total = progress
            self.enrol_progress.setRange(0, max(total, 1))
            self.enrol_progress.setValue(done)
            self.enrol_button.setEnabled(False)
            self.delete_button.setEnabled(False)

    def show_pupil(self, pupil: Pupil | None, today: date, reason: str | None = None,
                   posts: list[PublishedPost] | None = None) -> None:
        """Show one pupil (or nobody). `reason` is given only to the headteacher."""
        for button in self._buttons():
            button.setEnabled(pupil is not None)
        self._set_notes([] if pupil is None else pupil_notes(pupil, today))
        self.reason.setVisible(bool(reason))
        self.reason.setText(
            self.tr("Reason (only the headteacher sees it): {0}").format(reason)
            if reason else "")
        if pupil is None:
            self._show_nobody()
            return
        self.title.setText(pupil.full_name)
        self.subtitle.setText(self.tr("Pupil ID {0} · {1}").format(
            pupil.pupil_id, pupil.class_name or self.tr("no class")))
        for kind in CONSENT_KINDS:
            icon_name, _word = kind_cell(pupil, kind, today)
            self.consent_icons[kind].setPixmap(icon(icon_name).pixmap(ICON, ICON))
            self.consent_texts[kind].setText(kind_detail(pupil, kind, today))
        may_enrol = pupil.biometric_allowed(today)
        if pupil.encodings:
            faces = self.tr("Reference faces enrolled: {0}.").format(pupil.encodings)
        elif may_enrol:
            faces = self.tr("No reference faces yet: enrol photos of this pupil.")
        else:
            faces = self.tr("No face recognition consent: their face shows as unknown.")
        self.encodings_text.setText(faces)
        self.protect_button.setVisible(not pupil.protected)
        self.unprotect_button.setVisible(pupil.protected)
        self.enrol_button.setEnabled(may_enrol and not self._enrolling)
        self.delete_button.setEnabled(not self._enrolling)
        self.enrol_button.setToolTip(
            "" if may_enrol else self.tr("Needs face recognition (biometric) consent."))
        self.show_posts(posts or [])

    def _show_nobody(self) -> None:
        self.title.setText(self.tr("Nobody selected"))
        self.subtitle.setText(self.tr("Choose a pupil in the list."))
        for kind in CONSENT_KINDS:
            self.consent_icons[kind].clear()
            self.consent_texts[kind].clear()
        self.encodings_text.clear()
        self.protect_button.setVisible(True)
        self.unprotect_button.setVisible(False)
        self.show_posts([])

    def _set_notes(self, notes: list[tuple[str, str]]) -> None:
        for row in self._note_rows:
            row.setParent(None)
            row.deleteLater()
        self._note_rows = []
        for icon_name, words in notes:
            row = QWidget(self)
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(_icon_label(row, icon_name))
            label = QLabel(words, row)
            label.setWordWrap(True)
            row_layout.addWidget(label, 1)
            self.notes.addWidget(row)
            self._note_rows.append(row)

    def note_texts(self) -> list[str]:
        """The notes shown, in order (the words of each; its icon is beside it)."""
        return [row.findChildren(QLabel)[-1].text() for row in self._note_rows]

    def show_posts(self, posts: list[PublishedPost]) -> None:
        self.posts.clear()
        for post in posts:
            item = QListWidgetItem(post_line(post), self.posts)
            item.setToolTip(post.text)
            item.setData(Qt.ItemDataRole.UserRole, post.post_id)
        self.posts.setVisible(bool(posts))
        self.posts_text.setText(
            self.tr("{0} post(s). Take down any that a withdrawal concerns.").format(len(posts))
            if posts else self.tr("None recorded."))
