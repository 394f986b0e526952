"""Reads of citizen initiatives for lists (pages and API): each initiative with its progress
against Law 10/2022 Art. 16(3)'s 10 % of all households, in one query for the whole page.

The counting is :func:`danchu.decisions.initiatives.initiative_progress`'s, done by the
database for many initiatives at once: a consent counts from the day it was given to its
``valid_until`` inclusive (3 months, Art. 16(3)), and only while its household still lives in
the initiative's village; the denominator is the village's households now.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from danchu.decisions import rules
from danchu.decisions.initiatives import InitiativeProgress
from danchu.decisions.models import Initiative
from danchu.territory.models import Household

__all__ = ["progress_of", "today", "with_progress"]


def today() -> date:
    """The commune's today (Asia/Ho_Chi_Minh); one seam for the tests."""
    return timezone.localdate()


def with_progress(queryset: QuerySet[Initiative], on: date) -> QuerySet[Initiative]:
    """``queryset`` annotated with ``valid_consents``, ``earliest_expiry`` and
    ``village_households`` on ``on``."""
    valid = Q(
        consents__given_on__lte=on,
        consents__valid_until__gte=on,
        consents__household__village_id=F("village_id"),
    )
    households = (
        Household.objects.filter(village_id=OuterRef("village_id"))
        .order_by()
        .values("village_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(
        valid_consents=Count("consents", filter=valid),
        earliest_expiry=Min("consents__valid_until", filter=valid),
        village_households=Coalesce(Subquery(households, output_field=IntegerField()), 0),
    )


def progress_of(initiative: Any, on: date) -> InitiativeProgress:
    """The progress of an initiative annotated by :func:`with_progress` (no query)."""
    total = int(initiative.village_households)
    valid = int(initiative.valid_consents)
    return InitiativeProgress(
        on=on,
        total_households=total,
        valid_consents=valid,
        # Art. 16(3): at least 10 % — the smallest n with n × 10 ≥ total; at least one.
        needed=max(1, -(-total // 10)),
        reached=rules.consent_reaches_community(valid, total),
        earliest_expiry=initiative.earliest_expiry,
    )
