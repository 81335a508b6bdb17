"""The header's timer row: the incident clocks against their targets, and one countdown per
audience to the next update due, with snooze, cadence and "update sent" at hand.

Everything shown is computed by the pure timer functions from the stored events and the one
UI clock's ``now``; no widget here keeps a timer of its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain.cadence import IncidentClock, Level, UpdateTimer
from mimdesk.domain.clock import format_duration, format_local, minute_up
from mimdesk.domain.next_step import initial_notification_due, initial_notification_level
from mimdesk.domain.vocabulary import HAND_CHANNELS
from mimdesk.gui import theme
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.flow_layout import FlowLayout
from mimdesk.gui.operations import Operations
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import muted, plain_labels, plain_tip
from mimdesk.usecases import timers as timers_uc
from mimdesk.usecases.incidents import IncidentView

SNOOZE_MINUTES = (5, 10, 15)
RED = "#b42318"

# Colours per level: background, text. OK and paused follow the palette.
LEVEL_COLOURS = {
    Level.AMBER: (theme.WARNING_BACKGROUND, theme.WARNING_TEXT),
    Level.RED: (RED, "#ffffff"),
}


def level_style(level: Level) -> str:
    colours = LEVEL_COLOURS.get(level)
    if colours is None:
        return ""
    background, text = colours
    return (
        f"QToolButton, QLabel {{ background: {background}; color: {text}; font-weight: bold;"
        " border-radius: 0.3em; padding: 0.1em 0.5em; }"
    )


def bar_style(level: Level) -> str:
    colour = LEVEL_COLOURS.get(level, ("#15803d", ""))[0]
    return (
        "QProgressBar { border: none; background: rgba(127, 127, 127, 60); border-radius: 2px; }"
        f" QProgressBar::chunk {{ background: {colour}; border-radius: 2px; }}"
    )


def countdown_text(label: str, timer: UpdateTimer) -> str:
    if timer.remaining is None:
        return f"{label}: paused"
    if timer.remaining.total_seconds() <= 0:
        return f"{label}: overdue {format_duration(-timer.remaining)}"
    return f"{label}: {format_duration(timer.remaining)}"


# What each clock's target is for, in the words of the timer policy's targets.
TARGET_WORDS = {"reported": "resolve within", "declared": "restore within"}


def target_text(clock: IncidentClock) -> str:
    """ " · restore within 4 h": what the target is for, not a bare "target"."""
    if clock.target is None:
        return ""
    words = TARGET_WORDS.get(clock.name, "target")
    return f" · {words} {_minutes(clock.target.total_seconds() / 60)}"


def initial_text(remaining: timedelta) -> str:
    if remaining.total_seconds() <= 0:
        return f"Initial notification: overdue {format_duration(-remaining)}"
    return f"Initial notification: {format_duration(remaining)}"


def _minutes(span_minutes: float) -> str:
    hours, minutes = divmod(int(span_minutes), 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


class ClockGauge(QWidget):
    """One incident clock: elapsed time, and a bar filling towards its target."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"clock_{name}")
        self.caption = QLabel()
        muted(self.caption)
        self.value = QLabel(format_duration(None))
        self.value.setObjectName(f"clockValue_{name}")
        # Digits of one width, so a ticking clock does not make its neighbours jump.
        digits = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        digits.setPointSizeF(self.font().pointSizeF())
        self.value.setFont(digits)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(max(4, self.fontMetrics().height() // 4))
        self.level = Level.PAUSED
        self.bar.setStyleSheet(bar_style(Level.OK))
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.caption)
        line.addWidget(self.value)
        line.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.bar)
        plain_labels(self)  # the site's clock names

    def show_clock(self, clock: IncidentClock) -> None:
        self.caption.setText(clock.label)
        stopped = " (stopped)" if clock.stopped else ""
        self.value.setText(format_duration(clock.elapsed) + stopped + target_text(clock))
        progress = clock.progress
        self.bar.setVisible(progress is not None)
        if progress is not None:
            self.bar.setValue(min(1000, round(progress * 1000)))
        if clock.level is not self.level:
            # Style sheets re-polish the widget: only when the level changes, not every second.
            self.level = clock.level
            self.value.setStyleSheet(level_style(clock.level))
            self.bar.setStyleSheet(bar_style(clock.level))
            if clock.target is not None:
                words = TARGET_WORDS.get(clock.name, "target").capitalize()
                self.setToolTip(
                    f"{words} {_minutes(clock.target.total_seconds() / 60)}, counted from the"
                    " report. Amber from 80 % of it, red once past it."
                )


class Countdown(QToolButton):
    """The next update due to one audience. Its menu records an update, snoozes, or changes
    the interval; each of those is an event on the incident."""

    def __init__(self, audience: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.audience = audience
        self.label = label
        self.level = Level.PAUSED
        self.setObjectName(f"countdown_{audience}")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setAutoRaise(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        menu = QMenu(self)
        self.sent_action = QAction("Update &sent…", self)
        menu.addAction(self.sent_action)
        self.snooze_actions: dict[int, QAction] = {}
        snooze_menu = menu.addMenu("S&nooze")
        for minutes in SNOOZE_MINUTES:
            action = QAction(f"{minutes} minutes", self)
            snooze_menu.addAction(action)
            self.snooze_actions[minutes] = action
        self.cadence_action = QAction("Change the &interval…", self)
        menu.addAction(self.cadence_action)
        self.setMenu(menu)

    def show_timer(self, timer: UpdateTimer) -> None:
        self.setText(countdown_text(self.label, timer))
        if timer.level is not self.level:
            self.level = timer.level
            self.setStyleSheet(level_style(timer.level))
            tip = f"Updates to {self.label} every {_minutes(timer.interval.total_seconds() / 60)}."
            if timer.due_at is not None:
                tip += f"\nNext due {format_local(minute_up(timer.due_at))}."
            if timer.snoozed_until is not None:
                tip += f"\nSnoozed until {format_local(timer.snoozed_until)}."
            self.setToolTip(
                plain_tip(tip + "\nClick to record an update, snooze, or change the interval.")
            )


class CountdownRow(QWidget):
    """Clocks and countdowns of the open incident, under the header's title."""

    def __init__(
        self,
        current: CurrentIncident,
        clock: UiClock,
        ops: Operations,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("countdownRow")
        self._ops = ops
        self._settings = settings
        self._clock = clock
        self._view: IncidentView | None = None
        self.gauges: dict[str, ClockGauge] = {}
        self.countdowns: dict[str, Countdown] = {}

        self._clocks_layout = QHBoxLayout()
        self._clocks_layout.setContentsMargins(0, 0, 0, 0)
        # Wraps onto a second line rather than widen the window: six audiences do not fit
        # one line of a laptop screen at 200 %.
        self._countdown_layout = FlowLayout()
        self.caption = QLabel("Next update:")
        muted(self.caption)
        # The first message after declaring has its own target (timers.first_notification_
        # minutes), shorter than any cadence: its own countdown, first in the row.
        self.initial = QLabel()
        self.initial.setObjectName("initialNotificationCountdown")
        self.initial.hide()
        self.initial_level = Level.PAUSED
        self.paused_label = QLabel("Update timers start when the incident is declared.")
        self.paused_label.setObjectName("timersPaused")
        muted(self.paused_label)
        self._countdown_layout.addWidget(self.caption)
        self._countdown_layout.addWidget(self.initial)
        self._countdown_layout.addWidget(self.paused_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._clocks_layout)
        layout.addLayout(self._countdown_layout)
        plain_labels(self)

        current.loaded.connect(self.show_incident)
        clock.tick.connect(self.update_timers)
        self.show_incident(current.view)

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        self._view = view
        self.setVisible(view is not None)
        if view is not None:
            self.update_timers(self._clock.now())

    @Slot(object)
    def update_timers(self, now: datetime) -> None:
        view = self._view
        if view is None:
            return
        for clock in timers_uc.clocks(view, self._settings, now):
            gauge = self.gauges.get(clock.name)
            if gauge is None:
                gauge = self.gauges[clock.name] = ClockGauge(clock.name)
                self._clocks_layout.addWidget(gauge, 1)
            gauge.show_clock(clock)
        self._show_initial(view, now)
        timers = timers_uc.timers(view, self._settings, now)
        running = [t for t in timers if t.level is not Level.PAUSED]
        wanted = {t.audience for t in running}
        for audience in list(self.countdowns):
            if audience not in wanted:
                self.countdowns.pop(audience).deleteLater()
        for timer in running:
            countdown = self.countdowns.get(timer.audience)
            if countdown is None:
                countdown = self._add_countdown(timer.audience)
            countdown.show_timer(timer)
        self.paused_label.setVisible(not running)
        if not running:
            declared = view.state.key_times["declared_at"] is not None
            if not declared:
                text = "Update timers start when the incident is declared."
            elif timers:
                text = "Update timers are paused: the incident is mitigated or over."
            else:
                text = "No update cadence for this severity: set an interval per audience."
            self.paused_label.setText(text)

    def _show_initial(self, view: IncidentView, now: datetime) -> None:
        policy = self._settings.timers
        due = initial_notification_due(view.state, policy)
        self.initial.setVisible(due is not None)
        if due is None:
            return
        self.initial.setText(initial_text(due - now))
        level = initial_notification_level(due, policy, now)
        if level is not self.initial_level:
            self.initial_level = level
            self.initial.setStyleSheet(level_style(level))
            self.initial.setToolTip(
                f"The initial notification is due within "
                f"{_minutes(policy.first_notification_minutes)} of declaring, by "
                f"{format_local(due)}. It stops once a message has gone out."
            )

    def _add_countdown(self, audience: str) -> Countdown:
        countdown = Countdown(audience, self._settings.timers.audience_label(audience))
        countdown.sent_action.triggered.connect(lambda: self.record_sent(audience))
        for minutes, action in countdown.snooze_actions.items():
            action.triggered.connect(lambda _=False, m=minutes: self.snooze(audience, m))
        countdown.cadence_action.triggered.connect(lambda: self.change_cadence(audience))
        # In the policy's audience order.
        order = [a.id for a in self._settings.timers.audiences]
        rank = order.index(audience) if audience in order else len(order)
        before = sum(
            1 for a in self.countdowns if (order.index(a) if a in order else len(order)) <= rank
        )
        # After the caption, the initial notification and the paused label.
        self._countdown_layout.insertWidget(3 + before, countdown)
        self.countdowns[audience] = countdown
        return countdown

    # ---- the countdown's actions --------------------------------------------------------------

    def _reference(self) -> str | None:
        return self._view.reference if self._view else None

    def snooze(self, audience: str, minutes: int) -> None:
        reference, settings = self._reference(), self._settings
        if reference is None:
            return
        self._ops.mutate(
            lambda ctx: timers_uc.snooze(
                ctx, reference=reference, settings=settings, audience=audience, minutes=minutes
            ),
            parent=self,
            title="Not snoozed",
        )

    def change_cadence(self, audience: str) -> QInputDialog | None:
        view, settings = self._view, self._settings
        if view is None:
            return None
        reference = view.reference
        label = settings.timers.audience_label(audience)
        timer = self.countdowns.get(audience)
        current = next(
            (
                int(t.interval.total_seconds() // 60)
                for t in timers_uc.timers(view, settings, self._clock.now())
                if t.audience == audience
            ),
            30,
        )
        dialog = QInputDialog(timer or self)
        dialog.setObjectName("cadenceDialog")
        dialog.setWindowTitle(f"Update interval: {label}")
        dialog.setLabelText(
            f"Minutes between updates to {label} on {reference} (0 switches this timer off):"
        )
        plain_labels(dialog)
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setIntRange(0, 24 * 60)
        dialog.setIntValue(current)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.intValueSelected.connect(
            lambda minutes: self._ops.mutate(
                lambda ctx: timers_uc.set_cadence(
                    ctx, reference=reference, settings=settings, audience=audience, minutes=minutes
                ),
                parent=self,
                title="Interval not changed",
            )
        )
        dialog.open()
        return dialog

    def record_sent(self, audience: str) -> QInputDialog | None:
        """Record an update sent by other means (a call, an e-mail from elsewhere)."""
        return record_update_dialog(self._ops, self._settings, self._view, audience, self)


def record_update_dialog(
    ops: Operations,
    settings: Settings,
    view: IncidentView | None,
    audience: str,
    parent: QWidget,
) -> QInputDialog | None:
    """Ask how an update went out, then record it; it restarts that audience's countdown."""
    if view is None:
        return None
    reference = view.reference
    label = settings.timers.audience_label(audience)
    dialog = QInputDialog(parent)
    dialog.setObjectName("updateSentDialog")
    dialog.setWindowTitle(f"Update sent: {label}")
    dialog.setLabelText(f"How did the update to {label} on {reference} go out?")
    plain_labels(dialog)
    # Labels: the use case reads a label as its term's id, as it reads what is typed.
    dialog.setComboBoxItems([term.label for term in HAND_CHANNELS.terms])
    dialog.setOkButtonText("Record")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.textValueSelected.connect(
        lambda channel: ops.mutate(
            lambda ctx: timers_uc.record_update(
                ctx, reference=reference, settings=settings, audience=audience, channel=channel
            ),
            parent=parent,
            title="Update not recorded",
        )
    )
    dialog.open()
    return dialog
