"""Reading the office's consent spreadsheet (CSV). Every bad row is reported; none is guessed."""

from __future__ import annotations

import _csv
import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date

from croftpost.errors import BadInput

HEADER = ("pupil_id", "first_name", "last_name", "class", "photo_facebook", "photo_dojo",
          "name_facebook", "name_dojo", "biometric", "consent_expires", "withdrawn_on")
CONSENT_COLUMNS = ("photo_facebook", "photo_dojo", "name_facebook", "name_dojo", "biometric")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
MAX_FIELD = 200
# Control characters and line or paragraph separators have no place in a name, id or date.
_BREAKS = {"Cc", "Zl", "Zp"}


@dataclass(frozen=True)
class PupilRow:
    line: int
    pupil_id: str
    first_name: str
    last_name: str
    class_name: str
    consents: dict[str, bool]
    expires_on: date | None
    withdrawn_on: date | None


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ImportRejected(BadInput):
    """A file with any bad row imports nothing; every bad row is listed."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"Nothing was imported: {len(errors)} bad row"
                         f"{'s' if len(errors) != 1 else ''}: {shown}{more}.")


def decode(data: bytes) -> str:
    """UTF-8 with or without Excel's BOM; UTF-16 with a BOM (Excel's "Unicode Text");
    Windows-1252 as Excel's other habit."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise BadInput("The file is not text (UTF-16 with a broken character).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise BadInput("The file is not text (UTF-8 or Windows-1252).") from None


def parse(text: str) -> tuple[list[PupilRow], list[RowError]]:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise BadInput("The file is empty.")
    dialect = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [h.strip().lower() for h in next(reader)]
        index = _column_index(header)
        return _parse_records(reader, index)
    except csv.Error as exc:  # e.g. a cell beyond the csv module's 128 KB limit
        raise BadInput(f"The file can't be read as a spreadsheet at line {reader.line_num} "
                       f"({exc}).") from None


def _column_index(header: list[str]) -> dict[str, int]:
    missing = [h for h in HEADER if h not in header]
    if missing:
        raise BadInput(f"The header lacks the column{'s' if len(missing) > 1 else ''} "
                       f"{', '.join(missing)}; it must be {','.join(HEADER)}.")
    twice = [h for h in HEADER if header.count(h) > 1]
    if twice:  # which one would count? Refuse rather than guess.
        raise BadInput(f"The header has the column {twice[0]} twice; keep only one.")
    return {name: header.index(name) for name in HEADER}


def _parse_records(reader: _csv.Reader, index: dict[str, int]
                   ) -> tuple[list[PupilRow], list[RowError]]:
    rows: list[PupilRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        row, problem = _parse_row(record, index, line)
        if problem is None and row is not None:
            if row.pupil_id in seen:
                problem = f"pupil id {row.pupil_id} already appears on line {seen[row.pupil_id]}"
            else:
                seen[row.pupil_id] = line
                rows.append(row)
        if problem:
            errors.append(RowError(line, problem))
    return rows, errors


def _sniff(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma, or semicolon (Excel in much of Europe), or tab (Excel's "Unicode Text"):
    whichever the header line uses most."""
    first_line = text.splitlines()[0]
    counts = {",": first_line.count(","), ";": first_line.count(";"), "\t": first_line.count("\t")}
    separator = max(counts, key=lambda sep: counts[sep])
    return {",": csv.excel, ";": _Semicolon, "\t": csv.excel_tab}[separator]


class _Semicolon(csv.excel):
    delimiter = ";"


def _parse_row(record: list[str], index: dict[str, int], line: int
               ) -> tuple[PupilRow | None, str | None]:
    if len(record) < len(index) or len(record) < max(index.values()) + 1:
        return None, f"expected {len(HEADER)} columns, found {len(record)}"
    cell = {name: record[i].strip() for name, i in index.items()}
    if any(len(v) > MAX_FIELD for v in cell.values()):
        return None, f"a value is longer than {MAX_FIELD} characters"
    for name, value in cell.items():
        if any(unicodedata.category(ch) in _BREAKS for ch in value):
            kind = "a line break" if any(ch in "\r\n" for ch in value) else "a control character"
            return None, f"{name} contains {kind}"
    for required in ("pupil_id", "first_name", "last_name"):
        if not cell[required]:
            return None, f"{required} is empty"
    consents: dict[str, bool] = {}
    for column in CONSENT_COLUMNS:
        value = cell[column].lower()
        if value in _YES:
            consents[column] = True
        elif value in _NO or value == "":
            consents[column] = False
        else:
            return None, f"{column} must be yes or no, not {cell[column]!r}"
    try:
        expires = _date(cell["consent_expires"])
        withdrawn = _date(cell["withdrawn_on"])
    except ValueError as exc:
        return None, str(exc)
    return PupilRow(line, cell["pupil_id"], cell["first_name"], cell["last_name"], cell["class"],
                    consents, expires, withdrawn), None


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2026-07-31") from None
