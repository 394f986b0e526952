"""Public pages (no sign-in, no sender's data, constant queries), the concern form, and the
back office: the commune answers, the board closes, findings and photos."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.decisions.models import Matter, MatterVillage
from danchu.oversight import services
from danchu.oversight.models import (
    Concern,
    InspectionBoard,
    InspectionPhoto,
    Recommendation,
    SupervisedWork,
)
from danchu.oversight.tests import factories as f

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def who(commune):
    return f.people(commune)


@pytest.fixture
def work(commune, who):
    return f.supervised(commune, who)


def _recommend(commune, who, work, **extra):
    return services.recommendation_make(
        actor=who.supervisor, commune=commune, board_kind="supervision", work=work,
        content="Đề nghị bổ sung biển công khai", votes_for=3,
        received_on=datetime.date(2026, 9, 7), **extra,
    )  # fmt: skip


def test_public_pages_show_progress_findings_and_answers(client, commune, who, work):
    made = _recommend(commune, who, work)
    services.recommendation_answer(
        actor=who.chair, recommendation=made, answer="Đã yêu cầu nhà thầu bổ sung biển",
        answered_on=datetime.date(2026, 9, 10),
    )  # fmt: skip
    listing = client.get(reverse("oversight:public_list", args=[commune.code]))
    assert listing.status_code == 200
    assert work.name in listing.content.decode()
    detail = client.get(reverse("oversight:public_detail", args=[commune.code, work.pk]))
    page = detail.content.decode()
    assert "Đã yêu cầu nhà thầu bổ sung biển" in page
    assert "1.500.000.000" in page
    answers = client.get(reverse("oversight:recommendations", args=[commune.code]))
    assert "Đề nghị bổ sung biển công khai" in answers.content.decode()


def test_another_communes_work_is_404(client, commune, other_commune, who, work):
    assert (
        client.get(
            reverse("oversight:public_detail", args=[other_commune.code, work.pk])
        ).status_code
        == 404
    )


def test_public_list_queries_do_not_grow(client, commune, who, work):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("oversight:public_list", args=[commune.code])).status_code == 200
            )
            assert (
                client.get(reverse("oversight:recommendations", args=[commune.code])).status_code
                == 200
            )
        return len(queries)

    _recommend(commune, who, work)
    small = count()
    for _ in range(4):
        f.work(commune, who.official, f.villages(commune, 2))
        _recommend(commune, who, work)
    assert count() == small


def test_a_resident_sends_a_concern_without_signing_in(client, commune, work):
    url = reverse("oversight:concern", args=[commune.code])
    assert client.get(url).status_code == 200
    sent = client.post(
        url,
        {"board_kind": "supervision", "work": work.pk, "message": "Bê tông mỏng",
         "wants_verification": "on", "sender_name": "Nguyễn Văn Bình",
         "sender_contact": "0912345678"},
    )  # fmt: skip
    assert sent.status_code == 302
    concern = Concern.objects.get()
    assert concern.wants_verification
    # The sender appears on no public page.
    for name in ("public_list", "recommendations"):
        page = client.get(reverse(f"oversight:{name}", args=[commune.code])).content.decode()
        assert "Nguyễn Văn Bình" not in page
        assert "0912345678" not in page
    detail = client.get(reverse("oversight:public_detail", args=[commune.code, work.pk]))
    assert "0912345678" not in detail.content.decode()


def test_a_concern_asking_verification_without_contact_is_a_field_error(client, commune):
    response = client.post(
        reverse("oversight:concern", args=[commune.code]),
        {"board_kind": "inspection", "message": "m", "wants_verification": "on"},
    )
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_backoffice_answer_and_close(client, commune, who, work):
    made = _recommend(commune, who, work)
    client.force_login(who.chair)
    overview = client.get(reverse("oversight:bo_overview", args=[commune.code]))
    assert overview.status_code == 200
    assert reverse("oversight:bo_answer", args=[made.pk]) in overview.content.decode()
    answered = client.post(
        reverse("oversight:bo_answer", args=[made.pk]),
        {"answer": "Đã xử lý", "answered_on": "2026-09-10"},
    )
    assert answered.status_code == 302
    assert (
        client.post(
            reverse("oversight:bo_close", args=[made.pk]),
            {"follow_up": "x", "closed_on": "2026-09-11"},
        ).status_code
        == 403
    )
    client.force_login(who.supervisor)
    closed = client.post(
        reverse("oversight:bo_close", args=[made.pk]),
        {"follow_up": "Đã kiểm tra lại", "closed_on": "2026-09-11"},
    )
    assert closed.status_code == 302
    assert Recommendation.objects.get().status == "closed"


def test_backoffice_refusal_is_a_400_with_the_reason(client, commune, who, work):
    made = _recommend(commune, who, work)
    client.force_login(who.chair)
    response = client.post(
        reverse("oversight:bo_answer", args=[made.pk]),
        {"answer": "x", "answered_on": "2026-09-01"},
    )
    assert response.status_code == 400


def test_backoffice_records_findings_and_a_photo(client, commune, who, work, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = services.inspection_plan(
        actor=who.supervisor, commune=commune, board_kind="supervision", work=work,
        subject="Giám sát hiện trường", inspected_party="Nhà thầu", notified_on=f.MONDAY,
        starts_on=datetime.date(2026, 11, 9),
    )  # fmt: skip
    client.force_login(who.supervisor)
    url = reverse("oversight:bo_inspection", args=[inspection.pk])
    recorded = client.post(
        url,
        {"carried_out_on": "2026-11-09", "findings": "Đạt",
         "checklist": "+ Biển công khai\n- Độ dày bê tông"},
    )  # fmt: skip
    assert recorded.status_code == 302
    inspection.refresh_from_db()
    assert inspection.checklist == [
        {"item": "Biển công khai", "ok": True, "note": ""},
        {"item": "Độ dày bê tông", "ok": False, "note": ""},
    ]
    photo = SimpleUploadedFile("hien-truong.png", PNG, content_type="image/png")
    assert client.post(url, {"form": "photo", "photo": photo, "caption": "c"}).status_code == 302
    assert InspectionPhoto.objects.filter(inspection=inspection).count() == 1
    stored = InspectionPhoto.objects.get(inspection=inspection)
    served = client.get(reverse("oversight:bo_photo", args=[stored.pk]))
    assert served.status_code == 200
    assert served.content == PNG
    fake = SimpleUploadedFile("x.png", b"MZ not an image", content_type="image/png")
    assert client.post(url, {"form": "photo", "photo": fake}).status_code == 400
    # An official reads the visit but cannot record it.
    client.force_login(who.official)
    assert client.get(url).status_code == 200
    assert client.post(url, {"carried_out_on": "2026-11-09", "findings": "x"}).status_code == 403
    client.logout()
    assert client.get(reverse("oversight:bo_photo", args=[stored.pk])).status_code == 302


def test_board_plans_and_recommends_from_the_back_office(client, commune, who, work):
    client.force_login(who.supervisor)
    url = reverse("oversight:bo_overview", args=[commune.code])
    plan = {
        "form": "plan", "board_kind": "supervision", "work": work.pk, "subject": "Hiện trường",
        "inspected_party": "Nhà thầu", "notified_on": "2026-11-02", "starts_on": "2026-11-06",
    }  # fmt: skip
    assert client.post(url, plan).status_code == 400  # four working days only
    assert client.post(url, {**plan, "starts_on": "2026-11-09"}).status_code == 302
    recommend = {
        "form": "recommendation", "board_kind": "supervision", "work": work.pk,
        "content": "Đề nghị", "received_on": "2026-11-10",
    }  # fmt: skip
    # A supervision board of five: two votes are not a majority, three are.
    assert client.post(url, {**recommend, "votes_for": 2}).status_code == 400
    assert client.post(url, {**recommend, "votes_for": 3}).status_code == 302
    assert Recommendation.objects.get().members_total == 5
    client.force_login(who.official)
    assert client.post(url, {**plan, "starts_on": "2026-11-09"}).status_code == 403


def test_backoffice_overview_queries_do_not_grow(client, commune, who, work):
    client.force_login(who.supervisor)
    url = reverse("oversight:bo_overview", args=[commune.code])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _recommend(commune, who, work)
    small = count()
    for _ in range(5):
        _recommend(commune, who, work)
        services.concern_submit(commune=commune, board_kind="inspection", message="m")
    assert count() == small


def test_one_address_sends_at_most_five_concerns_an_hour(client, commune):
    url = reverse("oversight:concern", args=[commune.code])
    body = {"board_kind": "inspection", "message": "Đèn đường hỏng"}
    for _ in range(services.CONCERNS_PER_HOUR):
        assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 429
    assert Concern.objects.count() == services.CONCERNS_PER_HOUR
    # Another address is not affected.
    assert client.post(url, body, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_backoffice_enters_a_work_and_the_front_composes_its_board(client, commune, who):
    affected = f.villages(commune, 1)[0]
    client.force_login(who.official)
    url = reverse("oversight:bo_works", args=[commune.code])
    body = {
        "name": "Nhà văn hóa thôn", "investor": "UBND xã", "budget_vnd": "900000000",
        "starts_on": "2026-12-01", "ends_on": "2027-06-01", "villages": [affected.pk],
        "source_commune_budget": "600000000", "source_community_contributions": "299999999",
    }  # fmt: skip
    refused = client.post(url, body)
    assert refused.status_code == 400  # the sources fall one đồng short
    created = client.post(url, {**body, "source_community_contributions": "300000000"})
    assert created.status_code == 302
    work = SupervisedWork.objects.get()
    work_url = reverse("oversight:bo_work", args=[work.pk])
    assert client.post(work_url, {"form": "progress", "progress_percent": "20"}).status_code == 302
    # Composing the board is the Front's.
    member = {"form": "member", "full_name": "A", "represents": "front", "position": "head",
              "no_relatives_declared_on": "2026-10-01"}  # fmt: skip
    assert client.post(work_url, member).status_code == 403
    client.force_login(who.front)
    assert client.get(work_url).status_code == 200
    assert client.post(work_url, {**member, "no_relatives_declared_on": ""}).status_code == 400
    assert client.post(work_url, member).status_code == 302
    plan = {"form": "plan", "sent_on": "2026-10-01", "supervision_starts_on": "2026-12-01"}
    assert client.post(work_url, plan).status_code == 400  # one member is not a board
    assert client.post(work_url, {"form": "nonsense"}).status_code == 400


def test_the_front_records_elections_and_recognises_the_board(client, commune, who):
    seats = f.villages(commune, 5)
    residents = [f.resident_of(v) for v in seats]
    url = reverse("oversight:bo_board", args=[commune.code])
    client.force_login(who.official)
    assert client.get(url).status_code == 200  # officials read
    assert client.post(url, {"form": "term"}).status_code == 403
    client.force_login(who.front)
    today = timezone.localdate()
    term = {"form": "term", "term_starts_on": (today - datetime.timedelta(days=30)).isoformat(),
            "term_ends_on": (today + datetime.timedelta(days=1800)).isoformat()}  # fmt: skip
    assert client.post(url, term).status_code == 302
    elected_on = (today - datetime.timedelta(days=20)).isoformat()
    # Electing without choosing a village first is refused, not a crash.
    assert client.post(url, {"form": "elect", "elected_on": elected_on}).status_code == 400
    vote = Matter.objects.create(commune=commune, matter_type=5, title="Bầu", question="q")
    MatterVillage.objects.create(
        commune=commune, matter=vote, village=seats[0], form="meeting", total_households=1
    )
    for village, resident in zip(seats, residents, strict=True):
        cited = {"election_matter": vote.pk} if village == seats[0] else {}
        response = client.post(
            f"{url}?village={village.pk}",
            {"form": "elect", "resident": resident.pk, "elected_on": elected_on, **cited},
        )
        assert response.status_code == 302
    # The vote of the first village is not one of the second's.
    assert (
        client.post(
            f"{url}?village={seats[1].pk}",
            {"form": "elect", "resident": f.resident_of(seats[1]).pk, "elected_on": elected_on,
             "election_matter": vote.pk},
        ).status_code
        == 400
    )  # fmt: skip
    recognise = {"form": "recognise", "recognised_on": elected_on, "reference": "QĐ 3"}
    assert client.post(url, recognise).status_code == 400  # no head yet
    board = InspectionBoard.objects.get()
    members = list(board.members.order_by("id"))
    assert members[0].election_matter == vote
    assert (
        client.post(
            url, {"form": "position", "member": members[0].pk, "position": "head"}
        ).status_code
        == 302
    )  # noqa: E501
    assert client.post(url, recognise).status_code == 302
    board.refresh_from_db()
    assert board.recognised_on is not None
