"""Checking a folder of site templates before it is deployed (``mimdesk config check``).

Every file in the folder must be UTF-8 and compile. Then every message MIM Desk drafts (each
kind, for each audience and each wording style) and each HTML page is rendered from the folder
(over the built-in templates, as a draft would be) with sample values, under the limits of a
real render (:mod:`mimdesk.comms.template_limits`). The values come from the builder a draft
uses (:func:`mimdesk.comms.context.build`), run on an invented incident, so a variable a draft
does not have fails here as it would when drafting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mimdesk.comms import KINDS
from mimdesk.comms import context as message_context
from mimdesk.comms.settings import STYLES, CommsSettings
from mimdesk.comms.templates import TemplateProblem, Templates, paragraphs
from mimdesk.domain.cadence import Audience, TimerPolicy
from mimdesk.domain.directory import Person
from mimdesk.domain.events import Author
from mimdesk.domain.incident import FollowUp, IncidentState, Note, RoleHolder
from mimdesk.domain.keytimes import KEY_TIMES
from mimdesk.domain.lifecycle import Status

SAMPLE_MIM = Person(
    id="sample", name="Sam Sample", team="IT Operations", email="sam@example.org", phone="+1 555"
)
_BODY = (
    "Staff cannot send e-mail; order confirmations are delayed.\n\n"
    "We restarted the mail gateway.\nNext update by 10:30 UTC."
)


def sample_state(now: datetime) -> IncidentState:
    """A declared incident with every field a template can read filled in."""

    def ago(minutes: int) -> datetime:
        return now - timedelta(minutes=minutes)

    author = Author(SAMPLE_MIM.name, "sample")
    notes = [
        Note(f"sample-note-{n}", text, kind, author, ago(60 - 10 * n), ago(60 - 10 * n))
        for n, (kind, text) in enumerate(
            [
                ("observation", "Mail queues are growing on the gateway"),
                ("action", "Restarted the transport service on the gateway"),
                ("decision", "Failing over to the second gateway"),
                ("workaround", "Use webmail"),
            ]
        )
    ]
    times: dict[str, datetime | None] = dict.fromkeys(KEY_TIMES)
    times.update(impact_started_at=ago(100), detected_at=ago(95), reported_at=ago(90))
    times.update(declared_at=ago(80))
    return IncidentState(
        stream_id="00000000-0000-7000-8000-000000000000",
        reference="MI-SAMPLE",
        title="Sample: e-mail delayed for all staff",
        impact="Staff cannot send or receive e-mail; order confirmations are delayed",
        severity="SEV1",
        bridge="https://meet.example.org/sample",
        external_ref="CHG-0001",
        workaround="Use webmail at https://mail.example.org",
        users_affected=1200,
        services=["Email", "Order portal"],
        status=Status.IDENTIFIED,
        key_times=times,
        roles={"mim": RoleHolder("mim", SAMPLE_MIM.name, ago(80), "sample-role")},
        notes=notes,
        postmortem={
            "summary": "A full disk stopped the mail gateway.",
            "business_impact": "Orders were confirmed two hours late.",
            "root_cause": "The gateway's log volume filled up.",
        },
        followups={"sample-1": FollowUp("sample-1", "Alert when the log volume is 80% full")},
    )


def sample_messages(
    comms: CommsSettings, audiences: Iterable[str], now: datetime
) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, audience, values) for every kind, for each audience and for each style: an
    audience id the site does not style gets one made up for each style nobody has."""
    named = list(dict.fromkeys(audiences))
    styles = dict(comms.audience_style)
    for style in STYLES:
        if style not in (styles.get(a, "business") for a in named):
            named.append(f"sample_{style}")
            styles[f"sample_{style}"] = style
    comms = replace(comms, audience_style=styles)
    timers = TimerPolicy(
        audiences=tuple(Audience(a, a.replace("_", " ").capitalize()) for a in named),
        cadence={"SEV1": dict.fromkeys(named, 30)},
    )
    state = sample_state(now)
    out = []
    for kind in KINDS:
        for audience in named:
            facts = message_context.MessageFacts(
                severity_label="SEV1 Critical",
                audience_label=timers.audience_label(audience),
                severity_major=True,
                timers=timers,
                comms=comms,
                mim=SAMPLE_MIM,
                data_lost=False,
                reason="Only one office is affected",
            )
            values = message_context.build(
                state, reference=state.reference, kind=kind, audience=audience, facts=facts, now=now
            )
            out.append((kind, audience, values))
    return out


def sample_pages(comms: CommsSettings, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """(template, values) for the HTML pages, with the values their callers pass."""
    shown = message_context.when(now, message_context.zone(comms), now)
    message = {
        "subject": "[MI-SAMPLE] SEV1 Update: e-mail delayed",
        "paragraphs": paragraphs(_BODY),
        "footer": "Sent by MIM Desk",
        "reference": "MI-SAMPLE",
    }
    incident = {
        "reference": "MI-SAMPLE",
        "headline": "E-mail delayed",
        "status": "Identified",
        "resolved": False,
        "updated_at": shown,
        "updates": [{"at": shown, "paragraphs": paragraphs(_BODY)}],
    }
    page = {
        "title": comms.status_page_title,
        "generated_at": shown,
        "incidents": [incident, {**incident, "reference": "MI-OLDER", "resolved": True}],
    }
    return [("message.html.j2", message), ("statuspage.html.j2", page)]


def check_folder(
    folder: Path, comms: CommsSettings, audiences: Iterable[str] = ()
) -> list[TemplateProblem]:
    """Every problem of the site templates in ``folder``, each naming its file and line."""
    templates = Templates(folder)
    problems = templates.check_all()
    # Audiences a file is named for (update.customers.txt.j2) are rendered too.
    named = [p.name.split(".")[1] for p in Path(folder).glob("*.*.txt.j2")]
    now = datetime.now(UTC)
    for kind, audience, values in sample_messages(comms, [*audiences, *named], now):
        _collect(problems, templates.render_message, kind, audience, values)
    for name, values in sample_pages(comms, now):
        _collect(problems, templates.render_html, name, values)
    return problems


def _collect(problems: list[TemplateProblem], render: Callable[..., object], *args: Any) -> None:
    """Render; a problem not found already joins ``problems``."""
    try:
        render(*args)
    except TemplateProblem as exc:
        if str(exc) not in {str(p) for p in problems}:
            problems.append(exc)
