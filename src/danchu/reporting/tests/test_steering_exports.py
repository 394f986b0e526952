"""Downloads of the steering tables (ranking, a plan's key tasks, overdue tasks) as CSV and
XLSX: Vietnamese headers, values, permissions, constant query counts, neutralised formulas."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.reporting import steering
from danchu.reporting.steering import CriterionIn
from danchu.reporting.tests.test_emulation import facts  # noqa: F401 - the fake catalogue
from danchu.reporting.tests.test_steering_pages import _as, _media, _plan, _task, w  # noqa: F401

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def _round(w):  # noqa: F811
    return steering.round_create(
        actor=w["chair"], unit=w["commune"], title="Thi đua 6 tháng đầu năm",
        period_first=date(2026, 1, 1), period_last=date(2026, 6, 30),
        criteria=[CriterionIn("fake.meetings", 10)],
    )  # fmt: skip


# --- the ranking -----------------------------------------------------------------------------


def test_ranking_csv_and_xlsx(client, w):  # noqa: F811
    row = _round(w)
    client = _as(client, w["chair"])
    page = client.get(reverse("reporting:emulation_round", args=[row.pk]))
    csv_url = reverse("reporting:emulation_round_export", args=[row.pk, "csv"])
    assert csv_url.encode() in page.content
    response = client.get(csv_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    lines = _csv(response)
    name = page.context["ranking"].columns[0].name
    assert lines[0] == ["Xếp hạng", "Đơn vị thi đua", name, f"{name} — điểm", "Tổng điểm"]
    assert [line[:3] for line in lines[1:]] == [["1", "Thôn Tây", "7"], ["2", "Thôn Đông", "3"]]
    ranked = page.context["ranking"].rows
    assert [float(line[4]) for line in lines[1:]] == [round(float(r.score), 2) for r in ranked]
    assert float(lines[1][4]) == 10.0  # the best earns the criterion's weight

    sheet = _sheet(client.get(reverse("reporting:emulation_round_export", args=[row.pk, "xlsx"])))
    assert sheet["A1"].value.startswith("Thi đua 6 tháng đầu năm")
    assert sheet["A2"].value == "Xếp hạng"
    assert (sheet["A3"].value, sheet["B3"].value, sheet["C3"].value) == (1, "Thôn Tây", 7)
    assert sheet["E3"].value == 10.0
    assert sheet["E3"].number_format == "0.00"


def test_ranking_export_permissions(client, w):  # noqa: F811
    row = _round(w)
    url = reverse("reporting:emulation_round_export", args=[row.pk, "csv"])
    assert _as(client, w["stranger"]).get(url).status_code == 404  # another commune's round
    assert _as(client, w["head"]).get(url).status_code == 403  # no emulation role
    assert _as(client, w["chair"]).get(url).status_code == 200
    assert client.post(url).status_code == 405
    missing = reverse("reporting:emulation_round_export", args=[row.pk + 1000, "xlsx"])
    assert client.get(missing).status_code == 404
    assert client.get(url.replace(".csv", ".pdf")).status_code == 404


def test_ranking_export_queries_do_not_grow_with_villages(client, w, monkeypatch):  # noqa: F811
    from danchu.reporting import emulation, selectors
    from danchu.reporting.scopes import Scope
    from danchu.territory.tests.factories import VillageFactory

    def precomputed(scope, period):
        return [selectors.Figures(c, period, {"fake.meetings": 1}) for c in scope.children()]

    monkeypatch.setattr(emulation, "figures_by_child", precomputed)
    row = _round(w)
    client = _as(client, w["chair"])
    url = reverse("reporting:emulation_round_export", args=[row.pk, "xlsx"])
    scope = Scope.of(w["commune"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(10):
        VillageFactory(commune=w["commune"], name=f"Thôn Mới {i}")
    assert len(scope.children()) == 12
    assert count() == small
    assert small <= 8


# --- key tasks -------------------------------------------------------------------------------


def test_plan_tasks_csv_and_xlsx(client, w):  # noqa: F811
    plan = _plan(w)
    task = _task(w, plan, deadline=date(2020, 9, 30), assignees=[w["east"], w["west"]])
    steering.task_progress_report(actor=w["chair"], task=task, note="Đã họp 2 thôn", percent=40)
    steering.task_add(actor=w["chair"], plan=plan, title=FORMULA, assignees=[w["west"]])
    client = _as(client, w["head"])  # a village head reads the commune's plans
    page = client.get(reverse("reporting:steering_plan", args=[plan.pk]))
    csv_url = reverse("reporting:steering_plan_export", args=[plan.pk, "csv"])
    assert csv_url.encode() in page.content
    lines = _csv(client.get(csv_url))
    assert lines[0] == [
        "STT", "Nhiệm vụ trọng tâm", "Kế hoạch chỉ đạo", "Đơn vị được giao", "Thời hạn",
        "Trạng thái", "Quá hạn", "Tiến độ (%)", "Báo cáo tiến độ gần nhất",
    ]  # fmt: skip
    first, second = lines[1], lines[2]
    assert first[1:5:3] == ["Tuyên truyền", "2020-09-30"]
    assert first[2] == plan.title
    assert sorted(first[3].split(", ")) == ["Thôn Tây", "Thôn Đông"]  # the page's order
    assert first[5]  # the status, in words
    assert first[6:] == ["có", "40", "Đã họp 2 thôn"]
    assert second[1] == "'" + FORMULA  # neutralised: no formula runs in a spreadsheet
    assert second[4] == ""
    assert second[6] == ""

    sheet = _sheet(client.get(reverse("reporting:steering_plan_export", args=[plan.pk, "xlsx"])))
    assert sheet["B2"].value == "Nhiệm vụ trọng tâm"
    assert sheet["E3"].value == datetime(2020, 9, 30)
    assert sheet["E3"].number_format == "dd/mm/yyyy"
    assert sheet["H3"].value == 40
    assert sheet["B4"].value == FORMULA
    assert sheet["B4"].data_type == "s"  # text, not a formula


def test_plan_export_permissions(client, w):  # noqa: F811
    plan = _plan(w)
    url = reverse("reporting:steering_plan_export", args=[plan.pk, "xlsx"])
    assert _as(client, w["stranger"]).get(url).status_code == 404
    board = RoleAssignmentFactory(commune=w["commune"], role=Role.SUPERVISION_BOARD).user
    assert _as(client, board).get(url).status_code == 403  # no steering role
    assert _as(client, w["reader"]).get(url).status_code == 200  # the province oversees


@pytest.mark.parametrize("name", ["steering_plan_export", "steering_overdue_export"])
def test_task_exports_have_constant_queries(client, w, name):  # noqa: F811
    plan = _plan(w)
    client = _as(client, w["chair"])
    if name == "steering_plan_export":
        url = reverse(f"reporting:{name}", args=[plan.pk, "csv"])
    else:
        url = reverse(f"reporting:{name}", args=["xa", w["commune"].code, "csv"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"on": "2026-12-01"})
            assert response.status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            task = _task(w, plan, deadline=date(2026, 9, 30), assignees=[w["east"], w["west"]])
            steering.task_progress_report(actor=w["chair"], task=task, note=f"Ghi {i}", percent=5)

    add(2)
    small = count()
    add(10)
    assert count() == small
    assert small <= 12


# --- overdue tasks ---------------------------------------------------------------------------


def test_overdue_csv_and_xlsx(client, w):  # noqa: F811
    plan = _plan(w)
    _task(w, plan, deadline=date(2026, 9, 30))
    steering.task_add(actor=w["chair"], plan=plan, title="Chưa đến hạn", deadline=date(2026, 12, 1),
                      assignees=[w["east"]])  # fmt: skip
    client = _as(client, w["chair"])
    page = client.get(reverse("reporting:steering_overdue", args=["xa", w["commune"].code]),
                      {"on": "2026-10-01"})  # fmt: skip
    url = reverse("reporting:steering_overdue_export", args=["xa", w["commune"].code, "csv"])
    assert f"{url}?on=2026-10-01".encode() in page.content
    lines = _csv(client.get(url, {"on": "2026-10-01"}))
    assert len(lines) == 2
    assert lines[1][1] == "Tuyên truyền"
    assert lines[1][6] == "có"
    assert _csv(client.get(url, {"on": "2026-09-30"})) == [lines[0]]
    bad = client.get(url, {"on": "30/09/2026"})
    assert bad.status_code == 400
    assert "ngày" in bad.content.decode().lower()
    xlsx = url.replace(".csv", ".xlsx")
    sheet = _sheet(client.get(xlsx, {"on": "2026-10-01"}))
    assert sheet["A1"].value.endswith("01/10/2026")
    assert sheet["B3"].value == "Tuyên truyền"
    assert _as(client, w["stranger"]).get(url).status_code == 404
    board = RoleAssignmentFactory(commune=w["commune"], role=Role.SUPERVISION_BOARD).user
    assert _as(client, board).get(url).status_code == 403
