"""The postmortem's timeline chart tells the story (issue 16, point 4): its axis spans the
incident, not the last update; milestones, handovers and severity changes are labelled without
overlapping; a short phase stays visible. The axis and the label layout are pure functions;
the labels are read back from real PDFs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mimdesk.domain.incident import IncidentState
from mimdesk.domain.roles import role_label
from mimdesk.reports import pm_chart
from mimdesk.usecases import declaration, incidents, roles, timers
from tests.reports.test_postmortem_headline import backfilled_incident, flat, pdf_text

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _state(**times: datetime) -> IncidentState:
    state = IncidentState(stream_id="s")
    state.key_times.update(times)
    return state


def normal_incident(app, clock) -> str:
    """A SEV1, 09:00 to 11:15: declared at 09:10, the tech lead handed over, downgraded to
    SEV2, mitigated at 10:30, the impact ended at 11:00."""
    ctx, start = app.ctx, clock.now
    summary, _ = incidents.report(
        ctx,
        title="Payroll export failing",
        severity="SEV1",
        impact_started_at=start - timedelta(minutes=20),
        detected_at=start - timedelta(minutes=10),
    )
    ref = summary.reference
    clock.advance(minutes=10)
    declaration.declare(
        ctx, reference=ref, settings=app.settings, severity="SEV1", mim="Eleni", rationale="x"
    )
    roles.assign(ctx, reference=ref, role="tech_lead", person="Dmitry")
    clock.advance(minutes=5)
    timers.record_update(
        ctx, reference=ref, settings=app.settings, audience="executives", text="Initial"
    )
    clock.advance(minutes=30)
    roles.handover(ctx, reference=ref, role="tech_lead", to="Zoë", note="Off shift")
    clock.advance(minutes=5)
    declaration.change_severity(
        ctx, reference=ref, settings=app.settings, severity="SEV2", rationale="Fewer sites"
    )
    timers.record_update(
        ctx, reference=ref, settings=app.settings, audience="executives", text="Update 2"
    )
    clock.advance(minutes=40)  # 10:30
    incidents.change_status(ctx, reference=ref, to="mitigated")
    clock.advance(minutes=45)  # 11:15
    incidents.set_key_time(
        ctx, reference=ref, name="impact_ended_at", when=start + timedelta(hours=2)
    )
    incidents.change_status(ctx, reference=ref, to="resolved")
    return ref


def long_incident(app, clock) -> str:
    """Resolved within 3 hours; one executives' update went out 4 days later."""
    ref = normal_incident(app, clock)
    clock.advance(days=4)
    timers.record_update(
        app.ctx, reference=ref, settings=app.settings, audience="executives", text="Closure"
    )
    return ref


def test_the_axis_spans_the_incident_not_the_updates():
    state = _state(
        impact_started_at=T0 - timedelta(minutes=20),
        detected_at=T0 - timedelta(minutes=10),
        reported_at=T0,
        mitigated_at=T0 + timedelta(hours=1),
        resolved_at=T0 + timedelta(hours=2),
    )
    printed = T0 + timedelta(days=9)
    assert pm_chart.axis_span(state, printed) == (
        T0 - timedelta(minutes=20),
        T0 + timedelta(hours=2),
    )
    # An impact that outlasted the resolution ends the axis.
    state.key_times["impact_ended_at"] = T0 + timedelta(hours=30)
    assert pm_chart.axis_span(state, printed)[1] == T0 + timedelta(hours=30)


def test_the_axis_falls_back_to_detection_and_to_the_printing_time():
    state = _state(detected_at=T0 - timedelta(minutes=5), reported_at=T0)
    printed = T0 + timedelta(hours=3)
    assert pm_chart.axis_span(state, printed) == (T0 - timedelta(minutes=5), printed)
    only_reported = _state(reported_at=T0)
    assert pm_chart.axis_span(only_reported, T0) == (T0, T0 + timedelta(minutes=30))


@given(
    st.lists(
        st.tuples(st.floats(0, 500), st.floats(5, 120)),
        max_size=25,
    )
)
def test_labels_never_overlap(items):
    items = sorted(items)
    layout = pm_chart.place_labels(items, right=520)
    placed = []
    for (x, w), (line, anchor) in zip(items, layout, strict=True):
        lo, hi = (x, x + 2 + w) if anchor == "start" else (x - 2 - w, x)
        if anchor == "start":
            assert hi <= 520
        placed.append((x, line, lo, hi))
    for x, line, lo, hi in placed:
        for other_x, other_line, a, b in placed:
            if (other_x, other_line, a, b) == (x, line, lo, hi):
                continue
            if other_line == line:
                assert hi <= a or lo >= b  # no two texts on a line overlap
            if other_line > line and other_x < x:
                assert not lo < other_x < hi  # no earlier label's leader crosses a text


def test_marks_name_milestones_handovers_and_severity_changes(app, clock):
    ref = normal_incident(app, clock)
    view = incidents.get(app.ctx, ref)
    texts = [m.text for m in pm_chart.marks(view.state, view.events)]
    assert texts == [
        "impact started",
        "detected",
        "reported",
        "declared",
        f"{role_label('tech_lead')}: Dmitry → Zoë",
        "SEV1 → SEV2",
        "mitigated",
        "impact ended",
        "resolved",
    ]


def test_the_chart_page_labels_the_story(app, clock, tmp_path):
    ref = normal_incident(app, clock)
    sev1, sev2 = (app.settings.severity_label(s) for s in ("SEV1", "SEV2"))
    pages = [flat(p) for p in pdf_text(app, ref, tmp_path / "pm.pdf")]
    chart_page = next(p for p in pages if "Timeline chart" in p and "Phases" in p)
    for label in (
        "impact started",
        "detected",
        "declared",
        "mitigated",
        "impact ended",
        "resolved",
        "Dmitry → Zoë",
        f"{sev1} → {sev2}",
        "Customer impact",
    ):
        assert label in chart_page, label
    assert "later" not in chart_page.split("Timeline chart")[1].split("The coloured band")[0]


def test_an_update_days_later_is_counted_at_the_edge(app, clock, tmp_path):
    ref = long_incident(app, clock)
    view = incidents.get(app.ctx, ref)
    start, stop = pm_chart.axis_span(view.state, clock.now)
    # The story still ends at the resolution, 2 h 15 min after the report.
    assert stop == view.state.key_times["resolved_at"]
    assert stop - start == timedelta(hours=2, minutes=35)
    pages = [flat(p) for p in pdf_text(app, ref, tmp_path / "pm.pdf")]
    chart_page = next(p for p in pages if "Timeline chart" in p and "Phases" in p)
    assert "+1 later" in chart_page


def test_a_backfilled_chart_marks_an_approximate_time(app, clock, tmp_path):
    ref = backfilled_incident(app, clock)
    view = incidents.get(app.ctx, ref)
    texts = [m.text for m in pm_chart.marks(view.state, view.events)]
    assert texts[0] == "impact started (approx.)"
    assert "declared" not in texts  # never formally declared: no declared moment
    pages = [flat(p) for p in pdf_text(app, ref, tmp_path / "pm.pdf")]
    chart_page = next(p for p in pages if "Timeline chart" in p and "Phases" in p)
    assert "impact started (approx.)" in chart_page
    assert "1 update whose time is not known is not drawn" in chart_page
    assert "Reported, never formally declared" in chart_page


def test_a_short_phase_keeps_a_visible_width(app, clock):
    from reportlab.graphics.shapes import Rect

    state = _state(
        reported_at=T0,
        declared_at=T0 + timedelta(seconds=20),  # 20 seconds in a 3-day axis
        mitigated_at=T0 + timedelta(days=3),
        resolved_at=T0 + timedelta(days=3, hours=1),
    )
    drawing = pm_chart.chart(state, width=480, audiences=[], end=T0, zone=UTC)
    band = [
        r
        for r in drawing.contents  # type: ignore[attr-defined]
        if isinstance(r, Rect) and r.height == pm_chart.BAND_H and r.fillColor is not None
    ]
    assert len(band) == 3
    assert min(r.width for r in band) >= pm_chart.MIN_PHASE_WIDTH
