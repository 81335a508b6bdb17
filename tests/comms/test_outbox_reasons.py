"""A message the outbox cannot send for a reason of ours records that reason, in our words."""

from __future__ import annotations

from mimdesk.domain.events import EventType
from mimdesk.usecases import incidents, outbox
from tests.comms.test_flow import save
from tests.support.recorded import as_json


def test_a_recipient_recorded_before_the_strict_parser_fails_naming_it(
    app, ctx, incident, tmp_path
):
    """A message queued by an older desk may hold a raw entry the strict parser refuses: the
    retry fails for good, and the recorded reason says which entry and why."""
    draft_id = save(app, incident.reference, recipients=["cio@example.org"])
    view = incidents.get(ctx, incident.reference)
    stream_id = incidents.resolve(ctx, incident.reference).stream_id
    raw = "cio@example.org\r\nBcc: spy@evil.example"
    result = outbox.deliver_draft(
        ctx,
        app.settings,
        stream_id=stream_id,
        reference=incident.reference,
        state=view.state,
        draft=view.state.drafts[draft_id],
        channel="eml",
        recipients=(raw,),
        out=tmp_path / "update.eml",
    )
    assert result.outcome == "failed"
    assert "'cio@example.org\\r\\nBcc: spy@evil.example' is not an e-mail address" in result.reason
    assert "control character" in result.reason
    (failed,) = [e for e in ctx.log.stream(stream_id) if e.type == EventType.SEND_FAILED]
    assert as_json(failed.payload)["reason"] == result.reason
    assert not (tmp_path / "update.eml").exists()
