"""The termly report drawn as a PDF in-process (the CLI does the same in a child process)."""

from __future__ import annotations

from datetime import date

import pytest

from croftpost.ui.reports import render_termly_pdf, termly_html
from tests.core.posting_helpers import REGISTER_CSV, post

pytestmark = pytest.mark.gui


@pytest.fixture
def report(school):
    services, head = school
    services.consent.import_csv(head, REGISTER_CSV)
    services.consent.set_consent(head, "P002", "photo_dojo", True)
    post(services, head, "dojo", "Sports day <b>results</b>", ["P001", "P002"])
    services.consent.withdraw(head, "P002")
    data = services.termly.termly_report(head, date(2026, 11, 1), date(2026, 11, 30)).to_json()
    data["posts"][0]["author_name"] = "<script>alert(1)</script>"
    return data


def test_the_html_escapes_every_value_and_lists_the_evidence(qapp, report):
    page = termly_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Ava Thornton (P001), Ben Okafor (P002)" in page
    assert "consent withdrawn" in page and "1 open takedown tasks" in page


def test_pdf_is_one_page_private_and_replaced_whole(qapp, report, tmp_path):
    target = tmp_path / "termly.pdf"
    target.write_bytes(b"an older report")
    assert render_termly_pdf(report, target) == 1
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and b"/Count 1" in data
    assert (target.stat().st_mode & 0o777) == 0o600
    # (home: the test's own home folder, where this PC's record of the audit log is kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "school", "termly.pdf"]
    with pytest.raises(OSError):
        render_termly_pdf(report, tmp_path / "missing-folder" / "r.pdf")
