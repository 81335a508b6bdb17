"""Teams, Slack and the generic webhook against a real local HTTP server; the outbox when it
is down; and no webhook URL (a secret) anywhere it should not be."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from mimdesk import secrets
from mimdesk.domain.events import EventType
from mimdesk.usecases import comms, incidents, outbox, timers

TOKEN = "sig=S3cr3tT0ken-abcdef0123456789"


def secret_url(server, name: str) -> str:
    url = server.url(f"/workflows/{name}/invoke?api-version=1&{TOKEN}")
    secrets.set_secret(f"webhook:{name}", url)
    return url


def save(app, ref, *, audience="it_staff", body=None):
    rendered = comms.draft(
        app.ctx, reference=ref, settings=app.settings, kind="update", audience=audience
    )
    draft_id, _ = comms.save_draft(
        app.ctx,
        reference=ref,
        settings=app.settings,
        kind="update",
        audience=audience,
        subject=rendered.subject,
        body=body if body is not None else rendered.body,
    )
    return draft_id


def send(app, ref, draft_id, channel):
    result, _ = comms.send(
        app.ctx, reference=ref, settings=app.settings, draft_id=draft_id, channel=channel
    )
    return result


def db_bytes(app) -> bytes:
    """The database as stored, the write-ahead log included."""
    folder = Path(app.database).parent
    return b"".join(p.read_bytes() for p in sorted(folder.glob(Path(app.database).name + "*")))


def test_teams_gets_an_adaptive_card(app, ctx, incident, webhooks):
    secret_url(webhooks, "teams")
    draft_id = save(app, incident.reference)
    result = send(app, incident.reference, draft_id, "teams")
    assert result.outcome == "sent" and result.recipients == ("Teams",)
    (request,) = webhooks.requests
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    payload = request.json
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] in ("1.4", "1.5")
    kinds = [b["type"] for b in card["body"]]
    assert kinds[0] == "TextBlock" and kinds[1] == "FactSet"
    draft = incidents.get(ctx, incident.reference).state.drafts[draft_id]
    assert card["body"][0]["text"] == draft.subject
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts == {
        "Incident": incident.reference,
        "Severity": "SEV1 Critical",
        "Status": "Declared",
        "Audience": "IT staff",
    }
    lines = [b["text"] for b in card["body"][2:-1]]
    assert lines == [line for line in draft.body.split("\n") if line.strip()]
    assert all(b.get("wrap") for b in card["body"] if b["type"] == "TextBlock")


def test_slack_gets_header_sections_and_context(app, ctx, incident, webhooks):
    secret_url(webhooks, "slack")
    draft_id = save(app, incident.reference, body="Orders <late> & slow\n\n" + "x" * 3500)
    assert send(app, incident.reference, draft_id, "slack").outcome == "sent"
    payload = webhooks.requests[0].json
    blocks = payload["blocks"]
    assert [b["type"] for b in blocks] == ["header", "section", "section", "section", "context"]
    assert blocks[0]["text"]["type"] == "plain_text"
    sections = [b["text"] for b in blocks[1:-1]]
    assert {s["type"] for s in sections} == {"mrkdwn"}
    assert all(len(s["text"]) <= 3000 for s in sections)  # Slack's limit per section
    assert "\n".join(s["text"] for s in sections).replace("\n", "") == (
        "Orders &lt;late&gt; &amp; slow" + "x" * 3500
    )
    context = blocks[-1]["elements"][0]["text"]
    assert incident.reference in context and "sent by Ana Costa" in context
    assert payload["text"].startswith(blocks[0]["text"]["text"])


def test_generic_webhook_gets_the_documented_json(app, ctx, incident, webhooks, clock):
    secret_url(webhooks, "generic")
    draft_id = save(app, incident.reference, audience="executives")
    assert send(app, incident.reference, draft_id, "webhook").outcome == "sent"
    payload = webhooks.requests[0].json
    draft = incidents.get(ctx, incident.reference).state.drafts[draft_id]
    assert payload == {
        "event": "mimdesk.message",
        "version": 1,
        "reference": incident.reference,
        "title": "Email down for all staff",
        "severity": "SEV1",
        "status": "Declared",
        "public_status": "Investigating",
        "kind": "update",
        "audience": "executives",
        "subject": draft.subject,
        "body": draft.body,
        "sent_at": clock.now.isoformat(),
        "sent_by": "Ana Costa",
    }


def test_permanent_refusal_is_failed_with_a_reason_and_no_secret(
    app, ctx, incident, webhooks, caplog
):
    caplog.set_level(logging.DEBUG)
    url = secret_url(webhooks, "teams")
    webhooks.status = 403
    webhooks.answer = f'{{"error": "bad token", "url": "{url}"}}'.encode()
    draft_id = save(app, incident.reference)
    result = send(app, incident.reference, draft_id, "teams")
    assert result.outcome == "failed"
    assert result.reason.startswith("Teams refused the message (HTTP 403)")
    assert result.reason == "Teams refused the message (HTTP 403)"  # no word of the answer
    state = incidents.get(ctx, incident.reference).state
    assert state.drafts[draft_id].state == "failed"
    assert state.drafts[draft_id].last_error == result.reason
    assert state.messages == []
    assert TOKEN not in result.reason and str(webhooks.port) not in result.reason
    assert TOKEN not in caplog.text
    assert TOKEN.encode() not in db_bytes(app)


def test_redirect_is_refused_not_followed(app, ctx, incident, webhooks):
    secret_url(webhooks, "slack")
    webhooks.status = 302
    webhooks.location = webhooks.url("/elsewhere")
    draft_id = save(app, incident.reference)
    result = send(app, incident.reference, draft_id, "slack")
    assert result.outcome == "failed" and "redirect (HTTP 302)" in result.reason
    assert [r.path for r in webhooks.requests] == [f"/workflows/slack/invoke?api-version=1&{TOKEN}"]


def test_not_set_up_and_plain_http_elsewhere_are_refused(app, ctx, incident):
    draft_id = save(app, incident.reference)
    result = send(app, incident.reference, draft_id, "teams")
    assert result.outcome == "failed"
    assert "mimdesk secret set webhook:teams" in result.reason
    secrets.set_secret("webhook:slack", f"http://hooks.example.org/T0/B0/{TOKEN}")
    draft_id = save(app, incident.reference)
    result = send(app, incident.reference, draft_id, "slack")
    assert result.outcome == "failed" and "must start with https://" in result.reason
    assert TOKEN not in result.reason


def test_outbox_queues_while_down_and_delivers_when_back(
    app, ctx, incident, webhooks_down, clock, caplog
):
    caplog.set_level(logging.DEBUG)
    secret_url(webhooks_down, "generic")
    draft_id = save(app, incident.reference, audience="executives")
    queued_at = clock.now
    result = send(app, incident.reference, draft_id, "webhook")
    assert result.outcome == "queued"
    assert "could not connect to the webhook" in result.reason
    state = incidents.get(ctx, incident.reference).state
    assert state.drafts[draft_id].state == "queued"
    assert state.messages == []
    (pending,) = outbox.not_sent(ctx)
    assert (pending.draft_id, pending.channel, pending.audience) == (
        draft_id,
        "webhook",
        "executives",
    )
    assert (pending.state, pending.since, pending.desk_id) == ("queued", queued_at, app.log.desk_id)

    # Still down: a retry changes nothing in the log and backs off.
    schedule = outbox.RetrySchedule()
    clock.advance(minutes=1)
    events_before = len(incidents.get(ctx, incident.reference).events)
    run = outbox.deliver(ctx, app.settings, schedule=schedule)
    assert run.sent == [] and [p.draft_id for p in run.waiting] == [draft_id]
    assert len(incidents.get(ctx, incident.reference).events) == events_before
    webhooks_down.start()
    clock.advance(seconds=10)  # inside the 30 s backoff: not tried yet
    run = outbox.deliver(ctx, app.settings, schedule=schedule)
    assert run.sent == [] and webhooks_down.requests == []

    clock.advance(seconds=30)
    sent_at = clock.now
    run = outbox.deliver(ctx, app.settings, schedule=schedule)
    assert [r.draft_id for r in run.sent] == [draft_id]
    assert len(webhooks_down.requests) == 1
    assert webhooks_down.requests[0].json["sent_at"] == sent_at.isoformat()
    view = incidents.get(ctx, incident.reference)
    (message,) = view.state.messages
    assert message.at == sent_at != queued_at  # the real send time, not the queue time
    assert view.state.drafts[draft_id].state == "sent"
    (execs,) = [
        t for t in timers.timers(view, app.settings, clock.now) if t.audience == "executives"
    ]
    assert execs.due_at == sent_at + timedelta(minutes=30)
    assert outbox.not_sent(ctx) == []
    assert TOKEN not in caplog.text
    assert TOKEN.encode() not in db_bytes(app)
    for event in view.events:
        assert TOKEN not in repr(event.payload)


def test_outbox_gives_up_on_stale_messages_and_leaves_other_desks_alone(
    app, ctx, incident, webhooks_down, clock
):
    secret_url(webhooks_down, "teams")
    draft_id = save(app, incident.reference)
    assert send(app, incident.reference, draft_id, "teams").outcome == "queued"
    clock.advance(minutes=121)
    run = outbox.deliver(ctx, app.settings)
    (failed,) = run.failed
    assert failed.draft_id == draft_id and "not delivered within 120 minutes" in failed.reason
    state = incidents.get(ctx, incident.reference).state
    assert state.drafts[draft_id].state == "failed"

    # A message queued by another desk is listed but not retried from here.
    other = save(app, incident.reference)
    assert send(app, incident.reference, other, "teams").outcome == "queued"
    app.log.file.desk_id, real = "another-desk", app.log.desk_id
    try:
        webhooks_down.start()
        run = outbox.deliver(ctx, app.settings)
        assert run.sent == [] and webhooks_down.requests == []
        listed = {(p.draft_id, p.state, p.retried_here) for p in outbox.not_sent(ctx)}
        assert listed == {(draft_id, "failed", False), (other, "queued", False)}
    finally:
        app.log.file.desk_id = real


def test_queued_message_can_be_recorded_as_sent_by_phone(app, ctx, incident, webhooks_down):
    secret_url(webhooks_down, "slack")
    draft_id = save(app, incident.reference)
    assert send(app, incident.reference, draft_id, "slack").outcome == "queued"
    comms.mark_sent_by_other_means(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        draft_id=draft_id,
        channel="bridge",
    )
    webhooks_down.start()
    run = outbox.deliver(ctx, app.settings)
    assert run.sent == [] and webhooks_down.requests == []
    assert outbox.not_sent(ctx) == []
    events = [e.type for e in incidents.get(ctx, incident.reference).events]
    assert events.count(EventType.MESSAGE_SENT) == 1


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_are_retried_not_failed(app, ctx, incident, webhooks, status):
    secret_url(webhooks, "generic")
    webhooks.status = status
    draft_id = save(app, incident.reference)
    result = send(app, incident.reference, draft_id, "webhook")
    assert result.outcome == "queued" and f"HTTP {status}" in result.reason
