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


def _json(client, method, url, body=None, **headers):
    return getattr(client, method)(url, body or {}, content_type="application/json", **headers)


def test_update_text_and_refresh(fake_facts, client, chair, official, commune):
    report = _draft(chair, commune)
    client.force_login(official)
    url = f"/api/v1/reviews/{report.pk}"
    saved = _json(client, "patch", url, {"results": "Các thôn họp đủ.", "signer_name": "Lê An"})
    assert saved.status_code == 200
    assert saved.json()["results"] == "Các thôn họp đủ."
    assert saved.json()["title"] == report.title  # left out: kept
    bad = _json(client, "patch", url, {"title": "   "})
    assert bad.status_code == 422
    assert "title" in bad.json()["fields"]
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 3, 1), 700_000)
    refreshed = client.post(f"{url}/refresh")
    assert refreshed.status_code == 200
    figures = {f["code"]: f for f in refreshed.json()["figures"]}
    assert figures["contributions.money_received_vnd"]["value"] == 700_000
    client.force_login(chair)
    assert client.post(f"{url}/issue", {}, content_type="application/json").status_code == 200
    # Issued: frozen (409) for the text and the figures.
    assert _json(client, "patch", url, {"results": "Sửa."}).status_code == 409
    assert client.post(f"{url}/refresh").status_code == 409
    assert ReviewReport.objects.get(pk=report.pk).results == "Các thôn họp đủ."


def test_update_needs_review_write(fake_facts, client, chair, commune, other_commune):
    report = _draft(chair, commune)
    board = RoleAssignmentFactory(commune=commune, role=Role.INSPECTION_BOARD).user
    client.force_login(board)  # reads reviews, does not write them
    url = f"/api/v1/reviews/{report.pk}"
    assert _json(client, "patch", url, {"results": "x"}).status_code == 403
    stranger = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR).user
    client.force_login(stranger)
    assert _json(client, "patch", url, {"results": "x"}).status_code == 404
    assert client.post(f"{url}/refresh").status_code == 404


def test_create_province_review(fake_facts, client, commune, chair):
    province = commune.parent
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, commune=None, unit=province).user
    client.force_login(reader)
    url = f"/api/v1/provinces/{province.code}/reviews"
    created = _json(client, "post", url, {"kind": "annual", "period": "2025"})
    assert created.status_code == 201
    assert created.json()["child_level"] == "commune"
    assert created.json()["unit_code"] == province.code
    assert _json(client, "post", url, {"kind": "annual", "period": "2025-H1"}).status_code == 422
    # A commune's chair does not write the province's reports (outside its scope: 404).
    client.force_login(chair)
    assert _json(client, "post", url, {"kind": "annual", "period": "2025"}).status_code == 404


def test_documents_for_a_token(fake_facts, client, chair, commune, other_commune, monkeypatch):
    from danchu.api.tests.helpers import auth, token_for

    report = _draft(chair, commune)
    headers = auth(token_for(chair))
    docx = client.get(f"/api/v1/reviews/{report.pk}/docx", **headers)
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in docx["Content-Disposition"]
    pdf = client.get(f"/api/v1/reviews/{report.pk}/pdf", **headers)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    import io

    import docx as python_docx

    texts = [p.text for p in python_docx.Document(io.BytesIO(docx.content)).paragraphs]
    assert "DỰ THẢO" in texts  # a draft
    # The listed addresses are these operations.
    listed = client.get(f"/api/v1/reviews/{report.pk}/documents", **headers).json()
    assert [d["url"] for d in listed] == [
        f"/api/v1/reviews/{report.pk}/docx", f"/api/v1/reviews/{report.pk}/pdf",
    ]  # fmt: skip
    # Issued: the same bytes whatever the data do afterwards.
    reviews.review_update(
        actor=chair, report=report,
        text=reviews.ReviewText(title=report.title, place=report.place, signer_name="Lê An"),
    )  # fmt: skip
    reviews.review_issue(actor=chair, report=report, issued_on=date(2026, 7, 1))
    first = client.get(f"/api/v1/reviews/{report.pk}/docx", **headers).content
    first_pdf = client.get(f"/api/v1/reviews/{report.pk}/pdf", **headers).content
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 3, 1), 900_000)
    # Later (the zip entries and the fonts would otherwise carry the time of writing).
    import time

    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 7)
    assert client.get(f"/api/v1/reviews/{report.pk}/docx", **headers).content == first
    again = client.get(f"/api/v1/reviews/{report.pk}/pdf", **headers).content
    assert again == first_pdf
    texts = [p.text for p in python_docx.Document(io.BytesIO(first)).paragraphs]
    assert "DỰ THẢO" not in texts
    # Another commune's token holder: 404; no token: 401.
    stranger = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR).user
    other = auth(token_for(stranger))
    assert client.get(f"/api/v1/reviews/{report.pk}/docx", **other).status_code == 404
    assert client.get(f"/api/v1/reviews/{report.pk}/pdf", **other).status_code == 404
    assert client.get(f"/api/v1/reviews/{report.pk}/docx").status_code == 401


def test_pdf_unavailable_is_503(fake_facts, client, chair, commune, monkeypatch):
    from danchu.reporting import review_api
    from danchu.reporting.review_documents import DocumentUnavailable

    def broken(*args, **kwargs):
        raise DocumentUnavailable("no pango")

    monkeypatch.setattr(review_api, "review_pdf", broken)
    report = _draft(chair, commune)
    client.force_login(chair)
    answer = client.get(f"/api/v1/reviews/{report.pk}/pdf")
    assert answer.status_code == 503
    assert answer.json()["code"] == "unavailable"
