"""The outbox worker: queued messages go out on their own once their channel answers again.

Every 30 s of the one UI clock (no timer of its own) it hands
:func:`mimdesk.usecases.outbox.deliver` to the pool lane, one run at a time, with a
:class:`RetrySchedule` kept for the session so that a channel that stays down is tried less
and less often. :meth:`OutboxWorker.run_now` is a person's request ("Try again now"): every
message this desk may retry, refused ones too, at once. The use case chooses the messages and
records the real send time; this object only starts runs and announces what changed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Signal, Slot
from shiboken6 import isValid

from mimdesk.config import Settings
from mimdesk.errors import MimDeskError
from mimdesk.gui.changes import ChangeHub, Prepared
from mimdesk.gui.signals import emit
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.uiclock import UiClock
from mimdesk.usecases import outbox
from mimdesk.usecases.context import Context

RETRY_INTERVAL = timedelta(seconds=30)


@dataclass(frozen=True)
class OutboxReport:
    """What one run did, with the incidents it touched."""

    run: outbox.OutboxRun
    # What the open views read ahead of the broadcast, off the UI thread.
    prepared: Prepared | None = None

    @property
    def streams(self) -> frozenset[str]:
        return self.run.changes.streams

    @property
    def changed(self) -> bool:
        return bool(self.run.sent or self.run.failed)


class OutboxWorker(QObject):
    """Signals:
    delivered(OutboxReport): a run finished (whether or not anything went out).
    failed(MimDeskError): a run could not read the outbox (it is tried again next time).
    """

    delivered = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        ctx: Context,
        settings: Settings,
        runner: TaskRunner,
        hub: ChangeHub,
        *,
        clock: UiClock,
        interval: timedelta = RETRY_INTERVAL,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._settings = settings
        self._runner = runner
        self._hub = hub
        self._schedule = outbox.RetrySchedule()
        self._running = False
        self._clock = clock
        self._interval = interval
        self._last: datetime | None = None
        self._active = False
        clock.tick.connect(self._on_tick)

    @property
    def running(self) -> bool:
        """A run is under way on the pool lane."""
        return self._running

    def start(self) -> None:
        self._active = True

    def stop(self) -> None:
        self._active = False

    @Slot(object)
    def _on_tick(self, now: datetime) -> None:
        if not self._active:
            return
        if self._last is not None and now < self._last:
            self._last = now  # the PC's clock went back: count from here
        if self._last is None or now - self._last >= self._interval:
            self._last = now
            self._start(requested=False)

    @Slot()
    def run_now(self) -> bool:
        """A person's request: try every message this desk may retry now, refused ones too.
        False when a run was under way already."""
        return self._start(requested=True)

    def _start(self, *, requested: bool) -> bool:
        if self._running:
            return False
        self._running = True
        ctx, settings, schedule, hub = self._ctx, self._settings, self._schedule, self._hub

        def work() -> OutboxReport:
            run = outbox.deliver(ctx, settings, requested=requested, schedule=schedule)
            report = OutboxReport(run)
            return OutboxReport(run, hub.prepare(run.changes)) if report.changed else report

        self._runner.run(work, done=self._done, failed=self._failed, lane="pool")
        return True

    def _done(self, report: OutboxReport) -> None:
        if not isValid(self):
            return  # the window closed while the run was under way; nobody is listening
        self._running = False
        if report.changed:
            self._hub.publish(report.run.changes, report.prepared)
        emit(self.delivered, report)

    def _failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._running = False
        if isinstance(error, MimDeskError):
            emit(self.failed, error)
        else:
            sys.excepthook(type(error), error, error.__traceback__)
