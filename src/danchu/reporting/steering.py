"""Writes of the steering part: plans and key tasks, progress with evidence, emulation rounds
and awards. One function per use case, atomic, with its audit entry.

The People's Committees direct, inspect and review the implementation of grassroots democracy
(Law 10/2022/QH15 Art. 91–92): a steering committee of a commune or a province keeps its plan
and key tasks for a period, the units it assigns them to report their progress, and the
committee ranks its villages or communes in an emulation round and records the awards it gives
(Law 06/2022/QH15 on emulation and commendation: Giấy khen of the commune chair, Bằng khen of
the province chair).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from danchu.accounts.permissions import Action, can, require
from danchu.core import audit, uploads
from danchu.core.errors import PermissionDenied, ValidationFailed, WrongState
from danchu.core.uploads import KINDS, StoredUpload
from danchu.core.validation import FieldErrors, acting_person, clean_text
from danchu.reporting import catalogue
from danchu.reporting.models import (
    Award,
    AwardKind,
    Direction,
    EmulationCriterion,
    EmulationRound,
    KeyTask,
    ReviewReport,
    SteeringPlan,
    TaskAssignment,
    TaskProgress,
    TaskStatus,
)
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "EVIDENCE_KINDS",
    "MAX_CRITERIA",
    "MAX_TASKS",
    "CriterionIn",
    "WrongState",
    "award_create",
    "award_delete",
    "award_update",
    "issued_reviews_listing",
    "plan_delete",
    "plan_update",
    "round_delete",
    "round_update",
    "evidence_path",
    "may_report",
    "plan_create",
    "probe",
    "register_scopes",
    "round_create",
    "task_add",
    "task_progress_report",
    "task_set_status",
    "task_update",
]

TITLE_MAX, TEXT_MAX, NAME_MAX = 300, 10000, 200
MAX_TASKS = 50  # a plan's key tasks ("8 key tasks" is typical)
MAX_CRITERIA = 10
MAX_WEIGHT = 1000
# Evidence of a task's progress: documents and photos, checked by extension and first bytes.
EVIDENCE_KINDS: dict[str, str] = KINDS
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
_STEERING_MODELS = ("steeringplan", "keytask", "taskprogress", "emulationround")


def register_scopes() -> None:
    """Declare how the permission layer finds the province and commune of each row (called
    from the app's ``ready``). A province's rows have no commune: only province roles see
    them, and the communes they are assigned to through :class:`TaskAssignment`."""
    from danchu.accounts.permissions import register_scope

    paths = {"province": "province_id", "commune": "commune_id"}
    for model in (*_STEERING_MODELS, "emulationcriterion", "award"):
        register_scope(f"reporting.{model}", paths)
    register_scope(
        "reporting.taskassignment",
        {"province": "province_id", "commune": "commune_id", "village": "village_id"},
    )


def _refuse(name: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={name: [message]})


def _keys(unit: AdministrativeUnit) -> dict[str, Any]:
    """The scope columns of a row owned by ``unit`` (a current commune or province)."""
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return {"unit": unit, "province_id": unit.pk, "commune": None}
    return {"unit": unit, "province_id": unit.parent_id, "commune": unit}


def probe[M: Model](model: type[M], unit: AdministrativeUnit) -> M:
    """An unsaved row of ``model`` owned by ``unit``: what the permission layer checks before
    a row exists (a province has no province above it, so the unit itself cannot be checked)."""
    keys = _keys(unit)
    return model(province_id=keys["province_id"], commune=keys["commune"])


def _owner(unit: Any) -> AdministrativeUnit:
    if (
        not isinstance(unit, AdministrativeUnit)
        or not unit.is_current
        or unit.level not in (AdministrativeUnit.Level.COMMUNE, AdministrativeUnit.Level.PROVINCE)
    ):
        raise _refuse("unit", _("Choose a commune or a province."))
    return unit


def _period(errors: FieldErrors, first: Any, last: Any) -> None:
    if not isinstance(first, date) or not isinstance(last, date):
        errors.add("period", _("Enter a valid period."))
    elif last < first:
        errors.add("period", _("The period ends before it starts."))


# --- steering plans and key tasks ------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    title: str,
    period_first: date,
    period_last: date,
    reference: str = "",
) -> SteeringPlan:
    """A steering committee's plan for a period (Law 10/2022 Art. 91–92)."""
    unit = _owner(unit)
    require(actor, Action.STEERING_MANAGE, probe(SteeringPlan, unit))
    errors = FieldErrors()
    title = clean_text(errors, "title", title, TITLE_MAX)
    reference = clean_text(errors, "reference", reference, 100, required=False)
    _period(errors, period_first, period_last)
    errors.raise_if_any()
    plan = SteeringPlan.objects.create(
        **_keys(unit), title=title, reference=reference, period_first=period_first,
        period_last=period_last, created_by=acting_person(actor),
    )  # fmt: skip
    audit.record(
        actor=acting_person(actor), action="reporting.plan.create", obj=plan,
        commune_id=plan.commune_id,
        after={"title": title, "first": period_first, "last": period_last},
    )  # fmt: skip
    return plan


def _assignees(
    errors: FieldErrors, plan: SteeringPlan, assignees: Sequence[Any]
) -> list[tuple[AdministrativeUnit, Village | None]]:
    """(commune, village) pairs: villages of a commune plan's commune, communes of a province
    plan's province; anything else is a field error."""
    out: list[tuple[AdministrativeUnit, Village | None]] = []
    seen: set[tuple[str, int]] = set()
    for unit in assignees:
        if plan.commune_id is not None:
            ok = isinstance(unit, Village) and unit.commune_id == plan.commune_id and unit.is_active
        else:
            ok = (
                isinstance(unit, AdministrativeUnit)
                and unit.level == AdministrativeUnit.Level.COMMUNE
                and unit.is_current
                and unit.parent_id == plan.province_id
            )
        if not ok:
            errors.add(
                "assignees",
                _("Assign the task to villages of the commune or communes of the province."),
            )
            return []
        key = ("village" if isinstance(unit, Village) else "commune", unit.pk)
        if key in seen:
            continue
        seen.add(key)
        if isinstance(unit, Village):
            out.append((unit.commune, unit))
        else:
            out.append((unit, None))
    return out


def _set_assignments(
    task: KeyTask, pairs: list[tuple[AdministrativeUnit, Village | None]]
) -> list[str]:
    task.assignments.all().delete()
    TaskAssignment.objects.bulk_create(
        TaskAssignment(task=task, province_id=task.province_id, commune=c, village=v)
        for c, v in pairs
    )
    return [v.name if v is not None else c.name for c, v in pairs]


def _task_fields(
    errors: FieldErrors, title: Any, description: Any, deadline: Any
) -> tuple[str, str, date | None]:
    title = clean_text(errors, "title", title, TITLE_MAX)
    description = clean_text(errors, "description", description, TEXT_MAX, required=False)
    if deadline is not None and not isinstance(deadline, date):
        errors.add("deadline", _("Enter a valid date."))
        deadline = None
    return title, description, deadline


@transaction.atomic
def task_add(
    *,
    actor: Any,
    plan: SteeringPlan,
    title: str,
    description: str = "",
    deadline: date | None = None,
    assignees: Sequence[Village | AdministrativeUnit] = (),
) -> KeyTask:
    """A key task of the plan, numbered after the last one, assigned to units."""
    require(actor, Action.STEERING_MANAGE, plan)
    plan = SteeringPlan.objects.select_for_update().get(pk=plan.pk)
    errors = FieldErrors()
    title, description, deadline = _task_fields(errors, title, description, deadline)
    pairs = _assignees(errors, plan, assignees)
    count = plan.tasks.count()
    if count >= MAX_TASKS:
        errors.add("title", _("A plan has at most %(n)s key tasks.") % {"n": MAX_TASKS})
    errors.raise_if_any()
    last = plan.tasks.aggregate(last=Max("position"))["last"] or 0
    task = KeyTask.objects.create(
        plan=plan, province_id=plan.province_id, commune_id=plan.commune_id, position=last + 1,
        title=title, description=description, deadline=deadline,
    )  # fmt: skip
    names = _set_assignments(task, pairs)
    audit.record(
        actor=acting_person(actor), action="reporting.task.add", obj=task,
        commune_id=task.commune_id,
        after={"plan": plan.pk, "title": title, "deadline": deadline, "assignees": names},
    )  # fmt: skip
    return task


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: KeyTask,
    title: str,
    description: str = "",
    deadline: date | None = None,
    assignees: Sequence[Village | AdministrativeUnit] = (),
) -> KeyTask:
    """Change a key task's title, description, deadline and assigned units."""
    require(actor, Action.STEERING_MANAGE, task)
    errors = FieldErrors()
    title, description, deadline = _task_fields(errors, title, description, deadline)
    pairs = _assignees(errors, task.plan, assignees)
    errors.raise_if_any()
    before = {"title": task.title, "deadline": task.deadline}
    task.title, task.description, task.deadline = title, description, deadline
    task.save(update_fields=["title", "description", "deadline", "updated_at"])
    names = _set_assignments(task, pairs)
    audit.record(
        actor=acting_person(actor), action="reporting.task.update", obj=task,
        commune_id=task.commune_id, before=before,
        after={"title": title, "deadline": deadline, "assignees": names},
    )  # fmt: skip
    return task


@transaction.atomic
def task_set_status(*, actor: Any, task: KeyTask, status: str, on: date | None = None) -> KeyTask:
    """The committee marks a task not started, in progress, done (on a day: by default today;
    its percentage becomes 100) or cancelled."""
    require(actor, Action.STEERING_MANAGE, task)
    today = timezone.localdate()
    on = on or today
    if status not in TaskStatus.values:
        raise _refuse("status", _("Choose a valid status."))
    if not isinstance(on, date) or on > today:
        raise _refuse("on", _("The day cannot be in the future."))
    if status == task.status:
        raise WrongState(_("The task already has this status."), code="same_status")
    before = {"status": task.status, "done_on": task.done_on}
    task.status = status
    task.done_on = on if status == TaskStatus.DONE else None
    if status == TaskStatus.DONE:
        task.percent = 100
    task.save(update_fields=["status", "done_on", "percent", "updated_at"])
    audit.record(
        actor=acting_person(actor), action="reporting.task.status", obj=task,
        commune_id=task.commune_id, before=before,
        after={"status": status, "done_on": task.done_on},
    )  # fmt: skip
    return task


def _reporting_assignment(actor: Any, task: KeyTask) -> TaskAssignment | None:
    for assignment in task.assignments.select_related("commune", "village"):
        if can(actor, Action.TASK_REPORT, assignment):
            return assignment
    return None


def may_report(actor: Any, task: KeyTask) -> bool:
    """The committee (STEERING_MANAGE) or an assigned unit (TASK_REPORT on its assignment:
    e.g. the village head of a village the task is given to)."""
    if can(actor, Action.STEERING_MANAGE, task):
        return True
    return _reporting_assignment(actor, task) is not None


@transaction.atomic
def task_progress_report(
    *,
    actor: Any,
    task: KeyTask,
    note: str,
    percent: int,
    uploaded: Any = None,
) -> TaskProgress:
    """A progress update (note, percentage, optional evidence file) by the committee or an
    assigned unit; a task not started is in progress from its first update."""
    manager = can(actor, Action.STEERING_MANAGE, task)
    assignment = _reporting_assignment(actor, task)
    if not manager and assignment is None:
        require(actor, Action.STEERING_MANAGE, task)  # 404 or 403, as the layer decides
        raise PermissionDenied(_("You are not allowed to do this."), code="forbidden")
    errors = FieldErrors()
    note = clean_text(errors, "note", note, TEXT_MAX)
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        errors.add("percent", _("Enter a whole number from 0 to 100."))
    errors.raise_if_any()
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise WrongState(
            _("The task is done or cancelled: it takes no more progress updates."),
            code="task_closed",
        )
    stored = _store_evidence(uploaded) if uploaded is not None else None
    try:
        with transaction.atomic():
            row = TaskProgress.objects.create(
                task=task, province_id=task.province_id, commune_id=task.commune_id,
                assignment=None if manager else assignment, note=note, percent=percent,
                reported_on=timezone.localdate(), created_by=acting_person(actor),
                **(_evidence_columns(stored) if stored else {}),
            )  # fmt: skip
            task.percent = percent
            fields = ["percent", "updated_at"]
            if task.status == TaskStatus.NOT_STARTED:
                task.status = TaskStatus.IN_PROGRESS
                fields.append("status")
            task.save(update_fields=fields)
            audit.record(
                actor=acting_person(actor), action="reporting.task.progress", obj=row,
                commune_id=task.commune_id,
                after={
                    "task": task.pk, "percent": percent,
                    "evidence_sha256": stored.sha256 if stored else "",
                },
            )  # fmt: skip
    except BaseException:
        if stored is not None:
            evidence_path(stored.path).unlink(missing_ok=True)
        raise
    return row


# --- evidence files --------------------------------------------------------------------------

EVIDENCE_FOLDER = "steering"


def evidence_path(relative: str) -> Path:
    """The absolute path of a stored evidence file; refuses anything outside its directory."""
    return uploads.stored_path(EVIDENCE_FOLDER, relative)


def _store_evidence(uploaded: Any) -> StoredUpload:
    """Check (extension, first bytes, size) and store an evidence file under a random name."""
    limit = int(getattr(settings, "STEERING_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES))
    return uploads.check_and_store(
        uploaded, folder=EVIDENCE_FOLDER, max_bytes=limit, field="evidence",
        default_name="minh-chung",
    )  # fmt: skip


def _evidence_columns(stored: StoredUpload) -> dict[str, Any]:
    return {
        "evidence_name": stored.name,
        "evidence_content_type": stored.content_type,
        "evidence_size": stored.size,
        "evidence_sha256": stored.sha256,
        "evidence_path": stored.path,
    }


# --- emulation rounds and awards -------------------------------------------------------------


@dataclass(frozen=True)
class CriterionIn:
    """A criterion as the form or the API gives it."""

    indicator_code: str
    weight: int
    direction: str = Direction.HIGHER


def _criteria(errors: FieldErrors, criteria: Sequence[CriterionIn]) -> list[CriterionIn]:
    """The round's criteria, judged: 1–10 public indicators of the catalogue, each once, with
    a weight of 1–1000 points and a direction."""
    known = catalogue.by_code()
    rows: list[CriterionIn] = []
    if not criteria:
        errors.add("criteria", _("Add at least one criterion."))
    elif len(criteria) > MAX_CRITERIA:
        errors.add("criteria", _("At most %(n)s criteria.") % {"n": MAX_CRITERIA})
    for criterion in criteria[:MAX_CRITERIA]:
        indicator = known.get(criterion.indicator_code)
        # Only public indicators: a ranking is shown to the units it ranks.
        if indicator is None or not indicator.public:
            errors.add(
                "criteria",
                _("Unknown indicator “%(code)s”.") % {"code": str(criterion.indicator_code)[:80]},
            )
        elif any(r.indicator_code == criterion.indicator_code for r in rows):
            errors.add(
                "criteria",
                _("The indicator “%(code)s” is chosen twice.") % {"code": indicator.code},
            )
        elif (
            isinstance(criterion.weight, bool)
            or not isinstance(criterion.weight, int)
            or not 1 <= criterion.weight <= MAX_WEIGHT
        ):
            errors.add(
                "criteria",
                _("A weight is a whole number of points from 1 to %(max)s.") % {"max": MAX_WEIGHT},
            )
        elif criterion.direction not in Direction.values:
            errors.add("criteria", _("Choose whether higher or lower values are better."))
        else:
            rows.append(criterion)
    return rows


def _save_criteria(row: EmulationRound, rows: list[CriterionIn]) -> None:
    EmulationCriterion.objects.bulk_create(
        EmulationCriterion(
            round=row,
            province_id=row.province_id,
            commune_id=row.commune_id,
            position=i,
            indicator_code=c.indicator_code,
            weight=c.weight,
            direction=c.direction,
        )  # fmt: skip
        for i, c in enumerate(rows, start=1)
    )


@transaction.atomic
def round_create(
    *,
    actor: Any,
    unit: AdministrativeUnit,
    title: str,
    period_first: date,
    period_last: date,
    criteria: Sequence[CriterionIn],
) -> EmulationRound:
    """An emulation round of a commune (its villages) or a province (its communes), scored on
    1–10 public indicators of the catalogue, each with a weight of 1–1000 points."""
    unit = _owner(unit)
    require(actor, Action.EMULATION_MANAGE, probe(EmulationRound, unit))
    errors = FieldErrors()
    title = clean_text(errors, "title", title, TITLE_MAX)
    _period(errors, period_first, period_last)
    rows = _criteria(errors, criteria)
    errors.raise_if_any()
    keys = _keys(unit)
    row = EmulationRound.objects.create(
        **keys, title=title, period_first=period_first, period_last=period_last,
        created_by=acting_person(actor),
    )  # fmt: skip
    _save_criteria(row, rows)
    audit.record(
        actor=acting_person(actor), action="reporting.emulation.create", obj=row,
        commune_id=row.commune_id,
        after={
            "title": title, "first": period_first, "last": period_last,
            "criteria": [[c.indicator_code, c.weight, c.direction] for c in rows],
        },
    )  # fmt: skip
    return row


# Who gives which certificate (Law 06/2022/QH15): the commune chair the Giấy khen, the province
# chair the Bằng khen; "other" covers the rest (e.g. a Party committee's Giấy khen).
_KIND_OF_LEVEL: dict[str, str] = {
    AdministrativeUnit.Level.COMMUNE: AwardKind.COMMUNE_CERTIFICATE,
    AdministrativeUnit.Level.PROVINCE: AwardKind.PROVINCE_CERTIFICATE,
}


def _award_values(
    round: EmulationRound,  # noqa: A002 - the domain's word
    *,
    kind: str,
    decision_number: str,
    decision_date: date,
    signer: str,
    recipient_unit: Village | AdministrativeUnit | None,
    recipient_name: str,
    citation: str,
    kind_other: str,
) -> dict[str, Any]:
    """An award's columns, judged (field errors raised together)."""
    unit = round.unit
    errors = FieldErrors()
    recipient_name = clean_text(errors, "recipient_name", recipient_name, TITLE_MAX, required=False)
    citation = clean_text(errors, "citation", citation, 500, required=False)
    decision_number = clean_text(errors, "decision_number", decision_number, 50)
    signer = clean_text(errors, "signer", signer, NAME_MAX)
    kind_other = clean_text(
        errors, "kind_other", kind_other, NAME_MAX, required=kind == AwardKind.OTHER
    )
    if kind not in AwardKind.values:
        errors.add("kind", _("Choose a valid kind of award."))
    elif kind != AwardKind.OTHER and kind != _KIND_OF_LEVEL.get(unit.level):
        errors.add("kind", _("This certificate is not given at this level."))
    if not isinstance(decision_date, date):
        errors.add("decision_date", _("Enter a valid date."))
    elif decision_date > timezone.localdate():
        errors.add("decision_date", _("The decision date cannot be in the future."))
    village: Village | None = None
    commune: AdministrativeUnit | None = None
    if recipient_unit is not None:
        if round.commune_id is not None:
            if isinstance(recipient_unit, Village) and recipient_unit.commune_id == unit.pk:
                village = recipient_unit
        elif (
            isinstance(recipient_unit, AdministrativeUnit)
            and recipient_unit.level == AdministrativeUnit.Level.COMMUNE
            and recipient_unit.parent_id == unit.pk
        ):
            commune = recipient_unit
        if village is None and commune is None:
            errors.add("recipient_unit", _("Choose a unit ranked in this round."))
        elif not recipient_name:
            recipient_name = recipient_unit.name
    elif not recipient_name:
        errors.add("recipient_name", _("Choose a unit or write the collective or person."))
    errors.raise_if_any()
    return {
        "kind": kind, "kind_other": kind_other if kind == AwardKind.OTHER else "",
        "recipient_village": village, "recipient_commune": commune,
        "recipient_name": recipient_name, "citation": citation,
        "decision_number": decision_number, "decision_date": decision_date, "signer": signer,
    }  # fmt: skip


def _award_audit(award: Award) -> dict[str, Any]:
    return {
        "round": award.round_id, "kind": award.kind, "recipient": award.recipient_name,
        "decision": award.decision_number, "decision_date": award.decision_date,
    }  # fmt: skip


@transaction.atomic
def award_create(
    *,
    actor: Any,
    round: EmulationRound,  # noqa: A002 - the domain's word
    kind: str,
    decision_number: str,
    decision_date: date,
    signer: str,
    recipient_unit: Village | AdministrativeUnit | None = None,
    recipient_name: str = "",
    citation: str = "",
    kind_other: str = "",
) -> Award:
    """An award given after a round: to one of the ranked units (a village of a commune round,
    a commune of a province round) or to a named collective or person."""
    require(actor, Action.EMULATION_MANAGE, round)
    values = _award_values(
        round, kind=kind, decision_number=decision_number, decision_date=decision_date,
        signer=signer, recipient_unit=recipient_unit, recipient_name=recipient_name,
        citation=citation, kind_other=kind_other,
    )  # fmt: skip
    award = Award.objects.create(
        **_keys(round.unit), round=round, **values, created_by=acting_person(actor)
    )
    audit.record(
        actor=acting_person(actor), action="reporting.award.create", obj=award,
        commune_id=award.commune_id, after=_award_audit(award),
    )  # fmt: skip
    return award


# --- edit and delete: plans, rounds, awards ---------------------------------------------------
#
# The rules (the issue is silent; docs/reporting-steering.md, "Edit and delete"):
# * a plan whose tasks have progress reported (a note, a percentage, evidence) is kept: it can
#   be edited, not deleted (409) — the units' reports would be lost;
# * an issued review is frozen (NĐ 30/2020 Art. 15 numbering, docs/reporting-reviews.md): an
#   award it lists can be neither edited nor deleted, and the round of such an award can no
#   longer change (409), so that the records still say what the issued report says;
# * a round that has awards is not deleted (409): delete its awards first.


def issued_reviews_listing(award: Award) -> list[ReviewReport]:
    """The issued reviews whose frozen snapshot lists ``award``: of its giver, its recipient
    commune or their province (as ``steering_selectors.awards_for_review`` chose them), over a
    period holding its decision date, with figures computed after it was recorded."""
    units = {award.unit_id, award.recipient_commune_id}
    if award.recipient_village is not None:
        units.add(award.recipient_village.commune_id)
    parents = AdministrativeUnit.objects.filter(
        pk__in=[u for u in units if u is not None], level=AdministrativeUnit.Level.COMMUNE
    ).values_list("parent_id", flat=True)
    units |= set(parents)
    return list(
        ReviewReport.objects.filter(
            status=ReviewReport.Status.ISSUED, unit_id__in=[u for u in units if u is not None],
            period_first__lte=award.decision_date, period_last__gte=award.decision_date,
            figures_at__gte=award.created_at,
        ).order_by("number_year", "number")
    )  # fmt: skip


def _refuse_if_listed(awards: Sequence[Award], message: str) -> None:
    for award in awards:
        listed = issued_reviews_listing(award)
        if listed:
            raise WrongState(
                message % {"reference": listed[0].reference, "award": award.recipient_name},
                code="in_issued_review",
            )


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    plan: SteeringPlan,
    title: str,
    period_first: date,
    period_last: date,
    reference: str = "",
) -> SteeringPlan:
    """Change a plan's title, reference and period (its tasks stay)."""
    require(actor, Action.STEERING_MANAGE, plan)
    plan = SteeringPlan.objects.select_for_update().get(pk=plan.pk)
    errors = FieldErrors()
    title = clean_text(errors, "title", title, TITLE_MAX)
    reference = clean_text(errors, "reference", reference, 100, required=False)
    _period(errors, period_first, period_last)
    errors.raise_if_any()
    before = {"title": plan.title, "reference": plan.reference,
              "first": plan.period_first, "last": plan.period_last}  # fmt: skip
    plan.title, plan.reference = title, reference
    plan.period_first, plan.period_last = period_first, period_last
    plan.save(update_fields=["title", "reference", "period_first", "period_last"])
    audit.record(
        actor=acting_person(actor), action="reporting.plan.update", obj=plan,
        commune_id=plan.commune_id, before=before,
        after={"title": title, "reference": reference, "first": period_first,
               "last": period_last},
    )  # fmt: skip
    return plan


@transaction.atomic
def plan_delete(*, actor: Any, plan: SteeringPlan) -> None:
    """Delete a plan with its tasks; refused (409) once a task has progress reported."""
    require(actor, Action.STEERING_MANAGE, plan)
    plan = SteeringPlan.objects.select_for_update().get(pk=plan.pk)
    # The tasks locked too: a progress report being written meanwhile (its row holds a key
    # share on its task) is waited for, then seen.
    tasks = list(KeyTask.objects.select_for_update().filter(plan=plan).order_by("position", "id"))
    if TaskProgress.objects.filter(task__plan=plan).exists():
        raise WrongState(
            _("Progress has been reported on this plan's tasks: the plan is kept. Edit it "
              "instead."),
            code="has_progress",
        )  # fmt: skip
    before = {"title": plan.title, "reference": plan.reference, "first": plan.period_first,
              "last": plan.period_last, "tasks": [t.title for t in tasks]}  # fmt: skip
    audit.record(
        actor=acting_person(actor), action="reporting.plan.delete", obj=plan,
        commune_id=plan.commune_id, before=before,
    )  # fmt: skip
    plan.delete()


@transaction.atomic
def round_update(
    *,
    actor: Any,
    round: EmulationRound,  # noqa: A002 - the domain's word
    title: str,
    period_first: date,
    period_last: date,
    criteria: Sequence[CriterionIn],
) -> EmulationRound:
    """Change a round's title, period and criteria (the ranking is computed again); refused
    (409) once one of its awards is listed in an issued review."""
    require(actor, Action.EMULATION_MANAGE, round)
    row = (
        EmulationRound.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=round.pk)
    )
    _refuse_if_listed(
        list(row.awards.select_related("recipient_village")),
        _("The award to %(award)s is listed in the issued report %(reference)s: the round can "
          "no longer change."),
    )  # fmt: skip
    errors = FieldErrors()
    title = clean_text(errors, "title", title, TITLE_MAX)
    _period(errors, period_first, period_last)
    rows = _criteria(errors, criteria)
    errors.raise_if_any()
    before = {
        "title": row.title, "first": row.period_first, "last": row.period_last,
        "criteria": [[c.indicator_code, c.weight, c.direction] for c in row.criteria.all()],
    }  # fmt: skip
    row.title, row.period_first, row.period_last = title, period_first, period_last
    row.save(update_fields=["title", "period_first", "period_last"])
    row.criteria.all().delete()
    _save_criteria(row, rows)
    audit.record(
        actor=acting_person(actor), action="reporting.emulation.update", obj=row,
        commune_id=row.commune_id, before=before,
        after={
            "title": title, "first": period_first, "last": period_last,
            "criteria": [[c.indicator_code, c.weight, c.direction] for c in rows],
        },
    )  # fmt: skip
    return row


@transaction.atomic
def round_delete(*, actor: Any, round: EmulationRound) -> None:  # noqa: A002
    """Delete a round and its criteria; refused (409) while it has awards."""
    require(actor, Action.EMULATION_MANAGE, round)
    row = EmulationRound.objects.select_for_update().get(pk=round.pk)
    if row.awards.exists():
        raise WrongState(
            _("This round has awards: delete them first (an award listed in an issued report "
              "is kept)."),
            code="has_awards",
        )  # fmt: skip
    before = {
        "title": row.title, "first": row.period_first, "last": row.period_last,
        "criteria": [[c.indicator_code, c.weight, c.direction] for c in row.criteria.all()],
    }  # fmt: skip
    audit.record(
        actor=acting_person(actor), action="reporting.emulation.delete", obj=row,
        commune_id=row.commune_id, before=before,
    )  # fmt: skip
    row.delete()


_AWARD_LISTED = _lazy(
    "The award to %(award)s is listed in the issued report %(reference)s: it is kept as the "
    "report says."
)


@transaction.atomic
def award_update(
    *,
    actor: Any,
    award: Award,
    kind: str,
    decision_number: str,
    decision_date: date,
    signer: str,
    recipient_unit: Village | AdministrativeUnit | None = None,
    recipient_name: str = "",
    citation: str = "",
    kind_other: str = "",
) -> Award:
    """Change an award's kind, recipient, decision and signer; refused (409) once an issued
    review lists it."""
    require(actor, Action.EMULATION_MANAGE, award)
    row = (
        Award.objects.select_for_update(of=("self",))
        .select_related("recipient_village")
        .get(pk=award.pk)
    )
    _refuse_if_listed([row], str(_AWARD_LISTED))
    if row.round_id is None:
        raise WrongState(_("This award has no round: it cannot be edited here."), code="no_round")
    round = EmulationRound.objects.select_related("unit").get(pk=row.round_id)  # noqa: A001
    values = _award_values(
        round, kind=kind, decision_number=decision_number, decision_date=decision_date,
        signer=signer, recipient_unit=recipient_unit, recipient_name=recipient_name,
        citation=citation, kind_other=kind_other,
    )  # fmt: skip
    before = _award_audit(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    audit.record(
        actor=acting_person(actor), action="reporting.award.update", obj=row,
        commune_id=row.commune_id, before=before, after=_award_audit(row),
    )  # fmt: skip
    return row


@transaction.atomic
def award_delete(*, actor: Any, award: Award) -> None:
    """Delete an award recorded by mistake; refused (409) once an issued review lists it."""
    require(actor, Action.EMULATION_MANAGE, award)
    row = (
        Award.objects.select_for_update(of=("self",))
        .select_related("recipient_village")
        .get(pk=award.pk)
    )
    _refuse_if_listed([row], str(_AWARD_LISTED))
    audit.record(
        actor=acting_person(actor), action="reporting.award.delete", obj=row,
        commune_id=row.commune_id, before=_award_audit(row),
    )  # fmt: skip
    row.delete()
