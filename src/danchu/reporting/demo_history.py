"""Demo data for the steering reports: the history part (idempotent).

What Xã Can Lộc's three former units (Thị trấn Nghèn, Xã Thiên Lộc, Xã Vượng Lộc) reported
before danchu — yearly figures 2021–2024 and the first half of 2025 — so its five-year review
spans the merger; and what about ten other Hà Tĩnh communes reported for the second half of 2025
and the first half of 2026, so the province dashboard has something to compare with.

The orders of magnitude follow the district's own five-year review (seeds/can-loc-5-year-review-
2022.txt): from 2017 to 2021 the people of Can Lộc district contributed 301.33 billion VND,
nearly 380,000 m² of land and over 400,000 workdays — about 3 billion VND, 3,800 m² and 4,000
workdays a commune a year at the height of the new-rural-area programme, less afterwards.
Indicators missing from the catalogue are skipped. ``reset`` removes exactly these figures.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.db import transaction

from danchu.core import audit
from danchu.reporting import catalogue, rollups
from danchu.reporting.models import ReportedFigure
from danchu.territory.models import AdministrativeUnit

SOURCE_FILE = "demo: báo cáo gửi lên (Excel)"
OTHER_COMMUNES = 10

# Yearly figures of a former commune, (low, high) at "size" 1.0; a town raises more money and
# gives less land.
_YEARLY: dict[str, tuple[int, int]] = {
    "contributions.money_pledged_vnd": (1_400_000_000, 3_200_000_000),
    "contributions.land_pledged_m2": (1_500, 4_500),
    "contributions.workdays_pledged": (2_000, 4_800),
    "requests.received_recommendation": (14, 40),
    "requests.received_complaint": (2, 9),
    "requests.received_denunciation": (0, 2),
    "mediation.cases": (6, 18),
    "dialogues.held": (1, 3),
    "consultation.held": (2, 6),
    "oversight.inspections": (2, 5),
    "oversight.recommendations": (3, 10),
    "decisions.decided": (4, 12),
    "disclosure.items_due": (30, 60),
    "consultation.opinions": (20, 80),
}


def _figures(rng: random.Random, size: float, months: int, town: bool) -> dict[str, int]:
    """One unit's figures for a period of ``months`` months, internally consistent (received ≤
    pledged, resolved ≤ received, …)."""
    scale = months / 12
    out: dict[str, int] = {}
    for code, (low, high) in _YEARLY.items():
        factor = size * scale
        if town and code == "contributions.money_pledged_vnd":
            factor *= 1.4
        if town and code == "contributions.land_pledged_m2":
            factor *= 0.3
        value = rng.uniform(low, high) * factor
        out[code] = (
            int(round(value / 1_000_000) * 1_000_000) if code.endswith("_vnd") else round(value)
        )
    out["contributions.money_received_vnd"] = (
        round(out["contributions.money_pledged_vnd"] * rng.uniform(0.86, 0.98) / 1_000_000)
        * 1_000_000
    )
    out["contributions.land_received_m2"] = round(
        out["contributions.land_pledged_m2"] * rng.uniform(0.9, 1.0)
    )
    out["contributions.workdays_received"] = round(
        out["contributions.workdays_pledged"] * rng.uniform(0.85, 0.97)
    )
    out["contributions.spending_vnd"] = (
        round(out["contributions.money_received_vnd"] * rng.uniform(0.8, 0.97) / 1_000_000)
        * 1_000_000
    )
    received = (
        out["requests.received_recommendation"]
        + out["requests.received_complaint"]
        + out["requests.received_denunciation"]
    )
    out["requests.received"] = received
    out["requests.resolved"] = received - rng.randint(0, min(2, received))
    out["requests.resolved_on_time"] = out["requests.resolved"] - rng.randint(
        0, min(2, out["requests.resolved"])
    )
    out["requests.overdue"] = received - out["requests.resolved_on_time"]
    out["mediation.closed"] = out["mediation.cases"] - rng.randint(
        0, min(2, out["mediation.cases"])
    )
    out["mediation.successful"] = round(out["mediation.closed"] * rng.uniform(0.72, 0.92))
    out["mediation.failed"] = out["mediation.closed"] - out["mediation.successful"]
    out["dialogues.commitments"] = out["dialogues.held"] * rng.randint(2, 5)
    out["dialogues.commitments_fulfilled"] = round(
        out["dialogues.commitments"] * rng.uniform(0.7, 1.0)
    )
    out["oversight.recommendations_answered"] = round(
        out["oversight.recommendations"] * rng.uniform(0.85, 1.0)
    )
    out["oversight.recommendations_answered_on_time"] = round(
        out["oversight.recommendations_answered"] * rng.uniform(0.8, 1.0)
    )
    out["decisions.passed"] = out["decisions.decided"] - rng.randint(0, 1)
    out["decisions.not_passed"] = out["decisions.decided"] - out["decisions.passed"]
    out["disclosure.items_on_time"] = round(out["disclosure.items_due"] * rng.uniform(0.85, 1.0))
    out["disclosure.channel_compliant"] = round(out["disclosure.items_due"] * rng.uniform(0.9, 1.0))
    out["consultation.opinions_answered"] = round(
        out["consultation.opinions"] * rng.uniform(0.75, 1.0)
    )
    out["consultation.opinions_accepted"] = round(
        out["consultation.opinions_answered"] * rng.uniform(0.5, 0.85)
    )
    # The chair receives citizens at least one day a week (Law on citizen reception 2013 Art.
    # 15(2)): the weeks owed, the weeks met and the days held.
    out["reception.days_required"] = round(52 * scale)
    out["reception.weeks_met"] = out["reception.days_required"] - rng.randint(0, 3)
    out["reception.days_held"] = out["reception.weeks_met"] + rng.randint(0, 4)
    return out


def _periods_before_merger() -> list[tuple[date, date, int]]:
    years = [(date(y, 1, 1), date(y, 12, 31), 12) for y in range(2021, 2025)]
    return [*years, (date(2025, 1, 1), date(2025, 6, 30), 6)]


_AFTER_MERGER = [
    (date(2025, 7, 1), date(2025, 12, 31), 6),
    (date(2026, 1, 1), date(2026, 6, 30), 6),
]


def _former_units(commune: AdministrativeUnit) -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.filter(
            successions__successor=commune, level=AdministrativeUnit.Level.COMMUNE
        ).order_by("code")
    )


def _other_communes(commune: AdministrativeUnit) -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.filter(
            parent_id=commune.parent_id, level=AdministrativeUnit.Level.COMMUNE
        )
        .exclude(pk=commune.pk)
        .order_by("code")[:OTHER_COMMUNES]
    )


@transaction.atomic
def load(commune: Any, *, seed: int, stdout: Any) -> None:
    """Load this part's demo data for commune (does nothing when already loaded)."""
    if ReportedFigure.objects.filter(source_file=SOURCE_FILE).exists():
        return
    stored = set(catalogue.stored_codes())
    rng = random.Random(seed + 8)  # noqa: S311 - demo data, reproducible from the seed
    plan: list[tuple[AdministrativeUnit, date, date, dict[str, int]]] = []
    for unit in _former_units(commune):
        town = unit.unit_type.lower().startswith("thị trấn") or unit.name.startswith("Thị trấn")
        size = rng.uniform(0.8, 1.2)
        for first, last, months in _periods_before_merger():
            plan.append((unit, first, last, _figures(rng, size, months, town)))
    for other in _other_communes(commune):
        size = rng.uniform(1.6, 3.2)  # a 2025 commune is two to four former ones
        for first, last, months in _AFTER_MERGER:
            plan.append((other, first, last, _figures(rng, size, months, False)))
    placed = rollups.placements({unit.pk for unit, *_rest in plan})
    rows = [
        ReportedFigure(
            unit=unit, code=code, first=first, last=last, value=value,
            source_file=SOURCE_FILE, note="Số liệu demo", batch="demo-history",
            commune_id=placed[unit.pk].commune_id, province_id=placed[unit.pk].province_id,
        )
        for unit, first, last, values in plan
        for code, value in values.items()
        if code in stored
    ]  # fmt: skip
    ReportedFigure.objects.bulk_create(rows, batch_size=1000)
    audit.record(
        actor=None, action="reporting.reported_figures.import",
        object_type="reporting.reportedfigure", object_id="demo-history",
        after={"file": SOURCE_FILE, "created": len(rows),
               "units": sorted({u.code for u, *_ in plan})},
    )  # fmt: skip
    refreshed = _rebuild_province(commune)
    stdout.write(
        f"Số liệu báo cáo (lịch sử): {len(rows)} số liệu của {len({p[0].pk for p in plan})} "
        f"đơn vị; tổng hợp lại {refreshed} xã của {commune.parent.name if commune.parent else ''}."
    )


def _rebuild_province(commune: AdministrativeUnit) -> int:
    """Rebuild the roll-ups of the commune's province (its communes and their former units)."""
    if commune.parent is None:
        ids = [commune.pk]
    else:
        from danchu.reporting.scopes import Scope

        ids = Scope.of(commune.parent).commune_ids or []
    for start in range(0, len(ids), 50):
        rollups.refresh(ids[start : start + 50])
    return len(ids)


@transaction.atomic
def reset(commune: Any) -> None:
    """Remove this part's demo data for commune."""
    ReportedFigure.objects.filter(source_file=SOURCE_FILE).delete()
