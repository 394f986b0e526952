"""/api/v1/ for citizens' requests: public filing and tracking, officials' list and answer."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.api.tests.helpers import auth, token_for
from danchu.petitions.tests.requests_helpers import DENOUNCER, file


def _post(client, url, payload, **headers):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def test_anyone_files_and_tracks_without_personal_data(client, commune):
    response = _post(client, f"/api/v1/communes/{commune.code}/petition-requests", {
        "kind": "denunciation", "subject": "Tố cáo", "content": "Sai phạm đất đai",
        **{k: DENOUNCER[k] for k in ("full_name", "phone", "address")},
    })  # fmt: skip
    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    tracked = client.get(f"/api/v1/petition-requests/track/{code}")
    assert tracked.status_code == 200
    assert tracked.json()["status"] == "received"
    assert DENOUNCER["full_name"] not in tracked.content.decode()
    assert client.get("/api/v1/petition-requests/track/PA-NONE").status_code == 404


def test_field_errors_are_422(client, commune):
    response = _post(client, f"/api/v1/communes/{commune.code}/petition-requests", {
        "kind": "denunciation", "subject": "x", "content": "y",
    })  # fmt: skip
    assert response.status_code == 422
    assert "full_name" in response.json()["fields"]


def test_officials_list_and_answer(client, commune, official, other_commune, village):
    req = file(commune)
    token = token_for(official)
    listed = client.get(f"/api/v1/communes/{commune.code}/petition-requests", **auth(token))
    assert listed.json()["count"] == 1
    assert "Trần Văn Nam" not in listed.content.decode()
    url = f"/api/v1/petition-requests/{req.pk}/answer"
    assert _post(client, url, {"answer": "Đã sửa."}, **auth(token)).status_code == 200
    again = _post(client, url, {"answer": "Lần nữa"}, **auth(token))
    assert again.status_code == 409
    outsider = token_for(RoleAssignmentFactory(commune=other_commune).user)
    assert client.get(f"/api/v1/petition-requests/{req.pk}", **auth(outsider)).status_code == 404
    resident = RoleAssignmentFactory(commune=commune, role=Role.RESIDENT, village=village).user
    response = client.get(f"/api/v1/petition-requests/{req.pk}", **auth(token_for(resident)))
    assert response.status_code == 403
    figures = client.get(
        f"/api/v1/communes/{commune.code}/petition-figures?start=2026-12-31&end=2026-01-01",
        **auth(token),
    )  # fmt: skip
    assert figures.status_code == 422


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_costs_the_same_whatever_the_rows(client, commune, official, rows):
    for i in range(rows):
        file(commune, subject=f"Việc {i}", content=f"Nội dung riêng {i} " * (i + 2))
    token = token_for(official)
    url = f"/api/v1/communes/{commune.code}/petition-requests"
    client.get(url, **auth(token))  # warm the session/grant caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **auth(token)).json()["count"] == rows
    assert len(queries) <= 8
