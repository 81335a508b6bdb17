"""A sync says which incidents the pulled events changed, so that open views can refresh."""

from __future__ import annotations

import threading

from mimdesk.sync import SyncService
from tests.sync.conftest import FAST
from tests.sync.helpers import sync
from tests.sync.test_protocol import new_incident, notes


def test_outcome_and_pull_listeners_name_the_changed_streams(shared_db, desks):
    a, b = desks["ana"], desks["ben"]
    target = shared_db.target()
    mine = new_incident(a, "Only on Ana's desk")
    first, second = new_incident(b, "Mail down"), new_incident(b, "VPN down")
    notes(b, first, 3)
    assert sync(b, target).streams == frozenset()  # pushed only: nothing new here

    outcome = sync(a, target)
    assert outcome.streams == {first, second}
    assert mine not in outcome.streams
    assert sync(a, target).streams == frozenset()  # nothing new the second time

    notes(b, second, 2)
    sync(b, target)
    heard: list[frozenset[str]] = []
    got = threading.Event()
    svc = SyncService(a.log, target, timeouts=FAST, poll_interval=0.2)

    def listener(streams: frozenset[str]) -> None:
        heard.append(streams)
        got.set()

    remove = svc.add_pull_listener(listener)
    svc.start()
    try:
        assert got.wait(20)
    finally:
        svc.stop()
    remove()
    assert heard == [frozenset({second})]
