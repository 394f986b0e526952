"""The mediation API answers counts only: no party, detail or mediator of a case."""

from __future__ import annotations

import datetime

import pytest

from danchu.petitions import mediation
from danchu.petitions.models import MediationCase
from danchu.petitions.tests.community_factories import team

pytestmark = pytest.mark.django_db


def test_mediation_figures_carry_no_personal_data(client, commune, village, official):
    mediation_team = team(official, village)
    mediation.case_record(
        actor=official, team=mediation_team, received_on=datetime.date(2026, 3, 2),
        subject=MediationCase.Subject.FAMILY, parties="Bà Đỗ Thị Bảo Mật",
        details="Chuyện riêng của gia đình",
    )  # fmt: skip
    response = client.get(f"/api/v1/communes/{commune.code}/mediation-figures", {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert (body["teams"], body["received"], body["success_rate"]) == (1, 1, None)
    text = response.content.decode()
    assert "Bảo Mật" not in text
    assert "Hòa giải viên" not in text
    assert "riêng" not in text
