"""The public steering dashboards: figures by pillar, charts and tables, periods, who sees the
non-public indicators, and a query count that does not grow with the units."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.reporting import dashboards
from danchu.reporting.scopes import Scope
from danchu.reporting.tests.dashboard_fakes import FakeSource, install
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

pytestmark = pytest.mark.django_db

SECRET_NAME = "Tố cáo bí mật"


@pytest.fixture
def fake(monkeypatch) -> FakeSource:
    return install(monkeypatch)


@pytest.fixture
def province():
    return ProvinceFactory(name="Tỉnh Hà Tĩnh Thử")


@pytest.fixture
def place(province, fake):
    """A province with two communes; the first has two villages and figures in 2026."""
    a = CommuneFactory(parent=province, name="Xã An")
    b = CommuneFactory(parent=province, name="Xã Bình")
    v1 = VillageFactory(commune=a, name="Thôn Một")
    v2 = VillageFactory(commune=a, name="Thôn Hai")
    fake.add("test.items", a, 3, date(2026, 2, 1), v1)
    fake.add("test.items", a, 4, date(2026, 5, 31), v2)
    fake.add("test.items", a, 100, date(2026, 7, 1), v2)  # outside 2026-H1
    fake.add("test.money", a, 1_234_500, date(2026, 3, 15), v1)
    fake.add("test.total", a, 8, date(2026, 3, 1))
    fake.add("test.done", a, 7, date(2026, 3, 2))
    fake.add("test.secret", a, 2, date(2026, 4, 1))
    fake.add("test.items", b, 10, date(2026, 1, 10))
    fake.publish()
    return {"province": province, "a": a, "b": b, "v1": v1, "v2": v2}


def _text(response) -> str:
    return response.content.decode()


def test_commune_dashboard_shows_public_figures_by_pillar_as_tables_and_charts(client, place):
    response = client.get(f"/xa/{place['a'].code}/chi-dao/?period=2026-H1")
    assert response.status_code == 200
    html = _text(response)
    # Pillars as captioned tables with header cells for screen readers.
    assert "<caption>Công khai thông tin (dân biết)</caption>" in html
    assert '<th scope="row">Mục công khai' in html
    assert '<th scope="col">' in html
    # Values: 3 + 4 in the half-year (not the 100 of July), money grouped, the rate 7/8.
    assert "<td>7</td>" in html
    assert "<td>1.234.500</td>" in html
    assert "87,5%" in html
    # The non-public indicator is not shown to anonymous readers.
    assert SECRET_NAME not in html
    # Charts: inline SVG with a title and a description, no script.
    assert html.count('role="img"') == 2
    assert re.search(r'<svg [^>]*aria-labelledby="chart-\d+-title chart-\d+-desc"', html)
    assert "<script" not in html
    # Trend table month by month and the comparison between villages.
    assert '<th scope="row">02/2026</th>' in html
    assert "Thôn Một" in html
    assert "Thôn Hai" in html


def test_the_previous_period_stands_beside_each_value(client, place, fake):
    fake.add("test.items", place["a"], 5, date(2025, 12, 31), place["v1"])
    fake.add("test.items", place["a"], 50, date(2025, 6, 30), place["v1"])  # two periods back
    fake.publish()
    html = _text(client.get(f"/xa/{place['a'].code}/chi-dao/?period=2026-H1"))
    assert '<th scope="col">Kỳ trước (6 tháng cuối năm 2025)</th>' in html
    assert re.search(r"Mục công khai<br>.*?</th>\s*<td>7</td><td>5</td><td>số lượng</td>", html)


def test_default_period_is_the_current_half_year(client, place, monkeypatch):
    monkeypatch.setattr(dashboards.timezone, "localdate", lambda: date(2026, 8, 20))
    response = client.get(f"/xa/{place['a'].code}/chi-dao/")
    assert response.status_code == 200
    assert "6 tháng cuối năm 2026" in _text(response)
    assert "01/07/2026" in _text(response)


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2026-05", "tháng 5/2026"),
        ("2026-Q2", "quý 2/2026"),
        ("2026-H1", "6 tháng đầu năm 2026"),
        ("2026", "năm 2026"),
        ("2021-2026", "2021–2026"),
        ("2026-01-15..2026-02-03", "15/01/2026"),
    ],
)
def test_every_kind_of_period_is_accepted(client, place, period, label):
    response = client.get(f"/xa/{place['a'].code}/chi-dao/", {"period": period})
    assert response.status_code == 200
    assert label in _text(response)


@pytest.mark.parametrize("period", ["2026-13", "2026-H3", "x" * 25, "2026-02-30..2026-03-01"])
def test_a_bad_period_is_a_field_error_not_a_500(client, place, period):
    response = client.get(f"/xa/{place['a'].code}/chi-dao/", {"period": period})
    assert response.status_code == 400
    html = _text(response)
    assert 'class="errorlist' in html
    assert "<caption>" not in html  # no figures under an error


def test_an_unknown_chart_indicator_is_a_field_error(client, place):
    response = client.get(f"/xa/{place['a'].code}/chi-dao/", {"indicator": "test.secret"})
    assert response.status_code == 400


def test_the_chosen_indicator_drives_the_charts(client, place):
    response = client.get(
        f"/xa/{place['a'].code}/chi-dao/", {"period": "2026-H1", "indicator": "test.money"}
    )
    html = _text(response)
    assert "Xu hướng: Tiền đóng góp" in html
    # The bar of Thôn Một carries its amount in its title (and as text).
    assert "<title>Thôn Một: 1.234.500</title>" in html


def test_unknown_units_are_404(client, place):
    assert client.get("/xa/99999/chi-dao/").status_code == 404
    assert client.get("/tinh/99999/chi-dao/").status_code == 404
    # A province code is not a commune's.
    assert client.get(f"/xa/{place['province'].code}/chi-dao/").status_code == 404


def test_province_dashboard_compares_communes_and_links_to_them(client, place):
    response = client.get(f"/tinh/{place['province'].code}/chi-dao/?period=2026-H1")
    assert response.status_code == 200
    html = _text(response)
    assert "So sánh giữa các xã" in html
    assert f'href="/xa/{place["a"].code}/chi-dao/"' in html
    assert "<td>17</td>" in html  # 3 + 4 in Xã An, 10 in Xã Bình
    assert f"/tinh/{place['province'].code}/du-lieu-mo.csv?period=2026-H1" in html


def test_nation_dashboard_lists_provinces(client, place):
    response = client.get("/chi-dao/?period=2026-H1")
    assert response.status_code == 200
    html = _text(response)
    assert f'href="/tinh/{place["province"].code}/chi-dao/"' in html
    assert SECRET_NAME not in html


# --- who sees the non-public indicators ---------------------------------------------------


def _province_reader(province):
    return RoleAssignmentFactory(role=Role.PROVINCE_READER, unit=province, commune=None).user


@pytest.mark.parametrize(
    ("who", "commune_page", "province_page"),
    [
        ("anonymous", False, False),
        ("resident_signed_in", False, False),
        ("official", True, False),  # their commune only: not the province's total
        ("other_commune_official", False, False),  # same province, another commune
        ("province_reader", True, True),
        ("other_province_reader", False, False),
    ],
)
def test_who_sees_the_non_public_indicators(client, place, who, commune_page, province_page):
    a, province = place["a"], place["province"]
    users = {
        "anonymous": None,
        "resident_signed_in": lambda: UserFactory(),
        "official": lambda: RoleAssignmentFactory(commune=a, role=Role.COMMUNE_OFFICIAL).user,
        "other_commune_official": lambda: (
            RoleAssignmentFactory(commune=place["b"], role=Role.COMMUNE_CHAIR).user
        ),
        "province_reader": lambda: _province_reader(province),
        "other_province_reader": lambda: _province_reader(ProvinceFactory()),
    }
    make = users[who]
    if make is not None:
        client.force_login(make())
    html = _text(client.get(f"/xa/{a.code}/chi-dao/?period=2026-H1"))
    assert (SECRET_NAME in html) is commune_page
    assert ("không công khai" in html) is commune_page
    html = _text(client.get(f"/tinh/{province.code}/chi-dao/?period=2026-H1"))
    assert (SECRET_NAME in html) is province_page


def test_sees_restricted_at_each_level(place):
    reader = _province_reader(place["province"])
    assert dashboards.sees_restricted(reader, Scope.of(place["v1"]))
    assert dashboards.sees_restricted(reader, Scope.of(place["province"]))
    assert not dashboards.sees_restricted(reader, Scope.nation())
    empty = ProvinceFactory()
    assert not dashboards.sees_restricted(_province_reader(empty), Scope.of(empty))


def test_no_page_shows_a_person(client, place):
    """The dashboards carry figures only: no resident's name ever reaches them."""
    from danchu.territory.tests.factories import ResidentFactory

    person = ResidentFactory(household__village=place["v1"])
    client.force_login(_province_reader(place["province"]))
    for url in (f"/xa/{place['a'].code}/chi-dao/", f"/tinh/{place['province'].code}/chi-dao/"):
        assert person.full_name not in _text(client.get(url))


# --- query counts ---------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(fake: FakeSource, province, communes: int, villages: int) -> None:
    for _n in range(communes):
        commune = CommuneFactory(parent=province)
        for _m in range(villages):
            village = VillageFactory(commune=commune)
            fake.add("test.items", commune, 1, date(2026, 3, 1), village)


@pytest.mark.parametrize("level", ["province", "commune"])
def test_query_count_does_not_grow_with_units(client, fake, monkeypatch, level):
    """The dashboard's own work is constant; the selectors are those of the roll-ups, whose
    queries per call are constant too (tested with the roll-ups): here the successor map, the
    one part of the raw selectors that is read per unit, is read once."""
    from danchu.reporting import scopes

    mapping = scopes.successor_map()
    monkeypatch.setattr(scopes, "successor_map", lambda: mapping)
    counts = []
    for size in (2, 6):
        province = ProvinceFactory()
        _grow(fake, province, communes=size, villages=size)
        fake.publish()
        reader = _province_reader(province)
        client.force_login(reader)
        target = province if level == "province" else province.children.first()
        prefix = "tinh" if level == "province" else "xa"
        counts.append(_queries(client, f"/{prefix}/{target.code}/chi-dao/?period=2026-H1"))
    assert counts[0] == counts[1]


# --- charts ---------------------------------------------------------------------------------


def test_charts_are_well_formed_svg_with_escaped_names():
    from xml.etree import ElementTree

    from danchu.reporting import charts

    points = [
        charts.Point("Thôn <Một> & Hai", 5.0, "5"),
        charts.Point("Thôn Ba", None, "—"),  # a rate over zero: no mark, the text stays
        charts.Point("Thôn Bốn", 0.0, "0"),
    ]
    for svg in (charts.bar_chart("So sánh <x>", points), charts.line_chart("Xu hướng", points)):
        root = ElementTree.fromstring(str(svg))  # noqa: S314 — our own output
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img"
        assert root.find(f"{ns}title").text
        assert "Thôn <Một> & Hai: 5" in root.find(f"{ns}desc").text
        assert "Thôn Ba: —" in root.find(f"{ns}desc").text
    assert "&lt;Một&gt; &amp; Hai" in str(charts.bar_chart("t", points))


def test_trend_is_year_by_year_over_long_periods(client, place):
    html = _text(client.get(f"/xa/{place['a'].code}/chi-dao/?period=2021-2026"))
    assert '<th scope="row">2021</th>' in html
    assert '<th scope="row">2026</th>' in html
    assert "Xu hướng" in html


# --- overdue key tasks (from the steering part) ---------------------------------------------


def test_overdue_key_tasks_for_those_who_see_the_steering(client, place, monkeypatch):
    from types import SimpleNamespace

    from danchu.reporting import steering_selectors

    asked = []

    def overdue_tasks(unit, on):
        asked.append(unit)
        return [
            SimpleNamespace(pk=1, title="Làm đường thôn Một", deadline=date(2026, 3, 1), percent=40)
        ]

    monkeypatch.setattr(steering_selectors, "overdue_tasks", overdue_tasks, raising=False)
    url = f"/xa/{place['a'].code}/chi-dao/"
    assert "Làm đường thôn Một" not in _text(client.get(url))  # anonymous: not shown
    assert asked == []
    client.force_login(RoleAssignmentFactory(commune=place["a"], role=Role.COMMUNE_CHAIR).user)
    html = _text(client.get(url))
    assert "Nhiệm vụ trọng tâm quá hạn" in html
    assert "Làm đường thôn Một" in html
    assert "01/03/2026" in html
    assert asked == [place["a"]]


def test_commune_home_links_to_its_dashboard(client, place):
    html = _text(client.get(f"/xa/{place['a'].code}/"))
    assert f'href="/xa/{place["a"].code}/chi-dao/"' in html


@pytest.mark.parametrize("path", ["/xa/{a}/chi-dao/", "/tinh/{p}/chi-dao/", "/chi-dao/"])
def test_pages_are_accessible_and_have_nothing_inline(client, place, path):
    """Every control labelled, landmarks, a language, no inline style or script (the CSP)."""
    from danchu.web.tests.html_checks import assert_accessible

    url = path.format(a=place["a"].code, p=place["province"].code)
    assert_accessible(client.get(url, {"period": "2026-H1"}).content)
    assert_accessible(client.get(url, {"period": "2026-99"}).content)  # the error page too
