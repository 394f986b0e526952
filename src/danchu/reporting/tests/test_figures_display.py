"""Figures print the way a Vietnamese report writes them: 1.234.500 and 87,5%."""

from fractions import Fraction

from django.utils import translation

from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import Figures, grouped


def test_thousands_are_grouped_with_dots_in_vietnamese_and_commas_in_english() -> None:
    with translation.override("vi"):
        assert grouped(1_234_500) == "1.234.500"
        assert grouped(-2_000) == "-2.000"
        assert grouped(999) == "999"
    with translation.override("en"):
        assert grouped(1_234_500) == "1,234,500"


def test_a_count_displays_grouped(monkeypatch) -> None:
    from danchu.reporting import catalogue
    from danchu.reporting.tests.dashboard_fakes import install

    install(monkeypatch)
    fig = Figures(Scope.nation(), Period.parse("2026-H1"), {"test.money": 1_234_500})
    fig_rate = Figures(Scope.nation(), Period.parse("2026-H1"), {"test.done": 7, "test.total": 8})
    with translation.override("vi"):
        assert fig.display("test.money") == "1.234.500"
        assert fig_rate.rate("test.rate") == Fraction(7, 8)
        assert fig_rate.display("test.rate") == "87,5%"
        assert fig.display("test.rate") == "—"  # no denominator: no rate
    assert catalogue.get("test.money").measure == "vnd"
