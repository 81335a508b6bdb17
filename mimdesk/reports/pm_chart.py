"""The timeline chart: the incident's phases as coloured bands on a time axis, and every update
sent as a tick on its audience's row. A reportlab.graphics Drawing, so it prints sharp."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from mimdesk.domain.incident import IncidentState
from mimdesk.reports import fonts

# (start key time, end key time, label, colour): the phases, in order.
PHASES = (
    ("impact_started_at", "reported_at", "Impact before the report", "#b9b9b9"),
    ("reported_at", "declared_at", "Reported, not yet declared", "#f0ad4e"),
    ("declared_at", "mitigated_at", "Declared, service not restored", "#d9534f"),
    ("mitigated_at", "resolved_at", "Mitigated, not yet resolved", "#5b9bd5"),
)
TICK_COLOUR = "#1f3b57"
STEPS_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)


@dataclass(frozen=True, slots=True)
class Phase:
    label: str
    colour: str
    start: datetime
    end: datetime
    open_ended: bool  # the phase had not ended when the report was printed


def phases(state: IncidentState, end: datetime) -> list[Phase]:
    """The phases that happened. Each ends at the next key time that is set (a phase may be
    skipped: declared at once, resolved without a separate mitigation) or, still running when
    the report was printed, at ``end``."""
    t = state.key_times
    order = [p[0] for p in PHASES] + ["resolved_at"]
    out = []
    for i, (start_key, _, label, colour) in enumerate(PHASES):
        start = t[start_key]
        if start is None:
            continue
        later = [v for k in order[i + 1 :] if (v := t[k]) is not None]
        stop = min(later) if later else None
        if start_key == "impact_started_at" and t["reported_at"] is None:
            continue
        open_ended = stop is None
        stop = stop or end
        if stop > start:
            out.append(Phase(label, colour, start, stop, open_ended))
    return out


def _axis_step(span: timedelta, max_labels: int) -> timedelta:
    minutes = span.total_seconds() / 60
    for step in STEPS_MINUTES:
        if minutes / step <= max_labels:
            return timedelta(minutes=step)
    return timedelta(minutes=STEPS_MINUTES[-1])


def _first_tick(start: datetime, step: timedelta, zone: tzinfo | None) -> datetime:
    """The first round local time (a multiple of the step) at or after ``start``."""
    local = start.astimezone(zone)
    step_min = int(step.total_seconds() // 60)
    if step_min >= 1440:
        tick = local.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        minute_of_day = local.hour * 60 + local.minute
        rounded = (minute_of_day // step_min) * step_min
        tick = local.replace(hour=rounded // 60, minute=rounded % 60, second=0, microsecond=0)
    while tick < local:
        tick = (tick.astimezone(start.tzinfo) + step).astimezone(zone)
    return tick


def chart(
    state: IncidentState,
    *,
    width: float,
    audiences: Sequence[tuple[str, str]],
    end: datetime,
    zone: tzinfo | None,
) -> object:
    """The Drawing. ``audiences`` are (id, label) pairs, one row each, in the order to show;
    ``end`` closes the axis for an incident still open when printed."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    fonts.register()
    font, bold = fonts.REGULAR, fonts.BOLD
    t = state.key_times
    times = [v for v in t.values() if v is not None] + [m.at for m in state.messages]
    start = min(times) if times else end
    stop = max([*times, t["resolved_at"] or end])
    if stop <= start:
        stop = start + timedelta(minutes=30)
    # A little air at both ends, so that the first and last ticks are not on the frame.
    pad = (stop - start) * 0.02
    start, stop = start - pad, stop + pad

    label_width = max(
        [stringWidth("Phases", bold, 7.5)]
        + [stringWidth(label, font, 7.5) for _, label in audiences]
    )
    label_width = min(label_width + 8, width * 0.3)
    left = label_width
    right = width - 6
    plot = right - left
    row = 15
    band_h = 16
    legend_rows = (len(PHASES) + 1) // 2 + 1
    axis_h = 26
    height = axis_h + row * len(audiences) + band_h + 10 + legend_rows * 12 + 6
    d = Drawing(width, height)

    total = (stop - start).total_seconds()

    def x(when: datetime) -> float:
        return left + plot * ((when - start).total_seconds() / total)

    # Rows of audiences, from the top down: the band first, then one row per audience.
    top = height - legend_rows * 12 - 4
    band_y = top - band_h
    d.add(String(2, band_y + band_h / 2 - 3, "Phases", fontName=bold, fontSize=7.5))
    for phase in phases(state, end):
        x0, x1 = x(phase.start), x(phase.end)
        d.add(
            Rect(
                x0,
                band_y,
                max(x1 - x0, 0.8),
                band_h,
                fillColor=colors.HexColor(phase.colour),
                strokeColor=None,
            )
        )
    grid_top = band_y
    rows_bottom = band_y - row * len(audiences) - 4
    for i, (audience, label) in enumerate(audiences):
        y = band_y - 4 - row * (i + 1) + row / 2
        shown = label
        while stringWidth(shown, font, 7.5) > label_width - 6 and len(shown) > 4:
            shown = shown[:-2] + "…"
        d.add(String(2, y - 2.5, shown, fontName=font, fontSize=7.5))
        d.add(Line(left, y, right, y, strokeColor=colors.HexColor("#d0d0d0"), strokeWidth=0.5))
        for m in state.messages:
            if m.audience == audience:
                mx = x(m.at)
                d.add(
                    Line(
                        mx,
                        y - 5,
                        mx,
                        y + 5,
                        strokeColor=colors.HexColor(TICK_COLOUR),
                        strokeWidth=1.2,
                    )
                )
    # The time axis, with round local times.
    axis_y = rows_bottom
    d.add(Line(left, axis_y, right, axis_y, strokeColor=colors.black, strokeWidth=0.6))
    step = _axis_step(stop - start, max_labels=max(int(plot // 55), 2))
    tick = _first_tick(start, step, zone)
    last_date = None
    while tick <= stop:
        tx = x(tick)
        d.add(Line(tx, axis_y, tx, axis_y - 3, strokeColor=colors.black, strokeWidth=0.6))
        # Grid lines go beneath everything else: the rows' ticks, not the grid, catch the eye.
        d.contents.insert(
            0,
            Line(
                tx,
                axis_y,
                tx,
                grid_top,
                strokeColor=colors.HexColor("#e4e4e4"),
                strokeWidth=0.4,
            ),
        )
        local = tick.astimezone(zone)
        d.add(
            String(
                tx,
                axis_y - 11,
                local.strftime("%H:%M"),
                fontName=font,
                fontSize=7,
                textAnchor="middle",
            )
        )
        if local.date() != last_date:
            d.add(
                String(
                    tx,
                    axis_y - 20,
                    local.strftime("%d %b"),
                    fontName=font,
                    fontSize=6.5,
                    textAnchor="middle",
                    fillColor=colors.HexColor("#555555"),
                )
            )
            last_date = local.date()
        tick = (tick.astimezone(start.tzinfo) + step).astimezone(zone)
    zone_name = start.astimezone(zone).strftime("%Z")
    d.add(String(2, axis_y - 11, f"Time ({zone_name})", fontName=font, fontSize=7))
    # The band's outline, so that a phase still open at the end reads as a bar.
    d.add(
        Rect(
            left,
            band_y,
            plot,
            band_h,
            fillColor=None,
            strokeColor=colors.HexColor("#888888"),
            strokeWidth=0.4,
        )
    )
    # The legend, two columns, at the top.
    legend_top = height - 10
    items: list[tuple[str, str, bool]] = [(label, colour, False) for _, _, label, colour in PHASES]
    items.append(("An update sent to the audience", TICK_COLOUR, True))
    col_w = (width - 4) / 2
    for i, (label, colour, is_tick) in enumerate(items):
        lx = 2 + (i % 2) * col_w
        ly = legend_top - (i // 2) * 12
        if is_tick:
            d.add(
                Line(
                    lx + 4,
                    ly - 2,
                    lx + 4,
                    ly + 7,
                    strokeColor=colors.HexColor(colour),
                    strokeWidth=1.2,
                )
            )
        else:
            d.add(Rect(lx, ly - 1, 9, 7, fillColor=colors.HexColor(colour), strokeColor=None))
        d.add(String(lx + 13, ly, label, fontName=font, fontSize=7))
    return d
