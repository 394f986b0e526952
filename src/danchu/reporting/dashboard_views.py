"""The public steering dashboards (/chi-dao/, /tinh/<code>/chi-dao/, /xa/<code>/chi-dao/), their
exports (CSV, XLSX) and the province's open data (CSV, JSON).

Public without sign-in: the public indicators of any unit are published figures (Law 10/2022
Art. 11 makes the commune's implementation public). Officials with INDICATOR_VIEW_RESTRICTED
on the unit also see the non-public ones. The views only parse, ask the permission layer, read
figures through the selectors and render, in a number of queries that does not grow with the
number of villages or communes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from danchu.accounts.permissions import Action
from danchu.core.errors import ValidationFailed
from danchu.core.indicators import Indicator
from danchu.reporting import charts, exports, steering_selectors
from danchu.reporting.dashboards import (
    HEADLINE_CODES,
    Row,
    Table,
    allowed_on_scope,
    dashboard_tables,
    default_period,
    open_data_rows,
    parse_period,
    pillar_label,
    sees_restricted,
    visible_indicators,
)
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.territory.models import AdministrativeUnit

__all__ = ["dashboard", "dashboard_export", "open_data"]

TABLES = ("chi-tieu", "xu-huong", "so-sanh")
FORMATS = ("csv", "xlsx")


class DashboardForm(forms.Form):
    """The period and the indicator the charts draw (GET; no JavaScript)."""

    period = forms.CharField(
        label=gettext_lazy("Reporting period"),
        required=False,
        max_length=25,
        help_text=gettext_lazy(
            "For example 2026-H1 (first six months), 2026-Q2, 2026-05, 2026, 2021-2026 or "
            "2026-01-01..2026-06-30. Empty: the current half-year."
        ),
    )
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator in the charts"), required=False)

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for indicator in indicators:
            groups.setdefault(pillar_label(indicator.pillar), []).append(
                (indicator.code, str(indicator.name))
            )
        field = self.fields["indicator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— the main indicator —")), *groups.items()]
        self.fields["period"].widget.attrs.update(
            {"list": "period-suggestions", "autocomplete": "off", "spellcheck": "false"}
        )

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data.get("period"))
        except ValidationFailed as error:
            raise ValidationError(error.message, code="invalid_period") from error


def _chart_indicator(chosen: str, indicators: list[Indicator]) -> Indicator | None:
    by_code = {i.code: i for i in indicators}
    for code in (chosen, *HEADLINE_CODES):
        if code in by_code:
            return by_code[code]
    return indicators[0] if indicators else None


def _suggestions(today: date) -> list[tuple[str, str]]:
    """Periods offered under the field (a datalist: typing anything else still works)."""
    year = today.year
    half = 1 if today.month <= 6 else 2
    periods = [Period.half(year, half), Period.half(*((year, 1) if half == 2 else (year - 1, 2)))]
    periods += [Period.year(year), Period.year(year - 1)]
    periods += [Period.quarter(year, (today.month - 1) // 3 + 1), Period.years(year - 5, year)]
    periods.append(Period.month(year, today.month))
    return [(p.key, p.label) for p in periods]


def _scope(level: str, code: str | None) -> Scope:
    if level == "nation":
        return Scope.nation()
    unit = (
        AdministrativeUnit.objects.select_related("parent")
        .filter(era=AdministrativeUnit.Era.CURRENT, level=level, code=code)
        .first()
    )
    if unit is None:
        raise Http404
    return Scope.of(unit)


def _child_link(child: Scope | None) -> str:
    """A comparison row's own dashboard (communes and provinces have one, villages do not)."""
    if child is None or child.unit is None or child.level not in ("province", "commune"):
        return ""
    return reverse(f"reporting:dashboard_{child.level}", args=[child.unit.code])


def _urls(scope: Scope) -> dict[str, str]:
    """The dashboard's own address and its parents' (for the breadcrumb)."""
    urls = {"nation": reverse("reporting:dashboard_nation")}
    if scope.level == "province":
        assert scope.unit is not None
        urls["self"] = reverse("reporting:dashboard_province", args=[scope.unit.code])
    elif scope.level == "commune":
        assert scope.unit is not None
        urls["self"] = reverse("reporting:dashboard_commune", args=[scope.unit.code])
        if scope.unit.parent is not None:
            urls["province"] = reverse(
                "reporting:dashboard_province", args=[scope.unit.parent.code]
            )
        urls["home"] = reverse("web:commune_home", args=[scope.unit.code])
    else:
        urls["self"] = urls["nation"]
    return urls


@require_safe
def dashboard(request: HttpRequest, level: str, code: str | None = None) -> HttpResponse:
    """A unit's dashboard: its indicators by pillar, a trend and a comparison, as charts and as
    the same figures in tables."""
    scope = _scope(level, code)
    restricted = sees_restricted(request.user, scope)
    indicators = visible_indicators(restricted)
    form = DashboardForm(request.GET or None, indicators=indicators)
    context: dict[str, Any] = {
        "scope": scope,
        "unit": scope.unit,
        "form": form,
        "restricted": restricted,
        "urls": _urls(scope),
        "suggestions": _suggestions(timezone.localdate()),
        "tables": None,
    }
    if form.is_bound and not form.is_valid():
        return render(request, "reporting/dashboard.html", context, status=400)
    period = form.cleaned_data["period"] if form.is_bound else default_period()
    chosen = _chart_indicator(
        form.cleaned_data.get("indicator", "") if form.is_bound else "", indicators
    )
    board = dashboard_tables(scope, period, indicators)
    trend, comparison = board.trend, board.comparison
    # Tables on the page carry the chosen indicator's pillar (exports carry every indicator).
    pillar = [i for i in indicators if chosen is not None and i.pillar == chosen.pillar]
    trend_page = _narrow(trend, indicators, pillar)
    comparison_page = _narrow(comparison, indicators, pillar)
    for row in comparison_page.rows:
        row.link = _child_link(row.scope)
    query = {"period": period.key}
    if chosen is not None:
        query["indicator"] = chosen.code
    context.update(
        {
            "period": period,
            "figures": board.figures,
            "previous": board.previous.period,
            "groups": board.groups,
            "chosen": chosen,
            "tables": {"trend": trend_page, "comparison": comparison_page},
            "trend_chart": _chart(trend, indicators, chosen, _("Trend"), scope, period),
            "comparison_chart": _chart(
                comparison, indicators, chosen, _("Comparison"), scope, period
            ),
            "downloads": _downloads(scope, query),
            "overdue": _overdue_tasks(request.user, scope),
            "open_data": _open_data_links(scope, period),
        }
    )
    return render(request, "reporting/dashboard.html", context)


OVERDUE_SHOWN = 10


def _overdue_tasks(user: Any, scope: Scope) -> dict[str, Any] | None:
    """The unit's overdue key tasks, for those who may read its steering plans (the steering
    part provides ``steering_selectors.overdue_tasks``; nothing is shown until it does)."""
    finder = getattr(steering_selectors, "overdue_tasks", None)
    if finder is None or scope.unit is None or scope.level not in ("commune", "province"):
        return None
    if not allowed_on_scope(user, scope, Action.STEERING_VIEW):
        return None
    tasks = list(finder(scope.unit, timezone.localdate()))
    level = "xa" if scope.level == "commune" else "tinh"
    return {
        "count": len(tasks),
        "tasks": [
            {"task": t, "url": _url_or_blank("reporting:steering_task", pk=t.pk)}
            for t in tasks[:OVERDUE_SHOWN]
        ],
        "all_url": _url_or_blank("reporting:steering_overdue", level=level, code=scope.unit.code),
    }


def _url_or_blank(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _narrow(table: Table, indicators: list[Indicator], keep: list[Indicator]) -> Table:
    columns = [indicators.index(i) for i in keep]
    return Table(
        table.slug,
        table.caption,
        table.row_head,
        [table.head[c] for c in columns],
        [Row(row.label, [row.cells[c] for c in columns], scope=row.scope) for row in table.rows],
        keep,
    )


def _chart(
    table: Table,
    indicators: list[Indicator],
    chosen: Indicator | None,
    kind: str,
    scope: Scope,
    period: Period,
) -> Any:
    if chosen is None or not table.rows:
        return None
    column = indicators.index(chosen)
    points = [
        charts.Point(row.label, _number(row.cells[column].number), row.cells[column].text)
        for row in table.rows
    ]
    title = _("%(kind)s of %(indicator)s in %(unit)s, %(period)s") % {
        "kind": kind,
        "indicator": chosen.name,
        "unit": scope.name,
        "period": period.label,
    }
    if table.slug == "xu-huong":
        return charts.line_chart(title, points)
    return charts.bar_chart(title, points)


def _number(value: int | float | None) -> float | None:
    return None if value is None else float(value)


def _downloads(scope: Scope, query: dict[str, str]) -> list[dict[str, str]]:
    from urllib.parse import urlencode

    labels = {
        "chi-tieu": _("Indicators"),
        "xu-huong": _("Trend"),
        "so-sanh": _("Comparison"),
    }
    out = []
    for table in TABLES:
        for fmt in FORMATS:
            kwargs = {"table": table, "fmt": fmt}
            if scope.unit is not None:
                kwargs["code"] = scope.unit.code
            url = reverse(f"reporting:dashboard_{scope.level}_export", kwargs=kwargs)
            out.append(
                {"label": labels[table], "format": fmt.upper(), "url": f"{url}?{urlencode(query)}"}
            )
    return out


def _open_data_links(scope: Scope, period: Period) -> list[dict[str, str]]:
    if scope.level != "province" or scope.unit is None:
        return []
    return [
        {
            "format": fmt.upper(),
            "url": reverse("reporting:open_data", args=[scope.unit.code, fmt])
            + f"?period={period.key}",
        }
        for fmt in ("csv", "json")
    ]


@require_safe
def dashboard_export(
    request: HttpRequest, level: str, table: str, fmt: str, code: str | None = None
) -> HttpResponse:
    """One of the dashboard's tables, with every indicator the person may read."""
    if table not in TABLES or fmt not in FORMATS:
        raise Http404
    scope = _scope(level, code)
    indicators = visible_indicators(sees_restricted(request.user, scope))
    form = DashboardForm(request.GET or None, indicators=indicators)
    if form.is_bound and not form.is_valid():
        return _bad_request(form)
    period = form.cleaned_data["period"] if form.is_bound else default_period()
    board = dashboard_tables(scope, period, indicators)
    chosen = {"chi-tieu": board.overview, "xu-huong": board.trend, "so-sanh": board.comparison}[
        table
    ]
    name = f"chi-dao-{scope.unit.code if scope.unit else 'ca-nuoc'}-{table}-{period.key}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.table_csv(chosen), content_type=exports.CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(exports.table_xlsx(chosen), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _bad_request(form: forms.Form) -> HttpResponse:
    messages = [str(m) for errors in form.errors.values() for m in errors]
    return HttpResponse("\n".join(messages), status=400, content_type="text/plain; charset=utf-8")


@require_safe
def open_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The public indicators of every commune of the province for a period: one row per
    commune × indicator (never a non-public indicator, whoever asks)."""
    if fmt not in ("csv", "json"):
        raise Http404
    scope = _scope("province", code)
    try:
        period = parse_period(request.GET.get("period"))
    except ValidationFailed as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    rows = open_data_rows(scope, period)
    assert scope.unit is not None
    name = f"du-lieu-mo-{scope.unit.code}-{period.key}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.open_data_csv(rows), content_type=exports.CSV_CONTENT_TYPE)
    else:
        meta = {
            "province_code": scope.unit.code,
            "province_name": scope.unit.name,
            "period": period.key,
            "first_day": period.first.isoformat(),
            "last_day": period.last.isoformat(),
        }
        response = HttpResponse(
            exports.open_data_json(meta, rows), content_type=exports.JSON_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
