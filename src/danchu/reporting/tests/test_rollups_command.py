"""``manage.py rollups --rebuild / --check``."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from danchu.reporting.models import DailyFigure, MonthlyFigure
from danchu.reporting.tests.rollup_fakes import FakeSource, fake_source  # noqa: F401
from danchu.territory.tests.factories import CommuneFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(fake_source: FakeSource):  # noqa: F811
    a, b = CommuneFactory(), CommuneFactory()
    v = VillageFactory(commune=a)
    fake_source.add("fake.count", a.pk, v.pk, date(2026, 1, 31), 3)
    fake_source.add("fake.count", a.pk, None, date(2026, 2, 1), 4)
    fake_source.add("fake.money_vnd", b.pk, None, date(2026, 6, 30), 5_000_000_000)
    return a, b


def run(*args: str) -> str:
    out = StringIO()
    call_command("rollups", *args, stdout=out)
    return out.getvalue()


def test_rebuild_then_check_is_clean(two) -> None:
    a, b = two
    assert "3 daily rows" in run("--rebuild")
    assert DailyFigure.objects.count() == 3
    assert MonthlyFigure.objects.count() == 3
    assert "equal the raw rows" in run("--check")
    assert "equal the raw rows" in run(
        "--check", "--province", a.parent.code, "--period", "2026-H1"
    )


def test_check_reports_a_difference_with_exit_code_1(two, fake_source: FakeSource) -> None:  # noqa: F811
    a, b = two
    run("--rebuild")
    DailyFigure.objects.filter(source=b).update(value=1)
    with pytest.raises(CommandError) as caught:
        run("--check", "--period", "2026-H1")
    assert caught.value.returncode == 1
    # A fact that the roll-ups missed (no marking) is a difference too …
    run("--rebuild", "--commune", b.code)
    fake_source.add("fake.count", a.pk, None, date(2026, 3, 3), 1)
    with pytest.raises(CommandError):
        run("--check", "--province", a.parent.code)
    # … until the commune is rebuilt.
    assert "Rebuilt" in run("--rebuild", "--commune", a.code)
    assert "equal the raw rows" in run("--check")


def test_bad_arguments_are_errors(two) -> None:
    with pytest.raises(CommandError):
        run("--check", "--period", "2026-H3")
    with pytest.raises(CommandError):
        run("--check", "--province", "0000")
    with pytest.raises(CommandError):
        run("--rebuild", "--commune", "0000")
