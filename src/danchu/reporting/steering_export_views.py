"""Downloads of the steering tables as CSV and XLSX: an emulation round's ranking, a plan's key
tasks, a unit's overdue tasks.

Same permission as the page each comes from (EMULATION_VIEW, STEERING_VIEW): another commune's
rows answer 404, one's own without the right 403. The files are written by ``exports`` (CSV with
a BOM, formula-like text neutralised; XLSX with real numbers and dates).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from danchu.accounts.permissions import Action, get_for_actor
from danchu.reporting import catalogue, emulation, exports, steering_selectors
from danchu.reporting.models import EmulationRound, KeyTask, SteeringPlan
from danchu.reporting.steering_views import LEVELS
from danchu.web.views.backoffice import backoffice_view

__all__ = ["overdue_export", "plan_export", "round_export"]

FORMATS = ("csv", "xlsx")


def _download(
    fmt: str,
    name: str,
    caption: str,
    header: list[str],
    lines: list[list[Any]],
    **xlsx: Any,
) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(
            exports.rows_csv(header, lines), content_type=exports.CSV_CONTENT_TYPE
        )
    else:
        response = HttpResponse(
            exports.rows_xlsx(caption, header, lines, **xlsx),
            content_type=exports.XLSX_CONTENT_TYPE,
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404


# --- the ranking -----------------------------------------------------------------------------


def _number(value: emulation.Value, code: str) -> int | float | None:
    """A figure as a number: a rate in % with one decimal (as the dashboards export it)."""
    if value is None or isinstance(value, int):
        return value
    indicator = catalogue.get(code)
    if indicator is not None and indicator.is_rate:
        return round(float(value * 100), 1)
    return round(float(value), 2)


def _points(value: Fraction) -> float:
    return round(float(value), 2)


@require_safe
@backoffice_view
def round_export(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    """The round's ranking: rank, unit, each criterion's figure and points, score."""
    _check(fmt)
    rounds = EmulationRound.objects.select_related("unit")
    row = get_for_actor(rounds, request.user, Action.EMULATION_VIEW, pk=int(pk))
    ranking = emulation.rank(row)
    header = [_("Rank"), _("Competing unit")]
    for column in ranking.columns:
        header += [column.name, _("%(criterion)s — points") % {"criterion": column.name}]
    header.append(_("Score"))
    lines: list[list[Any]] = []
    for ranked in ranking.rows:
        line: list[Any] = [ranked.rank, ranked.name]
        for column, cell in zip(ranking.columns, ranked.cells, strict=True):
            line += [_number(cell.value, column.code), _points(cell.points)]
        line.append(_points(ranked.score))
        lines.append(line)
    points_columns = {3 + 2 * i + 1 for i in range(len(ranking.columns))}
    points_columns.add(len(header))
    caption = f"{row.title} — {ranking.period.label}"
    return _download(
        fmt,
        f"thi-dua-{row.pk}-xep-hang",
        caption,
        header,
        lines,
        formats=dict.fromkeys(points_columns, "0.00"),
        frozen="C3",
        wide=2,
    )


# --- key tasks -------------------------------------------------------------------------------


def _task_header() -> list[str]:
    return [
        _("No."),
        _("Key task"),
        _("Steering plan"),
        _("Assigned to"),
        _("Deadline"),
        _("Status"),
        _("Overdue"),
        _("Progress (%)"),
        _("Latest progress note"),
    ]


def _task_lines(tasks: list[KeyTask], on: date) -> list[list[Any]]:
    yes = _("yes")
    return [
        [
            task.position,
            task.title,
            task.plan.title,
            steering_selectors.assignees_text(task),
            task.deadline,
            str(task.get_status_display()),
            yes if task.overdue_on(on) else "",
            task.percent,
            steering_selectors.last_note(task),
        ]
        for task in tasks
    ]


@require_safe
@backoffice_view
def plan_export(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    """The plan's key tasks as its page lists them, overdue as of today."""
    _check(fmt)
    plan = get_for_actor(
        SteeringPlan.objects.select_related("unit"), request.user, Action.STEERING_VIEW, pk=int(pk)
    )
    tasks = list(steering_selectors.with_details(plan.tasks.all()).order_by("position", "id"))
    today = timezone.localdate()
    caption = f"{plan.title} — {plan.unit.name}"
    return _download(
        fmt,
        f"ke-hoach-{plan.pk}-nhiem-vu",
        caption,
        _task_header(),
        _task_lines(tasks, today),
        frozen="C3",
        wide=2,
    )


@require_safe
@backoffice_view
def overdue_export(request: HttpRequest, level: str, code: str, fmt: str) -> HttpResponse:
    """The unit's overdue key tasks as of ``?on=YYYY-MM-DD`` (default today)."""
    _check(fmt)
    unit = steering_selectors.unit_for(
        request.user, LEVELS.get(level, "-"), code, Action.STEERING_VIEW, SteeringPlan
    )
    on = timezone.localdate()
    if request.GET.get("on"):
        try:
            on = date.fromisoformat(request.GET["on"][:10])
        except ValueError:
            return HttpResponse(
                _("Enter a valid date."), status=400, content_type="text/plain; charset=utf-8"
            )
    tasks = steering_selectors.overdue_tasks(unit, on)
    caption = _("Overdue key tasks") + f" — {unit.name} — {on:%d/%m/%Y}"
    return _download(
        fmt,
        f"qua-han-{unit.code}-{on.isoformat()}",
        caption,
        _task_header(),
        _task_lines(tasks, on),
        frozen="C3",
        wide=2,
    )
