"""The termly report as a PDF: QTextDocument laid out on an A4 QPdfWriter.

The data comes from the core (TermlyService.termly_report(...).to_json()). The screens call
`render_termly_pdf` directly; the command line runs this module in a child process
(`python -m croftpost.ui.reports --out FILE.pdf`, the report's JSON on stdin), so that the CLI
itself never imports Qt.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMarginsF, QSizeF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from croftpost.core.clock import parse_iso
from croftpost.ui.labels import channel_short_name

_STYLE = """
body { font-family: sans-serif; font-size: 7pt; color: #000; }
h1 { font-size: 12pt; margin: 0; }
h2 { font-size: 9pt; margin-top: 8px; margin-bottom: 2px; }
p.meta { color: #333; margin: 0; }
table { border-collapse: collapse; }
th { background: #e6e6e6; text-align: left; padding: 1px 4px; }
td { padding: 1px 4px; border-bottom: 1px solid #ccc; vertical-align: top; }
p.note { color: #444; font-size: 6pt; }
"""


def _tr(text: str) -> str:
    return QCoreApplication.translate("reports", text)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _when(stamp: str) -> str:
    """A stored UTC timestamp as a short local date and time: 26/11/2026 09:05."""
    try:
        return parse_iso(stamp).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return stamp


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    if not body:
        return f"<p>{_e(empty)}</p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    return f'<table width="100%" cellspacing="0"><tr>{head}</tr>{body}</table>'


_FACE_WORDS = {"consented": "consented", "not_consented": "no consent", "unknown": "unknown",
               "adult": "adult (staff)", "blurred": "blurred"}


def _faces(photos: list[dict[str, Any]]) -> str:
    if not photos:
        return _e(_tr("no photos"))
    parts = []
    for number, photo in enumerate(photos, 1):
        counts = Counter(photo.get("face_statuses", []))
        words = ", ".join(f"{n} {_tr(_FACE_WORDS.get(s, str(s)))}"
                          for s, n in sorted(counts.items()))
        parts.append(f"{number}: {_e(words or _tr('no faces'))}")
    return "; ".join(parts)


def _pupils(pupils: list[dict[str, Any]]) -> str:
    return ", ".join(_e(f"{p['name'] or _tr('(deleted)')} ({p['pupil_id']})")
                     for p in pupils) or "&ndash;"


def _posts_table(posts: list[dict[str, Any]]) -> str:
    rows = [[_e(_when(p["posted_at"])), _e(channel_short_name(p["channel"])),
             _e(p["author_name"] or p["author"]), _faces(p["photos"]), _pupils(p["pupils"]),
             _e(p["approved_by"] or "–"), f"<tt>{_e(p['text_sha256'][:16])}</tt>"]
            for p in posts]
    headers = [_tr("Posted"), _tr("Channel"), _tr("By"), _tr("Photos: faces"),
               _tr("Pupils shown"), _tr("Approved by"), _tr("Text hash")]
    return _table(headers, rows, _tr("Nothing was published in this period."))


_REASONS = {"withdrawn": "consent withdrawn", "protected": "pupil now protected"}


def _takedowns_table(tasks: list[dict[str, Any]]) -> str:
    rows = [[_e(t["id"]), _e(f"{channel_short_name(t['channel'])}, {_when(t['posted_at'])}"),
             _e(f"{t['pupil_name'] or _tr('(deleted)')} ({t['pupil_id']})"),
             _e(_tr(_REASONS.get(t["reason"], t["reason"]))), _e(t["assignee"]),
             _e(_when(t["created_at"]))] for t in tasks]
    headers = [_tr("Task"), _tr("Post"), _tr("Pupil"), _tr("Why"), _tr("Assigned to"),
               _tr("Open since")]
    return _table(headers, rows, _tr("No takedown task is open."))


_ALERT_KINDS = {"protected_face": "face of a protected pupil",
                "protected_name": "name of a protected pupil",
                "protection_refused": "attempt to lift a protection (refused)",
                "protection_kept": "protection kept when the pupil was imported again"}


def _alerts_table(alerts: list[dict[str, Any]]) -> str:
    rows = [[_e(_when(a["first_at"])), _e(_tr(_ALERT_KINDS.get(a["kind"], a["kind"]))),
             _e(f"{a['pupil_name'] or _tr('(deleted)')} ({a['pupil_id']})"), _e(a["actor"]),
             _e(a["times"]),
             _e(_tr("open") if a["acknowledged_at"] is None
                else _tr("acknowledged by {0}").format(a["acknowledged_by"]))]
            for a in alerts]
    headers = [_tr("When"), _tr("What"), _tr("Pupil"), _tr("Staff"), _tr("Times"),
               _tr("State")]
    return _table(headers, rows, _tr("No alerts."))


def termly_html(data: dict[str, Any]) -> str:
    """The report as HTML (every value escaped)."""
    posts, tasks, alerts = data["posts"], data["open_takedowns"], data["alerts"]
    channels = Counter(p["channel"] for p in posts)
    summary = _tr("{0} posts ({1}); {2} open takedown tasks; {3} alerts.").format(
        len(posts), ", ".join(f"{n} {channel_short_name(c)}" for c, n in sorted(channels.items()))
        or "–", len(tasks), len(alerts))
    title = _tr("Termly review of published posts")
    return (
        f"<html><head><style>{_STYLE}</style></head><body>"
        f"<h1>{_e(data['school_name'])}: {_e(title)}</h1>"
        f"<p class='meta'>{_e(_tr('Period'))}: {_e(data['period_start'])} &ndash; "
        f"{_e(data['period_end'])}. {_e(_tr('Prepared by'))} {_e(data['generated_by'])}, "
        f"{_e(_when(data['generated_at']))}.</p>"
        f"<p class='meta'>{_e(summary)}</p>"
        f"<h2>{_e(_tr('Posts'))}</h2>{_posts_table(posts)}"
        f"<h2>{_e(_tr('Open takedown tasks'))}</h2>{_takedowns_table(tasks)}"
        f"<h2>{_e(_tr('Alerts about protected pupils'))}</h2>{_alerts_table(alerts)}"
        f"<p class='note'>{_e(_tr(_NOTE))}</p>{_checkpoint(data.get('audit_checkpoint'))}"
        "</body></html>")


def _checkpoint(line: str | None) -> str:
    """The audit log's latest signed checkpoint: kept on paper, a later `croftpost audit
    verify` can be compared with it even if every copy on the PC was rewritten."""
    if not line:
        return f"<p class='note'>{_e(_tr('The audit log has no signed checkpoint yet.'))}</p>"
    return (f"<p class='note'>{_e(_tr('Audit log checkpoint (keep this page)'))}: "
            f"{_e(line)}</p>")


_NOTE = ("Text hashes are the first characters of the SHA-256 of the exact text published; the "
         "audit log keeps the full hashes of every text and image, the consent of each pupil "
         "at that moment, the face model and tolerance used, and who acknowledged which "
         "warning. Pupils' names are personal data: keep this report as securely as the "
         "consent register.")


def render_termly_pdf(data: dict[str, Any], path: Path) -> int:
    """Write the report to `path` (readable by its owner only, replaced atomically); returns
    the number of pages."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=".report-", suffix=".pdf", dir=path.parent)
    os.close(fd)  # mkstemp made it 0600; QPdfWriter writes into it and keeps that
    try:
        writer = QPdfWriter(tmp_name)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        # Landscape: one line per post, so a term's posts fit on as few pages as possible.
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
        writer.setResolution(300)
        writer.setTitle(_tr("Termly review of published posts"))
        writer.setCreator("croftpost")
        document = QTextDocument()
        document.setDefaultFont(QFont("sans-serif", 7))
        document.setHtml(termly_html(data))
        # Lay out on the page's printable size, in points, as print_ does.
        layout = writer.pageLayout().paintRectPoints()
        document.setPageSize(QSizeF(layout.width(), layout.height()))
        document.print_(writer)
        pages = document.pageCount()
        del writer  # flush and close the file before moving it into place
        if os.path.getsize(tmp_name) == 0:  # Qt reports a failed write only by writing nothing
            raise OSError(f"nothing could be written to {path}")
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return pages


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m croftpost.ui.reports",
                                     description="Draw a termly report (JSON on stdin) as a PDF.")
    parser.add_argument("--out", required=True, metavar="FILE.pdf")
    args = parser.parse_args(argv)
    data = json.load(sys.stdin)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a PDF never needs a display
    _app = QGuiApplication.instance() or QGuiApplication(["croftpost-report"])
    try:
        render_termly_pdf(data, Path(args.out))
    except OSError as exc:
        print(f"{exc.strerror or exc}: {exc.filename or args.out}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
