"""The back office (quản lý) for officials: villages, households, imports, audit trail.

Every view: parse → authorize through danchu.accounts.permissions → call a service → render.
Another commune's objects answer 404; a service's refusal becomes a form error, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from danchu.accounts.models import RoleAssignment
from danchu.accounts.permissions import Action, can, can_anywhere, get_for_actor, require, restrict
from danchu.core.errors import ApplicationError
from danchu.core.models import AuditEntry
from danchu.territory import imports
from danchu.territory import services as territory_services
from danchu.territory.imports import import_progress
from danchu.territory.models import (
    AdministrativeUnit,
    Household,
    HouseholdImport,
    HouseholdVillagePeriod,
    Resident,
    Village,
)
from danchu.territory.selectors import household_get, household_list, village_list
from danchu.web.forms import (
    HouseholdFilterForm,
    HouseholdImportForm,
    VillageCreateForm,
    VillageMergeForm,
    VillageUpdateForm,
    add_application_error,
)
from danchu.web.views.common import commune_for, current_communes, paginate, permission_errors

__all__ = [
    "audit",
    "dashboard",
    "household_detail",
    "households",
    "import_status",
    "import_upload",
    "village_edit",
    "villages",
]


def backoffice_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else the sign-in page), a back-office role somewhere (else 403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_anywhere(request.user, Action.BACKOFFICE_ENTER):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    return login_required(permission_errors(wrapper))


@backoffice_view
def dashboard(request: HttpRequest) -> HttpResponse:
    """The person's communes and roles, with what they may open in each."""
    user = request.user
    communes = restrict(current_communes(), user, Action.BACKOFFICE_ENTER).select_related("parent")
    rows = [
        {
            "commune": c,
            "villages": can(user, Action.VILLAGE_LIST, c),
            "households": can(user, Action.HOUSEHOLD_LIST, c),
            "import": can(user, Action.HOUSEHOLD_IMPORT, c),
            "audit": can(user, Action.AUDIT_VIEW, c),
        }
        for c in communes.order_by("name")[:200]
    ]
    roles = (
        RoleAssignment.objects.active()
        .filter(user_id=user.pk or 0)
        .select_related("unit", "village")
        .order_by("role")
    )
    return render(request, "web/backoffice/dashboard.html", {"rows": rows, "roles": roles})


def _villages_of(commune: AdministrativeUnit, user: Any) -> QuerySet[Village]:
    return village_list(actor=user, commune=commune)


@backoffice_view
def villages(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's villages with household counts; create and merge forms."""
    commune = commune_for(request, code, Action.VILLAGE_LIST)
    active = _villages_of(commune, request.user).order_by("name", "id")
    create_form = VillageCreateForm(prefix="create")
    merge_form = VillageMergeForm(prefix="merge", villages=active)
    status = 200
    if request.method == "POST":
        if "create-name" in request.POST:
            create_form = VillageCreateForm(request.POST, prefix="create")
            done = _village_create(request, commune, create_form)
        else:
            merge_form = VillageMergeForm(request.POST, prefix="merge", villages=active)
            done = _village_merge(request, commune, merge_form)
        if done:
            return redirect("web:villages", code=commune.code)
        status = 400
    listing = (
        village_list(actor=request.user, commune=commune, include_inactive=True)
        .select_related("merged_into")
        .order_by("-is_active", "name", "id")
    )
    context = {
        "commune": commune,
        "villages": listing,
        "create_form": create_form,
        "merge_form": merge_form,
        "may_create": can(request.user, Action.VILLAGE_CREATE, commune),
        "may_update": can(request.user, Action.VILLAGE_UPDATE, commune),
        "may_merge": can(request.user, Action.VILLAGE_DELETE, commune),
    }
    return render(request, "web/backoffice/villages.html", context, status=status)


def _village_create(request: HttpRequest, commune: AdministrativeUnit, form: Any) -> bool:
    require(request.user, Action.VILLAGE_CREATE, commune)
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        village = territory_services.village_create(
            actor=request.user,
            commune=commune,
            name=data["name"],
            kind=data["kind"],
            code=data["code"] or None,
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(request, _("Created %(name)s.") % {"name": village.name})
    return True


def _village_merge(request: HttpRequest, commune: AdministrativeUnit, form: Any) -> bool:
    require(request.user, Action.VILLAGE_DELETE, commune)
    if not form.is_valid():
        return False
    village, into = form.cleaned_data["village"], form.cleaned_data["into"]
    try:
        territory_services.village_merge(actor=request.user, village=village, into=into)
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    names = {"village": village.name, "into": into.name}
    messages.success(request, _("Merged %(village)s into %(into)s.") % names)
    return True


@backoffice_view
def village_edit(request: HttpRequest, code: str, village_id: int) -> HttpResponse:
    """Rename a village or change its kind."""
    commune = commune_for(request, code, Action.VILLAGE_LIST)
    village = get_for_actor(
        Village.objects.filter(commune=commune), request.user, Action.VILLAGE_UPDATE, pk=village_id
    )
    initial = {"name": village.name, "kind": village.kind}
    form = VillageUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            territory_services.village_update(
                actor=request.user,
                village=village,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:villages", code=commune.code)
    status = 400 if form.is_bound and form.errors else 200
    context = {"commune": commune, "village": village, "form": form}
    return render(request, "web/backoffice/village_edit.html", context, status=status)


def _household_rows(
    commune: AdministrativeUnit, user: Any, form: HouseholdFilterForm
) -> QuerySet[Household]:
    village, q = None, ""
    if form.is_valid():
        village, q = form.cleaned_data["village"], form.cleaned_data["q"]
    rows = household_list(actor=user, commune=commune, village=village, q=q)
    # The representative's row, for the masked citizen ID and phone: one query per page.
    representatives = Resident.objects.filter(is_representative=True)
    return rows.prefetch_related(
        Prefetch("members", queryset=representatives, to_attr="representatives")
    )


@backoffice_view
def households(request: HttpRequest, code: str) -> HttpResponse:
    """Households, searchable and filtered by village, 50 a page; personal data masked."""
    commune = commune_for(request, code, Action.HOUSEHOLD_LIST)
    form = HouseholdFilterForm(request.GET or None, villages=_villages_of(commune, request.user))
    page = paginate(request, _household_rows(commune, request.user, form))
    context = {
        "commune": commune,
        "form": form,
        "page_obj": page,
        "show_personal": can(request.user, Action.RESIDENT_VIEW_PERSONAL, commune),
        "may_import": can(request.user, Action.HOUSEHOLD_IMPORT, commune),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "web/backoffice/households.html", context, status=status)


@backoffice_view
def household_detail(request: HttpRequest, code: str, household_id: int) -> HttpResponse:
    """One household: its members and where it lived when."""
    commune = commune_for(request, code, Action.HOUSEHOLD_LIST)
    household = household_get(actor=request.user, pk=household_id)
    if household.commune_id != commune.pk:
        raise Http404
    periods = HouseholdVillagePeriod.objects.filter(
        commune=commune, household=household
    ).select_related("village")
    context = {
        "commune": commune,
        "household": household,
        "members": household.members.all(),  # prefetched by household_get
        "periods": periods.order_by("-start"),
        "show_personal": can(request.user, Action.RESIDENT_VIEW_PERSONAL, household),
    }
    return render(request, "web/backoffice/household_detail.html", context)


@backoffice_view
def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a household file; the import runs in the background (see import_status)."""
    commune = commune_for(request, code, Action.HOUSEHOLD_IMPORT)
    form = HouseholdImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            started = imports.household_import_start(
                actor=request.user, commune=commune, uploaded_file=form.cleaned_data["file"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("web:import_status", pk=started.pk)
    recent = restrict(
        HouseholdImport.objects.filter(commune=commune), request.user, Action.HOUSEHOLD_IMPORT
    ).order_by("-created_at")[:10]
    status = 400 if form.is_bound and form.errors else 200
    context = {"commune": commune, "form": form, "recent": recent}
    return render(request, "web/backoffice/import_upload.html", context, status=status)


@backoffice_view
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of one import; refreshes itself every 2 s while it runs (no JavaScript)."""
    job = get_for_actor(
        HouseholdImport.objects.select_related("commune"),
        request.user,
        Action.HOUSEHOLD_IMPORT,
        pk=pk,
    )
    # While the write phase holds the database, progress comes from the import's progress file.
    progress = import_progress(job)
    running = progress.status in {HouseholdImport.Status.PENDING, HouseholdImport.Status.RUNNING}
    errors = job.errors if isinstance(job.errors, list) else []
    context = {
        "job": job,
        "progress": progress,
        "commune": job.commune,
        "running": running,
        "errors": errors[:1000],
    }
    return render(request, "web/backoffice/import_status.html", context)


@backoffice_view
def audit(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's audit trail, newest first."""
    commune = commune_for(request, code, Action.BACKOFFICE_ENTER)
    require(request.user, Action.AUDIT_VIEW, commune)
    entries = AuditEntry.objects.filter(commune_id=commune.pk).order_by("-id")
    context = {"commune": commune, "page_obj": paginate(request, entries)}
    return render(request, "web/backoffice/audit.html", context)
