"""The comms events added after the 2026-12 release: their JSON, their reading by the codec
and by an import, and that a message recorded before "without approval" existed reads the
same."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.domain.payloads import ApprovedVerbally, HandedToMailClient, MessageSent
from mimdesk.exchange.event_payloads import read_payload
from mimdesk.exchange.validation import Checker


def test_handed_to_mail_client_and_verbal_approval_round_trip():
    for payload, stored in (
        (
            HandedToMailClient(draft_id="d1", recipients=("a@example.org",), file="x.eml"),
            {"draft_id": "d1", "recipients": ["a@example.org"], "file": "x.eml"},
        ),
        (
            ApprovedVerbally(draft_id="d1", approver="Chris Lee", note="by phone"),
            {"draft_id": "d1", "approver": "Chris Lee", "note": "by phone"},
        ),
        (ApprovedVerbally(draft_id="d1", approver="Chris Lee"), {"draft_id": "d1",
                                                                 "approver": "Chris Lee"}),
    ):  # fmt: skip
        version, text = schema.dumps(payload)
        assert (version, json.loads(text)) == (1, stored)
        assert schema.loads(payload.TYPE, 1, text) == payload


def test_a_verbal_approval_without_its_approver_is_malformed_on_import():
    checker = Checker(datetime(2026, 12, 7, tzinfo=UTC))
    assert read_payload(checker, EventType.APPROVED_VERBALLY, 1, {"draft_id": "d"}, "p") is None
    assert any("approver is missing" in problem for problem in checker.problems)


def test_without_approval_is_written_only_when_set():
    old = '{"audience":"business","channel":"phone"}'
    read = schema.loads(EventType.MESSAGE_SENT, 1, old)
    assert isinstance(read, MessageSent) and read.without_approval is False
    assert schema.dumps(read) == (1, old)
    flagged = MessageSent(audience="business", channel="phone", without_approval=True)
    assert json.loads(schema.dumps(flagged)[1])["without_approval"] is True
