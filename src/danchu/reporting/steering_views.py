"""Back office of the steering part: plans and key tasks with progress, overdue tasks,
emulation rounds with their ranking and awards.

Views parse, authorise through the permission layer, call a service and render. Another
commune's rows answer 404, one's own without the right 403; a refusal of a service is a field
error on the page (status 400), never a 500.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, can, get_for_actor, require
from danchu.core.errors import ApplicationError, NotFound
from danchu.reporting import emulation, steering, steering_selectors
from danchu.reporting.models import (
    Award,
    EmulationRound,
    KeyTask,
    SteeringPlan,
    TaskProgress,
)
from danchu.reporting.steering_forms import (
    AwardForm,
    PlanForm,
    ProgressForm,
    RoundForm,
    StatusForm,
    TaskForm,
)
from danchu.territory.models import AdministrativeUnit, Village
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view

__all__ = [
    "award_delete",
    "award_edit",
    "evidence",
    "overdue",
    "plan_delete",
    "plan_detail",
    "plan_edit",
    "plans",
    "round_delete",
    "round_detail",
    "round_edit",
    "rounds",
    "task_detail",
]

LEVELS = {"xa": AdministrativeUnit.Level.COMMUNE, "tinh": AdministrativeUnit.Level.PROVINCE}


def _unit(request: HttpRequest, level: str, code: str, action: Action, model: type[Model]) -> Any:
    """The current commune or province ``code`` if the person may do ``action`` on its rows."""
    return steering_selectors.unit_for(request.user, LEVELS.get(level, "-"), code, action, model)


def _level(unit: AdministrativeUnit) -> str:
    return "tinh" if unit.level == AdministrativeUnit.Level.PROVINCE else "xa"


def _assignable(plan: SteeringPlan) -> Any:
    if plan.commune_id is not None:
        return Village.objects.filter(commune_id=plan.commune_id, is_active=True).order_by(
            "name", "id"
        )
    return AdministrativeUnit.objects.filter(
        parent_id=plan.province_id, level=AdministrativeUnit.Level.COMMUNE
    ).order_by("name", "id")


def _save(request: HttpRequest, form: forms.Form, call: Any) -> bool:
    """Run the service on a valid form; False with the errors on the form otherwise."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(request, _("Saved."))
    return True


# --- plans and key tasks ---------------------------------------------------------------------


@backoffice_view
def plans(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """A unit's steering plans (newest first) and, for the committee, the form for a new one;
    for a commune, the province's tasks assigned to it."""
    unit = _unit(request, level, code, Action.STEERING_VIEW, SteeringPlan)
    may_manage = can(request.user, Action.STEERING_MANAGE, steering.probe(SteeringPlan, unit))
    form = PlanForm()
    status = 200
    if request.method == "POST":
        require(request.user, Action.STEERING_MANAGE, steering.probe(SteeringPlan, unit))
        form = PlanForm(request.POST)
        created: list[SteeringPlan] = []
        if _save(
            request,
            form,
            lambda d: created.append(
                steering.plan_create(
                    actor=request.user,
                    unit=unit,
                    title=d["title"],
                    reference=d["reference"],
                    period_first=d["period"].first,
                    period_last=d["period"].last,
                )  # fmt: skip
            ),
        ):
            return redirect("reporting:steering_plan", created[0].pk)
        status = 400
    rows = steering_selectors.plan_list(actor=request.user, unit=unit).annotate(
        task_count=Count("tasks")
    )
    assigned = (
        list(steering_selectors.assigned_tasks(actor=request.user, commune=unit))
        if unit.level == AdministrativeUnit.Level.COMMUNE
        else []
    )
    context = {
        "unit": unit,
        "level": _level(unit),
        "plans": list(rows[:200]),
        "assigned": assigned,
        "today": timezone.localdate(),
        "may_manage": may_manage,
        "form": form,
    }
    return render(request, "reporting/steering_plans.html", context, status=status)


@backoffice_view
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's key tasks with their units, deadline, status, progress and overdue mark; the
    committee adds tasks here."""
    plan = get_for_actor(
        SteeringPlan.objects.select_related("unit"), request.user, Action.STEERING_VIEW, pk=pk
    )
    may_manage = can(request.user, Action.STEERING_MANAGE, plan)
    form = TaskForm(units=_assignable(plan))
    status = 200
    if request.method == "POST":
        require(request.user, Action.STEERING_MANAGE, plan)
        form = TaskForm(request.POST, units=_assignable(plan))
        if _save(
            request,
            form,
            lambda d: steering.task_add(
                actor=request.user,
                plan=plan,
                title=d["title"],
                description=d["description"],
                deadline=d["deadline"],
                assignees=list(d["assignees"]),
            ),  # fmt: skip
        ):
            return redirect("reporting:steering_plan", plan.pk)
        status = 400
    today = timezone.localdate()
    tasks = list(steering_selectors.with_details(plan.tasks.all()).order_by("position", "id"))
    context = {
        "plan": plan,
        "unit": plan.unit,
        "level": _level(plan.unit),
        "rows": [
            {
                "task": t,
                "assignees": steering_selectors.assignees_text(t),
                "overdue": t.overdue_on(today),
                "note": steering_selectors.last_note(t),
            }
            for t in tasks
        ],
        "today": today,
        "may_manage": may_manage,
        "form": form,
    }
    return render(request, "reporting/steering_plan.html", context, status=status)


def _task_for(request: HttpRequest, pk: int) -> KeyTask:
    """The task if the person may see it (its plan's readers or an assigned unit)."""
    task = (
        steering_selectors.with_details(KeyTask.objects.filter(pk=pk))
        .select_related("plan__unit")
        .first()
    )
    if task is None:
        raise NotFound(_("Not found."), code="not_found")
    if not steering_selectors.may_view_task(request.user, task):
        require(request.user, Action.STEERING_VIEW, task)  # 404 or 403
    return task


@backoffice_view
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A key task: its progress updates and evidence, the progress form for the assigned units
    and the committee, the status and edit forms for the committee."""
    task = _task_for(request, pk)
    plan = task.plan
    user = request.user
    may_manage = can(user, Action.STEERING_MANAGE, task)
    may_report = steering.may_report(user, task)
    progress_form = ProgressForm()
    status_form = StatusForm(initial={"status": task.status})
    edit_form = TaskForm(
        units=_assignable(plan),
        initial={
            "title": task.title, "description": task.description, "deadline": task.deadline,
            "assignees": [a.village_id or a.commune_id for a in task.assignments.all()],
        },
    )  # fmt: skip
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "status":
            require(user, Action.STEERING_MANAGE, task)
            status_form = StatusForm(request.POST)
            done = _save(
                request,
                status_form,
                lambda d: steering.task_set_status(
                    actor=user, task=task, status=d["status"], on=d["on"]
                ),
            )
        elif which == "edit":
            require(user, Action.STEERING_MANAGE, task)
            edit_form = TaskForm(request.POST, units=_assignable(plan))
            done = _save(
                request,
                edit_form,
                lambda d: steering.task_update(
                    actor=user,
                    task=task,
                    title=d["title"],
                    description=d["description"],
                    deadline=d["deadline"],
                    assignees=list(d["assignees"]),
                ),  # fmt: skip
            )
        else:
            if not may_report:
                require(user, Action.STEERING_MANAGE, task)
            progress_form = ProgressForm(request.POST, request.FILES)
            done = _save(
                request,
                progress_form,
                lambda d: steering.task_progress_report(
                    actor=user,
                    task=task,
                    note=d["note"],
                    percent=d["percent"],
                    uploaded=d["evidence"],
                ),  # fmt: skip
            )
        if done:
            return redirect("reporting:steering_task", task.pk)
        status = 400
    today = timezone.localdate()
    context = {
        "task": task,
        "plan": plan,
        "unit": plan.unit,
        "level": _level(plan.unit),
        "assignees": steering_selectors.assignees_text(task),
        "overdue": task.overdue_on(today),
        "updates": list(task.updates.all()),
        "today": today,
        "may_manage": may_manage,
        "may_report": may_report,
        "progress_form": progress_form,
        "status_form": status_form,
        "edit_form": edit_form,
    }
    return render(request, "reporting/steering_task.html", context, status=status)


@backoffice_view
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, for those who may see its task (stored outside the web root)."""
    row = TaskProgress.objects.filter(pk=pk).exclude(evidence_path="").first()
    if row is None:
        raise NotFound(_("Not found."), code="not_found")
    _task_for(request, row.task_id)
    try:
        content = steering.evidence_path(row.evidence_path).read_bytes()
    except (OSError, ValueError) as error:
        raise Http404 from error
    response = HttpResponse(content, content_type=row.evidence_content_type)
    inline = row.evidence_content_type.startswith("image/") or row.evidence_content_type.endswith(
        "pdf"
    )
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{row.evidence_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@backoffice_view
def overdue(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """The unit's overdue key tasks as of a day (``?on=YYYY-MM-DD``, default today)."""
    unit = _unit(request, level, code, Action.STEERING_VIEW, SteeringPlan)
    on = timezone.localdate()
    error = ""
    if request.GET.get("on"):
        try:
            on = date.fromisoformat(request.GET["on"][:10])
        except ValueError:
            error = _("Enter a valid date.")
    tasks = steering_selectors.overdue_tasks(unit, on)
    rows = [
        {
            "task": t,
            "assignees": steering_selectors.assignees_text(t),
            "days": (on - t.deadline).days if t.deadline else 0,
            "note": steering_selectors.last_note(t),
        }
        for t in tasks
    ]
    context = {"unit": unit, "level": _level(unit), "rows": rows, "on": on, "error": error}
    return render(request, "reporting/steering_overdue.html", context, status=400 if error else 200)


# --- emulation rounds ------------------------------------------------------------------------


@backoffice_view
def rounds(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """A unit's emulation rounds and, for the committee, the form for a new round."""
    unit = _unit(request, level, code, Action.EMULATION_VIEW, EmulationRound)
    probe = steering.probe(EmulationRound, unit)
    may_manage = can(request.user, Action.EMULATION_MANAGE, probe)
    form = RoundForm()
    status = 200
    if request.method == "POST":
        require(request.user, Action.EMULATION_MANAGE, probe)
        form = RoundForm(request.POST)
        created: list[EmulationRound] = []
        if _save(
            request,
            form,
            lambda d: created.append(
                steering.round_create(
                    actor=request.user,
                    unit=unit,
                    title=d["title"],
                    period_first=d["period"].first,
                    period_last=d["period"].last,
                    criteria=form.criteria(),  # type: ignore[attr-defined]
                )  # fmt: skip
            ),
        ):
            return redirect("reporting:emulation_round", created[0].pk)
        status = 400
    rows = steering_selectors.round_list(actor=request.user, unit=unit).annotate(
        award_count=Count("awards")
    )
    context = {
        "unit": unit,
        "level": _level(unit),
        "rounds": list(rows[:200]),
        "may_manage": may_manage,
        "form": form,
    }
    return render(request, "reporting/emulation_rounds.html", context, status=status)


@backoffice_view
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking with the figures and points behind each score, the awards, the award form."""
    row = get_for_actor(
        EmulationRound.objects.select_related("unit"), request.user, Action.EMULATION_VIEW, pk=pk
    )
    ranking = emulation.rank(row)
    units = [(r.unit_id or 0, r.name) for r in ranking.rows]
    may_manage = can(request.user, Action.EMULATION_MANAGE, row)
    form = AwardForm(units=units, initial={"kind": steering._KIND_OF_LEVEL.get(row.unit.level)})
    status = 200
    if request.method == "POST":
        require(request.user, Action.EMULATION_MANAGE, row)
        form = AwardForm(request.POST, units=units)
        if _save(request, form, lambda d: _award(request, row, ranking, d)):
            return redirect("reporting:emulation_round", row.pk)
        status = 400
    context = {
        "round": row,
        "unit": row.unit,
        "level": _level(row.unit),
        "ranking": ranking,
        "awards": list(steering_selectors.round_awards(row)),
        "may_manage": may_manage,
        "form": form,
    }
    return render(request, "reporting/emulation_round.html", context, status=status)


def _award(
    request: HttpRequest, row: EmulationRound, ranking: emulation.Ranking, data: dict[str, Any]
) -> Any:
    recipient: Any = None
    if data["recipient"]:
        chosen = int(data["recipient"])
        for ranked in ranking.rows:
            if ranked.unit_id == chosen:
                recipient = ranked.scope.village or ranked.scope.unit
    return steering.award_create(
        actor=request.user, round=row, kind=data["kind"], kind_other=data["kind_other"],
        recipient_unit=recipient, recipient_name=data["recipient_name"],
        citation=data["citation"], decision_number=data["decision_number"],
        decision_date=data["decision_date"], signer=data["signer"],
    )  # fmt: skip


# --- edit and delete: plans, rounds, awards --------------------------------------------------


def _apply(request: HttpRequest, form: forms.Form, call: Any) -> int:
    """Run the service on a valid form: 0 when done, else the page's status (400 for field
    errors, the refusal's own status, e.g. 409, for a state the service refuses)."""
    if not form.is_valid():
        return 400
    try:
        call(form.cleaned_data)
    except ApplicationError as error:
        add_application_error(form, error)
        return 400 if error.status == 422 else error.status
    messages.success(request, _("Saved."))
    return 0


def _edit_page(request: HttpRequest, heading: str, unit: Any, form: forms.Form, back: str,
               status: int) -> HttpResponse:  # fmt: skip
    context = {"heading": heading, "unit": unit, "level": _level(unit), "form": form,
               "back_url": back}  # fmt: skip
    return render(request, "reporting/steering_edit.html", context, status=status)


def _delete_page(
    request: HttpRequest, heading: str, what: str, unit: Any, back: str, done: str, call: Any
) -> HttpResponse:
    """The confirm page (GET) and the deletion (POST); a refusal is shown on the page."""
    error = None
    if request.method == "POST":
        try:
            call()
        except ApplicationError as refused:
            error = refused
        else:
            messages.success(request, _("Deleted."))
            return redirect(done)
    context = {"heading": heading, "what": what, "unit": unit, "level": _level(unit),
               "back_url": back, "error": error.message if error else None}  # fmt: skip
    return render(request, "reporting/steering_delete.html", context,
                  status=error.status if error else 200)  # fmt: skip


def _plan_for(request: HttpRequest, pk: int) -> SteeringPlan:
    return get_for_actor(
        SteeringPlan.objects.select_related("unit"), request.user, Action.STEERING_MANAGE, pk=pk
    )


@backoffice_view
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a plan's title, document number and period."""
    plan = _plan_for(request, pk)
    initial = {"title": plan.title, "reference": plan.reference,
               "period": emulation.period_of(plan.period_first, plan.period_last).key}  # fmt: skip
    form = PlanForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = _apply(
            request, form,
            lambda d: steering.plan_update(
                actor=request.user, plan=plan, title=d["title"], reference=d["reference"],
                period_first=d["period"].first, period_last=d["period"].last,
            ),
        )  # fmt: skip
        if not status:
            return redirect("reporting:steering_plan", plan.pk)
    back = reverse("reporting:steering_plan", args=[plan.pk])
    return _edit_page(request, _("Edit the plan"), plan.unit, form, back, status)


@backoffice_view
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and delete a plan with its tasks (refused once progress is reported)."""
    plan = _plan_for(request, pk)
    unit = plan.unit
    return _delete_page(
        request, _("Delete the plan"), plan.title, unit,
        reverse("reporting:steering_plan", args=[plan.pk]),
        reverse("reporting:steering_plans", args=[_level(unit), unit.code]),
        lambda: steering.plan_delete(actor=request.user, plan=plan),
    )  # fmt: skip


def _round_for(request: HttpRequest, pk: int) -> EmulationRound:
    return get_for_actor(
        EmulationRound.objects.select_related("unit"), request.user, Action.EMULATION_MANAGE,
        pk=pk,
    )  # fmt: skip


@backoffice_view
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a round's title, period and criteria (refused once an issued review lists one of
    its awards)."""
    row = _round_for(request, pk)
    initial: dict[str, Any] = {
        "title": row.title, "period": emulation.period_of(row.period_first, row.period_last).key,
    }  # fmt: skip
    for n, criterion in enumerate(row.criteria.all(), start=1):
        initial.update({f"code_{n}": criterion.indicator_code, f"weight_{n}": criterion.weight,
                        f"direction_{n}": criterion.direction})  # fmt: skip
    form = RoundForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = _apply(
            request, form,
            lambda d: steering.round_update(
                actor=request.user, round=row, title=d["title"],
                period_first=d["period"].first, period_last=d["period"].last,
                criteria=form.criteria(),  # type: ignore[attr-defined]
            ),
        )  # fmt: skip
        if not status:
            return redirect("reporting:emulation_round", row.pk)
    back = reverse("reporting:emulation_round", args=[row.pk])
    return _edit_page(request, _("Edit the emulation round"), row.unit, form, back, status)


@backoffice_view
def round_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and delete a round (refused while it has awards)."""
    row = _round_for(request, pk)
    unit = row.unit
    return _delete_page(
        request, _("Delete the emulation round"), row.title, unit,
        reverse("reporting:emulation_round", args=[row.pk]),
        reverse("reporting:emulation_rounds", args=[_level(unit), unit.code]),
        lambda: steering.round_delete(actor=request.user, round=row),
    )  # fmt: skip


def _award_for(request: HttpRequest, pk: int) -> Award:
    award = get_for_actor(
        Award.objects.select_related("round__unit"), request.user, Action.EMULATION_MANAGE, pk=pk
    )
    if award.round is None:
        raise NotFound(_("Not found."), code="not_found")
    return award


@backoffice_view
def award_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an award (refused once an issued review lists it)."""
    award = _award_for(request, pk)
    row = award.round
    assert row is not None
    ranking = emulation.rank(row)
    units = [(r.unit_id or 0, r.name) for r in ranking.rows]
    chosen = award.recipient_village_id or award.recipient_commune_id
    initial = {
        "kind": award.kind, "kind_other": award.kind_other,
        "recipient": str(chosen) if chosen else "", "recipient_name": award.recipient_name,
        "citation": award.citation, "decision_number": award.decision_number,
        "decision_date": award.decision_date, "signer": award.signer,
    }  # fmt: skip
    form = AwardForm(request.POST or None, units=units, initial=initial)
    status = 200
    if request.method == "POST":

        def save(data: dict[str, Any]) -> Any:
            recipient: Any = None
            if data["recipient"]:
                for ranked in ranking.rows:
                    if ranked.unit_id == int(data["recipient"]):
                        recipient = ranked.scope.village or ranked.scope.unit
            return steering.award_update(
                actor=request.user, award=award, kind=data["kind"],
                kind_other=data["kind_other"], recipient_unit=recipient,
                recipient_name=data["recipient_name"], citation=data["citation"],
                decision_number=data["decision_number"], decision_date=data["decision_date"],
                signer=data["signer"],
            )  # fmt: skip

        status = _apply(request, form, save)
        if not status:
            return redirect("reporting:emulation_round", row.pk)
    back = reverse("reporting:emulation_round", args=[row.pk])
    return _edit_page(request, _("Edit the award"), row.unit, form, back, status)


@backoffice_view
def award_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and delete an award (refused once an issued review lists it)."""
    award = _award_for(request, pk)
    row = award.round
    assert row is not None
    back = reverse("reporting:emulation_round", args=[row.pk])
    return _delete_page(
        request, _("Delete the award"), f"{award.kind_label} — {award.recipient_name}",
        row.unit, back, back, lambda: steering.award_delete(actor=request.user, award=award),
    )  # fmt: skip
