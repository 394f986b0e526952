"""The steering API: plans, key tasks and progress, overdue tasks, rounds with the ranking, and
awards (404 across units, 403 without the right, 409 on state, 422 field errors)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.api.tests.helpers import auth, token_for
from danchu.reporting import steering
from danchu.reporting.models import Award, KeyTask
from danchu.reporting.tests.test_emulation import facts  # noqa: F401 - the fake catalogue
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

BASE = "/api/v1"


class Api:
    def __init__(self, client, user):
        self.client = client
        self.headers = auth(token_for(user))

    def get(self, path, **params):
        return self.client.get(BASE + path, params, **self.headers)

    def post(self, path, body=None):
        return self.client.post(
            BASE + path, json.dumps(body or {}), content_type="application/json", **self.headers
        )


@pytest.fixture
def w(db, facts):  # noqa: F811
    province = ProvinceFactory()
    commune = CommuneFactory(parent=province)
    east, west = (VillageFactory(commune=commune, name=n) for n in ("Thôn Đông", "Thôn Tây"))
    facts.add("fake.meetings", east, 2)
    facts.add("fake.meetings", west, 5)
    return {
        "province": province, "commune": commune, "east": east, "west": west,
        "chair": RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user,
        "head": RoleAssignmentFactory(
            commune=commune, role=Role.VILLAGE_HEAD, village=east
        ).user,
        "reader": RoleAssignmentFactory(
            role=Role.PROVINCE_READER, unit=province, commune=None
        ).user,
        "stranger": RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user,
    }  # fmt: skip


def test_plans_tasks_and_progress(client, w):
    chair = Api(client, w["chair"])
    code = w["commune"].code
    created = chair.post(
        f"/communes/{code}/steering-plans",
        {"title": "Kế hoạch 6 tháng cuối năm", "period": "2026-H2"},
    )
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    assert created.json()["period_first"] == "2026-07-01"
    bad = chair.post(f"/communes/{code}/steering-plans", {"title": "X", "period": "2026-H9"})
    assert bad.status_code == 422
    assert "period" in bad.json()["fields"]
    task = chair.post(
        f"/steering-plans/{plan_id}/tasks",
        {"title": "Tuyên truyền", "deadline": "2026-09-30", "villages": [w["east"].pk]},
    )
    assert task.status_code == 201, task.content
    assert task.json()["assigned_to"] == ["Thôn Đông"]
    task_id = task.json()["id"]
    wrong = chair.post(f"/steering-plans/{plan_id}/tasks", {"title": "X", "villages": [10**12]})
    assert wrong.status_code == 422
    assert "assignees" in wrong.json()["fields"]
    head = Api(client, w["head"])
    progress = head.post(f"/key-tasks/{task_id}/progress", {"note": "Đã họp", "percent": 30})
    assert progress.status_code == 201
    assert progress.json()["reported_for"] == "Thôn Đông"
    assert head.post(f"/key-tasks/{task_id}/status", {"status": "done"}).status_code == 403
    done = chair.post(f"/key-tasks/{task_id}/status", {"status": "done", "on": "2026-10-02"})
    assert done.status_code == 200
    assert done.json()["percent"] == 100
    assert chair.post(f"/key-tasks/{task_id}/status", {"status": "done"}).status_code == 409
    late = chair.post(f"/key-tasks/{task_id}/progress", {"note": "x", "percent": 5})
    assert late.status_code == 409
    detail = chair.get(f"/key-tasks/{task_id}")
    assert [u["note"] for u in detail.json()["updates"]] == ["Đã họp"]
    listing = chair.get(f"/communes/{code}/steering-plans")
    assert listing.json()["count"] == 1
    assert listing.json()["items"][0]["task_count"] == 1
    assert chair.get(f"/steering-plans/{plan_id}").json()["tasks"][0]["status"] == "done"
    overdue = chair.get(f"/communes/{code}/overdue-tasks", on="2026-10-05")
    assert overdue.json() == []  # done on 2 October


def test_api_permissions(client, w):
    plan = steering.plan_create(
        actor=w["chair"], unit=w["commune"], title="Kế hoạch", period_first=date(2026, 7, 1),
        period_last=date(2026, 12, 31),
    )  # fmt: skip
    task = steering.task_add(actor=w["chair"], plan=plan, title="X", assignees=[w["west"]])
    stranger = Api(client, w["stranger"])
    assert stranger.get(f"/steering-plans/{plan.pk}").status_code == 404
    assert stranger.get(f"/key-tasks/{task.pk}").status_code == 404
    assert stranger.get(f"/communes/{w['commune'].code}/steering-plans").status_code == 404
    head = Api(client, w["head"])
    assert head.get(f"/key-tasks/{task.pk}").status_code == 200
    assert (
        head.post(f"/key-tasks/{task.pk}/progress", {"note": "x", "percent": 1}).status_code == 403
    )
    assert (
        head.post(f"/communes/{w['commune'].code}/steering-plans", {"title": "X", "period": "2027"})
    ).status_code == 403
    assert Api(client, w["chair"]).get("/towns/1/steering-plans").status_code == 422


def test_province_plan_for_communes(client, w):
    reader = Api(client, w["reader"])
    plan = reader.post(
        f"/provinces/{w['province'].code}/steering-plans", {"title": "Tỉnh", "period": "2026"}
    )
    assert plan.status_code == 201
    task = reader.post(
        f"/steering-plans/{plan.json()['id']}/tasks",
        {"title": "Sơ kết", "deadline": "2026-06-30", "communes": [w["commune"].code]},
    )
    assert task.status_code == 201, task.content
    chair = Api(client, w["chair"])
    task_id = task.json()["id"]
    assert chair.get(f"/key-tasks/{task_id}").status_code == 200
    assert (
        chair.post(f"/key-tasks/{task_id}/progress", {"note": "x", "percent": 50}).status_code
        == 201
    )
    overdue = chair.get(f"/communes/{w['commune'].code}/overdue-tasks", on="2026-07-01")
    assert [t["id"] for t in overdue.json()] == [task_id]
    assert KeyTask.objects.get(pk=task_id).commune is None


def test_rounds_ranking_and_awards(client, w):
    chair = Api(client, w["chair"])
    code = w["commune"].code
    refused = chair.post(
        f"/communes/{code}/emulation-rounds",
        {"title": "Thi đua", "period": "2026-H1", "criteria": [{"indicator": "x.y", "weight": 5}]},
    )
    assert refused.status_code == 422
    created = chair.post(
        f"/communes/{code}/emulation-rounds",
        {"title": "Thi đua", "period": "2026-H1",
         "criteria": [{"indicator": "fake.meetings", "weight": 30, "direction": "higher"}]},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    round_id = created.json()["id"]
    ranking = chair.get(f"/emulation-rounds/{round_id}").json()
    assert ranking["period"] == "2026-H1"
    assert [(r["name"], r["score"]) for r in ranking["rows"]] == [
        ("Thôn Tây", "30"),
        ("Thôn Đông", "0"),
    ]
    assert ranking["rows"][0]["cells"][0] == {"value": "5", "display": "5", "points": "30"}
    award = chair.post(
        f"/emulation-rounds/{round_id}/awards",
        {"kind": "giay_khen", "recipient_village": w["west"].pk, "decision_number": "12/QĐ-UBND",
         "decision_date": "2026-07-15", "signer": "Phan Văn Hùng"},
    )  # fmt: skip
    assert award.status_code == 201, award.content
    assert award.json()["recipient"] == "Thôn Tây"
    other = chair.post(
        f"/emulation-rounds/{round_id}/awards",
        {"kind": "giay_khen", "recipient_village": VillageFactory().pk,
         "decision_number": "1", "decision_date": "2026-07-15", "signer": "X"},
    )  # fmt: skip
    assert other.status_code == 422
    assert Award.objects.count() == 1
    awards = chair.get(f"/communes/{code}/awards", period="2026")
    assert [a["decision_number"] for a in awards.json()] == ["12/QĐ-UBND"]
    assert chair.get(f"/communes/{code}/awards", period="nope").status_code == 422
    assert Api(client, w["head"]).get(f"/emulation-rounds/{round_id}").status_code == 403
    assert Api(client, w["stranger"]).get(f"/emulation-rounds/{round_id}").status_code == 404
