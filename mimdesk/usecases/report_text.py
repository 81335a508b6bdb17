"""An incident as text (``mimdesk show``) and as a plain dict (``--json``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mimdesk.config import Settings, builtin_vocabularies
from mimdesk.domain import cadence, keytimes, precision
from mimdesk.domain.clock import elapsed, format_duration, format_local
from mimdesk.domain.next_step import next_step
from mimdesk.domain.payloads import RecommendationRecord
from mimdesk.domain.timeline import TimelineEntry
from mimdesk.domain.vocabulary import Vocabularies, describe_unlisted, out_of_vocabulary
from mimdesk.usecases.incidents import IncidentView


def clocks(view: IncidentView, now: datetime) -> dict[str, str]:
    times = view.state.key_times
    end = times["resolved_at"]
    return {
        "since reported": format_duration(elapsed(times["reported_at"], now, end)),
        "since declared": format_duration(elapsed(times["declared_at"], now, end)),
        "since mitigated": format_duration(elapsed(times["mitigated_at"], now, end)),
        "since impact started": format_duration(elapsed(times["impact_started_at"], now, end)),
    }


def clock_lines(view: IncidentView, now: datetime, settings: Settings) -> list[str]:
    lines = ["Clocks:"]
    for c in cadence.incident_clocks(view.state, settings.timers, now):
        value = format_duration(c.elapsed)
        extra = ""
        if c.target is not None and c.against_target is not None:
            # What the target is for, in words: the declared clock runs until service is restored.
            goal = {"reported": "resolve", "declared": "restore"}.get(c.name, "target")
            extra = (
                f"  ({goal} within {format_duration(c.target)} of the report: "
                f"{format_duration(c.against_target)} used, {c.level.value})"
            )
        if c.stopped:
            extra += "  stopped"
        lines.append(f"  {c.label:<22} {value}{extra}")
    return lines


def timer_lines(view: IncidentView, now: datetime, settings: Settings) -> list[str]:
    timers = cadence.update_timers(view.state, settings.timers, now)
    lines = ["Next update due:"]
    if not timers:
        lines.append("  No update cadence for this severity.")
    for t in timers:
        label = settings.timers.audience_label(t.audience)
        every = f"every {int(t.interval.total_seconds() // 60)} min"
        if t.level is cadence.Level.PAUSED:
            state = "paused" if t.due_at is None else f"paused (was due {format_local(t.due_at)})"
        elif t.remaining is not None and t.remaining.total_seconds() <= 0:
            state = f"OVERDUE by {format_duration(-t.remaining)} (was due {format_local(t.due_at)})"
        else:
            state = f"{format_local(t.due_at)}, in {format_duration(t.remaining)}"
        lines.append(f"  {label:<22} {state}  [{every}]")
    return lines


def show(view: IncidentView, now: datetime, settings: Settings, *, timeline: bool = False) -> str:
    s = view.state
    lines = [
        f"{view.reference}  {s.title}",
        f"Status:        {s.status.label}" + (f" (reopened {s.reopened}x)" if s.reopened else ""),
        f"Severity:      {settings.severity_label(s.severity) if s.severity else 'not set'}",
        f"Impact:        {s.impact or '—'}",
        f"Users:         {s.users_affected if s.users_affected is not None else 'unknown'}",
        f"Services:      {', '.join(s.services) or '—'}",
    ]
    if s.bridge:
        lines.append(f"Bridge:        {s.bridge}")
    if s.external_ref:
        lines.append(f"Ticket:        {s.external_ref}")
    if s.workaround:
        lines.append(f"Workaround:    {s.workaround}")
    step = next_step(s, settings.timers, now)
    if step is not None:
        lines.append(f"Next:          {step.text}")
    vocab = settings.vocabularies()
    unlisted = out_of_vocabulary(s, vocab)
    if unlisted:
        lines.append(f"Flagged:       kept as recorded, {describe_unlisted(unlisted)}")
    lines.append("")
    lines.append("Roles:")
    if not s.roles:
        lines.append("  (nobody assigned)")
    for role in settings.roles:
        held = s.roles.get(role.id)
        if held:
            lines.append(f"  {role.label:<24} {held.person} (since {format_local(held.since)})")
            if role.duties:
                done = len(s.duties_done.get(role.id, set()) & set(role.duties))
                lines.append(f"  {'':<24} duties done: {done} of {len(role.duties)}")
    handovers = [c for c in s.role_history if c.handed_over_from]
    for c in handovers:
        lines.append(
            f"  Handover {vocab.roles.label(c.role)}: {c.handed_over_from} -> {c.person}"
            f" at {format_local(c.at)}" + (f" ({c.note})" if c.note else "")
        )
    for role_id, held in s.roles.items():
        if role_id not in {r.id for r in settings.roles}:
            # Named as recorded: the site's list has no label for it (flagged above).
            lines.append(f"  {role_id:<24} {held.person}")
    lines.append("")
    lines.extend(declaration_lines(view))
    lines.append("")
    lines.append("Key times:")
    for name, label in keytimes.KEY_TIMES.items():
        rough = s.time_precision.get(name, "")
        when = s.key_times[name]
        shown = format_local(when) if precision.is_exact(rough) else precision.shown(when, rough)
        lines.append(f"  {label.capitalize():<16} {shown}")
    lines.append("")
    lines.extend(clock_lines(view, now, settings))
    lines.append("")
    lines.extend(timer_lines(view, now, settings))
    if cadence.mim_missing(s):
        lines.append("")
        lines.append("WARNING: no Major Incident Manager is named. Assign one now.")
    if s.conflicts:
        lines.append("")
        lines.append(f"Not applied: {len(s.conflicts)} entries (see the timeline)")
    if timeline:
        lines.append("")
        lines.append(f"Timeline ({len(view.timeline)} entries):")
        for t in view.timeline:
            flag = ""
            if t.retracted:
                flag = " [withdrawn]"
            elif t.corrected_by:
                flag = " [corrected]"
            if t.not_applied:
                flag += f" [not applied: {t.not_applied}]"
            at = format_local(t.occurred_at) if t.exact else t.when()
            lines.append(f"  {at}  {t.author.name}: {t.text}{flag}")
    return "\n".join(lines)


def declaration_lines(view: IncidentView) -> list[str]:
    s = view.state
    lines = ["Declaration:"]
    if s.assessment is None:
        lines.append("  Not assessed against the checklist.")
    else:
        a = s.assessment
        rec = a.recommendation
        outcome = "declaring" if rec.outcome == "declare" else "handling it as a normal incident"
        lines.append(
            f"  Assessed by {a.by.name} at {format_local(a.at)}: recommends {outcome}"
            f" (score {rec.score}, {rec.threshold} declares)"
        )
        for reason in rec.reasons:
            lines.append(f"    - {reason}")
        for criterion, answer in a.answers.items():
            shown = (
                {True: "yes", False: "no"}.get(answer, answer)
                if isinstance(answer, bool)
                else answer
            )
            lines.append(f"    {criterion}: {shown}")
        if len(s.assessments) > 1:
            lines.append(f"  ({len(s.assessments)} assessments in all; the latest is shown)")
    if s.decision is None:
        lines.append("  No decision yet.")
    else:
        d = s.decision
        what = f"Declared {d.severity}".strip() if d.decision == "declare" else "Rejected"
        if d.decision == "declare" and not s.declared_formally:
            what = "Handled as a major incident, never formally declared"
        lines.append(f"  Decision: {what} by {d.by.name} at {format_local(d.at)}")
        if d.overrides_recommendation:
            lines.append("  (against the checklist's recommendation)")
        if d.rationale:
            lines.append(f"  Rationale: {d.rationale}")
    return lines


def as_dict(
    view: IncidentView,
    now: datetime,
    vocab: Vocabularies | None = None,
    *,
    timeline: bool = False,
) -> dict[str, Any]:
    """The incident as ``show --json`` prints it (with ``timeline``, ``show --timeline
    --json``: its entries too). The values the site's lists (``vocab``, else the built-in
    settings') lack are listed under ``not_in_vocabulary``."""
    s = view.state
    unlisted = out_of_vocabulary(s, vocab or builtin_vocabularies())
    shown = {
        "reference": view.reference,
        "id": s.stream_id,
        "title": s.title,
        "status": s.status.value,
        "severity": s.severity,
        "impact": s.impact,
        "users_affected": s.users_affected,
        "services": s.services,
        "roles": {r: h.person for r, h in s.roles.items()},
        "key_times": {k: v.isoformat() if v else None for k, v in s.key_times.items()},
        "clocks": clocks(view, now),
        "assessment": (
            {
                "answers": s.assessment.answers,
                "recommendation": _recommendation(s.assessment.recommendation),
            }
            if s.assessment
            else None
        ),
        "decision": (
            {
                "decision": s.decision.decision,
                "severity": s.decision.severity,
                "rationale": s.decision.rationale,
                "by": s.decision.by.name,
                "at": s.decision.at.isoformat(),
            }
            if s.decision
            else None
        ),
        "timeline_entries": len(view.timeline),
        "not_applied": [c.reason for c in s.conflicts],
        "not_in_vocabulary": [{"what": u.noun, "value": u.value} for u in unlisted],
    }
    if timeline:
        shown["timeline"] = [_entry(t) for t in view.timeline]
    return shown


def _entry(t: TimelineEntry) -> dict[str, Any]:
    """One timeline entry as ``show --timeline --json`` prints it: what the window shows."""
    return {
        "event_id": t.event_id,
        "occurred_at": t.occurred_at.isoformat(),
        "recorded_at": t.recorded_at.isoformat(),
        "author": t.author.name,
        "login": t.author.login,
        "desk_id": t.desk_id,
        "kind": t.kind,
        "text": t.text,
        "is_note": t.is_note,
        "corrected_by": t.corrected_by,
        "corrects": t.corrects,
        "retracted": t.retracted,
        "original_text": t.original_text,
        "not_applied": t.not_applied,
        "concurrent_with": t.concurrent.other_event_id if t.concurrent else None,
    }


def _recommendation(rec: RecommendationRecord) -> dict[str, Any]:
    """The recommendation as ``--json`` has always shown it: every key the checklist records."""
    return {
        "outcome": rec.outcome,
        "score": rec.score,
        "threshold": rec.threshold,
        "severity": rec.severity,
        "reasons": list(rec.reasons),
        "unanswered": list(rec.unanswered),
    }
