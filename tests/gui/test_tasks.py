"""The task runner: work off the UI thread, results and failures back on it."""

from __future__ import annotations

import sys
import threading

from mimdesk.errors import MimDeskError
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.operations import Operations, changes_in
from mimdesk.gui.tasks import TaskRunner
from mimdesk.usecases.context import Changes


def test_result_is_delivered_on_the_main_thread(qtbot):
    runner = TaskRunner()
    seen = {}

    def work() -> str:
        seen["worker"] = threading.current_thread()
        return "done"

    def done(result: str) -> None:
        seen["result"] = result
        seen["delivered"] = threading.current_thread()

    with qtbot.waitSignal(runner.idle):
        runner.run(work, done=done)
    assert seen["result"] == "done"
    assert seen["worker"] is not threading.main_thread()
    assert seen["delivered"] is threading.main_thread()


def test_progress_and_failure(qtbot):
    runner = TaskRunner()
    steps, failures = [], []

    def work(progress) -> None:
        for n in range(1, 4):
            progress(n, 3)
        raise MimDeskError("It broke.", "Try again.")

    with qtbot.waitSignal(runner.idle):
        runner.run(work, progress=lambda n, t: steps.append((n, t)), failed=failures.append)
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert [str(f) for f in failures] == ["It broke. Try again."]


def test_writes_run_one_at_a_time_in_order(qtbot):
    runner = TaskRunner()
    order: list[int] = []
    for n in range(20):
        runner.run(lambda n=n: order.append(n), lane="write")
    qtbot.waitUntil(lambda: not runner.busy)
    assert order == list(range(20))


def test_an_unhandled_error_reaches_the_excepthook(qtbot, monkeypatch):
    runner = TaskRunner()
    caught = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: caught.append(info[1]))

    def work() -> None:
        raise ZeroDivisionError("bug")

    with qtbot.waitSignal(runner.idle):
        runner.run(work)
    assert isinstance(caught[0], ZeroDivisionError)


def test_operations_broadcast_the_changes(qtbot, ctx):
    runner, hub = TaskRunner(), ChangeHub()
    ops = Operations(ctx, runner, hub)
    change = Changes(frozenset({"s1"}), incidents_list=True)
    with qtbot.waitSignal(hub.changed) as blocker:
        ops.mutate(lambda _ctx: ("an id", change))
    assert blocker.args == [change]
    assert changes_in(change) == change
    assert changes_in(("x", change, Changes(frozenset({"s2"})))).streams == {"s1", "s2"}
    # Nothing changed, nothing broadcast.
    with qtbot.assertNotEmitted(hub.changed, wait=50):
        ops.mutate(lambda _ctx: Changes())
    qtbot.waitUntil(lambda: not runner.busy)
