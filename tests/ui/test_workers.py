"""The worker helper: work runs off the GUI thread, and its result, error and progress come
back on the GUI thread; cancelling stops the work and drops its result."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from croftpost.errors import BadInput
from croftpost.ui.workers import ImmediateTaskRunner, ThreadTaskRunner

pytestmark = pytest.mark.gui


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    runner = ThreadTaskRunner()
    gui_thread = threading.get_ident()
    seen: dict[str, object] = {"progress": []}

    def work(cancel, progress):
        seen["worker_thread"] = threading.get_ident()
        for step in range(1, 4):
            progress(step, 3)
        return "done"

    def on_progress(done, total):
        assert threading.get_ident() == gui_thread
        seen["progress"].append((done, total))

    def on_result(value):
        seen["result_thread"] = threading.get_ident()
        seen["result"] = value

    runner.submit(work, on_result, on_progress=on_progress)
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["worker_thread"] != gui_thread
    assert seen["result_thread"] == gui_thread and seen["result"] == "done"
    assert seen["progress"] == [(1, 3), (2, 3), (3, 3)]
    assert runner.shutdown() and runner.active_count() == 0


def test_errors_come_back_to_the_error_callback(qtbot):
    runner = ThreadTaskRunner()
    errors: list[BaseException] = []

    def work(cancel, progress):
        raise BadInput("That file is not a CSV file.")

    runner.submit(work, lambda value: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], BadInput) and str(errors[0]) == "That file is not a CSV file."
    assert runner.shutdown()


def test_cancel_stops_the_work_and_drops_the_result(qtbot):
    runner = ThreadTaskRunner()
    started, results = threading.Event(), []

    def work(cancel, progress):
        started.set()
        while not cancel.wait(0.01):
            pass
        return "stopped early"

    handle = runner.submit(work, results.append)
    assert started.wait(5)
    handle.cancel()
    assert runner.shutdown(5000)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: handle.done, timeout=5000)
    assert results == []


def test_no_callback_to_a_deleted_owner(qtbot):
    runner = ImmediateTaskRunner()
    owner = QObject()
    calls = []
    import shiboken6

    shiboken6.delete(owner)
    runner.submit(lambda cancel, progress: 1, calls.append, owner=owner)
    assert calls == []


def test_the_immediate_runner_runs_at_once_with_the_same_callbacks():
    runner = ImmediateTaskRunner()
    results, errors, steps = [], [], []

    def work(cancel, progress):
        progress(1, 1)
        return 42

    runner.submit(work, results.append, errors.append, lambda d, t: steps.append((d, t)))
    runner.submit(lambda cancel, progress: 1 / 0, results.append, errors.append)
    assert results == [42] and steps == [(1, 1)]
    assert isinstance(errors[0], ZeroDivisionError)
