"""Emitting through mimdesk.gui.signals never drains the interpreter's True and False."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from mimdesk.gui.signals import emit, emitter


class Source(QObject):
    fired = Signal(object)
    bare = Signal()


def bool_refs() -> int:
    return sys.getrefcount(True) + sys.getrefcount(False)


def test_many_emits_keep_true_and_false_alive(qtbot):
    source = Source()
    received = []
    source.fired.connect(received.append)
    before = bool_refs()
    # Far more than the few hundred that kill Python 3.11 with a bare emit on PySide6 6.12.0.
    for n in range(5000):
        emit(source.fired, n)
    assert received == list(range(5000))
    assert bool_refs() >= before


def test_emitter_for_connecting_actions(qtbot):
    source = Source()
    hits = []
    source.bare.connect(lambda: hits.append(1))
    fire = emitter(source.bare)
    before = bool_refs()
    for _ in range(1000):
        fire(False)
    assert len(hits) == 1000
    assert bool_refs() >= before
