"""The outbox is the messages not sent: queued ones and failed ones, whichever desk recorded
them. ``mimdesk outbox`` lists all of them; ``outbox --deliver`` tries again every one this
desk may retry (the ones it queued or failed to send itself), failed ones included."""

from __future__ import annotations

from mimdesk import cli, secrets
from mimdesk.usecases import comms, incidents, outbox

TEAMS_SUBJECT = "Teams: mail is down (refused)"
QUEUED_SUBJECT = "Webhook: mail is down (waiting here)"
OTHER_SUBJECT = "Webhook: mail is down (waiting on another desk)"
SUBJECTS = (TEAMS_SUBJECT, QUEUED_SUBJECT, OTHER_SUBJECT)


def save(app, reference: str, subject: str) -> str:
    rendered = comms.draft(
        app.ctx, reference=reference, settings=app.settings, kind="update", audience="it_staff"
    )
    draft_id, _ = comms.save_draft(
        app.ctx,
        reference=reference,
        settings=app.settings,
        kind="update",
        audience="it_staff",
        subject=subject,
        body=rendered.body,
    )
    return draft_id


def send(app, reference: str, subject: str, channel: str) -> tuple[str, str]:
    draft_id = save(app, reference, subject)
    result, _ = comms.send(
        app.ctx, reference=reference, settings=app.settings, draft_id=draft_id, channel=channel
    )
    return draft_id, result.outcome


def not_sent_three_ways(app, reference: str, teams, generic_down) -> dict[str, str]:
    """A Teams message the server refused for good, a webhook message queued here, and one
    queued by another desk; their draft ids by subject."""
    secrets.set_secret("webhook:teams", teams.url("/teams"))
    secrets.set_secret("webhook:generic", generic_down.url("/generic"))
    teams.status = 403
    ids = {}
    ids[TEAMS_SUBJECT], outcome = send(app, reference, TEAMS_SUBJECT, "teams")
    assert outcome == "failed"
    ids[QUEUED_SUBJECT], outcome = send(app, reference, QUEUED_SUBJECT, "webhook")
    assert outcome == "queued"
    # Written as another desk would: the log's desk id is the file's (store/logfile.py).
    app.log.file.desk_id, real = "another-desk", app.log.desk_id
    try:
        ids[OTHER_SUBJECT], outcome = send(app, reference, OTHER_SUBJECT, "webhook")
    finally:
        app.log.file.desk_id = real
    assert outcome == "queued"
    return ids


def cli_outbox(app, capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", str(app.database), "outbox", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_cli_lists_failed_messages_with_their_state_and_reason(
    app, incident, webhooks, webhooks_down, capsys
):
    not_sent_three_ways(app, incident.reference, webhooks, webhooks_down)
    code, out, _ = cli_outbox(app, capsys)
    assert code == 0
    lines = {s: [line for line in out.splitlines() if s in line] for s in SUBJECTS}
    (teams,) = lines[TEAMS_SUBJECT]
    assert " teams  failed " in teams
    assert teams.endswith("[Teams refused the message (HTTP 403)]")
    (queued,) = lines[QUEUED_SUBJECT]
    assert " webhook  queued " in queued and "another desk" not in queued
    (other,) = lines[OTHER_SUBJECT]
    assert " webhook  queued " in other and "(another desk's)" in other


def test_deliver_retries_the_failed_teams_message_once_the_server_answers(
    app, ctx, incident, webhooks, webhooks_down, capsys
):
    ids = not_sent_three_ways(app, incident.reference, webhooks, webhooks_down)
    webhooks.status = 200  # the Teams workflow was put right
    code, out, err = cli_outbox(app, capsys, "--deliver")
    assert f"Sent {ids[TEAMS_SUBJECT]} by teams." in out, out + err
    assert [r.path for r in webhooks.requests] == ["/teams", "/teams"]
    assert webhooks_down.requests == []  # still down; another desk's is not tried from here
    state = incidents.get(ctx, incident.reference).state
    assert state.drafts[ids[TEAMS_SUBJECT]].state == "sent"
    assert [m.subject for m in state.messages] == [TEAMS_SUBJECT]
    assert code == 75  # two messages still wait

    code, out, _ = cli_outbox(app, capsys)
    listed = [line for line in out.splitlines() if "mail is down" in line]
    assert len(listed) == 2 and not any(TEAMS_SUBJECT in line for line in listed)

    # Delivering again tries nothing it tried for good: the Teams message went out once.
    cli_outbox(app, capsys, "--deliver")
    assert len(webhooks.requests) == 2


def test_each_message_says_its_state_channel_reason_desk_and_recipients(
    app, ctx, incident, webhooks, webhooks_down
):
    ids = not_sent_three_ways(app, incident.reference, webhooks, webhooks_down)
    listed = {m.draft_id: m for m in outbox.not_sent(ctx)}
    assert set(listed) == set(ids.values())
    teams, queued, other = (listed[ids[s]] for s in SUBJECTS)
    assert (teams.state, teams.channel, teams.retried_here) == ("failed", "teams", True)
    assert teams.reason == "Teams refused the message (HTTP 403)"
    assert (queued.state, queued.channel, queued.retried_here) == ("queued", "webhook", True)
    assert queued.reason.startswith("could not connect to the webhook")
    assert (other.desk_id, other.retried_here) == ("another-desk", False)
    # The window's rule for one incident is the same list.
    view = incidents.get(ctx, incident.reference)
    assert outbox.not_sent_in(ctx, view) == outbox.not_sent(ctx)


def test_recipients_are_the_ones_recorded_when_it_was_queued(app, ctx, incident, webhooks_down):
    secrets.set_secret("webhook:generic", webhooks_down.url("/generic"))
    draft_id = save(app, incident.reference, QUEUED_SUBJECT)
    result, _ = comms.send(
        ctx,
        reference=incident.reference,
        settings=app.settings,
        draft_id=draft_id,
        channel="webhook",
        recipients=["Service desk <desk@example.org>"],
    )
    assert result.outcome == "queued"
    (message,) = outbox.not_sent(ctx)
    assert message.recipients == ("Service desk <desk@example.org>",)


def test_a_refused_message_retried_while_its_channel_is_down_waits_in_the_outbox_again(
    app, ctx, incident, webhooks, clock
):
    secrets.set_secret("webhook:teams", webhooks.url("/teams"))
    webhooks.status = 403
    draft_id, outcome = send(app, incident.reference, TEAMS_SUBJECT, "teams")
    assert outcome == "failed"
    webhooks.stop()
    clock.advance(minutes=3)
    run = outbox.deliver(ctx, app.settings, requested=True)
    assert [m.draft_id for m in run.waiting] == [draft_id] and run.sent == run.failed == []
    (message,) = outbox.not_sent(ctx)
    assert (message.state, message.since) == ("queued", clock.now)
    assert message.reason.startswith("could not connect to Teams")
    # From now on it is the worker's like any queued message: retried on its own.
    webhooks.start()
    webhooks.status = 200
    run = outbox.deliver(ctx, app.settings)
    assert [r.draft_id for r in run.sent] == [draft_id]


def test_an_incident_closed_and_quiet_for_a_week_leaves_the_outbox_in_every_view(
    app, ctx, incident, webhooks, webhooks_down, clock, capsys
):
    not_sent_three_ways(app, incident.reference, webhooks, webhooks_down)
    for status in ("mitigated", "resolved", "closed"):
        incidents.change_status(ctx, reference=incident.reference, to=status)
    assert len(outbox.not_sent(ctx)) == 3  # closed, but changed today
    clock.advance(days=8)
    view = incidents.get(ctx, incident.reference)
    assert outbox.not_sent_in(ctx, view) == outbox.not_sent(ctx) == []
    assert outbox.deliver(ctx, app.settings, requested=True).sent == []
