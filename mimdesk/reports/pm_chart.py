"""The timeline chart: the incident's phases as coloured bands on a time axis, and every update
sent as a tick on its audience's row. A reportlab.graphics Drawing, so it prints sharp.

The axis tells the incident's story, not the log's: it runs from the impact start (else the
detection, else the report) to the resolution or the impact end, whichever is later (an
incident still open: to when the report was printed). An update sent after that is drawn as a
marker at the axis's right edge with a count ("+2 later"), not stretched to: one update days on
would squeeze the incident into a tenth of the width. Above the band, the milestones (impact
started, detected, reported, declared, mitigated, impact ended, resolved), the role handovers and
the severity changes are marked and labelled, the labels staggered over as many lines as they
need so that none overlaps another. A phase shorter than a few points still shows
(MIN_PHASE_WIDTH). A time known only to the hour or the day is labelled "(approx.)"; an update
whose time is not known is not drawn (the page says how many).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from mimdesk.domain import precision
from mimdesk.domain.events import Event
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.payloads import Decided, FieldChanged, IncidentReported
from mimdesk.domain.roles import role_label
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
MILESTONE_COLOUR = "#444444"
HANDOVER_COLOUR = "#6a3d9a"
SEVERITY_COLOUR = "#b15928"
MIN_PHASE_WIDTH = 3.0
# The phase after the report, for an incident handled as major without a declaration.
INFORMAL_LABEL = "Reported, never formally declared"
# The milestones labelled above the band, in the order they happen.
MILESTONES = (
    ("impact_started_at", "impact started"),
    ("detected_at", "detected"),
    ("reported_at", "reported"),
    ("declared_at", "declared"),
    ("mitigated_at", "mitigated"),
    ("impact_ended_at", "impact ended"),
    ("resolved_at", "resolved"),
)
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
        if start_key == "reported_at" and not state.declared_formally:
            label = INFORMAL_LABEL
        open_ended = stop is None
        stop = stop or end
        if stop > start:
            out.append(Phase(label, colour, start, stop, open_ended))
    return out


def axis_span(state: IncidentState, end: datetime) -> tuple[datetime, datetime]:
    """The times the axis runs between (before the air at each end): the impact start (else
    the detection, else the report) to the resolution or the impact end, whichever is later;
    an incident not resolved runs to ``end`` (when the report was printed). Updates and other
    entries do not stretch it."""
    t = state.key_times
    begin = [v for k in ("impact_started_at", "detected_at", "reported_at") if (v := t[k])]
    start = min(begin) if begin else end
    closing = [v for k in ("resolved_at", "impact_ended_at") if (v := t[k]) is not None]
    stop = max(closing) if t["resolved_at"] is not None else max([end, *closing])
    if stop <= start:
        stop = start + timedelta(minutes=30)
    return start, stop


@dataclass(frozen=True, slots=True)
class Mark:
    """A labelled moment above the band: a milestone, a role handover, a severity change."""

    at: datetime
    text: str
    kind: str  # "milestone", "handover", "severity"


def marks(
    state: IncidentState,
    events: Iterable[Event] = (),
    *,
    role_name: Callable[[str], str] = role_label,
    severity_name: Callable[[str], str] = str,
) -> list[Mark]:
    """Every moment the chart labels, in time order."""
    out = []
    t = state.key_times
    for name, label in MILESTONES:
        when = t[name]
        if when is None or (name == "declared_at" and not state.declared_formally):
            continue
        if not precision.is_exact(state.time_precision.get(name, "")):
            label += " (approx.)"
        out.append(Mark(when, label, "milestone"))
    for change in state.role_history:
        handed = change.handed_over_from
        if change.assigned and handed and handed != change.person:
            text = f"{role_name(change.role)}: {handed} → {change.person}"
            out.append(Mark(change.at, text, "handover"))
    current = ""
    for e in sorted(events, key=lambda e: e.sort_key):
        p = e.payload
        if isinstance(p, IncidentReported) or (
            isinstance(p, Decided) and p.decision == "declare" and p.severity
        ):
            current = p.severity
        elif isinstance(p, FieldChanged) and p.field == "severity" and isinstance(p.value, str):
            if current and p.value != current:
                text = f"{severity_name(current)} → {severity_name(p.value)}"
                out.append(Mark(e.occurred_at, text, "severity"))
            current = p.value
    order = {"milestone": 0, "handover": 1, "severity": 2}
    return sorted(out, key=lambda m: (m.at, order[m.kind]))


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


# Heights in points: an audience's row, the phase band, the time axis below them, a line of
# the legend above (two items a line), a line of the labels over the band; font sizes.
ROW_H = 15
BAND_H = 16
IMPACT_H = 11
AXIS_H = 26
LEGEND_LINE_H = 12
MARK_LINE_H = 9
LABEL_SIZE = 7.5
MARK_SIZE = 6.5
LEGEND_COLUMNS = 3
EDGE_ROOM = 40  # right of the plot, for "+2 later"
COLOURS = {"milestone": MILESTONE_COLOUR, "handover": HANDOVER_COLOUR, "severity": SEVERITY_COLOUR}


@dataclass(frozen=True, slots=True)
class _Placed:
    mark: Mark
    x: float  # where the moment is on the axis
    line: int  # 0: the line nearest the band
    anchor: str  # "start": the text runs right of x; "end": left of it


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
    band_y: float  # the bottom of the phase band; the rows hang below it
    rows_bottom: float  # where the time axis is drawn
    legend_rows: int
    axis_end: datetime  # where the story ends: an update after it is "later"

    @property
    def left(self) -> float:
        return self.label_width

    @property
    def plot(self) -> float:
        return self.right - self.left

    def x(self, when: datetime) -> float:
        total = (self.stop - self.start).total_seconds()
        share = (when - self.start).total_seconds() / total
        return self.left + self.plot * min(max(share, 0.0), 1.0)


def chart(
    state: IncidentState,
    *,
    width: float,
    audiences: Sequence[tuple[str, str]],
    end: datetime,
    zone: tzinfo | None,
    events: Iterable[Event] = (),
    role_name: Callable[[str], str] = role_label,
    severity_name: Callable[[str], str] = str,
) -> object:
    """The Drawing. ``audiences`` are (id, label) pairs, one row each, in the order to show;
    ``end`` closes the axis for an incident still open when printed; ``events`` give the
    severity changes; ``role_name`` and ``severity_name`` name roles and severities."""
    from reportlab.graphics.shapes import Drawing

    fonts.register()
    labelled = marks(state, events, role_name=role_name, severity_name=severity_name)
    later = _later(state, audiences, end)
    frame, placed = _frame(
        state, width=width, audiences=audiences, end=end, labelled=labelled, later=bool(later)
    )
    d = Drawing(frame.width, frame.height)
    _draw_phases(d, frame, phases(state, end))
    _draw_impact(d, frame, state)
    _draw_band_outline(d, frame)
    _draw_marks(d, frame, placed)
    _draw_audiences(d, frame, state, audiences, later)
    _draw_axis(d, frame, zone)
    _draw_legend(d, frame, state, {m.kind for m in labelled}, bool(later))
    return d


def _later(
    state: IncidentState, audiences: Sequence[tuple[str, str]], end: datetime
) -> dict[str, int]:
    """Per audience, how many updates went out after the axis ends."""
    stop = axis_span(state, end)[1]
    shown = {a for a, _ in audiences}
    out: dict[str, int] = {}
    for m in state.messages:
        if m.audience in shown and m.at > stop and m.precision != precision.UNKNOWN:
            out[m.audience] = out.get(m.audience, 0) + 1
    return out


def unplaced_updates(state: IncidentState) -> int:
    """Updates whose time is not known: the chart cannot draw them."""
    return sum(1 for m in state.messages if m.precision == precision.UNKNOWN)


def place_labels(
    xs_texts: Sequence[tuple[float, float]], right: float, gap: float = 4
) -> list[tuple[int, str]]:
    """Lines for labels so that no text overlaps another text, nor a leader (the line from the
    axis up to a label) of a label placed before it. Each (x, text width) goes on the lowest
    line where its text has room, right of x, or left of it where it would run past
    ``right``. A leader that must pass a text on a lower line goes behind it (the texts are
    drawn on a white ground). Returns (line, anchor) per label, in the order given."""
    boxes: list[list[tuple[float, float]]] = []  # per line, the texts' extents
    leaders: list[tuple[float, int]] = []  # (x, line): a leader crosses every line below
    out = []
    for x, w in xs_texts:
        anchor = "start" if x + 2 + w <= right else "end"
        lo, hi = (x, x + 2 + w) if anchor == "start" else (x - 2 - w, x)
        line = 0
        while True:
            taken = boxes[line] if line < len(boxes) else []
            clear = all(hi + gap <= a or lo >= b + gap for a, b in taken)
            uncrossed = all(not (lo - gap < lx < hi + gap) for lx, ln in leaders if ln > line)
            if clear and uncrossed:
                break
            line += 1
        while len(boxes) <= line:
            boxes.append([])
        boxes[line].append((lo, hi))
        leaders.append((x, line))
        out.append((line, anchor))
    return out


def _frame(
    state: IncidentState,
    *,
    width: float,
    audiences: Sequence[tuple[str, str]],
    end: datetime,
    labelled: Sequence[Mark],
    later: bool,
) -> tuple[_Frame, list[_Placed]]:
    """The chart's size and where its parts go: the names of the audiences take the room they
    need on the left, up to 30% of the width, and the rest is the plot."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    story_start, story_stop = axis_span(state, end)
    # A little air at both ends, so that the first and last moments are not on the frame.
    pad = (story_stop - story_start) * 0.02
    start, stop = story_start - pad, story_stop + pad
    label_width = max(
        [stringWidth("Customer impact", fonts.BOLD, LABEL_SIZE)]
        + [stringWidth(label, fonts.REGULAR, LABEL_SIZE) for _, label in audiences]
    )
    label_width = min(label_width + 8, width * 0.3)
    right = width - (EDGE_ROOM if later else 6)
    total = (stop - start).total_seconds()
    plot = right - label_width

    def x_of(when: datetime) -> float:
        share = (when - start).total_seconds() / total
        return label_width + plot * min(max(share, 0.0), 1.0)

    inside = [m for m in labelled if start <= m.at <= stop]
    layout = place_labels(
        [(x_of(m.at), stringWidth(m.text, fonts.REGULAR, MARK_SIZE)) for m in inside],
        right=width - 2,
    )
    placed = [
        _Placed(m, x_of(m.at), line, anchor)
        for m, (line, anchor) in zip(inside, layout, strict=True)
    ]
    mark_lines = max((p.line for p in placed), default=-1) + 1
    kinds = {m.kind for m in labelled}
    legend_rows = -(-(len(PHASES) + 2 + len(kinds) + (1 if later else 0)) // LEGEND_COLUMNS)
    rows_h = ROW_H * len(audiences) + IMPACT_H
    height = (
        AXIS_H
        + rows_h
        + BAND_H
        + 6
        + mark_lines * MARK_LINE_H
        + 6
        + legend_rows * LEGEND_LINE_H
        + 6
    )
    top = height - legend_rows * LEGEND_LINE_H - 6 - mark_lines * MARK_LINE_H - 6
    band_y = top - BAND_H
    frame = _Frame(
        start=start,
        stop=stop,
        width=width,
        height=height,
        label_width=label_width,
        right=right,
        band_y=band_y,
        rows_bottom=band_y - rows_h - 4,
        legend_rows=legend_rows,
        axis_end=story_stop,
    )
    return frame, placed


def _draw_phases(d: Drawing, frame: _Frame, shown: Sequence[Phase]) -> None:
    """The band: each phase as a bar of its colour, a short one still wide enough to see."""
    from reportlab.graphics.shapes import Rect, String
    from reportlab.lib import colors

    band_y = frame.band_y
    d.add(String(2, band_y + BAND_H / 2 - 3, "Phases", fontName=fonts.BOLD, fontSize=LABEL_SIZE))
    for phase in shown:
        x0, x1 = frame.x(phase.start), frame.x(phase.end)
        w = max(x1 - x0, MIN_PHASE_WIDTH)
        x0 = min(x0, frame.right - w)
        d.add(
            Rect(x0, band_y, w, BAND_H, fillColor=colors.HexColor(phase.colour), strokeColor=None)
        )


def _draw_impact(d: Drawing, frame: _Frame, state: IncidentState) -> None:
    """A thin bar under the band: when customers were affected (impact start, else detection,
    else report, to the impact end, else the mitigation, else still going on)."""
    from reportlab.graphics.shapes import Rect, String
    from reportlab.lib import colors

    t = state.key_times
    start = t["impact_started_at"] or t["detected_at"] or t["reported_at"]
    if start is None:
        return
    stop = t["impact_ended_at"] or t["mitigated_at"] or frame.axis_end
    y = frame.band_y - 4 - IMPACT_H / 2
    d.add(String(2, y - 2.5, "Customer impact", fontName=fonts.BOLD, fontSize=LABEL_SIZE))
    x0, x1 = frame.x(start), frame.x(stop)
    d.add(
        Rect(
            x0,
            y - 3,
            max(x1 - x0, MIN_PHASE_WIDTH),
            6,
            fillColor=colors.HexColor("#c0392b"),
            strokeColor=None,
        )
    )


def _draw_audiences(
    d: Drawing,
    frame: _Frame,
    state: IncidentState,
    audiences: Sequence[tuple[str, str]],
    later: dict[str, int],
) -> None:
    """One row per audience, its name shortened to fit, with a tick for each update it got;
    the updates after the axis ends as one marker at its edge with their count."""
    from reportlab.graphics.shapes import Line, Polygon, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = fonts.REGULAR
    tick = colors.HexColor(TICK_COLOUR)
    for i, (audience, label) in enumerate(audiences):
        y = frame.band_y - 4 - IMPACT_H - ROW_H * (i + 1) + ROW_H / 2
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
            if m.audience != audience or m.precision == precision.UNKNOWN:
                continue
            if m.at > frame.axis_end:
                continue
            mx = frame.x(m.at)
            d.add(Line(mx, y - 5, mx, y + 5, strokeColor=tick, strokeWidth=1.2))
        if later.get(audience):
            x = frame.right + 2
            d.add(Polygon([x, y - 4, x + 6, y, x, y + 4], fillColor=tick, strokeColor=None))
            d.add(String(x + 8, y - 2.5, f"+{later[audience]} later", fontName=font, fontSize=6.5))


def _draw_marks(d: Drawing, frame: _Frame, placed: Sequence[_Placed]) -> None:
    """Each labelled moment: a line from the bottom of the rows up to its label."""
    from reportlab.graphics.shapes import Line, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    base = frame.band_y + BAND_H + 6
    # Leaders first, then the texts on a white ground: a leader passing behind a text on a
    # lower line is hidden there, not drawn through the words.
    texts = []
    for p in placed:
        colour = colors.HexColor(COLOURS[p.mark.kind])
        y = base + p.line * MARK_LINE_H
        dash = None if p.mark.kind == "milestone" else [2, 1.5]
        d.add(
            Line(
                p.x,
                frame.rows_bottom,
                p.x,
                y + MARK_SIZE,
                strokeColor=colour,
                strokeWidth=0.6,
                strokeDashArray=dash,
            )
        )
        tx = p.x + 2 if p.anchor == "start" else p.x - 2
        w = stringWidth(p.mark.text, fonts.REGULAR, MARK_SIZE)
        left = tx if p.anchor == "start" else tx - w
        texts.append(
            Rect(
                left - 0.5,
                y - 1.5,
                w + 1,
                MARK_SIZE + 1.5,
                fillColor=colors.white,
                strokeColor=None,
            )
        )
        texts.append(
            String(
                tx,
                y,
                p.mark.text,
                fontName=fonts.REGULAR,
                fontSize=MARK_SIZE,
                fillColor=colour,
                textAnchor=p.anchor,
            )
        )
    for shape in texts:
        d.add(shape)


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


def _draw_legend(
    d: Drawing, frame: _Frame, state: IncidentState, kinds: set[str], later: bool
) -> None:
    """The legend, two columns, at the top: each phase's colour, the update tick, the
    labelled moments."""
    from reportlab.graphics.shapes import Line, Polygon, Rect, String
    from reportlab.lib import colors

    legend_top = frame.height - 10
    items: list[tuple[str, str, str]] = [
        (
            INFORMAL_LABEL if key == "reported_at" and not state.declared_formally else label,
            colour,
            "box",
        )
        for key, _, label, colour in PHASES
    ]
    items.append(("Customer impact", "#c0392b", "bar"))
    items.append(("An update sent to the audience", TICK_COLOUR, "tick"))
    names = {"milestone": "Milestone", "handover": "Role handover", "severity": "Severity change"}
    for kind in ("milestone", "handover", "severity"):
        if kind in kinds:
            items.append((names[kind], COLOURS[kind], "line"))
    if later:
        items.append(("Updates after the chart's end, counted", TICK_COLOUR, "arrow"))
    cols = LEGEND_COLUMNS
    col_w = (frame.width - 4) / cols
    for i, (label, colour, how) in enumerate(items):
        lx = 2 + (i % cols) * col_w
        ly = legend_top - (i // cols) * LEGEND_LINE_H
        fill = colors.HexColor(colour)
        if how == "tick":
            d.add(Line(lx + 4, ly - 2, lx + 4, ly + 7, strokeColor=fill, strokeWidth=1.2))
        elif how == "line":
            d.add(Line(lx + 4, ly - 2, lx + 4, ly + 7, strokeColor=fill, strokeWidth=0.8))
        elif how == "arrow":
            d.add(Polygon([lx + 1, ly - 1, lx + 7, ly + 3, lx + 1, ly + 7], fillColor=fill))
        elif how == "bar":
            d.add(Rect(lx, ly + 1, 9, 3, fillColor=fill, strokeColor=None))
        else:
            d.add(Rect(lx, ly - 1, 9, 7, fillColor=fill, strokeColor=None))
        d.add(String(lx + 13, ly, label, fontName=fonts.REGULAR, fontSize=7))
