"""The timeline chart: the incident's phases as coloured bands on a time axis, and every update
sent as a tick on its audience's row. A reportlab.graphics Drawing, so it prints sharp."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from mimdesk.domain.incident import IncidentState
from mimdesk.reports import fonts

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

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


# Heights in points: an audience's row, the phase band, the time axis below them and a line of
# the legend above (the phases two a line, then the update tick); the names' font size.
ROW_H = 15
BAND_H = 16
AXIS_H = 26
LEGEND_LINE_H = 12
LEGEND_ROWS = (len(PHASES) + 1) // 2 + 1
LABEL_SIZE = 7.5


@dataclass(frozen=True, slots=True)
class _Frame:
    """Where the chart's parts go: the time span drawn, the plot's edges and the band's place.
    Worked out once, so that every part puts a time at the same x."""

    start: datetime
    stop: datetime
    width: float
    height: float
    label_width: float  # the audiences' names, left of the plot
    right: float
    band_y: float  # the bottom of the phase band; the audiences' rows hang below it
    rows_bottom: float  # where the time axis is drawn

    @property
    def left(self) -> float:
        return self.label_width

    @property
    def plot(self) -> float:
        return self.right - self.left

    def x(self, when: datetime) -> float:
        total = (self.stop - self.start).total_seconds()
        return self.left + self.plot * ((when - self.start).total_seconds() / total)


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
    from reportlab.graphics.shapes import Drawing

    fonts.register()
    frame = _frame(state, width=width, audiences=audiences, end=end)
    d = Drawing(frame.width, frame.height)
    _draw_phases(d, frame, phases(state, end))
    _draw_audiences(d, frame, state, audiences)
    _draw_axis(d, frame, zone)
    _draw_band_outline(d, frame)
    _draw_legend(d, frame)
    return d


def _span(state: IncidentState, end: datetime) -> tuple[datetime, datetime]:
    """The times the axis runs between: every key time and message, ``end`` for an open one."""
    t = state.key_times
    times = [v for v in t.values() if v is not None] + [m.at for m in state.messages]
    start = min(times) if times else end
    stop = max([*times, t["resolved_at"] or end])
    if stop <= start:
        stop = start + timedelta(minutes=30)
    # A little air at both ends, so that the first and last ticks are not on the frame.
    pad = (stop - start) * 0.02
    return start - pad, stop + pad


def _frame(
    state: IncidentState, *, width: float, audiences: Sequence[tuple[str, str]], end: datetime
) -> _Frame:
    """The chart's size and where its parts go: the names of the audiences take the room they
    need on the left, up to 30% of the width, and the rest is the plot."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    start, stop = _span(state, end)
    label_width = max(
        [stringWidth("Phases", fonts.BOLD, LABEL_SIZE)]
        + [stringWidth(label, fonts.REGULAR, LABEL_SIZE) for _, label in audiences]
    )
    label_width = min(label_width + 8, width * 0.3)
    height = AXIS_H + ROW_H * len(audiences) + BAND_H + 10 + LEGEND_ROWS * LEGEND_LINE_H + 6
    # Rows of audiences, from the top down: the band first, then one row per audience.
    top = height - LEGEND_ROWS * LEGEND_LINE_H - 4
    band_y = top - BAND_H
    return _Frame(
        start=start,
        stop=stop,
        width=width,
        height=height,
        label_width=label_width,
        right=width - 6,
        band_y=band_y,
        rows_bottom=band_y - ROW_H * len(audiences) - 4,
    )


def _draw_phases(d: Drawing, frame: _Frame, shown: Sequence[Phase]) -> None:
    """The band: each phase as a bar of its colour."""
    from reportlab.graphics.shapes import Rect, String
    from reportlab.lib import colors

    band_y = frame.band_y
    d.add(String(2, band_y + BAND_H / 2 - 3, "Phases", fontName=fonts.BOLD, fontSize=LABEL_SIZE))
    for phase in shown:
        x0, x1 = frame.x(phase.start), frame.x(phase.end)
        d.add(
            Rect(
                x0,
                band_y,
                max(x1 - x0, 0.8),
                BAND_H,
                fillColor=colors.HexColor(phase.colour),
                strokeColor=None,
            )
        )


def _draw_audiences(
    d: Drawing, frame: _Frame, state: IncidentState, audiences: Sequence[tuple[str, str]]
) -> None:
    """One row per audience, its name shortened to fit, with a tick for each update it got."""
    from reportlab.graphics.shapes import Line, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = fonts.REGULAR
    for i, (audience, label) in enumerate(audiences):
        y = frame.band_y - 4 - ROW_H * (i + 1) + ROW_H / 2
        shown = label
        while stringWidth(shown, font, LABEL_SIZE) > frame.label_width - 6 and len(shown) > 4:
            shown = shown[:-2] + "…"
        d.add(String(2, y - 2.5, shown, fontName=font, fontSize=LABEL_SIZE))
        d.add(
            Line(
                frame.left,
                y,
                frame.right,
                y,
                strokeColor=colors.HexColor("#d0d0d0"),
                strokeWidth=0.5,
            )
        )
        for m in state.messages:
            if m.audience == audience:
                mx = frame.x(m.at)
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


def _draw_axis(d: Drawing, frame: _Frame, zone: tzinfo | None) -> None:
    """The time axis, with round local times, a grid line up from each and the date under the
    first time of each day."""
    from reportlab.graphics.shapes import Line, String
    from reportlab.lib import colors

    font = fonts.REGULAR
    start, stop = frame.start, frame.stop
    axis_y = frame.rows_bottom
    d.add(Line(frame.left, axis_y, frame.right, axis_y, strokeColor=colors.black, strokeWidth=0.6))
    step = _axis_step(stop - start, max_labels=max(int(frame.plot // 55), 2))
    tick = _first_tick(start, step, zone)
    last_date = None
    while tick <= stop:
        tx = frame.x(tick)
        d.add(Line(tx, axis_y, tx, axis_y - 3, strokeColor=colors.black, strokeWidth=0.6))
        # Grid lines go beneath everything else: the rows' ticks, not the grid, catch the eye.
        d.contents.insert(
            0,
            Line(
                tx,
                axis_y,
                tx,
                frame.band_y,
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


def _draw_band_outline(d: Drawing, frame: _Frame) -> None:
    """The band's outline, so that a phase still open at the end reads as a bar."""
    from reportlab.graphics.shapes import Rect
    from reportlab.lib import colors

    d.add(
        Rect(
            frame.left,
            frame.band_y,
            frame.plot,
            BAND_H,
            fillColor=None,
            strokeColor=colors.HexColor("#888888"),
            strokeWidth=0.4,
        )
    )


def _draw_legend(d: Drawing, frame: _Frame) -> None:
    """The legend, two columns, at the top: each phase's colour, then the update tick."""
    from reportlab.graphics.shapes import Line, Rect, String
    from reportlab.lib import colors

    legend_top = frame.height - 10
    items: list[tuple[str, str, bool]] = [(label, colour, False) for _, _, label, colour in PHASES]
    items.append(("An update sent to the audience", TICK_COLOUR, True))
    col_w = (frame.width - 4) / 2
    for i, (label, colour, is_tick) in enumerate(items):
        lx = 2 + (i % 2) * col_w
        ly = legend_top - (i // 2) * LEGEND_LINE_H
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
        d.add(String(lx + 13, ly, label, fontName=fonts.REGULAR, fontSize=7))
