"""The consent register as a table (ConsentTableModel) and its search and filters
(ConsentFilterProxy). What a consent means comes from the core's Pupil and ConsentRecord;
these classes only show it, as an icon and a word in every cell."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt

from croftpost.core.consent_model import Pupil
from croftpost.storage.schema import CONSENT_KINDS
from croftpost.ui.labels import consent_kind_name, consent_state, long_date
from croftpost.ui.models.record_model import Index, RecordTableModel
from croftpost.ui.theme import icon

EXPIRY_WARNING_DAYS = 30


class ConsentColumn(IntEnum):
    """The pupil ID is not a column (it is searched, and shown in the tooltip and the details
    panel), so that every consent fits on a 1280-pixel screen."""

    NAME = 0
    CLASS = 1
    PHOTO_FACEBOOK = 2
    PHOTO_DOJO = 3
    NAME_FACEBOOK = 4
    NAME_DOJO = 5
    BIOMETRIC = 6
    NOTES = 7


KIND_COLUMNS: dict[int, str] = {  # ConsentColumn -> consent kind
    ConsentColumn.PHOTO_FACEBOOK: "photo_facebook",
    ConsentColumn.PHOTO_DOJO: "photo_dojo",
    ConsentColumn.NAME_FACEBOOK: "name_facebook",
    ConsentColumn.NAME_DOJO: "name_dojo",
    ConsentColumn.BIOMETRIC: "biometric",
}
_STATE_ORDER = {"valid": 0, "expired": 1, "withdrawn": 2, "refused": 3, "protected": 4}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ConsentTableModel", text)


def kind_state(pupil: Pupil, kind: str, day: date) -> str:
    """valid, refused, expired or withdrawn (a missing record is a refusal); "protected" for a
    protected pupil's photo and name, which never count (Pupil.photo_allowed)."""
    if pupil.protected and kind in CONSENT_KINDS and kind != "biometric":
        return "protected"
    record = pupil.consents.get(kind)
    return record.state_on(day) if record else "refused"


def kind_cell(pupil: Pupil, kind: str, day: date) -> tuple[str, str]:
    """(icon, word) for one consent of one pupil."""
    state = kind_state(pupil, kind, day)
    if state == "protected":
        return "protected", _tr("Protected")
    return consent_state(state)


def kind_detail(pupil: Pupil, kind: str, day: date) -> str:
    """A longer sentence for the details panel and tooltips, with the dates that matter."""
    record = pupil.consents.get(kind)
    state = kind_state(pupil, kind, day)
    if state == "protected":
        return _tr("Never (protected)")
    if record is None or state == "refused":
        return _tr("No")
    if state == "withdrawn" and record.withdrawn_on:
        return _tr("Withdrawn on {0}").format(long_date(record.withdrawn_on))
    if state == "expired" and record.expires_on:
        return _tr("Expired on {0}").format(long_date(record.expires_on))
    if record.expires_on:
        return _tr("Yes, until {0}").format(long_date(record.expires_on))
    return _tr("Yes")


def has_no_consent(pupil: Pupil, day: date) -> bool:
    """No consent of any kind counts today (forms not returned, all refused or lapsed)."""
    return not any(pupil.consent_valid(kind, day) for kind in CONSENT_KINDS)


def pupil_notes(pupil: Pupil, day: date) -> list[tuple[str, str]]:
    """What staff should notice about a pupil, as (icon, words), most important first."""
    notes: list[tuple[str, str]] = []
    if pupil.protected:
        notes.append(("protected", _tr("Protected: never named or shown")))
    if not pupil.on_roll(day) and pupil.leaving_date:
        notes.append(("status-info", _tr("Left on {0}").format(long_date(pupil.leaving_date))))
    elif has_no_consent(pupil, day):
        notes.append(("status-revoked", _tr("No consent")))
    if pupil.expires_soon(day, EXPIRY_WARNING_DAYS):
        notes.append(("status-warning", _tr("Expires soon")))
    return notes


def _sortable(text: str) -> str:
    """Numbers padded so that text sorts "Year 3" before "Year 10"."""
    return re.sub(r"\d+", lambda m: m.group().zfill(6), text.lower())


class ConsentTableModel(RecordTableModel[Pupil]):
    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the pupil ID
    headers = ("Name", "Class", "Photo\nFacebook", "Photo\nDojo", "Name\nFacebook",
               "Name\nDojo", "Face recog.", "Notes")
    tr_context = "ConsentTableModel"
    id_attr = "pupil_id"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today = date.min

    def set_pupils(self, pupils: list[Pupil], today: date) -> None:
        self.today = today
        self.set_records(pupils)

    def pupil(self, row: int) -> Pupil:
        return self.record(row)

    def class_names(self) -> list[str]:
        return sorted({p.class_name for p in self._records if p.class_name}, key=_sortable)

    def header(self, section: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and section in KIND_COLUMNS:
            return consent_kind_name(KIND_COLUMNS[ConsentColumn(section)])
        return super().header(section, role)

    def cell(self, pupil: Pupil, column: int, role: int) -> Any:
        if role == self.SORT_ROLE:
            return self._sort_key(pupil, ConsentColumn(column))
        return super().cell(pupil, column, role)

    def cell_tooltip(self, pupil: Pupil, column: int) -> str | None:
        if column in KIND_COLUMNS:
            kind = KIND_COLUMNS[column]
            return f"{consent_kind_name(kind)}: {kind_detail(pupil, kind, self.today)}"
        if column == ConsentColumn.NAME:
            return _tr("Pupil ID {0}").format(pupil.pupil_id)
        if column == ConsentColumn.NOTES:
            return "\n".join(words for _, words in pupil_notes(pupil, self.today)) or None
        return None

    def cell_text(self, pupil: Pupil, column: int) -> str:
        match column:
            case ConsentColumn.NAME:
                return pupil.full_name
            case ConsentColumn.CLASS:
                return pupil.class_name
            case ConsentColumn.NOTES:
                notes = pupil_notes(pupil, self.today)
                return ", ".join(words.split(":")[0] for _, words in notes)
        return kind_cell(pupil, KIND_COLUMNS[column], self.today)[1]

    def cell_icon(self, pupil: Pupil, column: int) -> Any:
        if column in KIND_COLUMNS:
            return icon(kind_cell(pupil, KIND_COLUMNS[column], self.today)[0])
        if column == ConsentColumn.NOTES:
            notes = pupil_notes(pupil, self.today)
            return icon(notes[0][0]) if notes else None
        return None

    def _sort_key(self, pupil: Pupil, column: ConsentColumn) -> Any:
        name = f"{pupil.last_name} {pupil.first_name}".lower()
        match column:
            case ConsentColumn.NAME:
                return name
            case ConsentColumn.CLASS:  # a class, then its pupils by surname
                return f"{_sortable(pupil.class_name)}\t{name}"
            case ConsentColumn.NOTES:
                return self.cell_text(pupil, column)
        return _STATE_ORDER.get(kind_state(pupil, KIND_COLUMNS[column], self.today), 9)


class ShowOnly(StrEnum):
    """The quick filters of the register."""

    EVERYONE = "everyone"
    EXPIRING = "expiring"
    NO_CONSENT = "no_consent"
    PROTECTED = "protected"


@dataclass
class ConsentFilter:
    text: str = ""
    class_name: str = ""  # "" for every class
    kind: str = ""  # "" for any consent
    state: str = ""  # "" for any state; valid, refused, expired, withdrawn, protected
    show: ShowOnly = ShowOnly.EVERYONE


class ConsentFilterProxy(QSortFilterProxyModel):
    """Search by name or id, and filter by class, consent state and the quick filters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.criteria = ConsentFilter()
        self.setSortRole(ConsentTableModel.SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_filter(self, criteria: ConsentFilter) -> None:
        self.beginFilterChange()
        self.criteria = criteria
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, ConsentTableModel):
            return True
        return self._accepts(model.pupil(source_row), model.today)

    def _accepts(self, pupil: Pupil, day: date) -> bool:
        c = self.criteria
        words = c.text.strip().lower().split()
        haystack = f"{pupil.pupil_id} {pupil.full_name}".lower()
        if any(word not in haystack for word in words):
            return False
        if c.class_name and pupil.class_name != c.class_name:
            return False
        if c.state:
            kinds = [c.kind] if c.kind else list(CONSENT_KINDS)
            if not any(kind_state(pupil, kind, day) == c.state for kind in kinds):
                return False
        match c.show:
            case ShowOnly.EXPIRING:
                return pupil.expires_soon(day, EXPIRY_WARNING_DAYS)
            case ShowOnly.NO_CONSENT:
                return has_no_consent(pupil, day)
            case ShowOnly.PROTECTED:
                return pupil.protected
        return True
