"""The steering pages: plans, tasks and progress (with evidence), overdue tasks, emulation
rounds with their ranking and awards — permissions, field errors, constant query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.reporting import steering
from danchu.reporting.models import Award, EmulationRound, KeyTask, SteeringPlan, TaskStatus
from danchu.reporting.scopes import Scope
from danchu.reporting.steering import CriterionIn
from danchu.reporting.tests.test_emulation import facts  # noqa: F401 - the fake catalogue
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w(db, facts):  # noqa: F811
    province = ProvinceFactory()
    commune = CommuneFactory(parent=province)
    east, west = (VillageFactory(commune=commune, name=n) for n in ("Thôn Đông", "Thôn Tây"))
    chair = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
    head = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=east).user
    other_head = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=west).user
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, unit=province, commune=None).user
    stranger = RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user
    facts.add("fake.meetings", east, 3)
    facts.add("fake.meetings", west, 7)
    return {
        "province": province, "commune": commune, "east": east, "west": west, "chair": chair,
        "head": head, "other_head": other_head, "reader": reader, "stranger": stranger,
    }  # fmt: skip


def _as(client, user):
    client.force_login(user)
    return client


def _plan(w):
    return steering.plan_create(
        actor=w["chair"], unit=w["commune"], title="Kế hoạch 6 tháng cuối năm 2026",
        period_first=date(2026, 7, 1), period_last=date(2026, 12, 31),
    )  # fmt: skip


def _task(w, plan, **kw):
    kw.setdefault("assignees", [w["east"]])
    return steering.task_add(actor=w["chair"], plan=plan, title="Tuyên truyền", **kw)


# --- plans -----------------------------------------------------------------------------------


def test_plan_list_and_create(client, w):
    url = reverse("reporting:steering_plans", args=["xa", w["commune"].code])
    page = _as(client, w["chair"]).get(url)
    assert page.status_code == 200
    assert b'name="period"' in page.content
    response = client.post(url, {"title": "Kế hoạch năm 2027", "period": "2027"})
    plan = SteeringPlan.objects.get(title="Kế hoạch năm 2027")
    assert response.status_code == 302
    assert (plan.period_first, plan.period_last) == (date(2027, 1, 1), date(2027, 12, 31))


def test_plan_form_errors_are_field_errors(client, w):
    url = reverse("reporting:steering_plans", args=["xa", w["commune"].code])
    response = _as(client, w["chair"]).post(url, {"title": "", "period": "2027-H3"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "period"}
    assert "Không hiểu kỳ báo cáo “2027-H3”" in response.content.decode()  # in Vietnamese


def test_plan_pages_permissions(client, w):
    url = reverse("reporting:steering_plans", args=["xa", w["commune"].code])
    head_page = _as(client, w["head"]).get(url)
    assert head_page.status_code == 200
    assert b'name="period"' not in head_page.content  # reads, does not plan
    assert client.post(url, {"title": "X", "period": "2027"}).status_code == 403
    assert _as(client, w["stranger"]).get(url).status_code == 404
    assert client.get(reverse("reporting:steering_plans", args=["xa", "00000"])).status_code == 404
    province_url = reverse("reporting:steering_plans", args=["tinh", w["province"].code])
    assert _as(client, w["reader"]).get(province_url).status_code == 200
    assert _as(client, w["chair"]).get(province_url).status_code == 404


def test_plan_detail_adds_tasks_with_constant_queries(client, w):
    plan = _plan(w)
    url = reverse("reporting:steering_plan", args=[plan.pk])
    response = _as(client, w["chair"]).post(
        url,
        {"title": "Kiện toàn Ban Thanh tra nhân dân", "deadline": "2026-09-30",
         "assignees": [w["east"].pk, w["west"].pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert KeyTask.objects.get(plan=plan).assignments.count() == 2
    bad = client.post(url, {"title": "X", "assignees": ["99999999999999999999"]})
    assert bad.status_code == 400
    assert "assignees" in bad.context["form"].errors

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(10):
        task = _task(w, plan, assignees=[w["east"], w["west"]])
        steering.task_progress_report(actor=w["chair"], task=task, note=f"Ghi chú {i}", percent=5)
    assert count() == small
    assert small <= 15


# --- tasks and progress ----------------------------------------------------------------------


def test_village_head_reports_progress_with_evidence(client, w):
    task = _task(w, _plan(w))
    url = reverse("reporting:steering_task", args=[task.pk])
    page = _as(client, w["head"]).get(url)
    assert page.status_code == 200
    assert b'name="percent"' in page.content
    assert b'value="status"' not in page.content  # the status form is the committee's
    response = client.post(
        url,
        {"form": "progress", "note": "Đã họp thôn", "percent": "40",
         "evidence": SimpleUploadedFile("bien-ban.png", PNG, content_type="image/png")},
    )  # fmt: skip
    assert response.status_code == 302
    update = task.updates.get()
    file_url = reverse("reporting:steering_evidence", args=[update.pk])
    download = client.get(file_url)
    assert download.status_code == 200
    assert download.content == PNG
    assert download["X-Content-Type-Options"] == "nosniff"
    assert _as(client, w["stranger"]).get(file_url).status_code == 404


def test_progress_errors_and_other_villages(client, w):
    task = _task(w, _plan(w))
    url = reverse("reporting:steering_task", args=[task.pk])
    bad = _as(client, w["head"]).post(
        url,
        {"form": "progress", "note": "x", "percent": "101",
         "evidence": SimpleUploadedFile("virus.exe", b"MZ")},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "percent" in bad.context["progress_form"].errors
    wrong_file = client.post(
        url,
        {"form": "progress", "note": "x", "percent": "10",
         "evidence": SimpleUploadedFile("virus.exe", b"MZ")},
    )  # fmt: skip
    assert wrong_file.status_code == 400
    assert "evidence" in wrong_file.context["progress_form"].errors
    other = _as(client, w["other_head"])
    assert other.get(url).status_code == 200  # reads the commune's plans
    assert other.post(url, {"form": "progress", "note": "x", "percent": "5"}).status_code == 403
    assert other.post(url, {"form": "status", "status": "done"}).status_code == 403


def test_chair_changes_status_and_edits(client, w):
    task = _task(w, _plan(w))
    url = reverse("reporting:steering_task", args=[task.pk])
    done = _as(client, w["chair"]).post(url, {"form": "status", "status": "done"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    again = client.post(url, {"form": "status", "status": "done"})
    assert again.status_code == 400
    edited = client.post(
        url, {"form": "edit", "title": "Tuyên truyền pháp luật", "assignees": [w["west"].pk]}
    )
    assert edited.status_code == 302
    task.refresh_from_db()
    assert task.title == "Tuyên truyền pháp luật"


def test_overdue_page(client, w):
    _task(w, _plan(w), deadline=date(2026, 9, 30))
    url = reverse("reporting:steering_overdue", args=["xa", w["commune"].code])
    client = _as(client, w["chair"])
    late = client.get(url, {"on": "2026-10-01"})
    assert late.status_code == 200
    assert len(late.context["rows"]) == 1
    assert late.context["rows"][0]["days"] == 1
    assert client.get(url, {"on": "2026-09-30"}).context["rows"] == []
    assert client.get(url, {"on": "30/09/2026"}).status_code == 400


# --- emulation -------------------------------------------------------------------------------


def test_round_create_rank_and_award(client, w):
    url = reverse("reporting:emulation_rounds", args=["xa", w["commune"].code])
    page = _as(client, w["chair"]).get(url)
    assert page.status_code == 200
    assert b"fake.meetings" in page.content
    bad = client.post(url, {"title": "Thi đua", "period": "2026-H1", "code_1": "fake.meetings"})
    assert bad.status_code == 400
    assert "weight_1" in bad.context["form"].errors
    response = client.post(
        url,
        {"title": "Thi đua 6 tháng đầu năm", "period": "2026-H1", "code_1": "fake.meetings",
         "weight_1": "10", "direction_1": "higher", "direction_2": "higher"},
    )  # fmt: skip
    assert response.status_code == 302
    row = EmulationRound.objects.get()
    ranking_url = reverse("reporting:emulation_round", args=[row.pk])
    ranking = client.get(ranking_url)
    assert ranking.status_code == 200
    names = [r.name for r in ranking.context["ranking"].rows]
    assert names == ["Thôn Tây", "Thôn Đông"]
    award = client.post(
        ranking_url,
        {"kind": "giay_khen", "recipient": str(w["west"].pk), "decision_number": "12/QĐ-UBND",
         "decision_date": "2026-07-15", "signer": "Phan Văn Hùng"},
    )  # fmt: skip
    assert award.status_code == 302
    assert Award.objects.get().recipient_village == w["west"]
    refused = client.post(
        ranking_url,
        {"kind": "bang_khen", "recipient": str(w["west"].pk), "decision_number": "13/QĐ-UBND",
         "decision_date": "2026-07-15", "signer": "X"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "kind" in refused.context["form"].errors
    assert _as(client, w["head"]).get(ranking_url).status_code == 403  # no emulation role
    assert _as(client, w["stranger"]).get(ranking_url).status_code == 404


def test_ranking_page_queries_do_not_grow_with_villages(client, w, monkeypatch):
    """The page's own queries are constant; the figures come from ``figures_by_child`` (the
    reporting contract, which the roll-ups serve), replaced here by precomputed figures."""
    from danchu.reporting import emulation, selectors

    def precomputed(scope, period):
        return [selectors.Figures(child, period, {"fake.meetings": 1}) for child in children]

    monkeypatch.setattr(emulation, "figures_by_child", precomputed)
    row = steering.round_create(
        actor=w["chair"], unit=w["commune"], title="Thi đua", period_first=date(2026, 1, 1),
        period_last=date(2026, 6, 30), criteria=[CriterionIn("fake.meetings", 10)],
    )  # fmt: skip
    url = reverse("reporting:emulation_round", args=[row.pk])
    client = _as(client, w["chair"])
    scope = Scope.of(w["commune"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["ranking"].rows) == len(children)
        return len(ctx.captured_queries)

    children = scope.children()
    small = count()
    for i in range(10):
        VillageFactory(commune=w["commune"], name=f"Thôn Mới {i}")
    children = scope.children()
    assert count() == small
    assert small <= 12


def test_province_round_pages(client, w):
    url = reverse("reporting:emulation_rounds", args=["tinh", w["province"].code])
    response = _as(client, w["reader"]).post(
        url,
        {"title": "Thi đua toàn tỉnh", "period": "2025-07-01..2026-06-30",
         "code_1": "fake.meetings", "weight_1": "5", "direction_1": "higher"},
    )  # fmt: skip
    assert response.status_code == 302
    row = EmulationRound.objects.get(unit=w["province"])
    page = client.get(reverse("reporting:emulation_round", args=[row.pk]))
    assert [r.name for r in page.context["ranking"].rows] == [w["commune"].name]


@pytest.mark.parametrize("name", ["steering_plans", "emulation_rounds", "steering_overdue"])
def test_list_pages_have_constant_queries(client, w, name):
    url = reverse(f"reporting:{name}", args=["xa", w["commune"].code])
    client = _as(client, w["chair"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"on": "2026-12-01"}).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            plan = _plan(w)
            _task(w, plan, deadline=date(2026, 9, 30), assignees=[w["east"], w["west"]])
            row = steering.round_create(
                actor=w["chair"], unit=w["commune"], title=f"Thi đua {i}",
                period_first=date(2026, 1, 1), period_last=date(2026, 6, 30),
                criteria=[CriterionIn("fake.meetings", 10)],
            )  # fmt: skip
            steering.award_create(
                actor=w["chair"], round=row, kind="giay_khen", recipient_unit=w["east"],
                decision_number=f"{i}/QĐ-UBND", decision_date=date(2026, 7, 1), signer="X",
            )  # fmt: skip

    add(2)
    small = count()
    add(10)
    assert count() == small
    assert small <= 12


def test_commune_page_lists_the_provinces_tasks_and_unavailable_criteria(client, w, monkeypatch):
    plan = steering.plan_create(
        actor=w["reader"], unit=w["province"], title="Kế hoạch của tỉnh",
        period_first=date(2026, 7, 1), period_last=date(2026, 12, 31),
    )  # fmt: skip
    task = steering.task_add(
        actor=w["reader"], plan=plan, title="Báo cáo sơ kết gửi tỉnh", assignees=[w["commune"]]
    )
    page = _as(client, w["chair"]).get(
        reverse("reporting:steering_plans", args=["xa", w["commune"].code])
    )
    assert "Báo cáo sơ kết gửi tỉnh" in page.content.decode()
    assert client.get(reverse("reporting:steering_task", args=[task.pk])).status_code == 200
    row = steering.round_create(
        actor=w["chair"], unit=w["commune"], title="Thi đua", period_first=date(2026, 1, 1),
        period_last=date(2026, 6, 30), criteria=[CriterionIn("fake.meetings", 10)],
    )  # fmt: skip
    from danchu.reporting import catalogue

    monkeypatch.setattr(catalogue, "by_code", lambda: {})
    ranking = client.get(reverse("reporting:emulation_round", args=[row.pk]))
    assert ranking.status_code == 200
    assert "chưa có số liệu" in ranking.content.decode()
