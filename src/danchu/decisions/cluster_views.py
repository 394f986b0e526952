"""Back office of a meeting held by residential cluster (Law 10/2022 Art. 18(3); Decree
59/2023 Art. 3(6)): plan the clusters, the commune approves, each session's counts, and the sum
as the village's result. Works without JavaScript: the clusters are named first (GET), then
each household is put in one of them with a plain select, contiguous blocks by default.

Thin views: parse, authorize through the permission layer (the services check again), call
:mod:`danchu.decisions.clusters`, render; a refusal is shown with 400 or 409, never a 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can, get_for_actor
from danchu.core.errors import ApplicationError
from danchu.decisions import clusters, services
from danchu.decisions.forms import ResultForm
from danchu.decisions.models import ClusterPlan, Matter, MatterVillage, MeetingSession, Option
from danchu.decisions.rules import Form
from danchu.territory.models import Household, Resident
from danchu.web.forms import error_messages
from danchu.web.views.backoffice import backoffice_view

__all__ = [
    "cluster_combine",
    "cluster_plan",
    "cluster_plan_approve",
    "cluster_session",
    "clusters_page",
]

MAX_CLUSTERS = 20


def _matter_village(request: HttpRequest, pk: int, action: Action) -> MatterVillage:
    return get_for_actor(
        MatterVillage.objects.select_related("matter", "matter__commune", "village"),
        request.user,
        action,
        pk=pk,
    )


def _names(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def _index(value: Any, count: int) -> int | None:
    text = str(value or "")
    if text.isascii() and text.isdecimal() and len(text) <= 3 and int(text) < count:
        return int(text)
    return None


class SessionCountsForm(forms.Form):
    """One session's counts per option."""

    def __init__(self, *args: Any, options: list[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        for option in options:
            self.fields[f"option_{option.pk}"] = forms.IntegerField(
                label=option.label, min_value=0, max_value=10**6, initial=0
            )

    def counts(self) -> dict[int | str, int]:
        return {o.pk: self.cleaned_data[f"option_{o.pk}"] for o in self.options}


class PlanNamesForm(forms.Form):
    names = forms.CharField(
        label=gettext_lazy("Residential clusters (one name a line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_CLUSTERS * 210,
    )
    dispersed = forms.BooleanField(
        label=gettext_lazy("The households live far apart (whatever their number)"),
        required=False,
    )


def _households(mv: MatterVillage) -> list[Household]:
    return list(
        services.eligible_households(mv)
        .order_by("code", "pk")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Resident.objects.filter(is_representative=True).order_by("pk"),
                to_attr="representatives",
            )
        )
    )


def _render(
    request: HttpRequest,
    mv: MatterVillage,
    *,
    page_errors: list[str] | None = None,
    status: int = 200,
    names_form: PlanNamesForm | None = None,
    assignment: dict[int, int] | None = None,
) -> HttpResponse:
    matter = mv.matter
    user = request.user
    plan = ClusterPlan.objects.filter(matter_village=mv).first()
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    running = (
        matter.status == Matter.Status.OPEN
        and mv.status == MatterVillage.Status.OPEN
        and mv.form == Form.MEETING
        and not mv.hand_counts
    )
    may_manage = running and can(user, Action.MATTER_MANAGE, mv)
    editable = may_manage and (plan is None or plan.approved_on is None)
    if names_form is None:
        names_form = (
            PlanNamesForm(request.GET or None) if "names" in request.GET else PlanNamesForm()
        )
    names: list[str] = []
    rows: list[dict[str, Any]] = []
    if editable and names_form.is_bound and names_form.is_valid():
        names = _names(names_form.cleaned_data["names"])[:MAX_CLUSTERS]
        households = _households(mv)
        size = max(1, -(-len(households) // max(1, len(names))))  # contiguous blocks
        for n, household in enumerate(households):
            reps = getattr(household, "representatives", [])
            chosen = (assignment or {}).get(household.pk, min(n // size, len(names) - 1))
            rows.append({"household": household, "name": reps[0].full_name if reps else "",
                         "chosen": chosen})  # fmt: skip
    sessions = clusters.session_rows(mv) if plan is not None else []
    context = {
        "commune": matter.commune,
        "matter": matter,
        "mv": mv,
        "plan": plan,
        "refusal": clusters.cluster_refusal(mv.total_households),
        "minimum": clusters.CLUSTER_MIN_HOUSEHOLDS,
        "names_form": names_form,
        "names": names,
        "names_text": "\n".join(names),
        "rows": rows,
        "sessions": [
            {"row": r, "form": SessionCountsForm(
                options=options, prefix=f"s{r.session.pk}",
                initial={f"option_{o.pk}": r.counts.get(o.pk, 0) for o in options})}
            for r in sessions
        ],  # fmt: skip
        "options": options,
        "running": running,
        "may_manage": may_manage,
        "editable": editable,
        "may_approve": running and plan is not None and plan.approved_on is None
        and can(user, Action.MATTER_COMMUNE_WIDE, matter.commune),
        "combine_form": ResultForm(options=[]),
        "page_errors": page_errors or [],
    }  # fmt: skip
    return render(request, "decisions/backoffice/attendance_clusters.html", context, status=status)


def _refused(
    request: HttpRequest, mv: MatterVillage, error: ApplicationError, **kw: Any
) -> HttpResponse:
    status = 409 if error.status == 409 else 403 if error.status == 403 else 400
    if error.status == 404:
        raise Http404
    return _render(request, mv, page_errors=error_messages(error), status=status, **kw)


@backoffice_view
def clusters_page(request: HttpRequest, mv_id: int) -> HttpResponse:
    """The village's clusters: plan, approval, sessions and their counts."""
    mv = _matter_village(request, mv_id, Action.MATTER_VIEW)
    return _render(request, mv)


@backoffice_view
@require_POST
def cluster_plan(request: HttpRequest, mv_id: int) -> HttpResponse:
    """Save the clusters: every household in one of them."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    names_form = PlanNamesForm(request.POST)
    if not names_form.is_valid():
        return _render(request, mv, names_form=names_form, status=400)
    names = _names(names_form.cleaned_data["names"])[:MAX_CLUSTERS]
    ids = list(services.eligible_households(mv).values_list("pk", flat=True))
    assignment: dict[int, int] = {}
    for pk in ids:
        chosen = _index(request.POST.get(f"cluster_{pk}"), len(names))
        if chosen is not None:
            assignment[pk] = chosen
    plan = [(name, [pk for pk, n in assignment.items() if n == i]) for i, name in enumerate(names)]
    try:
        clusters.cluster_plan_create(
            actor=request.user, matter_village=mv, clusters=plan,
            dispersed=names_form.cleaned_data["dispersed"],
        )  # fmt: skip
    except ApplicationError as error:
        return _refused(request, mv, error, names_form=names_form, assignment=assignment)
    messages.success(request, _("The clusters are saved: the commune approves them next."))
    return redirect("decisions:bo_clusters", mv_id=mv.pk)


@backoffice_view
@require_POST
def cluster_plan_approve(request: HttpRequest, mv_id: int) -> HttpResponse:
    """The commune People's Committee approves the clusters (Decree 59/2023 Art. 3(6))."""
    mv = _matter_village(request, mv_id, Action.MATTER_VIEW)
    plan = ClusterPlan.objects.filter(matter_village=mv).first()
    if plan is None:
        raise Http404
    plan.matter_village = mv
    try:
        clusters.cluster_plan_approve(actor=request.user, plan=plan)
    except ApplicationError as error:
        return _refused(request, mv, error)
    messages.success(request, _("The clusters are approved."))
    return redirect("decisions:bo_clusters", mv_id=mv.pk)


@backoffice_view
@require_POST
def cluster_session(request: HttpRequest, mv_id: int) -> HttpResponse:
    """Record one session's counts."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    session_id = str(request.POST.get("session", ""))
    if not (session_id.isascii() and session_id.isdecimal() and len(session_id) <= 18):
        raise Http404
    session = MeetingSession.objects.filter(matter_village=mv, pk=int(session_id)).first()
    if session is None:
        raise Http404
    session.matter_village = mv
    options = list(Option.objects.filter(matter=mv.matter).order_by("position"))
    form = SessionCountsForm(request.POST, options=options, prefix=f"s{session.pk}")
    if not form.is_valid():
        found = [f"{form.fields[k].label}: {e}" for k, errs in form.errors.items() for e in errs]
        return _render(request, mv, page_errors=found, status=400)
    try:
        clusters.session_result_record(actor=request.user, session=session, counts=form.counts())
    except ApplicationError as error:
        return _refused(request, mv, error)
    messages.success(request, _("The counts of %(name)s are saved.") % {"name": session.name})
    return redirect("decisions:bo_clusters", mv_id=mv.pk)


@backoffice_view
@require_POST
def cluster_combine(request: HttpRequest, mv_id: int) -> HttpResponse:
    """Add the sessions up into the village's result (Law 10/2022 Art. 18(3))."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    form = ResultForm(request.POST, options=[])
    if not form.is_valid():
        found = [str(e) for errs in form.errors.values() for e in errs]
        return _render(request, mv, page_errors=found, status=400)
    data = form.cleaned_data
    try:
        clusters.cluster_results_combine(
            actor=request.user, matter_village=mv, team=data["team"],
            witnesses=data["witnesses"], secret=data["secret"],
            team_approved_by=data["team_approved_by"],
        )  # fmt: skip
    except ApplicationError as error:
        return _refused(request, mv, error)
    messages.success(request, _("The meeting's result is recorded."))
    return redirect("decisions:bo_meeting", mv_id=mv.pk)
