"""Two desks offline picked the same short reference: every desk settles it the same way."""

from __future__ import annotations

import itertools
import uuid

import pytest

from mimdesk.domain.events import EventType
from mimdesk.domain.incident import reference_for
from mimdesk.store.projection import LONG_REFERENCE

LOW_25 = 0b01101_10011_00001_11110_01010


def clashing_id(ms: int, bits_25_to_34: int) -> str:
    """A UUIDv7 whose low 25 bits (the short reference) are fixed; bits 25-34 differ."""
    value = (ms << 80) | (0x7 << 76) | (0xABC << 64) | (0b10 << 62)
    value |= (bits_25_to_34 << 25) | LOW_25
    u = uuid.UUID(int=value)
    assert u.version == 7
    return str(u)


IDS = [clashing_id(1_795_000_000_000 + i * 977, b) for i, b in enumerate((0x2A5, 0x013, 0x3F0))]


def test_the_crafted_ids_clash_on_the_short_reference_only():
    shorts = {reference_for(sid) for sid in IDS}
    longs = {reference_for(sid, LONG_REFERENCE) for sid in IDS}
    assert len(shorts) == 1
    assert len(longs) == len(IDS)


def append_reports(log, make_event, order):
    for sid in order:
        log.append(
            [
                make_event(
                    sid,
                    EventType.INCIDENT_REPORTED,
                    {"title": f"from {sid[:8]}", "reference": reference_for(sid)},
                )
            ]
        )
    return {s.stream_id: s.reference for s in log.summaries()}


def test_two_databases_appending_in_opposite_order_agree(open_log, make_event, tmp_path):
    a, b = IDS[:2]
    one = append_reports(open_log(tmp_path / "one.sqlite3"), make_event, [a, b])
    two = append_reports(open_log(tmp_path / "two.sqlite3"), make_event, [b, a])
    assert one == two
    assert len(set(one.values())) == 2
    # The incident whose id sorts first keeps the short reference.
    first, second = sorted((a, b))
    assert one[first] == reference_for(first)
    assert one[second] == reference_for(second, LONG_REFERENCE)


@pytest.mark.parametrize("order", list(itertools.permutations(IDS)))
def test_three_way_clash_is_settled_the_same_in_every_order(open_log, make_event, tmp_path, order):
    refs = append_reports(open_log(tmp_path / "db.sqlite3"), make_event, order)
    ordered = sorted(IDS)
    assert refs == {
        ordered[0]: reference_for(ordered[0]),
        ordered[1]: reference_for(ordered[1], LONG_REFERENCE),
        ordered[2]: reference_for(ordered[2], LONG_REFERENCE),
    }


def test_settled_references_survive_a_rebuild_and_are_found(open_log, make_event, tmp_path):
    log = open_log(tmp_path / "db.sqlite3")
    refs = append_reports(log, make_event, reversed(IDS))
    log.rebuild_projections()
    assert {s.stream_id: s.reference for s in log.summaries()} == refs
    for sid, ref in refs.items():
        (found,) = log.find(ref)
        assert found.stream_id == sid
