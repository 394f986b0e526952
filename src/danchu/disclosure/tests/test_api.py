"""The disclosure API (/api/v1/): public reads without sign-in, drafts only for the commune's
officials, writes through the services with their permissions (404 across communes, 403 for a
role without the right), field errors as 422, conflicts as 409, constant query counts."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.api.tests.helpers import auth, token_for
from danchu.disclosure import services
from danchu.disclosure.models import Disclosure, InformationRequest, PublishingRecord
from danchu.disclosure.rules import Category, Channel
from danchu.disclosure.tests.factories import data, make_disclosure, pdf_file
from danchu.territory.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
TODAY = timezone.localdate()
RECENT = TODAY - datetime.timedelta(days=20)


def _error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    if code:
        assert body["code"] == code
    return body


class Client:
    """The test client, as someone (a bearer token) or as nobody."""

    def __init__(self, client, user=None):
        self.client = client
        self.headers = auth(token_for(user)) if user is not None else {}

    def get(self, path, **params):
        return self.client.get(BASE + path, params, **self.headers)

    def post(self, path, body=None):
        return self.client.post(
            BASE + path, json.dumps(body or {}), content_type="application/json", **self.headers
        )

    def put(self, path, body):
        return self.client.put(
            BASE + path, json.dumps(body), content_type="application/json", **self.headers
        )


@pytest.fixture
def anon(client):
    return Client(client)


@pytest.fixture
def off(client, official):
    return Client(client, official)


@pytest.fixture
def villages(commune):
    return [VillageFactory(commune=commune, name=n) for n in ("Thôn Đông", "Thôn Tây")]


@pytest.fixture
def resident(commune, villages):
    return RoleAssignmentFactory(commune=commune, village=villages[0], role=Role.RESIDENT).user


@pytest.fixture
def outsider(other_commune):
    """An official of another commune."""
    return RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_OFFICIAL).user


@pytest.fixture
def published(official, commune, villages):
    disclosure = make_disclosure(
        official, commune, title="Danh sách hộ nghèo năm 2026", source_issued_on=RECENT,
        category=Category.SOCIAL_SUPPORT,
    )  # fmt: skip
    services.attachment_add(actor=official, disclosure=disclosure, uploaded_file=pdf_file())
    disclosure = services.disclosure_publish(actor=official, disclosure=disclosure)
    services.publishing_record_add(
        actor=official, version=disclosure.public_version, channel=Channel.VILLAGE_POINT,
        village=villages[0], started_on=RECENT, performed_by="Trưởng thôn Đông",
    )  # fmt: skip
    return disclosure


@pytest.fixture
def draft(official, commune):
    return make_disclosure(official, commune, title="Dự thảo quy chế", source_issued_on=RECENT)


def _payload(**overrides):
    body = {
        "category": 2,
        "title": "Dự toán ngân sách xã năm 2027",
        "summary": "Dự toán thu, chi ngân sách.",
        "body": "Chi tiết\nkèm theo.",
        "source_document": "Nghị quyết số 20/NQ-HĐND",
        "source_issued_on": RECENT.isoformat(),
    }
    body.update(overrides)
    return body


# ---------------------------------------------------------------------------------------------
# Public reads


def test_public_list_shows_only_this_communes_published_disclosures(
    anon, commune, other_commune, outsider, published, draft, official
):
    withdrawn = make_disclosure(official, commune, publish=True, title="Thông báo nhầm")
    services.disclosure_withdraw(actor=official, disclosure=withdrawn, reason="Nhầm xã")
    make_disclosure(outsider, other_commune, publish=True, title="Tin của xã khác")

    response = anon.get(f"/communes/{commune.code}/disclosures")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == published.pk
    assert item["title"] == "Danh sách hộ nghèo năm 2026"
    assert item["status"] == "published"
    assert item["category"] == 7
    assert item["category_label"].startswith("7. ")
    assert item["url"].endswith(
        reverse("disclosure:public_detail", args=[commune.code, published.pk])
    )


def test_public_list_filters(anon, official, commune, villages, published):
    east, west = villages
    budget = make_disclosure(
        official, commune, publish=True, title="Dự toán ngân sách", category=Category.BUDGET,
        summary="Thu, chi ngân sách xã.", village_ids=[west.pk], source_issued_on=RECENT,
    )  # fmt: skip
    path = f"/communes/{commune.code}/disclosures"

    def ids(**params):
        response = anon.get(path, **params)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids(category=2) == {budget.pk}
    assert ids(category=7) == {published.pk}
    assert ids(q="ho ngheo") == {published.pk}  # no diacritics needed
    assert ids(q="DỰ TOÁN") == {budget.pk}
    assert ids(village_id=east.pk) == {published.pk}  # the whole commune counts for east
    assert ids(village_id=west.pk) == {published.pk, budget.pk}
    other_village = VillageFactory()
    assert ids(village_id=other_village.pk) == set()
    assert ids(date_from=TODAY.isoformat(), date_to=TODAY.isoformat()) == {
        published.pk,
        budget.pk,
    }
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert ids(date_from=tomorrow.isoformat()) == set()
    assert anon.get(path, limit=1).json()["count"] == 2
    assert len(anon.get(path, limit=1).json()["items"]) == 1


def test_public_list_bad_filters_are_422(anon, commune):
    path = f"/communes/{commune.code}/disclosures"
    body = _error(anon.get(path, category=15), 422, "invalid")
    assert "category" in body["fields"]
    body = _error(anon.get(path, date_from="30/11/2026"), 422)
    assert body["fields"]["date_from"] == ["Hãy nhập một ngày hợp lệ."]
    assert "date_to" in _error(anon.get(path, date_to="0"), 422)["fields"]
    assert "limit" in _error(anon.get(path, limit=0), 422)["fields"]


def test_public_list_of_an_unknown_commune_is_404(anon):
    _error(anon.get("/communes/99999/disclosures"), 404, "not_found")


def test_public_reads_refuse_a_bad_token(client, commune):
    response = client.get(f"{BASE}/communes/{commune.code}/disclosures", **auth("nope"))
    _error(response, 401, "unauthorized")


def test_public_list_query_count_is_constant(anon, official, commune):
    path = f"/communes/{commune.code}/disclosures"

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = anon.get(path)
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    make_disclosure(official, commune, publish=True, source_issued_on=RECENT)
    few, shown = count_queries()
    assert shown == 1
    for _ in range(12):
        make_disclosure(official, commune, publish=True, source_issued_on=RECENT)
    many, shown = count_queries()
    assert shown == 13
    assert many == few
    assert few <= 4


def test_detail_of_a_published_disclosure(anon, published, villages):
    response = anon.get(f"/disclosures/{published.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Danh sách hộ nghèo năm 2026"
    assert body["version"] == 1
    assert body["public_version"] == 1
    assert body["version_published_at"] is not None
    assert body["has_pending_change"] is False
    assert body["village_ids"] == []  # the whole commune
    [attachment] = body["attachments"]
    assert attachment["name"] == "quyet-dinh.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert attachment["size"] > 0
    assert attachment["download_url"].endswith(
        reverse("disclosure:attachment", args=[attachment["id"]])
    )
    assert attachment["download_url"].startswith("http")
    channels = {(r["channel"], r["village_id"]) for r in body["records"]}
    assert channels == {("website", None), ("village_point", villages[0].pk)}
    village_record = next(r for r in body["records"] if r["channel"] == "village_point")
    assert village_record["village_name"] == "Thôn Đông"
    # The public reads places and dates; who did it and the proofs stay with officials.
    assert village_record["performed_by"] == ""
    assert village_record["proofs"] == []
    assert village_record["started_on"] == RECENT.isoformat()
    assert village_record["ended_on"] is None


def test_drafts_are_404_for_anyone_but_the_communes_officials(
    client, anon, draft, resident, outsider, official
):
    path = f"/disclosures/{draft.pk}"
    _error(anon.get(path), 404, "not_found")
    _error(Client(client, resident).get(path), 404, "not_found")  # not 403: it is not public
    _error(Client(client, outsider).get(path), 404, "not_found")
    _error(anon.get(path + "/versions"), 404)
    _error(anon.get(path + "/records"), 404)
    response = Client(client, official).get(path)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    assert response.json()["version_published_at"] is None
    assert response.json()["url"] is None


def test_a_missing_disclosure_is_404(anon):
    _error(anon.get("/disclosures/987654"), 404, "not_found")


def test_a_pending_change_stays_private_until_published(client, anon, off, official, published):
    services.disclosure_update(
        actor=official, disclosure=published,
        data=data(title="Danh sách hộ nghèo năm 2026 (bổ sung)", source_issued_on=RECENT,
                  change_note="Bổ sung hai hộ."),
    )  # fmt: skip
    public = anon.get(f"/disclosures/{published.pk}").json()
    assert public["version"] == 1
    assert public["title"] == "Danh sách hộ nghèo năm 2026"
    inside = off.get(f"/disclosures/{published.pk}").json()
    assert inside["version"] == 2
    assert inside["has_pending_change"] is True
    assert inside["change_note"] == "Bổ sung hai hộ."
    assert inside["attachments"][0]["name"] == "quyet-dinh.pdf"  # carried over

    versions = anon.get(f"/disclosures/{published.pk}/versions").json()
    assert [v["number"] for v in versions["items"]] == [1]
    versions = off.get(f"/disclosures/{published.pk}/versions").json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    assert versions["items"][0]["published_at"] is None


def test_records_list_is_public_for_published_versions(anon, published):
    response = anon.get(f"/disclosures/{published.pk}/records")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    assert {r["version"] for r in body["items"]} == {1}
    assert anon.get(f"/disclosures/{published.pk}/records", version=2).json()["count"] == 0


# ---------------------------------------------------------------------------------------------
# Writes


def test_create_update_publish(off, commune, villages):
    response = off.post(
        f"/communes/{commune.code}/disclosures", _payload(village_ids=[villages[1].pk])
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft"
    assert created["village_ids"] == [villages[1].pk]
    assert created["all_villages"] is False
    assert created["deadline"] > RECENT.isoformat()
    pk = created["id"]

    response = off.put(f"/disclosures/{pk}", _payload(title="Dự toán ngân sách (sửa)"))
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1  # a draft is edited in place
    assert response.json()["title"] == "Dự toán ngân sách (sửa)"
    assert response.json()["all_villages"] is True

    response = off.post(f"/disclosures/{pk}/publish")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["records"][0]["channel"] == "website"
    _error(off.post(f"/disclosures/{pk}/publish"), 409, "conflict")

    # A change after publication is a new version and needs a note (Art. 14).
    body = _error(off.put(f"/disclosures/{pk}", _payload(title="Lần hai")), 422, "invalid")
    assert "change_note" in body["fields"]
    response = off.put(f"/disclosures/{pk}", _payload(title="Lần hai", change_note="Sửa số."))
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["public_version"] == 1


def test_create_field_errors_are_422(off, commune, other_commune):
    path = f"/communes/{commune.code}/disclosures"
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    body = _error(off.post(path, _payload(source_issued_on=future)), 422, "invalid")
    assert list(body["fields"]) == ["source_issued_on"]
    foreign = VillageFactory(commune=other_commune)
    body = _error(off.post(path, _payload(village_ids=[foreign.pk])), 422)
    assert "village_ids" in body["fields"]
    body = _error(off.post(path, _payload(title="", category=99)), 422)
    assert {"title", "category"} <= set(body["fields"])
    body = _error(off.post(path, {"title": "Thiếu trường"}), 422)
    assert body["fields"]["source_document"] == ["Trường này là bắt buộc."]
    _error(off.post(path, _payload(sector_deadline=RECENT.isoformat())), 422)  # no rule named
    assert not Disclosure.objects.exists()


def test_writes_need_the_right_and_the_commune(client, commune, draft, published, outsider):
    front = RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user
    as_front = Client(client, front)  # may read the register, not write it
    _error(as_front.post(f"/communes/{commune.code}/disclosures", _payload()), 403, "forbidden")
    _error(as_front.put(f"/disclosures/{draft.pk}", _payload()), 403, "forbidden")
    _error(as_front.post(f"/disclosures/{draft.pk}/publish"), 403, "forbidden")
    record = {"channel": "commune_office", "started_on": RECENT.isoformat()}
    _error(as_front.post(f"/disclosures/{published.pk}/records", record), 403, "forbidden")
    assert as_front.get(f"/disclosures/{draft.pk}").status_code == 200  # reading is allowed

    as_outsider = Client(client, outsider)
    _error(as_outsider.post(f"/communes/{commune.code}/disclosures", _payload()), 404)
    _error(as_outsider.put(f"/disclosures/{draft.pk}", _payload()), 404)
    _error(as_outsider.post(f"/disclosures/{draft.pk}/publish"), 404)
    _error(as_outsider.post(f"/disclosures/{published.pk}/records", record), 404)
    _error(as_outsider.get(f"/disclosures/{published.pk}/compliance"), 404)
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.DRAFT


def test_writes_need_sign_in(anon, commune, draft):
    _error(anon.post(f"/communes/{commune.code}/disclosures", _payload()), 401)
    _error(anon.post(f"/disclosures/{draft.pk}/publish"), 401)
    _error(anon.get(f"/disclosures/{draft.pk}/compliance"), 401)
    _error(anon.get("/information-requests"), 401)


def test_updating_a_withdrawn_disclosure_is_a_conflict(off, official, published):
    services.disclosure_withdraw(actor=official, disclosure=published, reason="Sai nội dung")
    body = _error(off.put(f"/disclosures/{published.pk}", _payload(change_note="x")), 409)
    assert body["code"] == "withdrawn"


# ---------------------------------------------------------------------------------------------
# Compliance and publishing records


def test_compliance_lists_each_required_channel(client, off, published, villages, resident):
    response = off.get(f"/disclosures/{published.pk}/compliance")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 1
    keys = {(r["channel"], r["village_id"]) for r in body["requirements"]}
    east, west = villages
    # Art. 13 for clause 7: website, commune office, every village point, loudspeaker, relay.
    assert keys == {
        ("website", None), ("commune_office", None), ("village_point", east.pk),
        ("village_point", west.pk), ("loudspeaker", None), ("village_head", east.pk),
        ("village_head", west.pk),
    }  # fmt: skip
    website = next(r for r in body["requirements"] if r["channel"] == "website")
    assert website["outcome"] == "done_late"  # published today, 20 days after the issue
    assert website["late"] is True
    assert website["outcome_label"] == "Đã thực hiện nhưng muộn"
    point = next(r for r in body["requirements"] if r["village_id"] == east.pk
                 and r["channel"] == "village_point")  # fmt: skip
    assert point["first_started_on"] == RECENT.isoformat()
    assert point["longest_days"] == 20
    assert point["outcome"] == "running"
    assert point["min_days"] == 30
    missing = next(r for r in body["requirements"] if r["channel"] == "loudspeaker")
    assert missing["outcome"] == "missing"
    assert body["complete"] is False
    assert body["on_time"] is False
    # Residents read what is published, not the back office's register.
    _error(Client(client, resident).get(f"/disclosures/{published.pk}/compliance"), 403)
    _error(off.get(f"/disclosures/{published.pk}/compliance", version=9), 404)


def test_record_an_act_of_publishing(off, published, villages):
    path = f"/disclosures/{published.pk}/records"
    body = {
        "channel": "village_head", "village_id": villages[1].pk,
        "started_on": RECENT.isoformat(), "ended_on": RECENT.isoformat(),
        "performed_by": "Trưởng thôn Tây", "note": "Họp thôn",
    }  # fmt: skip
    response = off.post(path, body)
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["channel"] == "village_head"
    assert record["village_name"] == "Thôn Tây"
    assert record["performed_by"] == "Trưởng thôn Tây"
    assert record["proofs"] == []
    assert PublishingRecord.objects.filter(pk=record["id"], channel="village_head").exists()


def test_record_field_errors_use_the_apis_names(off, published, other_commune):
    path = f"/disclosures/{published.pk}/records"
    body = _error(off.post(path, {"channel": "village_point", "started_on": RECENT.isoformat()}),
                  422)  # fmt: skip
    assert list(body["fields"]) == ["village_id"]
    foreign = VillageFactory(commune=other_commune)
    body = _error(off.post(path, {"channel": "village_point", "village_id": foreign.pk,
                                  "started_on": RECENT.isoformat()}), 422)  # fmt: skip
    assert list(body["fields"]) == ["village_id"]
    body = _error(off.post(path, {"channel": "commune_office", "started_on": TODAY.isoformat(),
                                  "ended_on": RECENT.isoformat()}), 422)  # fmt: skip
    assert body["fields"]["ended_on"] == ["Ngày kết thúc không được trước ngày bắt đầu."]
    body = _error(off.post(path, {"channel": "fax", "started_on": RECENT.isoformat()}), 422)
    assert "channel" in body["fields"]


def test_a_village_head_records_only_at_their_village(client, commune, published, villages):
    east, west = villages
    head = RoleAssignmentFactory(commune=commune, village=east, role=Role.VILLAGE_HEAD).user
    as_head = Client(client, head)
    path = f"/disclosures/{published.pk}/records"
    at = {"channel": "village_head", "started_on": RECENT.isoformat()}
    assert as_head.post(path, {**at, "village_id": east.pk}).status_code == 201
    _error(as_head.post(path, {**at, "village_id": west.pk}), 403, "forbidden")


def test_a_draft_has_no_acts_of_publishing_yet(off, draft):
    body = _error(off.post(f"/disclosures/{draft.pk}/records",
                           {"channel": "commune_office", "started_on": RECENT.isoformat()}),
                  422)  # fmt: skip
    assert "started_on" in body["fields"]


# ---------------------------------------------------------------------------------------------
# Information on request (Art. 14)


def test_a_resident_asks_and_an_official_answers(client, off, commune, resident, published):
    as_resident = Client(client, resident)
    response = as_resident.post(
        f"/communes/{commune.code}/information-requests",
        {"subject": "Danh sách năm trước", "message": "Xin cung cấp.", "reason": "expired",
         "disclosure_id": published.pk},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    asked = response.json()
    assert asked["status"] == "open"
    assert asked["disclosure_id"] == published.pk
    assert asked["due_on"] > TODAY.isoformat()
    pk = asked["id"]

    _error(as_resident.post(f"/information-requests/{pk}/answer", {"answer": "Tự trả lời"}), 403)
    response = off.post(f"/information-requests/{pk}/answer", {"answer": "Đã gửi kèm."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"
    assert response.json()["answer"] == "Đã gửi kèm."
    _error(off.post(f"/information-requests/{pk}/answer", {"answer": "Lần nữa"}), 409, "conflict")
    mine = as_resident.get(f"/information-requests/{pk}").json()
    assert mine["answer"] == "Đã gửi kèm."


def test_request_errors(client, off, commune, resident, other_commune, outsider):
    as_resident = Client(client, resident)
    path = f"/communes/{commune.code}/information-requests"
    body = _error(as_resident.post(path, {"subject": "", "message": "x", "reason": "why"}), 422)
    assert {"subject", "reason"} <= set(body["fields"])
    foreign = make_disclosure(outsider, other_commune, publish=True)
    body = _error(
        as_resident.post(path, {"subject": "Hỏi", "message": "Hỏi", "reason": "not_yet",
                                "disclosure_id": foreign.pk}), 422,
    )  # fmt: skip
    assert list(body["fields"]) == ["disclosure_id"]
    # Officials answer requests; they do not file them. Another commune's code: 404.
    _error(off.post(path, {"subject": "Hỏi", "message": "Hỏi", "reason": "not_yet"}), 403)
    ask = {"subject": "Hỏi", "message": "Hỏi", "reason": "not_yet"}
    _error(as_resident.post(f"/communes/{other_commune.code}/information-requests", ask), 404)
    assert not InformationRequest.objects.exists()


def test_request_lists_are_scoped(client, off, commune, villages, resident, outsider):
    neighbour = RoleAssignmentFactory(commune=commune, village=villages[1],
                                      role=Role.RESIDENT).user  # fmt: skip
    mine = services.information_request_submit(
        actor=resident, commune=commune, subject="Của tôi", message="?", reason="not_yet"
    )
    theirs = services.information_request_submit(
        actor=neighbour, commune=commune, subject="Của hàng xóm", message="?", reason="not_yet"
    )

    def ids(who, **params):
        response = who.get("/information-requests", **params)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids(Client(client, resident)) == {mine.pk}
    assert ids(off) == {mine.pk, theirs.pk}
    assert ids(off, commune=commune.code) == {mine.pk, theirs.pk}
    assert ids(off, status="answered") == set()
    assert ids(Client(client, outsider)) == set()
    assert ids(Client(client, outsider), commune=commune.code) == set()
    _error(Client(client, resident).get(f"/information-requests/{theirs.pk}"), 403)
    _error(Client(client, outsider).get(f"/information-requests/{mine.pk}"), 404)
    _error(Client(client, outsider).post(f"/information-requests/{mine.pk}/answer",
                                         {"answer": "Không"}), 404)  # fmt: skip


def test_request_list_query_count_is_constant(client, off, commune, villages):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = off.get("/information-requests")
        assert response.status_code == 200
        return len(queries)

    def ask(n):
        for _ in range(n):
            user = RoleAssignmentFactory(commune=commune, village=villages[0],
                                         role=Role.RESIDENT).user  # fmt: skip
            services.information_request_submit(
                actor=user, commune=commune, subject="Hỏi", message="?", reason="not_yet"
            )

    ask(1)
    count_queries()  # the token's first use is noted once
    few = count_queries()
    ask(8)
    assert count_queries() == few


# ---------------------------------------------------------------------------------------------
# The OpenAPI schema


def test_openapi_declares_the_operations(client):
    schema = client.get(f"{BASE}/openapi.json").json()
    paths = schema["paths"]
    public = paths["/api/v1/communes/{code}/disclosures"]["get"]
    assert {} in public["security"]  # credentials optional for public reads
    assert {} not in paths["/api/v1/communes/{code}/disclosures"]["post"]["security"]
    for path, method in [
        ("/api/v1/disclosures/{disclosure_id}", "put"),
        ("/api/v1/disclosures/{disclosure_id}/publish", "post"),
        ("/api/v1/disclosures/{disclosure_id}/compliance", "get"),
        ("/api/v1/disclosures/{disclosure_id}/records", "post"),
        ("/api/v1/information-requests", "get"),
        ("/api/v1/communes/{code}/information-requests", "post"),
        ("/api/v1/information-requests/{request_id}/answer", "post"),
    ]:
        responses = paths[path][method]["responses"]
        assert {"400", "401", "403", "404", "409", "422"} <= set(responses), path
