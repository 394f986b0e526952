from datetime import date

import pytest

from danchu.reporting.periods import Period, PeriodError


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-05", date(2026, 5, 1), date(2026, 5, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2021-2026", date(2021, 1, 1), date(2026, 12, 31)),
        ("2026-01-15..2026-02-03", date(2026, 1, 15), date(2026, 2, 3)),
    ],
)
def test_parse_and_key_round_trip(text: str, first: date, last: date) -> None:
    period = Period.parse(text)
    assert (period.first, period.last) == (first, last)
    assert Period.parse(period.key) == period


@pytest.mark.parametrize(
    "text",
    ["", "2026-13", "2026-Q5", "2026-H3", "1200", "2026-2021", "2026-02-30..2026-03-01", "x"],
)
def test_bad_periods_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_months_are_clipped_and_whole_months_keep_their_kind() -> None:
    months = Period.parse("2026-01-15..2026-03-31").months()
    assert [(m.kind, m.first, m.last) for m in months] == [
        ("range", date(2026, 1, 15), date(2026, 1, 31)),
        ("month", date(2026, 2, 1), date(2026, 2, 28)),
        ("month", date(2026, 3, 1), date(2026, 3, 31)),
    ]
    assert len(Period.parse("2021-2026").years_in()) == 6


def test_previous_periods() -> None:
    assert Period.parse("2026-H1").previous().key == "2025-H2"
    assert Period.parse("2026-Q1").previous().key == "2025-Q4"
    assert Period.parse("2026-01").previous().key == "2025-12"
    assert Period.parse("2021-2025").previous().key == "2016-2020"
