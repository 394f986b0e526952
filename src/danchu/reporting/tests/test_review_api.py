"""``/api/v1/`` review reports: lists, detail with the snapshot, documents; scopes."""

from __future__ import annotations

from datetime import date

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.reporting import reviews
from danchu.reporting.models import ReviewReport
from danchu.reporting.periods import Period
from danchu.reporting.tests.review_fakes import fake_facts_fixture  # noqa: F401


def _draft(actor, unit, kind=ReviewReport.Kind.HALF_YEAR, period=None):
    return reviews.review_create(
        actor=actor, unit=unit, kind=kind, period=period or Period.half(2026, 1)
    )


def test_list_and_detail(fake_facts, client, chair, commune):
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 3, 1), 2_500_000)
    fake_facts.add("requests.received_denunciation", commune.pk, date(2026, 3, 1), 1)
    report = _draft(chair, commune)
    client.force_login(chair)
    listed = client.get(f"/api/v1/communes/{commune.code}/reviews").json()
    assert listed["count"] == 1
    assert listed["items"][0]["reference"] == ""
    detail = client.get(f"/api/v1/reviews/{report.pk}").json()
    figures = {f["code"]: f for f in detail["figures"]}
    assert figures["contributions.money_received_vnd"]["value"] == 2_500_000
    assert figures["contributions.money_received_vnd"]["display"] == "2.500.000"
    assert "requests.received_denunciation" in figures
    assert detail["previous_period"] == "2025-H2"
    assert detail["child_level"] == "village"
    assert [d["format"] for d in detail["documents"]] == ["docx", "pdf"]
    documents = client.get(f"/api/v1/reviews/{report.pk}/documents").json()
    docx = client.get(documents[0]["url"])
    assert docx.status_code == 200
    # The inspection board reads the report without the non-public indicators.
    board = RoleAssignmentFactory(commune=commune, role=Role.INSPECTION_BOARD).user
    client.force_login(board)
    detail = client.get(f"/api/v1/reviews/{report.pk}").json()
    assert "requests.received_denunciation" not in {f["code"] for f in detail["figures"]}


def test_scopes(fake_facts, client, chair, commune, other_commune):
    report = _draft(chair, commune)
    stranger = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR).user
    client.force_login(stranger)
    assert client.get(f"/api/v1/reviews/{report.pk}").status_code == 404
    assert client.get(f"/api/v1/reviews/{report.pk}/documents").status_code == 404
    assert client.get(f"/api/v1/communes/{commune.code}/reviews").status_code == 404
    assert client.get(f"/api/v1/provinces/{commune.parent.code}/reviews").status_code == 404
    assert client.get("/api/v1/reviews/2147483647").status_code == 404
    client.logout()
    assert client.get(f"/api/v1/reviews/{report.pk}").status_code == 401


def test_province_list(fake_facts, client, commune):
    province = commune.parent
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, commune=None, unit=province).user
    report = _draft(reader, province, ReviewReport.Kind.ANNUAL, Period.year(2025))
    client.force_login(reader)
    listed = client.get(f"/api/v1/provinces/{province.code}/reviews").json()
    assert [item["id"] for item in listed["items"]] == [report.pk]
    assert client.get(f"/api/v1/communes/{commune.code}/reviews").json()["count"] == 0


def test_create_and_issue(fake_facts, client, chair, official, commune):
    client.force_login(official)
    url = f"/api/v1/communes/{commune.code}/reviews"
    bad = client.post(url, {"kind": "half_year", "period": "2026-H3"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    assert "period" in bad.json()["fields"]
    mismatch = client.post(url, {"kind": "annual", "period": "2026-H1"},
                           content_type="application/json")  # fmt: skip
    assert mismatch.status_code == 422
    assert "period" in mismatch.json()["fields"]
    created = client.post(url, {"kind": "half_year", "period": "2026-H1"},
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 201
    review_id = created.json()["id"]
    issue = f"/api/v1/reviews/{review_id}/issue"
    refused = client.post(issue, {"issued_on": "2026-07-01"}, content_type="application/json")
    assert refused.status_code == 403  # an official does not issue
    ReviewReport.objects.filter(pk=review_id).update(signer_name="Nguyễn Văn An")
    client.force_login(chair)
    issued = client.post(issue, {"issued_on": "2026-07-01"}, content_type="application/json")
    assert issued.status_code == 200
    assert issued.json()["reference"] == "01/BC-UBND"
    again = client.post(issue, {"issued_on": "2026-07-01"}, content_type="application/json")
    assert again.status_code == 409
