"""The lifecycle table: every move, allowed or refused, written out by hand."""

from __future__ import annotations

import itertools

import pytest

from mimdesk.domain import lifecycle
from mimdesk.domain.lifecycle import Status

C, D, RJ, INV, ID, MIT, RES, CL = (
    Status.CANDIDATE,
    Status.DECLARED,
    Status.REJECTED,
    Status.INVESTIGATING,
    Status.IDENTIFIED,
    Status.MITIGATED,
    Status.RESOLVED,
    Status.CLOSED,
)

# The table as the service desk agreed it, independent of how lifecycle.py builds it.
EXPECTED = {
    C: {D, RJ},
    RJ: {C, D},
    D: {INV, ID, MIT, RES},
    INV: {ID, MIT, RES},
    ID: {MIT, RES},
    MIT: {RES},
    RES: {CL, INV},
    CL: {INV},
}


def test_table_covers_every_status():
    assert set(EXPECTED) == set(Status)


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(Status, Status)), ids=lambda s: s.value
)
def test_every_move(current, target):
    allowed = target in EXPECTED[current]
    assert lifecycle.can_move(current, target) is allowed
    reason = lifecycle.why_not(current, target)
    if current == target:
        assert reason == f"already {current.label}"
    elif not allowed:
        assert reason.startswith(f"cannot go from {current.label} to {target.label}")
        for ok in EXPECTED[current]:
            assert ok.label in reason.split("allowed next:")[1]


@pytest.mark.parametrize(("current", "target"), list(itertools.product(Status, Status)))
def test_reopen_is_only_back_to_investigating_from_resolved_or_closed(current, target):
    expected = current in (RES, CL) and target is INV
    assert lifecycle.is_reopen(current, target) is expected


def test_active_and_major_sets():
    assert {D, INV, ID, MIT} == lifecycle.ACTIVE
    assert lifecycle.ACTIVE | {RES, CL} == lifecycle.MAJOR
    assert C not in lifecycle.MAJOR
    assert RJ not in lifecycle.MAJOR


def test_labels_read_as_words():
    assert [s.label for s in (C, MIT)] == ["Candidate", "Mitigated"]
