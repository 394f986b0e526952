"""Pages of citizen initiatives (Law 10/2022 Art. 16(3)) through the client: propose, consent,
the 10 % threshold, consents lapsing after 3 months, the Front's approval, withdrawal; the
back office; permissions; constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
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
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 5, 20)
THREE_MONTHS_AGO = D(2026, 2, 20)  # valid until 20 May: counts today
THREE_MONTHS_AND_A_DAY_AGO = D(2026, 2, 19)  # valid until 19 May: lapsed yesterday


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(initiatives, "_today", lambda: TODAY)
    monkeypatch.setattr(initiative_reads, "today", lambda: TODAY)


def url(name, *args):
    return reverse(f"decisions:{name}", args=args)


def resident_user(household):
    user = UserFactory(resident=ResidentFactory(household=household))
    RoleAssignmentFactory(
        user=user, role=Role.RESIDENT, commune=household.commune, village=household.village
    )
    return user


@pytest.fixture
def twenty(commune):
    """A village of 20 households: 10 % is 2."""
    return make_village(commune, households=20)


def _propose(client, commune, village, **data):
    values = {
        "village": village.pk,
        "matter_type": str(int(MatterType.OTHER)),
        "title": "Lắp đèn đường xóm Đông",
        "proposal": "Lắp 20 bóng đèn năng lượng mặt trời.",
    }
    values.update(data)
    return client.post(url("initiative_propose", commune.code), values)


def _created(client, commune, village):
    client.force_login(resident_user(households_of(village)[0]))
    assert _propose(client, commune, village).status_code == 302
    return Initiative.objects.get()


def test_propose_consent_and_reach_ten_percent(client, commune, twenty):
    initiative = _created(client, commune, twenty)
    detail = url("initiative_detail", commune.code, initiative.pk)
    page = client.get(detail)
    assert page.status_code == 200
    assert_accessible(page.content)
    assert "0 trên 2 hộ cần có; thôn có 20 hộ" in page.content.decode()

    first, second = households_of(twenty)[1:3]
    client.force_login(representative(first))
    assert 'action="' + url("initiative_consent", commune.code, initiative.pk) in (
        client.get(detail).content.decode()
    )
    assert client.post(url("initiative_consent", commune.code, initiative.pk)).status_code == 302
    initiative.refresh_from_db()
    # 1 of 20 is 5 %: not yet.
    assert initiative.status == Initiative.Status.COLLECTING
    html = client.get(detail).content.decode()
    assert "1 trên 2 hộ" in html
    assert "20/08/2026" in html  # the household's own consent counts for 3 months

    client.force_login(representative(second))
    assert client.post(url("initiative_consent", commune.code, initiative.pk)).status_code == 302
    initiative.refresh_from_db()
    # 2 of 20 is exactly 10 %: at least 10 % — it goes to the community.
    assert initiative.status == Initiative.Status.REACHED
    again = client.post(url("initiative_consent", commune.code, initiative.pk))
    assert again.status_code == 409

    # Anyone, signed out, sees the list with the progress.
    client.logout()
    listing = client.get(url("initiative_list", commune.code))
    assert listing.status_code == 200
    assert_accessible(listing.content)
    assert "2 trên 2 hộ cần có" in listing.content.decode()


def test_consents_lapse_after_three_months(client, commune, twenty, monkeypatch):
    initiative = _created(client, commune, twenty)
    head = village_head(twenty)
    client.force_login(head)
    bo = url("bo_initiative", commune.code, initiative.pk)
    homes = households_of(twenty)
    lapsed = client.post(
        bo, {"step": "consent", "household": homes[1].code, "given_on": "2026-02-19"}
    )
    # A consent given 3 months and a day ago has already lapsed: refused, on its field.
    assert lapsed.status_code == 400
    assert 'aria-invalid="true"' in lapsed.content.decode()
    counts = client.post(
        bo, {"step": "consent", "household": homes[1].code, "given_on": "2026-02-20"}
    )
    assert counts.status_code == 302
    assert Consent.objects.get().valid_until == TODAY
    page = client.get(bo).content.decode()
    assert "1 trên 2 hộ" in page
    assert "20/05/2026" in page

    # The day after, it no longer counts — on the pages and in the list alike.
    tomorrow = TODAY + datetime.timedelta(days=1)
    for module, name in ((initiatives, "_today"), (initiative_reads, "today")):
        monkeypatch.setattr(module, name, lambda: tomorrow)
    client.logout()
    assert "0 trên 2 hộ" in client.get(url("initiative_list", commune.code)).content.decode()
    detail = client.get(url("initiative_detail", commune.code, initiative.pk)).content.decode()
    assert "0 trên 2 hộ" in detail


def test_back_office_field_errors_and_the_front(client, commune, twenty, official):
    initiative = _created(client, commune, twenty)
    bo = url("bo_initiative", commune.code, initiative.pk)
    client.force_login(official)
    page = client.get(bo)
    assert page.status_code == 200
    assert_accessible(page.content)
    unknown = client.post(
        bo, {"step": "consent", "household": "KHONG-CO", "given_on": "2026-05-20"}
    )
    assert unknown.status_code == 400
    assert "Không có hộ nào của xã có mã này." in unknown.content.decode()
    elsewhere = households_of(make_village(commune, households=1))[0]
    wrong = client.post(
        bo, {"step": "consent", "household": elsewhere.code, "given_on": "2026-05-20"}
    )
    assert wrong.status_code == 400
    future = client.post(
        bo,
        {"step": "consent", "household": households_of(twenty)[1].code, "given_on": "2026-05-21"},
    )
    assert future.status_code == 400
    assert client.post(bo, {"step": "nonsense"}).status_code == 400
    assert not Consent.objects.exists()
    # An official is not the Front: no approval form, and the service refuses.
    assert 'name="note"' not in page.content.decode()
    assert client.post(bo, {"step": "front", "note": "Cần thiết."}).status_code == 403

    front = official_of(commune, role=Role.FRONT_OFFICER)
    client.force_login(front)
    assert 'name="note"' in client.get(bo).content.decode()
    empty = client.post(bo, {"step": "front", "note": " "})
    assert empty.status_code == 400
    assert client.post(bo, {"step": "front", "note": "Việc cấp thiết."}).status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.FRONT_APPROVED


def test_propose_field_errors_and_who_may_propose(client, commune, twenty, official):
    client.force_login(resident_user(households_of(twenty)[0]))
    page = client.get(url("initiative_propose", commune.code))
    assert page.status_code == 200
    assert_accessible(page.content)
    empty = _propose(client, commune, twenty, title=" ", proposal="")
    assert empty.status_code == 400
    assert empty.content.decode().count('aria-invalid="true"') >= 2
    other = make_village(commune, households=1)
    wrong = _propose(client, commune, other)
    assert wrong.status_code == 400
    assert "thôn" in wrong.content.decode()
    assert _propose(client, commune, twenty, matter_type="9").status_code == 400
    assert not Initiative.objects.exists()

    client.force_login(official)  # officials put matters to the vote; they do not propose
    assert client.get(url("initiative_propose", commune.code)).status_code == 403
    client.logout()
    assert client.get(url("initiative_propose", commune.code)).status_code == 302  # sign in


def test_withdraw_and_permissions(client, commune, twenty, other_commune):
    initiative = _created(client, commune, twenty)
    proposer = initiative.proposer
    stranger = resident_user(households_of(twenty)[2])
    client.force_login(stranger)
    withdraw = url("initiative_withdraw", commune.code, initiative.pk)
    assert client.post(withdraw).status_code == 403
    # A resident, not a representative, does not consent for the household.
    assert client.post(url("initiative_consent", commune.code, initiative.pk)).status_code == 403
    client.force_login(proposer)
    assert client.post(withdraw).status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.WITHDRAWN
    assert client.post(withdraw).status_code == 409

    # Another commune's initiative does not exist under this commune's address.
    client.force_login(official_of(other_commune))
    assert client.get(url("bo_initiative", commune.code, initiative.pk)).status_code == 404
    foreign = make_village(other_commune, households=1)
    assert (
        client.get(url("initiative_detail", other_commune.code, initiative.pk)).status_code == 404
    )
    assert foreign.commune_id != commune.pk
    # A village head of another village does not see who consented.
    client.force_login(village_head(make_village(commune, households=1)))
    page = client.get(url("bo_initiative", commune.code, initiative.pk))
    assert page.status_code == 200
    assert page.context["page_obj"] is None


def test_bad_filter_is_a_field_error(client, commune):
    response = client.get(url("initiative_list", commune.code), {"status": "nope"})
    assert response.status_code == 400
    assert client.get(url("initiative_list", "99999999")).status_code == 404
    assert client.post(url("initiative_list", commune.code)).status_code == 405


def _list_queries(client, commune, name):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(name, commune.code)).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_initiatives(client, commune, official):
    villages = [make_village(commune, households=10) for _ in range(2)]
    initiatives.initiative_create(
        actor=resident_user(households_of(villages[0])[0]), village=villages[0],
        matter_type=MatterType.OTHER, title="Một", proposal="Một.",
    )  # fmt: skip
    client.force_login(official)
    few = (_list_queries(client, commune, "initiative_list"),
           _list_queries(client, commune, "bo_initiatives"))  # fmt: skip
    for n, village in enumerate(villages * 3):
        home = households_of(village)[n % 5 + 1]
        created = initiatives.initiative_create(
            actor=resident_user(home), village=village, matter_type=MatterType.OTHER,
            title=f"Sáng kiến {n}", proposal="Nội dung.",
        )  # fmt: skip
        initiatives.consent_give(actor=official, initiative=created, household=home)
    many = (_list_queries(client, commune, "initiative_list"),
            _list_queries(client, commune, "bo_initiatives"))  # fmt: skip
    assert many == few


def test_the_list_counts_as_the_service_does(client, commune, official):
    """The list's progress (one query for the page) equals initiative_progress: consents of
    households that moved out of the village, not yet given or lapsed do not count."""
    from danchu.decisions.models import Consent
    from danchu.territory.models import Household

    forty = make_village(commune, households=40)  # 4 needed: it keeps collecting
    initiative = _created(client, commune, forty)
    homes = households_of(forty)
    for household, given_on in (
        (homes[1], TODAY),
        (homes[2], D(2026, 2, 20)),  # its last day
        (homes[3], D(2026, 4, 1)),
    ):
        initiatives.consent_give(
            actor=official, initiative=initiative, household=household, given_on=given_on
        )
    Consent.objects.filter(household=homes[3]).update(given_on=D(2026, 5, 21))  # not yet given
    elsewhere = make_village(commune, households=1)
    moved = homes[4]
    initiatives.consent_give(actor=official, initiative=initiative, household=moved)
    Household.objects.filter(pk=moved.pk).update(village=elsewhere)
    expected = initiatives.initiative_progress(initiative, on=TODAY)
    row = initiative_reads.with_progress(Initiative.objects.filter(pk=initiative.pk), TODAY).get()
    assert initiative_reads.progress_of(row, TODAY) == expected
    assert (expected.valid_consents, expected.total_households) == (2, 39)
