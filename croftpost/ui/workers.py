"""Run a function on a worker thread and get its result back on the GUI thread.

After Picard's `run_task`: one helper for every long job (verifying the audit log, exporting,
later face scans). The function receives a `threading.Event` it should check to stop early,
and a `progress(done, total)` callback; both are safe to use from the worker thread. The
result, the error or each progress step is delivered to the callbacks on the GUI thread.

Tests use `ImmediateTaskRunner`, which runs the function at once in the calling thread, so
they stay deterministic.

A sqlite3 connection belongs to the thread that made it: a task must open its own
(`croftpost.storage.db.open_db(data_dir)`) and never use the screens' `services.db`.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
TaskFn = Callable[[threading.Event, ProgressFn], Any]
ResultFn = Callable[[Any], None]
ErrorFn = Callable[[BaseException], None]


@dataclass
class TaskHandle:
    """What `submit` returns: cancel the task, or ask whether it has finished."""

    on_result: ResultFn
    on_error: ErrorFn | None = None
    on_progress: ProgressFn | None = None
    owner: QObject | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    keep_result: bool = False  # stopped early: what it finished still comes back

    def cancel(self) -> None:
        """Ask the function to stop; its result (if any) is then dropped."""
        self.cancel_event.set()

    def stop(self) -> None:
        """Ask the function to stop early, and still deliver what it finished (a scan's
        photos already checked)."""
        self.keep_result = True
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set() and not self.keep_result

    def _alive(self) -> bool:
        # A screen closed while its task ran must not be called back.
        return not self.cancelled and (self.owner is None or shiboken6.isValid(self.owner))

    def deliver_result(self, result: Any) -> None:
        self.done = True
        if self._alive():
            self.on_result(result)

    def deliver_error(self, error: BaseException) -> None:
        self.done = True
        if not self._alive():
            return
        if self.on_error is None:
            log.error("a background task failed", exc_info=error)
            return
        self.on_error(error)

    def deliver_progress(self, done: int, total: int) -> None:
        if self.on_progress is not None and self._alive():
            self.on_progress(done, total)


class TaskRunner(Protocol):
    def submit(
        self,
        fn: TaskFn,
        on_result: ResultFn,
        on_error: ErrorFn | None = None,
        on_progress: ProgressFn | None = None,
        owner: QObject | None = None,
    ) -> TaskHandle: ...

    def shutdown(self, timeout_ms: int = 5000) -> bool: ...


class _Relay(QObject):
    """Lives on the GUI thread; emitting from a worker queues the call to the GUI thread."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, int, int)


class _Runnable(QRunnable):
    def __init__(self, task_id: int, fn: TaskFn, cancel: threading.Event, relay: _Relay) -> None:
        super().__init__()
        self._task_id, self._fn, self._cancel, self._relay = task_id, fn, cancel, relay

    def run(self) -> None:
        task_id, relay = self._task_id, self._relay
        try:
            result = self._fn(
                self._cancel, lambda done, total: relay.progressed.emit(task_id, done, total)
            )
        except BaseException as exc:  # every failure goes back to the screen
            relay.failed.emit(task_id, exc)
        else:
            relay.succeeded.emit(task_id, result)


class ThreadTaskRunner(QObject):
    """Runs tasks on a QThreadPool. Create one on the GUI thread and keep it for the app's
    life; call `shutdown()` before quitting so no worker calls back into a closed window."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._ids = itertools.count(1)
        self._active: dict[int, TaskHandle] = {}
        # One long-lived relay for every task: no per-task QObject whose lifetime could race
        # with the worker thread that emits on it.
        self._relay = _Relay(self)
        self._relay.succeeded.connect(self._on_relay_succeeded)
        self._relay.failed.connect(self._on_relay_failed)
        self._relay.progressed.connect(self._on_relay_progressed)

    def submit(
        self,
        fn: TaskFn,
        on_result: ResultFn,
        on_error: ErrorFn | None = None,
        on_progress: ProgressFn | None = None,
        owner: QObject | None = None,
    ) -> TaskHandle:
        handle = TaskHandle(on_result, on_error, on_progress, owner)
        task_id = next(self._ids)
        self._active[task_id] = handle
        self._pool.start(_Runnable(task_id, fn, handle.cancel_event, self._relay))
        return handle

    def active_count(self) -> int:
        return len(self._active)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every task and wait for the workers; True if they all stopped in time."""
        for handle in self._active.values():
            handle.cancel()
        return self._pool.waitForDone(timeout_ms)

    @Slot(int, object)
    def _on_relay_succeeded(self, task_id: int, result: object) -> None:
        handle = self._active.pop(task_id, None)
        if handle is not None:
            handle.deliver_result(result)

    @Slot(int, object)
    def _on_relay_failed(self, task_id: int, error: object) -> None:
        handle = self._active.pop(task_id, None)
        if handle is not None and isinstance(error, BaseException):
            handle.deliver_error(error)

    @Slot(int, int, int)
    def _on_relay_progressed(self, task_id: int, done: int, total: int) -> None:
        handle = self._active.get(task_id)
        if handle is not None:
            handle.deliver_progress(done, total)


class ImmediateTaskRunner:
    """For tests: runs the task at once, in the calling thread, with the same callbacks."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(
        self,
        fn: TaskFn,
        on_result: ResultFn,
        on_error: ErrorFn | None = None,
        on_progress: ProgressFn | None = None,
        owner: QObject | None = None,
    ) -> TaskHandle:
        self.submitted += 1
        handle = TaskHandle(on_result, on_error, on_progress, owner)
        try:
            result = fn(handle.cancel_event, handle.deliver_progress)
        except Exception as exc:  # delivered as the threaded runner does
            handle.deliver_error(exc)
        else:
            handle.deliver_result(result)
        return handle

    def shutdown(self, timeout_ms: int = 0) -> bool:
        return True
