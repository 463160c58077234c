"""croftpost check-text and croftpost moderate: exit codes, JSON shapes, input handling."""

from __future__ import annotations

import io
import json
import sys

import pytest

from croftpost.cli import run
from croftpost.core.consent_csv import HEADER

FINDING_KEYS = ["category", "severity", "start", "end", "excerpt", "clause", "message"]
REGISTER = "\n".join([
    ",".join(HEADER),
    "T01,Mabel,Crosthwaite,Class 3,yes,yes,yes,no,no,2027-07-31,",
    "T03,Nell,Tebay,Class 2,no,no,no,no,no,,",
]) + "\n"


@pytest.fixture
def cli_school(cli_head, tmp_path, capsys):
    register = tmp_path / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    assert run(["consent", "import", str(register)]) == 0
    capsys.readouterr()
    return tmp_path


def write(folder, name: str, text: str | bytes):
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# -- check-text --------------------------------------------------------------------------------


def test_ok_text_exits_0(cli_school, capsys):
    draft = write(cli_school, "ok.txt", "Our harvest festival assembly is on Friday at 2pm.")
    assert run(["check-text", draft, "--channel", "dojo"]) == 0
    assert capsys.readouterr().out.startswith("OK: nothing in this text")


def test_a_warning_exits_0_and_says_what_to_check(cli_school, capsys):
    draft = write(cli_school, "warn.txt", "Well done Nell!")
    assert run(["check-text", draft, "--channel", "dojo"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Check before posting on Dojo class stories: 1 thing")
    assert "CHECK  line 1, column 11: pupil's name" in printed
    assert 'Policy 2.1: "Names and photos of individuals' in printed


def test_a_block_exits_1_with_line_clause_and_what_to_change(cli_school, capsys):
    draft = write(cli_school, "block.txt", "Trip photos below.\nWell done Mabel Crosthwaite!")
    assert run(["check-text", draft, "--channel", "dojo"]) == 1
    printed = capsys.readouterr().out
    assert printed.startswith("Not ready for Dojo class stories: 1 thing to change.")
    assert "MUST FIX  line 2, column 11: pupil's name" in printed
    assert 'Remove the name "Mabel Crosthwaite"' in printed


def test_consent_decides_the_channel(cli_school):
    draft = write(cli_school, "named.txt", "Well done Mabel Crosthwaite!")
    assert run(["check-text", draft, "--channel", "facebook"]) == 0
    assert run(["check-text", draft, "--channel", "dojo"]) == 1


def test_json_has_exactly_the_documented_shape(cli_school, capsys):
    text = "Ring 07700 900461 or see Nell Tebay at the gate."
    draft = write(cli_school, "draft.txt", text)
    assert run(["check-text", draft, "--channel", "facebook", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert list(result) == ["verdict", "findings"] and result["verdict"] == "block"
    assert [list(f) for f in result["findings"]] == [FINDING_KEYS, FINDING_KEYS]
    phone, name = result["findings"]
    assert (phone["category"], phone["severity"], phone["clause"]) == ("personal_info", "block",
                                                                        "2.3")
    assert text[phone["start"]:phone["end"]] == phone["excerpt"] == "07700 900461"
    assert (name["category"], name["excerpt"]) == ("pupil_name", "Nell Tebay")


def test_json_for_clean_text(cli_school, capsys):
    draft = write(cli_school, "ok.txt", "Happy Diwali to all our families!")
    assert run(["check-text", draft, "--channel", "facebook", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"verdict": "ok", "findings": []}


def test_reads_standard_input_with_a_dash_or_no_file(cli_school, capsys, monkeypatch):
    stdin(monkeypatch, b"Vote Labour on Thursday!")
    assert run(["check-text", "-", "--channel", "facebook", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["findings"][0]["category"] == "political"
    stdin(monkeypatch, b"\xef\xbb\xbfSchool closes at 1pm on Friday.")  # with a BOM
    assert run(["check-text", "--channel", "dojo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "ok"


def test_invalid_utf8_is_bad_input_with_a_clear_message(cli_school, capsys):
    draft = write(cli_school, "latin1.txt", "Caf\xe9 open on Friday".encode("latin-1"))
    assert run(["check-text", draft, "--channel", "dojo"]) == 2
    err = capsys.readouterr().err
    assert "is not UTF-8 text" in err and "save it as UTF-8" in err and "Traceback" not in err


def test_unreadable_input_is_bad_input(cli_school, capsys):
    assert run(["check-text", str(cli_school / "missing.txt"), "--channel", "dojo"]) == 2
    assert "missing.txt can't be used: the file does not exist" in capsys.readouterr().err
    assert run(["check-text", str(cli_school), "--channel", "dojo"]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_an_unknown_channel_is_a_usage_error(cli_school):
    draft = write(cli_school, "ok.txt", "Hello")
    with pytest.raises(SystemExit) as exc:
        run(["check-text", draft, "--channel", "twitter"])
    assert exc.value.code == 2


# -- moderate ----------------------------------------------------------------------------------

COMMENTS_CSV = (
    "author,comment\n"
    "Ann Lee,Lovely photos!\n"
    "Tim Troll,This school is shit\n"
    'Tim Troll,"Use code SAVE20 for 20% off at my shop"\n'
    "Gran,Well done Nell!!\n"
)


def test_moderate_csv_as_json(cli_school, capsys):
    path = write(cli_school, "comments.csv", COMMENTS_CSV)
    assert run(["moderate", path, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert list(result) == ["comments", "summary", "candidates_for_blocking"]
    rows = result["comments"]
    assert [(r["line"], r["author"], r["action"]) for r in rows] == [
        (2, "Ann Lee", "keep"), (3, "Tim Troll", "delete"), (4, "Tim Troll", "delete"),
        (5, "Gran", "review")]
    assert rows[1]["comment"] == "This school is shit" and rows[1]["counted"] is True
    assert [f["category"] for f in rows[1]["reasons"]] == ["abusive"]
    assert list(rows[1]["reasons"][0]) == FINDING_KEYS
    assert [f["category"] for f in rows[3]["review"]] == ["pupil_name"]
    assert result["summary"] == {"comments": 4, "delete": 2, "review": 1, "keep": 1,
                                 "newly_counted": 2}
    assert result["candidates_for_blocking"] == []


def test_moderate_keeps_a_tally_and_names_candidates_at_three(cli_school, capsys):
    path = write(cli_school, "comments.csv", COMMENTS_CSV)
    assert run(["moderate", path, "--json"]) == 1
    capsys.readouterr()
    assert run(["moderate", path, "--json"]) == 1  # the same file again: nothing new counted
    again = json.loads(capsys.readouterr().out)
    assert again["summary"]["newly_counted"] == 0 and again["candidates_for_blocking"] == []
    more = write(cli_school, "more.csv", COMMENTS_CSV + "Tim Troll,Ring me on 07700 900461\n")
    assert run(["moderate", more]) == 1
    printed = capsys.readouterr().out
    assert printed.startswith("5 comments: 3 to delete, 1 to look at, 1 fine.")
    assert "line 6, Tim Troll: DELETE (2.3)" in printed
    assert "Added 1 deleted comment to their authors' tally" in printed
    assert "Candidates for blocking" in printed and "Tim Troll: 3 deleted comments" in printed


def test_moderate_plain_lines_one_comment_each(cli_school, capsys):
    path = write(cli_school, "comments.txt", "Fantastic effort everyone!\n\nWell done all\n")
    assert run(["moderate", path]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("2 comments: 0 to delete, 0 to look at, 2 fine.")
    assert "line 1, (no author): keep" in printed and "line 3, (no author): keep" in printed


def test_moderate_plain_lines_deleted_but_never_counted(cli_school, capsys, monkeypatch):
    stdin(monkeypatch, b"This school is shit\nThis school is shit\nThis school is shit\n")
    assert run(["moderate", "-", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["summary"]["delete"] == 3 and result["summary"]["newly_counted"] == 0
    assert [r["author"] for r in result["comments"]] == ["", "", ""]


def test_moderate_bad_input(cli_school, capsys):
    assert run(["moderate", write(cli_school, "bad.csv", b"author,comment\nAnn,\xff\xfe")]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
    assert run(["moderate", write(cli_school, "short.csv", "author,comment\nAnn\n")]) == 2
    assert "Line 2" in capsys.readouterr().err
    assert run(["moderate", str(cli_school / "none.csv")]) == 2
