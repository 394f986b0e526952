"""The consultation pages: public reading and commenting, lookup, and the back office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from danchu.consultation import services
from danchu.consultation.models import Consultation, Opinion
from danchu.consultation.tests.factories import (
    closed_consultation,
    data,
    open_consultation,
    resident_user,
)

pytestmark = pytest.mark.django_db


def test_public_list_and_detail(client, official, commune):
    consultation = open_consultation(official, commune)
    services.consultation_create(actor=official, commune=commune, data=data(title="Bản nháp"))
    listed = client.get(reverse("consultation:consultation_public_list", args=[commune.code]))
    assert listed.status_code == 200
    assert "Quy chế thu gom rác thải" in listed.content.decode()
    assert "Bản nháp" not in listed.content.decode()
    detail = client.get(
        reverse("consultation:consultation_public_detail", args=[commune.code, consultation.pk])
    )
    assert "Điều 2. Giờ thu gom" in detail.content.decode()


def test_public_list_queries_do_not_grow(client, official, commune, django_assert_max_num_queries):
    open_consultation(official, commune)
    url = reverse("consultation:consultation_public_list", args=[commune.code])
    with django_assert_max_num_queries(12):
        client.get(url)
    for _i in range(5):
        open_consultation(official, commune)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_resident_comments_and_looks_up(client, official, commune, village):
    consultation = open_consultation(official, commune)
    resident = resident_user(village)
    client.force_login(resident)
    url = reverse("consultation:consultation_public_detail", args=[commune.code, consultation.pk])
    empty = client.post(url, {"body": ""})
    assert empty.status_code == 400
    response = client.post(url, {"body": "Nên thu gom buổi chiều", "section": ""})
    assert response.status_code == 200
    opinion = Opinion.objects.get()
    assert opinion.reference in response.content.decode()
    client.logout()
    found = client.get(
        reverse("consultation:consultation_lookup"), {"reference": opinion.reference}
    )
    assert found.status_code == 200
    assert "Nên thu gom buổi chiều" in found.content.decode()
    missing = client.get(reverse("consultation:consultation_lookup"), {"reference": "YK-AAAA-AAAA"})
    assert missing.status_code == 404


def test_anonymous_cannot_comment_without_phone(client, official, commune):
    consultation = open_consultation(official, commune)
    url = reverse("consultation:consultation_public_detail", args=[commune.code, consultation.pk])
    response = client.post(url, {"body": "ý kiến"})
    assert response.status_code in (403, 404)
    assert not Opinion.objects.exists()


def test_backoffice_flow(client, official, commune):
    client.force_login(official)
    created = client.post(
        reverse("consultation:consultation_bo_create", args=[commune.code]),
        {"category": 5, "title": "Quy chế", "plan_document": "KH 1", "plan_issued_on": "2026-01-05",
         "period_days": 19, "used_forms": ["web"]},
    )  # fmt: skip
    assert created.status_code == 400  # Art. 28(2): 19 days is too short
    consultation = closed_consultation(official, commune)
    detail = reverse("consultation:consultation_bo_detail", args=[consultation.pk])
    assert client.get(detail).status_code == 200
    entered = client.post(
        reverse("consultation:consultation_bo_enter", args=[consultation.pk]),
        {"body": "Phí cao", "form": "meeting", "source": "Họp thôn", "section": ""},
    )
    assert entered.status_code == 302
    opinion = Opinion.objects.get(consultation=consultation)
    client.post(reverse("consultation:consultation_bo_group", args=[consultation.pk]),
                {"topic": "Phí", "opinion_ids": str(opinion.pk), "section": ""})  # fmt: skip
    group = consultation.opinion_groups.get()
    client.post(reverse("consultation:consultation_bo_answer", args=[consultation.pk, group.pk]),
                {"outcome": "not_accepted", "answer": "Theo quy định."})  # fmt: skip
    published = client.post(
        reverse("consultation:consultation_bo_action", args=[consultation.pk, "synthesis"])
    )
    assert published.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ANSWERED
    issued = consultation.published_on.isoformat()
    refused = client.post(reverse("consultation:consultation_bo_decision", args=[consultation.pk]),
                          {"reference": "QĐ 1", "issued_on": issued})  # fmt: skip
    assert refused.status_code == 400  # departs from the majority without explanation
    consultation.refresh_from_db()
    assert consultation.decision_issued_on is None


def test_resident_cannot_reach_the_backoffice(client, official, commune, village):
    consultation = open_consultation(official, commune)
    client.force_login(resident_user(village))
    response = client.get(reverse("consultation:consultation_bo_detail", args=[consultation.pk]))
    assert response.status_code in (403, 404)


class _FakeSms:
    def __init__(self):
        self.sent = []

    def send(self, phone, text):
        self.sent.append((phone, text))


def test_opinion_with_a_verified_phone(client, official, commune, village, monkeypatch,
                                       django_capture_on_commit_callbacks):  # fmt: skip
    import re

    from danchu.accounts import services as accounts
    from danchu.core.crypto import blind_index
    from danchu.territory.tests.factories import ResidentFactory

    sms = _FakeSms()
    monkeypatch.setattr(accounts, "_sms_backend", lambda: sms)
    person = ResidentFactory(household__village=village, is_representative=True, phone="0987654321")
    person.phone_index = blind_index("0987654321")
    person.save()
    consultation = open_consultation(official, commune, allow_phone=True)
    url = reverse("consultation:consultation_public_detail", args=[commune.code, consultation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url, {"body": "Ý kiến qua điện thoại", "phone": "0987654321",
                                  "send_code": "1"})  # fmt: skip
    assert asked.status_code == 200
    code = re.search(r"\d{6}", sms.sent[0][1]).group()
    wrong = client.post(url, {"body": "Ý kiến", "phone": "0987654321", "code": "000000"})
    assert wrong.status_code == 400
    done = client.post(url, {"body": "Ý kiến qua điện thoại", "phone": "0987654321",
                             "code": code})  # fmt: skip
    assert done.status_code == 200
    opinion = Opinion.objects.get()
    assert opinion.phone_index == blind_index("0987654321")
    assert opinion.reference in done.content.decode()


def test_backoffice_records_affected_citizens(client, official, commune):
    consultation = open_consultation(official, commune, category=8, forms=["dialogue"])
    client.force_login(official)
    added = client.post(reverse("consultation:consultation_bo_affected", args=[consultation.pk]),
                        {"name": "Lê Văn Cường"})  # fmt: skip
    assert added.status_code == 302
    citizen = consultation.affected_citizens.get()
    kept = client.post(
        reverse("consultation:consultation_bo_affected_views", args=[consultation.pk, citizen.pk]),
        {"views": "Xin gia hạn", "answer": "Đồng ý gia hạn", "notified_on_paper": "on"},
    )
    assert kept.status_code == 302
    citizen.refresh_from_db()
    assert citizen.notified_at is not None
    assert (
        "Lê Văn Cường"
        in client.get(
            reverse("consultation:consultation_bo_detail", args=[consultation.pk])
        ).content.decode()
    )


def test_backoffice_list_queries_do_not_grow(client, official, commune,
                                             django_assert_max_num_queries):  # fmt: skip
    client.force_login(official)
    open_consultation(official, commune)
    url = reverse("consultation:consultation_bo_list", args=[commune.code])
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    for _i in range(5):
        open_consultation(official, commune)
    with django_assert_max_num_queries(15):
        client.get(url)


def test_village_head_enters_opinions_and_sees_only_theirs(client, official, commune, village):
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    consultation = open_consultation(official, commune)
    services.opinion_enter(actor=official, consultation=consultation, body="Của cán bộ xã",
                           form="box", source="Hòm thư")  # fmt: skip
    head = RoleAssignmentFactory(role=Role.VILLAGE_HEAD, commune=commune, village=village).user
    client.force_login(head)
    page = client.get(reverse("consultation:consultation_bo_detail", args=[consultation.pk]))
    assert page.status_code == 200
    assert "Của cán bộ xã" not in page.content.decode()
    entered = client.post(
        reverse("consultation:consultation_bo_enter", args=[consultation.pk]),
        {"body": "Ý kiến họp thôn", "form": "meeting", "source": "Họp thôn", "section": ""},
    )
    assert entered.status_code == 302
    assert (
        "Ý kiến họp thôn"
        in client.get(
            reverse("consultation:consultation_bo_detail", args=[consultation.pk])
        ).content.decode()
    )
