"""Running use-case mutations: off the UI thread, in order, then one broadcast.

A view asks for a mutation as a function of the use-case context. It runs on the write lane,
and so do the views' reads of what it changed; back on the main thread its :class:`Changes`
goes to the hub with those reads, and the view's callbacks run. A :class:`MimDeskError`
(invalid input, a locked database) goes to the view's ``failed`` callback, or to a message box;
anything else is a bug and goes to the crash dialog.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from mimdesk.errors import MimDeskError
from mimdesk.gui.changes import ChangeHub, Prepared
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.widgets import show_error
from mimdesk.usecases.context import Changes, Context

R = TypeVar("R")


def changes_in(result: Any) -> Changes:
    """The Changes a use case returned, alone or beside its other result."""
    if isinstance(result, Changes):
        return result
    if isinstance(result, tuple):
        found = Changes()
        for item in result:
            if isinstance(item, Changes):
                found = found | item
        return found
    return Changes()


class Operations(QObject):
    def __init__(
        self, ctx: Context, runner: TaskRunner, hub: ChangeHub, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.hub = hub

    def mutate(
        self,
        action: Callable[[Context], R],
        *,
        parent: QWidget | None = None,
        title: str = "MIM Desk",
        done: Callable[[R], None] | None = None,
        failed: Callable[[MimDeskError], None] | None = None,
    ) -> None:
        ctx, hub = self.ctx, self.hub

        def work() -> tuple[R, Prepared]:
            result = action(ctx)
            # Still on the write lane: the views read what they will show here, not on the UI
            # thread (see ChangeHub.read_ahead).
            return result, hub.prepare(changes_in(result))

        def on_done(outcome: tuple[R, Prepared]) -> None:
            result, prepared = outcome
            hub.publish(changes_in(result), prepared)
            if done is not None:
                done(result)

        def on_failed(error: BaseException) -> None:
            if not isinstance(error, MimDeskError):
                sys.excepthook(type(error), error, error.__traceback__)
                if failed is not None:
                    # The view still has to leave its busy state; the crash dialog said why.
                    failed(MimDeskError("The change was not saved.", "See the error report."))
                return
            if failed is not None:
                failed(error)
            else:
                show_error(parent, title, error)

        self.runner.run(work, done=on_done, failed=on_failed, lane="write")
