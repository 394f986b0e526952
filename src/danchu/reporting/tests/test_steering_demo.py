"""The steering demo: plans with 8 key tasks (one overdue), a ranked round with 3 Giấy khen,
the province round with a Bằng khen to Xã Can Lộc; idempotent; reset removes it."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest

from danchu.core.indicators import Indicator
from danchu.reporting import catalogue, demo_steering, emulation, steering_selectors
from danchu.reporting.models import Award, EmulationRound, KeyTask, SteeringPlan, TaskStatus
from danchu.reporting.periods import Period
from danchu.territory.demo import DEMO_COMMUNE_CODE, demo_load
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory

DEMO_INDICATORS = (
    Indicator("decisions.eligible_households", "decisions", "Eligible", "", "households", "-"),
    Indicator("decisions.participating_households", "decisions", "In", "", "households", "-"),
    Indicator(
        "decisions.turnout",
        "decisions",
        "Turnout",
        "",
        "rate",
        "-",
        numerator="decisions.participating_households",
        denominator="decisions.eligible_households",
    ),  # fmt: skip
    Indicator("contributions.money_received_vnd", "contributions", "Money", "", "vnd", "-"),
    Indicator("requests.overdue", "requests", "Overdue", "", "count", "-"),
)


@pytest.fixture
def can_loc(db, monkeypatch):
    monkeypatch.setattr(catalogue, "SOURCES", ())
    monkeypatch.setattr(catalogue, "indicators", lambda: DEMO_INDICATORS)
    monkeypatch.setattr(catalogue, "by_code", lambda: {i.code: i for i in DEMO_INDICATORS})
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)
    CommuneFactory(parent=province, name="Xã Thiên Cầm")
    demo_load(seed=2025, households=60)
    return commune


def test_demo_plans_rounds_and_awards(can_loc):
    out = StringIO()
    demo_steering.load(can_loc, seed=2025, stdout=out)
    assert "8" in out.getvalue() or "12" in out.getvalue()
    h2 = SteeringPlan.objects.get(unit=can_loc, period_first=date(2026, 7, 1))
    tasks = list(h2.tasks.all())
    assert len(tasks) == 8
    statuses = {t.status for t in tasks}
    assert {TaskStatus.DONE, TaskStatus.IN_PROGRESS} <= statuses
    overdue = steering_selectors.overdue_tasks(can_loc, date(2026, 11, 30))
    assert [t.title for t in overdue] == [
        "Tổ chức hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân"
    ]
    assert KeyTask.objects.filter(plan__unit=can_loc, plan__period_first=date(2026, 1, 1)).count()
    round_ = EmulationRound.objects.get(unit=can_loc)
    assert 3 <= round_.criteria.count() <= 5
    ranking = emulation.rank(round_)
    assert len(ranking.rows) == 10
    awards = Award.objects.filter(round=round_)
    assert awards.count() == 3
    assert {a.recipient_village for a in awards} == {r.scope.village for r in ranking.rows[:3]}
    province_round = EmulationRound.objects.get(unit=can_loc.parent)
    assert emulation.rank(province_round).rows
    bang_khen = Award.objects.get(round=province_round)
    assert bang_khen.recipient_commune == can_loc
    lines = steering_selectors.awards_for_review(can_loc, Period.half(2026, 2))
    assert len(lines) == 4
    review = steering_selectors.key_tasks_for_review(can_loc, Period.half(2026, 2))
    assert review[0].overdue
    # Idempotent; reset removes everything; loads again (one test: the demo commune is slow).
    demo_steering.load(can_loc, seed=2025, stdout=StringIO())
    assert SteeringPlan.objects.filter(unit=can_loc).count() == 2
    assert Award.objects.count() == 4
    demo_steering.reset(can_loc)
    assert not SteeringPlan.objects.exists()
    assert not EmulationRound.objects.exists()
    assert not Award.objects.exists()
    demo_steering.load(can_loc, seed=2025, stdout=StringIO())
    assert Award.objects.count() == 4
