"""Background work: a small task runner on QThreadPool, results delivered on the main thread.

Two lanes: ``"pool"`` for work that may run side by side (loading, exports) and ``"write"``,
one thread, for everything that appends to the database, so that this desk's writes keep the
order the user made them in and never wait on each other inside SQLite's busy timeout.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from mimdesk.gui.signals import emit

Lane = Literal["pool", "write"]
Progress = Callable[[int, int], None]


@dataclass
class _Callbacks:
    done: Callable[[Any], None] | None
    failed: Callable[[BaseException], None] | None
    progress: Progress | None


class TaskRunner(QObject):
    """Runs callables off the UI thread and calls back on it.

    Signals:
        idle(): emitted when the last running task has delivered its result.
    """

    idle = Signal()
    # Emitted from worker threads; queued to this object, which lives on the main thread.
    _finished = Signal(int, object, object)
    _progressed = Signal(int, int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Callbacks] = {}
        self._finished.connect(self._deliver)
        self._progressed.connect(self._report)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(
        self,
        fn: Callable[..., Any],
        *,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        progress: Progress | None = None,
        lane: Lane = "pool",
    ) -> int:
        """Run ``fn`` in the background; ``fn(progress)`` when a progress callback is given.

        ``done(result)`` or ``failed(exception)`` then runs on the main thread. An exception
        nobody handles goes to ``sys.excepthook`` (the crash dialog), never into the void.
        """
        job = next(self._ids)
        self._pending[job] = _Callbacks(done, failed, progress)
        pool = self._writes if lane == "write" else self._pool

        def work() -> None:
            try:
                if progress is not None:
                    result = fn(lambda n, total: emit(self._progressed, job, n, total))
                else:
                    result = fn()
            except BaseException as exc:  # delivered to the main thread, not swallowed
                emit(self._finished, job, None, exc)
            else:
                emit(self._finished, job, result, None)

        pool.start(work)
        return job

    def wait(self, msecs: int = -1) -> bool:
        """Block until queued work is done (at shutdown, so no write is cut off)."""
        ok = self._writes.waitForDone(msecs) and self._pool.waitForDone(msecs)
        return bool(ok)

    @Slot(int, object, object)
    def _deliver(self, job: int, result: Any, error: BaseException | None) -> None:
        callbacks = self._pending.pop(job, None)
        try:
            if callbacks is None:
                return
            if error is None:
                if callbacks.done is not None:
                    callbacks.done(result)
            elif callbacks.failed is not None:
                callbacks.failed(error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)
        finally:
            if not self._pending:
                emit(self.idle)

    @Slot(int, int, int)
    def _report(self, job: int, done: int, total: int) -> None:
        callbacks = self._pending.get(job)
        if callbacks is not None and callbacks.progress is not None:
            callbacks.progress(done, total)
