"""Loading the official units: counts, history links, idempotence.

A load writes ~25,000 rows (about 2 s on SQLite), so one test does the first and the later
loads and checks everything on the same data; pytest-django rolls it back afterwards.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from danchu.core.models import AuditEntry
from danchu.territory.models import AdministrativeUnit, UnitSuccession
from danchu.territory.units import CENTRAL_CITY_CODES, _cap, _current_rows, load_units

Era = AdministrativeUnit.Era
Level = AdministrativeUnit.Level


def _count(**filters: str) -> int:
    return AdministrativeUnit.objects.filter(**filters).count()


def test_only_the_six_cities_of_resolution_202_are_labelled_central_cities():
    provinces = [r for r in _current_rows() if r.level == Level.PROVINCE]
    cities = {r.code: r.name for r in provinces if r.unit_type == "Thành phố"}
    assert set(cities) == CENTRAL_CITY_CODES
    names = {r.code: r.name for r in provinces}
    # The package calls these "Thành phố …"; Resolution 202/2025/QH15 keeps them provinces.
    assert names["22"] == "Tỉnh Quảng Ninh"
    assert names["24"] == "Tỉnh Bắc Ninh"
    assert names["75"] == "Tỉnh Đồng Nai"
    assert names["79"] == "Thành phố Hồ Chí Minh"
    assert _cap("xã Bắc Sơn") == "Xã Bắc Sơn"


@pytest.mark.django_db
def test_load_counts_history_and_idempotence():
    out = StringIO()
    with translation.override("en"):
        call_command("load_units", stdout=out)
    assert "14165 created" in out.getvalue()

    # The 2025 list (legal-spec §4): 34 provinces, 3,321 = 2,621 xã + 687 phường + 13 đặc khu.
    current = {"era": Era.CURRENT}
    assert _count(**current, level=Level.PROVINCE) == 34
    assert _count(**current, level=Level.COMMUNE) == 3321
    assert _count(**current, level=Level.COMMUNE, unit_type="Xã") == 2621
    assert _count(**current, level=Level.COMMUNE, unit_type="Phường") == 687
    assert _count(**current, level=Level.COMMUNE, unit_type="Đặc khu") == 13
    assert _count(**current, level=Level.PROVINCE, unit_type="Thành phố") == 6
    # Former units as history, each with its parent.
    former = {"era": Era.FORMER}
    assert _count(**former, level=Level.PROVINCE) == 63
    assert _count(**former, level=Level.DISTRICT) == 696
    assert _count(**former, level=Level.COMMUNE) == 10051
    assert _count(**former, level=Level.COMMUNE, parent__level=Level.DISTRICT) == 10051
    assert _count(**current, level=Level.COMMUNE, parent__level=Level.PROVINCE) == 3321
    assert not AdministrativeUnit.objects.filter(name_folded="").exists()

    can_loc = AdministrativeUnit.objects.get(era=Era.CURRENT, level=Level.COMMUNE, code="18406")
    assert (can_loc.name, can_loc.unit_type, can_loc.parent.name) == (
        "Xã Can Lộc",
        "Xã",
        "Tỉnh Hà Tĩnh",
    )
    assert str(can_loc.valid_from) == "2025-07-01"
    assert can_loc.valid_to is None
    assert can_loc.name_folded == "xa can loc"
    predecessors = AdministrativeUnit.objects.filter(successions__successor=can_loc)
    assert {"Thị trấn Nghèn", "Xã Thiên Lộc", "Xã Vượng Lộc"} <= {p.name for p in predecessors}
    nghen = predecessors.get(name="Thị trấn Nghèn")
    assert (nghen.unit_type, nghen.parent.name, str(nghen.valid_to)) == (
        "Thị trấn",
        "Huyện Can Lộc",
        "2025-06-30",
    )
    # Every former commune the package links is linked to at least one successor.
    linked = UnitSuccession.objects.filter(predecessor__level=Level.COMMUNE)
    assert linked.values("predecessor").distinct().count() > 10000
    entry = AuditEntry.objects.filter(action="units.load").get()
    assert entry.after["version"] == "2026.9.0"
    assert entry.after["created"] == 14165

    # A second run changes nothing: no row, no link, no audit entry.
    units, links = AdministrativeUnit.objects.count(), UnitSuccession.objects.count()
    second = load_units(actor=None)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 14165)
    assert (second.successions_created, second.successions_deleted) == (0, 0)
    assert (AdministrativeUnit.objects.count(), UnitSuccession.objects.count()) == (units, links)
    assert AuditEntry.objects.filter(action="units.load").count() == 1

    # Drift is repaired: only the differing row is updated, a lost link is re-created.
    AdministrativeUnit.objects.filter(pk=can_loc.pk).update(name="Xã Sai Tên")
    UnitSuccession.objects.filter(successor=can_loc, predecessor=nghen).delete()
    third = load_units(actor=None)
    assert (third.created, third.updated, third.successions_created) == (0, 1, 1)
    can_loc.refresh_from_db()
    assert can_loc.name == "Xã Can Lộc"
    assert AuditEntry.objects.filter(action="units.load").count() == 2
