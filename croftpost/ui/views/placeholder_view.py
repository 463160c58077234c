"""An honest panel for a screen that is not in this version yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from croftpost.ui.theme import icon
from croftpost.ui.widgets import explanation, heading


class PlaceholderView(QWidget):
    def __init__(self, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderView")
        panel = QFrame(self)
        panel.setObjectName("placeholderPanel")
        picture = QLabel(panel)
        picture.setPixmap(icon("later").pixmap(40, 40))
        picture.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.notice = heading(self.tr("This screen arrives in a later version."), panel, level=2)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        what = explanation(purpose, panel)
        what.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        meanwhile = explanation(
            self.tr(
                "Nothing is posted or changed from here yet. Until it arrives, follow the "
                "school's social media policy by hand."
            ),
            panel,
        )
        meanwhile.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(32, 32, 32, 32)
        inner.setSpacing(12)
        for widget in (picture, self.notice, what, meanwhile):
            inner.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, self))
        layout.addSpacing(12)
        layout.addWidget(panel)
        layout.addStretch(1)
