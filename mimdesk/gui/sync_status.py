"""The sync worker in the GUI: its state in the header, "Sync now", and views that refresh
when events from other desks arrive.

:class:`~mimdesk.sync.SyncService` runs its own thread and calls its listeners there; the
:class:`SyncBridge` turns those calls into queued signals, so that every widget is touched on
the UI thread only. Nothing here waits on the network: building the service opens no
connection, and stopping it gives the worker a moment, never the connect timeout.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from mimdesk.app import App
from mimdesk.errors import MimDeskError
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.signals import emit
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import Chip, muted, plain_labels, plain_tip
from mimdesk.sync import State, Status, SyncService, Timeouts
from mimdesk.usecases.context import Changes

log = logging.getLogger(__name__)

# Long enough for a worker between two steps to notice; a worker stuck in a connect
# finishes on its own (a daemon thread) without holding up the window.
STOP_WAIT_SECONDS = 1.0

COLOURS = {
    State.LOCAL_ONLY: "#5f6b7a",
    State.CONNECTING: "#5f6b7a",
    State.ONLINE: "#1a7f37",
    State.SYNCING: "#2f5f9e",
    State.BUSY: "#2f5f9e",
    State.OFFLINE: "#b54708",
    State.INCOMPATIBLE: "#b42318",
}
LOCAL_ONLY_TIP = "This desk works on its own database; sharing with other desks is not set up."


def build_service(app: App) -> tuple[SyncService, str]:
    """The sync worker for ``app`` and, when the shared database setting cannot be used, why
    (the desk then works alone rather than not at all)."""
    try:
        return app.sync_service(timeouts=Timeouts.from_env()), ""
    except MimDeskError as error:
        return SyncService(app.log, None), f"{error.message} {error.hint}".strip()


class SyncBridge(QObject):
    """The service's listeners as queued signals, and the hub on both sides of it.

    Signals:
        status_changed(Status): the worker's state changed (on the UI thread).
        pulled(frozenset[str]): events from other desks changed these incidents.
    """

    status_changed = Signal(object)
    pulled = Signal(object)
    _from_worker = Signal(object)
    _pulled_from_worker = Signal(object)

    def __init__(self, service: SyncService, hub: ChangeHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.hub = hub
        self.status: Status = service.status()
        self._publishing = False
        self._stopped = False
        # Queued: the worker thread emits, the slots run where this object lives (UI thread).
        self._from_worker.connect(self._on_status, Qt.ConnectionType.QueuedConnection)
        self._pulled_from_worker.connect(self._on_pulled, Qt.ConnectionType.QueuedConnection)
        self._removers = [
            service.add_listener(lambda status: emit(self._from_worker, status)),
            service.add_pull_listener(lambda streams: emit(self._pulled_from_worker, streams)),
        ]
        hub.changed.connect(self._on_local_change)

    def start(self) -> None:
        self.service.start()

    def sync_now(self) -> None:
        self.service.sync_now()

    def stop(self) -> None:
        """Stop listening, then stop the worker; safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        for remove in self._removers:
            remove()
        self.service.stop(STOP_WAIT_SECONDS)

    @Slot(object)
    def _on_status(self, status: Status) -> None:
        if self._stopped:
            return
        self.status = status
        emit(self.status_changed, status)

    @Slot(object)
    def _on_pulled(self, streams: frozenset[str]) -> None:
        if self._stopped:
            return
        self._publishing = True
        try:
            # incidents_list too: a pulled event may be a whole new incident.
            self.hub.publish(Changes(frozenset(streams), incidents_list=True))
        finally:
            self._publishing = False
        emit(self.pulled, streams)

    @Slot(object)
    def _on_local_change(self, _changes: Changes) -> None:
        if not self._publishing and not self._stopped:
            self.service.wake()  # push what was just written, without a back-off cut short


def local_time(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    local = when.astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()
    return local.strftime("%H:%M:%S" if local.date() == today else "%Y-%m-%d %H:%M")


def seconds_until(when: datetime | None) -> int:
    if when is None:
        return 0
    return max(0, round((when - datetime.now(UTC)).total_seconds()))


def _short_reason(status: Status) -> str:
    if status.schema_newer:
        return f"the shared database is newer (schema {status.server_schema})"
    if status.schema_older:
        return f"the shared database needs an upgrade (schema {status.server_schema})"
    first = status.message.split(". ")[0].rstrip(".")
    return first if len(first) <= 60 else first[:59] + "…"


def not_shared(count: int) -> str:
    if count == 0:
        return "all shared"
    return f"{count} change{'s' if count != 1 else ''} not shared"


def describe(status: Status) -> tuple[str, str]:
    """The chip's words and the detail beside it, for a status."""
    state = status.state
    if state is State.LOCAL_ONLY:
        return "Local only", ""
    last = f"last sync {local_time(status.last_good_sync)}"
    if state is State.CONNECTING:
        return "Connecting…", f"{not_shared(status.pending)} · {last}"
    if state is State.ONLINE:
        # An alarm (a hole in the shared log, a row not loaded): short here, whole in the tip.
        first = status.message.split("; ")[0]
        warning = f" · ⚠ {first if len(first) <= 60 else first[:59] + '…'}" if first else ""
        return "Online", f"{not_shared(status.pending)} · {last}{warning}"
    if state is State.SYNCING:
        p = status.progress
        if p is None:
            return "Syncing", not_shared(status.pending)
        verb = "sending" if p.phase == "push" else "receiving"
        return f"Syncing {round(p.fraction * 100)} %", f"{verb} {p.done} of {p.total}"
    if state is State.BUSY:
        # Reachable, just queued behind another desk's write: not "Offline".
        return "Another desk is writing", f"{not_shared(status.pending)} · retrying"
    if state is State.OFFLINE:
        wait = seconds_until(status.next_retry)
        retry = f"retry in {wait} s" if wait else "retrying"
        return "Offline", f"{not_shared(status.pending)} · {retry} · {last}"
    return "Not sharing", f"{_short_reason(status)} · {not_shared(status.pending)}"


def skew_text(status: Status) -> str:
    if not status.skew_warning or status.clock_skew_ms is None:
        return ""
    minutes = abs(status.clock_skew_ms) / 60000
    way = "behind" if status.clock_skew_ms > 0 else "ahead of"
    return (
        f"This computer's clock is {minutes:.0f} min {way} the shared database's. "
        "Times from this desk are corrected, but set the clock right (or ask IT)."
    )


class SyncChip(QWidget):
    """The header's sync state: a coloured chip, what is not shared yet, the last good sync,
    the retry countdown, and a Sync now button. The tooltip says why when something is
    wrong."""

    def __init__(self, bridge: SyncBridge, clock: UiClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncChip")
        self.bridge = bridge
        self.chip = Chip()
        self.chip.setObjectName("syncStateChip")
        self.detail = QLabel()
        self.detail.setObjectName("syncDetail")
        muted(self.detail)
        self.skew = QLabel()
        self.skew.setObjectName("syncSkew")
        self.skew.setStyleSheet("QLabel { color: #b42318; font-weight: bold; }")
        self.sync_now_action = QAction("S&ync now", self)
        self.sync_now_action.setObjectName("syncNowAction")
        self.sync_now_action.setShortcut("Ctrl+Shift+Y")
        self.sync_now_action.setToolTip("Connect to the shared database and sync at once")
        self.sync_now_action.triggered.connect(self.sync_now)
        self.button = QToolButton()
        self.button.setObjectName("syncNowButton")
        self.button.setDefaultAction(self.sync_now_action)
        self.button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.skew)
        layout.addWidget(self.detail)
        layout.addWidget(self.chip)
        layout.addWidget(self.button)
        plain_labels(self)  # a server's error is shown as it came
        self.problem = ""  # set when the shared database setting is unusable
        bridge.status_changed.connect(self.show_status)
        clock.tick.connect(self._tick)
        self.show_status(bridge.status)

    def text(self) -> str:
        """The state in words, like the "Local only" label this widget replaces."""
        return self.chip.text()

    @Slot()
    def sync_now(self) -> None:
        if self.bridge.status.state is State.LOCAL_ONLY:
            return
        self.bridge.sync_now()
        self.detail.setText("syncing now…")

    @Slot(object)
    def _tick(self, _now: object) -> None:
        if self.bridge.status.state is State.OFFLINE:
            self.show_status(self.bridge.status)

    @Slot(object)
    def show_status(self, status: Status) -> None:
        words, detail = describe(status)
        self.chip.set_chip(words, COLOURS[status.state])
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        skew = skew_text(status)
        minutes = abs(status.clock_skew_ms or 0) / 60000
        self.skew.setText(f"Clock {minutes:.0f} min off" if skew else "")
        self.skew.setToolTip(plain_tip(skew))
        self.skew.setVisible(bool(skew))
        usable = status.state not in (State.LOCAL_ONLY, State.INCOMPATIBLE)
        self.sync_now_action.setEnabled(usable)
        self.button.setVisible(status.state is not State.LOCAL_ONLY)
        self.setToolTip(plain_tip(self.tooltip(status)))

    def tooltip(self, status: Status) -> str:
        service = self.bridge.service
        if status.state is State.LOCAL_ONLY:
            return "\n".join(filter(None, [LOCAL_ONLY_TIP, self.problem]))
        target = service.target
        lines = [f"Shared database: {target.display}" if target else ""]
        if status.state is State.INCOMPATIBLE:
            lines.append(status.message)
            if status.next_retry:
                lines.append(f"Checked again at {local_time(status.next_retry)}.")
        elif status.state is State.BUSY:
            lines.append(
                "The shared database is reachable; another desk was writing to it when this "
                "one tried. Retrying in a moment."
            )
        elif status.state is State.OFFLINE:
            lines.append(
                "The shared database cannot be reached; this desk keeps working on its own "
                "log and shares what is pending when it can."
            )
            if status.message:
                lines.append(f"Last error: {status.message}")
        elif status.message:
            lines.append(f"Warning: {status.message}")
        if status.pending:
            lines.append(f"{not_shared(status.pending).capitalize()} with other desks yet.")
        if status.missed:
            lines.append(f"{status.missed} changes from other desks still to fetch.")
        lines.append(f"Last good sync: {local_time(status.last_good_sync)}")
        lines.append(skew_text(status))
        return "\n".join(line for line in lines if line)


class SyncUi(QObject):
    """The sync worker of one window: the bridge, the header chip and the menu entries."""

    def __init__(self, app: App, window: QWidget, hub: ChangeHub, clock: UiClock) -> None:
        super().__init__(window)
        self.app = app
        self.window = window
        self.hub = hub
        self.clock = clock
        self._warned_skew = False
        self.record_banner: QWidget | None = None
        service, problem = build_service(app)
        self.bridge = SyncBridge(service, hub, self)
        self.chip = SyncChip(self.bridge, clock)
        self._adopt(problem)
        self.shared_action = QAction("Shared &database…", self)
        self.shared_action.setObjectName("sharedDatabaseAction")
        self.shared_action.setToolTip("Set up the database this desk shares incidents through")
        self.shared_action.triggered.connect(self.open_dialog)

    def _adopt(self, problem: str) -> None:
        self.chip.problem = problem
        self.bridge.status_changed.connect(self.chip.show_status)
        self.bridge.status_changed.connect(self._on_status)
        if problem:
            self._status_message(f"Not sharing: {problem}")
        self.chip.show_status(self.bridge.status)

    def start(self) -> None:
        self.bridge.start()

    @Slot()
    def stop(self) -> None:
        self.bridge.stop()

    @Slot()
    def restart(self) -> None:
        """After the shared database setting changed: a new worker for the new target."""
        self.bridge.stop()
        self.bridge.deleteLater()
        service, problem = build_service(self.app)
        self.bridge = SyncBridge(service, self.hub, self)
        self.chip.bridge = self.bridge
        self._adopt(problem)
        show = getattr(self.record_banner, "show_status", None)
        if show is not None:
            self.bridge.status_changed.connect(show)
        self.bridge.start()

    @Slot()
    def open_dialog(self) -> QWidget:
        from mimdesk.gui.shared_db_dialog import SharedDatabaseDialog

        dialog = SharedDatabaseDialog(self.app, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.restart)
        dialog.open()
        return dialog

    def _status_message(self, text: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 15000)

    @Slot(object)
    def _on_status(self, status: Status) -> None:
        if status.skew_warning and not self._warned_skew:
            self._status_message(skew_text(status))
        self._warned_skew = status.skew_warning


def install(app: App, window: QWidget, hub: ChangeHub, clock: UiClock) -> SyncUi:
    """Put the sync chip in the window's header, the entries in its Tools menu, and start the
    worker (at once: it connects on its own thread)."""
    ui = SyncUi(app, window, hub, clock)
    header = getattr(window, "header", None)
    if header is not None:
        header.set_connectivity_widget(ui.chip)
        from mimdesk.gui.record_alarm import RecordAlarmBanner

        ui.record_banner = RecordAlarmBanner(app.ctx, ui.bridge.status.record_alarms)
        add_banner = getattr(window, "add_banner", header.add_row)
        add_banner(ui.record_banner)  # over the work area: showing it moves nothing
        ui.bridge.status_changed.connect(ui.record_banner.show_status)
    tools = getattr(window, "tools_menu", None)
    if tools is not None:
        tools.addAction(ui.chip.sync_now_action)
        tools.addAction(ui.shared_action)
    closed = getattr(window, "closed", None)
    if closed is not None:
        # The window closes before the database does: stop the worker first.
        closed.connect(ui.stop)
    ui.start()
    return ui
