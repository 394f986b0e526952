"""Back-office pages of elections and dismissals, through the client: each step recorded, a late
step refused with its article (400), another commune's objects 404, no script needed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.api.tests.helpers import auth, token_for
from danchu.decisions.models import DismissalPetition, ElectionPlan, Matter, MatterVillage
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_meeting,
    village_head,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"decisions:{name}", args=args)


def _day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def ten(commune):
    return make_village(commune, households=10)


@pytest.fixture
def chair(commune):
    return official_of(commune, Role.COMMUNE_CHAIR)


def test_the_election_steps_through_the_pages(client, chair, commune, ten):
    matter = make_matter(chair, [ten], MatterType.VILLAGE_HEAD, candidates=["Nguyễn Văn An"])
    mv = matter_village(matter)
    client.force_login(chair)
    detail = client.get(url("bo_detail", matter.pk))
    assert url("bo_election", mv.pk) in detail.content.decode()
    page = client.get(url("bo_election", mv.pk))
    assert page.status_code == 200
    assert_accessible(page.content.decode())
    step = lambda name, data: client.post(url("bo_election_step", mv.pk, name), data)  # noqa: E731
    late = step("plan", {"election_day": _day(10), "plan_on": _day(-9)})
    assert late.status_code == 400
    assert "Nghị định 59/2023 Điều 6" in late.content.decode()
    assert step("plan", {"election_day": _day(10), "plan_on": _day(-10)}).status_code == 302
    names = "Nguyễn Văn An\nLê Thị Bình"
    assert step("candidates", {"names": names, "fixed_on": _day(-5)}).status_code == 302
    assert step("team", {"members": "Hà Văn Tổ", "set_on": _day(0)}).status_code == 302
    assert step("notice", {"notice_on": _day(0)}).status_code == 302
    plan = ElectionPlan.objects.get(matter_village=mv)
    assert plan.notice_on == timezone.localdate()
    assert plan.candidates.count() == 2
    page = client.get(url("bo_election", mv.pk)).content.decode()
    assert "Lê Thị Bình" in page
    assert client.post(url("bo_election_step", mv.pk, "unknown"), {}).status_code == 404
    assert step("notice", {"notice_on": "not a day"}).status_code == 400


def test_an_official_cannot_take_the_chairs_steps(client, official, commune, ten):
    matter = make_matter(official, [ten], MatterType.VILLAGE_HEAD, candidates=["Nguyễn Văn An"])
    mv = matter_village(matter)
    client.force_login(official)
    page = client.get(url("bo_election", mv.pk)).content.decode()
    assert url("bo_election_step", mv.pk, "plan") not in page
    response = client.post(
        url("bo_election_step", mv.pk, "plan"), {"election_day": _day(20), "plan_on": _day(0)}
    )
    assert response.status_code == 403
    assert not ElectionPlan.objects.exists()


def test_another_communes_election_is_not_found(client, other_commune, commune, ten, official):
    matter = make_matter(official, [ten], MatterType.VILLAGE_HEAD, candidates=["Nguyễn Văn An"])
    client.force_login(official_of(other_commune, Role.COMMUNE_CHAIR))
    mv = matter_village(matter)
    assert client.get(url("bo_election", mv.pk)).status_code == 404
    other = make_matter(official, [ten])
    client.force_login(official)
    assert client.get(url("bo_election", matter_village(other).pk)).status_code == 404


def test_a_board_sets_its_seats(client, official, commune, ten):
    matter = make_matter(official, [ten], MatterType.BOARD_MEMBERS, candidates=["An", "Bình"])
    mv = matter_village(matter)
    client.force_login(official)
    assert client.post(url("bo_election_step", mv.pk, "seats"), {"seats": "0"}).status_code == 400
    assert client.post(url("bo_election_step", mv.pk, "seats"), {"seats": "2"}).status_code == 302
    assert ElectionPlan.objects.get(matter_village=mv).seats == 2


def test_a_dismissal_petition_through_the_pages(client, official, commune):
    village = make_village(commune, households=4)
    client.force_login(official)
    page = client.get(url("bo_dismissals", commune.code))
    assert page.status_code == 200
    assert_accessible(page.content.decode())
    bad = client.post(url("bo_dismissals", commune.code), {"village": village.pk, "route": "x"})
    assert bad.status_code == 400
    created = client.post(
        url("bo_dismissals", commune.code),
        {"village": village.pk, "route": "households", "head_name": "Nguyễn Văn An",
         "reason": "Vi phạm quy định"},
    )  # fmt: skip
    assert created.status_code == 302
    petition = DismissalPetition.objects.get()
    codes = [h.code for h in households_of(village)]
    sign = url("bo_dismissal_step", petition.pk, "sign")
    assert client.post(sign, {"households": "NOPE", "signed_on": _day(0)}).status_code == 400
    assert client.post(sign, {"households": codes[0], "signed_on": _day(0)}).status_code == 302
    put = url("bo_dismissal_step", petition.pk, "matter")
    refused = client.post(put, {"title": "Miễn nhiệm", "question": "Đồng ý?"})
    assert refused.status_code == 400
    assert "Điều 9(1)" in refused.content.decode()  # 1 of 4 households
    assert client.post(sign, {"households": codes[1], "signed_on": _day(0)}).status_code == 302
    done = client.post(put, {"title": "Miễn nhiệm", "question": "Đồng ý?"})  # 2 of 4: half
    assert done.status_code == 302
    matter = Matter.objects.get()
    assert MatterVillage.objects.get(matter=matter).village == village
    page = client.get(url("bo_dismissal", petition.pk))
    assert page.status_code == 200
    assert codes[1] in page.content.decode()
    assert petition.signatures.count() == 2


def test_the_head_concerned_cannot_record_a_petition_against_themselves(client, commune):
    village = make_village(commune, households=2)
    head = village_head(village)
    client.force_login(head)
    response = client.post(
        url("bo_dismissals", commune.code),
        {"village": village.pk, "route": "own_request", "head_name": "Tôi", "reason": "Xin thôi"},
    )
    assert response.status_code == 403
    assert not DismissalPetition.objects.exists()


def test_another_communes_petition_is_not_found(client, official, other_commune, commune):
    village = make_village(commune, households=2)
    client.force_login(official)
    client.post(
        url("bo_dismissals", commune.code),
        {"village": village.pk, "route": "front_proposal", "head_name": "A", "reason": "B"},
    )
    petition = DismissalPetition.objects.get()
    client.force_login(official_of(other_commune))
    assert client.get(url("bo_dismissal", petition.pk)).status_code == 404
    assert client.post(url("bo_dismissal_step", petition.pk, "sign"), {}).status_code == 404
    assert households_of(village)


# --- the read-only API ------------------------------------------------------------------------


def test_the_election_api_is_public_once_open_and_404_otherwise(client, official, commune, ten):
    matter = make_matter(official, [ten], MatterType.VILLAGE_HEAD, candidates=["Nguyễn Văn An"])
    mv = matter_village(matter)
    path = f"/api/v1/matter-villages/{mv.pk}/election"
    assert client.get(path).status_code == 404  # a draft, to the public
    as_official = client.get(path, **auth(token_for(official)))
    assert as_official.status_code == 200
    assert as_official.json()["steps"][0]["done_on"] is None
    open_meeting(official, matter, notice_on=timezone.localdate() - datetime.timedelta(days=7))
    body = client.get(path).json()
    assert body["election_day"] == timezone.localdate().isoformat()
    assert [s["key"] for s in body["steps"]] == [
        "plan", "candidates", "election_team", "public_notice",
    ]  # fmt: skip
    assert all(s["done_on"] for s in body["steps"])
    assert body["candidates"] == [
        {"option_id": matter.options.get().pk, "label": "Nguyễn Văn An", "source": "front_list"}
    ]
    other = make_matter(official, [ten])
    open_meeting(official, other)
    other_path = f"/api/v1/matter-villages/{matter_village(other).pk}/election"
    assert client.get(other_path).status_code == 404
    assert client.get("/api/v1/matter-villages/999999/election").status_code == 404


def test_the_public_page_names_every_elected_board_member(client, official, commune):
    from django.utils.translation import gettext as _

    from danchu.decisions import elections, services

    village = make_village(commune, households=4)
    matter = make_matter(
        official, [village], MatterType.BOARD_MEMBERS, candidates=["An", "Bình", "Cường"]
    )
    elections.board_seats_set(actor=official, matter_village=matter_village(matter), seats=2)
    open_meeting(official, matter)
    an, binh, cuong = matter.options.order_by("position")
    mv = services.meeting_attendance_record(
        actor=official, matter_village=matter_village(matter),
        household_ids=[h.pk for h in households_of(village)],
    )  # fmt: skip
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={an.pk: 4, binh.pk: 1, cuong.pk: 3}
    )
    services.matter_close(actor=official, matter=matter)
    page = client.get(url("public_detail", commune.code, matter.pk)).content.decode()
    assert f"<dt>{_('Elected')}</dt><dd>An, Cường</dd>" in page
