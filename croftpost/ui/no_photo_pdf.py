"""The no-photo lists as a printable PDF: one A4 page per class, for staff to take on a trip.

Who is on a list is decided by the core (croftpost.core.no_photo); this module only lays the
lists out with Qt's own printing support (QTextDocument printed to a QPdfWriter). It works in
black and white: every mark is a word, never a colour.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSizeF
from PySide6.QtGui import QPageLayout, QPdfWriter, QTextDocument

from croftpost.core.channels import CHANNELS
from croftpost.core.no_photo import ClassNoPhotoList, NoPhotoEntry
from croftpost.ui.labels import channel_name, long_date
from croftpost.ui.pdf_writer import a4_writer


def _tr(text: str) -> str:
    return QCoreApplication.translate("no_photo_pdf", text)


@dataclass(frozen=True)
class ListHeading:
    school: str
    day: date
    printed_by: str


def _entry_row(entry: NoPhotoEntry) -> str:
    e = html.escape
    name = f"<b>{e(entry.name)}</b>"
    if entry.protected:
        name += f"<br><i>{e(_tr('Protected: never in any photo'))}</i>"
    cells = "".join(
        f"<td align='center'><b>{e(_tr('NO PHOTO'))}</b></td>" if channel in entry.barred
        else f"<td align='center'>{e(_tr('may appear'))}</td>"
        for channel in CHANNELS
    )
    return f"<tr><td>{name}</td>{cells}</tr>"


def _class_page(class_list: ClassNoPhotoList, heading: ListHeading, first: bool) -> str:
    e = html.escape
    brk = "" if first else " style='page-break-before: always;'"
    title = _tr("Pupils who must not appear in photos")
    intro = _tr(
        "{0}. Correct on {1}; consents change, so print a fresh list before each trip. "
        "Printed by {2}. Keep this list private and shred it afterwards."
    ).format(heading.school, long_date(heading.day), heading.printed_by)
    if not class_list.entries:
        everyone = _tr("All {0} pupils in this class may appear in photos on both channels "
                       "today.").format(class_list.on_roll)
        body = f"<p><b>{e(everyone)}</b></p>"
    else:
        columns = "".join(f"<th width='30%'>{e(_tr('On {0}').format(channel_name(c)))}</th>"
                          for c in CHANNELS)
        rows = "".join(_entry_row(entry) for entry in class_list.entries)
        count = _tr("{0} of the {1} pupils in this class must not appear in at least one "
                    "channel's photos. Everyone else in the class may appear.").format(
            len(class_list.entries), class_list.on_roll)
        body = (
            f"<p>{e(count)}</p>"
            "<table border='1' cellspacing='0' cellpadding='8' width='100%' "
            "style='border-collapse: collapse; border-color: #444;'>"
            f"<thead><tr><th align='left' width='40%'>{e(_tr('Pupil'))}</th>{columns}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    names = _tr("Names are a separate consent: check the post in croftpost before naming "
                "anyone.")
    return (f"<h1{brk}>{e(class_list.class_name)}</h1><h2>{e(title)}</h2>"
            f"<p>{e(intro)}</p>{body}"
            f"<p style='font-size: 9pt;'>{e(names)}</p>")


def no_photo_html(lists: list[ClassNoPhotoList], heading: ListHeading) -> str:
    if not lists:
        title, empty = _tr("No-photo lists"), _tr("There are no pupils in the register yet.")
        pages = f"<h1>{html.escape(title)}</h1><p>{html.escape(empty)}</p>"
    else:
        pages = "".join(_class_page(c, heading, i == 0) for i, c in enumerate(lists))
    return ("<html><body style='font-family: sans-serif; font-size: 12pt;'>"
            f"{pages}</body></html>")


def no_photo_document(lists: list[ClassNoPhotoList], heading: ListHeading,
                      writer: QPdfWriter | None = None) -> QTextDocument:
    """The laid-out document (sized for `writer`'s page, or for A4 at 96 dpi)."""
    document = QTextDocument()
    document.setHtml(no_photo_html(lists, heading))
    if writer is None:
        writer = _writer(None)
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    return document


def _writer(path: Path | None) -> QPdfWriter:
    return a4_writer(path, QPageLayout.Orientation.Portrait, 15)


def write_no_photo_pdf(path: Path, lists: list[ClassNoPhotoList],
                       heading: ListHeading) -> QTextDocument:
    """Write the PDF to `path` and return the document that was printed (its page count and
    text are what the file holds)."""
    writer = _writer(path)
    writer.setTitle(_tr("{0}: no-photo lists").format(heading.school))
    document = no_photo_document(lists, heading, writer)
    document.print_(writer)
    del writer  # finishes the file
    return document
