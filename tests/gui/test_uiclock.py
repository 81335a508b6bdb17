"""The UI clock: one timer, every display ticks from it, time comes from the fake clock."""

from __future__ import annotations

from mimdesk.gui.uiclock import UiClock
from mimdesk.usecases import incidents
from tests.gui.conftest import clock_text
from tests.support.decided import declare


def test_the_clock_ticks_with_the_time_it_is_given(qtbot, clock):
    ui_clock = UiClock(clock)
    with qtbot.waitSignal(ui_clock.tick, timeout=100) as blocker:
        ui_clock.start()
    assert blocker.args == [clock.now]
    clock.advance(seconds=1)
    with qtbot.waitSignal(ui_clock.tick, timeout=3000) as blocker:
        pass
    assert blocker.args == [clock.now]
    ui_clock.stop()
    assert not ui_clock.running


def test_header_clocks_follow_the_ui_clock(qtbot, opened, app, clock):
    window = opened.window
    assert clock_text(window, "reported") == "00:00:00"
    assert clock_text(window, "declared") == "--:--:--"
    clock.advance(minutes=5, seconds=7)
    with qtbot.waitSignal(opened.clock.tick, timeout=3000):
        pass
    assert clock_text(window, "reported") == "00:05:07"
    declare(app.ctx, window.current.reference)
    window.refresh()
    clock.advance(days=1, hours=1)
    with qtbot.waitSignal(opened.clock.tick, timeout=3000):
        pass
    assert clock_text(window, "reported") == "1d 01:05:07"
    assert clock_text(window, "declared") == "1d 01:00:00"
    # Resolved: the clocks stop at the resolution time.
    incidents.change_status(app.ctx, reference=window.current.reference, to="resolved")
    window.refresh()
    clock.advance(hours=3)
    with qtbot.waitSignal(opened.clock.tick, timeout=3000):
        pass
    assert clock_text(window, "declared") == "1d 01:00:00"


def test_one_timer_drives_every_display(opened):
    from PySide6.QtCore import QTimer

    timers = [t for t in opened.window.findChildren(QTimer) if t.isActive()]
    assert timers == [], "displays must not run timers of their own"
    assert opened.clock.running
