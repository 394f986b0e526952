"""The REST API: authentication, scoping (404/403), pagination bounds, error bodies, query
counts that do not grow with rows, and the OpenAPI schema."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danchu.accounts.models import ApiToken, Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.api.tests.helpers import auth, make_household, token_for
from danchu.core.models import AuditEntry
from danchu.territory.models import Village
from danchu.territory.tests.factories import CommuneFactory, VillageFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture
def token(official):
    return token_for(official)


@pytest.fixture
def api(client, token):
    """A client that sends the official's bearer token."""

    class Api:
        def get(self, path, **params):
            return client.get(BASE + path, params, **auth(token))

        def post(self, path, body):
            return client.post(BASE + path, body, content_type="application/json", **auth(token))

        def patch(self, path, body):
            return client.patch(BASE + path, body, content_type="application/json", **auth(token))

    return Api()


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    if code:
        assert body["code"] == code
    return body


# ---------------------------------------------------------------------------------------------
# Authentication


def test_no_token_is_401(client, village):
    response = client.get(f"{BASE}/households")
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


def test_bad_token_is_401(client, village):
    assert_error(client.get(f"{BASE}/households", **auth("not-a-token")), 401)
    assert_error(client.get(f"{BASE}/households", HTTP_AUTHORIZATION="Basic abc"), 401)
    assert_error(client.get(f"{BASE}/households", **auth("x" * 5000)), 401)


def test_revoked_token_is_401(client, official, token):
    assert client.get(f"{BASE}/households", **auth(token)).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert_error(client.get(f"{BASE}/households", **auth(token)), 401)


def test_inactive_user_token_is_401(client, official, token):
    official.is_active = False
    official.save()
    assert_error(client.get(f"{BASE}/households", **auth(token)), 401)


def test_token_use_is_recorded_cheaply(client, official, token):
    client.get(f"{BASE}/households", **auth(token))
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get(f"{BASE}/households", **auth(token))
    assert ApiToken.objects.get().last_used_at == first  # not rewritten on every request


def test_session_auth_reads_and_needs_csrf_to_write(official, commune):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(official)
    assert browser.get(f"{BASE}/communes/{commune.code}/villages").status_code == 200
    response = browser.post(
        f"{BASE}/communes/{commune.code}/villages",
        {"name": "Thôn Mới"},
        content_type="application/json",
    )
    assert_error(response, 403, "forbidden")
    assert not Village.objects.exists()


def test_units_are_public(client):
    CommuneFactory(code="18406", name="Xã Can Lộc")
    response = client.get(f"{BASE}/units", {"q": "can loc"})
    assert response.status_code == 200
    assert [u["code"] for u in response.json()["items"]] == ["18406"]
    detail = client.get(f"{BASE}/units/2025/18406").json()
    assert detail["name"] == "Xã Can Lộc"
    assert detail["level"] == "commune"
    assert_error(client.get(f"{BASE}/units/2025/99999"), 404, "not_found")
    assert_error(client.get(f"{BASE}/units/1999/18406"), 422)


# ---------------------------------------------------------------------------------------------
# Scoping: another commune → 404, own commune without the right → 403


def test_cross_commune_is_404(api, other_commune):
    theirs = make_household(VillageFactory(commune=other_commune))
    resident = theirs.members.get()
    assert_error(api.get(f"/households/{theirs.pk}"), 404, "not_found")
    assert_error(api.get(f"/residents/{resident.pk}"), 404)
    assert_error(api.get(f"/villages/{theirs.village_id}"), 404)
    assert_error(api.patch(f"/villages/{theirs.village_id}", {"name": "X"}), 404)
    assert_error(api.post(f"/communes/{other_commune.code}/villages", {"name": "X"}), 404)
    assert api.get("/households", commune=other_commune.code).json() == {"count": 0, "items": []}
    assert api.get(f"/communes/{other_commune.code}/villages").json()["count"] == 0


def test_missing_is_404_like_foreign(api, commune):
    assert_error(api.get("/households/2147483647"), 404)
    assert_error(api.get("/communes/77777/villages"), 404)


def test_403_without_the_right(client, commune, village):
    household = make_household(village)
    front = RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user
    headers = auth(token_for(front))
    assert client.get(f"{BASE}/households", **headers).json()["count"] == 1
    assert_error(client.get(f"{BASE}/households/{household.pk}", **headers), 403, "forbidden")
    response = client.post(
        f"{BASE}/communes/{commune.code}/villages",
        {"name": "Thôn Mới"},
        content_type="application/json",
        **headers,
    )
    assert_error(response, 403)
    assert_error(
        client.patch(
            f"{BASE}/villages/{village.pk}",
            {"name": "Đổi"},
            content_type="application/json",
            **headers,
        ),
        403,
    )


def test_user_without_roles_sees_nothing(client, village):
    make_household(village)
    headers = auth(token_for(UserFactory()))
    assert client.get(f"{BASE}/households", **headers).json()["count"] == 0
    assert client.get(f"{BASE}/residents", **headers).json()["count"] == 0


# ---------------------------------------------------------------------------------------------
# Reads and masking


def test_household_detail_masks_personal_data_without_the_right(client, commune, village, api):
    household = make_household(village, "Đặng Văn Lâm", members=3)
    rep = household.members.get(is_representative=True)
    full = api.get(f"/households/{household.pk}").json()
    assert full["representative_name"] == "Đặng Văn Lâm"
    assert full["member_count"] == 3
    assert full["members"][0]["citizen_id"] == rep.citizen_id  # officials may see it
    assert full["members"][0]["phone"] == "0912345678"

    head = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=village).user
    masked = client.get(f"{BASE}/households/{household.pk}", **auth(token_for(head))).json()
    assert masked["members"][0]["citizen_id"] == rep.citizen_id_masked
    assert masked["members"][0]["citizen_id"].startswith("*********")
    assert masked["members"][0]["phone"] != "0912345678"
    listed = client.get(f"{BASE}/residents", **auth(token_for(head))).json()
    assert all(r["citizen_id"].startswith("***") for r in listed["items"])


def test_household_search_is_diacritic_insensitive(api, village):
    make_household(village, "Nguyễn Văn An")
    make_household(village, "Trần Thị Bình")
    body = api.get("/households", q="nguyen van an").json()
    assert body["count"] == 1
    assert body["items"][0]["representative_name"] == "Nguyễn Văn An"
    assert api.get("/residents", q="TRAN THI").json()["count"] == 1
    assert api.get("/households", village=village.pk).json()["count"] == 2


# ---------------------------------------------------------------------------------------------
# Writes go through the services (which audit)


def test_village_create_and_update(api, commune):
    response = api.post(f"/communes/{commune.code}/villages", {"name": "Thôn Đông", "kind": "thon"})
    assert response.status_code == 201, response.content
    village = response.json()
    assert village["name"] == "Thôn Đông"
    assert village["household_count"] == 0
    assert AuditEntry.objects.filter(action="village.create").count() == 1

    patched = api.patch(f"/villages/{village['id']}", {"name": "Thôn Đông Hà"}).json()
    assert patched["name"] == "Thôn Đông Hà"
    assert api.get(f"/villages/{village['id']}").json()["name"] == "Thôn Đông Hà"

    duplicate = api.post(f"/communes/{commune.code}/villages", {"name": "thon dong ha"})
    assert_error(duplicate, 409, "duplicate")
    assert "name" in duplicate.json()["fields"]


def test_write_validation_is_422_with_field_messages(api, commune):
    body = assert_error(api.post(f"/communes/{commune.code}/villages", {"kind": "castle"}), 422)
    assert set(body["fields"]) == {"name", "kind"}
    # The user's language: Vietnamese by default.
    assert body["fields"]["name"] == ["Trường này là bắt buộc."]
    assert_error(api.post(f"/communes/{commune.code}/villages", {"name": "   "}), 422)
    assert_error(api.post(f"/communes/{commune.code}/villages", {"name": "x" * 201}), 422)
    assert_error(api.post(f"/communes/{commune.code}/villages", {"name": "a\x00b"}), 422)
    assert not Village.objects.exists()


def test_unparsable_body_is_4xx(client, token, commune):
    response = client.post(
        f"{BASE}/communes/{commune.code}/villages",
        "{not json",
        content_type="application/json",
        **auth(token),
    )
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"code", "message", "fields"}


# ---------------------------------------------------------------------------------------------
# Pagination and bounds


def test_pagination(api, village):
    for i in range(7):
        make_household(village, f"Lê Văn {i}")
    first = api.get("/households", limit=5).json()
    assert first["count"] == 7
    assert len(first["items"]) == 5
    rest = api.get("/households", limit=5, offset=5).json()
    assert len(rest["items"]) == 2
    codes = [h["code"] for h in first["items"] + rest["items"]]
    assert len(set(codes)) == 7
    assert api.get("/households", offset=100).json() == {"count": 7, "items": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": -1}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**30}, "offset"),
        ({"limit": "many"}, "limit"),
        ({"q": "a" * 101}, "q"),
        ({"q": "a\x00"}, "q"),
        ({"village": 10**20}, "village"),
        ({"commune": "'; drop"}, "commune"),
    ],
)
def test_bounds_are_422(api, params, field):
    body = assert_error(api.get("/households", **params), 422, "invalid")
    assert field in body["fields"]


def test_error_messages_in_the_users_language(client, token):
    vi = client.get(f"{BASE}/households", {"limit": 101}, **auth(token)).json()
    assert vi["fields"]["limit"] == ["Giá trị không được lớn hơn 100."]
    assert vi["message"] == "Vui lòng sửa các lỗi bên dưới."
    en = client.get(
        f"{BASE}/households", {"limit": 101}, HTTP_ACCEPT_LANGUAGE="en", **auth(token)
    ).json()
    assert en["fields"]["limit"] == ["Must be at most 100."]
    unauthorized = client.get(f"{BASE}/households").json()
    assert unauthorized["message"] == "Hãy đăng nhập hoặc gửi một mã API hợp lệ."


def test_huge_path_ids_are_422(api):
    assert_error(api.get(f"/households/{10**30}"), 422)
    assert_error(api.get("/residents/0"), 422)
    assert_error(api.get("/villages/abc"), 422)


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with rows


@pytest.mark.parametrize("path", ["/households", "/residents", "/villages", "/units"])
def test_list_query_count_constant(client, commune, official, path):
    villages = [VillageFactory(commune=commune) for _ in range(4)]
    url = f"/communes/{commune.code}/villages" if path == "/villages" else path
    headers = auth(token_for(official))
    client.get(f"{BASE}{url}", **headers)  # the token's first use writes last_used_at once
    counts = []
    for rows in (10, 100):
        while sum(v.households.count() for v in villages) < rows:
            make_household(villages[rows % 4], members=2)
            villages.append(villages.pop(0))
            if path in ("/villages", "/units"):
                VillageFactory(commune=commune)
                CommuneFactory()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{BASE}{url}", {"limit": 100}, **headers)
        assert response.status_code == 200
        assert response.json()["count"] >= 10
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------------------------------------
# The schema


def test_openapi_json_is_served_with_every_path(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        f"{BASE}/units",
        f"{BASE}/units/{{era}}/{{code}}",
        f"{BASE}/communes/{{code}}/villages",
        f"{BASE}/villages/{{village_id}}",
        f"{BASE}/households",
        f"{BASE}/households/{{household_id}}",
        f"{BASE}/residents",
        f"{BASE}/residents/{{resident_id}}",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            missing = {"400", "401", "403", "404", "409", "422", "429"} - declared
            assert not missing, (path, method, missing)


def test_docs_page_uses_no_cdn(client):
    response = client.get(f"{BASE}/docs")
    assert response.status_code == 200
    # Every asset comes from this site (the CSP allows 'self' only). Not a search for "cdn":
    # the page's random CSRF token can contain those letters.
    assets = re.findall(rb'(?:src|href)="([^"]*)"', response.content)
    assert assets
    assert all(url.startswith(b"/") and not url.startswith(b"//") for url in assets), assets
