"""The impact in numbers: users, customers, transactions, support contacts, data lost and money.

A leader asks "how many?", and the honest answer is often "about 3,000" or "up to 12,000, all in
the EU". Each measure is one line of text, kept as written, that must hold a number or a range:
what comes before the number is its qualifier ("about", "up to"), what follows it is a note
("EU customers only"). The report prints the numbers in a table, so it can be read at a glance
and compared between incidents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# postmortem field -> what the impact table calls it
MEASURES: dict[str, str] = {
    "impact_users": "Users affected",
    "impact_customers": "Customers affected",
    "impact_transactions": "Transactions affected",
    "impact_support_contacts": "Support contacts",
    "impact_data_lost": "Data lost",
    "impact_money": "Money",
}

# A number as people write one: a sign, a currency, thousands separators, decimals, a
# multiplier or a per cent ("£1.2m", "82%", "12,000").
_NUMBER = r"[-−]?[£$€¥]?\d[\d,_ ]*(?:\.\d+)?(?:\s*[kKmM]\b|%)?"
_MEASURE = re.compile(
    rf"^(?P<qualifier>[^\d£$€¥]*?)\s*(?P<low>{_NUMBER})"
    rf"(?:\s*(?:-|–|—|to)\s*(?P<high>{_NUMBER}))?(?P<note>.*)$",
    re.DOTALL,
)
MAX_MEASURE = 200


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure as written: "about" / "3,000" / "" / "EU customers only"."""

    qualifier: str
    low: str
    high: str
    note: str

    @property
    def number(self) -> str:
        return f"{self.low}–{self.high}" if self.high else self.low


def parse(text: str) -> Measure | None:
    """The measure a line of text holds, or None when it holds no number."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_MEASURE:
        return None
    match = _MEASURE.match(text)
    if match is None:
        return None
    return Measure(
        qualifier=match["qualifier"].strip(),
        low=match["low"].strip(),
        high=(match["high"] or "").strip(),
        note=match["note"].strip(),
    )


def problem(name: str, text: str) -> str | None:
    """Why ``text`` cannot be the measure ``name``, or None. Empty text clears it."""
    if not text.strip():
        return None
    if len(text) > MAX_MEASURE:
        return f"{MEASURES[name]} is longer than {MAX_MEASURE} characters"
    if "\n" in text.strip():
        return f"{MEASURES[name]} must be one line"
    if parse(text) is None:
        return (
            f"{MEASURES[name]} {text.strip()[:60]!r} holds no number: write a number or a "
            'range, with words around it if needed ("about 3,000", "up to 12,000 EU '
            'customers", "0")'
        )
    return None
