"""Files that are not UTF-8 text, given to the command line: one sentence and exit code 2,
never a traceback, and nothing saved."""

from __future__ import annotations

import io
import sys
from types import SimpleNamespace

import pytest

from croftpost.cli import run
from croftpost.core.consent_csv import HEADER
from tests.conftest import HEAD_PASSWORD

NOT_UTF8 = b"Well done \xff\xfe everyone \xc3\x28 today\n"


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    assert run(["setup", "--school", "S", "--headteacher", "head", "--name", "H"]) == 0
    monkeypatch.setenv("CROFTPOST_USER", "head")
    capsys.readouterr()

    def call(*argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(stdin),
                                                              isatty=lambda: False))
        code = run(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return call


def assert_refused(code: int, err: str, *phrases: str) -> None:
    assert code == 2 and "Traceback" not in err
    refusal = [line for line in err.splitlines() if "note:" not in line]
    assert len(refusal) == 1 and refusal[0].startswith("croftpost: "), err
    for phrase in phrases:
        assert phrase in refusal[0]


def test_check_text_refuses_a_file_that_is_not_utf8(cli, tmp_path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_bytes(NOT_UTF8)
    code, _, err = cli("check-text", "--channel", "dojo", str(draft))
    assert_refused(code, err, "draft.txt is not UTF-8 text", "position 10")


def test_check_text_refuses_standard_input_that_is_not_utf8(cli) -> None:
    code, _, err = cli("check-text", "--channel", "dojo", "-", stdin=NOT_UTF8)
    assert_refused(code, err, "standard input is not UTF-8 text")


def test_check_text_reads_utf8_with_a_bom_and_an_empty_file(cli, tmp_path) -> None:
    for name, data in (("bom.txt", "\ufeffWell done everyone!".encode()), ("empty.txt", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        code, out, _ = cli("check-text", "--channel", "dojo", str(path))
        assert code == 0 and out.startswith("OK")


def test_moderate_refuses_a_comment_file_that_is_not_utf8(cli, tmp_path) -> None:
    comments = tmp_path / "comments.csv"
    comments.write_bytes(b"author,comment\nSam,Lovely \xff photos\n")
    code, _, err = cli("moderate", str(comments))
    assert_refused(code, err, "comments.csv is not UTF-8 text")


def test_consent_import_refuses_bytes_that_are_no_text_and_saves_nothing(cli, tmp_path):
    register = tmp_path / "register.csv"
    register.write_bytes(",".join(HEADER).encode() + b"\nP1,\x81\x8d,B,C,yes,yes,no,no,no,,\n")
    code, _, err = cli("consent", "import", str(register))
    assert_refused(code, err, "The file is not text")
    code, out, _ = cli("consent", "list")
    assert code == 0 and "P1" not in out
