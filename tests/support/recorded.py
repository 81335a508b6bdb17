"""A payload as the log records it (its JSON), for tests that check what was written."""

from __future__ import annotations

from typing import Any

from mimdesk.domain import schema
from mimdesk.domain.payloads import Payload


def as_json(payload: Payload) -> Any:
    """The JSON data the store keeps for ``payload`` (through the one codec)."""
    return schema.encode(payload)[1]
