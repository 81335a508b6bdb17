"""Reminders that reach the user with the window in the background: an update falling due on
any active incident, and a declared incident with nobody steering it.

Each reminder is a tray notification (an in-window banner where the system has no tray), a
taskbar alert, and a beep when the settings ask for sound. They repeat every few minutes while
the update is overdue or the MIM missing. The decision is the pure ``should_remind``; this
module keeps only when it last reminded, driven by the one UI clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSystemTrayIcon,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain.cadence import mim_missing, should_remind
from mimdesk.errors import MimDeskError
from mimdesk.gui import theme
from mimdesk.gui.app_icon import app_icon
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.countdowns import CountdownRow
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.signals import emit
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import plain_label
from mimdesk.usecases import incidents
from mimdesk.usecases import timers as timers_uc
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView

if TYPE_CHECKING:
    from mimdesk.gui.mainwindow import MainWindow

MIM_KEY = "__mim__"


@dataclass(frozen=True, slots=True)
class Alert:
    stream_id: str
    reference: str
    kind: str  # an audience id, or MIM_KEY
    text: str


class AlertBanner(QFrame):
    """The in-window reminder, for systems without a tray."""

    def __init__(self, open_incident: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertBanner")
        self.setStyleSheet(
            f"QFrame#alertBanner {{ background: {theme.WARNING_BACKGROUND};"
            " border-radius: 0.3em; }"
            f" QFrame#alertBanner QLabel {{ color: {theme.WARNING_TEXT}; font-weight: bold; }}"
        )
        self._open_incident = open_incident
        self._stream_id = ""
        self.alerts: list[Alert] = []
        self.label = plain_label()  # it names incidents by their titles
        self.label.setObjectName("alertText")
        self.label.setWordWrap(True)
        # No access keys: the banner floats over every tab, whose buttons have the letters.
        self.open_button = QPushButton("Open incident")
        self.dismiss_button = QPushButton("Dismiss")
        self.open_button.clicked.connect(self._open)
        self.dismiss_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def show_alerts(self, alerts: list[Alert]) -> None:
        self.alerts = list(alerts)
        self._stream_id = alerts[0].stream_id
        self.label.setText("\n".join(a.text for a in alerts))
        self.show()

    def keep(self, still: Callable[[Alert], bool]) -> None:
        """Keep only the reminders that ``still`` holds: one whose update was recorded (or
        whose MIM was named) goes at once, and the banner with the last one."""
        if not self.isVisible():
            return
        kept = [a for a in self.alerts if still(a)]
        if len(kept) == len(self.alerts):
            return
        if kept:
            self.show_alerts(kept)
        else:
            self.alerts = []
            self.hide()

    def _open(self) -> None:
        self.hide()
        if self._stream_id:
            self._open_incident(self._stream_id)


class UpdateAlerts(QObject):
    """Watches every active incident, not only the open one.

    Signals:
        alerted(list[Alert]): reminders were raised (at most one batch per tick).
    """

    alerted = Signal(object)

    def __init__(
        self,
        window: QWidget,
        ctx: Context,
        hub: ChangeHub,
        clock: UiClock,
        settings: Settings,
        banner: AlertBanner,
        parent: QObject | None = None,
        *,
        current: CurrentIncident | None = None,
    ) -> None:
        super().__init__(parent or window)
        self._window = window
        self._ctx = ctx
        self._clock = clock
        self._current = current
        self._ahead: dict[str, IncidentView] = {}  # read ahead, waiting for their broadcast
        self._settings = settings
        self.banner = banner
        self._views: dict[str, IncidentView] = {}
        # (stream id, audience id or MIM_KEY) -> when this desk last reminded about it.
        self._reminded: dict[tuple[str, str], datetime] = {}
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip("MIM Desk")
            self.tray.show()
        self.reload()
        hub.read_ahead(self._read_ahead)
        hub.changed.connect(self._on_changed)
        if current is not None:
            current.loaded.connect(self._take)
        clock.tick.connect(self.check)

    @property
    def watched(self) -> list[str]:
        return list(self._views)

    def reload(self) -> None:
        """Re-read which incidents are active; views already held stay (they are current)."""
        try:
            active = incidents.list_incidents(self._ctx, "active")
        except MimDeskError:
            return  # a locked database: keep the incidents known; the next change retries
        views = {}
        shown = self._current.view if self._current is not None else None
        for summary in active:
            held = self._views.get(summary.stream_id)
            if held is None and shown is not None and shown.state.stream_id == summary.stream_id:
                held = shown  # the open incident, read already
            if held is None:
                held = self._read(summary.stream_id, summary.reference)
            if held is not None:
                views[summary.stream_id] = held
        self._views = views

    def _read(self, stream_id: str, reference: str | None = None) -> IncidentView | None:
        try:
            return incidents.view(self._ctx, stream_id, reference)
        except MimDeskError:
            return None

    def _others(self, changes: Changes) -> list[tuple[str, str]]:
        """The watched incidents ``changes`` touch, with their references, but the open one:
        that one is read anyway, and comes from :class:`CurrentIncident` (see _take)."""
        views = dict(self._views)  # the UI thread may replace it meanwhile
        skip = self._current.stream_id if self._current is not None else None
        return [(s, views[s].reference) for s in changes.streams & views.keys() if s != skip]

    def _read_ahead(self, changes: Changes) -> Callable[[], None] | None:
        """Off the UI thread: read the watched incidents ``changes`` touch."""
        fresh = {s: v for s, ref in self._others(changes) if (v := self._read(s, ref))}
        if not fresh:
            return None

        def hand_over() -> None:
            self._ahead.update(fresh)

        return hand_over

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        ahead, self._ahead = self._ahead, {}
        for stream_id, reference in self._others(changes):
            fresh = ahead.get(stream_id) or self._read(stream_id, reference)
            if fresh is not None:
                self._take(fresh)
        if changes.incidents_list:
            self.reload()
            self.clear_answered(self._clock.now())

    @Slot(object)
    def _take(self, view: IncidentView | None) -> None:
        """A fresh view of a watched incident: the open one, or one read ahead."""
        if view is None or view.state.stream_id not in self._views:
            return
        held = self._views[view.state.stream_id]
        # The log only grows: never trade a view for one of fewer events (an older read).
        if len(view.events) >= len(held.events):
            self._views[view.state.stream_id] = view
            self.clear_answered(self._clock.now())

    def still_due(self, alert: Alert, now: datetime) -> bool:
        """Whether what ``alert`` reminds of still holds: the update overdue, the MIM missing."""
        view = self._views.get(alert.stream_id)
        if view is None:
            return False  # no longer active
        if alert.kind == MIM_KEY:
            return mim_missing(view.state)
        return any(
            t.audience == alert.kind and t.overdue
            for t in timers_uc.timers(view, self._settings, now)
        )

    def clear_answered(self, now: datetime) -> None:
        """Take off the banner the reminders answered since it was shown."""
        self.banner.keep(lambda alert: self.still_due(alert, now))

    @Slot(object)
    def check(self, now: datetime) -> list[Alert]:
        policy = self._settings.timers
        every = timedelta(minutes=max(1, policy.remind_every_minutes))
        mim_every = timedelta(minutes=max(1, policy.mim_reminder_minutes))
        self.clear_answered(now)
        raised: list[Alert] = []
        for stream_id, view in self._views.items():
            ref = view.reference
            for timer in timers_uc.timers(view, self._settings, now):
                key = (stream_id, timer.audience)
                if should_remind(timer, self._reminded.get(key), now, every):
                    self._reminded[key] = now
                    label = policy.audience_label(timer.audience)
                    raised.append(
                        Alert(stream_id, ref, timer.audience, f"{ref}: update to {label} is due.")
                    )
            key = (stream_id, MIM_KEY)
            if mim_missing(view.state):
                last = self._reminded.get(key)
                if last is None or now - last >= mim_every:
                    self._reminded[key] = now
                    raised.append(
                        Alert(
                            stream_id,
                            ref,
                            MIM_KEY,
                            f"{ref} has no Major Incident Manager: name one on the Roles tab.",
                        )
                    )
            else:
                self._reminded.pop(key, None)
        if raised:
            self.notify(raised)
        return raised

    def notify(self, alerts: list[Alert]) -> None:
        title = "MIM Desk: update due" if alerts[0].kind != MIM_KEY else "MIM Desk: no MIM"
        text = "\n".join(a.text for a in alerts)
        if self.tray is not None:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 15_000)
        else:
            self.banner.show_alerts(alerts)
        QApplication.alert(self._window)
        if self._settings.sound:
            QApplication.beep()
        emit(self.alerted, alerts)


def install(window: MainWindow) -> tuple[CountdownRow, UpdateAlerts]:
    """The countdown row and the reminder banner in the header, and the reminders."""
    settings = window.app.settings
    row = CountdownRow(window.current, window.clock, window.ops, settings)
    window.header.add_row(row)
    banner = AlertBanner(window.open_incident)
    window.add_banner(banner)  # over the work area: showing it moves nothing
    alerts = UpdateAlerts(
        window,
        window.app.ctx,
        window.hub,
        window.clock,
        settings,
        banner,
        current=window.current,
    )
    return row, alerts
