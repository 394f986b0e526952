"""Reads of the steering part: what a review report reads from the steering plans and the
emulation rounds (the contract: :class:`TaskLine`, :class:`AwardLine`, :func:`key_tasks_for_review`,
:func:`next_period_tasks`, :func:`awards_for_review`), the overdue tasks a dashboard shows
(:func:`overdue_tasks`), and the lists the pages and the API show, scoped to the actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, can, require, restrict
from danchu.reporting.models import (
    Award,
    AwardKind,
    EmulationRound,
    KeyTask,
    SteeringPlan,
    TaskAssignment,
    TaskProgress,
    TaskStatus,
)
from danchu.reporting.periods import Period
from danchu.territory.models import AdministrativeUnit


@dataclass(frozen=True)
class TaskLine:
    """A key task as a review lists it."""

    title: str
    assignees: str  # the units it is assigned to, joined for print
    deadline: date | None
    status: str  # the status label, in the active language
    overdue: bool
    progress: str  # the last progress note, or ""


@dataclass(frozen=True)
class AwardLine:
    """An award (e.g. a certificate of merit) as a review lists it."""

    kind: str  # "Giấy khen", "Bằng khen", … in the active language
    recipient: str  # the collective or person
    decision: str  # the decision's number and date, e.g. "Quyết định số 12/QĐ-UBND ngày …"
    awarded_on: date


def with_details(tasks: QuerySet[KeyTask]) -> QuerySet[KeyTask]:
    """Tasks with their plan, assigned units and updates (newest first): four queries."""
    return tasks.select_related("plan").prefetch_related(
        Prefetch(
            "assignments",
            queryset=TaskAssignment.objects.select_related("commune", "village").order_by(
                "village__name", "commune__name", "id"
            ),
        ),
        Prefetch("updates", queryset=TaskProgress.objects.order_by("-created_at", "-id")),
    )


def overdue_q(on: date) -> Q:
    """Deadline before ``on``, not done by ``on``, not cancelled (see ``KeyTask.overdue_on``)."""
    return (
        Q(deadline__lt=on)
        & ~Q(status=TaskStatus.CANCELLED)
        & ~Q(status=TaskStatus.DONE, done_on__lte=on)
    )


def assignees_text(task: KeyTask) -> str:
    return ", ".join(a.unit_name for a in task.assignments.all())


def last_note(task: KeyTask) -> str:
    updates = list(task.updates.all())
    return updates[0].note if updates else ""


def _line(task: KeyTask, on: date) -> TaskLine:
    return TaskLine(
        title=task.title,
        assignees=assignees_text(task),
        deadline=task.deadline,
        status=str(task.get_status_display()),
        overdue=task.overdue_on(on),
        progress=last_note(task),
    )


def key_tasks_for_review(unit: AdministrativeUnit, period: Period) -> list[TaskLine]:
    """The key tasks of ``unit``'s steering plans that ran in ``period``, overdue ones first.

    Overdue is judged as of the period's last day, or today while the period runs (a review is
    often held a few days before the period ends)."""
    on = min(period.last, timezone.localdate())
    tasks = with_details(
        KeyTask.objects.filter(
            plan__unit=unit, plan__period_first__lte=period.last,
            plan__period_last__gte=period.first,
        ).order_by("plan__period_first", "plan_id", "position", "id")
    )  # fmt: skip
    lines = [_line(t, on) for t in tasks]
    return sorted(lines, key=lambda line: not line.overdue)  # stable: plan order kept


def next_period_tasks(unit: AdministrativeUnit, period: Period) -> list[TaskLine]:
    """The key tasks ``unit`` has planned for the period that follows ``period``: those of its
    plans starting after the period, in plan and number order."""
    on = min(period.last, timezone.localdate())
    tasks = with_details(
        KeyTask.objects.filter(plan__unit=unit, plan__period_first__gt=period.last).order_by(
            "plan__period_first", "plan_id", "position", "id"
        )
    )
    return [_line(t, on) for t in tasks]


def award_kind_short(award: Award) -> str:
    """ "Giấy khen", "Bằng khen" or the commendation's own name."""
    if award.kind == AwardKind.COMMUNE_CERTIFICATE:
        return _("Certificate of merit (Giấy khen)")
    if award.kind == AwardKind.PROVINCE_CERTIFICATE:
        return _("Certificate of merit (Bằng khen)")
    return award.kind_other or _("Other commendation")


def decision_text(award: Award) -> str:
    return _("Decision No. %(number)s of %(date)s") % {
        "number": award.decision_number,
        "date": date_format(award.decision_date, "d/m/Y"),
    }


def awards_for_review(unit: AdministrativeUnit, period: Period) -> list[AwardLine]:
    """The awards given to or by ``unit`` (and its villages or communes) in ``period``: decided
    on a day of the period, in decision order."""
    given = Q(unit=unit) | Q(recipient_commune=unit)
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        given |= Q(unit__parent=unit) | Q(recipient_commune__parent=unit)
    else:
        given |= Q(recipient_village__commune=unit)
    rows = Award.objects.filter(
        given, decision_date__gte=period.first, decision_date__lte=period.last
    ).order_by("decision_date", "decision_number", "id")
    return [
        AwardLine(
            kind=award_kind_short(a),
            recipient=a.recipient_name,
            decision=decision_text(a),
            awarded_on=a.decision_date,
        )
        for a in rows
    ]


def overdue_tasks(unit: AdministrativeUnit, on: date) -> list[KeyTask]:
    """The tasks overdue on ``on``: of ``unit``'s own plans and those a province assigned to
    it (a commune), earliest deadline first. For the dashboards: not scoped to a person (the
    dashboards show them to those who may see the steering plans)."""
    mine = Q(plan__unit=unit) | Q(assignments__commune=unit, assignments__village__isnull=True)
    ids = KeyTask.objects.filter(mine).filter(overdue_q(on)).values("pk")
    tasks = with_details(KeyTask.objects.filter(pk__in=ids)).order_by(
        "deadline", "plan_id", "position", "id"
    )
    return list(tasks)


# --- scoped lists for the pages and the API ----------------------------------------------------


def unit_for(actor: Any, level: str, code: str, action: Action, model: type[Model]) -> Any:
    """The current commune or province (``level``) with ``code`` if ``actor`` may do ``action``
    on its rows of ``model``: 404 for a missing unit or another one's, 403 for one's own
    without the right."""
    from danchu.core.errors import NotFound
    from danchu.reporting.steering import probe

    unit = (
        AdministrativeUnit.objects.filter(
            era=AdministrativeUnit.Era.CURRENT, level=level, code=code
        )
        .select_related("parent")
        .first()
    )
    if unit is None:
        raise NotFound(_("Not found."), code="not_found")
    require(actor, action, probe(model, unit))
    return unit


def plan_list(*, actor: Any, unit: AdministrativeUnit) -> QuerySet[SteeringPlan]:
    """``unit``'s plans the actor may see, newest period first."""
    rows = SteeringPlan.objects.filter(unit=unit)
    return restrict(rows, actor, Action.STEERING_VIEW).order_by("-period_first", "-id")


def assigned_tasks(*, actor: Any, commune: AdministrativeUnit) -> QuerySet[KeyTask]:
    """The province's key tasks assigned to ``commune`` that the actor may report on."""
    assignments = restrict(
        TaskAssignment.objects.filter(commune=commune, village__isnull=True),
        actor,
        Action.TASK_REPORT,
    )
    return with_details(
        KeyTask.objects.filter(pk__in=assignments.values("task_id"), commune__isnull=True)
    ).order_by("deadline", "id")


def may_view_task(actor: Any, task: KeyTask) -> bool:
    """The plan's readers, and the units the task is assigned to (a commune sees the province's
    tasks given to it)."""
    if can(actor, Action.STEERING_VIEW, task):
        return True
    return any(can(actor, Action.TASK_REPORT, a) for a in task.assignments.all())


def round_list(*, actor: Any, unit: AdministrativeUnit) -> QuerySet[EmulationRound]:
    rows = EmulationRound.objects.filter(unit=unit)
    return restrict(rows, actor, Action.EMULATION_VIEW).order_by("-period_last", "-id")


def round_awards(round: EmulationRound) -> QuerySet[Award]:  # noqa: A002
    return round.awards.select_related("recipient_village", "recipient_commune").order_by(
        "decision_date", "decision_number", "id"
    )


__all__ = [
    "AwardLine",
    "TaskLine",
    "assigned_tasks",
    "assignees_text",
    "award_kind_short",
    "awards_for_review",
    "decision_text",
    "key_tasks_for_review",
    "last_note",
    "may_view_task",
    "next_period_tasks",
    "overdue_q",
    "overdue_tasks",
    "plan_list",
    "round_awards",
    "round_list",
    "unit_for",
    "with_details",
]
