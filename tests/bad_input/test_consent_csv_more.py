"""Consent spreadsheets as offices really save them, and as they go wrong. Each file is read
correctly or refused in one sentence (or row by row); a refused file imports nothing.

tests/core/test_consent.py covers the basics (BOM, quoted commas, bad rows, a missing column,
semicolons); these go further, and hypothesis writes files every way Excel might.
"""

from __future__ import annotations

import csv
import io
import string
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from croftpost.core.consent_csv import (
    CONSENT_COLUMNS,
    HEADER,
    MAX_FIELD,
    ImportRejected,
    PupilRow,
    decode,
    parse,
)
from croftpost.errors import BadInput
from croftpost.storage.schema import CONSENT_KINDS

HEAD_ROW = ",".join(HEADER)
AVA = "P001,Ava,Thornton,Year 3,yes,yes,no,yes,yes,2027-07-31,"


def csv_text(*rows: str) -> str:
    return "\r\n".join([HEAD_ROW, *rows]) + "\r\n"


def _pupil_count(services) -> int:
    return services.db.execute("SELECT count(*) FROM pupils").fetchone()[0]


# -- encodings and dialects --------------------------------------------------------------------


def test_excel_windows_1252_file_keeps_its_accents() -> None:
    data = csv_text("P001,Zoë,Ó Súilleabháin,Year 3,yes,yes,no,no,no,,").encode("cp1252")
    rows, errors = parse(decode(data))
    assert errors == [] and (rows[0].first_name, rows[0].last_name) == ("Zoë", "Ó Súilleabháin")


def test_excel_unicode_text_utf16_with_tabs_is_read() -> None:
    """Excel's "Unicode Text" export: UTF-16 with a BOM, columns separated by tabs."""
    text = "\r\n".join(
        ["\t".join(HEADER), "P001\tŁucja\tNowak\tYear 3\tyes\tyes\tno\tno\tno\t2027-07-31\t"]
    )
    for encoding in ("utf-16", "utf-16-be"):
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        rows, errors = parse(decode(data))
        assert errors == [] and rows[0].first_name == "Łucja"
        assert rows[0].expires_on == date(2027, 7, 31)


def test_bytes_that_are_no_text_encoding_are_refused_in_one_sentence() -> None:
    with pytest.raises(BadInput, match=r"^The file is not text"):
        decode(HEAD_ROW.encode() + b"\r\nP1,\x81\x8d\x8f\x90\x9d,B,C,yes,yes,no,no,no,,\r\n")


def test_excel_quoting_doubled_quotes_and_separators_inside_quotes() -> None:
    rows, errors = parse(csv_text(
        '"P001","Mary-Kate ""MK""","O\'Neill","Class 2, Willow; Oak",'
        '"YES","Y","No","n","TRUE","2027-07-31",""'
    ))
    assert errors == []
    row = rows[0]
    assert row.first_name == 'Mary-Kate "MK"' and row.class_name == "Class 2, Willow; Oak"
    assert row.consents == {"photo_facebook": True, "photo_dojo": True, "name_facebook": False,
                            "name_dojo": False, "biometric": True}


def test_semicolon_file_with_quoted_commas_and_a_bom() -> None:
    text = "\ufeff" + ";".join(HEADER) + '\r\nP001;Ava;Thornton;"Willow, Year 3";yes;;;;;;\r\n'
    rows, errors = parse(text)
    assert errors == [] and rows[0].class_name == "Willow, Year 3"
    assert rows[0].consents["photo_facebook"]
    assert not any(rows[0].consents[c] for c in CONSENT_COLUMNS[1:])  # an empty cell means no


def test_columns_in_another_order_with_extra_columns_and_odd_header_case() -> None:
    header = ["Notes", *[h.upper() if i % 2 else f" {h} " for i, h in enumerate(reversed(HEADER))]]
    values = dict(zip(HEADER, AVA.split(","), strict=True))
    line = ",".join(["likes trains", *[values[h] for h in reversed(HEADER)]])
    rows, errors = parse(",".join(header) + "\n" + line + "\n")
    assert errors == [] and rows[0].pupil_id == "P001" and rows[0].last_name == "Thornton"
    assert rows[0].consents["biometric"] is True


def test_a_column_named_twice_is_refused_rather_than_guessed() -> None:
    text = HEAD_ROW + ",biometric\nP001,Ava,Thornton,Year 3,yes,yes,no,yes,no,,,yes\n"
    with pytest.raises(BadInput, match="biometric twice"):
        parse(text)


def test_missing_columns_are_all_named() -> None:
    header = [h for h in HEADER if h not in ("biometric", "withdrawn_on")]
    with pytest.raises(BadInput, match="lacks the columns biometric, withdrawn_on"):
        parse(",".join(header) + "\nP1,A,B,C,yes,yes,no,no,\n")


@pytest.mark.parametrize("text", ["", "   \r\n\r\n", "\ufeff", "\ufeff\r\n"])
def test_an_empty_file_is_refused(text: str) -> None:
    with pytest.raises(BadInput, match="empty"):
        parse(text)


def test_a_header_alone_imports_nobody(school) -> None:
    services, head = school
    plan = services.consent.import_csv(head, HEAD_ROW + "\r\n")
    assert plan.changes == [] and plan.errors == [] and _pupil_count(services) == 0


# -- bad rows ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("P002,Ben,Okafor,Year 4,yes,yes,no,no,no,2027-02-30,", "'2027-02-30' is not a date"),
        ("P002,Ben,Okafor,Year 4,yes,yes,no,no,no,31/07/2027,", "'31/07/2027' is not a date"),
        ("P002,Ben,Okafor,Year 4,yes,yes,no,no,no,,yesterday", "'yesterday' is not a date"),
        ("P002,Ben,Okafor,Year 4,yes,yes,no,no,no,2027-07-31", "expected 11 columns, found 10"),
        ("P002,Ben,Okafor", "expected 11 columns, found 3"),
        (",Ben,Okafor,Year 4,yes,yes,no,no,no,,", "pupil_id is empty"),
        ("P002,Ben,Okafor,Year 4,si,yes,no,no,no,,", "photo_facebook must be yes or no"),
        ("P002,Ben,Okafor,Year 4,yes,yes,no,no,maybe,,", "biometric must be yes or no"),
        ("P002," + "B" * (MAX_FIELD + 1) + ",Okafor,Y4,yes,yes,no,no,no,,", "longer than 200"),
        ('P002,"Ben\nJamie",Okafor,Year 4,yes,yes,no,no,no,,', "first_name contains a line"),
        ("P002,Ben\x00,Okafor,Year 4,yes,yes,no,no,no,,", "first_name contains a control"),
        ("P001,Ava,Thornton,Year 3,yes,yes,no,no,no,,", "P001 already appears on line 2"),
        (" P001 ,Ava,Thornton,Year 3,yes,yes,no,no,no,,", "P001 already appears on line 2"),
    ],
)
def test_each_bad_row_is_named_and_nothing_is_imported(school, row: str, reason: str) -> None:
    services, head = school
    with pytest.raises(ImportRejected) as caught:
        services.consent.import_csv(head, csv_text(AVA, row))
    message = str(caught.value)
    assert message.startswith("Nothing was imported: 1 bad row: line ") and reason in message
    assert _pupil_count(services) == 0 and services.audit.count() == 2  # setup entries only


def test_a_value_far_beyond_any_spreadsheet_cell_is_refused_not_a_crash(school) -> None:
    services, head = school
    huge = "P002,Ben," + "O" * 300_000 + ",Year 4,yes,yes,no,no,no,,"
    with pytest.raises(BadInput, match="line 3"):
        services.consent.import_csv(head, csv_text(AVA, huge))
    assert _pupil_count(services) == 0


def test_an_unclosed_quote_is_a_bad_row_not_a_half_import(school) -> None:
    services, head = school
    text = csv_text('P002,"Ben,Okafor,Year 4,yes,yes,no,no,no,,', AVA.replace("P001", "P003"))
    with pytest.raises(ImportRejected):
        services.consent.import_csv(head, text)
    assert _pupil_count(services) == 0


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    rows, errors = parse(csv_text("", AVA, ",,,,,,,,,,", "P002,Ben,,Y4,no,no,no,no,no,,"))
    assert [r.pupil_id for r in rows] == ["P001"]
    assert [(e.line, e.reason) for e in errors] == [(5, "last_name is empty")]


# -- size -------------------------------------------------------------------------------------


def ten_thousand(bad_at: int | None = None) -> str:
    rows = []
    for i in range(10_000):
        biometric = "yes" if i % 3 == 0 else "no"
        expires = "2027-07-31" if i != bad_at else "31/07/2027"
        rows.append(f"P{i:05d},First{i},Last{i},Class {i % 30},yes,no,yes,no,{biometric},"
                    f"{expires},")
    return csv_text(*rows)


@pytest.mark.slow
def test_ten_thousand_rows_are_imported_whole_and_audited_one_by_one(school) -> None:
    services, head = school
    plan = services.consent.import_csv(head, ten_thousand())
    assert len(plan.new) == 10_000 and _pupil_count(services) == 10_000
    consents = services.db.execute("SELECT count(*) FROM consents").fetchone()[0]
    assert consents == 10_000 * len(CONSENT_KINDS)
    assert services.consent.pupil("P09999").class_name == "Class 9"
    assert services.audit.count() == 2 + 10_000 and services.audit.verify().intact
    again = services.consent.import_csv(head, ten_thousand())
    assert again.changes == [] and again.unchanged == 10_000


@pytest.mark.slow
def test_one_bad_row_among_ten_thousand_imports_nothing(school) -> None:
    services, head = school
    with pytest.raises(ImportRejected, match="line 9002"):
        services.consent.import_csv(head, ten_thousand(bad_at=9_000))
    assert _pupil_count(services) == 0


# -- hypothesis: any file Excel could write is read back exactly --------------------------------

FIELD_CHARS = st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"])
VALUE = st.text(FIELD_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool)
OPTIONAL_VALUE = st.one_of(st.just(""), VALUE)
YES = st.sampled_from(["yes", "Yes", "YES", "y", "Y", "true", "TRUE", "1"])
NO = st.sampled_from(["no", "No", "N", "n", "false", "False", "0", ""])
DAYS = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2099, 12, 31)))


@st.composite
def pupil_rows(draw: st.DrawFn) -> list[dict[str, object]]:
    ids = draw(st.lists(st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=8),
                        min_size=1, max_size=12, unique=True))
    rows = []
    for pupil_id in ids:
        consents = {c: draw(st.booleans()) for c in CONSENT_COLUMNS}
        rows.append({
            "pupil_id": pupil_id, "first_name": draw(VALUE), "last_name": draw(VALUE),
            "class": draw(OPTIONAL_VALUE), "consents": consents,
            "spelled": {c: draw(YES if v else NO) for c, v in consents.items()},
            "consent_expires": draw(DAYS), "withdrawn_on": draw(DAYS),
        })
    return rows


def write_like_excel(rows: list[dict[str, object]], delimiter: str, quoting: int,
                     terminator: str, order: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=terminator)
    writer.writerow(order)
    for row in rows:
        cells = {**{k: row[k] for k in ("pupil_id", "first_name", "last_name", "class")},
                 **row["spelled"],  # type: ignore[dict-item]
                 "consent_expires": row["consent_expires"] or "",
                 "withdrawn_on": row["withdrawn_on"] or "", "notes": "see office"}
        writer.writerow([str(cells[column]) for column in order])
    return buffer.getvalue()


@settings(max_examples=200, deadline=None)
@given(
    rows=pupil_rows(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    terminator=st.sampled_from(["\r\n", "\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    order=st.permutations([*HEADER, "notes"]),
)
def test_any_file_written_like_excel_reads_back_exactly(
    rows: list[dict[str, object]], delimiter: str, quoting: int, terminator: str, encoding: str,
    order: list[str],
) -> None:
    text = write_like_excel(rows, delimiter, quoting, terminator, list(order))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)  # Windows-1252 can't hold every name; Excel would not write it so
    parsed, errors = parse(decode(data))
    assert errors == []
    assert [_as_dict(p) for p in parsed] == [_expected(r) for r in rows]


def _as_dict(row: PupilRow) -> dict[str, object]:
    return {"pupil_id": row.pupil_id, "first_name": row.first_name, "last_name": row.last_name,
            "class": row.class_name, "consents": row.consents,
            "consent_expires": row.expires_on, "withdrawn_on": row.withdrawn_on}


def _expected(row: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in row.items() if k != "spelled"}


def assert_rows_or_one_sentence(text: str) -> None:
    try:
        rows, errors = parse(text)
    except BadInput as refused:
        assert str(refused).endswith(".") and "\n" not in str(refused)
        return
    assert len({r.pupil_id for r in rows}) == len(rows)  # never two rows for one pupil
    assert all(e.line >= 2 for e in errors)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_rows_and_row_errors_or_one_sentence(text: str) -> None:
    assert_rows_or_one_sentence(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([HEAD_ROW, AVA, ",", ";", '"', "\r\n", "\n", "\x00", "yes",
                                 "2027-07-31", "\t", "\ufeff", "P001", " "]), max_size=40))
def test_csv_shaped_soup_gives_rows_and_row_errors_or_one_sentence(parts: list[str]) -> None:
    assert_rows_or_one_sentence("".join(parts))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_decode_to_text_or_one_sentence(data: bytes) -> None:
    try:
        text = decode(data)
    except BadInput as refused:
        assert str(refused) == "The file is not text (UTF-8 or Windows-1252)."
        return
    assert isinstance(text, str) and "\ufeff" not in text[:1]
