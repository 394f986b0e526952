"""The demo commune's consultations: one answered with its synthesis, one open."""

from __future__ import annotations

import pytest

from danchu.consultation.demo import demo_load as consultation_demo
from danchu.consultation.demo import demo_reset as consultation_demo_reset
from danchu.consultation.models import Consultation
from danchu.territory.demo import DEMO_COMMUNE_CODE, demo_load
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_commune(db):
    # A small demo commune, as the register's demo test makes it.
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)
    demo_load(seed=2025, households=12)
    from danchu.disclosure.demo import demo_load as disclosure_demo

    disclosure_demo(commune, seed=2025)  # the register exists before the consultations
    consultation_demo(commune, seed=2025)
    return commune


def test_demo_has_an_answered_and_an_open_consultation(demo_commune):
    statuses = sorted(Consultation.objects.values_list("status", flat=True))
    assert statuses == ["answered", "open"]
    answered = Consultation.objects.get(status="answered")
    assert answered.synthesis_published_at is not None
    assert answered.decision_issued_on is not None
    assert not answered.opinions.filter(group__isnull=True).exists()
    assert answered.disclosure.public_version.number == 2


def test_demo_is_idempotent_and_resets(demo_commune):
    again = consultation_demo(demo_commune, seed=2025)
    assert again.already_loaded
    assert Consultation.objects.filter(commune=demo_commune).count() == 2
    consultation_demo_reset(demo_commune)
    assert not Consultation.objects.filter(commune=demo_commune).exists()
