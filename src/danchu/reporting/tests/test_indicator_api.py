"""``/api/v1/indicators``: the catalogue, figures for a unit and period, children and series;
public indicators for anonymous callers, 4xx with a clear message on a bad unit or period."""

from __future__ import annotations

from datetime import date

import pytest

from danchu.accounts.models import Role
from danchu.accounts.services import api_token_create
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.reporting.tests.dashboard_fakes import FAKE_INDICATORS, FakeSource, install
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/indicators"


@pytest.fixture
def fake(monkeypatch) -> FakeSource:
    return install(monkeypatch)


@pytest.fixture
def place(fake):
    province = ProvinceFactory(code="42")
    a = CommuneFactory(parent=province, code="18406", name="Xã Can Lộc")
    b = CommuneFactory(parent=province, name="Xã Bình")
    v1 = VillageFactory(commune=a, name="Thôn Một")
    v2 = VillageFactory(commune=a, name="Thôn Hai")
    fake.add("test.items", a, 3, date(2026, 2, 1), v1)
    fake.add("test.items", a, 4, date(2026, 5, 31), v2)
    fake.add("test.total", a, 8, date(2026, 3, 1), v1)
    fake.add("test.done", a, 7, date(2026, 3, 2), v1)
    fake.add("test.secret", a, 2, date(2026, 4, 1))
    fake.add("test.items", b, 10, date(2026, 1, 10))
    fake.publish()
    return {"province": province, "a": a, "b": b, "v1": v1, "v2": v2}


def _by_code(figures: list[dict]) -> dict[str, dict]:
    return {f["code"]: f for f in figures}


def test_catalogue_for_anonymous_callers_is_public_only(client, fake):
    response = client.get(API)
    assert response.status_code == 200
    codes = [i["code"] for i in response.json()]
    assert codes == [i.code for i in FAKE_INDICATORS if i.public]
    rate = next(i for i in response.json() if i["code"] == "test.rate")
    assert rate["numerator"] == "test.done"
    assert rate["unit"] == "%"


def test_catalogue_for_officials_lists_every_indicator(client, fake, commune):
    client.force_login(RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_OFFICIAL).user)
    codes = [i["code"] for i in client.get(API).json()]
    assert "test.secret" in codes


def test_commune_figures(client, place):
    response = client.get(f"{API}/figures", {"unit": "commune:18406", "period": "2026-H1"})
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {
        "key": "commune:18406", "level": "commune", "code": "18406", "name": "Xã Can Lộc",
    }  # fmt: skip
    assert body["period"]["first"] == "2026-01-01"
    assert body["restricted_included"] is False
    figures = _by_code(body["figures"])
    assert figures["test.items"]["value"] == 7
    assert figures["test.rate"]["rate"] == 87.5
    assert (figures["test.rate"]["numerator"], figures["test.rate"]["denominator"]) == (7, 8)
    assert "test.secret" not in figures


@pytest.mark.parametrize(
    ("unit", "items"),
    [("province:42", 17), ("nation", 17), ("village:{v2}", 4)],
)
def test_figures_at_each_level(client, place, unit, items):
    unit = unit.format(v2=place["v2"].pk)
    response = client.get(f"{API}/figures", {"unit": unit, "period": "2026-H1"})
    assert response.status_code == 200
    assert _by_code(response.json()["figures"])["test.items"]["value"] == items


def test_children_breakdown(client, place):
    response = client.get(f"{API}/children", {"unit": "province:42", "period": "2026-H1"})
    assert response.status_code == 200
    children = response.json()["children"]
    assert [c["unit"]["name"] for c in children] == ["Xã Bình", "Xã Can Lộc"]
    assert [_by_code(c["figures"])["test.items"]["value"] for c in children] == [10, 7]
    villages = client.get(f"{API}/children", {"unit": "commune:18406", "period": "2026-H1"})
    assert [c["unit"]["key"] for c in villages.json()["children"]] == [
        f"village:{place['v2'].pk}", f"village:{place['v1'].pk}",
    ]  # fmt: skip
    none = client.get(f"{API}/children", {"unit": f"village:{place['v1'].pk}"})
    assert none.json()["children"] == []


def test_series_month_by_month(client, place):
    response = client.get(f"{API}/series", {"unit": "commune:18406", "period": "2026-Q1"})
    steps = response.json()["steps"]
    assert [s["label"] for s in steps] == ["01/2026", "02/2026", "03/2026"]
    assert [_by_code(s["figures"])["test.items"]["value"] for s in steps] == [0, 3, 0]


@pytest.mark.parametrize(
    ("role", "unit", "sees"),
    [
        ("official", "commune:18406", True),
        ("official", "province:42", False),
        ("other_official", "commune:18406", False),
        ("reader", "commune:18406", True),
        ("reader", "province:42", True),
        ("reader", "nation", False),
        ("other_reader", "province:42", False),
    ],
)
def test_non_public_indicators_follow_the_permissions(client, place, role, unit, sees):
    users = {
        "official": lambda: RoleAssignmentFactory(commune=place["a"], role=Role.COMMUNE_OFFICIAL),
        "other_official": lambda: RoleAssignmentFactory(
            commune=place["b"], role=Role.COMMUNE_CHAIR
        ),
        "reader": lambda: RoleAssignmentFactory(
            role=Role.PROVINCE_READER, unit=place["province"], commune=None
        ),
        "other_reader": lambda: RoleAssignmentFactory(
            role=Role.PROVINCE_READER, unit=ProvinceFactory(), commune=None
        ),
    }
    user = users[role]().user
    _token, raw = api_token_create(actor=user, user=user, name="t")
    response = client.get(
        f"{API}/figures",
        {"unit": unit, "period": "2026-H1"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["restricted_included"] is sees
    assert ("test.secret" in _by_code(body["figures"])) is sees
    if sees and unit == "commune:18406":
        assert _by_code(body["figures"])["test.secret"]["value"] == 2


@pytest.mark.parametrize(
    "unit", ["commune:99999", "province:18406", "commune:42", "village:999999", "district:1"]
)
def test_unknown_unit_is_404_with_a_message(client, place, unit):
    response = client.get(f"{API}/figures", {"unit": unit, "period": "2026-H1"})
    assert response.status_code in (404, 422)
    assert response.json()["message"]


def test_unknown_unit_message(client, place):
    response = client.get(f"{API}/figures", {"unit": "commune:99999"})
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_unit"
    assert "commune:99999" in response.json()["message"]


@pytest.mark.parametrize("period", ["2026-13", "2026-H3", "2026-02-30..2026-03-01", "2021-2019"])
def test_bad_period_is_422_on_the_period_field(client, place, period):
    response = client.get(f"{API}/figures", {"unit": "commune:18406", "period": period})
    assert response.status_code == 422
    body = response.json()
    assert body["fields"]["period"][0].startswith("Không hiểu kỳ báo cáo")


@pytest.mark.parametrize("period", ["0001-01-01..9999-12-31", "1990-01-01..1990-12-31"])
def test_periods_out_of_bounds_are_422(client, place, period):
    response = client.get(f"{API}/series", {"unit": "commune:18406", "period": period})
    assert response.status_code == 422
    assert "1998" in response.json()["fields"]["period"][0]


def test_missing_unit_is_422(client, place):
    response = client.get(f"{API}/figures")
    assert response.status_code == 422
    assert "unit" in response.json()["fields"]


def test_default_period_is_the_current_half_year(client, place):
    from django.utils import timezone

    today = timezone.localdate()
    response = client.get(f"{API}/figures", {"unit": "commune:18406"})
    assert response.json()["period"]["key"] == f"{today.year}-H{1 if today.month <= 6 else 2}"
