"""``mimdesk assess``, ``declare``, ``reject``, ``severity``, ``candidates`` and ``stats``:
deciding whether a reported incident is a major one, without the GUI.

The parsers stay with the other core commands' in :mod:`mimdesk.cli_parsers`, where they keep
their place in ``mimdesk --help``; :mod:`mimdesk.cli` imports this module only to run one of
these commands (``CORE_HANDLER_MODULES``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from mimdesk.errors import InvalidInput

Handler = Callable[[Any, argparse.Namespace], int]


def _parse_answer(checklist: Any, text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    criterion = checklist.criterion(key.strip())
    if not sep or criterion is None:
        ids = ", ".join(c.id for c in checklist.criteria)
        raise InvalidInput(f"{text!r} is not an answer.", f"Use ID=VALUE with ID one of: {ids}.")
    raw = raw.strip()
    if raw.lower() in ("", "none", "?"):
        return criterion.id, None
    if criterion.kind == "yesno":
        if raw.lower() not in ("yes", "no", "y", "n", "true", "false"):
            raise InvalidInput(f"{criterion.id} takes yes or no, not {raw!r}.", "")
        return criterion.id, raw.lower() in ("yes", "y", "true")
    if criterion.kind == "number":
        try:
            return criterion.id, int(raw.replace(",", ""))
        except ValueError:
            raise InvalidInput(f"{criterion.id} takes a number, not {raw!r}.", "") from None
    return criterion.id, raw


def _cmd_assess(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import declaration

    checklist = app.settings.checklist
    if args.questions:
        for c in checklist.criteria:
            extra = ""
            if c.kind == "number":
                extra = f" (number; met at {c.threshold:,.0f} or more)"
            elif c.kind == "choice":
                extra = " (" + " | ".join(f"{ch.value}={ch.label}" for ch in c.choices) + ")"
            else:
                extra = " (yes/no)"
            print(f"{c.id}: {c.question}{extra}")
        return 0
    answers = declaration.suggested_answers(app.ctx, reference=args.ref, checklist=checklist)
    answers.update(_parse_answer(checklist, a) for a in args.answer)
    recommendation, _ = declaration.assess(
        app.ctx, reference=args.ref, checklist=checklist, answers=answers
    )
    print(recommendation.sentence())
    if recommendation.severity:
        print(f"Suggested severity: {app.settings.severity_label(recommendation.severity)}")
    return 0


def _cmd_declare(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import declaration

    declaration.declare(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        severity=args.severity.upper(),
        mim=args.mim or declaration.suggested_mim(app.ctx),
        rationale=args.rationale,
    )
    return 0


def _cmd_reject(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import declaration

    declaration.reject(app.ctx, reference=args.ref, rationale=args.rationale)
    return 0


def _cmd_severity(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import declaration

    declaration.change_severity(
        app.ctx,
        reference=args.ref,
        settings=app.settings,
        severity=args.severity.upper(),
        rationale=args.rationale,
    )
    return 0


def _cmd_candidates(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.domain.clock import format_duration
    from mimdesk.usecases import declaration

    queue = declaration.candidate_queue(app.ctx)
    if not queue:
        print("No candidates waiting for a decision.")
    for q in queue:
        print(f"{q.summary.reference}  waiting {format_duration(q.age)}  {q.summary.title}")
    return 0


def _cmd_stats(app: Any, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from mimdesk.usecases import declaration

    now = app.ctx.now()
    stats = declaration.escalation_stats(app.ctx, since=now - timedelta(days=args.days))
    print(f"Last {args.days} days: {stats.sentence()}")
    return 0


HANDLERS: dict[str, Handler] = {
    "assess": _cmd_assess,
    "declare": _cmd_declare,
    "reject": _cmd_reject,
    "severity": _cmd_severity,
    "candidates": _cmd_candidates,
    "stats": _cmd_stats,
}
