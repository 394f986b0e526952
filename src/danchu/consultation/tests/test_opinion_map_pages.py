"""The opinion map's page and API: the stored map as a picture and tables, votes, proposals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.consultation import map_services
from danchu.consultation.models import Consultation, StatementVote
from danchu.territory.tests.factories import CommuneFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    commune = CommuneFactory()
    consultation = Consultation.objects.create(
        commune=commune,
        title="Quy hoạch chợ",
        status=Consultation.Status.OPEN,
        category=1,
        period_days=20,
    )
    official = RoleAssignmentFactory(role=Role.COMMUNE_OFFICIAL, commune=commune).user
    statements = [
        map_services.statement_add(actor=official, consultation=consultation, text=f"Ý kiến {i}")
        for i in range(6)
    ]
    village = VillageFactory(commune=commune)
    residents = [
        RoleAssignmentFactory(role=Role.RESIDENT, commune=commune, village=village).user
        for _ in range(20)
    ]
    for index, resident in enumerate(residents):
        for number, statement in enumerate(statements):
            leaning = 1 if index % 2 else -1
            value = leaning if (index + number) % 4 else -leaning
            map_services.statement_vote_cast(actor=resident, statement=statement, value=value)
    map_services.map_recompute(consultation=consultation)
    return consultation, statements, residents


def _url(consultation, name="consultation:map_page", **extra):  # type: ignore[no-untyped-def]
    return reverse(name, kwargs={"code": consultation.commune.code, "pk": consultation.pk, **extra})


def test_the_page_shows_the_picture_and_the_same_content_as_tables(client, setup):
    consultation, statements, _ = setup
    page = client.get(_url(consultation))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert 'role="img"' in html
    assert html.count("<table>") == 2
    assert all(s.text in html for s in statements)


def test_the_page_reads_the_stored_map_with_few_queries(
    client, setup, django_assert_max_num_queries
):
    consultation, statements, residents = setup
    client.force_login(residents[0])
    with django_assert_max_num_queries(9):
        client.get(_url(consultation))
    official = RoleAssignmentFactory(role=Role.COMMUNE_OFFICIAL, commune=consultation.commune).user
    for index in range(30):  # five times the statements: the same number of queries
        map_services.statement_add(actor=official, consultation=consultation, text=f"Thêm {index}")
    map_services.map_recompute(consultation=consultation)
    with django_assert_max_num_queries(9):
        client.get(_url(consultation))


def test_a_resident_votes_and_a_wrong_value_is_a_400(client, setup):
    consultation, statements, residents = setup
    client.force_login(residents[0])
    url = _url(consultation, "consultation:map_vote", statement_pk=statements[0].pk)
    assert client.post(url, {"value": "agree"}).status_code == 302
    assert StatementVote.objects.get(participant=residents[0], statement=statements[0]).value == 1
    assert client.post(url, {"value": "maybe"}).status_code == 400
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.CLOSED)
    assert client.post(url, {"value": "pass"}).status_code == 400


def test_a_resident_proposes_and_an_empty_text_is_refused(client, setup):
    consultation, _, residents = setup
    client.force_login(residents[1])
    url = _url(consultation, "consultation:map_propose")
    assert client.post(url, {"text": "Thêm chỗ để xe"}).status_code == 302
    assert client.post(url, {"text": "  "}).status_code == 400


def test_a_draft_consultation_has_no_map_page(client, setup):
    consultation, _, _ = setup
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.DRAFT)
    assert client.get(_url(consultation)).status_code == 404


def test_the_api_gives_the_map_and_takes_votes(client, setup):
    consultation, statements, residents = setup
    answer = client.get(f"/api/v1/consultations/{consultation.pk}/map")
    assert answer.status_code == 200
    data = answer.json()
    assert data["computed"] is True
    assert sum(g["size"] for g in data["groups"]) == 20
    assert len(client.get(f"/api/v1/consultations/{consultation.pk}/statements").json()) == 6
    client.force_login(residents[2])
    vote_url = f"/api/v1/consultations/{consultation.pk}/statements/{statements[1].pk}/vote"
    put = client.put(vote_url, {"value": 0}, content_type="application/json")
    assert put.status_code == 200
    assert put.json() == {"statement_id": statements[1].pk, "value": 0}
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.CLOSED)
    closed = client.put(vote_url, {"value": 1}, content_type="application/json")
    assert closed.status_code == 409
