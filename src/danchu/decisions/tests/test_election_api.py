"""The election's write API (issue 4): the steps of Decree 59/2023 Art. 6 and the dismissal
petitions of Art. 9, through the services' rules and permissions."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.api.tests.helpers import auth, token_for
from danchu.decisions.models import DismissalPetition, Matter
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    official_of,
    village_head,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _post(client, user, path, body):
    return client.post(
        BASE + path, json.dumps(body), content_type="application/json", **auth(token_for(user))
    )


def _day(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def test_the_election_steps_in_order_with_the_law_s_refusals(client, commune, official):
    village = make_village(commune, households=4)
    matter = make_matter(official, [village], MatterType.VILLAGE_HEAD, candidates=["Lê Văn Cử"])
    mv = matter_village(matter)
    chair = official_of(commune, Role.COMMUNE_CHAIR)
    path = f"/matter-villages/{mv.pk}/election"
    # Only the chair issues the plan (403 for an official), 20 days before at least (19: 422).
    plan = {"election_day": _day(7), "plan_on": _day(-13)}
    assert _post(client, official, path + "/plan", plan).status_code == 403
    late = _post(client, chair, path + "/plan", {"election_day": _day(7), "plan_on": _day(-12)})
    assert late.status_code == 422
    assert "Điều 6" in late.json()["message"]
    ok = _post(client, chair, path + "/plan", plan)
    assert ok.status_code == 200, ok.content
    assert ok.json()["election_day"] == _day(7)
    # The notice before the list and the team is refused.
    assert _post(client, chair, path + "/notice", {"notice_on": _day(0)}).status_code == 422
    body = _post(client, official, path + "/candidates",
                 {"names": ["Lê Văn Cử", "Trần Thị Hoa"], "fixed_on": _day(-8)}).json()  # fmt: skip
    assert [c["label"] for c in body["candidates"]] == ["Lê Văn Cử", "Trần Thị Hoa"]
    team = _post(client, chair, path + "/team", {"members": ["Phạm Văn Ba"], "set_on": _day(-3)})
    assert team.json()["team"] == ["Phạm Văn Ba"]
    notice = _post(client, official, path + "/notice", {"notice_on": _day(0)}).json()
    assert all(step["done_on"] for step in notice["steps"])
    # Seats only for a board: a village head's election refuses them (409, its state).
    assert _post(client, official, path + "/seats", {"seats": 2}).status_code == 409
    # Schema-invalid input is a 422 with fields, not a 500.
    assert _post(client, official, path + "/candidates", {"names": []}).status_code == 422


def test_a_households_petition_needs_half_of_the_households(client, commune, official):
    village = make_village(commune, households=4)
    households = households_of(village)
    created = _post(client, official, f"/villages/{village.pk}/dismissal-petitions",
                    {"route": "households", "head_name": "Nguyễn Văn Trưởng",
                     "reason": "Vi phạm quy chế"})  # fmt: skip
    assert created.status_code == 201, created.content
    petition = created.json()
    assert (petition["signing"], petition["households"], petition["suffices"]) == (0, 4, False)
    path = f"/dismissal-petitions/{petition['id']}"
    one = _post(client, official, path + "/signatures",
                {"household_ids": [households[0].pk], "signed_on": _day(0)}).json()  # fmt: skip
    assert (one["signing"], one["suffices"]) == (1, False)
    refused = _post(client, official, path + "/matter", {"title": "Miễn nhiệm", "question": "?"})
    assert refused.status_code == 422  # 1 of 4: below half (Art. 9(1))
    assert "9(1)" in refused.json()["message"]
    two = _post(client, official, path + "/signatures",
                {"household_ids": [households[1].pk], "signed_on": _day(0)}).json()  # fmt: skip
    assert (two["signing"], two["suffices"]) == (2, True)  # exactly half suffices
    done = _post(client, official, path + "/matter",
                 {"title": "Miễn nhiệm trưởng thôn", "question": "Đồng ý miễn nhiệm?"})  # fmt: skip
    assert done.status_code == 200
    matter = Matter.objects.get(pk=done.json()["matter_id"])
    assert matter.status == Matter.Status.DRAFT
    assert DismissalPetition.objects.get().status == DismissalPetition.Status.MATTER_OPENED
    again = _post(client, official, path + "/matter", {"title": "Lại", "question": "?"})
    assert again.status_code == 409


def test_petitions_are_not_public_nor_across_communes(client, commune, official):
    from danchu.territory.tests.factories import CommuneFactory

    village = make_village(commune, households=2)
    other = official_of(CommuneFactory())
    body = {"route": "own_request", "head_name": "Nguyễn Văn Trưởng", "reason": "Xin nghỉ"}
    path = f"/villages/{village.pk}/dismissal-petitions"
    assert _post(client, other, path, body).status_code == 404
    created = _post(client, official, path, body).json()
    assert client.get(f"{BASE}/dismissal-petitions/{created['id']}").status_code == 401
    head = village_head(village)
    # The village head does not record their own dismissal's petition.
    mine = _post(client, head, path, body)
    assert mine.status_code == 403, mine.content
