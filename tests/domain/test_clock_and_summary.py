"""Clock arithmetic, how times are shown, and the summary the incident list reads."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from evfactory import T0, Stream

from mimdesk.domain.clock import elapsed, format_duration, format_local
from mimdesk.domain.folding import fold
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.summary import search_text, summarise

H = timedelta(hours=1)


def test_elapsed_runs_until_now_then_stops_at_the_end():
    assert elapsed(None, T0) is None
    assert elapsed(T0, T0 + H) == H
    assert elapsed(T0, T0 + 5 * H, end=T0 + 2 * H) == 2 * H
    # A start in the future (a clock skew between desks) never shows a negative clock.
    assert elapsed(T0 + H, T0) == timedelta(0)


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (None, "--:--:--"),
        (timedelta(0), "00:00:00"),
        (timedelta(seconds=59.9), "00:00:59"),
        (timedelta(hours=1, minutes=2, seconds=3), "01:02:03"),
        (timedelta(days=1, hours=2, minutes=3, seconds=4), "1d 02:03:04"),
        (-timedelta(minutes=5), "-00:05:00"),
        (-timedelta(days=2, seconds=1), "-2d 00:00:01"),
    ],
)
def test_format_duration(span, text):
    assert format_duration(span) == text


def test_format_local_names_the_zone():
    paris = ZoneInfo("Europe/Paris")
    assert format_local(T0, paris) == "2026-11-28 10:00 CET"
    assert format_local(T0, UTC, date=False) == "09:00 UTC"
    assert format_local(None) == "—"


def test_summary_reflects_the_state():
    s = Stream()
    s.reported("VPN down", severity="P2", services=["VPN"])
    d = s.status("declared")
    s.assign("mim", "Ann Lee")
    s.assign("tech_lead", "Bo Chan")
    s.field("external_ref", "INC0042")
    state = fold(s.events)
    summary = summarise(state)
    assert summary.reference == state.reference
    assert (summary.title, summary.severity, summary.mim) == ("VPN down", "P2", "Ann Lee")
    assert summary.status is Status.DECLARED
    assert summary.declared_at == d.occurred_at
    assert summary.event_count == 5
    assert summary.is_active and summary.is_major and not summary.is_candidate
    assert summarise(state, "MI-OTHER1").reference == "MI-OTHER1"
    text = search_text(state)
    for word in ("vpn down", "inc0042", "ann lee", "bo chan", state.reference.casefold()):
        assert word in text
    assert text == text.casefold()
