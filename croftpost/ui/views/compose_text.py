"""The post's text: an editor that underlines what the policy check found, and the list of
findings beside it (severity icon AND word, the policy clause, what to change)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QMimeData, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPlainTextEdit, QTextEdit, QWidget

from croftpost.core.textcheck import Finding
from croftpost.ui.theme import icon

BLOCK_COLOUR = QColor("#c62828")
WARN_COLOUR = QColor("#b25e00")
BLOCK_TINT = QColor("#fdecea")
WARN_TINT = QColor("#fff4e5")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp")
CLIP_SUFFIXES = (".mp4", ".mov", ".m4v")  # what core.video reads

_CATEGORIES = {
    "pupil_name": "Pupil's name",
    "personal_info": "Personal information",
    "abusive": "Abusive or offensive",
    "political": "Political",
    "commercial": "Advert or promotion",
    "donation": "Asking for money",
    "direct_message": "Message to one person",
    "staff_personal_link": "Staff personal account",
    "age_inappropriate": "Not for all ages",
    "spam": "Spam",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("compose", text)


def category_name(category: str) -> str:
    words = _CATEGORIES.get(category)
    return _tr(words) if words else category.replace("_", " ").capitalize()


def counted(n: int, one: str, many: str) -> str:
    """"1 face" or "3 faces": `one` and `many` are translated templates with {0}."""
    return (one if n == 1 else many).format(n)


def severity_word(severity: str) -> str:
    return _tr("Blocks posting") if severity == "block" else _tr("Warning")


def severity_icon(severity: str) -> str:
    return "status-error" if severity == "block" else "status-warning"


def utf16_offset(text: str, index: int) -> int:
    """Qt counts positions in UTF-16 units; Python in code points (an emoji is 2 vs 1)."""
    return len(text[:index].encode("utf-16-le")) // 2


def photo_paths(mime: QMimeData) -> list[str]:
    """Local photo and clip files in a drag (other files and web links are ignored)."""
    if not mime.hasUrls():
        return []
    paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.lower().endswith(PHOTO_SUFFIXES + CLIP_SUFFIXES)]


class PolicyTextEdit(QPlainTextEdit):
    """Plain text (posts have no formatting) with each finding underlined: a red wave where
    something blocks, an amber wave for a warning, and a light tint behind both."""

    photos_dropped = Signal(list)  # photos dragged onto the text go to the post's photos

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composeEditor")
        self.setAccessibleName(_tr("Text of the post"))
        self.setPlaceholderText(_tr(
            "Write your post here. It is checked against the school's social media policy as "
            "you type."))
        self.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.findings: tuple[Finding, ...] = ()

    def show_findings(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        text = self.toPlainText()
        selections = []
        for finding in self.findings:
            if finding.end > len(text):
                continue  # from an older text: the next check redraws
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor(text, finding.start, finding.end)
            selection.format = _underline(finding.severity)
            selections.append(selection)
        self.setExtraSelections(selections)

    def select_range(self, start: int, end: int) -> None:
        text = self.toPlainText()
        self.setTextCursor(self._cursor(text, min(start, len(text)), min(end, len(text))))
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _cursor(self, text: str, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(utf16_offset(text, start))
        cursor.setPosition(utf16_offset(text, end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    # Photos dropped here are not pasted as their file names.
    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt API
        return bool(photo_paths(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt API
        paths = photo_paths(source)
        if paths:
            self.photos_dropped.emit(paths)
        elif not source.hasUrls() or source.hasText():
            super().insertFromMimeData(source)


def _underline(severity: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(BLOCK_COLOUR if severity == "block" else WARN_COLOUR)
    fmt.setBackground(BLOCK_TINT if severity == "block" else WARN_TINT)
    return fmt


class FindingsList(QListWidget):
    """One row a finding, blocks first; activating a row selects its words in the editor."""

    finding_activated = Signal(object)  # the Finding

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsList")
        self.setAccessibleName(_tr("What the policy check found"))
        self.setWordWrap(True)
        self.setSpacing(2)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        # Long messages wrap to the column's width instead of scrolling sideways.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemClicked.connect(self._on_item_activated)
        self.itemActivated.connect(self._on_item_activated)
        self.findings: list[Finding] = []

    def show_findings(self, findings: Sequence[Finding], acknowledged: set[int]) -> None:
        """`acknowledged`: indexes of warnings that already have a reason."""
        self.clear()
        order = sorted(range(len(findings)),
                       key=lambda i: (findings[i].severity != "block", findings[i].start))
        self.findings = [findings[i] for i in order]
        for i in order:
            self._add(findings[i], i in acknowledged)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped text (Qt's list does not measure wrapped rows)."""
        metrics = self.fontMetrics()
        row_width = self.viewport().width()
        # The style draws the text narrower than the row: icon, its gap, margins and the
        # scroll bar that may appear. Measuring too wide cuts the last line off.
        scroll = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        text_width = max(80, row_width - self.iconSize().width() - 2 * self.spacing() - 28
                         - scroll)
        for row in range(self.count()):
            item = self.item(row)
            text = metrics.boundingRect(QRect(0, 0, text_width, 100_000),
                                        int(Qt.TextFlag.TextWordWrap), item.text())
            item.setSizeHint(QSize(row_width - 2 * self.spacing(), text.height() + 12))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_rows()

    def _add(self, finding: Finding, acknowledged: bool) -> None:
        status = severity_word(finding.severity)
        if acknowledged:
            status = _tr("Warning, reason given")
        title = _tr("{0} · {1} · clause {2}").format(
            status, category_name(finding.category), finding.clause)
        item = QListWidgetItem(icon(severity_icon(finding.severity)), f"{title}\n{finding.message}")
        item.setToolTip(_tr("Select “{0}” in the text").format(finding.excerpt))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}. {finding.message}")
        self.addItem(item)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        row = self.row(item)
        if 0 <= row < len(self.findings):
            self.finding_activated.emit(self.findings[row])
