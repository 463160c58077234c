"""IdleWatcher: notices when nobody has pressed a key or used the mouse anywhere in the app.

A classroom computer is often left logged in; after the timeout the main window locks itself.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

IDLE_TIMEOUT_MS = 10 * 60 * 1000

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    idle_timed_out = Signal()

    def __init__(self, timeout_ms: int = IDLE_TIMEOUT_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle_timed_out)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # removed by Qt when this object is destroyed

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if self._timer.isActive() and event.type() in _INPUT_EVENTS:
            self._timer.start()  # restart the countdown
        return False
