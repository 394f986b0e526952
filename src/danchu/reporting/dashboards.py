"""What the steering dashboards, their exports, the open data and the indicators API show.

Everything here reads figures through :mod:`danchu.reporting.selectors` only (``figures``,
``series``, ``figures_by_child``), so the pages are served from the roll-ups and their query
count does not grow with the number of villages or communes. Who sees the non-public indicators
(e.g. denunciations received) is asked of the permission layer
(:data:`Action.INDICATOR_VIEW_RESTRICTED`); none of these figures names a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danchu.accounts.permissions import Action, can, restrict
from danchu.core.errors import NotFound, ValidationFailed
from danchu.core.indicators import Indicator
from danchu.reporting import catalogue
from danchu.reporting.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import Figures, figures, figures_by_child, grouped, series
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "Cell",
    "Dashboard",
    "allowed_on_scope",
    "Group",
    "Row",
    "Table",
    "comparison_table",
    "default_period",
    "grouped",
    "indicator_groups",
    "indicator_table",
    "measure_unit",
    "open_data_rows",
    "parse_period",
    "pillar_label",
    "scope_for_key",
    "sees_restricted",
    "step_label",
    "trend_table",
    "visible_indicators",
]

# The pillars in the order the reviews present them (Law 10/2022 Chapter II: people know,
# discuss and decide, do, inspect and supervise), with the petitions' parts after them.
PILLAR_LABELS: dict[str, Any] = {
    "disclosure": gettext_lazy("Public disclosure (people know)"),
    "decisions": gettext_lazy("Community decisions (people discuss and decide)"),
    "contributions": gettext_lazy("Contributions (people do)"),
    "petitions": gettext_lazy("Citizens' requests, reception, dialogues and mediation"),
    "requests": gettext_lazy("Citizens' requests"),
    "reception": gettext_lazy("Citizen reception"),
    "dialogues": gettext_lazy("Dialogues"),
    "mediation": gettext_lazy("Grassroots mediation"),
    "oversight": gettext_lazy("Oversight (people inspect and supervise)"),
    "consultation": gettext_lazy("Consultations (people give opinions)"),
}

# Indicators a person reads first when none is chosen for the charts.
HEADLINE_CODES = (
    "contributions.money_received_vnd",
    "requests.received",
    "decisions.decided",
    "disclosure.items_due",
)


def measure_unit(indicator: Indicator) -> str:
    """How the value is counted, for a table's “unit” column."""
    units: dict[str, str] = {
        "count": _("number"),
        "vnd": _("VND"),
        "m2": "m²",
        "workdays": _("workdays"),
        "households": _("households"),
        "rate": "%",
    }
    return units.get(indicator.measure, "")


def pillar_label(pillar: str) -> str:
    label = PILLAR_LABELS.get(pillar)
    return str(label) if label is not None else pillar


# --- who sees what ------------------------------------------------------------------------


def sees_restricted(user: Any, scope: Scope) -> bool:
    """Whether ``user`` sees the non-public indicators of ``scope``.

    A commune (or one of its villages): the permission layer on the commune — the commune's
    officials, and the province reader of its province. A province: only someone allowed on
    every commune of it (the province reader; a commune official sees only their commune). The
    nation: only a superuser (there is no national role).
    """
    return allowed_on_scope(user, scope, Action.INDICATOR_VIEW_RESTRICTED)


def allowed_on_scope(user: Any, scope: Scope, action: Action) -> bool:
    """``action`` on a whole unit: on its commune for a commune or village; on every commune of
    a province for a province; superusers only for the nation."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    if not getattr(user, "is_authenticated", False) or scope.unit is None:
        return False
    if scope.level in ("commune", "village"):
        return can(user, action, scope.unit)
    communes = AdministrativeUnit.objects.filter(
        parent=scope.unit, level=AdministrativeUnit.Level.COMMUNE
    )
    total = communes.count()
    return total > 0 and restrict(communes, user, action).count() == total


def visible_indicators(restricted: bool) -> list[Indicator]:
    """The catalogue's indicators a person may read (public ones unless ``restricted``)."""
    return [i for i in catalogue.indicators() if i.public or restricted]


# --- units and periods --------------------------------------------------------------------


def scope_for_key(key: str) -> Scope:
    """``nation``, ``province:<code>``, ``commune:<code>`` or ``village:<id>`` → a scope of a
    2025 unit; :class:`NotFound` when there is none."""
    key = (key or "").strip()
    if key == "nation":
        return Scope.nation()
    level, _sep, code = key.partition(":")
    if level == "village" and code.isdigit() and len(code) <= 10:
        village = (
            Village.objects.select_related("commune__parent")
            .filter(pk=int(code), commune__era=AdministrativeUnit.Era.CURRENT)
            .first()
        )
        if village is not None:
            return Scope.of(village)
    elif level in ("province", "commune") and code:
        unit = (
            AdministrativeUnit.objects.select_related("parent")
            .filter(era=AdministrativeUnit.Era.CURRENT, level=level, code=code)
            .first()
        )
        if unit is not None:
            return Scope.of(unit)
    raise NotFound(
        _("No unit “%(key)s”: write nation, province:<code>, commune:<code> or village:<id>.")
        % {"key": key[:40]},
        code="unknown_unit",
    )


def default_period() -> Period:
    """The current half-year (the steering committees review by half-year)."""
    today = timezone.localdate()
    return Period.half(today.year, 1 if today.month <= 6 else 2)


def parse_period(text: str | None, *, field_name: str = "period") -> Period:
    """The period written in ``text`` (the current half-year when empty); a field error
    (:class:`ValidationFailed`) when it cannot be read."""
    if not (text or "").strip():
        return default_period()
    try:
        period = Period.parse(text or "")
    except PeriodError as error:
        raise ValidationFailed(str(error), fields={field_name: [str(error)]}) from error
    if period.first.year < MIN_YEAR or period.last.year > MAX_YEAR:
        # A range of days is read without the years' bounds of the other kinds; a range over
        # centuries would make a trend of thousands of steps.
        message = _("A reporting period lies between %(first)d and %(last)d.") % {
            "first": MIN_YEAR,
            "last": MAX_YEAR,
        }
        raise ValidationFailed(message, fields={field_name: [message]})
    return period


def step_label(step: Period) -> str:
    """A trend step: ``05/2026`` for a month (or part of one), ``2026`` for a year."""
    if (step.first.year, step.first.month) == (step.last.year, step.last.month):
        return f"{step.first.month:02d}/{step.first.year}"
    return str(step.first.year)


# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure: the text a page prints and the number an export writes (a rate in %)."""

    text: str
    number: int | float | None

    @classmethod
    def of(cls, fig: Figures, indicator: Indicator) -> Cell:
        if indicator.is_rate:
            rate = fig.rate(indicator.code)
            number = None if rate is None else round(float(rate * 100), 1)
            return cls(fig.display(indicator.code), number)
        value = fig.get(indicator.code)
        return cls(grouped(value), value)


@dataclass
class Row:
    label: str
    cells: list[Cell]
    link: str = ""  # the row's own dashboard (a commune of a province, …)
    note: str = ""  # a definition under the label
    restricted: bool = False
    scope: Scope | None = None  # the unit of a comparison row


@dataclass
class Group:
    """Indicators of one pillar: a table of its own on the page."""

    pillar: str
    label: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Table:
    """A table as the page, the CSV and the XLSX show it: a header column then figures."""

    slug: str
    caption: str
    row_head: str
    head: list[str]
    rows: list[Row]
    indicators: list[Indicator] = field(default_factory=list)


def indicator_groups(
    fig: Figures, indicators: list[Indicator], previous: Figures | None = None
) -> list[Group]:
    """The indicators' values grouped by pillar, in catalogue order: the value, the value of
    the previous period (when given), the unit and the legal basis."""
    groups: dict[str, Group] = {}
    for indicator in indicators:
        group = groups.get(indicator.pillar)
        if group is None:
            group = groups[indicator.pillar] = Group(
                indicator.pillar, pillar_label(indicator.pillar)
            )
        cells = [Cell.of(fig, indicator)]
        if previous is not None:
            cells.append(Cell.of(previous, indicator))
        cells += [Cell(measure_unit(indicator), None), Cell(indicator.legal_basis, None)]
        group.rows.append(
            Row(
                str(indicator.name),
                cells,
                note=str(indicator.definition),
                restricted=not indicator.public,
            )
        )
    return list(groups.values())


def indicator_table(
    fig: Figures, indicators: list[Indicator], previous: Figures | None = None
) -> Table:
    """Every indicator of the unit for the period, one row each (with its pillar)."""
    rows = []
    for group in indicator_groups(fig, indicators, previous):
        for row in group.rows:
            rows.append(Row(row.label, [Cell(group.label, None), *row.cells]))
    heads = [_("Pillar"), _("Value")]
    if previous is not None:
        heads.append(_("Previous period (%(period)s)") % {"period": previous.period.label})
    return Table(
        "chi-tieu",
        _("Indicators of %(unit)s, %(period)s")
        % {"unit": fig.scope.name, "period": fig.period.label},
        _("Indicator"),
        [*heads, _("Unit"), _("Legal basis")],
        rows,
        indicators,
    )


def _columns(indicators: list[Indicator]) -> list[str]:
    return [f"{indicator.name} ({measure_unit(indicator)})" for indicator in indicators]


def trend_table(
    steps: list[Figures], indicators: list[Indicator], scope: Scope, period: Period
) -> Table:
    """The indicators month by month (year by year over long periods)."""
    return Table(
        "xu-huong",
        _("Trend of %(unit)s, %(period)s")
        % {
            "unit": scope.name,
            "period": period.label,
        },
        _("Month or year"),
        _columns(indicators),
        [Row(step_label(f.period), [Cell.of(f, i) for i in indicators]) for f in steps],
        indicators,
    )


def comparison_table(
    children: list[Figures], indicators: list[Indicator], scope: Scope, period: Period
) -> Table:
    """The indicators of each unit one level down (villages, communes or provinces)."""
    heads = {
        "commune": _("Village"),
        "province": _("Commune"),
        "nation": _("Province"),
    }
    return Table(
        "so-sanh",
        _("Comparison within %(unit)s, %(period)s") % {"unit": scope.name, "period": period.label},
        heads.get(scope.level, _("Unit")),
        _columns(indicators),
        [Row(f.scope.name, [Cell.of(f, i) for i in indicators], scope=f.scope) for f in children],
        indicators,
    )


@dataclass
class Dashboard:
    """Everything one dashboard shows: the figures of the period and of the previous one, the
    indicators by pillar and the three tables (indicators, trend, comparison)."""

    figures: Figures
    previous: Figures
    groups: list[Group]
    overview: Table
    trend: Table
    comparison: Table


def dashboard_tables(scope: Scope, period: Period, indicators: list[Indicator]) -> Dashboard:
    """A unit's dashboard for ``period``: a fixed number of selector calls, whatever the
    number of villages or communes."""
    fig = figures(scope, period)
    previous = figures(scope, period.previous())
    steps = series(scope, period)
    children = figures_by_child(scope, period) if scope.level != "village" else []
    return Dashboard(
        fig,
        previous,
        indicator_groups(fig, indicators, previous),
        indicator_table(fig, indicators, previous),
        trend_table(steps, indicators, scope, period),
        comparison_table(children, indicators, scope, period),
    )


# --- open data ----------------------------------------------------------------------------

OPEN_DATA_FIELDS = (
    "province_code", "province_name", "commune_code", "commune_name", "period", "first_day",
    "last_day", "pillar", "indicator_code", "indicator_name", "unit", "measure", "legal_basis",
    "value", "numerator", "denominator",
)  # fmt: skip


def open_data_rows(province: Scope, period: Period) -> list[dict[str, Any]]:
    """One row per commune of the province × public indicator: never a non-public one.

    Names are in Vietnamese whatever the reader's language, so the data set is the same for
    everyone. A rate's ``value`` is a percentage with one decimal (empty when its denominator is
    zero), with the numerator and denominator beside it.
    """
    assert province.unit is not None
    public = [i for i in catalogue.indicators() if i.public]
    rows: list[dict[str, Any]] = []
    with translation.override("vi"):
        for fig in figures_by_child(province, period):
            assert fig.scope.unit is not None
            for indicator in public:
                value: int | float | None
                numerator = denominator = None
                if indicator.is_rate:
                    rate: Fraction | None = fig.rate(indicator.code)
                    value = None if rate is None else round(float(rate * 100), 1)
                    assert indicator.numerator is not None
                    assert indicator.denominator is not None
                    numerator = fig.get(indicator.numerator)
                    denominator = fig.get(indicator.denominator)
                else:
                    value = fig.get(indicator.code)
                rows.append(
                    {
                        "province_code": province.unit.code,
                        "province_name": province.unit.name,
                        "commune_code": fig.scope.unit.code,
                        "commune_name": fig.scope.unit.name,
                        "period": period.key,
                        "first_day": period.first.isoformat(),
                        "last_day": period.last.isoformat(),
                        "pillar": indicator.pillar,
                        "indicator_code": indicator.code,
                        "indicator_name": str(indicator.name),
                        "unit": measure_unit(indicator),
                        "measure": indicator.measure,
                        "legal_basis": indicator.legal_basis,
                        "value": value,
                        "numerator": numerator,
                        "denominator": denominator,
                    }
                )
    return rows
