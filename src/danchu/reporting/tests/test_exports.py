"""The dashboards' tables as CSV and XLSX, and the province's open data as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.reporting.tests.dashboard_fakes import FAKE_INDICATORS, FakeSource, install
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(monkeypatch) -> FakeSource:
    return install(monkeypatch)


@pytest.fixture
def place(fake):
    province = ProvinceFactory()
    a = CommuneFactory(parent=province, name="Xã Âu Cơ")
    b = CommuneFactory(parent=province, name="=Xã Công Thức")  # a name that looks like a formula
    v1 = VillageFactory(commune=a, name="Thôn Đông")
    fake.add("test.items", a, 3, date(2026, 2, 1), v1)
    fake.add("test.money", a, 1_234_500, date(2026, 3, 15), v1)
    fake.add("test.total", a, 8, date(2026, 3, 1))
    fake.add("test.done", a, 7, date(2026, 3, 2))
    fake.add("test.secret", a, 2, date(2026, 4, 1))
    fake.add("test.items", b, 10, date(2026, 1, 10))
    fake.publish()
    return {"province": province, "a": a, "b": b, "v1": v1}


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_indicator_table_as_csv(client, place):
    response = client.get(f"/xa/{place['a'].code}/chi-dao/chi-tieu.csv?period=2026-H1")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "chi-dao-" in response["Content-Disposition"]
    rows = _csv_rows(response.content)
    assert rows[0] == [
        "Chỉ tiêu", "Lĩnh vực", "Kết quả", "Kỳ trước (6 tháng cuối năm 2025)", "Đơn vị tính",
        "Căn cứ pháp lý",
    ]  # fmt: skip
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Tiền đóng góp"][2] == "1234500"  # a plain number any program reads
    assert by_name["Tỷ lệ giải quyết"][2] == "87.5"
    assert "Tố cáo bí mật" not in by_name  # not public


def test_comparison_csv_neutralises_formulas(client, place):
    response = client.get(f"/tinh/{place['province'].code}/chi-dao/so-sanh.csv?period=2026-H1")
    rows = _csv_rows(response.content)
    names = [r[0] for r in rows[1:]]
    assert "'=Xã Công Thức" in names
    assert "Xã Âu Cơ" in names


def test_trend_table_as_xlsx(client, place):
    response = client.get(f"/xa/{place['a'].code}/chi-dao/xu-huong.xlsx?period=2026-H1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "Xã Âu Cơ" in sheet.cell(row=1, column=1).value
    heads = [c.value for c in sheet[2]]
    assert heads[0] == "Tháng hoặc năm"
    assert "Tiền đóng góp (đồng)" in heads
    months = {sheet.cell(row=r, column=1).value: r for r in range(3, sheet.max_row + 1)}
    assert list(months) == [f"{m:02d}/2026" for m in range(1, 7)]
    money = heads.index("Tiền đóng góp (đồng)") + 1
    assert sheet.cell(row=months["03/2026"], column=money).value == 1_234_500
    rate = heads.index("Tỷ lệ giải quyết (%)") + 1
    assert sheet.cell(row=months["03/2026"], column=rate).value == 87.5
    assert sheet.cell(row=months["01/2026"], column=rate).value is None  # 0 received: no rate


def test_formula_names_stay_text_in_xlsx(client, place):
    response = client.get(f"/tinh/{place['province'].code}/chi-dao/so-sanh.xlsx?period=2026-H1")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [sheet.cell(row=r, column=1).value for r in range(3, sheet.max_row + 1)]
    assert "=Xã Công Thức" in names
    cell = next(sheet.cell(row=r, column=1) for r in range(3, sheet.max_row + 1))
    assert cell.data_type == "s"


def test_officials_export_the_non_public_indicators_too(client, place):
    client.force_login(RoleAssignmentFactory(commune=place["a"], role=Role.COMMUNE_CHAIR).user)
    response = client.get(f"/xa/{place['a'].code}/chi-dao/chi-tieu.csv?period=2026-H1")
    assert "Tố cáo bí mật" in {r[0] for r in _csv_rows(response.content)}


@pytest.mark.parametrize("path", ["chi-tieu.pdf", "bang.csv", "chi-tieu.CSV"])
def test_unknown_tables_and_formats_are_404(client, place, path):
    assert client.get(f"/xa/{place['a'].code}/chi-dao/{path}").status_code == 404


def test_bad_period_in_an_export_is_400(client, place):
    response = client.get(f"/xa/{place['a'].code}/chi-dao/chi-tieu.csv?period=2026-99")
    assert response.status_code == 400
    assert "Không hiểu kỳ báo cáo" in response.content.decode()


# --- open data ------------------------------------------------------------------------------

PUBLIC = [i for i in FAKE_INDICATORS if i.public]


@pytest.mark.parametrize("reader", [False, True])
def test_open_data_csv_is_public_indicators_per_commune(client, place, reader):
    if reader:  # even the province reader's download has no non-public indicator
        client.force_login(
            RoleAssignmentFactory(
                role=Role.PROVINCE_READER, unit=place["province"], commune=None
            ).user
        )
    response = client.get(f"/tinh/{place['province'].code}/du-lieu-mo.csv?period=2026-H1")
    assert response.status_code == 200
    rows = _csv_rows(response.content)
    head, body = rows[0], rows[1:]
    assert head[:4] == ["province_code", "province_name", "commune_code", "commune_name"]
    assert len(body) == 2 * len(PUBLIC)  # communes × public indicators
    records = [dict(zip(head, r, strict=True)) for r in body]
    assert "test.secret" not in {r["indicator_code"] for r in records}
    money = next(
        r for r in records
        if r["indicator_code"] == "test.money" and r["commune_code"] == place["a"].code
    )  # fmt: skip
    assert money["value"] == "1234500"
    assert money["unit"] == "đồng"
    assert money["legal_basis"] == "Luật 10/2022 Điều 15"
    assert money["period"] == "2026-H1"


def test_open_data_json(client, place, settings):
    settings.LANGUAGE_CODE = "en"  # names stay Vietnamese whatever the reader's language
    response = client.get(
        f"/tinh/{place['province'].code}/du-lieu-mo.json?period=2026-H1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["province_code"] == place["province"].code
    assert data["first_day"] == "2026-01-01"
    rates = [
        r for r in data["rows"]
        if r["indicator_code"] == "test.rate" and r["commune_code"] == place["a"].code
    ]  # fmt: skip
    assert rates[0]["value"] == 87.5
    assert (rates[0]["numerator"], rates[0]["denominator"]) == (7, 8)
    assert rates[0]["unit"] == "%"
    money = next(r for r in data["rows"] if r["indicator_code"] == "test.money")
    assert money["unit"] == "đồng"


def test_open_data_errors(client, place):
    code = place["province"].code
    assert client.get(f"/tinh/{code}/du-lieu-mo.xml").status_code == 404
    assert client.get("/tinh/99999/du-lieu-mo.csv").status_code == 404
    assert client.get(f"/tinh/{code}/du-lieu-mo.csv?period=abc").status_code == 400
