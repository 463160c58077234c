"""The A4 PDF page that printed lists (the audit log, the no-photo lists) are laid out on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter


def a4_writer(path: Path | None, orientation: QPageLayout.Orientation,
              margin_mm: float) -> QPdfWriter:
    """An A4 writer at 96 dpi with the same margin all round; with no path it only measures
    the page (a document is laid out for it without writing a file)."""
    writer = QPdfWriter(str(path) if path else "")
    writer.setCreator("croftpost")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            orientation,
            QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setResolution(96)
    return writer
