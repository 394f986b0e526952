"""Pages for the historical figures: upload a sheet, download the template, undo an import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can_anywhere, restrict
from danchu.reporting import history
from danchu.reporting.models import ReportedFigure
from danchu.web.views.backoffice import backoffice_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportedFiguresForm(forms.Form):
    file = forms.FileField(
        label=_("Sheet of reported figures (.xlsx)"),
        help_text=_(
            "One row per figure: unit code, unit name, indicator code, first day, last day, "
            "value, note. Download the template for the columns and the indicator codes."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel (.xlsx) file."))
        if uploaded.size > history.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return uploaded


def _require_writer(request: HttpRequest) -> None:
    if not can_anywhere(request.user, Action.REVIEW_WRITE):
        raise DjangoPermissionDenied


def _recent(request: HttpRequest) -> list[dict[str, Any]]:
    """The latest imports the person may see, one GROUP BY."""
    rows = restrict(ReportedFigure.objects.all(), request.user, Action.REVIEW_VIEW)
    return [
        dict(row)
        for row in rows.exclude(batch="")
        .values("batch", "source_file")
        .annotate(figures=Count("pk"), first=Min("first"), last=Max("last"), at=Max("entered_at"))
        .order_by("-at")[:20]
    ]


@backoffice_view
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a sheet: all of it is imported, or nothing and every error is listed."""
    _require_writer(request)
    form = ReportedFiguresForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    result = None
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        result = history.reported_figures_import(
            actor=request.user,
            content=uploaded.read(history.MAX_BYTES + 1),
            file_name=uploaded.name,
            note=form.cleaned_data["note"],
        )
        if result.ok:
            return redirect(f"{request.path}?nhap={result.batch}")
        errors = [str(e) for e in result.errors[:500]]
    done = request.GET.get("nhap", "")[:40]
    context = {"form": form, "errors": errors, "recent": _recent(request), "done": done}
    status = 400 if (form.is_bound and form.errors) or errors else 200
    return render(request, "reporting/history/upload.html", context, status=status)


@backoffice_view
def template(request: HttpRequest) -> HttpResponse:
    """The empty sheet with its headers and the list of indicators."""
    _require_writer(request)
    response = HttpResponse(history.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-so-lieu-bao-cao.xlsx"'
    return response


@require_POST
@backoffice_view
def delete(request: HttpRequest, batch: str) -> HttpResponse:
    """Remove the figures of one import (entered by mistake)."""
    _require_writer(request)
    history.reported_figures_delete_batch(actor=request.user, batch=batch[:40])
    return redirect("reporting:history_upload")
