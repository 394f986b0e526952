"""Helpers for consultation tests: people, and consultations at each stage."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.consultation import services
from danchu.consultation.models import Consultation
from danchu.consultation.rules import Form
from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory

DRAFT = """Dự thảo quy chế thu gom rác thải
Điều 1. Phạm vi
Quy chế áp dụng cho toàn xã.
Điều 2. Giờ thu gom
Rác được thu gom vào 6 giờ sáng thứ Hai và thứ Năm.
Điều 3. Mức phí
Mỗi hộ đóng 20.000 đồng mỗi tháng."""


def resident_user(village: Any) -> Any:
    """A resident of ``village`` with an account and the resident role."""
    resident = ResidentFactory(household=HouseholdFactory(village=village))
    user = UserFactory(resident=resident)
    RoleAssignmentFactory(user=user, role=Role.RESIDENT, commune=village.commune, village=village)
    return user


def data(**overrides: Any) -> services.ConsultationData:
    values: dict[str, Any] = {
        "category": 5,
        "title": "Quy chế thu gom rác thải",
        "plan_document": "Kế hoạch số 5/KH-UBND",
        "plan_issued_on": timezone.localdate() - datetime.timedelta(days=2),
        "period_days": 20,
        "draft_text": DRAFT,
        "forms": [Form.WEB, Form.MEETING],
    }
    values.update(overrides)
    return services.ConsultationData(**values)


def open_consultation(official: Any, commune: Any, **overrides: Any) -> Consultation:
    consultation = services.consultation_create(
        actor=official, commune=commune, data=data(**overrides)
    )
    return services.consultation_publish(actor=official, consultation=consultation)


def past_deadline(consultation: Consultation) -> Consultation:
    """Move the last day for opinions to yesterday (the period has run)."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Consultation.objects.filter(pk=consultation.pk).update(closes_on=yesterday)
    consultation.refresh_from_db()
    return consultation


def closed_consultation(official: Any, commune: Any, **overrides: Any) -> Consultation:
    consultation = past_deadline(open_consultation(official, commune, **overrides))
    return services.consultation_close(actor=official, consultation=consultation)
