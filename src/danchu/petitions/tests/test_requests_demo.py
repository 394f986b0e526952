"""The demo year of requests: realistic mix, some overdue, figures, idempotent, resettable."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from danchu.petitions import requests_demo, selectors
from danchu.petitions.models import CitizenRequest, RequestStatus
from danchu.territory.demo import DEMO_COMMUNE_CODE, demo_load
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory


@pytest.fixture
def can_loc(db):
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)
    demo_load(seed=2025, households=12)
    return commune


def test_a_year_of_requests_with_some_overdue(can_loc):
    loaded = requests_demo.demo_load(can_loc, seed=2025)
    assert loaded == requests_demo.REQUESTS_A_YEAR
    rows = CitizenRequest.objects.filter(commune=can_loc)
    kinds = Counter(rows.values_list("kind", flat=True))
    assert set(kinds) == {"feedback", "complaint", "denunciation", "information", "dispute"}
    statuses = Counter(rows.values_list("status", flat=True))
    assert statuses[RequestStatus.CLOSED] > 20
    assert statuses[RequestStatus.ANSWERED] > 10
    today = timezone.localdate()
    overdue = selectors.request_list(actor=None, commune=can_loc, queue="overdue")
    assert not overdue.exists()  # nobody signed in sees nothing
    from django.contrib.auth import get_user_model

    chair = get_user_model().objects.get(username="chutich.canloc")
    assert selectors.request_list(actor=chair, commune=can_loc, queue="overdue").exists()
    assert all(r.received_on <= today for r in rows)
    figures = selectors.request_figures(can_loc, today.replace(year=today.year - 1), today)
    feedback = next(f for f in figures if f.kind == "feedback")
    assert 0 < feedback.resolved_on_time < feedback.resolved
    assert feedback.satisfaction is not None


def test_the_demo_is_idempotent_and_resettable(can_loc):
    requests_demo.demo_load(can_loc, seed=7)
    assert requests_demo.demo_load(can_loc, seed=7) == 0
    assert requests_demo.demo_reset(can_loc) > 0
    assert not CitizenRequest.objects.filter(commune=can_loc).exists()


def test_the_app_demo_loads_the_year_of_requests_besides_the_reception_visits(can_loc):
    # A reception visit accepted for handling files a request: loaded first, those would make
    # the requests demo think the commune already had its year.
    from io import StringIO

    from danchu.petitions import demo

    demo.demo_load(can_loc, seed=2025, stdout=StringIO())
    rows = CitizenRequest.objects.filter(commune=can_loc)
    from_reception = rows.filter(channel="reception", reception_record__isnull=False).count()
    assert from_reception > 0
    assert rows.count() >= requests_demo.REQUESTS_A_YEAR + from_reception
