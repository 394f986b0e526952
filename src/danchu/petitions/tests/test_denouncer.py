"""Denouncer protection (Luật Tố cáo Art. 8(3), 9(1)(b), 47, 56; Law 10/2022 Art. 9(2)).

A matrix of roles × pages, exports and API endpoints: the denouncer's name, phone, e-mail and
address appear nowhere except on the identity page, for the assigned handler and the commune
chair, and every such look is in the audit trail. The checks search the response bodies, so
they fail if any surface starts to show the identity.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from danchu.accounts.models import VILLAGE_ROLES, Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.core.models import AuditEntry
from danchu.core.text import fold_vi
from danchu.notifications.models import Notification, OutboundMessage
from danchu.petitions import identity, services
from danchu.petitions.tests.requests_helpers import DENOUNCER, at, file
from danchu.territory.tests.factories import CommuneFactory, VillageFactory

D = datetime.date
SECRETS = [
    DENOUNCER["full_name"], fold_vi(DENOUNCER["full_name"]), "Hoà Bình", "0912345678",
    DENOUNCER["phone"], "345 678", "Cây Đa", fold_vi("Cây Đa"), DENOUNCER["email"], "hoabinh",
]  # fmt: skip


@dataclass
class Case:
    commune: Any
    request: Any
    users: dict[str, Any]


def _leaks(text: str) -> list[str]:
    folded = fold_vi(text)
    return [s for s in SECRETS if s in text or fold_vi(s) in folded]


@pytest.fixture
def case(db, monkeypatch) -> Case:
    at(monkeypatch, D(2026, 9, 7))
    commune = CommuneFactory()
    village = VillageFactory(commune=commune)
    users: dict[str, Any] = {}
    for role in Role:
        if role == Role.PROVINCE_READER:
            user = UserFactory()
            RoleAssignmentFactory(user=user, role=role, unit=commune.parent, commune=None)
        else:
            in_village = village if role in VILLAGE_ROLES else None  # fmt: skip
            user = RoleAssignmentFactory(commune=commune, role=role, village=in_village).user
        users[role.value] = user
    users["handler"] = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_OFFICIAL).user
    users["other_chair"] = RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user
    users["anonymous"] = None
    denouncer = RoleAssignmentFactory(commune=commune, role=Role.RESIDENT, village=village).user
    req = file(
        commune, denouncer, kind="denunciation", subject="Tố cáo sai phạm đất đai",
        content=(
            "Tôi là Nguyễn Thị Hoà Bình, ở Số 17 ngõ Cây Đa, thôn Đông, điện thoại 0912.345.678. "
            "Tôi tố cáo việc cấp đất sai cho hộ ông X."
        ),
        village_id=village.pk, **DENOUNCER,
    )  # fmt: skip
    services.request_assign(actor=users["commune_chair"], request=req, handler=users["handler"])
    services.request_remind_due(today=D(2026, 9, 14))  # a reminder to the handler
    req.refresh_from_db()
    return Case(commune, req, users)


def _surfaces(case: Case) -> dict[str, str]:
    code, pk, track = case.commune.code, case.request.pk, case.request.tracking_code
    return {
        "queue": reverse("petitions:bo_queue", args=[code]),
        "queue_search": reverse("petitions:bo_queue", args=[code]) + "?q=Hoa+Binh",
        "detail": reverse("petitions:bo_detail", args=[pk]),
        "export": reverse("petitions:bo_export", args=[code]),
        "track": reverse("petitions:track", args=[track]),
        "on_time": reverse("petitions:on_time", args=[code]),
        "audit": reverse("web:audit", args=[code]),
        "api_list": f"/api/v1/communes/{code}/petition-requests",
        "api_get": f"/api/v1/petition-requests/{pk}",
        "api_track": f"/api/v1/petition-requests/track/{track}",
        "api_figures": f"/api/v1/communes/{code}/petition-figures?start=2026-01-01&end=2026-12-31",
    }


WHO = [r.value for r in Role] + ["handler", "other_chair", "anonymous"]


@pytest.mark.parametrize("who", WHO)
def test_no_page_export_or_endpoint_reveals_the_denouncer(case, client, who):
    user = case.users[who]
    if user is not None:
        client.force_login(user)
    seen = 0
    for name, url in _surfaces(case).items():
        response = client.get(url)
        body = response.content.decode("utf-8", errors="replace")
        if name == "queue_search":
            # The search box echoes the query; the search must not find the request by name.
            assert case.request.tracking_code not in body
            body = body.replace('value="Hoa Binh"', "")
        assert not _leaks(body), f"{who} sees the denouncer on {name}"
        seen += response.status_code == 200
    assert seen >= 2  # at least the public pages answered: the loop really read bodies


@pytest.mark.parametrize("who", WHO)
def test_only_the_handler_and_the_chair_open_the_identity_page(case, client, who):
    user = case.users[who]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("petitions:bo_identity", args=[case.request.pk]))
    body = response.content.decode()
    if who in {"handler", "commune_chair"}:
        assert response.status_code == 200
        assert DENOUNCER["full_name"] in body
        assert DENOUNCER["phone"] in body
        assert response["Cache-Control"] == "no-store"
        views = AuditEntry.objects.filter(action="petition_request.identity.view")
        assert list(views.values_list("actor_id", flat=True)) == [user.pk]
    else:
        assert response.status_code in (302, 403, 404)
        assert not _leaks(body)
        assert not AuditEntry.objects.filter(action="petition_request.identity.view").exists()


def test_a_replaced_handler_loses_access(case):
    new_handler = RoleAssignmentFactory(commune=case.commune, role=Role.COMMUNE_OFFICIAL).user
    old = case.users["handler"]
    assert identity.may_see_identity(old, case.request)
    services.request_assign(actor=case.users["commune_chair"], request=case.request,
                            handler=new_handler)  # fmt: skip
    case.request.refresh_from_db()
    assert not identity.may_see_identity(old, case.request)
    assert identity.may_see_identity(new_handler, case.request)


def test_other_officials_see_the_contact_of_feedback_but_not_of_a_denouncer(case):
    official = case.users["commune_official"]
    assert not identity.may_see_identity(official, case.request)
    feedback = file(case.commune)
    assert identity.may_see_identity(official, feedback)
    assert not identity.may_see_identity(case.users["inspection_board"], feedback)


def test_the_trail_and_the_outbox_carry_no_identity(case, client):
    client.force_login(case.users["handler"])
    client.get(reverse("petitions:bo_identity", args=[case.request.pk]))
    for entry in AuditEntry.objects.all():
        assert not _leaks(f"{entry.actor_label} {entry.before} {entry.after}"), entry.action
    assert Notification.objects.exists()
    for notice in Notification.objects.all():
        assert not _leaks(f"{notice.title} {notice.body}")
    for message in OutboundMessage.objects.all():
        assert not _leaks(f"{message.subject} {message.body}")


def test_the_stored_content_is_stripped_and_the_original_kept_encrypted(case):
    assert not _leaks(case.request.content)
    assert "tố cáo việc cấp đất sai" in case.request.content
    row = case.request.identity
    assert DENOUNCER["full_name"] in row.original_content


@pytest.fixture
def with_file(case, settings, tmp_path):
    """The denouncer's letter (a scan that may show their handwriting), and the stripped copy
    the handler adds for verifiers."""
    from danchu.disclosure.tests.factories import pdf_file
    from danchu.petitions.models import RequestAttachment

    settings.MEDIA_ROOT = tmp_path / "media"
    stored = services._check_files([pdf_file("don-to-cao-Nguyen-Thi-Hoa-Binh.pdf")])
    services._attach(case.request, stored, from_requester=True, secrets=[DENOUNCER["full_name"]])
    services.attachment_add(
        actor=case.users["handler"], request=case.request, uploaded_file=pdf_file("ban-sao.pdf")
    )
    return RequestAttachment.objects.order_by("pk")


@pytest.mark.parametrize(
    "who", ["handler", "commune_chair", "commune_official", "inspection_board"]
)
def test_the_denouncers_own_file_opens_only_for_the_handler_and_the_chair(
    case, client, with_file, who
):
    letter, copy = with_file
    assert "Hoa-Binh" not in letter.name
    assert letter.name == "don-to-cao-[…].pdf"
    client.force_login(case.users[who])
    detail = client.get(reverse("petitions:bo_detail", args=[case.request.pk])).content.decode()
    letter_url = reverse("petitions:bo_attachment", args=[letter.pk])
    response = client.get(letter_url)
    assert client.get(reverse("petitions:bo_attachment", args=[copy.pk])).status_code == 200
    logged = AuditEntry.objects.filter(action="petition_request.identity.file")
    if who in {"handler", "commune_chair"}:
        assert response.status_code == 200
        assert letter_url in detail
        assert logged.count() == 1
    else:
        assert response.status_code == 403
        assert letter_url not in detail
        assert not logged.exists()


def test_an_official_cannot_make_themselves_the_handler_of_a_denunciation(case):
    from danchu.core.errors import PermissionDenied

    official = case.users["commune_official"]
    with pytest.raises(PermissionDenied):
        services.request_assign(actor=official, request=case.request, handler=official)
    case.request.refresh_from_db()
    assert case.request.handler == case.users["handler"]
    assert not identity.may_see_identity(official, case.request)


def test_reclassifying_a_denunciation_keeps_the_denouncer_protected(case):
    official = case.users["commune_official"]
    req = services.request_classify(actor=official, request=case.request, kind="feedback")
    assert req.identity_protected
    assert not identity.may_see_identity(official, req)
    assert identity.may_see_identity(case.users["handler"], req)
