"""Small text helpers of the postmortem PDF: markup snippets, durations, and long texts cut
into pieces that fit a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any


def clip(value: str, limit: int, where: str) -> str:
    if len(value) <= limit:
        return value
    cut = value[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + f"… (in full in {where})"


def small(markup: str) -> str:
    return f'<font size="7" color="#5f6368">{markup}</font>'


def grey(markup: str) -> str:
    return f'<font color="#8a8a8a">{markup}</font>'


def grey_struck(markup: str) -> str:
    return f'<font color="#8a8a8a"><strike>{markup}</strike></font>'


def small_struck(markup: str) -> str:
    return f'<font size="7" color="#5f6368"><strike>{markup}</strike></font>'


@dataclass(frozen=True, slots=True)
class Band:
    """A full-width row in a table: the date where the timeline crosses into a new day."""

    label: str


@dataclass(frozen=True, slots=True)
class Highlight:
    """A table row that stands out (a milestone of the timeline): shaded, never zebra."""

    cells: list[Any]


CHUNK_LINES = 25


def chunk_limit(fraction: float) -> int:
    """How many characters of text a piece of a cell holds, by the column's share of the
    width: about 20 printed lines, well under a page."""
    return max(300, min(1500, int(4000 * fraction)))


def chunks(value: str, limit: int, max_lines: int = CHUNK_LINES) -> list[str]:
    """Cut a text into pieces of at most ``limit`` characters and ``max_lines`` lines, at
    line breaks where it can and between words otherwise (inside a word only when a single
    word is longer than a piece)."""
    if len(value) <= limit and value.count("\n") < max_lines:
        return [value]
    lines: list[str] = []
    for line in value.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            if cut < limit // 2:
                cut = limit
            lines.append(line[:cut])
            line = line[cut:].lstrip(" ")
        lines.append(line)
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and (size + len(line) + 1 > limit or len(current) >= max_lines):
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        pieces.append("\n".join(current))
    return [p for p in pieces if p.strip()] or [""]


def paragraphs(body: str) -> list[str]:
    """A message's paragraphs (blank-line separated), so a long one can break between them."""
    chunks = [c.strip("\n") for c in body.replace("\r\n", "\n").split("\n\n")]
    return [c for c in chunks if c.strip()]


def duration(span: timedelta | None) -> str:
    """``2 h 05 min``, ``3 d 4 h``, ``45 min``: durations as leadership reads them."""
    if span is None:
        return "—"
    minutes = int(span.total_seconds() // 60)
    if minutes == 0 and span.total_seconds() > 0:
        return "under 1 min"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h {mins:02d} min"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{mins} min"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def answer_text(answer: Any) -> str:
    if answer is True:
        return "yes"
    if answer is False:
        return "no"
    if answer is None:
        return "not answered"
    if isinstance(answer, int):
        return f"{answer:,}"
    return str(answer)
