"""Emitting Qt signals from Python safely, whichever PySide6 is installed.

PySide6 6.12.0's ``SignalInstance.emit()`` (and ``.disconnect()``) return ``True``/``False``
without taking a reference for the caller, so every emit from Python takes one reference from
the interpreter's ``True`` or ``False``. On Python 3.11, where those are ordinary objects, the
process dies with "bool_dealloc: deallocating True or False" after a few hundred emits: about
ten minutes of a ticking UI clock. pyproject.toml keeps PySide6 below 6.12 for this reason;
this module is the second line, for an install that gets 6.12.0 anyway (a pip without the
lock file). All our emits go through :func:`emit`, which gives the reference back when the
PySide6 in use has the bug (measured once, at import, not assumed by version), so a sound
PySide6 or an immortal ``True`` (Python 3.12+) costs nothing.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None

_PROBES = 8


def _bool_refs() -> int:
    return sys.getrefcount(True) + sys.getrefcount(False)


class _Probe(QObject):
    ping = Signal()


def _measure() -> bool:
    probe = _Probe()
    before = _bool_refs()
    trues = 0
    for _ in range(_PROBES):
        # The stubs say None; 6.12.0 returns a bool, and its reference is what leaks.
        trues += 1 if probe.ping.emit() else 0  # type: ignore[func-returns-value]
    if before - _bool_refs() <= 0:
        return False
    # Give back what the probe itself took.
    for _ in range(trues):
        _incref(True)
    for _ in range(_PROBES - trues):
        _incref(False)
    return True


DROPS_A_REFERENCE = _measure()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, without PySide6 6.12.0's reference leak on the result."""
    result = signal.emit(*args)  # type: ignore[func-returns-value]  # a bool on 6.12.0
    if DROPS_A_REFERENCE and isinstance(result, bool):
        _incref(result)


def emitter(signal: SignalInstance) -> Any:
    """A callable that emits ``signal``, for connecting another signal or an action to it."""
    return lambda *_args: emit(signal)
