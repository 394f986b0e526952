"""The consultations API: the whole path from draft to decision, and who may do what."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from danchu.api.tests.helpers import auth, token_for
from danchu.consultation.models import Consultation
from danchu.consultation.tests.factories import past_deadline, resident_user
from danchu.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


@pytest.fixture
def commune(db):
    return CommuneFactory(code="18406")


def _post(client, path, body, token):
    return client.post(BASE + path, json.dumps(body), content_type="application/json",
                       **auth(token))  # fmt: skip


def _create(client, token, **overrides):
    body = {
        "category": 5, "title": "Quy chế rác thải", "plan_document": "Kế hoạch 5/KH-UBND",
        "plan_issued_on": timezone.localdate().isoformat(), "period_days": 20,
        "draft_text": "Điều 1. Phạm vi\nToàn xã.\nĐiều 2. Giờ\n6 giờ sáng.", "forms": ["web"],
    }  # fmt: skip
    body.update(overrides)
    return _post(client, f"/communes/{commune_code(client)}/consultations", body, token)


def commune_code(_client):
    return "18406"


def test_period_boundary_through_the_api(client, commune, official):
    token = token_for(official)
    refused = _create(client, token, period_days=19)
    assert refused.status_code == 422
    assert "period_days" in refused.json()["fields"]
    convention = _create(client, token, period_days=29, is_convention=True)
    assert convention.status_code == 422
    assert _create(client, token, period_days=30, is_convention=True).status_code == 201


def test_from_draft_to_decision(client, commune, official, village):
    token = token_for(official)
    created = _create(client, token)
    assert created.status_code == 201
    pk = created.json()["id"]
    assert [s["heading"] for s in created.json()["sections"]] == ["Điều 1. Phạm vi", "Điều 2. Giờ"]
    # A draft is the officials' only.
    assert client.get(f"{BASE}/consultations/{pk}").status_code == 404
    published = _post(client, f"/consultations/{pk}/publish", {}, token)
    assert published.status_code == 200
    assert published.json()["disclosure_id"] is not None
    assert client.get(f"{BASE}/consultations/{pk}").status_code == 200
    section_id = published.json()["sections"][1]["id"]
    resident = resident_user(village)
    own = _post(client, f"/consultations/{pk}/opinions",
                {"body": "Nên 7 giờ", "section_id": section_id}, token_for(resident))  # fmt: skip
    assert own.status_code == 201
    reference = own.json()["reference"]
    paper = _post(client, f"/consultations/{pk}/opinions",
                  {"body": "Đồng ý", "form": "meeting", "source": "Họp thôn"}, token)  # fmt: skip
    assert paper.status_code == 201
    looked = client.get(f"{BASE}/opinions/{reference}")
    assert looked.status_code == 200
    assert looked.json()["answer"] is None
    assert _post(client, f"/consultations/{pk}/close", {}, token).status_code == 409  # too early
    past_deadline(Consultation.objects.get(pk=pk))
    assert _post(client, f"/consultations/{pk}/close", {}, token).status_code == 200
    assert client.get(f"{BASE}/consultations/{pk}/synthesis").status_code == 409
    suggestions = client.get(f"{BASE}/consultations/{pk}/suggestions", **auth(token)).json()
    ids = [i for s in suggestions for i in s["opinion_ids"]]
    group = _post(client, f"/consultations/{pk}/groups",
                  {"topic": "Giờ thu gom", "opinion_ids": ids}, token)  # fmt: skip
    assert group.status_code == 201
    assert _post(client, f"/consultations/{pk}/synthesis/publish", {}, token).status_code == 409
    answer = _post(client, f"/opinion-groups/{group.json()['id']}/answer",
                   {"outcome": "not_accepted", "answer": "Chưa đủ xe."}, token)  # fmt: skip
    assert answer.status_code == 200
    assert _post(client, f"/consultations/{pk}/synthesis/publish", {}, token).status_code == 200
    assert client.get(f"{BASE}/opinions/{reference}").json()["answer"] == "Chưa đủ xe."
    synthesis = client.get(f"{BASE}/consultations/{pk}/synthesis").json()
    assert synthesis["published"] is True
    assert reference in synthesis["groups"][0]["opinion_references"]
    decision = {"reference": "QĐ 1/QĐ-UBND", "issued_on": timezone.localdate().isoformat()}
    refused = _post(client, f"/consultations/{pk}/decision", decision, token)
    assert refused.status_code == 422  # every opinion refused: the explanation is required
    assert "explanation" in refused.json()["fields"]
    decision["explanation"] = "Ngân sách chưa cho phép."
    done = _post(client, f"/consultations/{pk}/decision", decision, token)
    assert done.status_code == 200
    assert done.json()["departs_from_majority"] is True


def test_residents_cannot_manage_or_read_sources(client, commune, official, village):
    token = token_for(official)
    pk = _create(client, token).json()["id"]
    _post(client, f"/consultations/{pk}/publish", {}, token)
    resident = token_for(resident_user(village))
    assert _post(client, f"/consultations/{pk}/close", {}, resident).status_code == 403
    assert client.get(f"{BASE}/consultations/{pk}/opinions", **auth(resident)).status_code == 403
    paper = _post(client, f"/consultations/{pk}/opinions",
                  {"body": "x", "form": "box", "source": "hòm thư"}, resident)  # fmt: skip
    assert paper.status_code == 403


def test_public_list_hides_drafts(client, commune, official):
    token = token_for(official)
    _create(client, token)
    assert client.get(f"{BASE}/communes/18406/consultations").json()["count"] == 0
    listed = client.get(f"{BASE}/communes/18406/consultations", **auth(token)).json()
    assert listed["count"] == 1


def test_unknown_reference_is_404(client, commune):
    assert client.get(f"{BASE}/opinions/YK-AAAA-BBBB").status_code == 404


def test_affected_citizens_and_convention_vote(client, commune, official, village):
    from danchu.decisions.models import Matter

    token = token_for(official)
    pk = _create(client, token, category=8, forms=["dialogue"]).json()["id"]
    person = resident_user(village)
    told = _post(client, f"/consultations/{pk}/affected-citizens",
                 {"name": "Trần Thị Bình", "user_id": person.pk}, token)  # fmt: skip
    assert told.status_code == 201
    assert told.json()["notified_at"] is not None
    paper = _post(client, f"/consultations/{pk}/affected-citizens", {"name": "Lê Văn C"}, token)
    citizen = paper.json()["id"]
    no_answer = _post(
        client, f"/affected-citizens/{citizen}/views", {"views": "Không đồng ý"}, token
    )
    assert no_answer.status_code == 422
    kept = _post(client, f"/affected-citizens/{citizen}/views",
                 {"views": "Xin gia hạn", "answer": "Gia hạn 30 ngày", "notified_on_paper": True},
                 token)  # fmt: skip
    assert kept.status_code == 200
    listed = client.get(f"{BASE}/consultations/{pk}/affected-citizens", **auth(token)).json()
    assert {c["name"] for c in listed} == {"Trần Thị Bình", "Lê Văn C"}
    convention = _create(client, token, is_convention=True, period_days=30).json()["id"]
    vote = Matter.objects.create(commune=commune, matter_type=3, title="Hương ước", question="q")
    linked = _post(client, f"/consultations/{convention}/matter", {"matter_id": vote.pk}, token)
    assert linked.status_code == 200
    assert linked.json()["matter_id"] == vote.pk
    assert (
        _post(client, f"/consultations/{pk}/matter", {"matter_id": vote.pk}, token).status_code
        == 422
    )
