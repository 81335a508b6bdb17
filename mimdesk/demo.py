"""Demo incidents a new user can explore: a resolved SEV1 with a night-long timeline, a major
incident still running, and a candidate that was not declared.

The script lives in ``resources/demo/demo.toml``. It is played through the use cases, exactly
as a desk would have written it, so the demo also exercises validation, the fold and the
projection. Its times are relative to ``ctx.now()``, so the demo always looks current.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from mimdesk import config
from mimdesk.config import Settings
from mimdesk.domain.declaration import Checklist
from mimdesk.domain.events import Author
from mimdesk.paths import default_paths
from mimdesk.resources import resource_path
from mimdesk.usecases import declaration, incidents, roles, timeline, timers
from mimdesk.usecases.context import Context

Step = Mapping[str, Any]

# The night-long incident must have ended at least this long before now, so that a desk opening
# the demo sees it resolved and not still unfolding.
QUIET_AFTER = timedelta(minutes=30)


def load(
    ctx: Context,
    progress: Callable[[int, int], None] | None = None,
    *,
    settings: Settings | None = None,
) -> list[str]:
    """Write the demo incidents; returns their references.

    ``settings`` are the ones in force (severities, checklist); without them the demo reads
    them as the app would. ``ctx`` itself is never changed: the GUI may run this in a worker
    while its own context goes on writing, so each step gets a private copy with the step's
    author and time.
    """
    if settings is None:
        settings = config.load_settings(default_paths())
    script = read_script()
    people = {
        key: Author(str(p["name"]), str(p.get("login", ""))) for key, p in script["people"].items()
    }
    plans: list[Mapping[str, Any]] = script["incidents"]
    total = sum(len(plan["steps"]) for plan in plans)
    now = ctx.now()
    done = 0
    stream_ids = []
    for plan in plans:
        player = _Player(ctx, settings, people, _Times.for_plan(plan, now))
        for step in plan["steps"]:
            player.play(step)
            done += 1
            if progress:
                progress(done, total)
        stream_ids.append(player.stream_id)
    # Read the references back: the projection may have lengthened one to settle a clash.
    refs = []
    for stream_id in stream_ids:
        summary = ctx.log.summary(stream_id)
        assert summary is not None
        refs.append(summary.reference)
    return refs


def read_script() -> dict[str, Any]:
    with resource_path("demo", "demo.toml").open("rb") as f:
        return tomllib.load(f)


class _Times:
    """Turns the script's relative times into instants.

    A ``midnight`` plan gives clock times around a local midnight (12:00 and later is the
    evening before), so its timeline crosses a date; a ``now`` plan gives minutes ago.
    """

    def __init__(self, anchor: str, base: datetime) -> None:
        self.anchor = anchor
        self.base = base

    @classmethod
    def for_plan(cls, plan: Mapping[str, Any], now: datetime) -> _Times:
        anchor = plan.get("anchor")
        if anchor == "now":
            # Whole minutes, as a person would give them; flooring keeps every time in the past.
            return cls("now", now.replace(second=0, microsecond=0))
        if anchor != "midnight":
            raise ValueError(f"demo script: unknown anchor {anchor!r}")
        # The local midnight, because that is where the timeline shows the date change.
        # A fixed offset is good enough here: a daylight-saving change in between only shifts
        # the story by an hour.
        midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        times = cls("midnight", midnight)
        latest = max(times.at(value) for step in plan["steps"] for value in _step_times(step))
        while latest > now - QUIET_AFTER:
            times.base -= timedelta(days=1)
            latest -= timedelta(days=1)
        return times

    def at(self, value: object) -> datetime:
        if self.anchor == "now":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"demo script: {value!r} is not a number of minutes ago")
            return self.base - timedelta(minutes=value)
        try:
            hour, minute = (int(part) for part in str(value).split(":"))
        except ValueError:
            raise ValueError(f"demo script: {value!r} is not a clock time HH:MM") from None
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError(f"demo script: {value!r} is not a clock time HH:MM")
        offset = timedelta(hours=hour, minutes=minute)
        if hour >= 12:
            offset -= timedelta(days=1)
        return self.base + offset


def _step_times(step: Step) -> list[object]:
    keys = ("at", "ago", "written", "when", "detected", "impact_started")
    return [step[key] for key in keys if key in step]


class _Player:
    """Plays one incident's steps through the use cases."""

    def __init__(
        self, ctx: Context, settings: Settings, people: Mapping[str, Author], times: _Times
    ) -> None:
        self.ctx = ctx
        self.settings = settings
        self.people = people
        self.times = times
        self.reference = ""
        self.stream_id = ""
        self.note_ids: dict[str, str] = {}

    def person(self, key: str) -> Author:
        try:
            return self.people[key]
        except KeyError:
            raise ValueError(f"demo script: nobody called {key!r} in [people]") from None

    def optional_time(self, value: object | None) -> datetime | None:
        return None if value is None else self.times.at(value)

    def play(self, step: Step) -> None:
        action = step["do"]
        if action != "report" and not self.reference:
            raise ValueError("demo script: an incident's first step must be 'report'")
        happened = self.times.at(step["at"] if "at" in step else step["ago"])
        written = self.optional_time(step.get("written")) or happened
        if written < happened:
            raise ValueError(f"demo script: a step is written before it happened: {step}")
        # The step's own author and clock: a use case stamps both on the events it writes.
        ctx = replace(self.ctx, author=self.person(step["by"]), now=_fixed(written), replaying=True)
        ref = self.reference
        match action:
            case "report":
                self.report(ctx, step)
            case "note":
                self.add_note(ctx, step, happened)
            case "assess":
                self.assess(ctx, step)
            case "declare":
                self.declare(ctx, step)
            case "reject":
                declaration.reject(ctx, reference=ref, rationale=step["rationale"])
            case "status":
                incidents.change_status(
                    ctx,
                    reference=ref,
                    to=step["to"],
                    reason=step.get("reason", ""),
                    occurred_at=happened,
                )
            case "field":
                incidents.change_field(ctx, reference=ref, field=step["field"], value=step["value"])
            case "time":
                incidents.set_key_time(
                    ctx, reference=ref, name=step["name"], when=self.times.at(step["when"])
                )
            case "assign":
                roles.assign(
                    ctx,
                    reference=ref,
                    role=step["role"],
                    person=self.person(step["person"]).name,
                    note=step.get("note", ""),
                )
            case "handover":
                roles.handover(
                    ctx,
                    reference=ref,
                    role=step["role"],
                    to=self.person(step["person"]).name,
                    note=step.get("note", ""),
                )
            case "correct":
                timeline.correct(ctx, reference=ref, target=self.note(step), text=step["text"])
            case "withdraw":
                timeline.correct(
                    ctx, reference=ref, target=self.note(step), text=step.get("text"), retract=True
                )
            case _:
                raise ValueError(f"demo script: unknown step {action!r}")

    def report(self, ctx: Context, step: Step) -> None:
        """The first step: the incident is reported, and from now on the steps name it."""
        summary, _ = incidents.report(
            ctx,
            title=step["title"],
            impact=step.get("impact", ""),
            severity=self.severity(step.get("severity", ""), major=False),
            users_affected=step.get("users_affected"),
            services=list(step.get("services", [])),
            impact_started_at=self.optional_time(step.get("impact_started")),
            detected_at=self.optional_time(step.get("detected")),
        )
        self.reference, self.stream_id = summary.reference, summary.stream_id

    def add_note(self, ctx: Context, step: Step, happened: datetime) -> None:
        """A timeline entry, kept under its id for a later correction, and sent to the
        audiences the step names."""
        ref = self.reference
        event_id, _ = timeline.add_note(
            ctx, reference=ref, text=step["text"], kind=step["kind"], occurred_at=happened
        )
        if "id" in step:
            self.note_ids[step["id"]] = event_id
        title = incidents.resolve(ctx, ref).title
        for audience in step.get("send", []):
            # The update as it went out, so timers, the log and the postmortem's
            # on-time figures have something real to show.
            timers.record_update(
                ctx,
                reference=ref,
                settings=self.settings,
                audience=audience,
                channel="email",
                subject=f"[{ref}] {title}: update",
                text=step["text"],
                sent_at=happened,
            )

    def assess(self, ctx: Context, step: Step) -> None:
        checklist = self.settings.checklist
        declaration.assess(
            ctx,
            reference=self.reference,
            checklist=checklist,
            answers=_known_answers(checklist, step["answers"]),
        )

    def declare(self, ctx: Context, step: Step) -> None:
        declaration.declare(
            ctx,
            reference=self.reference,
            settings=self.settings,
            severity=self.severity(step["severity"], major=True),
            mim=self.person(step["mim"]).name,
            rationale=step["rationale"],
        )

    def severity(self, wanted: str, *, major: bool) -> str:
        """The script's severity, or the nearest one this site defines (IT may rename them)."""
        known = self.settings.severities
        if any(s.id == wanted and (s.major or not major) for s in known):
            return wanted
        if not wanted:
            return ""
        fitting = [s.id for s in known if s.major == major]
        return fitting[0] if fitting else ""

    def note(self, step: Step) -> str:
        try:
            return self.note_ids[step["target"]]
        except KeyError:
            raise ValueError(f"demo script: no earlier note with id {step['target']!r}") from None


def _known_answers(checklist: Checklist, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The script's answers to the questions this site still asks, in the form it asks them."""
    kinds = {"yesno": bool, "number": int, "choice": str}
    kept = {}
    for criterion_id, answer in answers.items():
        criterion = checklist.criterion(criterion_id)
        if criterion is None or type(answer) is not kinds.get(criterion.kind):
            continue
        if criterion.kind == "choice" and criterion.choice(answer) is None:
            continue
        kept[criterion_id] = answer
    return kept


def _fixed(when: datetime) -> Callable[[], datetime]:
    return lambda: when
