"""The demo's year of reception days, dialogues and mediation (loaded by ``danchu demo``)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone

from danchu.petitions import dialogues, mediation, reception
from danchu.petitions.community_demo import community_demo_load, community_demo_reset
from danchu.petitions.models import MediationCase, ReceptionDay
from danchu.territory.demo import DEMO_COMMUNE_CODE, demo_load
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory


@pytest.fixture
def can_loc(db):
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)
    demo_load(seed=2025, households=60)
    from django.apps import apps

    # What ``danchu demo`` does after the territory: each app's hook (ours through demo.py).
    apps.get_app_config("petitions").load_demo(commune, seed=2025, stdout=StringIO())
    return commune


def test_demo_year(can_loc):
    today = timezone.localdate()
    year_ago = today - timedelta(days=364)
    figures = reception.reception_figures(can_loc, year_ago, today)
    assert figures.days_held >= 40
    assert 1 <= len(figures.weeks_missing) <= 4  # three skipped weeks, maybe the current one
    assert figures.visitors > 0
    assert ReceptionDay.objects.filter(commune=can_loc, date__gt=today).count() >= 7
    talks = dialogues.dialogue_figures(can_loc, year_ago, today)
    assert talks.dialogues_held == 1
    assert (talks.commitments, talks.fulfilled, talks.overdue) == (3, 1, 1)
    cases = mediation.mediation_figures(can_loc, year_ago, today)
    assert cases.teams == 10
    assert cases.teams_not_qualifying == 0
    assert cases.success == 7
    assert cases.start_overdue_now == 1
    assert MediationCase.objects.filter(commune=can_loc, status="in_progress").count() == 1


def test_demo_twice_and_reset(can_loc):
    before = ReceptionDay.objects.filter(commune=can_loc).count()
    out = StringIO()
    community_demo_load(can_loc, seed=1, stdout=out)
    assert ReceptionDay.objects.filter(commune=can_loc).count() == before
    community_demo_reset(can_loc)
    assert not ReceptionDay.objects.filter(commune=can_loc).exists()
    assert not MediationCase.objects.filter(commune=can_loc).exists()
    community_demo_load(can_loc, seed=1, stdout=out)
    assert ReceptionDay.objects.filter(commune=can_loc).count() == before
