"""RecordTableModel: the read-only table every list screen shows, one record (a core dataclass)
a row. Subclasses name their columns and say what each cell shows; the Qt plumbing (row and
column counts, headers, the index checks, finding a row by id) lives here once."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex
NO_INDEX = QModelIndex()
T = TypeVar("T")
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)


class RecordTableModel(QAbstractTableModel, Generic[T]):
    ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the record's id (see id_attr)
    headers: tuple[str, ...] = ()  # column titles, untranslated; also the column count
    tr_context = "RecordTableModel"  # the translation context of the titles
    id_attr = "id"  # the record attribute that identifies it, for ID_ROLE and row_of

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[T] = []

    def set_records(self, records: list[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record(self, row: int) -> T:
        return self._records[row]

    def row_of(self, record_id: Any) -> int:
        """The row of the record with this id, or -1."""
        return next((row for row, record in enumerate(self._records)
                     if getattr(record, self.id_attr) == record_id), -1)

    # -- what subclasses say ---------------------------------------------------------------
    def cell(self, record: T, column: int, role: int) -> Any:
        """The data of one cell for a role other than ID_ROLE: words, icon or tooltip."""
        if role in _TEXT_ROLES:
            return self.cell_text(record, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.cell_icon(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.cell_tooltip(record, column)
        return None

    def cell_text(self, record: T, column: int) -> str | None:
        raise NotImplementedError

    def cell_icon(self, record: T, column: int) -> Any:
        return None

    def cell_tooltip(self, record: T, column: int) -> str | None:
        return None

    def header(self, section: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return QCoreApplication.translate(self.tr_context, self.headers[section])

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = NO_INDEX) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        return self.header(section, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        if role == self.ID_ROLE:
            return getattr(record, self.id_attr)
        return self.cell(record, index.column(), role)
