"""The citizen-initiatives API (/api/v1/, Law 10/2022 Art. 16(3)): public reads with the
progress against 10 % of households, proposing, consenting (own household, or on paper by the
village head), consents lapsing after 3 months, the Front's approval, withdrawal; 404 across
communes, 403 without the right, 422 field errors, 409 for the state; constant queries."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.api.tests.helpers import auth, token_for
from danchu.decisions import initiative_reads, initiatives
from danchu.decisions.models import Consent, Initiative
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    households_of,
    make_village,
    official_of,
    representative,
    village_head,
)
from danchu.territory.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1"
TODAY = datetime.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(initiatives, "_today", lambda: TODAY)
    monkeypatch.setattr(initiative_reads, "today", lambda: TODAY)


def resident_user(household):
    user = UserFactory(resident=ResidentFactory(household=household))
    RoleAssignmentFactory(
        user=user, role=Role.RESIDENT, commune=household.commune, village=household.village
    )
    return user


def call(client, method, path, user=None, body=None):
    headers = auth(token_for(user)) if user is not None else {}
    if method == "get":
        return client.get(BASE + path, body or {}, **headers)
    return client.post(
        BASE + path, json.dumps(body or {}), content_type="application/json", **headers
    )


def _error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def thirty(commune):
    """30 households: 10 % is 3."""
    return make_village(commune, households=30)


def _create(client, commune, village, user=None, **data):
    body = {
        "village_id": village.pk,
        "matter_type": int(MatterType.OTHER),
        "title": "Lắp đèn đường",
        "proposal": "Lắp đèn năng lượng mặt trời.",
    }
    body.update(data)
    user = user or resident_user(households_of(village)[0])
    return call(client, "post", f"/communes/{commune.code}/initiatives", user, body)


def test_propose_consent_reach(client, commune, thirty):
    created = _create(client, commune, thirty)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "collecting"
    assert body["progress"] | {"earliest_expiry": None} == {
        "on": "2026-05-20", "total_households": 30, "valid_consents": 0, "needed": 3,
        "reached": False, "earliest_expiry": None, "article": initiatives.ARTICLE,
    }  # fmt: skip
    path = f"/initiatives/{body['id']}"
    homes = households_of(thirty)
    for n, household in enumerate(homes[1:4], start=1):
        given = call(client, "post", path + "/consents", representative(household))
        assert given.status_code == 200, given.content
        assert given.json()["valid_until"] == "2026-08-20"
        status = call(client, "get", path).json()["status"]
        # 2 of 30 is under 10 %; 3 of 30 is exactly 10 %: it goes to the community.
        assert status == ("reached" if n == 3 else "collecting")
    public = call(client, "get", f"/communes/{commune.code}/initiatives").json()
    assert public["count"] == 1
    assert public["items"][0]["progress"]["valid_consents"] == 3
    assert public["items"][0]["progress"]["reached"] is True
    late = call(client, "post", path + "/consents", representative(homes[5]))
    _error(late, 409, "initiative_not_collecting")


def test_paper_consents_and_their_expiry(client, commune, thirty, monkeypatch):
    initiative_id = _create(client, commune, thirty).json()["id"]
    path = f"/initiatives/{initiative_id}/consents"
    head = village_head(thirty)
    homes = households_of(thirty)
    lapsed = call(
        client, "post", path, head, {"household_id": homes[1].pk, "given_on": "2026-02-19"}
    )
    assert "given_on" in _error(lapsed, 422)["fields"]
    ok = call(client, "post", path, head, {"household_id": homes[1].pk, "given_on": "2026-02-20"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["valid_until"] == "2026-05-20"
    assert ok.json()["counts"] is True
    listed = call(client, "get", path, head).json()
    assert [c["household_id"] for c in listed["items"]] == [homes[1].pk]
    elsewhere = households_of(make_village(commune, households=1))[0]
    wrong = call(client, "post", path, head, {"household_id": elsewhere.pk})
    assert wrong.status_code in (403, 422)
    _error(call(client, "post", path, head, {"household_id": 2**31 - 1}), 404)

    # The next day the consent has lapsed: no longer counted.
    tomorrow = TODAY + datetime.timedelta(days=1)
    monkeypatch.setattr(initiatives, "_today", lambda: tomorrow)
    monkeypatch.setattr(initiative_reads, "today", lambda: tomorrow)
    progress = call(client, "get", f"/initiatives/{initiative_id}").json()["progress"]
    assert progress["valid_consents"] == 0
    assert call(client, "get", path, head).json()["items"][0]["counts"] is False


def test_refusals(client, commune, thirty, official, other_commune):
    proposer = resident_user(households_of(thirty)[0])
    body = _create(client, commune, thirty, proposer).json()
    path = f"/initiatives/{body['id']}"
    # Field errors as 422 on the API's field names.
    other = make_village(commune, households=1)
    assert "village_id" in _error(_create(client, commune, other, proposer), 422)["fields"]
    foreign = make_village(other_commune, households=1)
    assert "village_id" in _error(_create(client, commune, foreign, proposer), 422)["fields"]
    _error(_create(client, commune, thirty, official), 403)
    anonymous = call(client, "post", f"/communes/{commune.code}/initiatives", None, {})
    _error(anonymous, 401)
    # Consents are not public; an official of another commune does not see them either.
    _error(call(client, "get", path + "/consents"), 401)
    _error(call(client, "get", path + "/consents", official_of(other_commune)), 404)
    _error(call(client, "get", path + "/consents", resident_user(households_of(thirty)[3])), 403)
    # No household of one's own: 403.
    _error(call(client, "post", path + "/consents", official), 403)
    # The Front only.
    _error(call(client, "post", path + "/front-approval", official, {"note": "Cần."}), 403)
    front = official_of(commune, role=Role.FRONT_OFFICER)
    _error(call(client, "post", path + "/front-approval", front, {"note": ""}), 422)
    approved = call(client, "post", path + "/front-approval", front, {"note": "Việc cấp thiết."})
    assert approved.json()["status"] == "front_approved"
    # Withdrawal: the proposer only; then it is over.
    _error(call(client, "post", path + "/withdraw", official), 403)
    assert call(client, "post", path + "/withdraw", proposer).json()["status"] == "withdrawn"
    _error(call(client, "post", path + "/withdraw", proposer), 409)
    _error(call(client, "get", "/initiatives/999999"), 404)
    _error(call(client, "get", "/communes/99999999/initiatives"), 404)
    assert Consent.objects.count() == 0
    assert Initiative.objects.count() == 1


def test_list_queries_do_not_grow(client, commune):
    villages = [make_village(commune, households=10) for _ in range(2)]
    url = f"{BASE}/communes/{commune.code}/initiatives"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(2):
        initiatives.initiative_create(
            actor=resident_user(households_of(villages[n])[0]), village=villages[n],
            matter_type=MatterType.OTHER, title=f"Sáng kiến {n}", proposal="Nội dung.",
        )  # fmt: skip
    few = queries()
    for n in range(6):
        village = villages[n % 2]
        created = initiatives.initiative_create(
            actor=resident_user(households_of(village)[n + 1]), village=village,
            matter_type=MatterType.OTHER, title=f"Thêm {n}", proposal="Nội dung.",
        )  # fmt: skip
        initiatives.consent_give(
            actor=representative(households_of(village)[n + 2]), initiative=created,
            household=households_of(village)[n + 2],
        )  # fmt: skip
    assert queries() == few
    # One consent of 10 households is 10 %: those three reached the community.
    mine = {"village_id": villages[0].pk}
    assert client.get(url, {**mine, "status": "reached"}).json()["count"] == 3
    assert client.get(url, {**mine, "status": "collecting"}).json()["count"] == 1
