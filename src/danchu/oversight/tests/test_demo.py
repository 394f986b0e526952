"""The demo: a supervised work with its board, findings, answered and overdue recommendations."""

from __future__ import annotations

import pytest
from django.utils import timezone

from danchu.oversight import demo, selectors
from danchu.oversight.models import (
    Inspection,
    InspectionBoard,
    Recommendation,
    SupervisedWork,
)
from danchu.territory.demo import DEMO_COMMUNE_CODE, demo_load
from danchu.territory.models import Village
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory


@pytest.fixture
def can_loc(db):
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)
    demo_load(seed=2025, households=150)
    return commune


def test_demo_boards_work_and_recommendations(can_loc):
    result = demo.demo_load(can_loc)
    assert (result.works, result.recommendations) == (1, 3)
    board = InspectionBoard.objects.get(commune=can_loc)
    assert board.recognised_on is not None
    villages = Village.objects.filter(commune=can_loc, is_active=True).count()
    assert board.members.filter(left_on__isnull=True).count() == villages
    work = SupervisedWork.objects.get(commune=can_loc)
    assert work.supervision_board.members.count() == 5
    assert sum(work.sources.values_list("amount_vnd", flat=True)) == work.budget_vnd
    assert Inspection.objects.filter(commune=can_loc, status="done").count() == 3
    today = timezone.localdate()
    rows = Recommendation.objects.filter(commune=can_loc)
    assert rows.filter(status="closed").count() == 1
    overdue = rows.get(answered_on__isnull=True)
    assert overdue.due_on < today
    assert overdue.escalated_on == today
    figures = selectors.oversight_figures(can_loc, today.replace(year=today.year - 1), today)
    assert figures.total.recommendations == 3
    assert figures.total.answered_on_time == 1
    assert figures.total.overdue == 2  # one answered late, one unanswered


def test_demo_is_idempotent_and_resets(can_loc):
    demo.demo_load(can_loc)
    again = demo.demo_load(can_loc)
    assert again.already_loaded
    assert SupervisedWork.objects.filter(commune=can_loc).count() == 1
    assert demo.demo_reset(can_loc) == 1
    assert not Recommendation.objects.filter(commune=can_loc).exists()
    assert not InspectionBoard.objects.filter(commune=can_loc).exists()


def test_the_demo_hook_reports_what_it_loaded(can_loc):
    from io import StringIO

    from django.apps import apps

    out = StringIO()
    config = apps.get_app_config("oversight")
    config.load_demo(can_loc, seed=2025, stdout=out)
    assert "1" in out.getvalue()
    config.reset_demo(can_loc)
    assert not SupervisedWork.objects.filter(commune=can_loc).exists()
