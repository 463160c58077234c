"""The audit screen's long jobs, run on a worker thread (see workers.py).

Each opens its own connection to the database: a sqlite3 connection belongs to the thread
that made it, so the screens' `services.db` is never touched here. Each reads through an
AuditReader on that connection, so the core checks the reader's permission there too (and
again for every batch of a long export: a reader revoked meanwhile is stopped at once).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSizeF
from PySide6.QtGui import QPageLayout, QTextDocument

from croftpost.core.accounts import Session
from croftpost.core.audit import AuditEntry, AuditFilter, export_entries
from croftpost.core.audit_anchors import AnchorReport, AuditAnchors
from croftpost.core.audit_reader import AuditReader
from croftpost.storage.db import open_db
from croftpost.ui.audit_words import about, describe
from croftpost.ui.labels import action_name, local_time
from croftpost.ui.pdf_writer import a4_writer
from croftpost.ui.workers import ProgressFn

BATCH = 5000
PDF_LIMIT = 5000  # a printed log longer than this helps nobody: use CSV for everything


class ExportCancelled(Exception):
    """The user cancelled the export; the partial file was removed."""


@dataclass(frozen=True)
class ExportHeading:
    """Who exported what, and when, printed at the top of the PDF."""

    title: str
    subtitle: str
    filter_text: str
    checkpoint: str | None = None  # the audit log's newest signed checkpoint, for paper


def verify_log(data_dir: Path, session: Session, anchors: AuditAnchors) -> AnchorReport:
    """The chain, its signed checkpoints and this PC's record (with the keys unlocked at
    login, which stay in memory on the screens' side)."""
    db = open_db(data_dir)
    try:
        return anchors.on(db).verify(session)
    finally:
        db.close()


def _matching(
    reader: AuditReader,
    session: Session,
    flt: AuditFilter,
    start: int,
    cancel: threading.Event,
    progress: ProgressFn,
    total: int,
) -> Iterator[AuditEntry]:
    """Matching entries oldest first from `start`, a batch at a time, stopping on cancel."""
    offset, done = start, 0
    while chunk := reader.entries(session, flt, limit=BATCH, offset=offset, newest_first=False):
        if cancel.is_set():
            raise ExportCancelled
        yield from chunk
        offset += len(chunk)
        done += len(chunk)
        progress(min(done, total), total)


def export_csv(
    data_dir: Path,
    session: Session,
    flt: AuditFilter,
    path: Path,
    cancel: threading.Event,
    progress: ProgressFn,
) -> int:
    """Write the matching entries to a CSV file; returns how many."""
    db = open_db(data_dir)
    try:
        reader = AuditReader.on(db)
        total = reader.count(session, flt)
        text = export_entries(_matching(reader, session, flt, 0, cancel, progress, total), "csv")
    finally:
        db.close()
    path.write_text(text, encoding="utf-8", newline="")
    return total


def export_pdf(
    data_dir: Path,
    session: Session,
    flt: AuditFilter,
    path: Path,
    heading: ExportHeading,
    cancel: threading.Event,
    progress: ProgressFn,
) -> int:
    """A readable A4 table of the newest PDF_LIMIT matching entries; returns how many."""
    db = open_db(data_dir)
    try:
        reader = AuditReader.on(db)
        total = reader.count(session, flt)
        start = max(0, total - PDF_LIMIT)
        entries = list(_matching(reader, session, flt, start, cancel, progress, total - start))
        names = reader.names(session)
    finally:
        db.close()
    document = QTextDocument()
    document.setHtml(_pdf_html(heading, entries, total, names))
    writer = a4_writer(path, QPageLayout.Orientation.Landscape, 12)
    writer.setTitle(heading.title)
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    document.print_(writer)
    return len(entries)


def _tr(text: str) -> str:
    return QCoreApplication.translate("audit_pdf", text)  # safe on a worker thread


def _pdf_row(entry: AuditEntry, names: dict[str, str]) -> str:
    e = html.escape
    action = f"{e(action_name(entry.action))}<br><span style='color:#555;'>{e(entry.action)}</span>"
    return (
        f"<tr><td>{entry.seq}</td><td>{e(local_time(entry.at))}</td><td>{e(entry.actor)}</td>"
        f"<td>{action}</td><td>{e(about(entry, names))}</td>"
        f"<td>{e(describe(entry, names))}</td></tr>"
    )


def _checkpoint_html(line: str | None) -> str:
    if not line:
        return ""
    label = _tr("Audit log checkpoint (keep this page)")
    return f"<p>{html.escape(label)}: {html.escape(line)}</p>"


def _pdf_html(heading: ExportHeading, entries: list[AuditEntry], total: int,
              names: dict[str, str]) -> str:
    e = html.escape
    if len(entries) == total:
        shown = _tr("{0:,} entries.").format(total)
    else:
        shown = _tr(
            "The newest {0:,} of {1:,} matching entries (export as CSV for all of them)."
        ).format(len(entries), total)
    columns = "".join(
        f"<th>{e(_tr(name))}</th>" for name in ("#", "Time", "Who", "Action", "About", "Details")
    )
    return (
        "<html><body style='font-family: sans-serif; font-size: 9pt;'>"
        f"<h2>{e(heading.title)}</h2><p>{e(heading.subtitle)}<br>{e(heading.filter_text)}<br>"
        f"{e(shown)}</p>{_checkpoint_html(heading.checkpoint)}"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%' "
        "style='border-collapse: collapse; border-color: #888;'>"
        f"<thead><tr style='background: #e8edf3;'>{columns}</tr></thead>"
        f"<tbody>{''.join(_pdf_row(entry, names) for entry in entries)}</tbody>"
        "</table></body></html>"
    )
