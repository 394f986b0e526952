"""``/api/v1/`` for steering plans, key tasks (and their progress), emulation rounds with their
ranking, and awards.

``{level}`` is ``communes`` or ``provinces``. Everything goes through the permission layer:
another unit's rows answer 404, one's own without the right 403. Evidence files are uploaded
through the back-office page only (the JSON API takes the note and the percentage).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from danchu.accounts.permissions import Action, can, get_for_actor, require
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.core.errors import NotFound, ValidationFailed
from danchu.disclosure.schemas import IsoDate
from danchu.reporting import emulation, steering, steering_selectors
from danchu.reporting.models import (
    Award,
    EmulationRound,
    KeyTask,
    SteeringPlan,
    TaskProgress,
)
from danchu.reporting.periods import Period, PeriodError
from danchu.territory.models import AdministrativeUnit, Village
from danchu.territory.schemas import CODE_PATTERN, _Input

__all__ = ["router"]

router = Router(tags=["steering"])

UnitLevel = Literal["communes", "provinces"]
_LEVELS = {
    "communes": AdministrativeUnit.Level.COMMUNE,
    "provinces": AdministrativeUnit.Level.PROVINCE,
}
KeyTaskStatus = Literal["not_started", "in_progress", "done", "cancelled"]
CriterionDirection = Literal["higher", "lower"]
AwardKindName = Literal["giay_khen", "bang_khen", "other"]
CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])
PERIOD_HELP = "2026-H2, 2026, 2026-Q3, 2021-2026 or 2025-07-01..2026-06-30"
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


# --- schemas ---------------------------------------------------------------------------------


class SteeringPlanIn(_Input):
    title: str = Field(..., min_length=1, max_length=300, pattern=TEXT)
    reference: str = Field("", max_length=100, pattern=TEXT, description="e.g. 35/KH-BCĐ")
    period: str = Field(..., max_length=40, description=PERIOD_HELP, examples=["2026-H2"])


class SteeringPlanOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    title: str
    reference: str
    period_first: date
    period_last: date
    task_count: int


class SteeringPlanPage(Schema):
    count: int
    items: list[SteeringPlanOut]


class KeyTaskOut(Schema):
    id: int
    plan_id: int
    position: int
    title: str
    description: str
    deadline: date | None
    status: KeyTaskStatus
    done_on: date | None
    percent: int
    overdue: bool = Field(..., description="Deadline passed and not done (today).")
    assigned_to: list[str]
    last_note: str


class SteeringPlanDetailOut(SteeringPlanOut):
    tasks: list[KeyTaskOut]


class KeyTaskIn(_Input):
    title: str = Field(..., min_length=1, max_length=300, pattern=TEXT)
    description: str = Field("", max_length=10000, pattern=TEXT)
    deadline: IsoDate | None = None
    villages: list[Annotated[int, Field(strict=True)]] = Field(
        default_factory=list, max_length=200, description="Villages (a commune's plan)."
    )
    communes: list[str] = Field(
        default_factory=list, max_length=200, description="Commune codes (a province's plan)."
    )


class KeyTaskProgressIn(_Input):
    note: str = Field(..., min_length=1, max_length=10000, pattern=TEXT)
    percent: int = Field(..., ge=0, le=100, strict=True)


class KeyTaskProgressOut(Schema):
    id: int
    note: str
    percent: int
    reported_on: date
    reported_for: str
    evidence_name: str


class KeyTaskDetailOut(KeyTaskOut):
    updates: list[KeyTaskProgressOut]


class KeyTaskStatusIn(_Input):
    status: KeyTaskStatus
    on: IsoDate | None = Field(None, description="The day it was done (default today).")


class OverdueQuery(Schema):
    on: IsoDate | None = Field(None, description="As of this day (default today).")


class EmulationCriterionIn(_Input):
    indicator: str = Field(..., min_length=1, max_length=80, examples=["decisions.turnout"])
    weight: int = Field(..., ge=1, le=steering.MAX_WEIGHT, strict=True)
    direction: CriterionDirection = "higher"


class EmulationRoundIn(_Input):
    title: str = Field(..., min_length=1, max_length=300, pattern=TEXT)
    period: str = Field(..., max_length=40, description=PERIOD_HELP, examples=["2026-H1"])
    criteria: list[EmulationCriterionIn] = Field(..., min_length=1, max_length=10)


class EmulationRoundOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    title: str
    period_first: date
    period_last: date
    award_count: int


class EmulationRoundPage(Schema):
    count: int
    items: list[EmulationRoundOut]


class EmulationColumnOut(Schema):
    indicator: str
    name: str
    weight: int
    direction: CriterionDirection
    available: bool


class EmulationCellOut(Schema):
    value: str | None = Field(..., description="Exact value (a fraction for rates).")
    display: str
    points: str = Field(..., description="Exact points, e.g. 70/3.")


class EmulationRowOut(Schema):
    rank: int
    unit_id: int | None
    name: str
    score: str = Field(..., description="Exact score, e.g. 211/3.")
    score_display: str
    cells: list[EmulationCellOut]


class AwardOut(Schema):
    id: int
    round_id: int | None
    kind: AwardKindName
    kind_label: str
    recipient: str
    recipient_village_id: int | None
    recipient_commune_code: str | None
    citation: str
    decision_number: str
    decision_date: date
    signer: str


class EmulationRankingOut(EmulationRoundOut):
    period: str
    max_score: int
    columns: list[EmulationColumnOut]
    rows: list[EmulationRowOut]
    awards: list[AwardOut]


class AwardIn(_Input):
    kind: AwardKindName
    kind_other: str = Field("", max_length=200, pattern=TEXT)
    recipient_village: int | None = Field(None, ge=1, le=MAX_PK, strict=True)
    recipient_commune: str | None = Field(None, pattern=CODE_PATTERN)
    recipient_name: str = Field("", max_length=300, pattern=TEXT)
    citation: str = Field("", max_length=500, pattern=TEXT)
    decision_number: str = Field(..., min_length=1, max_length=50, pattern=TEXT)
    decision_date: IsoDate
    signer: str = Field(..., min_length=1, max_length=200, pattern=TEXT)


class AwardQuery(Schema):
    period: str = Field(..., max_length=40, description=PERIOD_HELP, examples=["2026"])


# --- outputs (no query inside: rows come with their relations) -------------------------------


def _plan_out(plan: SteeringPlan, task_count: int) -> dict[str, Any]:
    return {
        "id": plan.pk, "unit_code": plan.unit.code, "unit_name": plan.unit.name,
        "title": plan.title, "reference": plan.reference, "period_first": plan.period_first,
        "period_last": plan.period_last, "task_count": task_count,
    }  # fmt: skip


def _task_out(task: KeyTask, today: date) -> dict[str, Any]:
    return {
        "id": task.pk, "plan_id": task.plan_id, "position": task.position, "title": task.title,
        "description": task.description, "deadline": task.deadline, "status": task.status,
        "done_on": task.done_on, "percent": task.percent, "overdue": task.overdue_on(today),
        "assigned_to": [a.unit_name for a in task.assignments.all()],
        "last_note": steering_selectors.last_note(task),
    }  # fmt: skip


def _progress_out(row: TaskProgress) -> dict[str, Any]:
    return {
        "id": row.pk, "note": row.note, "percent": row.percent, "reported_on": row.reported_on,
        "reported_for": row.assignment.unit_name if row.assignment else "",
        "evidence_name": row.evidence_name,
    }  # fmt: skip


def _round_out(row: EmulationRound, award_count: int) -> dict[str, Any]:
    return {
        "id": row.pk, "unit_code": row.unit.code, "unit_name": row.unit.name, "title": row.title,
        "period_first": row.period_first, "period_last": row.period_last,
        "award_count": award_count,
    }  # fmt: skip


def _award_out(award: Award) -> dict[str, Any]:
    return {
        "id": award.pk, "round_id": award.round_id, "kind": award.kind,
        "kind_label": award.kind_label, "recipient": award.recipient_name,
        "recipient_village_id": award.recipient_village_id,
        "recipient_commune_code": award.recipient_commune.code
        if award.recipient_commune is not None else None,
        "citation": award.citation, "decision_number": award.decision_number,
        "decision_date": award.decision_date, "signer": award.signer,
    }  # fmt: skip


def _exact(value: int | Fraction | None) -> str | None:
    return None if value is None else str(value)


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as error:
        raise ValidationFailed(
            str(error), code="invalid", fields={"period": [str(error)]}
        ) from error


def _unit(request: HttpRequest, level: str, code: str, action: Action, model: Any) -> Any:
    return steering_selectors.unit_for(actor_of(request), _LEVELS[level], code, action, model)


def _task(request: HttpRequest, task_id: int) -> KeyTask:
    task = (
        steering_selectors.with_details(KeyTask.objects.filter(pk=task_id))
        .select_related("plan__unit")
        .first()
    )
    if task is None:
        raise NotFound(_("Not found."), code="not_found")
    actor = actor_of(request)
    if not steering_selectors.may_view_task(actor, task):
        require(actor, Action.STEERING_VIEW, task)
    return task


# --- plans and key tasks ---------------------------------------------------------------------


@router.get(
    "/{level}/{code}/steering-plans",
    response=with_errors({200: SteeringPlanPage}),
    operation_id="steering_plan_list",
)
def steering_plan_list(
    request: HttpRequest, page: Query[PageParams], level: UnitLevel, code: str = CodePath
) -> dict[str, Any]:
    """A commune's or a province's steering plans, newest period first."""
    unit = _unit(request, level, code, Action.STEERING_VIEW, SteeringPlan)
    rows = (
        steering_selectors.plan_list(actor=actor_of(request), unit=unit)
        .select_related("unit")
        .annotate(n=Count("tasks"))
    )
    count, items = paginate(rows, page)
    return {"count": count, "items": [_plan_out(p, p.n) for p in items]}


@router.post(
    "/{level}/{code}/steering-plans",
    response=with_errors({201: SteeringPlanOut}),
    operation_id="steering_plan_create",
)
def steering_plan_create(
    request: HttpRequest, payload: SteeringPlanIn, level: UnitLevel, code: str = CodePath
) -> Status:
    """A steering committee's plan for a period (Law 10/2022 Art. 91–92)."""
    unit = _unit(request, level, code, Action.STEERING_MANAGE, SteeringPlan)
    period = _period(payload.period)
    plan = steering.plan_create(
        actor=actor_of(request), unit=unit, title=payload.title, reference=payload.reference,
        period_first=period.first, period_last=period.last,
    )  # fmt: skip
    return Status(201, _plan_out(plan, 0))


@router.get(
    "/steering-plans/{plan_id}",
    response=with_errors({200: SteeringPlanDetailOut}),
    operation_id="steering_plan_get",
)
def steering_plan_get(request: HttpRequest, plan_id: int = IdPath) -> dict[str, Any]:
    """A plan with its key tasks (assigned units, deadline, status, progress, overdue)."""
    plan = get_for_actor(
        SteeringPlan.objects.select_related("unit"), actor_of(request), Action.STEERING_VIEW,
        pk=plan_id,
    )  # fmt: skip
    tasks = list(steering_selectors.with_details(plan.tasks.order_by("position", "id")))
    today = timezone.localdate()
    return {**_plan_out(plan, len(tasks)), "tasks": [_task_out(t, today) for t in tasks]}


@router.put(
    "/steering-plans/{plan_id}",
    response=with_errors({200: SteeringPlanOut}),
    operation_id="steering_plan_update",
)
def steering_plan_update(
    request: HttpRequest, payload: SteeringPlanIn, plan_id: int = IdPath
) -> dict[str, Any]:
    """Change the plan's title, reference and period (STEERING_MANAGE); its tasks stay."""
    actor = actor_of(request)
    plan = get_for_actor(
        SteeringPlan.objects.select_related("unit"), actor, Action.STEERING_MANAGE, pk=plan_id
    )
    period = _period(payload.period)
    plan = steering.plan_update(
        actor=actor, plan=plan, title=payload.title, reference=payload.reference,
        period_first=period.first, period_last=period.last,
    )  # fmt: skip
    return _plan_out(plan, plan.tasks.count())


@router.delete(
    "/steering-plans/{plan_id}",
    response=with_errors({204: None}),
    operation_id="steering_plan_delete",
)
def steering_plan_delete(request: HttpRequest, plan_id: int = IdPath) -> Status:
    """Delete the plan with its tasks (STEERING_MANAGE); 409 once progress has been reported on
    one of its tasks (edit it instead)."""
    actor = actor_of(request)
    plan = get_for_actor(SteeringPlan.objects.all(), actor, Action.STEERING_MANAGE, pk=plan_id)
    steering.plan_delete(actor=actor, plan=plan)
    return Status(204, None)


@router.post(
    "/steering-plans/{plan_id}/tasks",
    response=with_errors({201: KeyTaskOut}),
    operation_id="key_task_create",
)
def key_task_create(request: HttpRequest, payload: KeyTaskIn, plan_id: int = IdPath) -> Status:
    """A key task of the plan, assigned to villages (a commune's plan) or communes (a
    province's plan)."""
    actor = actor_of(request)
    plan = get_for_actor(SteeringPlan.objects.all(), actor, Action.STEERING_MANAGE, pk=plan_id)
    assignees: list[Any] = []
    if payload.villages:
        ids = [i for i in payload.villages if 0 < i <= MAX_PK]
        found = {v.pk: v for v in Village.objects.filter(pk__in=ids).select_related("commune")}
        assignees += [found.get(i) for i in payload.villages]
    if payload.communes:
        found_c = {
            u.code: u
            for u in AdministrativeUnit.objects.filter(
                era=AdministrativeUnit.Era.CURRENT,
                level=AdministrativeUnit.Level.COMMUNE,
                code__in=payload.communes,
            )
        }
        assignees += [found_c.get(c) for c in payload.communes]
    task = steering.task_add(
        actor=actor, plan=plan, title=payload.title, description=payload.description,
        deadline=payload.deadline, assignees=assignees,
    )  # fmt: skip
    task = steering_selectors.with_details(KeyTask.objects.filter(pk=task.pk)).get()
    return Status(201, _task_out(task, timezone.localdate()))


@router.get(
    "/key-tasks/{task_id}",
    response=with_errors({200: KeyTaskDetailOut}),
    operation_id="key_task_get",
)
def key_task_get(request: HttpRequest, task_id: int = IdPath) -> dict[str, Any]:
    """A key task with its progress updates, for its plan's readers and its assigned units."""
    task = _task(request, task_id)
    updates = task.updates.select_related("assignment__commune", "assignment__village")
    return {
        **_task_out(task, timezone.localdate()),
        "updates": [_progress_out(u) for u in updates],
    }


@router.post(
    "/key-tasks/{task_id}/progress",
    response=with_errors({201: KeyTaskProgressOut}),
    operation_id="key_task_progress",
)
def key_task_progress(
    request: HttpRequest, payload: KeyTaskProgressIn, task_id: int = IdPath
) -> Status:
    """A progress update by an assigned unit or the committee; 409 once done or cancelled."""
    task = _task(request, task_id)
    row = steering.task_progress_report(
        actor=actor_of(request), task=task, note=payload.note, percent=payload.percent
    )
    return Status(201, _progress_out(row))


@router.post(
    "/key-tasks/{task_id}/status",
    response=with_errors({200: KeyTaskOut}),
    operation_id="key_task_status",
)
def key_task_status(
    request: HttpRequest, payload: KeyTaskStatusIn, task_id: int = IdPath
) -> dict[str, Any]:
    """The committee sets the status (done on a day not in the future); 409 when unchanged."""
    actor = actor_of(request)
    task = _task(request, task_id)
    require(actor, Action.STEERING_MANAGE, task)
    steering.task_set_status(actor=actor, task=task, status=payload.status, on=payload.on)
    return _task_out(task, timezone.localdate())


@router.get(
    "/{level}/{code}/overdue-tasks",
    response=with_errors({200: list[KeyTaskOut]}),
    operation_id="key_task_overdue",
)
def key_task_overdue(
    request: HttpRequest, query: Query[OverdueQuery], level: UnitLevel, code: str = CodePath
) -> list[dict[str, Any]]:
    """The unit's overdue key tasks as of a day, earliest deadline first."""
    unit = _unit(request, level, code, Action.STEERING_VIEW, SteeringPlan)
    on = query.on or timezone.localdate()
    return [_task_out(t, on) for t in steering_selectors.overdue_tasks(unit, on)]


# --- emulation rounds and awards -------------------------------------------------------------


@router.get(
    "/{level}/{code}/emulation-rounds",
    response=with_errors({200: EmulationRoundPage}),
    operation_id="emulation_round_list",
)
def emulation_round_list(
    request: HttpRequest, page: Query[PageParams], level: UnitLevel, code: str = CodePath
) -> dict[str, Any]:
    unit = _unit(request, level, code, Action.EMULATION_VIEW, EmulationRound)
    rows = (
        steering_selectors.round_list(actor=actor_of(request), unit=unit)
        .select_related("unit")
        .annotate(n=Count("awards"))
    )
    count, items = paginate(rows, page)
    return {"count": count, "items": [_round_out(r, r.n) for r in items]}


@router.post(
    "/{level}/{code}/emulation-rounds",
    response=with_errors({201: EmulationRoundOut}),
    operation_id="emulation_round_create",
)
def emulation_round_create(
    request: HttpRequest, payload: EmulationRoundIn, level: UnitLevel, code: str = CodePath
) -> Status:
    """A round ranking the commune's villages or the province's communes on 1–10 public
    indicators of the catalogue with weights."""
    unit = _unit(request, level, code, Action.EMULATION_MANAGE, EmulationRound)
    period = _period(payload.period)
    criteria = [steering.CriterionIn(c.indicator, c.weight, c.direction) for c in payload.criteria]
    row = steering.round_create(
        actor=actor_of(request), unit=unit, title=payload.title, period_first=period.first,
        period_last=period.last,
        criteria=criteria,
    )  # fmt: skip
    return Status(201, _round_out(row, 0))


@router.get(
    "/emulation-rounds/{round_id}",
    response=with_errors({200: EmulationRankingOut}),
    operation_id="emulation_round_get",
)
def emulation_round_get(request: HttpRequest, round_id: int = IdPath) -> dict[str, Any]:
    """The round's ranking with the figures and exact points behind each score, and its awards."""
    row = get_for_actor(
        EmulationRound.objects.select_related("unit"), actor_of(request), Action.EMULATION_VIEW,
        pk=round_id,
    )  # fmt: skip
    ranking = emulation.rank(row)
    awards = list(steering_selectors.round_awards(row))
    return {
        **_round_out(row, len(awards)),
        "period": ranking.period.key,
        "max_score": ranking.max_score,
        "columns": [
            {
                "indicator": c.code,
                "name": c.name,
                "weight": c.weight,
                "direction": c.direction,
                "available": c.available,
            }  # fmt: skip
            for c in ranking.columns
        ],
        "rows": [
            {
                "rank": r.rank,
                "unit_id": r.unit_id,
                "name": r.name,
                "score": str(r.score),
                "score_display": r.score_display,
                "cells": [
                    {"value": _exact(c.value), "display": c.display, "points": str(c.points)}
                    for c in r.cells
                ],
            }  # fmt: skip
            for r in ranking.rows
        ],
        "awards": [_award_out(a) for a in awards],
    }


@router.put(
    "/emulation-rounds/{round_id}",
    response=with_errors({200: EmulationRoundOut}),
    operation_id="emulation_round_update",
)
def emulation_round_update(
    request: HttpRequest, payload: EmulationRoundIn, round_id: int = IdPath
) -> dict[str, Any]:
    """Change the round's title, period and criteria (EMULATION_MANAGE); 409 once one of its
    awards is listed in an issued review."""
    actor = actor_of(request)
    row = get_for_actor(
        EmulationRound.objects.select_related("unit"), actor, Action.EMULATION_MANAGE, pk=round_id
    )
    period = _period(payload.period)
    criteria = [steering.CriterionIn(c.indicator, c.weight, c.direction) for c in payload.criteria]
    row = steering.round_update(
        actor=actor, round=row, title=payload.title, period_first=period.first,
        period_last=period.last, criteria=criteria,
    )  # fmt: skip
    return _round_out(row, row.awards.count())


@router.delete(
    "/emulation-rounds/{round_id}",
    response=with_errors({204: None}),
    operation_id="emulation_round_delete",
)
def emulation_round_delete(request: HttpRequest, round_id: int = IdPath) -> Status:
    """Delete the round and its criteria (EMULATION_MANAGE); 409 while it has awards."""
    actor = actor_of(request)
    row = get_for_actor(EmulationRound.objects.all(), actor, Action.EMULATION_MANAGE, pk=round_id)
    steering.round_delete(actor=actor, round=row)
    return Status(204, None)


def _recipient(payload: AwardIn) -> Any:
    recipient: Any = None
    if payload.recipient_village is not None:
        recipient = Village.objects.filter(pk=payload.recipient_village).first()
        if recipient is None:
            message = _("Choose a unit ranked in this round.")
            raise ValidationFailed(message, fields={"recipient_village": [message]})
    elif payload.recipient_commune is not None:
        recipient = AdministrativeUnit.objects.filter(
            era=AdministrativeUnit.Era.CURRENT, level=AdministrativeUnit.Level.COMMUNE,
            code=payload.recipient_commune,
        ).first()  # fmt: skip
        if recipient is None:
            message = _("Choose a unit ranked in this round.")
            raise ValidationFailed(message, fields={"recipient_commune": [message]})
    return recipient


@router.post(
    "/emulation-rounds/{round_id}/awards",
    response=with_errors({201: AwardOut}),
    operation_id="award_create",
)
def award_create(request: HttpRequest, payload: AwardIn, round_id: int = IdPath) -> Status:
    """An award after the round: to a ranked village or commune, or to a named collective."""
    actor = actor_of(request)
    row = get_for_actor(
        EmulationRound.objects.select_related("unit"), actor, Action.EMULATION_MANAGE, pk=round_id
    )
    award = steering.award_create(
        actor=actor, round=row, kind=payload.kind, kind_other=payload.kind_other,
        recipient_unit=_recipient(payload), recipient_name=payload.recipient_name,
        citation=payload.citation, decision_number=payload.decision_number,
        decision_date=payload.decision_date, signer=payload.signer,
    )  # fmt: skip
    return Status(201, _award_out(award))


@router.put(
    "/awards/{award_id}",
    response=with_errors({200: AwardOut}),
    operation_id="award_update",
)
def award_update(request: HttpRequest, payload: AwardIn, award_id: int = IdPath) -> dict[str, Any]:
    """Change the award (EMULATION_MANAGE); 409 once an issued review lists it."""
    actor = actor_of(request)
    award = get_for_actor(Award.objects.all(), actor, Action.EMULATION_MANAGE, pk=award_id)
    award = steering.award_update(
        actor=actor, award=award, kind=payload.kind, kind_other=payload.kind_other,
        recipient_unit=_recipient(payload), recipient_name=payload.recipient_name,
        citation=payload.citation, decision_number=payload.decision_number,
        decision_date=payload.decision_date, signer=payload.signer,
    )  # fmt: skip
    return _award_out(award)


@router.delete(
    "/awards/{award_id}",
    response=with_errors({204: None}),
    operation_id="award_delete",
)
def award_delete(request: HttpRequest, award_id: int = IdPath) -> Status:
    """Delete an award recorded by mistake (EMULATION_MANAGE); 409 once an issued review lists
    it."""
    actor = actor_of(request)
    award = get_for_actor(Award.objects.all(), actor, Action.EMULATION_MANAGE, pk=award_id)
    steering.award_delete(actor=actor, award=award)
    return Status(204, None)


@router.get(
    "/{level}/{code}/awards",
    response=with_errors({200: list[AwardOut]}),
    operation_id="award_list",
)
def award_list(
    request: HttpRequest, query: Query[AwardQuery], level: UnitLevel, code: str = CodePath
) -> list[dict[str, Any]]:
    """The awards the unit gave in a period (decision date in the period)."""
    actor = actor_of(request)
    unit = _unit(request, level, code, Action.EMULATION_VIEW, EmulationRound)
    period = _period(query.period)
    rows = (
        Award.objects.filter(
            unit=unit, decision_date__gte=period.first, decision_date__lte=period.last
        )
        .select_related("recipient_commune")
        .order_by("decision_date", "decision_number", "id")
    )
    return [_award_out(a) for a in rows if can(actor, Action.EMULATION_VIEW, a)]
