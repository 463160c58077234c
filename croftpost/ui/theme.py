"""Icons and the stylesheet, loaded from assets/ (packaged with the app)."""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QDir
from PySide6.QtGui import QIcon

from croftpost.config import assets_dir

log = logging.getLogger(__name__)

APP_ICON = "croftpost"


@functools.cache
def icon(name: str) -> QIcon:
    """An icon from assets/icons/<name>.svg; an empty icon (and a log line) if it is missing,
    so a lost file never stops a screen from opening."""
    path = assets_dir() / "icons" / f"{name}.svg"
    if not path.is_file():
        log.warning("icon %s is missing", name)
        return QIcon()
    return QIcon(str(path))


def stylesheet() -> str:
    """The stylesheet; its images are written `url(icons:name.svg)`."""
    QDir.addSearchPath("icons", str(assets_dir() / "icons"))
    path = assets_dir() / "style.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        log.warning("stylesheet %s can't be read; using Qt's default look", path)
        return ""
