"""Pages of the village head's office (Decree 59/2023 Art. 8–9): who holds it in each village.

Back office: the commune's villages with their current head, and one village's office — the
current head with kind and term, the vacancy and the re-election's last day after a dismissal,
the history, and the commune chair's forms (appoint an interim head, shift the end of a term,
an interim head's resignation, link the head to a resident). Public: each village's head and
since when. Server-rendered, no script; a refusal shows on its form with 400, 403, 409 or 422.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from danchu.accounts.permissions import Action, can, get_for_actor
from danchu.core.errors import ApplicationError
from danchu.decisions import office, office_import
from danchu.decisions.backoffice_views import _put
from danchu.decisions.forms import _date_field
from danchu.decisions.models import VillageHeadTerm
from danchu.decisions.public_views import _commune
from danchu.territory.models import Resident, Village
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for

__all__ = [
    "heads_public",
    "offices",
    "offices_import",
    "offices_template",
    "village_office",
    "village_office_step",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _ResidentField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.household.code})"


def _residents(village: Village) -> Any:
    return (
        Resident.objects.filter(commune_id=village.commune_id, household__village=village)
        .select_related("household")
        .order_by("name_folded", "pk")
    )


class InterimForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Interim head's full name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty to use the resident's name."),
    )
    resident = _ResidentField(
        label=gettext_lazy("Resident of the village (optional)"),
        queryset=Resident.objects.none(),
        required=False,
    )
    started_on = _date_field(gettext_lazy("In office from"), required=True)
    until = _date_field(
        gettext_lazy("Until"), help_text=gettext_lazy("Empty: the longest an interim may serve.")
    )

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = _residents(village)  # type: ignore[attr-defined]


class ExistingForm(forms.Form):
    """The head in office before danchu (back-filling the village's first term)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("How they took office"),
        choices=VillageHeadTerm.Kind.choices,
        widget=forms.RadioSelect,
        initial=VillageHeadTerm.Kind.ELECTED,
    )
    name = forms.CharField(
        label=gettext_lazy("Village head's full name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty to use the resident's name."),
    )
    resident = _ResidentField(
        label=gettext_lazy("Resident of the village (optional)"),
        queryset=Resident.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "If their account signs in with a password, it receives the village-head role."
        ),
    )
    started_on = _date_field(
        gettext_lazy("In office from"),
        required=True,
        help_text=gettext_lazy("The day of the recognition or appointment decision."),
    )
    planned_end_on = _date_field(
        gettext_lazy("Planned end of term"),
        help_text=gettext_lazy(
            "Empty: the normal term for an elected head, the longest stay for an interim one."
        ),
    )
    reference = forms.CharField(
        label=gettext_lazy("Decision (number and date)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "E.g. Quyết định số 12/QĐ-UBND ngày 05/01/2024. Required for an elected head."
        ),
    )

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = _residents(village)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Sheet of the village heads (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ShiftForm(forms.Form):
    planned_end_on = _date_field(gettext_lazy("New end of term"), required=True)


class ResignForm(forms.Form):
    on = _date_field(gettext_lazy("Left office on"), required=True)


class LinkForm(forms.Form):
    resident = _ResidentField(
        label=gettext_lazy("Resident of the village"), queryset=Resident.objects.none()
    )

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = _residents(village)  # type: ignore[attr-defined]


def _forms(village: Village, data: Any = None) -> dict[str, forms.Form]:
    return {
        "existing": ExistingForm(data, village=village),
        "interim": InterimForm(data, village=village),
        "shift": ShiftForm(data),
        "resign": ResignForm(data),
        "link": LinkForm(data, village=village),
    }


def _village(request: HttpRequest, village_id: int) -> Village:
    return get_for_actor(
        Village.objects.select_related("commune"),
        request.user,
        Action.MATTER_VIEW,
        pk=village_id,
    )


def _render(
    request: HttpRequest,
    village: Village,
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    state = office.office_state(village, today)
    step_forms = _forms(village)
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    chair = can(request.user, Action.MATTER_COMMUNE_WIDE, village.commune)
    open_term = state.open_term
    shown = bound[0] if bound is not None else None
    kind = state.current.kind if state.current is not None else None
    is_elected, is_interim = (
        kind == VillageHeadTerm.Kind.ELECTED,
        kind == VillageHeadTerm.Kind.INTERIM,
    )
    context = {
        "commune": village.commune,
        "village": village,
        "state": state,
        "today": today,
        "forms": step_forms,
        "term_months": office.term_months(),
        "interim_months": office.interim_months(),
        # A refused form stays on the page with its error, whatever the state now. The head in
        # office before danchu is entered only into an empty history.
        "may_backfill": chair and (not state.history or shown == "existing"),
        "may_appoint": chair and (state.vacant or shown == "interim"),
        "may_shift": chair and (is_elected or shown == "shift"),
        "may_resign": chair and (is_interim or shown == "resign"),
        "may_link": chair
        and ((open_term is not None and open_term.resident_id is None) or shown == "link"),
    }
    return render(request, "decisions/backoffice/office.html", context, status=status)


@backoffice_view
def village_office(request: HttpRequest, village_id: int) -> HttpResponse:
    """One village's office: the head today, the vacancy, the history and the chair's forms."""
    return _render(request, _village(request, village_id))


@backoffice_view
@require_POST
def village_office_step(request: HttpRequest, village_id: int, step: str) -> HttpResponse:
    """Appoint an interim head, shift the end of the term, record a resignation, link."""
    village = _village(request, village_id)
    step_forms = _forms(village, request.POST)
    form = step_forms.get(step)
    if form is None:
        raise Http404
    if not form.is_valid():
        return _render(request, village, bound=(step, form), status=400)
    data = form.cleaned_data
    term = office.office_state(village).open_term
    try:
        if step == "existing":
            office.term_record_existing(
                actor=request.user, village=village, kind=data["kind"], name=data["name"] or "",
                started_on=data["started_on"], planned_end_on=data["planned_end_on"],
                reference=data["reference"] or "", resident=data["resident"],
            )  # fmt: skip
        elif step == "interim":
            office.interim_appoint(
                actor=request.user, village=village, name=data["name"] or "",
                started_on=data["started_on"], until=data["until"], resident=data["resident"],
            )  # fmt: skip
        elif term is None:
            raise Http404
        elif step == "shift":
            office.term_end_shift(
                actor=request.user, term=term, planned_end_on=data["planned_end_on"]
            )
        elif step == "resign":
            office.term_resign(actor=request.user, term=term, on=data["on"])
        else:
            office.term_holder_link(actor=request.user, term=term, resident=data["resident"])
    except ApplicationError as error:
        status = _put(form, error)
        return _render(request, village, bound=(step, form), status=status)
    messages.success(request, _("The village head's office is recorded."))
    return redirect("decisions:bo_office", village_id=village.pk)


def _offices(
    request: HttpRequest,
    commune: Any,
    *,
    form: ImportForm | None = None,
    errors: list[str] | None = None,
    error_count: int = 0,
    status: int = 200,
) -> HttpResponse:
    context = {
        "commune": commune,
        "rows": office.heads_public(commune),
        "chair": can(request.user, Action.MATTER_COMMUNE_WIDE, commune),
        "import_form": form or ImportForm(),
        "import_errors": errors or [],
        "unlisted_errors": max(error_count - len(errors or []), 0),
    }
    return render(request, "decisions/backoffice/offices.html", context, status=status)


@backoffice_view
def offices(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's villages and their heads today (three queries whatever their number); the
    chair's sheet of the heads in office before danchu."""
    return _offices(request, commune_for(request, code, Action.MATTER_LIST))


def _chair_commune(request: HttpRequest, code: str) -> Any:
    commune = commune_for(request, code, Action.MATTER_LIST)
    if not can(request.user, Action.MATTER_COMMUNE_WIDE, commune):
        raise DjangoPermissionDenied
    return commune


@backoffice_view
@require_POST
def offices_import(request: HttpRequest, code: str) -> HttpResponse:
    """Import the sheet of the heads in office before danchu: all rows, or none and every
    problem listed by row and column."""
    commune = _chair_commune(request, code)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _offices(request, commune, form=form, status=400)
    uploaded = form.cleaned_data["file"]
    result = office_import.heads_import(
        actor=request.user,
        commune=commune,
        content=uploaded.read(office_import.MAX_BYTES + 1),
        file_name=uploaded.name,
    )
    if not result.ok:
        errors = [str(e) for e in result.errors]
        return _offices(
            request, commune, form=form, errors=errors, error_count=result.error_count, status=400
        )
    messages.success(
        request,
        _("%(count)s village heads in office before danchu are recorded.")
        % {"count": result.created},
    )
    return redirect("decisions:bo_offices", code=commune.code)


@backoffice_view
@require_safe
def offices_template(request: HttpRequest, code: str) -> HttpResponse:
    """The sheet to fill, with the commune's villages that have no recorded head yet."""
    commune = _chair_commune(request, code)
    response = HttpResponse(office_import.template_workbook(commune), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="truong-thon-{commune.code}.xlsx"'
    return response


@require_safe
def heads_public(request: HttpRequest, code: str) -> HttpResponse:
    """Public: each village's head and since when (no sign-in; names only)."""
    commune = _commune(code)
    context = {"commune": commune, "rows": office.heads_public(commune)}
    return render(request, "decisions/public/heads.html", context)
