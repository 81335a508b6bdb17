"""Each verdict the desk can reach on an event's signature (mimdesk.store.record_trust), on
rows as the event table holds them: good, unsigned (before its desk signed), unsigned though
its desk signed by then, bad (text changed), unknown key, changed key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mimdesk.store import signatures
from mimdesk.store.record_trust import ALARMING, DeskKeys, Verdict, verdict

PINNED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _row(desk_id: str = "desk-a", recorded: datetime = PINNED_AT + timedelta(hours=1)):
    return {
        "event_id": "e1",
        "stream_id": "s1",
        "type": "note.added",
        "payload_v": 1,
        "payload": '{"text":"Restarted the VPN at 10:05"}',
        "hlc": 1 << 40,
        "desk_id": desk_id,
        "author_name": "Ana Costa",
        "author_login": "CORP\\ana",
        "occurred_at": recorded,
        "recorded_at": recorded,
    }


@pytest.fixture
def keys():
    first = signatures.Ed25519Signer(signatures.new_private_key())
    later = signatures.Ed25519Signer(signatures.new_private_key())
    pins = {"desk-a": DeskKeys(first.public_key, PINNED_AT, (later.public_key,))}
    return first, later, pins


def signed(row, signer):
    return {**row, "signature": signer.sign(signatures.signed_bytes(row))}


def test_signed_with_the_pinned_key_is_good(keys):
    first, _, pins = keys
    assert verdict(signed(_row(), first), pins) is Verdict.GOOD


def test_a_changed_text_does_not_verify(keys):
    first, _, pins = keys
    row = signed(_row(), first)
    row["payload"] = row["payload"].replace("10:05", "11:05")
    assert verdict(row, pins) is Verdict.BAD
    # Every signed field counts, the times and the author too.
    for name, value in (("author_name", "Ben"), ("hlc", 1), ("recorded_at", PINNED_AT)):
        assert verdict({**signed(_row(), first), name: value}, pins) is Verdict.BAD, name


def test_a_key_presented_later_for_the_desk_is_a_changed_key(keys):
    _, later, pins = keys
    assert verdict(signed(_row(), later), pins) is Verdict.CHANGED_KEY


def test_a_desk_nobody_pinned_is_an_unknown_key(keys):
    first, _, pins = keys
    assert verdict(signed(_row("desk-z"), first), pins) is Verdict.UNKNOWN_KEY


def test_unsigned_before_its_desk_signed_is_unchecked_after_it_alarms(keys):
    _, _, pins = keys
    before = {**_row(recorded=PINNED_AT - timedelta(days=1)), "signature": ""}
    after = {**_row(), "signature": ""}
    assert verdict(before, pins) is Verdict.UNSIGNED
    assert verdict(after, pins) is Verdict.UNSIGNED_LATE
    # From a desk that never signed: unchecked, as an import from a standalone desk is.
    assert verdict({**_row("desk-z"), "signature": ""}, pins) is Verdict.UNSIGNED


def test_garbage_signatures_and_keys_are_bad_not_errors(keys):
    first, _, pins = keys
    row = _row()
    for junk in ("not base64!", "AAAA", "x" * 88):
        assert verdict({**row, "signature": junk}, pins) is Verdict.BAD
    broken = {"desk-a": DeskKeys("%%%", PINNED_AT)}
    assert verdict(signed(row, first), broken) is Verdict.BAD


def test_what_alarms():
    assert {
        Verdict.BAD,
        Verdict.UNKNOWN_KEY,
        Verdict.CHANGED_KEY,
        Verdict.UNSIGNED_LATE,
    } == ALARMING
