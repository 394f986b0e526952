"""Pages of citizens' requests: filing and tracking without sign-in, the back office's handling
steps, the export; bad input answers 400/404, never 500."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from danchu.petitions.models import CitizenRequest, RequestStatus
from danchu.petitions.tests.requests_helpers import DENOUNCER, at, file

D = datetime.date


def test_a_resident_files_on_the_web_and_follows_it(client, commune, village):
    url = reverse("petitions:file", args=[commune.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "kind": "feedback", "subject": "Cầu tràn hỏng", "content": "Nước cuốn mất mặt cầu.",
        "village": village.pk, "full_name": "Đỗ Văn Ba", "phone": "0900000001",
    })  # fmt: skip
    req = CitizenRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:track", args=[req.tracking_code])
    page = client.get(response["Location"]).content.decode()
    assert req.tracking_code in page
    assert "Đỗ Văn Ba" not in page
    assert "0900000001" not in page
    lookup = client.get(reverse("petitions:track_lookup"), {"code": req.tracking_code.lower()})
    assert lookup.status_code == 302


def test_bad_filing_input_is_a_400_with_field_errors(client, commune, other_commune):
    from danchu.territory.tests.factories import VillageFactory

    foreign = VillageFactory(commune=other_commune)
    response = client.post(reverse("petitions:file", args=[commune.code]), {
        "kind": "denunciation", "subject": "x", "content": "y", "village": foreign.pk,
    })  # fmt: skip
    assert response.status_code == 400
    response = client.post(reverse("petitions:file", args=[commune.code]), {
        "kind": "denunciation", "subject": "x", "content": "y",
    })  # fmt: skip
    assert response.status_code == 400
    assert not CitizenRequest.objects.exists()
    assert client.get(reverse("petitions:track", args=["PA-NOPE"])).status_code == 404
    assert client.get(reverse("petitions:file", args=["999999"])).status_code == 404


def test_rate_and_reopen_from_the_tracking_page(client, commune, official):
    req = file(commune)
    from danchu.petitions import services

    services.request_answer(actor=official, request=req, answer="Đã xử lý.")
    rate = reverse("petitions:rate", args=[req.tracking_code])
    assert client.post(rate, {"satisfaction": "9"}).status_code == 400
    assert client.post(rate, {"satisfaction": "4"}).status_code == 302
    reopen = reverse("petitions:reopen", args=[req.tracking_code])
    assert client.post(reopen, {"reason": "Vẫn hỏng"}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.IN_PROGRESS
    assert client.post(reopen, {"reason": "Lần nữa"}).status_code == 400
    assert client.post(reverse("petitions:rate", args=["PA-NOPE"]), {"satisfaction": "3"}
                       ).status_code == 404  # fmt: skip


def test_the_on_time_page_is_public(client, commune, official):
    from danchu.petitions import services

    services.request_answer(actor=official, request=file(commune), answer="Xong")
    page = client.get(reverse("petitions:on_time", args=[commune.code]))
    assert page.status_code == 200
    assert "100.0%" in page.content.decode() or "100,0%" in page.content.decode()


def test_an_official_handles_a_complaint_through_the_pages(client, commune, official, monkeypatch):
    at(monkeypatch, D(2026, 9, 7))
    client.force_login(official)
    key_in = reverse("petitions:bo_key_in", args=[commune.code])
    assert client.get(key_in).status_code == 200
    response = client.post(key_in, {
        "channel": "post", "kind": "complaint", "subject": "Khiếu nại quyết định thu hồi đất",
        "content": "Không đồng ý mức bồi thường.", "address": "thôn Tây",
        "received_on": "2026-09-07",
    })  # fmt: skip
    req = CitizenRequest.objects.get()
    assert response.status_code == 302
    detail = reverse("petitions:bo_detail", args=[req.pk])
    assert client.get(detail).status_code == 200

    def step(name, **data):
        return client.post(reverse("petitions:bo_handle", args=[req.pk, name]), data)

    assert step("assign", handler=official.pk).status_code == 302
    assert step("assign", handler="abc").status_code == 400
    assert step("classify", kind="complaint", complex_case="on").status_code == 302
    assert step("accept").status_code == 400  # the day the decision was known is required
    assert step("accept", decision_known_on="2026-08-01").status_code == 302
    assert step("clock", action="extend", document="1", reason="r").status_code == 400
    assert step("clock", action="pause", document="2/QĐ", reason="Chờ").status_code == 302
    assert step("clock", action="resume", document="3/QĐ", reason="Tiếp").status_code == 302
    assert step("answer", answer="Quyết định giải quyết khiếu nại").status_code == 302
    assert step("reject", reason="x").status_code == 400  # no longer open
    assert step("nonsense").status_code == 404
    req.refresh_from_db()
    assert req.status == RequestStatus.ANSWERED
    assert req.due_on == D(2026, 10, 22)  # 7 Sep + 45 days (complex)
    queue = client.get(reverse("petitions:bo_queue", args=[commune.code]), {"queue": "bad"})
    assert queue.status_code == 400


def test_forward_through_the_pages(client, commune, official):
    client.force_login(official)
    req = file(commune, official, channel="post", kind="denunciation", **DENOUNCER)
    data = {"forwarded_to": "Công an tỉnh", "reason": "Dấu hiệu tội phạm"}
    response = client.post(reverse("petitions:bo_handle", args=[req.pk, "forward"]), data)
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.FORWARDED


def test_the_export_neutralises_formulas(client, commune, official):
    file(commune, subject='=HYPERLINK("http://x")', content="+1+1")
    client.force_login(official)
    response = client.get(reverse("petitions:bo_export", args=[commune.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "'=HYPERLINK" in body
    assert "'+1+1" in body


@pytest.mark.parametrize("role", ["resident", "village_head", "mediator"])
def test_roles_without_the_right_get_no_back_office(client, commune, village, role):
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    user = RoleAssignmentFactory(commune=commune, role=role, village=village).user
    client.force_login(user)
    req = file(commune)
    assert client.get(reverse("petitions:bo_queue", args=[commune.code])).status_code in (403, 404)
    assert client.get(reverse("petitions:bo_detail", args=[req.pk])).status_code in (403, 404)
    assert client.post(reverse("petitions:bo_handle", args=[req.pk, "answer"]),
                       {"answer": "x"}).status_code in (403, 404)  # fmt: skip


def test_a_file_comes_with_the_request_and_bad_files_are_refused(client, commune, settings,
                                                                 tmp_path):  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    from danchu.disclosure.tests.factories import pdf_file

    settings.MEDIA_ROOT = tmp_path / "media"
    url = reverse("petitions:file", args=[commune.code])
    fields = {"kind": "feedback", "subject": "Ổ gà", "content": "Ổ gà lớn giữa đường."}
    fake = SimpleUploadedFile("anh.pdf", b"MZ not a pdf")
    assert client.post(url, {**fields, "file": fake}).status_code == 400
    assert not list((tmp_path / "media").rglob("*.pdf"))
    assert client.post(url, {**fields, "file": pdf_file()}).status_code == 302
    req = CitizenRequest.objects.get()
    assert req.attachments.count() == 1


def test_merge_a_flagged_duplicate_from_the_detail_page(client, commune, official):
    first, second = file(commune), file(commune)
    client.force_login(official)
    url = reverse("petitions:bo_handle", args=[second.pk, "merge"])
    page = client.get(reverse("petitions:bo_detail", args=[second.pk])).content.decode()
    assert first.tracking_code in page
    assert client.post(url, {"into": "PA-NOPE"}).status_code == 400
    assert client.post(url, {"into": second.tracking_code}).status_code == 400
    assert client.post(url, {"into": first.tracking_code.lower()}).status_code == 302
    second.refresh_from_db()
    assert second.merged_into == first
