"""change_field records which change its author saw (``prev``), so that the fold can tell a
concurrent change from another desk from a plain later edit."""

from __future__ import annotations

from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.usecases import incidents
from tests.support.recorded import as_json


def test_change_field_records_the_change_in_force_and_using_the_other_value_settles_it(
    ctx,
) -> None:
    summary, _ = incidents.report(ctx, title="Mail is down", impact="Nobody can send mail")
    ref = summary.reference
    incidents.change_field(ctx, reference=ref, field="title", value="Mail down in EMEA")
    [first] = [e for e in ctx.log.stream(summary.stream_id) if e.type == EventType.FIELD_CHANGED]
    assert as_json(first.payload)["prev"] == ""

    # Another desk, which had not seen that change, sets the title too (sorts later).
    other = ctx.event(
        summary.stream_id,
        schema.decode(
            EventType.FIELD_CHANGED, 1, {"field": "title", "value": "Mail slow", "prev": ""}
        ),
    )
    ctx.log.append([other])
    state = incidents.view(ctx, summary.stream_id).state
    [found] = state.concurrent
    assert (found.value, found.other_value) == ("Mail slow", "Mail down in EMEA")

    # "Use this value": a new change, made having seen the winner, so not concurrent again.
    incidents.change_field(ctx, reference=ref, field="title", value=found.other_value)
    events = [e for e in ctx.log.stream(summary.stream_id) if e.type == EventType.FIELD_CHANGED]
    assert as_json(events[-1].payload)["prev"] == other.event_id
    state = incidents.view(ctx, summary.stream_id).state
    assert state.title == "Mail down in EMEA"
    assert len(state.concurrent) == 1
