"""Scanning many photos for faces on worker processes that keep the models loaded.

dlib's landmarks and the decoders hold the GIL for much of a scan, so threads would not use the
second core: each photo is scanned in a process of its own (see `FaceScanner`). A photo that
cannot be read is a `ScanFailure` result, never an exception that stops the batch.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from croftpost.core.faces import (
    DEFAULT_PARAMS,
    ScanFailure,
    ScanParams,
    ScanResult,
    load_models,
    scan_photo,
)
from croftpost.errors import BadPhoto

log = logging.getLogger(__name__)
# Imported once in the fork server, so that every worker forked from it starts with them.
_PRELOAD = ["croftpost.core.face_scan", "croftpost.core.dlib_resnet", "dlib", "numpy",
            "ai_edge_litert.interpreter"]

# -- many photos --------------------------------------------------------------------------------

Progress = Callable[[int, int], None]


def scan_photos(
    paths: Sequence[Path | str],
    workers: int = 2,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    params: ScanParams = DEFAULT_PARAMS,
) -> list[ScanResult]:
    """Scan many photos on `workers` processes (0: in this process). See FaceScanner.scan."""
    with FaceScanner(workers, params) as scanner:
        return scanner.scan(paths, cancel, progress)


def _scan_or_fail(path: str, params: ScanParams) -> ScanResult:
    """Runs in a worker: a bad photo is a result, not an exception that stops the batch."""
    try:
        return scan_photo(path, params)
    except BadPhoto as e:
        return ScanFailure(path, str(e))
    except MemoryError:
        return ScanFailure(
            path, f"{Path(path).name} is too large to scan on this computer.", "scanner_failed"
        )


def _warm_up(params: ScanParams = DEFAULT_PARAMS) -> None:
    load_models(params)


class FaceScanner:
    """Worker processes that keep the models loaded between batches; close() when done.

    Workers are forked from a clean forkserver process (never from the Qt process itself, whose
    threads make a plain fork unsafe) that has the libraries preloaded, so a new worker costs
    little once the server is up; each loads the models (about 0.3 s) before its first photo.
    """

    def __init__(self, workers: int = 2, params: ScanParams = DEFAULT_PARAMS) -> None:
        self.workers = max(0, workers)
        self.params = params
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> FaceScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def warm_up(self) -> None:
        """Start the workers and load the models now rather than on the first photo."""
        if self.workers == 0:
            load_models(self.params)
            return
        pool = self._executor()
        for f in [pool.submit(_warm_up, self.params) for _ in range(self.workers)]:
            f.result()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=ctx, initializer=_warm_up, initargs=(self.params,)
            )
        return self._pool

    def scan(
        self,
        paths: Sequence[Path | str],
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> list[ScanResult]:
        """Results in the order of `paths`. Once `cancel` is set no new photo is started, and
        only the photos already finished (or running) are returned."""
        names = [str(p) for p in paths]
        if self.workers == 0:
            return self._scan_here(names, cancel, progress)
        results: dict[int, ScanResult] = {}
        todo = list(range(len(names)))[::-1]
        running: dict[Future[ScanResult], tuple[int, ProcessPoolExecutor]] = {}
        while todo or running:
            if cancel is not None and cancel.is_set():
                todo.clear()
                running = {f: v for f, v in running.items() if not f.cancel()}
            while todo and len(running) < 2 * self.workers:  # a short queue: cancel stays quick
                i, pool = todo.pop(), self._executor()
                running[pool.submit(_scan_or_fail, names[i], self.params)] = (i, pool)
            done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            for f in done:
                i, pool = running.pop(f)
                results[i] = self._collect(f, names[i], pool)
                if progress is not None:
                    progress(len(results), len(names))
        return [results[i] for i in sorted(results)]

    def _collect(
        self, future: Future[ScanResult], path: str, pool: ProcessPoolExecutor
    ) -> ScanResult:
        try:
            return future.result()
        except BrokenProcessPool:
            # A worker died (out of memory, a crash in native code): new workers for the rest.
            log.warning("a face scanning worker stopped unexpectedly; restarting the workers")
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False)
            return ScanFailure(
                path,
                f"croftpost could not scan {Path(path).name}: the face "
                "scanner stopped unexpectedly.",
                "scanner_failed",
            )

    def _scan_here(
        self, names: list[str], cancel: threading.Event | None, progress: Progress | None
    ) -> list[ScanResult]:
        results: list[ScanResult] = []
        for path in names:
            if cancel is not None and cancel.is_set():
                break
            results.append(_scan_or_fail(path, self.params))
            if progress is not None:
                progress(len(results), len(names))
        return results
