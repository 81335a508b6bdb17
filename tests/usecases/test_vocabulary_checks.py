"""Every use case a person types a closed-list value into checks it the one way (issue 13,
point 2): forgiving case and spelling, refusing the rest with the choices, and never refusing
or changing a value that is already recorded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mimdesk.app import open_app
from mimdesk.domain.payloads import FollowUpAdded, NoteAdded, PostmortemChanged, RoleAssigned
from mimdesk.domain.vocabulary import Unlisted, out_of_vocabulary
from mimdesk.errors import InvalidInput
from mimdesk.usecases import (
    comms,
    declaration,
    directory,
    followups,
    incidents,
    postmortem,
    roles,
    timeline,
    timers,
)


@pytest.fixture
def ref(ctx) -> str:
    summary, _ = incidents.report(ctx, title="Mail is down", severity="SEV2")
    return summary.reference


def state(ctx, ref):
    return incidents.get(ctx, ref).state


def record(ctx, ref, payload) -> None:
    """A value written by another desk or an import: the checks of this desk never saw it."""
    stream = incidents.resolve(ctx, ref).stream_id
    ctx.log.append([ctx.event(stream, payload)])


def test_roles_however_typed(ctx, ref) -> None:
    roles.assign(ctx, reference=ref, role="MIM", person="Mia")
    roles.assign(ctx, reference=ref, role="Tech Lead", person="Tom")
    roles.handover(ctx, reference=ref, role="tech-lead", to="Tess")
    assert {r: h.person for r, h in state(ctx, ref).roles.items()} == {
        "mim": "Mia",
        "tech_lead": "Tess",
    }
    roles.release(ctx, reference=ref, role="Major Incident Manager")
    assert state(ctx, ref).holder("mim") == ""
    with pytest.raises(InvalidInput, match=r"There is no role 'Mim Deputy'\. Choose one of: Maj"):
        roles.assign(ctx, reference=ref, role="Mim Deputy", person="Max")


def test_a_duty_by_its_number_on_a_role_however_typed(app, ctx, ref) -> None:
    roles.tick_duty(ctx, reference=ref, settings=app.settings, role="MIM", duty="1")
    first = app.settings.role("mim").duties[0]
    assert state(ctx, ref).duties_done == {"mim": {first}}


def test_severities_statuses_and_kinds(app, ctx, ref) -> None:
    with pytest.raises(InvalidInput, match=r"no severity 'SEV7'\. Choose one of: Critical \(SEV1"):
        incidents.report(ctx, title="x", severity="SEV7")
    with pytest.raises(InvalidInput, match="no severity 'P2'"):
        incidents.change_field(ctx, reference=ref, field="severity", value="P2")
    declaration.declare(
        ctx, reference=ref, settings=app.settings, severity="critical", mim="Mia", rationale="x"
    )
    assert state(ctx, ref).severity == "SEV1"
    declaration.change_severity(
        ctx, reference=ref, settings=app.settings, severity="sev2", rationale="One site only"
    )
    assert state(ctx, ref).severity == "SEV2"
    incidents.change_status(ctx, reference=ref, to="Investigating")
    assert state(ctx, ref).status.value == "investigating"
    timeline.add_note(ctx, reference=ref, text="Fail over", kind="Decision")
    assert [n.kind for n in state(ctx, ref).notes] == ["decision"]


def test_audiences_and_channels(app, ctx, ref) -> None:
    s = app.settings
    timers.set_cadence(ctx, reference=ref, settings=s, audience="IT Staff", minutes=15)
    timers.record_update(ctx, reference=ref, settings=s, audience="executives", channel="Phone")
    timers.record_update(ctx, reference=ref, settings=s, audience="business", channel="In-Person")
    assert state(ctx, ref).cadence == {"it_staff": 15}
    assert [m.channel for m in state(ctx, ref).messages] == ["phone", "in person"]
    with pytest.raises(InvalidInput, match="no way of sending by hand 'carrier pigeon'"):
        timers.record_update(
            ctx, reference=ref, settings=s, audience="business", channel="carrier pigeon"
        )
    with pytest.raises(InvalidInput, match="no audience 'press'"):
        timers.snooze(ctx, reference=ref, settings=s, audience="press", minutes=5)
    draft_id, _ = comms.save_draft(
        ctx,
        reference=ref,
        settings=s,
        kind="Initial Notification",
        audience="Service Desk",
        subject="Mail is down",
        body="We are on it.",
        channel="SMTP",
    )
    found = state(ctx, ref).drafts[draft_id]
    assert (found.kind, found.audience, found.channel) == ("initial", "service_desk", "smtp")
    directory.set_distribution(ctx, audience="Executives", addresses=["cio@example.org"])
    assert directory.directory(ctx).distribution["executives"] == ("cio@example.org",)
    directory.save_person(ctx, name="Mia")
    directory.set_rota(ctx, week="2026-W48", role="MIM", person="mia")
    assert directory.directory(ctx).on_duty("mim", "2026-W48") == "Mia"  # as the directory has it


def test_followups_and_postmortem(ctx, ref) -> None:
    followup_id, _ = followups.add(
        ctx,
        reference=ref,
        title="Second relay",
        priority="HIGH",
        kind="Detect",
        status="in-progress",
    )
    added = state(ctx, ref).followups[followup_id]
    assert (added.priority, added.kind, added.status) == ("high", "detect", "in progress")
    postmortem.set_fields(
        ctx, reference=ref, status="Draft", root_cause_status="Under_Investigation"
    )
    assert state(ctx, ref).postmortem["root_cause_status"] == "under investigation"
    followups.update(ctx, reference=ref, followup=followup_id, status="Canceled")
    assert state(ctx, ref).followups[followup_id].status == "cancelled"
    with pytest.raises(InvalidInput) as caught:
        followups.update(ctx, reference=ref, followup=followup_id, kind="fix")
    assert str(caught.value) == (
        "There is no follow-up kind 'fix'. "
        "Choose one of: prevent, mitigate, detect, process, other."
    )


def test_recorded_values_stay_usable_and_are_flagged(ctx, ref) -> None:
    record(ctx, ref, RoleAssigned(role="network_oncall", person="Lee Chen"))
    record(ctx, ref, NoteAdded(text="Heard from the vendor", kind="rumour"))
    record(ctx, ref, FollowUpAdded(id="f1", title="Renew", status="blocked", priority="urgent"))
    record(ctx, ref, PostmortemChanged(field="status", value="published"))
    # Editing around them keeps them as they are.
    followups.update(ctx, reference=ref, followup="f1", title="Renew the cert", status="blocked")
    assert state(ctx, ref).followups["f1"].status == "blocked"
    postmortem.set_fields(ctx, reference=ref, status="published", summary="Relay died.")
    assert state(ctx, ref).postmortem["status"] == "published"
    with pytest.raises(InvalidInput, match="no follow-up status 'parked'"):
        followups.update(ctx, reference=ref, followup="f1", status="parked")
    # A held role is named exactly as recorded: handed over and released by its id.
    roles.handover(ctx, reference=ref, role="network_oncall", to="Ann Lee")
    assert state(ctx, ref).holder("network_oncall") == "Ann Lee"

    assert out_of_vocabulary(state(ctx, ref), ctx.vocab) == [
        Unlisted("role", "network_oncall"),
        Unlisted("note kind", "rumour"),
        Unlisted("postmortem status", "published"),
        Unlisted("follow-up priority", "urgent"),
        Unlisted("follow-up status", "blocked"),
    ]
    roles.release(ctx, reference=ref, role="network_oncall")
    assert "network_oncall" not in state(ctx, ref).roles


def test_the_site_list_is_the_one_checked(home: Path, tmp_path: Path) -> None:
    site = Path(os.environ["MIMDESK_SITE_CONFIG"])
    site.write_text(
        '[[severities]]\nid = "P1"\nlabel = "Outage"\nmajor = true\n\n'
        '[[severities]]\nid = "P2"\nlabel = "Degraded"\n\n'
        '[[roles]]\nid = "mim"\nlabel = "Incident Commander"\n',
        "utf-8",
    )
    app = open_app(db=tmp_path / "site.sqlite3", env=os.environ)
    try:
        summary, _ = incidents.report(app.ctx, title="x", severity="outage")
        assert summary.severity == "P1"
        with pytest.raises(InvalidInput) as caught:
            incidents.report(app.ctx, title="x", severity="SEV1")
        assert str(caught.value) == (
            "There is no severity 'SEV1'. Choose one of: Outage (P1), Degraded (P2)."
        )
        roles.assign(app.ctx, reference=summary.reference, role="incident commander", person="I")
        assert state(app.ctx, summary.reference).holder("mim") == "I"
    finally:
        app.close()
