"""Reads of the review reports: the lists and single reports an actor may see, and the figures
snapshot a draft stores.

The snapshot is the whole of what a report prints besides its text: the figures of the unit
for the period and the previous period (by pillar, with the indicators' names), the figures of
each village (commune report) or commune (province report), a chart series, and the key tasks
and awards from the steering part. It is computed from :func:`danchu.reporting.selectors.figures`
(roll-ups) and stored as JSON, so an issued report never reads live data again.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, can, get_for_actor, restrict
from danchu.core.errors import NotFound, PermissionDenied
from danchu.core.indicators import Indicator
from danchu.core.text import fold_vi
from danchu.reporting import catalogue, selectors, steering_selectors
from danchu.reporting.models import ReviewReport
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.territory.models import AdministrativeUnit

__all__ = [
    "CHILD_CODES",
    "SNAPSHOT_VERSION",
    "compute_snapshot",
    "probe",
    "unit_for_actor",
    "display",
    "public_view",
    "report_period",
    "review_get",
    "reviews_of_unit",
    "visible_indicators",
]

SNAPSHOT_VERSION = 1
# The columns of the table by village / commune, in this order, when the catalogue has them;
# the first with a non-zero total is also the chart's series.
CHILD_CODES = (
    "contributions.money_received_vnd",
    "contributions.land_received_m2",
    "contributions.workdays_received",
    "decisions.decided",
    "requests.received",
    "requests.resolved",
    "dialogues.held",
    "mediation.cases",
)
MAX_CHILD_COLUMNS = 6


def probe(unit: AdministrativeUnit) -> ReviewReport:
    """An unsaved report of ``unit``: what the permission layer judges before one exists."""
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return ReviewReport(unit=unit, commune=unit, province_id=unit.parent_id)
    return ReviewReport(unit=unit, province=unit)


def unit_for_actor(actor: Any, level: str, code: str, action: Action) -> AdministrativeUnit:
    """The 2025 commune (``level="xa"``) or province (``"tinh"``) with ``code`` whose reports
    the actor may ``action``: 404 when it is missing or outside every scope the actor reads
    reviews in, 403 when readable but not for ``action``."""
    level_value = (
        AdministrativeUnit.Level.COMMUNE if level == "xa" else AdministrativeUnit.Level.PROVINCE
    )
    unit = (
        AdministrativeUnit.objects.filter(
            era=AdministrativeUnit.Era.CURRENT, level=level_value, code=code
        )
        .select_related("parent")
        .first()
    )
    if unit is None or not can(actor, Action.REVIEW_VIEW, probe(unit)):
        raise NotFound(_("Not found."), code="not_found")
    if not can(actor, action, probe(unit)):
        raise PermissionDenied(_("You are not allowed to do this."), code="forbidden")
    return unit


def reviews_of_unit(actor: Any, unit: AdministrativeUnit) -> QuerySet[ReviewReport]:
    """The unit's reports the actor may read, newest period first (one query)."""
    rows = ReviewReport.objects.filter(unit=unit).select_related("unit")
    return restrict(rows, actor, Action.REVIEW_VIEW).order_by("-period_last", "-id")


def review_get(actor: Any, pk: int, action: Action = Action.REVIEW_VIEW) -> ReviewReport:
    """One report for ``action`` (404 for another unit's, 403 without the right)."""
    rows = ReviewReport.objects.select_related("unit", "unit__parent", "commune", "province")
    return get_for_actor(rows, actor, action, pk=pk)


def public_view(actor: Any, report: ReviewReport) -> bool:
    """Whether the actor sees only the public indicators of the report (e.g. an inspection
    board member reads reviews but not the non-public indicators such as denunciations)."""
    return not can(actor, Action.INDICATOR_VIEW_RESTRICTED, report)


def visible_indicators(snapshot: dict[str, Any], *, public_only: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = snapshot.get("indicators", [])
    return [r for r in rows if r.get("public", True) or not public_only]


def report_period(report: ReviewReport) -> Period:
    return Period(report.period_kind, report.period_first, report.period_last)  # type: ignore[arg-type]


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _lines(rows: list[Any]) -> list[dict[str, Any]]:
    return [{k: _iso(v) for k, v in dataclasses.asdict(row).items()} for row in rows]


def _indicator_row(
    indicator: Indicator, current: selectors.Figures, previous: selectors.Figures
) -> dict[str, Any]:
    value = current.value(indicator)
    before = previous.value(indicator)
    return {
        "code": indicator.code,
        "pillar": indicator.pillar,
        "name": str(indicator.name),
        "measure": indicator.measure,
        "public": indicator.public,
        "value": _number(value),
        "display": display(value),
        "previous": _number(before),
        "previous_display": display(before),
    }


def display(value: Any) -> str:
    """A value as a Vietnamese report prints it: ``1.234.500``, ``87,5%``, ``—`` for a rate
    without denominator. (Written here rather than through the locale: Django's ``vi`` formats
    set no digit grouping.)"""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{float(value) * 100:.1f}".replace(".", ",") + "%"


def _number(value: Any) -> int | float | None:
    """An integer as it is; a rate as a percentage with one decimal; no rate as ``None``."""
    if value is None or isinstance(value, int):
        return value
    return round(float(value) * 100, 1)


def compute_snapshot(unit: AdministrativeUnit, period: Period) -> dict[str, Any]:
    """The figures, tasks and awards of ``unit`` for ``period``, as JSON, in Vietnamese (the
    report is a Vietnamese state document). Indicators missing from the catalogue are skipped.
    """
    with translation.override("vi"):
        return _compute(unit, period)


def _compute(unit: AdministrativeUnit, period: Period) -> dict[str, Any]:
    scope = Scope.of(unit)
    previous_period = period.previous()
    current = selectors.figures(scope, period)
    previous = selectors.figures(scope, previous_period)
    indicators = catalogue.indicators()
    rows = [_indicator_row(i, current, previous) for i in indicators]
    known = {i.code: i for i in indicators}
    # Public indicators only: the table by village is read by everyone who reads the report.
    codes = [c for c in CHILD_CODES if c in known and known[c].public][:MAX_CHILD_COLUMNS]
    if not codes:  # a catalogue without the usual codes: its first additive indicators
        codes = [i.code for i in indicators if not i.is_rate and i.public][:MAX_CHILD_COLUMNS]
    children = selectors.figures_by_child(scope, period)
    child_rows: list[dict[str, Any]] = [
        {
            "name": child.scope.name,
            "values": {c: child.get(c) for c in codes},
            "display": {c: display(child.get(c)) for c in codes},
        }
        # In Vietnamese alphabetical order (Đ with D), not in code-point order.
        for child in sorted(children, key=lambda c: (fold_vi(c.scope.name), c.scope.key))
    ]
    chart_code = next((c for c in codes if current.get(c)), codes[0] if codes else None)
    chart: dict[str, Any] = {}
    if chart_code is not None:
        chart = {
            "code": chart_code,
            "name": str(known[chart_code].name),
            "measure": known[chart_code].measure,
            "bars": [
                {"name": row["name"], "value": row["values"][chart_code],
                 "display": row["display"][chart_code]}
                for row in child_rows
            ],
        }  # fmt: skip
    return {
        "version": SNAPSHOT_VERSION,
        "computed_at": timezone.now().isoformat(),
        "period": {
            "key": period.key, "kind": period.kind, "first": period.first.isoformat(),
            "last": period.last.isoformat(), "label": str(period.label),
        },
        "previous": {"key": previous_period.key, "label": str(previous_period.label)},
        "values": {i.code: current.get(i.code) for i in indicators if not i.is_rate},
        "indicators": rows,
        "child_level": "commune" if scope.level == "province" else "village",
        "child_columns": [{"code": c, "name": str(known[c].name)} for c in codes],
        "children": child_rows,
        "chart": chart,
        "tasks": _lines(steering_selectors.key_tasks_for_review(unit, period)),
        "next_tasks": _lines(steering_selectors.next_period_tasks(unit, period)),
        "awards": _lines(steering_selectors.awards_for_review(unit, period)),
    }  # fmt: skip
