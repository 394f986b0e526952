"""Pages of citizen initiatives (sáng kiến của công dân): Law 10/2022/QH15 Art. 16(3).

Public (no sign-in): the commune's initiatives and each one's progress towards 10 % of all
households of its village. Signed in: a resident proposes an initiative for their village; a
household representative consents for their household (the consent counts for 3 months); the
proposer withdraws it. Back office: the village head or a commune official sees which
households consented, enters a consent collected on paper or at a meeting, and the Front
working committee may let an initiative below 10 % go forward.

Every view parses, authorizes through the permission layer (in the services of
:mod:`danchu.decisions.initiatives`), calls a service and renders; refusals are field errors
with 400, 403 or 409, another commune's initiative is 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can, grants_for, require
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied
from danchu.decisions import initiative_reads, initiatives, selectors
from danchu.decisions.models import Initiative, Matter
from danchu.decisions.page_forms import (
    ConsentRecordForm,
    FrontApprovalForm,
    InitiativeCreateForm,
)
from danchu.territory.models import AdministrativeUnit, Household, Village
from danchu.territory.selectors import commune_public
from danchu.web.forms import add_application_error, error_messages
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate, permission_errors

__all__ = [
    "backoffice_detail",
    "backoffice_list",
    "consent",
    "propose",
    "public_detail",
    "public_list",
    "withdraw",
]

# What the public sees of a matter opened from an initiative (as the public matter pages).
_PUBLIC_MATTER = (Matter.Status.OPEN, Matter.Status.CLOSED)


def _commune(code: str) -> AdministrativeUnit:
    try:
        return commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error


def _initiative(commune: AdministrativeUnit, pk: int) -> Initiative:
    try:
        return initiatives.initiative_get(commune=commune, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _status_of(error: ApplicationError) -> int:
    if isinstance(error, NotFound):
        raise Http404(error.message) from error
    if isinstance(error, PermissionDenied):
        return 403
    return 400 if error.fields or error.code == "invalid" else 409


class StatusFilterForm(forms.Form):
    """The list's filter (GET): wrong input is a field error and a 400, never a 500."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All")), *Initiative.Status.choices],
        required=False,
    )


def _rows(request: HttpRequest, commune: AdministrativeUnit) -> tuple[Any, Any, int]:
    """The page of the commune's initiatives with their progress; the filter form; the status."""
    form = StatusFilterForm(request.GET or None)
    found = initiatives.initiative_list(commune=commune)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["status"]:
        found = found.filter(status=form.cleaned_data["status"])
    on = initiative_reads.today()
    page = paginate(request, initiative_reads.with_progress(found, on))
    page.object_list = [
        {"initiative": i, "progress": initiative_reads.progress_of(i, on)} for i in page.object_list
    ]
    return page, form, status


# ---------------------------------------------------------------------------------------------
# Public pages


def public_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's initiatives and how far each is from 10 % of its village's households.
    Queries: the commune, the count and the page (the progress annotated) — whatever the rows."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    commune = _commune(code)
    page, form, status = _rows(request, commune)
    may_propose = can(request.user, Action.INITIATIVE_CREATE, commune)
    context = {"commune": commune, "page_obj": page, "form": form, "may_propose": may_propose}
    return render(request, "decisions/public/initiative_list.html", context, status=status)


def _own_household(request: HttpRequest) -> Household | None:
    if not request.user.is_authenticated:
        return None
    return selectors.own_household(request.user)


def _render_detail(
    request: HttpRequest,
    commune: AdministrativeUnit,
    initiative: Initiative,
    *,
    page_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    progress = initiatives.initiative_progress(initiative, on=initiative_reads.today())
    household = _own_household(request)
    mine = None
    if household is not None:
        mine = initiatives.consent_of_actor(actor=user, initiative=initiative)
    collecting = initiative.status == Initiative.Status.COLLECTING
    may_consent = (
        collecting
        and household is not None
        and household.village_id == initiative.village_id
        and can(user, Action.CONSENT_GIVE, household)
    )
    matter = Matter.objects.filter(initiative=initiative, status__in=_PUBLIC_MATTER).first()
    may_withdraw = (
        user.is_authenticated
        and user.pk == initiative.proposer_id
        and initiative.status != Initiative.Status.WITHDRAWN
        and matter is None
    )
    context = {
        "commune": commune,
        "initiative": initiative,
        "progress": progress,
        "article": initiatives.ARTICLE,
        "mine": mine,
        "mine_counts": mine is not None and mine.valid_until >= progress.on,
        "may_consent": may_consent,
        "may_withdraw": may_withdraw,
        "matter": matter,
        "page_errors": page_errors or [],
    }
    return render(request, "decisions/public/initiative_detail.html", context, status=status)


def public_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One initiative: the proposal, the valid consents against the households needed, when the
    first consent lapses; the representative's consent button; the matter it became."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    commune = _commune(code)
    return _render_detail(request, commune, _initiative(commune, pk))


class ProposeForm(InitiativeCreateForm):
    """The proposal with the village (a resident proposes for their own village)."""

    village = forms.ModelChoiceField(
        label=gettext_lazy("Village or residential group"),
        queryset=Village.objects.none(),
        error_messages={"required": gettext_lazy("Choose an active village of the commune.")},
    )
    field_order = ["village", "matter_type", "title", "proposal"]

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]


@login_required
@permission_errors
def propose(request: HttpRequest, code: str) -> HttpResponse:
    """A resident proposes a matter to their village's community (Art. 16(3))."""
    commune = _commune(code)
    require(request.user, Action.INITIATIVE_CREATE, commune)
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name", "id")
    household = _own_household(request)
    initial = {"village": household.village_id} if household is not None else {}
    posted = request.method == "POST"
    form = ProposeForm(request.POST if posted else None, villages=villages, initial=initial)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = initiatives.initiative_create(
                    actor=request.user,
                    village=data["village"],
                    matter_type=data["matter_type"],
                    title=data["title"],
                    proposal=data["proposal"],
                )
            except ApplicationError as error:
                status = _status_of(error)
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("Your initiative is published. Households of the village can now consent."),
                )
                return redirect("decisions:initiative_detail", code=commune.code, pk=created.pk)
    context = {"commune": commune, "form": form}
    return render(request, "decisions/public/initiative_propose.html", context, status=status)


@login_required
@permission_errors
@require_POST
def consent(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The representative consents for their household today (renewing an earlier consent)."""
    commune = _commune(code)
    initiative = _initiative(commune, pk)
    household = _own_household(request)
    if household is None:
        raise PermissionDenied(
            _("Only a household representative consents, for their own household."),
            code="forbidden",
        )
    try:
        given = initiatives.consent_give(
            actor=request.user, initiative=initiative, household=household
        )
    except ApplicationError as error:
        status = _status_of(error)
        initiative.refresh_from_db()
        return _render_detail(
            request, commune, initiative, page_errors=error_messages(error), status=status
        )
    messages.success(
        request,
        _("Your household's consent is recorded. It counts until %(day)s.")
        % {"day": f"{given.valid_until:%d/%m/%Y}"},
    )
    return redirect("decisions:initiative_detail", code=commune.code, pk=initiative.pk)


@login_required
@permission_errors
@require_POST
def withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The proposer withdraws the initiative while no matter was opened from it."""
    commune = _commune(code)
    initiative = _initiative(commune, pk)
    try:
        initiatives.initiative_withdraw(actor=request.user, initiative=initiative)
    except ApplicationError as error:
        status = _status_of(error)
        initiative.refresh_from_db()
        return _render_detail(
            request, commune, initiative, page_errors=error_messages(error), status=status
        )
    messages.success(request, _("The initiative is withdrawn."))
    return redirect("decisions:initiative_detail", code=commune.code, pk=initiative.pk)


# ---------------------------------------------------------------------------------------------
# Back office


@backoffice_view
def backoffice_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's initiatives for its officials, village heads and the Front."""
    commune = commune_for(request, code, Action.MATTER_LIST)
    page, form, status = _rows(request, commune)
    context = {"commune": commune, "page_obj": page, "form": form}
    return render(request, "decisions/backoffice/initiatives.html", context, status=status)


def _front_may_approve(user: Any, initiative: Initiative) -> bool:
    """Whether to offer the Front's approval (the service decides)."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        g.role in initiatives.FRONT_ROLES and g.commune_id == initiative.commune_id
        for g in grants_for(user)
    )


def _render_backoffice(
    request: HttpRequest,
    commune: AdministrativeUnit,
    initiative: Initiative,
    *,
    consent_form: ConsentRecordForm | None = None,
    front_form: FrontApprovalForm | None = None,
    page_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    on = initiative_reads.today()
    progress = initiatives.initiative_progress(initiative, on=on)
    try:
        listing = initiatives.consent_list(actor=user, initiative=initiative)
    except PermissionDenied:
        page = None  # a village head of another village: not theirs to see
    else:
        page = paginate(request, listing)
    collecting = initiative.status == Initiative.Status.COLLECTING
    context = {
        "commune": commune,
        "initiative": initiative,
        "progress": progress,
        "article": initiatives.ARTICLE,
        "page_obj": page,
        "today": on,
        "may_record": collecting and can(user, Action.HOUSEHOLD_UPDATE, initiative.village),
        "may_approve": collecting and _front_may_approve(user, initiative),
        "consent_form": consent_form or ConsentRecordForm(initial={"given_on": on}),
        "front_form": front_form or FrontApprovalForm(),
        "matter": Matter.objects.filter(initiative=initiative).first(),
        "page_errors": page_errors or [],
    }
    return render(request, "decisions/backoffice/initiative.html", context, status=status)


@backoffice_view
def backoffice_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One initiative: the households that consented and until when; a consent collected on
    paper; the Front working committee's approval below 10 %; checking the count now."""
    commune = commune_for(request, code, Action.MATTER_LIST)
    initiative = _initiative(commune, pk)
    if request.method != "POST":
        return _render_backoffice(request, commune, initiative)
    step = request.POST.get("step", "")
    if step == "consent":
        return _record_consent(request, commune, initiative)
    if step == "front":
        return _front_approve(request, commune, initiative)
    if step == "check":
        try:
            initiatives.initiative_check(actor=request.user, initiative=initiative)
        except ApplicationError as error:
            status = _status_of(error)
            return _render_backoffice(
                request, commune, initiative, page_errors=error_messages(error), status=status
            )
        messages.success(request, _("The consents are counted again."))
        return redirect("decisions:bo_initiative", code=commune.code, pk=initiative.pk)
    return _render_backoffice(
        request, commune, initiative, page_errors=[_("Choose a step.")], status=400
    )


def _record_consent(
    request: HttpRequest, commune: AdministrativeUnit, initiative: Initiative
) -> HttpResponse:
    form = ConsentRecordForm(request.POST)
    status = 400
    if form.is_valid():
        household = Household.objects.filter(
            commune=commune, code=form.cleaned_data["household"].strip()
        ).first()
        if household is None:
            form.add_error("household", _("No household of the commune has this code."))
        else:
            try:
                initiatives.consent_give(
                    actor=request.user,
                    initiative=initiative,
                    household=household,
                    given_on=form.cleaned_data["given_on"],
                )
            except ApplicationError as error:
                status = _status_of(error)
                add_application_error(form, error)
            else:
                messages.success(
                    request, _("Household %(code)s: consent recorded.") % {"code": household.code}
                )
                return redirect("decisions:bo_initiative", code=commune.code, pk=initiative.pk)
    initiative.refresh_from_db()
    return _render_backoffice(request, commune, initiative, consent_form=form, status=status)


def _front_approve(
    request: HttpRequest, commune: AdministrativeUnit, initiative: Initiative
) -> HttpResponse:
    form = FrontApprovalForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            initiatives.initiative_front_approve(
                actor=request.user, initiative=initiative, note=form.cleaned_data["note"]
            )
        except ApplicationError as error:
            status = _status_of(error)
            add_application_error(form, error)
        else:
            messages.success(request, _("The initiative goes to the community."))
            return redirect("decisions:bo_initiative", code=commune.code, pk=initiative.pk)
    initiative.refresh_from_db()
    return _render_backoffice(request, commune, initiative, front_form=form, status=status)
