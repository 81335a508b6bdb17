"""The budget of one template render: how much it may write and build, and for how long.

A render stops with a :class:`TemplateLimit` when it writes more than 1 MB of text, runs longer
than 2 s, would build one value of more than a million characters, or builds more than
:data:`MAX_WORK` characters of values in all. The budget is kept in a context variable, so each
thread (and each render) has its own: no thread is stopped and no signal is used.
:mod:`mimdesk.comms.template_limits` puts the checks into Jinja's sandbox.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

MAX_OUTPUT_BYTES = 1_000_000  # 1 MB of text written, in UTF-8
MAX_VALUE = 1_000_000  # characters in one value
MAX_WORK = 32 * MAX_VALUE  # characters of values built in one render
MAX_SECONDS = 2.0
LIMITS = f"a render stops past 1 MB of text or {MAX_SECONDS:g} s"


class TemplateLimit(Exception):
    """A render went past a limit. ``kind`` is "output", "time", "value" or "work"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Budget:
    """What one render has used so far."""

    deadline: float
    written: int = 0
    built: int = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit("time", f"it took longer than {MAX_SECONDS:g} s")

    def write(self, size: int) -> None:
        self.tick()
        self.written += size
        if self.written > MAX_OUTPUT_BYTES:
            raise TemplateLimit("output", "it produced more than 1 MB of text")

    def build(self, size: int, what: str) -> None:
        """Count a value about to be built (or just built) of ``size`` characters."""
        self.tick()
        if size > MAX_VALUE:
            raise TemplateLimit(
                "value",
                f"{what} would be more than {MAX_VALUE:,} characters (about {size:,})",
            )
        self.built += size
        if self.built > MAX_WORK:
            raise TemplateLimit(
                "work", f"it built more than {MAX_WORK:,} characters of values in one render"
            )


_BUDGET: ContextVar[Budget | None] = ContextVar("mimdesk_template_budget", default=None)


@contextmanager
def render_budget() -> Iterator[Budget]:
    """The budget of one render; the hooks of every template rendered inside it use it."""
    budget = Budget(time.monotonic() + MAX_SECONDS)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def current() -> Budget:
    # Outside render_budget() (nothing in MIM Desk renders there) the per-value limits still hold.
    return _BUDGET.get() or Budget(time.monotonic() + MAX_SECONDS)
