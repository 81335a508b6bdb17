"""Concurrent changes to one field from two desks: last writer wins, both values are kept.

A field change carries ``prev``, the change its author saw in force. Folded, a change whose
``prev`` is not the change in force was made without seeing it: a concurrent change.
"""

from __future__ import annotations

import random
from typing import Any

from evfactory import Stream, normalised
from hypothesis import given, settings
from hypothesis import strategies as st

from mimdesk.domain import hlc, timeline
from mimdesk.domain.events import EventType
from mimdesk.domain.folding import fold


def change(s: Stream, name: str, value: Any, prev: str, **kw: Any):
    return s.add(EventType.FIELD_CHANGED, {"field": name, "value": value, "prev": prev}, **kw)


def test_two_desks_change_the_title_from_the_same_base() -> None:
    s = Stream()
    s.reported("Mail is down")
    base = change(s, "title", "Mail down in EMEA", "", author="Ann")
    ann = change(s, "title", "Mail down everywhere", base.event_id, desk="desk-a", author="Ann")
    ben = change(s, "title", "Mail slow in EMEA", base.event_id, desk="desk-b", author="Ben")

    state = fold(s.events)

    assert state.title == "Mail slow in EMEA"  # Ben's sorts later: last writer wins
    [found] = state.concurrent
    assert (found.event_id, found.field) == (ben.event_id, "title")
    assert (found.value, found.other_value) == ("Mail slow in EMEA", "Mail down everywhere")
    assert found.other_event_id == ann.event_id
    assert found.other_author is not None and found.other_author.name == "Ann"
    entries = {e.event_id: e for e in timeline.build(s.events, state)}
    assert entries[ben.event_id].concurrent == found
    assert entries[ann.event_id].concurrent is None


def test_the_winner_is_the_later_in_log_order_whichever_desk_wrote_it() -> None:
    s = Stream()
    s.reported("Mail is down")
    late = hlc.pack(10**13, 0)
    a = change(s, "severity", "SEV1", "", desk="desk-a", hlc_value=late)
    b = change(s, "severity", "SEV2", "", desk="desk-b", hlc_value=late - 1)
    state = fold(reversed(s.events))
    assert state.severity == "SEV1"
    [found] = state.concurrent
    assert (found.event_id, found.other_event_id) == (a.event_id, b.event_id)
    assert found.other_value == "SEV2"


def test_a_change_made_after_seeing_the_other_is_not_concurrent() -> None:
    s = Stream()
    s.reported("Mail is down")
    first = change(s, "impact", "EMEA", "")
    change(s, "impact", "Everyone", first.event_id)
    state = fold(s.events)
    assert state.impact == "Everyone"
    assert state.concurrent == []


def test_the_same_value_from_two_desks_merges_silently() -> None:
    s = Stream()
    s.reported("Mail is down")
    change(s, "services", ["Mail"], "", desk="desk-a")
    change(s, "services", ["Mail"], "", desk="desk-b")
    assert fold(s.events).concurrent == []


def test_changes_without_prev_are_not_judged() -> None:
    """Events written before ``prev`` existed, or by scripts, stay plain last-writer-wins."""
    s = Stream()
    s.reported("Mail is down")
    s.field("title", "One")
    s.field("title", "Two")
    state = fold(s.events)
    assert state.title == "Two" and state.concurrent == []


def test_a_concurrent_change_against_the_reported_value_names_the_reporter() -> None:
    s = Stream()
    s.reported("Mail is down")
    first = change(s, "title", "A", "")
    second = change(s, "title", "B", "x-never-seen-here")
    [found] = fold(s.events).concurrent
    assert found.event_id == second.event_id and found.other_event_id == first.event_id


def test_a_decision_setting_the_severity_is_the_change_in_force() -> None:
    s = Stream()
    s.reported("Mail is down")
    decided = s.add(EventType.DECIDED, {"decision": "declare", "severity": "SEV1"})
    change(s, "severity", "SEV2", decided.event_id)
    state = fold(s.events)
    assert state.severity == "SEV2" and state.concurrent == []


FIELDS = {"title": ["A", "B", "C"], "severity": ["SEV1", "SEV2"], "services": [["X"], ["Y"]]}


@st.composite
def histories(draw: Any) -> list:
    s = Stream()
    s.reported("Start")
    ids: list[str] = []
    for _ in range(draw(st.integers(1, 14))):
        name = draw(st.sampled_from(sorted(FIELDS)))
        prev = draw(st.sampled_from(["", *ids]))
        event = change(
            s,
            name,
            draw(st.sampled_from(FIELDS[name])),
            prev,
            desk=draw(st.sampled_from(["desk-a", "desk-b", "desk-c"])),
            hlc_value=hlc.pack(10**12 + draw(st.integers(0, 5)), 0),
        )
        ids.append(event.event_id)
    return s.events


@settings(max_examples=300, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_detection_does_not_depend_on_arrival_order(events: list, rnd: random.Random) -> None:
    shuffled = list(events)
    rnd.shuffle(shuffled)
    one, two = fold(events), fold(shuffled)
    assert normalised(one) == normalised(two)
    assert [e.concurrent for e in timeline.build(events, one)] == [
        e.concurrent for e in timeline.build(shuffled, two)
    ]
    for found in one.concurrent:
        assert found.value != found.other_value
