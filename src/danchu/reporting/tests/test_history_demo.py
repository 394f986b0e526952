"""The history part of the demo: former units' yearly figures, other communes' half-years."""

from __future__ import annotations

from io import StringIO

import pytest

from danchu.reporting import catalogue, demo_history
from danchu.reporting.models import ReportedFigure
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import figures, figures_by_child, raw_figures
from danchu.territory.models import AdministrativeUnit, UnitSuccession
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

CODES = (
    "contributions.money_pledged_vnd", "contributions.money_received_vnd",
    "contributions.land_pledged_m2", "contributions.land_received_m2",
    "contributions.workdays_pledged", "contributions.workdays_received",
    "contributions.spending_vnd", "requests.received", "requests.received_complaint",
    "requests.received_recommendation", "requests.resolved", "requests.resolved_on_time",
    "requests.overdue", "mediation.cases", "mediation.successful", "dialogues.held",
    "dialogues.commitments", "dialogues.commitments_fulfilled", "reception.days_held",
    "reception.days_required",
)  # fmt: skip


@pytest.fixture
def can_loc(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(catalogue, "SOURCES", ())
    monkeypatch.setattr(catalogue, "stored_codes", lambda: CODES)
    ha_tinh = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code="18406", name="Xã Can Lộc", parent=ha_tinh)
    others = [CommuneFactory(parent=ha_tinh) for _ in range(12)]
    district = AdministrativeUnit.objects.create(
        era="former", level="district", code="440", name="Huyện Can Lộc", name_folded="x"
    )
    for code, name, kind in (("18406", "Thị trấn Nghèn", "Thị trấn"), ("18409", "Xã Thiên Lộc",
                             "Xã"), ("18412", "Xã Vượng Lộc", "Xã")):  # fmt: skip
        unit = AdministrativeUnit.objects.create(
            era="former", level="commune", code=code, name=name, unit_type=kind,
            name_folded=name.lower(), parent=district,
        )  # fmt: skip
        UnitSuccession.objects.create(predecessor=unit, successor=commune)
    return commune, others


def test_load_is_plausible_idempotent_and_reset(can_loc) -> None:
    commune, others = can_loc
    out = StringIO()
    demo_history.load(commune, seed=2025, stdout=out)
    count = ReportedFigure.objects.count()
    # 3 former units × 5 periods + 10 communes × 2 half-years, every code.
    assert count == (3 * 5 + 10 * 2) * len(CODES)
    demo_history.load(commune, seed=2025, stdout=out)
    assert ReportedFigure.objects.count() == count
    five_years = Period.parse("2021-2026")
    scope = Scope.of(commune)
    fig = figures(scope, five_years)
    assert fig.values == raw_figures(scope, five_years).values
    # About 3 billion VND, 3,000 m² and 3,500 workdays a former commune a year (seed file).
    money = fig.get("contributions.money_received_vnd")
    assert 3 * 4.5 * 1_000_000_000 < money < 3 * 4.5 * 4_500_000_000
    assert fig.get("contributions.land_received_m2") < 3 * 4.5 * 5_000
    assert fig.get("requests.resolved_on_time") <= fig.get("requests.resolved")
    assert fig.get("requests.resolved") <= fig.get("requests.received")
    assert fig.get("mediation.successful") <= fig.get("mediation.cases")
    # The province compares ten communes over 2026-H1 (Can Lộc has live data only).
    half = figures_by_child(Scope.of(commune.parent), Period.parse("2026-H1"))
    assert sum(1 for f in half if f.get("contributions.money_received_vnd")) == 10
    demo_history.reset(commune)
    assert not ReportedFigure.objects.exists()
