"""The oversight API: public works, findings and answers; the commune answers, the board closes
(404 across communes, 403 without the right, 409 on state); constant query counts."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.api.tests.helpers import auth, token_for
from danchu.oversight import services
from danchu.oversight.tests import factories as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


class Client:
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
def who(commune):
    return f.people(commune)


@pytest.fixture
def work(commune, who):
    return f.supervised(commune, who)


def _recommend(commune, who, work):
    return services.recommendation_make(
        actor=who.supervisor, commune=commune, board_kind="supervision", work=work,
        content="Đề nghị bổ sung biển công khai", votes_for=3,
        received_on=datetime.date(2026, 9, 7),
    )  # fmt: skip


def test_works_and_their_detail_are_public(client, commune, who, work):
    anon = Client(client)
    listed = anon.get(f"/communes/{commune.code}/supervised-works").json()
    assert listed["count"] == 1
    assert listed["items"][0]["budget_vnd"] == 1_500_000_000
    made = _recommend(commune, who, work)
    detail = anon.get(f"/supervised-works/{work.pk}").json()
    assert [s["amount_vnd"] for s in detail["sources"]] == [1_000_000_000, 500_000_000]
    assert len(detail["board"]) == 5
    assert detail["recommendations"][0]["id"] == made.pk
    assert detail["recommendations"][0]["due_on"] == "2026-09-22"
    assert anon.get("/supervised-works/999999").status_code == 404


def test_list_query_count_does_not_grow(client, commune, who, work):
    anon = Client(client)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert anon.get(f"/communes/{commune.code}/supervised-works").status_code == 200
            assert anon.get(f"/communes/{commune.code}/recommendations").status_code == 200
        return len(queries)

    _recommend(commune, who, work)
    small = count()
    for _ in range(4):
        f.work(commune, who.official, f.villages(commune, 2))
        _recommend(commune, who, work)
    assert count() == small


def test_the_commune_answers_and_the_board_closes(client, commune, who, work):
    made = _recommend(commune, who, work)
    body = {"answer": "Đã yêu cầu nhà thầu bổ sung", "answered_on": "2026-09-10"}
    assert (
        Client(client, who.supervisor).post(f"/recommendations/{made.pk}/answer", body).status_code
        == 403
    )  # noqa: E501
    answered = Client(client, who.chair).post(f"/recommendations/{made.pk}/answer", body)
    assert answered.status_code == 200, answered.content
    assert answered.json()["answered_in_time"] is True
    again = Client(client, who.chair).post(f"/recommendations/{made.pk}/answer", body)
    assert again.status_code == 409
    closing = {"follow_up": "Đã kiểm tra", "closed_on": "2026-09-12"}
    assert (
        Client(client, who.chair).post(f"/recommendations/{made.pk}/close", closing).status_code
        == 403
    )  # noqa: E501
    closed = Client(client, who.supervisor).post(f"/recommendations/{made.pk}/close", closing)
    assert closed.json()["status"] == "closed"


def test_another_commune_gets_404(client, commune, other_commune, who, work):
    made = _recommend(commune, who, work)
    stranger = f.person(other_commune, "commune_chair")
    body = {"answer": "x", "answered_on": "2026-09-10"}
    assert (
        Client(client, stranger).post(f"/recommendations/{made.pk}/answer", body).status_code == 404
    )  # noqa: E501


def test_field_errors_are_422(client, commune, who, work):
    made = _recommend(commune, who, work)
    body = {"answer": "x", "answered_on": "2026-09-01"}  # before it was received
    response = Client(client, who.chair).post(f"/recommendations/{made.pk}/answer", body)
    assert response.status_code == 422
    assert "answered_on" in response.json()["fields"]


def test_figures_api(client, commune, who, work):
    _recommend(commune, who, work)
    anon = Client(client)
    figures = anon.get(
        f"/communes/{commune.code}/oversight-figures", first="2026-09-01", last="2026-09-30"
    ).json()
    assert figures["total"]["recommendations"] == 1
    reversed_period = anon.get(
        f"/communes/{commune.code}/oversight-figures", first="2026-09-30", last="2026-09-01"
    )
    assert reversed_period.json()["total"]["recommendations"] == 0
    assert anon.get(f"/communes/{commune.code}/oversight-figures").status_code == 422
