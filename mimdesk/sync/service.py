"""The sync worker: a thread that keeps the local log and the shared database in step, and a
connectivity state machine the GUI shows.

States (SYNC.md, section 3)::

    LOCAL_ONLY    no shared database configured: the desk works alone
    CONNECTING    opening a connection and checking the shared database
    ONLINE        in step; the worker looks for work every ``poll_interval`` seconds
    SYNCING       pushing or pulling a backlog (``progress``)
    BUSY          the shared database answers, but another desk held the log's head lock
                  longer than this desk waits; retried soon (``next_retry``), not "offline"
    OFFLINE       the last attempt failed; the next one is at ``next_retry``
    INCOMPATIBLE  the shared database cannot be used (newer schema, older schema, a login
                  without the desk role...); checked again at most every five minutes, never
                  written to

Retries back off with full jitter, ``U(0, min(cap, base * 2**n))`` with a 10 s cap, so a
database that comes back is noticed within about 15 s (10 s wait + 5 s connect timeout).
Anti-entropy runs on connect and then every ``repair_interval`` seconds, whether or not this
desk has anything to push or pull (an idle desk is often the one that holds an event removed
from the server).
:meth:`SyncService.sync_now` retries at once. Listeners get a :class:`Status` on the worker
thread after every change; the GUI turns them into queued signals. Nothing here imports Qt,
and nothing here runs on the caller's thread but bookkeeping: the network is only touched by
the worker.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine

from mimdesk.store import shared
from mimdesk.store.eventlog import EventLog
from mimdesk.sync import ledger, repair
from mimdesk.sync.protocol import Incompatible, Outcome, Progress, Replicator
from mimdesk.sync.server_errors import Busy, classify
from mimdesk.sync.target import SharedTarget, Timeouts, make_engine

log = logging.getLogger(__name__)


class State(StrEnum):
    LOCAL_ONLY = "local-only"
    CONNECTING = "connecting"
    ONLINE = "online"
    SYNCING = "syncing"
    BUSY = "busy"
    OFFLINE = "offline"
    INCOMPATIBLE = "incompatible"


@dataclass(frozen=True)
class Status:
    state: State
    pending: int = 0  # local events not yet shared
    missed: int | None = None  # events on the server not pulled yet, when known
    last_good_sync: datetime | None = None
    progress: Progress | None = None  # while SYNCING
    next_retry: datetime | None = None  # while OFFLINE (and INCOMPATIBLE)
    clock_skew_ms: int | None = None  # server time minus this desk's time
    skew_warning: bool = False  # more than five minutes
    message: str = ""  # why BUSY / OFFLINE / INCOMPATIBLE, or an alarm while ONLINE, in words
    server_schema: int | None = None
    failures: int = 0
    # Findings about the shared record this desk holds (mimdesk.store.record_trust): the
    # window's red banner; counted by the worker, so the window never asks the database.
    record_alarms: int = 0

    @property
    def schema_newer(self) -> bool:
        """The shared database has a schema newer than this desk knows."""
        return self.server_schema is not None and self.server_schema > shared.SCHEMA_VERSION

    @property
    def schema_older(self) -> bool:
        """The shared database needs upgrading (by IT, with mimdesk db init)."""
        return self.server_schema is not None and self.server_schema < shared.SCHEMA_VERSION

    def describe(self) -> str:
        parts = [self.state.value]
        if self.state is State.SYNCING and self.progress is not None:
            parts.append(f"{self.progress.phase} {self.progress.done}/{self.progress.total}")
        parts.append(f"{self.pending} not shared")
        if self.missed:
            parts.append(f"{self.missed} to fetch")
        if self.last_good_sync:
            parts.append(f"last sync {self.last_good_sync.isoformat(timespec='seconds')}")
        if self.next_retry and self.state in (State.OFFLINE, State.BUSY):
            parts.append(f"retry at {self.next_retry.isoformat(timespec='seconds')}")
        if self.skew_warning:
            parts.append(f"CLOCK OFF BY {abs(self.clock_skew_ms or 0) / 1000:.0f} s")
        if self.message:
            parts.append(self.message)
        return "; ".join(parts)


Listener = Callable[[Status], None]
# Called with the stream ids that pulled events changed (the incidents to show again).
PullListener = Callable[[frozenset[str]], None]


def full_jitter(failures: int, base: float, cap: float, rng: random.Random) -> float:
    return rng.uniform(0, min(cap, base * 2**failures))


BUSY_MESSAGE = "Another desk is writing to the shared database; retrying"


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, Busy) or classify(exc) == "busy":
        return BUSY_MESSAGE
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return f"{type(getattr(exc, 'orig', None) or exc).__name__}: {text}"[:300]


def is_busy(exc: BaseException) -> bool:
    """The server answered, but another desk held the head lock too long: not a network
    fault, so the connection is kept and the retry comes soon."""
    return isinstance(exc, Busy) or classify(exc) == "busy"


class SyncService:
    """Qt-free sync worker. ``start()`` returns at once; the thread does the connecting."""

    def __init__(
        self,
        log_: EventLog,
        target: SharedTarget | None,
        *,
        engine_factory: Callable[[], Engine] | None = None,
        timeouts: Timeouts | None = None,
        label: str = "",
        poll_interval: float = 2.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 10.0,
        incompatible_recheck: float = 300.0,
        schema_recheck: float = 60.0,
        repair_interval: float = repair.INTERVAL_S,
        busy_retry_cap: float = 2.0,
        wall: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.log = log_
        self.target = target
        self.timeouts = timeouts or Timeouts()
        if engine_factory is None and target is not None:
            name = f"mimdesk-sync:{log_.desk_id}"

            def engine_factory() -> Engine:
                return make_engine(target, application_name=name, timeouts=self.timeouts)

        self.replicator = (
            Replicator(
                log_,
                engine_factory,
                timeouts=self.timeouts,
                label=label,
                wall=wall,
                repair_interval=repair_interval,
            )
            if engine_factory is not None
            else None
        )
        self.busy_retry_cap = busy_retry_cap
        self.poll_interval = poll_interval
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.incompatible_recheck = incompatible_recheck
        self.schema_recheck = schema_recheck
        self.rng = rng or random.Random()
        self._listeners: list[Listener] = []
        self._pull_listeners: list[PullListener] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._now_requested = False
        self._last_check = 0.0
        last_ok = log_.sync_state().get("last_ok_at")
        self._status = Status(
            State.LOCAL_ONLY if self.replicator is None else State.OFFLINE,
            pending=log_.pending_count() if self.replicator is not None else 0,
            last_good_sync=datetime.fromisoformat(last_ok) if last_ok else None,
            record_alarms=log_.alarm_count(),
        )
        self.cycles = 0

    # ---- public API --------------------------------------------------------------------

    def status(self) -> Status:
        with self._lock:
            return self._status

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(status)`` (on the worker thread) on every change; returns a function
        that removes it."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def add_pull_listener(self, listener: PullListener) -> Callable[[], None]:
        """Call ``listener(stream_ids)`` (on the worker thread) after a sync that brought
        events from other desks; returns a function that removes it."""
        with self._lock:
            self._pull_listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._pull_listeners:
                    self._pull_listeners.remove(listener)

        return remove

    def start(self) -> None:
        if self.replicator is None or self._thread is not None:
            self._publish(self._status)
            return
        self._stop.clear()
        self._publish(replace(self._status, state=State.CONNECTING))
        self._thread = threading.Thread(target=self._run, name="mimdesk-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        if self.replicator is not None and (thread is None or not thread.is_alive()):
            self.replicator.dispose()

    def sync_now(self) -> None:
        """Try at once, whatever the back-off says (the user pressed Sync now)."""
        self._now_requested = True
        self._wake.set()

    def wake(self) -> None:
        """Local events were written: push them soon (does not cut a back-off short)."""
        if self.status().state in (State.ONLINE, State.SYNCING):
            self._wake.set()

    def run_once(self) -> Outcome:
        """One full sync on the caller's thread (``mimdesk sync --once``); raises on failure."""
        rep = self.replicator
        if rep is None:
            raise RuntimeError("no shared database is configured")
        try:
            self._publish(replace(self._status, state=State.CONNECTING))
            rep.connect()
            outcome = self._sync(rep)
        except Incompatible as exc:
            self._publish(replace(self._status, state=State.INCOMPATIBLE, message=str(exc)))
            raise
        except Exception as exc:
            state = State.BUSY if is_busy(exc) else State.OFFLINE
            self._publish(replace(self._status, state=state, message=describe_error(exc)))
            raise
        finally:
            rep.dispose()
        return outcome

    # ---- the worker --------------------------------------------------------------------

    def _publish(self, status: Status) -> None:
        with self._lock:
            changed = status != self._status
            self._status = status
            listeners = list(self._listeners)
        if not changed:
            return
        for listener in listeners:
            try:
                listener(status)
            except Exception:
                log.exception("a sync status listener failed")

    def _update(self, **changes: object) -> None:
        self._publish(replace(self.status(), **changes))  # type: ignore[arg-type]

    def _sync(self, rep: Replicator) -> Outcome:
        pending = self.log.pending_count()
        head = rep.head()
        state = self.log.sync_state()
        cursor = int(state.get("pull_cursor", "0") or 0)
        # Events the server refused stay pending, but are no reason to push every cycle.
        to_push = pending - len(ledger.refused(state))
        skew = {
            "clock_skew_ms": rep.clock_offset_ms,
            "skew_warning": rep.skew_warning(),
            "server_schema": rep.server_schema,
        }
        if to_push > 0 or head > cursor:
            self._update(
                state=State.SYNCING,
                pending=pending,
                missed=max(0, head - cursor),
                progress=Progress("push" if pending else "pull", 0, pending or head - cursor),
                message="",
                next_retry=None,
                **skew,
            )

            def progress(p: Progress) -> None:
                self._update(
                    state=State.SYNCING,
                    progress=p,
                    pending=self.log.pending_count() if p.phase == "push" else 0,
                    missed=(p.total - p.done) if p.phase == "pull" else self.status().missed,
                )

            outcome = rep.sync(progress)
        elif rep.repair_due():
            # Idle: nothing to push or pull, but this desk may hold what the server lost.
            rep.pulled_streams = set()
            fetched, repushed, taken = rep.repair()
            outcome = Outcome(
                pushed=taken,
                acknowledged=taken,
                head=max(head, cursor),
                cursor=cursor,
                streams=frozenset(rep.pulled_streams),
                repaired=(fetched, repushed),
            )
        else:
            outcome = Outcome(head=head, cursor=cursor)
        if outcome.streams:
            with self._lock:
                pull_listeners = list(self._pull_listeners)
            for listener in pull_listeners:
                try:
                    listener(outcome.streams)
                except Exception:
                    log.exception("a sync pull listener failed")
        now = datetime.now(UTC)
        state = self.log.sync_state()
        alarms = []
        if rep.holes:
            alarms.append(f"the shared log is missing events (seq {rep.holes[0]}...)")
        if rep.gap_waiting is not None:
            alarms.append(f"waiting once for seq {rep.gap_waiting}, missing in the shared log")
        alarms.append(ledger.alarm({k: v for k, v in state.items() if k != "holes"}))
        record_alarms = self.log.alarm_count()
        if record_alarms:
            alarms.insert(0, f"SHARED RECORD ALTERED ({record_alarms}; mimdesk doctor names them)")
        message = "; ".join(a for a in alarms if a)
        self.log.set_sync_state({"last_ok_at": now.isoformat(), "last_error": None})
        self._update(
            state=State.ONLINE,
            pending=self.log.pending_count(),
            missed=max(0, outcome.head - outcome.cursor),
            last_good_sync=now,
            progress=None,
            next_retry=None,
            message=message,
            failures=0,
            record_alarms=record_alarms,
            **skew,
        )
        return outcome

    def _run(self) -> None:
        rep = self.replicator
        assert rep is not None
        failures = 0
        while not self._stop.is_set():
            self._wake.clear()
            self._now_requested = False
            self.cycles += 1
            try:
                if not rep.connected or time.monotonic() - self._last_check > self.schema_recheck:
                    if not rep.connected:
                        self._update(state=State.CONNECTING, next_retry=None)
                    self._last_check = time.monotonic()
                    rep.connect()
                self._sync(rep)
                failures = 0
                self._wait(self.poll_interval, interruptible=True)
            except Incompatible as exc:
                rep.close()
                failures = 0
                retry = datetime.now(UTC) + timedelta(seconds=self.incompatible_recheck)
                self._update(
                    state=State.INCOMPATIBLE,
                    message=str(exc),
                    next_retry=retry,
                    progress=None,
                    server_schema=rep.server_schema,
                )
                # At most one check per period, whatever "Sync now" says.
                self._wait(self.incompatible_recheck, interruptible=False)
            except Exception as exc:
                if is_busy(exc):
                    # The server is there and answered: keep the connection, retry soon.
                    failures += 1
                    delay = full_jitter(failures, self.backoff_base, self.busy_retry_cap, self.rng)
                    log.info("sync: another desk is writing; retry in %.1f s", delay)
                    self._update(
                        state=State.BUSY,
                        message=BUSY_MESSAGE,
                        next_retry=datetime.now(UTC) + timedelta(seconds=delay),
                        progress=None,
                        failures=failures,
                        pending=self._pending(),
                    )
                    self._wait(delay, interruptible=True)
                    continue
                rep.close()
                failures += 1
                delay = full_jitter(failures, self.backoff_base, self.backoff_cap, self.rng)
                message = describe_error(exc)
                log.info("sync failed (%d): %s; retry in %.1f s", failures, message, delay)
                with contextlib.suppress(Exception):
                    self.log.set_sync_state({"last_error": message})
                self._update(
                    state=State.OFFLINE,
                    message=message,
                    next_retry=datetime.now(UTC) + timedelta(seconds=delay),
                    progress=None,
                    failures=failures,
                    pending=self._pending(),
                )
                self._wait(delay, interruptible=True)

    def _pending(self) -> int:
        try:
            return self.log.pending_count()
        except Exception:
            return self.status().pending

    def _wait(self, seconds: float, *, interruptible: bool) -> None:
        """Sleep, waking for stop (always) and sync_now/wake (when interruptible); keeps the
        pending count current meanwhile, so the UI sees local work pile up while offline."""
        deadline = time.monotonic() + seconds
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self._wake.wait(min(left, 1.0)):
                if self._stop.is_set() or interruptible:
                    return
                self._wake.clear()
            pending = self._pending()
            if pending != self.status().pending:
                self._update(pending=pending)
