"""The postmortem: the review's fields, and the PDF leadership reads.

Every field is a POSTMORTEM_CHANGED event holding one field's new value, written only when the
value changes, so the log shows who wrote which part of the review and when. The PDF is built
from the incident's log and the fields (:mod:`mimdesk.reports.postmortem`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from mimdesk import outputs
from mimdesk.config import Settings
from mimdesk.domain import impact
from mimdesk.domain.declaration import answer_label
from mimdesk.domain.incident import POSTMORTEM_FIELDS, IncidentState
from mimdesk.domain.payloads import PostmortemChanged
from mimdesk.domain.review import DATE_FIELDS, LINE_FIELDS, TEXT_FIELDS, is_approved
from mimdesk.domain.timeline import TimelineEntry
from mimdesk.domain.vocabulary import POSTMORTEM_STATUSES, ROOT_CAUSE_STATES
from mimdesk.errors import InvalidInput, Refused
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import resolve, view
from mimdesk.usecases.validate import MAX_FIELD, choose, clean_text

# The fields whose values come from a closed list.
VOCABULARY_FIELDS = ("status", "root_cause_status")
MAX_NAME = 200
MAX_PROBLEM_REF = 100
MAX_AUTHORS = 30

Progress = Callable[[int, int], None]


def authors_of(postmortem: Mapping[str, str]) -> list[str]:
    """The authors field holds one name a line."""
    return [name for name in postmortem.get("authors", "").split("\n") if name.strip()]


def _authors(value: Any) -> str:
    if isinstance(value, str):
        names: Iterable[Any] = value.replace(";", "\n").split("\n")
    elif isinstance(value, Iterable):
        names = value
    else:
        raise InvalidInput(f"Authors must be names, not {value!r}.", "Give a list of names.")
    cleaned = []
    for name in names:
        text = clean_text(str(name), what="author's name", limit=MAX_NAME, single_line=True)
        if text and text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_AUTHORS:
        raise InvalidInput(
            f"{len(cleaned)} authors is more than the {MAX_AUTHORS} a postmortem can name.",
            "Name the people who wrote it; list everyone else in the text.",
        )
    return "\n".join(cleaned)


def clean_field(name: str, value: Any) -> str:
    """Check and normalise one postmortem field; raises InvalidInput naming it."""
    if name not in POSTMORTEM_FIELDS:
        raise InvalidInput(
            f"The postmortem has no field {name!r}.",
            f"Fields are: {', '.join(POSTMORTEM_FIELDS)}.",
        )
    if value is None:
        value = ""
    if name in TEXT_FIELDS:
        return clean_text(str(value), what=TEXT_FIELDS[name].lower(), limit=MAX_FIELD)
    if name == "root_cause_status":
        return choose(ROOT_CAUSE_STATES, value) if value else ""
    if name == "status":
        return choose(POSTMORTEM_STATUSES, value)
    if name == "owner":
        return clean_text(str(value), what="owner's name", limit=MAX_NAME, single_line=True)
    if name == "problem_ref":
        return clean_text(
            str(value), what="problem record reference", limit=MAX_PROBLEM_REF, single_line=True
        )
    if name == "authors":
        return _authors(value)
    if name in LINE_FIELDS:
        text = clean_text(
            str(value), what=LINE_FIELDS[name].lower(), limit=MAX_NAME, single_line=True
        )
        bad = impact.problem(name, text) if name in impact.MEASURES else None
        if bad:
            raise InvalidInput(f"{bad}.", "Write the number as digits, e.g. about 3,000.")
        return text
    if name in DATE_FIELDS:
        if isinstance(value, date):
            return value.isoformat()[:10]
        text = str(value).strip()
        if not text:
            return ""
        try:
            if len(text) == 10:
                return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        raise InvalidInput(
            f"The {DATE_FIELDS[name]} {text!r} is not a date in the form YYYY-MM-DD.",
            "Give the date as year-month-day, e.g. 2026-12-03.",
        )
    raise AssertionError(name)  # every field in POSTMORTEM_FIELDS is handled above


def _final_problems(fields: Mapping[str, str]) -> list[str]:
    """What a postmortem marked final must have: a summary, and a root cause or, while it is
    still under investigation, the problem record that carries the investigation."""
    problems = []
    if not is_approved(fields):
        problems.append("nobody is recorded as approving it (an approver and the approval date)")
    if not fields.get("summary"):
        problems.append("it has no summary")
    if fields.get("root_cause_status") == "under investigation":
        if not fields.get("problem_ref"):
            problems.append("its root cause is under investigation but no problem record is named")
    elif not fields.get("root_cause"):
        problems.append(
            "it has no root cause (or mark it under investigation with a problem record)"
        )
    return problems


def set_fields(ctx: Context, *, reference: str, **fields: Any) -> Changes:
    """Set postmortem fields (see POSTMORTEM_FIELDS); writes one event per field that changes.

    ``root_cause_status`` is "known" or "under investigation" (then give ``problem_ref``, the
    problem record that carries the investigation); ``status`` is "draft" or "final";
    ``authors`` is a list of names (or one name a line).
    """
    if not fields:
        raise InvalidInput("No postmortem field given.", "Name a field to change.")
    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    # A status kept as recorded is not checked, even one this site's lists lack (from an
    # import or another desk): only what changes is.
    clean = {
        name: value
        if name in VOCABULARY_FIELDS and value == state.postmortem.get(name)
        else clean_field(name, value)
        for name, value in fields.items()
    }
    # A root cause written without saying otherwise is the known root cause.
    if (
        clean.get("root_cause")
        and "root_cause_status" not in clean
        and not state.postmortem.get("root_cause_status")
    ):
        clean["root_cause_status"] = "known"
    merged = {**state.postmortem, **clean}
    if merged.get("status") == "final":
        problems = _final_problems(merged)
        if problems:
            raise Refused(
                f"{summary.reference}: the postmortem cannot be final: {'; '.join(problems)}.",
                "Fill those in, or keep it as a draft.",
            )
    changed = [
        name
        for name in POSTMORTEM_FIELDS
        if name in clean and state.postmortem.get(name, "") != clean[name]
    ]
    if not changed:
        return Changes()
    ctx.log.append(
        [
            ctx.event(summary.stream_id, PostmortemChanged(field=name, value=clean[name]))
            for name in changed
        ]
    )
    return Changes(frozenset({summary.stream_id}))


def set_field(ctx: Context, *, reference: str, field: str, value: Any) -> Changes:
    return set_fields(ctx, reference=reference, **{field: value})


def key_figures(ctx: Context, *, reference: str, settings: Settings) -> Any:
    """The figures the PDF prints (durations against targets, updates on time per audience),
    for a window to show: a :class:`mimdesk.reports.pm_figures.KeyFigures`."""
    from mimdesk.reports import pm_figures

    summary = resolve(ctx, reference)
    incident = view(ctx, summary.stream_id, summary.reference)
    return pm_figures.key_figures(
        incident.state,
        incident.events,
        settings.timers,
        ctx.now(),
        entries=len(incident.timeline),
    )


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int


def export_pdf(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    out: Path,
    progress: Progress | None = None,
    page_size: str | None = None,
    zone: tzinfo | None = None,
    force: bool = False,
    brief: bool = False,
) -> PdfResult:
    """Write the postmortem PDF of an incident to ``out`` (with ``brief``, the one-page
    brief for an executive instead).

    ``progress(done, total)`` is called as the work advances (``total`` is fixed, 100), so a
    window can show a bar; ``page_size`` ("A4" or "Letter") overrides the setting; ``zone`` is
    the zone times are shown in (default: this desk's local zone). An existing ``out`` is
    replaced only with ``force``; the open database, a folder or a device never is.
    """
    from mimdesk.reports.postmortem import ReportData, write_postmortem
    from mimdesk.reports.postmortem.brief import write_brief

    summary = resolve(ctx, reference)
    incident = view(ctx, summary.stream_id, summary.reference)
    size = page_size or settings.report.page_size
    if size.casefold() not in ("a4", "letter"):
        raise InvalidInput(f"There is no page size {size!r}.", "Use A4 or Letter.")
    data = ReportData(
        reference=summary.reference,
        state=incident.state,
        events=tuple(incident.events),
        timeline=tuple(incident.timeline),
        generated_at=ctx.now(),
        policy=settings.timers,
        organisation=settings.report.organisation,
        classification=settings.report.classification,
        severity_labels={s.id: settings.severity_label(s.id) for s in settings.severities},
        role_labels={r.id: r.label for r in settings.roles},
        questions={c.id: c.question for c in settings.checklist.criteria},
        answers=_answers_in_words(incident.state, settings),
        signed_by_another=signed_by_another(ctx, incident.timeline),
        sections=settings.report.sections,
    )
    out = Path(out)
    protected = outputs.database_files(ctx.log.engine.url.database)
    if brief:
        if progress is not None:
            progress(0, 100)
        pages = write_brief(data, out, page_size=size, zone=zone, force=force, protected=protected)
        if progress is not None:
            progress(100, 100)
        return PdfResult(out, pages)
    pages = write_postmortem(
        data,
        out,
        page_size=size,
        zone=zone,
        progress=progress,
        force=force,
        protected=protected,
    )
    return PdfResult(out, pages)


def signed_by_another(ctx: Context, entries: Sequence[TimelineEntry]) -> dict[str, str]:
    """The entries signed with a name that is not their account's person in the directory:
    event id -> the person the account is."""
    accounts = directory_uc.accounts(ctx)
    out = {}
    for entry in entries:
        owner = accounts.signed_as_another(entry.author)
        if owner is not None:
            out[entry.event_id] = owner.name
    return out


def _answers_in_words(state: IncidentState, settings: Settings) -> dict[str, str]:
    """The last assessment's answers as the questions offer them ("More than four hours",
    not ``over_4h``)."""
    assessment = state.assessment
    if assessment is None:
        return {}
    checklist = settings.checklist
    return {
        cid: answer_label(checklist.criterion(cid), answer)
        for cid, answer in assessment.answers.items()
    }
