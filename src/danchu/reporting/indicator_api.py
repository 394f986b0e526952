"""The indicators under ``/api/v1/``: the catalogue, a unit's figures for a period, the figures
of the units one level down, and the month-by-month series.

Readable without signing in: anonymous callers (and anyone without INDICATOR_VIEW_RESTRICTED
on the unit) get the public indicators only. A unit is ``nation``, ``province:<code>``,
``commune:<code>`` or ``village:<id>``; a period is written as :mod:`danchu.reporting.periods`
reads it (``2026-H1``, ``2026-Q2``, ``2026-05``, ``2026``, ``2021-2026``,
``2026-01-01..2026-06-30``). A unit that does not exist answers 404, a period that cannot be
read 422 with the message on the ``period`` field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from danchu.accounts.permissions import Action, can_anywhere
from danchu.api.auth import actor_of
from danchu.api.schemas import with_errors
from danchu.core.indicators import Indicator
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI
from danchu.reporting import catalogue
from danchu.reporting.dashboards import (
    grouped,
    measure_unit,
    parse_period,
    pillar_label,
    scope_for_key,
    sees_restricted,
    step_label,
    visible_indicators,
)
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import Figures, figures, figures_by_child, series

__all__ = ["router"]

router = Router(tags=["indicators"])

UNIT_PATTERN = r"^(nation|(province|commune):[0-9A-Za-z]{1,10}|village:[0-9]{1,10})$"
PERIOD_PATTERN = r"^[0-9QqHh.\-]{4,22}$"


class IndicatorQuery(Schema):
    unit: str = Field(
        ...,
        pattern=UNIT_PATTERN,
        description="nation, province:<code>, commune:<code> or village:<id>.",
        examples=["commune:18406"],
    )
    period: str = Field(
        "",
        max_length=22,
        pattern=r"^$|" + PERIOD_PATTERN,
        description=(
            "2026-H1, 2026-Q2, 2026-05, 2026, 2021-2026 or 2026-01-01..2026-06-30; "
            "empty: the current half-year."
        ),
        examples=["2026-H1"],
    )


class IndicatorOut(Schema):
    code: str
    pillar: str
    pillar_name: str
    name: str
    definition: str
    measure: str
    unit: str
    legal_basis: str
    public: bool
    numerator: str | None = None
    denominator: str | None = None


class IndicatorUnitOut(Schema):
    key: str = Field(..., description="The unit as the `unit` parameter writes it.")
    level: str
    code: str | None = None
    name: str


class IndicatorPeriodOut(Schema):
    key: str
    label: str
    first: date
    last: date


class IndicatorFigureOut(Schema):
    code: str
    value: int | None = Field(None, description="The figure (null for a rate).")
    rate: float | None = Field(
        None, description="A rate indicator's value in % (null when its denominator is 0)."
    )
    numerator: int | None = None
    denominator: int | None = None
    display: str = Field(..., description="The value as a report prints it.")


class IndicatorFiguresOut(Schema):
    unit: IndicatorUnitOut
    period: IndicatorPeriodOut
    restricted_included: bool = Field(
        ..., description="Whether the non-public indicators are included (officials)."
    )
    figures: list[IndicatorFigureOut]


class IndicatorChildrenOut(Schema):
    unit: IndicatorUnitOut
    period: IndicatorPeriodOut
    restricted_included: bool
    children: list[IndicatorFiguresOut]


class IndicatorStepOut(Schema):
    label: str
    period: IndicatorPeriodOut
    figures: list[IndicatorFigureOut]


class IndicatorSeriesOut(Schema):
    unit: IndicatorUnitOut
    period: IndicatorPeriodOut
    restricted_included: bool
    steps: list[IndicatorStepOut]


def _indicator_out(i: Indicator) -> dict[str, Any]:
    return {
        "code": i.code,
        "pillar": i.pillar,
        "pillar_name": pillar_label(i.pillar),
        "name": str(i.name),
        "definition": str(i.definition),
        "measure": i.measure,
        "unit": measure_unit(i),
        "legal_basis": i.legal_basis,
        "public": i.public,
        "numerator": i.numerator,
        "denominator": i.denominator,
    }


def _unit_out(scope: Scope) -> dict[str, Any]:
    code = scope.unit.code if scope.unit is not None and scope.village is None else None
    return {"key": scope.key, "level": scope.level, "code": code, "name": scope.name}


def _period_out(period: Period) -> dict[str, Any]:
    return {"key": period.key, "label": period.label, "first": period.first, "last": period.last}


def _figures_out(fig: Figures, indicators: list[Indicator]) -> list[dict[str, Any]]:
    out = []
    for i in indicators:
        row: dict[str, Any] = {"code": i.code, "display": fig.display(i.code)}
        if i.is_rate:
            assert i.numerator is not None
            assert i.denominator is not None
            rate = fig.rate(i.code)
            row["rate"] = None if rate is None else round(float(rate * 100), 4)
            row["numerator"] = fig.get(i.numerator)
            row["denominator"] = fig.get(i.denominator)
        else:
            row["value"] = fig.get(i.code)
            row["display"] = grouped(row["value"])
        out.append(row)
    return out


def _read(
    request: HttpRequest, query: IndicatorQuery
) -> tuple[Scope, Period, list[Indicator], bool]:
    scope = scope_for_key(query.unit)
    period = parse_period(query.period)
    restricted = sees_restricted(actor_of(request), scope)
    return scope, period, visible_indicators(restricted), restricted


@router.get(
    "/indicators",
    response=with_errors({200: list[IndicatorOut]}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="indicator_list",
)
def indicator_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The catalogue of indicators: code, definition, unit and legal basis. The non-public ones
    are listed to people whose role may read them somewhere."""
    restricted = can_anywhere(actor_of(request), Action.INDICATOR_VIEW_RESTRICTED)
    return [_indicator_out(i) for i in catalogue.indicators() if i.public or restricted]


@router.get(
    "/indicators/figures",
    response=with_errors({200: IndicatorFiguresOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="indicator_figures",
)
def indicator_figures(request: HttpRequest, query: Query[IndicatorQuery]) -> dict[str, Any]:
    """Every indicator of a unit for a period."""
    scope, period, indicators, restricted = _read(request, query)
    fig = figures(scope, period)
    return {
        "unit": _unit_out(scope),
        "period": _period_out(period),
        "restricted_included": restricted,
        "figures": _figures_out(fig, indicators),
    }


@router.get(
    "/indicators/children",
    response=with_errors({200: IndicatorChildrenOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="indicator_children",
)
def indicator_children(request: HttpRequest, query: Query[IndicatorQuery]) -> dict[str, Any]:
    """The figures of each unit one level down: the provinces of the nation, the communes of a
    province, the villages of a commune (a village has none)."""
    scope, period, indicators, restricted = _read(request, query)
    children = figures_by_child(scope, period) if scope.level != "village" else []
    return {
        "unit": _unit_out(scope),
        "period": _period_out(period),
        "restricted_included": restricted,
        "children": [
            {
                "unit": _unit_out(f.scope),
                "period": _period_out(period),
                "restricted_included": restricted,
                "figures": _figures_out(f, indicators),
            }
            for f in children
        ],
    }


@router.get(
    "/indicators/series",
    response=with_errors({200: IndicatorSeriesOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="indicator_series",
)
def indicator_series(request: HttpRequest, query: Query[IndicatorQuery]) -> dict[str, Any]:
    """A unit's figures month by month (year by year for periods over two years)."""
    scope, period, indicators, restricted = _read(request, query)
    return {
        "unit": _unit_out(scope),
        "period": _period_out(period),
        "restricted_included": restricted,
        "steps": [
            {
                "label": step_label(f.period),
                "period": _period_out(f.period),
                "figures": _figures_out(f, indicators),
            }
            for f in series(scope, period)
        ],
    }
