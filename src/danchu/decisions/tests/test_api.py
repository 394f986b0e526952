"""The community-decisions API (/api/v1/): public reads of open and closed matters, drafts only
for the commune's officials, the tally only once closed, writes through the services with their
permissions (404 across communes, 403 without the right), field errors as 422, conflicts as 409,
constant query counts."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.api.tests.helpers import auth, token_for
from danchu.decisions import selectors, services
from danchu.decisions.models import Matter, Vote
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    days_ago,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_meeting,
    option,
    representative,
    village_head,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


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


@pytest.fixture
def anon(client):
    return Client(client)


@pytest.fixture
def off(client, official):
    return Client(client, official)


@pytest.fixture
def east(commune):
    return make_village(commune, households=100, name="Thôn Đông")


def _meeting_result(actor, matter, village, present, approvals):
    mv = matter_village(matter, village)
    ids = [h.pk for h in households_of(village)[:present]]
    mv = services.meeting_attendance_record(actor=actor, matter_village=mv, household_ids=ids)
    services.meeting_result_record(
        actor=actor, matter_village=mv, counts={option(matter).pk: approvals}
    )


def _online(official, village, agreeing=3):
    """A matter open for an online vote in ``village`` (households opted in first)."""
    matter = make_matter(official, [village], MatterType.OTHER)
    mv = matter_village(matter, village)
    for household in households_of(village)[:agreeing]:
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=household, agrees=True
        )
    services.matter_open(
        actor=official, matter=matter,
        plans={village.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)},
    )  # fmt: skip
    return matter, matter_village(matter, village)


# ---------------------------------------------------------------------------------------------
# Public reads


def test_public_list_shows_open_and_closed_only(anon, off, commune, official, east):
    draft = make_matter(official, [east], title="Dự thảo")
    opened = open_meeting(official, make_matter(official, [east], title="Đang bàn"))
    response = anon.get(f"/communes/{commune.code}/matters")
    assert response.status_code == 200
    body = response.json()
    assert [m["id"] for m in body["items"]] == [opened.pk]
    item = body["items"][0]
    assert item["status"] == "open"
    assert item["villages"][0]["village_name"] == "Thôn Đông"
    assert item["villages"][0]["form"] == "meeting"
    assert item["villages"][0]["total_households"] == 100
    assert item["url"].endswith(f"/xa/{commune.code}/bieu-quyet/{opened.pk}/")
    # The commune's officials also see drafts.
    ids = [m["id"] for m in off.get(f"/communes/{commune.code}/matters").json()["items"]]
    assert set(ids) == {draft.pk, opened.pk}
    drafts = off.get(f"/communes/{commune.code}/matters", status="draft").json()["items"]
    assert [m["id"] for m in drafts] == [draft.pk]
    assert anon.get(f"/communes/{commune.code}/matters", status="draft").json()["count"] == 0


def test_list_filters_by_village(anon, commune, official, east, other_commune):
    west = make_village(commune, households=3)
    open_meeting(official, make_matter(official, [east]))
    in_west = open_meeting(official, make_matter(official, [west]))
    body = anon.get(f"/communes/{commune.code}/matters", village_id=west.pk).json()
    assert [m["id"] for m in body["items"]] == [in_west.pk]
    elsewhere = make_village(other_commune)
    body = anon.get(f"/communes/{commune.code}/matters", village_id=elsewhere.pk).json()
    assert body == {"count": 0, "items": []}


def test_list_refuses_bad_filters_and_unknown_communes(anon):
    _error(anon.get("/communes/00000/matters"), 404, "not_found")
    body = _error(anon.get("/communes/18406/matters", status="nope"), 422, "invalid")
    assert "status" in body["fields"]


def test_list_query_count_is_constant(anon, commune, official):
    villages = [make_village(commune, households=2) for _ in range(3)]
    open_meeting(official, make_matter(official, villages[:1]))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert anon.get(f"/communes/{commune.code}/matters").status_code == 200
        return len(queries)

    small = count()
    for _ in range(6):
        open_meeting(official, make_matter(official, villages))
    assert count() == small


def test_detail_is_public_for_open_matters_and_drafts_only_for_officials(
    anon, off, commune, official, east, other_commune
):
    draft = make_matter(official, [east], question="Có làm đường không?")
    _error(anon.get(f"/matters/{draft.pk}"), 404, "not_found")
    body = off.get(f"/matters/{draft.pk}").json()
    assert body["status"] == "draft"
    assert [o["label"] for o in body["options"]] == ["Đồng ý", "Không đồng ý", "Ý kiến khác"]
    assert body["question"] == "Có làm đường không?"
    assert body["url"] is None
    open_meeting(official, draft)
    body = anon.get(f"/matters/{draft.pk}").json()
    assert body["status"] == "open"
    assert body["article"] == "Luật 10/2022 Điều 21(1)"
    assert body["result_hash"] == ""
    # Another commune's official reads it as the public does; its draft is a 404 to them.
    outsider = Client(off.client, official_of(other_commune))
    assert outsider.get(f"/matters/{draft.pk}").status_code == 200
    _error(outsider.get(f"/matters/{make_matter(official, [east]).pk}"), 404)
    _error(anon.get("/matters/999999"), 404)


def test_tally_only_once_closed(anon, off, commune, official, east):
    west = make_village(commune, households=100)
    matter = make_matter(official, [east, west], MatterType.CONTRIBUTIONS)
    _error(anon.get(f"/matters/{matter.pk}/tally"), 404)  # a draft
    open_meeting(official, matter)
    _meeting_result(official, matter, east, 80, 67)
    _meeting_result(official, matter, west, 90, 66)
    # While open: no running tally, for anyone.
    _error(anon.get(f"/matters/{matter.pk}/tally"), 409, "not_closed")
    _error(off.get(f"/matters/{matter.pk}/tally"), 409, "not_closed")

    closed = off.post(f"/matters/{matter.pk}/close")
    assert closed.status_code == 200, closed.content
    assert len(closed.json()["result_hash"]) == 64

    body = anon.get(f"/matters/{matter.pk}/tally").json()
    matter.refresh_from_db()
    assert body["result_hash"] == matter.result_hash
    assert body["hash_matches"] is True
    # Law 10/2022 Art. 20, 21(1): each village's outcome stands on its own (east adopts).
    assert body["adopted"] is True
    villages = {v["village_id"]: v for v in body["villages"]}
    # Art. 21(1), two thirds of all households: 67/100 adopts, 66/100 does not.
    assert (villages[east.pk]["approvals"], villages[east.pk]["total_households"]) == (67, 100)
    assert villages[east.pk]["adopted"] is True
    assert villages[east.pk]["turnout"] == 80
    assert villages[west.pk]["adopted"] is False
    approve = option(matter).pk
    assert {"option_id": approve, "count": 66} in villages[west.pk]["counts"]
    assert body["result_hash"] == selectors.result_digest(selectors.matter_outcome(matter))


# ---------------------------------------------------------------------------------------------
# Officials: create, open, close


def _create_body(village, **overrides):
    body = {
        "matter_type": MatterType.OTHER,
        "title": "Làm sân chơi",
        "question": "Có làm sân chơi cho trẻ em không?",
        "village_ids": [village.pk],
    }
    body.update(overrides)
    return body


def test_create_open_and_close_a_matter(off, commune, official, east):
    response = off.post(f"/communes/{commune.code}/matters", _create_body(east))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft"
    assert created["villages"][0]["total_households"] == 0
    pk = created["id"]
    _error(off.post(f"/matters/{pk}/close"), 409, "matter_draft")

    opened = off.post(
        f"/matters/{pk}/open", {"notice_on": str(days_ago(3)), "held_on": str(days_ago(0))}
    )
    assert opened.status_code == 200, opened.content
    assert opened.json()["status"] == "open"
    assert opened.json()["villages"][0]["total_households"] == 100  # frozen now

    _meeting_result(official, Matter.objects.get(pk=pk), east, 60, 51)
    closed = off.post(f"/matters/{pk}/close")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert closed.json()["villages"][0]["adopted"] is True  # 51/100: more than half
    _error(off.post(f"/matters/{pk}/close"), 409, "matter_closed")


def test_create_refusals(client, off, commune, east, other_commune):
    body = _error(off.post(f"/communes/{commune.code}/matters", {"title": ""}), 422, "invalid")
    assert {"matter_type", "title", "question"} <= set(body["fields"])
    foreign = make_village(other_commune)
    body = _error(
        off.post(f"/communes/{commune.code}/matters", _create_body(foreign)), 422, "invalid"
    )
    assert "village_ids" in body["fields"]
    # Commune-wide: the chair's, and only for contributions or community finances.
    _error(
        off.post(
            f"/communes/{commune.code}/matters",
            _create_body(east, village_ids=[], commune_wide=True),
        ),
        403,
    )
    chair = Client(client, RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user)
    _error(
        chair.post(
            f"/communes/{commune.code}/matters",
            _create_body(east, village_ids=[], commune_wide=True),
        ),
        422,
        "commune_wide_refused",
    )
    wide = chair.post(
        f"/communes/{commune.code}/matters",
        _create_body(east, village_ids=[], commune_wide=True, matter_type=1),
    )
    assert wide.status_code == 201, wide.content
    # Another commune: 404; a household representative: 403; nobody: 401.
    outsider = Client(client, official_of(other_commune))
    _error(outsider.post(f"/communes/{commune.code}/matters", _create_body(east)), 404)
    rep = Client(client, representative(households_of(east)[0]))
    _error(rep.post(f"/communes/{commune.code}/matters", _create_body(east)), 403)
    _error(Client(client).post(f"/communes/{commune.code}/matters", _create_body(east)), 401)
    assert Matter.objects.count() == 1


def test_a_village_head_creates_only_for_their_village(client, commune, east):
    west = make_village(commune, households=3)
    head = Client(client, village_head(east))
    assert head.post(f"/communes/{commune.code}/matters", _create_body(east)).status_code == 201
    _error(head.post(f"/communes/{commune.code}/matters", _create_body(west)), 403)


def test_open_refusals_say_the_article(client, off, commune, official, east, other_commune):
    matter = make_matter(official, [east])
    # Decree 59/2023 Art. 3(3): the meeting's notice at least 2 days before.
    body = _error(
        off.post(
            f"/matters/{matter.pk}/open",
            {"notice_on": str(days_ago(1)), "held_on": str(days_ago(0))},
        ),
        422,
        "notice_too_short",
    )
    assert "59/2023" in body["message"]
    body = _error(off.post(f"/matters/{matter.pk}/open", {"form": "ballot"}), 422, "invalid")
    assert {"held_on", "closes_at"} <= set(body["fields"])
    # Online without more than half of the households opting in (Decree 59/2023 Art. 5(2)(c)).
    _error(
        off.post(
            f"/matters/{matter.pk}/open",
            {
                "plans": [
                    {
                        "village_id": east.pk,
                        "form": "online",
                        "closes_at": in_hours(24).isoformat(),
                        "team": TEAM,
                    }
                ]
            },
        ),  # fmt: skip
        422,
        "form_refused",
    )
    body = _error(
        off.post(
            f"/matters/{matter.pk}/open",
            {"plans": [{"village_id": east.pk}, {"village_id": east.pk}]},
        ),
        422,
    )
    assert "plans" in body["fields"]
    outsider = Client(client, official_of(other_commune))
    _error(outsider.post(f"/matters/{matter.pk}/open", {}), 404)
    _error(outsider.post(f"/matters/{matter.pk}/close"), 404)
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.DRAFT


# ---------------------------------------------------------------------------------------------
# The online vote


def test_a_representative_votes_and_reads_their_vote(client, commune, official):
    village = make_village(commune, households=4)
    matter, mv = _online(official, village)
    household = households_of(village)[0]
    rep = Client(client, representative(household))

    assert rep.get(f"/matter-villages/{mv.pk}/my-vote").json()["voted"] is False
    response = rep.post(f"/matter-villages/{mv.pk}/vote", {"option_id": option(matter).pk})
    assert response.status_code == 200, response.content
    assert response.json()["option_id"] == option(matter).pk
    # Changed until the close: the same single vote.
    other = option(matter, "other").pk
    response = rep.post(
        f"/matter-villages/{mv.pk}/vote", {"option_id": other, "other_opinion": "Làm nhỏ hơn."}
    )
    assert response.status_code == 200, response.content
    mine = rep.get(f"/matter-villages/{mv.pk}/my-vote").json()
    assert (mine["voted"], mine["option_id"], mine["channel"]) == (True, other, "online")
    assert mine["other_opinion"] == "Làm nhỏ hơn."
    assert Vote.objects.filter(matter=matter).count() == 1
    # The public detail never shows how many have voted.
    body = Client(client).get(f"/matters/{matter.pk}").json()
    assert "counts" not in json.dumps(body)


def test_vote_refusals(client, commune, official, other_commune):
    village = make_village(commune, households=4)
    matter, mv = _online(official, village)
    rep = Client(client, representative(households_of(village)[0]))
    body = _error(rep.post(f"/matter-villages/{mv.pk}/vote", {"option_id": 999999}), 422)
    assert "option_id" in body["fields"]
    body = _error(
        rep.post(
            f"/matter-villages/{mv.pk}/vote",
            {"option_id": option(matter).pk, "other_opinion": "Không nên."},
        ),
        422,
    )
    assert "other_opinion" in body["fields"]
    _error(rep.post(f"/matter-villages/{mv.pk}/vote", {}), 422)
    # An official is not a household representative: 403; another commune's person: 404.
    off = Client(client, official)
    _error(off.post(f"/matter-villages/{mv.pk}/vote", {"option_id": option(matter).pk}), 403)
    _error(off.get(f"/matter-villages/{mv.pk}/my-vote"), 403)
    elsewhere = make_village(other_commune, households=1)
    outsider = Client(client, representative(households_of(elsewhere)[0]))
    _error(outsider.post(f"/matter-villages/{mv.pk}/vote", {"option_id": option(matter).pk}), 404)
    _error(outsider.get(f"/matter-villages/{mv.pk}/my-vote"), 404)
    _error(rep.post("/matter-villages/999999/vote", {"option_id": option(matter).pk}), 404)
    # A draft's village is not found by a representative.
    draft = make_matter(official, [village])
    _error(rep.get(f"/matter-villages/{matter_village(draft).pk}/my-vote"), 404)
    assert not Vote.objects.exists()


def test_a_household_counted_another_way_gets_already_voted(client, commune, official):
    # Village A online, village B by meeting; a household of A already counted at… its own
    # village only votes online, so the conflict comes from a paper vote recorded first.
    village = make_village(commune, households=4)
    matter, mv = _online(official, village)
    household = households_of(village)[0]
    Vote.objects.create(
        commune=commune, matter=matter, matter_village=mv, household=household,
        option=option(matter), channel=Vote.Channel.BALLOT,
    )  # fmt: skip
    rep = Client(client, representative(household))
    _error(
        rep.post(f"/matter-villages/{mv.pk}/vote", {"option_id": option(matter, "reject").pk}),
        409,
        "already_voted",
    )
    mine = rep.get(f"/matter-villages/{mv.pk}/my-vote").json()
    assert (mine["channel"], mine["option_id"]) == ("ballot", option(matter).pk)
