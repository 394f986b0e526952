"""The commune's working-day calendar page (lịch làm việc) in the back office.

Anyone who may enter the commune's back office sees the year's holidays and adjustments (the
calendar is public information and every official counts deadlines with it); only people with
``calendar.manage`` on the commune add or remove the commune's own adjustments. National rows
are shown read-only: superusers change them with the CLI or the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danchu.accounts.permissions import Action, can, require
from danchu.core import services as core_services
from danchu.core.calendar import WorkingCalendar, override_rows
from danchu.core.errors import ApplicationError
from danchu.core.models import WorkingDayOverride
from danchu.territory.models import AdministrativeUnit
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for

__all__ = ["OverrideAddForm", "OverrideRemoveForm", "YearForm", "working_calendar"]

FIRST_YEAR, LAST_YEAR = 1995, 2100  # the range the holidays package and the CLI accept
_WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


class OverrideAddForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=WorkingDayOverride.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Reason"), max_length=200)
    source = forms.CharField(
        label=gettext_lazy("Legal source (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The decision or notice, e.g. its number and date."),
    )


class OverrideRemoveForm(forms.Form):
    remove = forms.IntegerField(min_value=1)


@dataclass(frozen=True)
class Day:
    """One line of the year's table: a holiday, a swapped Saturday or an adjustment."""

    date: date
    weekday: str
    name: str
    working: bool
    override: WorkingDayOverride | None = None
    national: WorkingDayOverride | None = None


def _year(request: HttpRequest) -> tuple[int, YearForm | None]:
    """The year asked for (this year by default) and the form when the value was bad."""
    today = timezone.localdate()
    if "year" not in request.GET:
        return today.year, None
    form = YearForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["year"], None
    return today.year, form


def _days(year: int, rows: list[WorkingDayOverride]) -> list[Day]:
    """The year's notable days for this commune, from the rows already read (no query)."""
    national = {r.date: r for r in rows if r.commune_id is None}
    local = {r.date: r for r in rows if r.commune_id is not None}
    mapping = {d: r.kind == WorkingDayOverride.Kind.WORKING_DAY for d, r in national.items()}
    mapping |= {d: r.kind == WorkingDayOverride.Kind.WORKING_DAY for d, r in local.items()}
    effective, package = WorkingCalendar(mapping), WorkingCalendar()
    days: list[Day] = []
    current, end = date(year, 1, 1), date(year, 12, 31)
    while current <= end:
        name = effective.holiday_name(current) or ""
        swapped = current.weekday() >= 5 and package.is_working_day(current)
        if name or swapped or current in mapping:
            if swapped and not name:
                name = _("Working day (government swap)")
            days.append(
                Day(
                    date=current,
                    weekday=str(_WEEKDAYS[current.weekday()]),
                    name=name,
                    working=effective.is_working_day(current),
                    override=local.get(current),
                    national=national.get(current),
                )
            )
        current += timedelta(days=1)
    return days


def _add(request: HttpRequest, commune: AdministrativeUnit, form: OverrideAddForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        core_services.working_day_override_set(
            actor=request.user,
            date=data["date"],
            kind=data["kind"],
            name=data["name"],
            source=data["source"],
            commune=commune,
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(request, _("Saved the adjustment of %(date)s.") % _shown(data["date"]))
    return True


def _remove(request: HttpRequest, commune: AdministrativeUnit) -> bool:
    form = OverrideRemoveForm(request.POST)
    if not form.is_valid():
        return False
    row = (
        WorkingDayOverride.objects.filter(commune=commune, pk=form.cleaned_data["remove"])
        .select_related("commune")
        .first()
    )
    if row is None:
        raise Http404
    try:
        core_services.working_day_override_delete(actor=request.user, override=row)
    except ApplicationError as error:
        details = [m for field_messages in error.fields.values() for m in field_messages]
        messages.error(request, " ".join([error.message, *details]))
        return False
    messages.success(request, _("Removed the adjustment of %(date)s.") % _shown(row.date))
    return True


def _shown(day: date) -> dict[str, str]:
    return {"date": day.strftime("%d/%m/%Y")}


@backoffice_view
def working_calendar(request: HttpRequest, code: str) -> HttpResponse:
    """The year's holidays and adjustments; the commune's own adjustments can be changed."""
    commune = commune_for(request, code, Action.BACKOFFICE_ENTER)
    year, year_form = _year(request)
    may_manage = can(request.user, Action.CALENDAR_MANAGE, commune)
    form = OverrideAddForm(prefix="add")
    status = 400 if year_form is not None else 200
    if request.method == "POST":
        require(request.user, Action.CALENDAR_MANAGE, commune)
        if "remove" in request.POST:
            done, form_year = _remove(request, commune), year
        else:
            form = OverrideAddForm(request.POST, prefix="add")
            done = _add(request, commune, form)
            form_year = form.cleaned_data["date"].year if done else year
        if done:
            target = reverse("web:working_calendar", args=[commune.code])
            return redirect(f"{target}?year={form_year}")
        status = 400
    rows = list(override_rows(year, commune=commune))
    context: dict[str, Any] = {
        "commune": commune,
        "year": year,
        "year_form": year_form or YearForm(initial={"year": year}),
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "days": _days(year, rows),
        "commune_rows": [r for r in rows if r.commune_id is not None],
        "form": form,
        "may_manage": may_manage,
    }
    return render(request, "web/backoffice/calendar.html", context, status=status)
