"""Mediation back office: teams, logbook, a case's steps; confidentiality across roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from danchu.accounts.models import Role
from danchu.petitions.models import MediationCase, MediationTeam
from danchu.petitions.tests.community_factories import person
from danchu.territory.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db

MEMBERS = "Nguyễn Thị Hoa; nữ; tổ trưởng\nTrần Văn Nam; nam\nLê Văn Bình; nam"


def test_team_case_and_steps(client, commune, village, official):
    client.force_login(official)
    url = reverse("petitions:community:bo_mediation", args=[commune.code])
    assert client.get(url).status_code == 200
    two = client.post(url, {"team_new": "1", "village": village.pk, "name": "Tổ 1",
                            "members": "A; nữ; tổ trưởng\nB; nam"})  # fmt: skip
    assert two.status_code == 400
    assert not MediationTeam.objects.exists()
    ok = client.post(url, {"team_new": "1", "village": village.pk, "name": "Tổ 1",
                           "members": MEMBERS})  # fmt: skip
    assert ok.status_code == 302
    team = MediationTeam.objects.get()
    response = client.post(url, {
        "case_new": "1", "team": team.pk, "received_on": "2026-03-02", "subject": "land",
        "parties": "Ông X và bà Y", "details": "Ranh giới",
    })  # fmt: skip
    assert response.status_code == 302
    case = MediationCase.objects.get()
    detail = reverse("petitions:community:bo_case", args=[case.pk])
    leader = team.members.get(is_leader=True)
    assert client.post(detail, {"assign": "1", "mediators": [leader.pk],
                                "assigned_on": "2026-03-02"}).status_code == 302  # fmt: skip
    assert client.post(detail, {"session": "1", "held_on": "2026-03-04",
                                "notes": "Hai bên trình bày"}).status_code == 302  # fmt: skip
    refused = client.post(detail, {"close": "1", "outcome": "success", "closed_on": "2026-03-05"})
    assert refused.status_code == 400  # no written agreement
    assert client.post(detail, {"close": "1", "outcome": "success", "closed_on": "2026-03-05",
                                "agreement": "Thống nhất mốc giới"}).status_code == 302  # fmt: skip
    case.refresh_from_db()
    assert case.status == MediationCase.Status.SUCCESS


def test_case_page_confidential(client, commune, official):
    from danchu.petitions.tests.community_factories import team as make_team

    v1, v2 = VillageFactory(commune=commune), VillageFactory(commune=commune)
    import datetime

    from danchu.petitions import mediation

    case = mediation.case_record(
        actor=official, team=make_team(official, v1), received_on=datetime.date(2026, 3, 2),
        subject="family", parties="Bà Bí Mật", details="Chuyện nhà",
    )  # fmt: skip
    detail = reverse("petitions:community:bo_case", args=[case.pk])
    client.force_login(person(commune, Role.MEDIATOR, v1))
    assert "Bí Mật" in client.get(detail).content.decode()
    expected = {
        (Role.MEDIATOR, v2): 403, (Role.VILLAGE_HEAD, v1): 403, (Role.FRONT_OFFICER, None): 403,
        (Role.INSPECTION_BOARD, None): 403, (Role.RESIDENT, v1): 403,
    }  # fmt: skip
    for (role, village), status in expected.items():
        client.force_login(person(commune, role, village))
        response = client.get(detail)
        assert response.status_code == status, role
        assert "Bí Mật" not in response.content.decode()
    listing = reverse("petitions:community:bo_mediation", args=[commune.code])
    client.force_login(person(commune, Role.MEDIATOR, v2))
    assert "Bí Mật" not in client.get(listing).content.decode()
    assert client.get(listing).status_code == 200


def test_logbook_query_count_is_constant(client, commune, official):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from danchu.petitions import mediation
    from danchu.petitions.tests.community_factories import team as make_team

    client.force_login(official)
    url = reverse("petitions:community:bo_mediation", args=[commune.code])

    def add():
        mediation.case_record(
            actor=official, team=make_team(official, VillageFactory(commune=commune)),
            received_on=datetime.date(2026, 3, 2), subject="land", parties="A", details="B",
        )  # fmt: skip

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add()
    count()
    small = count()
    for _ in range(4):
        add()
    assert count() == small
