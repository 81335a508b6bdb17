"""The postmortem's figures (durations, updates on time) and the pieces long text is cut in."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from mimdesk.reports import pm_figures
from mimdesk.reports.postmortem import chunks
from mimdesk.usecases import declaration, incidents, timers


def _declared(app, ctx, clock, severity="SEV2"):
    summary, _ = incidents.report(ctx, title="Figures", severity=severity)
    clock.advance(minutes=7)
    declaration.declare(
        ctx,
        reference=summary.reference,
        settings=app.settings,
        severity=severity,
        mim="Ann",
        rationale="Test",
    )
    return summary.reference


def _send(app, ctx, ref, audience):
    timers.record_update(ctx, reference=ref, settings=app.settings, audience=audience, text="x")


def _figures(app, ctx, ref, clock):
    view = incidents.get(ctx, ref)
    return pm_figures.key_figures(view.state, view.events, app.settings.timers, clock.now)


def test_durations_and_targets(app, ctx, clock):
    ref = _declared(app, ctx, clock)
    clock.advance(hours=5)
    incidents.change_status(ctx, reference=ref, to="resolved")
    f = _figures(app, ctx, ref, clock)
    assert f.span("declare").value == timedelta(minutes=7)
    assert f.span("declare").met is True  # SEV2: 30 minutes
    # Resolved straight away: mitigated then too.
    assert f.span("mitigate").value == timedelta(hours=5, minutes=7)
    assert f.span("mitigate").met is True  # SEV2 restore: 8 hours
    assert f.span("resolve").value == timedelta(hours=5, minutes=7)
    assert f.span("impact").value == timedelta(hours=5, minutes=7)


def test_on_time_late_missed_and_a_cadence_changed_midway(app, ctx, clock):
    ref = _declared(app, ctx, clock)  # SEV2: executives every 60 min
    clock.advance(minutes=30)
    _send(app, ctx, ref, "executives")  # due +60: on time
    clock.advance(minutes=70)
    _send(app, ctx, ref, "executives")  # due +60: 10 minutes late
    timers.set_cadence(ctx, reference=ref, settings=app.settings, audience="executives", minutes=15)
    clock.advance(minutes=14)
    _send(app, ctx, ref, "executives")  # due +15 under the new cadence: on time
    clock.advance(minutes=40)
    incidents.change_status(ctx, reference=ref, to="mitigated")
    clock.advance(minutes=30)
    _send(app, ctx, ref, "executives")  # fell due (+15) before mitigation: late, not missed
    f = _figures(app, ctx, ref, clock)
    execs = next(u for u in f.updates if u.audience == "executives")
    assert (execs.sent, execs.on_time, execs.late, execs.missed) == (4, 2, 2, 0)
    assert execs.interval == 15
    assert execs.share == 0.5


def test_before_the_declaration_nothing_is_tracked_and_no_cadence_no_share(app, ctx, clock):
    summary, _ = incidents.report(ctx, title="Early word", severity="SEV3")
    ref = summary.reference
    _send(app, ctx, ref, "executives")  # SEV3 has no executives cadence, not declared yet
    clock.advance(minutes=5)
    declaration.declare(
        ctx, reference=ref, settings=app.settings, severity="SEV2", mim="Ann", rationale="x"
    )
    timers.set_cadence(ctx, reference=ref, settings=app.settings, audience="customers", minutes=0)
    clock.advance(minutes=20)
    incidents.change_status(ctx, reference=ref, to="mitigated")
    f = _figures(app, ctx, ref, clock)
    execs = next(u for u in f.updates if u.audience == "executives")
    # Sent before any update was due: neither on time nor late, counted apart.
    assert (execs.sent, execs.on_time, execs.late, execs.missed) == (1, 0, 0, 0)
    assert execs.before_declaration == 1 and f.before_declaration == 1
    desk = next(u for u in f.updates if u.audience == "service_desk")
    assert desk.missed == 0  # every 30 min: nothing fell due in 20 minutes
    assert all(u.audience != "customers" or not u.scheduled for u in f.updates)


def test_timers_after_mitigation_when_the_policy_says_so(app, ctx, clock):
    ref = _declared(app, ctx, clock)
    clock.advance(minutes=10)
    incidents.change_status(ctx, reference=ref, to="mitigated")
    clock.advance(minutes=100)
    incidents.change_status(ctx, reference=ref, to="resolved")
    view = incidents.get(ctx, ref)
    stopped = pm_figures.updates(view.state, view.events, app.settings.timers, clock.now)
    running = pm_figures.updates(
        view.state,
        view.events,
        replace(app.settings.timers, run_after_mitigation=True),
        clock.now,
    )
    execs = [next(u for u in x if u.audience == "executives") for x in (stopped, running)]
    assert execs[0].missed == 0 and execs[1].missed == 1


@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=4000), st.integers(300, 1500))
def test_chunks_keep_every_word_and_stay_small(text, limit):
    pieces = chunks(text, limit)
    assert "".join(text.split()) == "".join("".join(pieces).split())
    for piece in pieces:
        assert len(piece) <= limit
        assert piece.count("\n") < 25
