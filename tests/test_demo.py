"""The demo data: it loads through the use cases into a fresh database and tells a full story."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mimdesk import demo
from mimdesk.domain import keytimes
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.vocabulary import NOTE_KINDS
from mimdesk.usecases import incidents


def load(app):
    return demo.load(app.ctx, settings=app.settings)


def by_status(ctx, refs):
    views = [incidents.get(ctx, ref) for ref in refs]
    return {v.state.status: v for v in views}


def test_loads_one_resolved_one_active_one_rejected(app, ctx):
    refs = load(app)
    assert len(refs) == 3
    listed = {s.reference: s.status for s in incidents.list_incidents(ctx, "all")}
    assert set(listed) == set(refs)
    assert sorted(listed.values()) == sorted([Status.RESOLVED, Status.IDENTIFIED, Status.REJECTED])
    assert len(incidents.list_incidents(ctx, "active")) == 1
    assert len(by_status(ctx, refs)[Status.RESOLVED].timeline) >= 100


def test_progress_counts_every_step(app, ctx):
    seen: list[tuple[int, int]] = []
    demo.load(ctx, lambda done, total: seen.append((done, total)), settings=app.settings)
    total = seen[0][1]
    assert [done for done, _ in seen] == list(range(1, total + 1))
    assert {t for _, t in seen} == {total}


def test_resolved_incident_tells_the_whole_story(app, ctx, clock):
    resolved = by_status(ctx, load(app))[Status.RESOLVED]
    state, timeline = resolved.state, resolved.timeline
    assert not state.conflicts
    assert all(state.key_times.values()), state.key_times
    assert keytimes.violations(state.key_times) == []
    # About six hours, across a local midnight so that the timeline shows two dates.
    span = state.key_times["resolved_at"] - state.key_times["impact_started_at"]
    assert timedelta(hours=5) < span < timedelta(hours=8)
    dates = {t.occurred_at.astimezone().date() for t in timeline}
    assert len(dates) == 2
    assert all(t.occurred_at <= clock.now for t in timeline)
    assert len({t.author.name for t in timeline}) >= 8
    assert {t.kind for t in timeline if t.is_note} == set(NOTE_KINDS)
    assert any(t.backdated for t in timeline)
    assert {r.id for r in app.settings.roles} <= set(state.roles)
    mims = [c.person for c in state.role_history if c.role == "mim" and c.assigned]
    assert len(mims) == 2 and mims[0] != mims[1]
    handovers = [c for c in state.role_history if c.role == "mim" and c.handed_over_from]
    assert [(c.handed_over_from, c.person) for c in handovers] == [(mims[0], mims[1])]
    corrected = [t for t in timeline if t.is_note and t.corrected_by and not t.retracted]
    withdrawn = [t for t in timeline if t.is_note and t.retracted]
    assert len(corrected) == 1 and corrected[0].original_text
    assert len(withdrawn) == 1
    assert state.decision is not None and state.decision.decision == "declare"
    assert state.assessment is not None


def test_active_incident_started_forty_minutes_ago(app, ctx, clock):
    active = by_status(ctx, load(app))[Status.IDENTIFIED]
    state = active.state
    assert state.key_times["reported_at"] == clock.now - timedelta(minutes=40)
    assert state.key_times["declared_at"] < clock.now
    assert state.holder("mim")
    assert 15 <= len(active.timeline) <= 40
    assert all(t.occurred_at <= clock.now for t in active.timeline)
    assert not state.conflicts


def test_rejected_candidate_says_why(app, ctx):
    rejected = by_status(ctx, load(app))[Status.REJECTED]
    decision = rejected.state.decision
    assert decision is not None and decision.decision == "reject"
    assert "floor" in decision.rationale


def test_the_callers_context_is_left_alone(app, ctx):
    before = replace(ctx)
    load(app)
    assert ctx.author == before.author
    assert ctx.now is before.now


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 28, 0, 5, tzinfo=UTC),
        datetime(2026, 11, 28, 4, 20, tzinfo=UTC),
        datetime(2026, 11, 28, 23, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # the night clocks go forward in Europe
    ],
)
def test_any_time_of_day_gives_a_past_night(app, ctx, clock, now):
    clock.now = now
    views = by_status(ctx, load(app))
    resolved = views[Status.RESOLVED]
    assert resolved.state.key_times["resolved_at"] <= now - demo.QUIET_AFTER
    assert len({t.occurred_at.astimezone().date() for t in resolved.timeline}) == 2
    for view in views.values():
        assert not view.state.conflicts
        assert all(t.occurred_at <= now and t.recorded_at <= now for t in view.timeline)


def test_loads_twice(app, ctx):
    first, second = load(app), load(app)
    assert not set(first) & set(second)
    assert len(incidents.list_incidents(ctx, "all")) == 6


def test_script_uses_only_people_it_names():
    script = demo.read_script()
    people = set(script["people"])
    for plan in script["incidents"]:
        for step in plan["steps"]:
            assert step["by"] in people
            for key in ("person", "mim"):
                if key in step:
                    assert step[key] in people


@pytest.mark.slow
def test_cli_demo_then_list(tmp_path):
    env = {
        **os.environ,
        "MIMDESK_HOME": str(tmp_path / "home"),
        "MIMDESK_SITE_CONFIG": str(tmp_path / "no-site.toml"),
    }
    db = tmp_path / "demo.sqlite3"

    def mimdesk(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "mimdesk", "--db", str(db), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    added = mimdesk("demo")
    refs = added.strip().removeprefix("Added demo incidents: ").split(", ")
    assert len(refs) == 3
    listed = mimdesk("list")
    lines = listed.splitlines()
    assert len(lines) == 3
    for ref in refs:
        assert ref in listed
    statuses = {line.split()[1] for line in lines}
    assert statuses == {"resolved", "identified", "rejected"}
    assert "Card payments" in listed
