"""Key times are checked against each other; a contradiction is named in words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from evfactory import T0

from mimdesk.domain import keytimes
from mimdesk.domain.keytimes import KEY_TIMES, ORDER_RULES

H = timedelta(hours=1)


def empty() -> dict:
    return dict.fromkeys(KEY_TIMES)


def consistent() -> dict:
    return {
        "impact_started_at": T0,
        "detected_at": T0 + 0.25 * H,
        "reported_at": T0 + 0.5 * H,
        "declared_at": T0 + H,
        "mitigated_at": T0 + 2 * H,
        "impact_ended_at": T0 + 2.5 * H,
        "resolved_at": T0 + 3 * H,
    }


def test_a_consistent_set_has_no_violations():
    assert keytimes.violations(consistent()) == []
    assert keytimes.violations(empty()) == []


def test_equal_times_are_allowed():
    assert keytimes.violations(dict.fromkeys(KEY_TIMES, T0)) == []


@pytest.mark.parametrize(("earlier", "later"), ORDER_RULES)
def test_each_order_rule_is_enforced_and_named(earlier, later):
    times = empty() | {earlier: T0 + H, later: T0}
    problems = keytimes.violations(times)
    assert len(problems) == 1
    assert keytimes.label(earlier).capitalize() in problems[0]
    assert keytimes.label(later) in problems[0]
    assert "10:00 UTC" in problems[0]
    assert "09:00 UTC" in problems[0]


def test_rules_skip_times_not_set():
    times = empty() | {"impact_started_at": T0 + H, "detected_at": None, "resolved_at": T0}
    assert len(keytimes.violations(times)) == 1


def test_impact_started_after_resolved_is_refused():
    times = consistent()
    problems = keytimes.check_change(times, "impact_started_at", T0 + 4 * H)
    # After every other time: each rule with impact started on the left is broken.
    assert len(problems) == sum(1 for a, _ in ORDER_RULES if a == "impact_started_at")
    assert any("resolved" in p for p in problems)


def test_resolved_before_mitigated_is_refused():
    problems = keytimes.check_change(consistent(), "resolved_at", T0 + 1.5 * H)
    assert problems == [
        "Mitigated (2026-11-28 11:00 UTC) cannot be after resolved (2026-11-28 10:30 UTC)"
    ]


def test_declared_before_reported_is_refused():
    assert keytimes.check_change(consistent(), "declared_at", T0 + 0.4 * H)


def test_a_change_that_keeps_the_order_is_accepted():
    assert keytimes.check_change(consistent(), "mitigated_at", T0 + 2.5 * H) == []


def test_clearing_a_time_is_always_accepted():
    for name in KEY_TIMES:
        assert keytimes.check_change(consistent(), name, None) == []


def test_check_change_reports_only_new_problems():
    broken = consistent() | {"detected_at": T0 + 5 * H}  # already after mitigated, resolved
    assert len(keytimes.violations(broken)) == 2
    assert keytimes.check_change(broken, "declared_at", T0 + 1.1 * H) == []
    assert len(keytimes.check_change(broken, "reported_at", T0 - H)) == 1


def test_check_change_refuses_an_unknown_name():
    with pytest.raises(KeyError):
        keytimes.check_change(consistent(), "lunch_at", T0)


def test_two_times_that_share_a_minute_show_their_seconds():
    from datetime import UTC

    a, b = T0 + timedelta(minutes=14, seconds=40), T0 + timedelta(minutes=14, seconds=5)
    assert keytimes.two_times(a, b, UTC) == ("2026-11-28 09:14:40 UTC", "2026-11-28 09:14:05 UTC")
    apart = keytimes.two_times(T0, T0 + H, UTC)
    assert apart == ("2026-11-28 09:00 UTC", "2026-11-28 10:00 UTC")
    same_second = keytimes.two_times(T0 + timedelta(milliseconds=250), T0, UTC)
    assert same_second == ("2026-11-28 09:00:00.250 UTC", "2026-11-28 09:00:00.000 UTC")
    times = {**empty(), "mitigated_at": T0 + timedelta(seconds=30), "resolved_at": T0}
    assert keytimes.violations(times) == [
        "Mitigated (2026-11-28 09:00:30 UTC) cannot be after resolved (2026-11-28 09:00:00 UTC)"
    ]


def test_times_are_shown_in_the_zone_asked_for():
    from zoneinfo import ZoneInfo

    times = {**empty(), "impact_started_at": T0 + H, "detected_at": T0}
    (problem,) = keytimes.violations(times, ZoneInfo("Europe/Paris"))
    assert problem == (
        "Impact started (2026-11-28 11:00 CET) cannot be after detected (2026-11-28 10:00 CET)"
    )


@pytest.mark.parametrize(
    ("status", "needed"),
    [
        ("candidate", {"reported_at"}),
        ("rejected", {"reported_at"}),
        ("declared", {"reported_at", "declared_at"}),
        ("identified", {"reported_at", "declared_at"}),
        ("mitigated", {"reported_at", "declared_at", "mitigated_at"}),
        ("resolved", {"reported_at", "declared_at", "mitigated_at", "resolved_at"}),
        ("closed", {"reported_at", "declared_at", "mitigated_at", "resolved_at"}),
    ],
)
def test_the_times_a_status_needs_cannot_be_cleared(status, needed):
    from mimdesk.domain.lifecycle import Status

    times = consistent()
    for name in KEY_TIMES:
        refused = keytimes.check_change(times, name, None, status=Status(status))
        assert bool(refused) == (name in needed), name
    # A time that is not set is not cleared by clearing it.
    assert keytimes.check_change(empty(), "declared_at", None, status=Status(status)) == []
