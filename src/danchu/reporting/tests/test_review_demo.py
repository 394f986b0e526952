"""The demo's reviews for Xã Can Lộc: an issued review of the second half-year, an issued
five-year review that spans the 2025 merger, a draft; idempotent; reset removes them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.reporting import demo_reviews
from danchu.reporting.models import ReviewNumberCounter, ReviewReport
from danchu.reporting.review_documents import review_docx
from danchu.reporting.tests.review_fakes import fake_facts_fixture  # noqa: F401
from danchu.territory.models import AdministrativeUnit, UnitSuccession
from danchu.territory.tests.factories import CommuneFactory, VillageFactory


@pytest.mark.skipif(timezone.localdate() < date(2026, 7, 1), reason="the demo needs 2026-H1 past")
def test_demo_reviews(fake_facts, db):
    commune = CommuneFactory(code="18406", name="Xã Can Lộc")
    VillageFactory(commune=commune, name="Thôn Trung Thành")
    chair = UserFactory(username=demo_reviews.CHAIR, full_name="Phan Văn Hùng")
    RoleAssignmentFactory(user=chair, commune=commune, role=Role.COMMUNE_CHAIR)
    former = CommuneFactory(era=AdministrativeUnit.Era.FORMER, name="Thị trấn Nghèn", parent=None)
    UnitSuccession.objects.create(predecessor=former, successor=commune)
    fake_facts.add("contributions.money_received_vnd", former.pk, date(2022, 4, 1), 900_000_000)
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 3, 1), 100_000_000)
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 8, 1), 20_000_000)
    out = io.StringIO()
    demo_reviews.load(commune, seed=1, stdout=out)
    demo_reviews.load(commune, seed=1, stdout=out)  # idempotent
    reports = {r.kind + r.status: r for r in ReviewReport.objects.filter(unit=commune)}
    assert len(reports) == 3
    half = reports["half_yearissued"]
    term = reports["five_yearissued"]
    assert reports["annualdraft"].period_first == date(2026, 1, 1)
    assert half.period_first == date(2026, 7, 1)
    assert half.reference == "01/BC-UBND"
    assert term.reference == "02/BC-UBND"
    assert term.snapshot["values"]["contributions.money_received_vnd"] == 1_020_000_000
    assert half.snapshot["values"]["contributions.money_received_vnd"] == 20_000_000
    assert term.signer_name == "Phan Văn Hùng"
    assert "Thị trấn Nghèn" in term.results
    assert review_docx(term).startswith(b"PK")
    demo_reviews.reset(commune)
    assert not ReviewReport.objects.filter(unit=commune).exists()
    assert not ReviewNumberCounter.objects.filter(unit=commune).exists()
