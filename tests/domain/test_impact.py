"""The impact in numbers: a line of text holding a number or a range, kept as written."""

from __future__ import annotations

import pytest

from mimdesk.domain import impact


@pytest.mark.parametrize(
    ("text", "qualifier", "number", "note"),
    [
        ("about 3,000", "about", "3,000", ""),
        ("up to 12,000 EU customers only", "up to", "12,000", "EU customers only"),
        ("1,000–5,000", "", "1,000–5,000", ""),
        ("1,000 to 5,000 users", "", "1,000–5,000", "users"),
        ("about 82% of HTTP traffic", "about", "82%", "of HTTP traffic"),
        ("£1.2m in delayed sales", "", "£1.2m", "in delayed sales"),
        ("0", "", "0", ""),
        ("about 6 hours of database changes", "about", "6", "hours of database changes"),
    ],
)
def test_a_measure_is_read_as_written(text, qualifier, number, note):
    measure = impact.parse(text)
    assert measure is not None
    assert (measure.qualifier, measure.number, measure.note) == (qualifier, number, note)


@pytest.mark.parametrize("text", ["lots", "about six hours", "x" * 201, "most of them"])
def test_a_line_without_a_number_is_refused_with_an_example(text):
    assert impact.parse(text) is None
    problem = impact.problem("impact_users", text)
    assert problem is not None and problem.startswith("Users affected")


def test_empty_clears_the_measure():
    assert impact.problem("impact_money", "  ") is None
