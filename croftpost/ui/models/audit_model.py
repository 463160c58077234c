"""AuditTableModel: the audit log, newest first, read lazily a page at a time.

A school's log grows to hundreds of thousands of entries; the table only ever holds the pages
the user has scrolled to (Qt calls canFetchMore/fetchMore as the view nears the end).
Every page is read through the AuditReader, which checks the reader's permission each time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal

from croftpost.core.accounts import Session
from croftpost.core.audit import AuditEntry, AuditFilter
from croftpost.core.audit_reader import AuditReader
from croftpost.core.clock import iso
from croftpost.errors import CroftpostError
from croftpost.ui.audit_words import about, describe
from croftpost.ui.labels import action_name, local_time
from croftpost.ui.models.record_model import NO_INDEX, Index, RecordTableModel

PAGE_SIZE = 500
SHORT_DETAILS = 90


class AuditColumn(IntEnum):
    TIME = 0
    WHO = 1
    ACTION = 2
    TARGET = 3
    DETAILS = 4


def _tr(text: str) -> str:
    return QCoreApplication.translate("AuditTableModel", text)


def local_day_bounds(first: date | None, last: date | None) -> tuple[str | None, str | None]:
    """The stored (UTC) timestamps that bound whole local days, for AuditFilter.since/until.
    Each day takes its own UTC offset (a naive time's astimezone), so summer time is right."""
    since = iso(datetime.combine(first, time.min).astimezone()) if first else None
    until = None
    if last:
        midnight = datetime.combine(last + timedelta(days=1), time.min).astimezone()
        until = iso(midnight - timedelta(microseconds=1))
    return since, until


def _cut(text: str, limit: int = SHORT_DETAILS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AuditTableModel(RecordTableModel[AuditEntry]):
    headers = ("Time", "Who", "Action", "About", "Details")
    tr_context = "AuditTableModel"
    id_attr = "seq"

    # A later page was refused (e.g. the account was revoked while scrolling): the exception.
    # Qt asks for pages itself, so the refusal is reported here rather than raised into Qt.
    read_refused = Signal(object)

    def __init__(
        self, reader: AuditReader, session: Session, page_size: int = PAGE_SIZE, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._reader = reader
        self._session = session
        self._page_size = page_size
        self._filter = AuditFilter()
        self._offset = 0
        self._exhausted = True
        self.total = 0  # matching entries when the filter was last applied
        self.names: dict[str, str] = {}

    # -- loading ---------------------------------------------------------------------------
    def set_filter(self, flt: AuditFilter) -> None:
        """Start again from the newest entry that matches, and load the first page.
        Raises the reader's refusal (PermissionDenied, AccountRevoked) before changing anything."""
        total = self._reader.count(self._session, flt)
        self.beginResetModel()
        self._filter = flt
        self._records = []
        self._offset = 0
        self.total = total
        self._exhausted = self.total == 0
        self.endResetModel()
        self.fetchMore()

    def clear(self) -> None:
        """Show nothing (the reader is not allowed to see the log)."""
        self.beginResetModel()
        self._records, self._offset, self._exhausted, self.total = [], 0, True, 0
        self.endResetModel()

    def refresh(self) -> None:
        self.set_filter(self._filter)

    @property
    def current_filter(self) -> AuditFilter:
        return self._filter

    def canFetchMore(self, parent: Index = NO_INDEX) -> bool:  # noqa: N802 - Qt API
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = NO_INDEX) -> None:  # noqa: N802 - Qt API
        if parent.isValid() or self._exhausted:
            return
        try:
            page = self._reader.entries(
                self._session, self._filter, limit=self._page_size, offset=self._offset
            )
        except CroftpostError as exc:
            self._exhausted = True
            self.read_refused.emit(exc)
            return
        self._offset += len(page)
        self._exhausted = len(page) < self._page_size
        # Entries written since the first page push older ones down, so an offset can repeat
        # rows already shown: keep only entries older than the last one we have.
        if self._records:
            oldest = self._records[-1].seq
            page = [e for e in page if e.seq < oldest]
        if not page:
            return
        first = len(self._records)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._records.extend(page)
        self.endInsertRows()

    def entry(self, row: int) -> AuditEntry:
        return self.record(row)

    # -- cells ---------------------------------------------------------------------------------
    def set_names(self, names: dict[str, str]) -> None:
        """Pupil ids and usernames with their names, shown beside the ids (the log has ids)."""
        self.names = names
        if self._records:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._records) - 1, len(self.headers) - 1))

    def cell_tooltip(self, entry: AuditEntry, column: int) -> str | None:
        return None  # the details pane beside the table says everything, in words

    def cell_text(self, entry: AuditEntry, column: int) -> str | None:
        match column:
            case AuditColumn.TIME:
                return local_time(entry.at)
            case AuditColumn.WHO:
                return entry.actor
            case AuditColumn.ACTION:
                return action_name(entry.action)
            case AuditColumn.TARGET:
                return about(entry, self.names)
            case AuditColumn.DETAILS:
                return _cut(describe(entry, self.names))
        return None
