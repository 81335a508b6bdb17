"""The postmortem PDF's figure: an incident of 2,000 timeline entries and 100 messages.

Measured through the use case the app runs (``postmortem.export_pdf``: read the log, fold it,
build the timeline and the figures, lay out every page with platypus, embed the font, write
the file). Beside it, the floor: reportlab writing the same text with no layout at all, one
``canvas.drawString`` per line in the same embedded font, a new page every 60 lines.

    uv run python -m tests.benchmarks.bench_pdf            # this figure alone
    uv run python -m tests.benchmarks.bench_pdf --quick
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from mimdesk import demo
from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.domain.vocabulary import NOTE_KINDS
from mimdesk.usecases import declaration, incidents, postmortem
from mimdesk.usecases.context import Context

from .common import Figure, Workspace, median, render, workspace

PDF_TARGET_S = 3.0
ZONE = ZoneInfo("Europe/London")


def _texts() -> list[str]:
    """Real-looking notes of realistic lengths: the demo's."""
    script = demo.read_script()
    return [
        str(step["text"])
        for plan in script["incidents"]
        for step in plan["steps"]
        if step["do"] == "note"
    ]


def build_incident(ctx: Context, settings: object, entries: int, messages: int) -> str:
    """A resolved SEV1 with ``entries`` timeline entries, ``messages`` of them updates sent
    (each a few paragraphs long), written to the log in batches."""
    start = ctx.now() - timedelta(days=3)
    tick = itertools.count()

    def at() -> datetime:
        return start + timedelta(seconds=45 * next(tick))

    clocked = replace(ctx, now=at)
    summary, _ = incidents.report(
        clocked, title="PDF benchmark: a night-long outage", severity="SEV1"
    )
    ref = summary.reference
    declaration.declare(
        clocked,
        reference=ref,
        settings=settings,
        severity="SEV1",
        mim="Ana Costa",
        rationale="Benchmark",
    )
    texts = itertools.cycle(_texts())
    kinds = itertools.cycle(NOTE_KINDS)
    audiences = itertools.cycle(["executives", "business", "it_staff", "service_desk"])
    people = itertools.cycle(["Ana Costa", "Ben Carter", "Ελένη Παπαδοπούλου", "Дмитрий Иванов"])
    written = 3  # reported, decided, the MIM assigned
    every = max((entries - written) // max(messages, 1), 1)
    batch = []
    sent = 0
    for n in range(entries - written - 1):
        author = replace(clocked, author=replace(ctx.author, name=next(people)))
        if n % every == 0 and sent < messages:
            sent += 1
            body = "\n\n".join(next(texts) for _ in range(4))
            batch.append(
                author.event(
                    summary.stream_id,
                    schema.decode(
                        EventType.MESSAGE_SENT,
                        1,
                        {
                            "audience": next(audiences),
                            "channel": "email",
                            "subject": f"Card payments: update {sent}",
                            "body": body,
                            "recipients": ["it-all@example.org", "execs@example.org"],
                        },
                    ),
                )
            )
        else:
            batch.append(
                author.event(
                    summary.stream_id,
                    schema.decode(
                        EventType.NOTE_ADDED, 1, {"text": next(texts), "kind": next(kinds)}
                    ),
                )
            )
        if len(batch) >= 500:
            ctx.log.append(batch)
            batch = []
    batch.append(
        clocked.event(
            summary.stream_id, schema.decode(EventType.STATUS_CHANGED, 1, {"to": "resolved"})
        )
    )
    ctx.log.append(batch)
    return ref


def floor_seconds(lines: list[str], out: Path) -> float:
    """reportlab with no layout: every line drawn where it falls, 60 to a page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from mimdesk.reports import fonts

    fonts.register()
    started = time.perf_counter()
    canvas = Canvas(str(out), pagesize=A4, invariant=1)
    y = 800.0
    canvas.setFont(fonts.REGULAR, 8)
    for line in lines:
        if y < 40:
            canvas.showPage()
            canvas.setFont(fonts.REGULAR, 8)
            y = 800.0
        canvas.drawString(40, y, line)
        y -= 12.5
    canvas.save()
    return time.perf_counter() - started


def bench_pdf(
    ws: Workspace, entries: int = 2_000, messages: int = 100, runs: int = 3
) -> list[Figure]:
    app = ws.open("pdf.sqlite3")
    try:
        ref = build_incident(app.ctx, app.settings, entries, messages)
        view = incidents.get(app.ctx, ref)
        out = ws.root / "postmortem.pdf"
        samples = []
        pages = 0
        for _ in range(runs):
            started = time.perf_counter()
            # The same file each run: replacing it is asked for, as the window asks.
            result = postmortem.export_pdf(
                app.ctx, reference=ref, settings=app.settings, out=out, zone=ZONE, force=True
            )
            samples.append(time.perf_counter() - started)
            pages = result.pages
        # The same words, drawn without layout: every entry on a line (long ones cut in
        # 120-character lines, as a wrap would), every message's text in full.
        lines = []
        for t in view.timeline:
            text = f"{t.occurred_at:%H:%M} {t.author.name} {t.kind} {t.text}"
            lines += [text[i : i + 120] for i in range(0, len(text), 120)]
        for m in view.state.messages:
            for para in m.body.split("\n"):
                lines += [para[i : i + 120] for i in range(0, len(para), 120)]
        floors = [floor_seconds(lines, ws.root / "floor.pdf") for _ in range(runs)]
    finally:
        app.close()
    size = out.stat().st_size / 2**20
    note = (
        f"{len(view.timeline):,} timeline entries, {len(view.state.messages)} messages of about "
        f"{sum(len(m.body) for m in view.state.messages) // max(len(view.state.messages), 1):,} "
        f"characters; {pages} A4 pages, {size:.1f} MiB, through postmortem.export_pdf (median "
        f"of {runs}); floor: the same text as {len(lines):,} canvas.drawString lines, no layout"
    )
    return [
        Figure(
            "postmortem PDF",
            "s",
            median(samples),
            median(floors),
            PDF_TARGET_S,
            note,
        )
    ]


def run(quick: bool = False, base: Path | None = None) -> list[Figure]:
    """Measure and print the figure; returns it for a harness to collect."""
    with workspace(base) as ws:
        figures = bench_pdf(ws, entries=300, messages=20, runs=1) if quick else bench_pdf(ws)
    print(render(figures))
    return figures


if __name__ == "__main__":
    run(quick="--quick" in sys.argv[1:])
