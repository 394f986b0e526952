"""Back-office pages of village-head elections and dismissal petitions (Decree 59/2023 Art. 6–9).

Server-rendered forms, no script: the election's four milestones with the last day of each,
the nominations at the meeting, a board's seats; the dismissal petitions of a commune, their
households' signatures and the step that puts the dismissal to the community. Each view parses a
form, calls a service of :mod:`danchu.decisions.elections` and shows its refusal (with the
article) on the form, with 400, 403 or 409 — never a 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can, require, restrict
from danchu.core.errors import ApplicationError
from danchu.decisions import elections, office
from danchu.decisions.backoffice_views import _matter_village, _put
from danchu.decisions.forms import _date_field, _NamesField
from danchu.decisions.models import (
    DismissalPetition,
    DismissalSignature,
    ElectionCandidate,
    ElectionPlan,
    Matter,
    MatterVillage,
)
from danchu.decisions.rules import MatterType
from danchu.territory.models import Household, Village
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for

__all__ = ["dismissal_detail", "dismissal_step", "dismissals", "election", "election_step"]


class PlanForm(forms.Form):
    election_day = _date_field(gettext_lazy("Election day"), required=True)
    plan_on = _date_field(gettext_lazy("Plan issued on"), required=True)


class CandidatesForm(forms.Form):
    names = _NamesField(label=gettext_lazy("Official candidates"))
    fixed_on = _date_field(gettext_lazy("List fixed on"), required=True)


class TeamForm(forms.Form):
    members = _NamesField(
        label=gettext_lazy("Election team members"),
        help_text=gettext_lazy("One name a line; the first leads the team."),
    )
    set_on = _date_field(gettext_lazy("Team set up on"), required=True)


class NoticeForm(forms.Form):
    notice_on = _date_field(gettext_lazy("Election announced on"), required=True)


class NominationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Candidate's full name"), max_length=200)
    source = forms.ChoiceField(
        label=gettext_lazy("Nominated by"),
        choices=[
            (ElectionCandidate.Source.HOUSEHOLDS, ElectionCandidate.Source.HOUSEHOLDS.label),
            (ElectionCandidate.Source.SELF, ElectionCandidate.Source.SELF.label),
        ],
    )


class SeatsForm(forms.Form):
    seats = forms.IntegerField(label=gettext_lazy("Seats to fill"), min_value=1, max_value=20)


_STEP_FORMS: dict[str, type[forms.Form]] = {
    "plan": PlanForm,
    "candidates": CandidatesForm,
    "team": TeamForm,
    "notice": NoticeForm,
    "nomination": NominationForm,
    "seats": SeatsForm,
}


def _call_step(step: str, request: HttpRequest, mv: MatterVillage, data: dict[str, Any]) -> None:
    actor = request.user
    if step == "plan":
        elections.election_plan_record(actor=actor, matter_village=mv, **data)
    elif step == "candidates":
        elections.election_candidates_fix(actor=actor, matter_village=mv, **data)
    elif step == "team":
        elections.election_team_set(actor=actor, matter_village=mv, **data)
    elif step == "notice":
        elections.election_notice_record(actor=actor, matter_village=mv, **data)
    elif step == "nomination":
        elections.meeting_nomination_add(actor=actor, matter_village=mv, **data)
    else:
        elections.board_seats_set(actor=actor, matter_village=mv, **data)


def _render_election(
    request: HttpRequest,
    mv: MatterVillage,
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    matter = mv.matter
    plan = ElectionPlan.objects.filter(matter_village=mv).first()
    candidates = list(
        ElectionCandidate.objects.filter(plan=plan).select_related("option") if plan else []
    )
    is_head = elections.is_village_head_election(matter)
    draft = matter.status == Matter.Status.DRAFT
    may_manage = can(request.user, Action.MATTER_MANAGE, mv)
    may_chair = can(request.user, Action.MATTER_COMMUNE_WIDE, matter.commune)
    step_forms = {key: cls() for key, cls in _STEP_FORMS.items()}
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    context = {
        "commune": matter.commune,
        "matter": matter,
        "mv": mv,
        "plan": plan,
        "steps": elections.election_steps(plan),
        "candidates": candidates,
        "is_head": is_head,
        # Who holds the office now (Decree 59/2023 Art. 8–9).
        "office": office.office_state(mv.village) if is_head else None,
        "is_board": matter.matter_type == MatterType.BOARD_MEMBERS,
        "may_chair": draft and is_head and may_chair,
        "may_prepare": draft and is_head and may_manage,
        "may_seats": draft and may_manage and matter.matter_type == MatterType.BOARD_MEMBERS,
        "may_nominate": matter.status == Matter.Status.OPEN and may_manage and not mv.hand_counts,
        "forms": step_forms,
    }
    return render(request, "decisions/backoffice/election.html", context, status=status)


@backoffice_view
def election(request: HttpRequest, mv_id: int) -> HttpResponse:
    """One village's election: the milestones, the candidates and who nominated them."""
    mv = _matter_village(request, mv_id, Action.MATTER_VIEW)
    if mv.matter.matter_type not in (MatterType.VILLAGE_HEAD, MatterType.BOARD_MEMBERS):
        raise Http404
    return _render_election(request, mv)


@backoffice_view
@require_POST
def election_step(request: HttpRequest, mv_id: int, step: str) -> HttpResponse:
    """Record one step (plan, candidates, team, notice, nomination, seats)."""
    mv = _matter_village(request, mv_id, Action.MATTER_VIEW)
    form_class = _STEP_FORMS.get(step)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_election(request, mv, bound=(step, form), status=400)
    try:
        _call_step(step, request, mv, dict(form.cleaned_data))
    except ApplicationError as error:
        status = _put(form, error)
        mv.refresh_from_db()
        return _render_election(request, mv, bound=(step, form), status=status)
    messages.success(request, _("The election step is recorded."))
    return redirect("decisions:bo_election", mv_id=mv.pk)


# --- dismissal petitions (Art. 9) --------------------------------------------------------------


class PetitionForm(forms.Form):
    village = forms.ModelChoiceField(label=gettext_lazy("Village"), queryset=Village.objects.none())
    route = forms.ChoiceField(
        label=gettext_lazy("Who asks for the dismissal"), choices=DismissalPetition.Route.choices
    )
    head_name = forms.CharField(label=gettext_lazy("Village head concerned"), max_length=200)
    reason = forms.CharField(
        label=gettext_lazy("Reason for dismissal"), max_length=250, widget=forms.Textarea
    )

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]


class SignaturesForm(forms.Form):
    households = forms.CharField(
        label=gettext_lazy("Households signing (codes, one a line)"), widget=forms.Textarea
    )
    signed_on = _date_field(gettext_lazy("Signed on"), required=True)


class DismissalMatterForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    question = forms.CharField(label=gettext_lazy("Question"), widget=forms.Textarea)


def _managed_villages(request: HttpRequest, commune: Any) -> Any:
    return restrict(
        Village.objects.filter(commune=commune, is_active=True), request.user, Action.MATTER_MANAGE
    ).order_by("name_folded", "pk")


@backoffice_view
def dismissals(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's dismissal petitions, and a new one (Decree 59/2023 Art. 9(1))."""
    commune = commune_for(request, code, Action.MATTER_LIST)
    villages = _managed_villages(request, commune)
    form = PetitionForm(request.POST or None, villages=villages)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                petition = elections.dismissal_petition_create(
                    actor=request.user, village=data["village"], route=data["route"],
                    head_name=data["head_name"], reason=data["reason"],
                )  # fmt: skip
            except ApplicationError as error:
                status = _put(form, error)
            else:
                messages.success(request, _("The dismissal request is recorded."))
                return redirect("decisions:bo_dismissal", pk=petition.pk)
        else:
            status = 400
    petitions = DismissalPetition.objects.filter(
        commune=commune, village__in=villages
    ).select_related("village", "matter")[:200]
    context = {"commune": commune, "petitions": petitions, "form": form, "may_create": villages}
    return render(request, "decisions/backoffice/election_dismissals.html", context, status=status)


def _petition(request: HttpRequest, pk: int) -> DismissalPetition:
    petition = (
        DismissalPetition.objects.select_related("village", "commune", "matter")
        .filter(pk=pk)
        .first()
    )
    if petition is None or not can(request.user, Action.MATTER_VIEW, petition.village):
        raise Http404
    return petition


def _render_petition(
    request: HttpRequest,
    petition: DismissalPetition,
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    signing, total = elections.dismissal_signatures(petition)
    step_forms: dict[str, forms.Form] = {
        "sign": SignaturesForm(),
        "matter": DismissalMatterForm(),
    }
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    collecting = petition.status == DismissalPetition.Status.COLLECTING
    context = {
        "commune": petition.commune,
        "petition": petition,
        "signing": signing,
        "total": total,
        "signatures": DismissalSignature.objects.filter(petition=petition)
        .select_related("household")
        .order_by("household__code")[:1000],
        "forms": step_forms,
        "may_manage": collecting and can(request.user, Action.MATTER_MANAGE, petition.village),
        "is_petition": petition.route == DismissalPetition.Route.HOUSEHOLDS,
    }
    return render(request, "decisions/backoffice/election_dismissal.html", context, status=status)


@backoffice_view
def dismissal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_petition(request, _petition(request, pk))


def _household_ids(petition: DismissalPetition, text: str) -> list[int] | None:
    codes = [line.strip() for line in text.splitlines() if line.strip()]
    found = dict(
        Household.objects.filter(
            commune_id=petition.commune_id, village_id=petition.village_id, code__in=codes
        ).values_list("code", "pk")
    )
    if not codes or len(found) != len(set(codes)):
        return None
    return [found[c] for c in dict.fromkeys(codes)]


@backoffice_view
@require_POST
def dismissal_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Record signatures, or put the dismissal to the community."""
    petition = _petition(request, pk)
    require(request.user, Action.MATTER_MANAGE, petition.village)
    form: forms.Form
    if step == "sign":
        form = SignaturesForm(request.POST)
    elif step == "matter":
        form = DismissalMatterForm(request.POST)
    else:
        raise Http404
    if not form.is_valid():
        return _render_petition(request, petition, bound=(step, form), status=400)
    data = form.cleaned_data
    try:
        if step == "sign":
            ids = _household_ids(petition, data["households"])
            if ids is None:
                form.add_error("households", _("Enter household codes of this village."))
                return _render_petition(request, petition, bound=(step, form), status=400)
            elections.dismissal_signatures_record(
                actor=request.user, petition=petition, household_ids=ids,
                signed_on=data["signed_on"],
            )  # fmt: skip
        else:
            matter = elections.dismissal_matter_create(
                actor=request.user, petition=petition, title=data["title"],
                question=data["question"],
            )  # fmt: skip
            messages.success(request, _("The dismissal is put to the community as a draft."))
            return redirect("decisions:bo_detail", pk=matter.pk)
    except ApplicationError as error:
        status = _put(form, error)
        return _render_petition(request, _petition(request, pk), bound=(step, form), status=status)
    messages.success(request, _("The signatures are recorded."))
    return redirect("decisions:bo_dismissal", pk=petition.pk)
