"""Checks on what people type: clear messages, and limits that keep odd input harmless."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from mimdesk.domain.vocabulary import UnknownTerm, Vocabulary
from mimdesk.errors import InvalidInput

MAX_TITLE = 200
MAX_FIELD = 10_000
MAX_NOTE = 100_000
# Longer than any term of a closed list could be; anything longer is refused as too long.
MAX_CHOICE = 200
# A back-dated time may be in the past without limit, but not in the future beyond clock drift.
FUTURE_TOLERANCE = timedelta(minutes=5)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates (undecodable bytes in a command line) cannot be stored as UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(
    value: str, *, what: str, limit: int, required: bool = False, single_line: bool = False
) -> str:
    """Normalise text (NFC, no control characters) and enforce its limits."""
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub("", value))
    text = unicodedata.normalize("NFC", text).strip()
    if single_line:
        text = " ".join(text.split())
    if required and not text:
        raise InvalidInput(f"The {what} is empty.", f"Type a {what}.")
    if len(text) > limit:
        raise InvalidInput(
            f"The {what} is {len(text):,} characters long; the limit is {limit:,}.",
            "Shorten it, or attach the long text as a file and refer to it.",
        )
    return text


def check_time(value: datetime, *, what: str, now: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(f"The {what} has no time zone.", "Give the time with its zone.")
    if value > now + FUTURE_TOLERANCE:
        raise InvalidInput(
            f"The {what} ({value:%Y-%m-%d %H:%M %Z}) is in the future.",
            "Give a time that has already happened.",
        )
    return value


def choose(vocabulary: Vocabulary, typed: str) -> str:
    """The id of the term a person typed, however they spelled it
    (:meth:`~mimdesk.domain.vocabulary.Vocabulary.resolve`); the one check every dialog and
    command makes. Anything else is refused, naming the choices."""
    text = clean_text(str(typed), what=vocabulary.noun, limit=MAX_CHOICE, single_line=True)
    try:
        return vocabulary.resolve(text)
    except UnknownTerm as exc:
        raise InvalidInput(exc.message, exc.hint) from None
