"""The village head's office through the pages and the API: the chair's forms, the refusals on
the form (400, 403, 409) and in the API (422 with the article, 409), another commune 404, the
public list in a constant number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.api.tests.helpers import auth, token_for
from danchu.core.calendar import add_months
from danchu.decisions import office
from danchu.decisions.models import VillageHeadTerm
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    official_of,
    village_head,
)
from danchu.decisions.tests.test_office import dismiss, elect
from danchu.territory.tests.factories import ResidentFactory
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"decisions:{name}", args=args)


def _today() -> datetime.date:
    return timezone.localdate()


def _ago(n: int) -> datetime.date:
    return _today() - datetime.timedelta(days=n)


@pytest.fixture
def five(commune):
    return make_village(commune, households=5)


# --- back office -------------------------------------------------------------------------------


def test_the_chair_appoints_an_interim_head_after_a_dismissal(client, chair, official, five):
    elect(official, chair, five, _ago(100))
    dismiss(official, chair, five, _ago(5))
    client.force_login(chair)
    page = client.get(url("bo_office", five.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert_accessible(html)
    assert f"{_ago(5) + datetime.timedelta(days=60):%d/%m/%Y}" in html  # the re-election date
    assert "Nguyễn Văn An" in html  # the history
    resident = ResidentFactory(household=households_of(five)[0])
    too_long = add_months(_ago(5), 6) + datetime.timedelta(days=1)
    step = url("bo_office_step", five.pk, "interim")
    refused = client.post(
        step, {"name": "Phạm Tạm", "started_on": _ago(5).isoformat(), "until": too_long}
    )
    assert refused.status_code == 400
    assert "185/2026" in refused.content.decode()
    done = client.post(step, {"resident": resident.pk, "started_on": _ago(5).isoformat()})
    assert done.status_code == 302
    term = VillageHeadTerm.objects.get(village=five, ended_on__isnull=True)
    assert (term.kind, term.name) == (VillageHeadTerm.Kind.INTERIM, resident.full_name)
    again = client.post(step, {"name": "Hai", "started_on": _today().isoformat()})
    assert again.status_code == 409  # the office is held: the refusal shows on the form
    assert 'class="form-errors"' in again.content.decode()
    shown = client.get(url("bo_office", five.pk)).content.decode()
    assert resident.full_name in shown
    resign = client.post(url("bo_office_step", five.pk, "resign"), {"on": _today().isoformat()})
    assert resign.status_code == 302
    term.refresh_from_db()
    assert term.end_reason == VillageHeadTerm.EndReason.RESIGNED


def test_the_chair_shifts_the_end_and_links_the_head(client, chair, official, five):
    term = elect(official, chair, five, _ago(20))
    client.force_login(chair)
    far = add_months(term.planned_end_on, 7).isoformat()
    refused = client.post(url("bo_office_step", five.pk, "shift"), {"planned_end_on": far})
    assert refused.status_code == 400
    near = add_months(term.planned_end_on, 6).isoformat()
    assert (
        client.post(url("bo_office_step", five.pk, "shift"), {"planned_end_on": near}).status_code
        == 302
    )
    resident = ResidentFactory(household=households_of(five)[1])
    linked = client.post(url("bo_office_step", five.pk, "link"), {"resident": resident.pk})
    assert linked.status_code == 302
    term.refresh_from_db()
    assert term.planned_end_on.isoformat() == near
    assert term.resident == resident
    assert client.post(url("bo_office_step", five.pk, "nope"), {}).status_code == 404


def test_an_official_sees_but_does_not_write(client, official, chair, five):
    client.force_login(official)
    page = client.get(url("bo_office", five.pk))
    assert page.status_code == 200
    assert url("bo_office_step", five.pk, "interim") not in page.content.decode()
    refused = client.post(
        url("bo_office_step", five.pk, "interim"),
        {"name": "Tạm", "started_on": _today().isoformat()},
    )
    assert refused.status_code == 403
    assert not VillageHeadTerm.objects.exists()


def test_another_commune_gets_not_found(client, five, other_commune):
    client.force_login(official_of(other_commune, Role.COMMUNE_CHAIR))
    assert client.get(url("bo_office", five.pk)).status_code == 404
    posted = client.post(
        url("bo_office_step", five.pk, "interim"),
        {"name": "Tạm", "started_on": _today().isoformat()},
    )
    assert posted.status_code == 404


def test_the_election_page_shows_the_head_today(client, chair, official, five):
    elect(official, chair, five, _ago(20), name="Trần Thị Hoa")
    matter = make_matter(official, [five], 4, candidates=["Lê Văn Mới"])
    client.force_login(official)
    html = client.get(url("bo_election", matter_village(matter).pk)).content.decode()
    assert "Trần Thị Hoa" in html
    assert url("bo_office", five.pk) in html


def test_the_commune_lists_are_constant_in_queries(client, chair, official, commune, five):
    elect(official, chair, five, _ago(20))
    client.force_login(chair)
    public = url("heads", commune.code)
    back = url("bo_offices", commune.code)
    client.get(public)
    client.get(back)

    with CaptureQueriesContext(connection) as few:
        assert client.get(public).status_code == 200
    with CaptureQueriesContext(connection) as few_back:
        assert client.get(back).status_code == 200
    for n in range(4):
        other = make_village(commune, households=2)
        office.interim_appoint(actor=chair, village=other, name=f"Tạm {n}", started_on=_today())
    with CaptureQueriesContext(connection) as many:
        response = client.get(public)
    with CaptureQueriesContext(connection) as many_back:
        assert client.get(back).status_code == 200
    assert len(many) == len(few)
    assert len(many_back) == len(few_back)
    html = response.content.decode()
    assert_accessible(html)
    assert "Tạm 3" in html
    assert f"{_ago(20):%d/%m/%Y}" in html


# --- API ---------------------------------------------------------------------------------------


def test_the_api_reads_and_writes_the_office(client, chair, official, five):
    elect(official, chair, five, _ago(100))
    dismiss(official, chair, five, _ago(5))
    path = f"/api/v1/villages/{five.pk}/village-head"
    body = client.get(path, **auth(token_for(official))).json()
    assert body["vacant"] is True
    assert body["reelection_due"] == (_ago(5) + datetime.timedelta(days=60)).isoformat()
    assert [t["end_reason"] for t in body["history"]] == ["dismissed"]
    as_chair = auth(token_for(chair))
    too_long = (add_months(_ago(5), 6) + datetime.timedelta(days=1)).isoformat()
    refused = client.post(
        f"{path}/interim",
        {"name": "Phạm Tạm", "started_on": _ago(5).isoformat(), "until": too_long},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert refused.status_code == 422
    assert "185/2026" in refused.json()["message"]
    created = client.post(
        f"{path}/interim", {"name": "Phạm Tạm", "started_on": _ago(5).isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert created.status_code == 201
    current = created.json()["current"]
    assert current["kind"] == "interim"
    assert current["planned_end_on"] == add_months(_ago(5), 6).isoformat()
    held = client.post(
        f"{path}/interim", {"name": "Hai", "started_on": _today().isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert held.status_code == 409
    term_id = current["id"]
    shift = client.post(
        f"/api/v1/village-head-terms/{term_id}/end-shift",
        {"planned_end_on": _today().isoformat()}, content_type="application/json", **as_chair,
    )  # fmt: skip
    assert shift.status_code == 409  # an interim term is not shifted
    resign = client.post(
        f"/api/v1/village-head-terms/{term_id}/resignation", {"on": _today().isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert resign.status_code == 200
    assert resign.json()["vacant"] is True


def test_the_api_shift_and_link(client, chair, official, five):
    term = elect(official, chair, five, _ago(20))
    as_chair = auth(token_for(chair))
    base = f"/api/v1/village-head-terms/{term.pk}"
    end = add_months(term.planned_end_on, -6).isoformat()
    ok = client.post(
        f"{base}/end-shift", {"planned_end_on": end}, content_type="application/json", **as_chair
    )
    assert ok.status_code == 200
    assert ok.json()["current"]["planned_end_on"] == end
    resident = ResidentFactory(household=households_of(five)[0])
    linked = client.post(
        f"{base}/holder", {"resident_id": resident.pk}, content_type="application/json", **as_chair
    )
    assert linked.status_code == 200
    assert linked.json()["current"]["resident_id"] == resident.pk
    as_official = auth(token_for(official))
    forbidden = client.post(
        f"{base}/end-shift", {"planned_end_on": end}, content_type="application/json",
        **as_official,
    )  # fmt: skip
    assert forbidden.status_code == 403


def test_the_api_hides_another_communes_village(client, five, other_commune):
    stranger = auth(token_for(official_of(other_commune, Role.COMMUNE_CHAIR)))
    assert client.get(f"/api/v1/villages/{five.pk}/village-head", **stranger).status_code == 404
    assert client.get(f"/api/v1/villages/{five.pk}/village-head").status_code in (401, 404)
    posted = client.post(
        f"/api/v1/villages/{five.pk}/village-head/interim",
        {"name": "Tạm", "started_on": _today().isoformat()},
        content_type="application/json", **stranger,
    )  # fmt: skip
    assert posted.status_code == 404
    head = auth(token_for(village_head(five)))
    assert client.get(f"/api/v1/villages/{five.pk}/village-head", **head).status_code == 200
    assert client.get("/api/v1/village-head-terms/999999/resignation").status_code in (401, 405)
