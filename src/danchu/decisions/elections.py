"""Village-head elections and dismissal — Decree 59/2023/NĐ-CP Art. 3(5), 6–9; Law 10/2022/QH15
Art. 15(4)–(5), 21(1) (`shared/domain/legal-spec.md` §1.f).

An election is a :class:`Matter` of Art. 15(4) whose options are candidates, decided at a
meeting. Before the election day (``ElectionPlan.election_day``, the meeting's ``held_on``):

1. the commune chair issues the decision and plan — at least 20 days before;
2. the village Front working committee fixes the official candidate list (at least one) — at
   least 15 days before;
3. the commune chair sets up the election team, led by a village Front representative, with no
   candidate on it — at least 10 days before;
4. the election is announced — at least 7 days before.

Each step is refused when too late or without the step it needs, with the reason and article,
and the matter cannot open until the four are done. At the meeting, households may nominate
further candidates or nominate themselves (Art. 3(5)(b)). A candidate is elected with more than
half of **all** households; when nobody is, the commune People's Committee orders a re-election
(Art. 3(5)(d), 8). A board elects its top ``seats`` candidates that pass the same threshold.

Dismissal (Art. 9): on the head's own written request, the village Front committee head's
proposal, or the petition of at least half of all households, a dismissal matter is put to the
community; once the dismissal is recognised, the new head is elected within 60 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from danchu.accounts.models import Role
from danchu.accounts.permissions import Action, grants_for, require
from danchu.core import audit
from danchu.core.errors import PermissionDenied, ValidationFailed
from danchu.core.text import fold_vi
from danchu.core.validation import FieldErrors, acting_person
from danchu.decisions import rules
from danchu.decisions.models import (
    DismissalPetition,
    DismissalSignature,
    ElectionCandidate,
    ElectionPlan,
    Matter,
    MatterVillage,
    Option,
)
from danchu.decisions.rules import Form, MatterType, Refusal
from danchu.decisions.services import (
    _EARLIEST,
    CANDIDATES_MAX,
    NAME_MAX,
    PLAN_AHEAD_DAYS,
    REASON_MAX,
    TEAM_NAMES_MAX,
    TITLE_MAX,
    WrongState,
    _check_text,
    _lock_village,
    _names,
    _refuse,
    _today,
    matter_create,
)
from danchu.territory.models import Household, Village

__all__ = [
    "ElectionStep",
    "board_seats_set",
    "dismissal_matter_create",
    "dismissal_petition_create",
    "dismissal_signatures",
    "dismissal_signatures_record",
    "election_candidates_fix",
    "election_notice_record",
    "election_plan_record",
    "election_steps",
    "election_team_set",
    "is_village_head_election",
    "meeting_nomination_add",
    "opening_refusal",
    "reelection_order",
]

_ARTICLE = "Nghị định 59/2023 Điều 6"


def _invalid(fields: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(_("Please correct the errors below."), code="invalid", fields=fields)


def _check_day(errors: FieldErrors, name: str, value: Any, *, future: bool = False) -> date | None:
    """A date: not in the future for a step already taken; at most a year ahead for a day set."""
    if not isinstance(value, date) or isinstance(value, datetime) or value < _EARLIEST:
        errors.add(name, _("Enter a valid date."))
        return None
    if not future and value > _today():
        errors.add(name, _("Record the day the step was taken: not in the future."))
        return None
    if future and value > _today() + timedelta(days=PLAN_AHEAD_DAYS):
        errors.add(name, _("Plan at most a year ahead."))
        return None
    return value


def is_village_head_election(matter: Matter) -> bool:
    """An Art. 15(4) matter with candidates (a dismissal matter has agree/disagree)."""
    return (
        matter.matter_type == MatterType.VILLAGE_HEAD
        and Option.objects.filter(matter=matter, kind=Option.Kind.CANDIDATE).exists()
    )


def _expect_draft_election(mv: MatterVillage) -> None:
    if not is_village_head_election(mv.matter):
        raise WrongState(_("This is not a village-head election."), code="not_election")
    if mv.matter.status != Matter.Status.DRAFT:
        raise WrongState(
            _("The election is already open: its preparation can no longer change."),
            code="matter_not_draft",
        )
    if MatterVillage.objects.filter(matter_id=mv.matter_id).count() > 1:
        # The candidates are the matter's options, shared by its villages (Art. 6: each
        # village's Front committee fixes its own list).
        raise WrongState(
            _("Each village elects its own head: put the election to one village per matter."),
            code="several_villages",
        )


def _plan_of(mv: MatterVillage) -> ElectionPlan:
    plan = ElectionPlan.objects.select_for_update().filter(matter_village=mv).first()
    if plan is None or plan.plan_on is None or plan.election_day is None:
        raise _refuse(
            Refusal(_("Record the commune chair's election decision and plan first."), _ARTICLE),
            "plan_missing",
        )
    return plan


def _milestone(step: str, done_on: date, plan: ElectionPlan, code: str) -> None:
    assert plan.election_day is not None
    refusal = rules.milestone_refusal(step, done_on, plan.election_day)
    if refusal is not None:
        raise _refuse(refusal, code)
    if plan.plan_on is not None and done_on < plan.plan_on:
        raise _refuse(Refusal(_("This step cannot come before the election plan."), _ARTICLE), code)


def _plan_state(plan: ElectionPlan) -> dict[str, Any]:
    return {
        "election_day": plan.election_day,
        "seats": plan.seats,
        "plan_on": plan.plan_on,
        "candidates_on": plan.candidates_on,
        "team_on": plan.team_on,
        "team": list(plan.team or []),
        "notice_on": plan.notice_on,
        "candidates": list(
            plan.candidates.order_by("option__position").values_list("option__label", "source")
        ),
    }


def _folded(names: Sequence[str]) -> set[str]:
    return {fold_vi(n) for n in names}


def _candidate_names(mv: MatterVillage) -> list[str]:
    return list(
        Option.objects.filter(matter_id=mv.matter_id, kind=Option.Kind.CANDIDATE).values_list(
            "label", flat=True
        )
    )


# --- the four milestones (Decree 59/2023 Art. 6) ---------------------------------------------


def _dismissal_effective_on(petition: DismissalPetition, village_id: int) -> date:
    """The day the dismissal took effect: the commune's recognition of the adopted dismissal
    (Decree 59/2023 Art. 9(2))."""
    mv = (
        MatterVillage.objects.filter(matter_id=petition.matter_id, village_id=village_id).first()
        if petition.matter_id
        else None
    )
    if (
        mv is None
        or not mv.adopted
        or mv.recognition != MatterVillage.Recognition.RECOGNISED
        or mv.recognition_on is None
    ):
        raise _refuse(
            Refusal(
                _("The dismissal has not been adopted and recognised."),
                "Nghị định 59/2023 Điều 9",
            ),
            "dismissal_not_recognised",
        )
    return mv.recognition_on


@transaction.atomic
def election_plan_record(
    *,
    actor: Any,
    matter_village: MatterVillage,
    election_day: date,
    plan_on: date,
    after_dismissal: DismissalPetition | None = None,
) -> ElectionPlan:
    """The commune chair's decision and plan (with the commune Front's standing board), at
    least 20 days before the election day (Decree 59/2023 Art. 6). After a dismissal, the
    election day falls within 60 days of it (Art. 9(3))."""
    require(actor, Action.MATTER_VIEW, matter_village)
    require(actor, Action.MATTER_COMMUNE_WIDE, matter_village.commune)
    mv = _lock_village(matter_village)
    _expect_draft_election(mv)
    errors = FieldErrors()
    day = _check_day(errors, "election_day", election_day, future=True)
    issued = _check_day(errors, "plan_on", plan_on)
    errors.raise_if_any()
    assert day is not None
    assert issued is not None
    refusal = rules.milestone_refusal("plan", issued, day)
    if refusal is not None:
        raise _refuse(refusal, "plan_too_late")
    if after_dismissal is not None:
        if after_dismissal.commune_id != mv.commune_id or after_dismissal.village_id != (
            mv.village_id
        ):
            raise _invalid({"after_dismissal": [_("Choose a dismissal of this village.")]})
        refusal = rules.reelection_refusal(
            _dismissal_effective_on(after_dismissal, mv.village_id), day
        )
        if refusal is not None:
            raise _refuse(refusal, "reelection_too_late")
    plan = ElectionPlan.objects.select_for_update().filter(matter_village=mv).first()
    if plan is not None and (plan.candidates_on or plan.team_on or plan.notice_on):
        raise WrongState(
            _("Later steps are recorded: the plan can no longer change."), code="plan_fixed"
        )
    before = _plan_state(plan) if plan is not None else None
    if plan is None:
        plan = ElectionPlan(commune_id=mv.commune_id, matter_village=mv)
    plan.election_day, plan.plan_on = day, issued
    if after_dismissal is not None:
        plan.after_dismissal = after_dismissal
    plan.save()
    audit.record(
        actor=actor, action="decisions.election.plan", obj=mv, commune_id=mv.commune_id,
        before=before, after={**_plan_state(plan), "article": _ARTICLE},
    )  # fmt: skip
    return plan


def _replace_candidates(
    mv: MatterVillage, plan: ElectionPlan, names: Sequence[str], on: date
) -> None:
    """The official list becomes the matter's candidates (the matter is a draft: no vote yet).
    A name already on the draft keeps its option and place; the others are added after it."""
    wanted = {fold_vi(n): n for n in names}
    current = list(Option.objects.filter(matter_id=mv.matter_id, kind=Option.Kind.CANDIDATE))
    kept = [o for o in current if fold_vi(o.label) in wanted]
    Option.objects.filter(pk__in=[o.pk for o in current if o not in kept]).delete()
    ElectionCandidate.objects.filter(plan=plan).delete()
    known = {fold_vi(o.label) for o in kept}
    last = max((o.position for o in kept), default=0)
    added = Option.objects.bulk_create(
        Option(commune_id=mv.commune_id, matter_id=mv.matter_id, position=last + i,
               kind=Option.Kind.CANDIDATE, label=name)
        for i, name in enumerate((n for k, n in wanted.items() if k not in known), start=1)
    )  # fmt: skip
    ElectionCandidate.objects.bulk_create(
        ElectionCandidate(
            commune_id=mv.commune_id, plan=plan, option=o,
            source=ElectionCandidate.Source.FRONT_LIST, added_on=on,
        )
        for o in [*kept, *added]
    )  # fmt: skip


@transaction.atomic
def election_candidates_fix(
    *, actor: Any, matter_village: MatterVillage, names: Sequence[str], fixed_on: date
) -> ElectionPlan:
    """The official candidate list (at least one) fixed by the village Front working committee
    after agreeing with the village Party cell, minutes sent to the UBND xã at least 15 days
    before (Decree 59/2023 Art. 6). Recorded by the village head or an official."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    _expect_draft_election(mv)
    plan = _plan_of(mv)
    errors = FieldErrors()
    day = _check_day(errors, "fixed_on", fixed_on)
    cleaned = _names(errors, "names", names, CANDIDATES_MAX)
    errors.raise_if_any()
    assert day is not None
    if not cleaned:
        raise _refuse(
            Refusal(_("An election needs at least one candidate."), _ARTICLE), "no_candidates"
        )
    _milestone("candidates", day, plan, "candidates_too_late")
    if _folded(cleaned) & _folded(plan.team or []):
        raise _refuse(
            Refusal(_("A member of the election team cannot be a candidate."), _ARTICLE),
            "candidate_on_team",
        )
    before = _plan_state(plan)
    _replace_candidates(mv, plan, cleaned, day)
    plan.candidates_on = day
    plan.save(update_fields=["candidates_on"])
    audit.record(
        actor=actor, action="decisions.election.candidates", obj=mv, commune_id=mv.commune_id,
        before=before, after=_plan_state(plan),
    )  # fmt: skip
    return plan


@transaction.atomic
def election_team_set(
    *, actor: Any, matter_village: MatterVillage, members: Sequence[str], set_on: date
) -> ElectionPlan:
    """The election team set up by the commune chair at least 10 days before, led by a village
    Front representative (the first member), with no candidate on it (Decree 59/2023 Art. 6)."""
    require(actor, Action.MATTER_VIEW, matter_village)
    require(actor, Action.MATTER_COMMUNE_WIDE, matter_village.commune)
    mv = _lock_village(matter_village)
    _expect_draft_election(mv)
    plan = _plan_of(mv)
    errors = FieldErrors()
    day = _check_day(errors, "set_on", set_on)
    cleaned = _names(errors, "members", members, TEAM_NAMES_MAX)
    if "members" not in errors.fields and not cleaned:
        errors.add("members", _("Name the team's leader (a village Front representative) first."))
    errors.raise_if_any()
    assert day is not None
    _milestone("election_team", day, plan, "team_too_late")
    if plan.candidates_on is not None and _folded(cleaned) & _folded(_candidate_names(mv)):
        raise _refuse(
            Refusal(_("A member of the election team cannot be a candidate."), _ARTICLE),
            "candidate_on_team",
        )
    before = _plan_state(plan)
    plan.team, plan.team_on = cleaned, day
    plan.save(update_fields=["team", "team_on"])
    audit.record(
        actor=actor, action="decisions.election.team", obj=mv, commune_id=mv.commune_id,
        before=before, after=_plan_state(plan),
    )  # fmt: skip
    return plan


@transaction.atomic
def election_notice_record(
    *, actor: Any, matter_village: MatterVillage, notice_on: date
) -> ElectionPlan:
    """The decisions posted and announced at least 7 days before the election day, once the
    candidates and the team are known (Decree 59/2023 Art. 6)."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    _expect_draft_election(mv)
    plan = _plan_of(mv)
    errors = FieldErrors()
    day = _check_day(errors, "notice_on", notice_on)
    errors.raise_if_any()
    assert day is not None
    if plan.candidates_on is None:
        raise _refuse(
            Refusal(_("Record the official candidate list first."), _ARTICLE), "candidates_missing"
        )
    if plan.team_on is None:
        raise _refuse(Refusal(_("Set up the election team first."), _ARTICLE), "team_missing")
    _milestone("public_notice", day, plan, "notice_too_late")
    before = _plan_state(plan)
    plan.notice_on = day
    plan.save(update_fields=["notice_on"])
    audit.record(
        actor=actor, action="decisions.election.notice", obj=mv, commune_id=mv.commune_id,
        before=before, after=_plan_state(plan),
    )  # fmt: skip
    return plan


def opening_refusal(matter_village: MatterVillage, held_on: date) -> Refusal | None:
    """Why a village-head election cannot open yet (used by ``services.matter_open``): every
    milestone of Decree 59/2023 Art. 6 recorded, and the meeting on the planned day."""
    plan = ElectionPlan.objects.filter(matter_village=matter_village).first()
    if plan is None or plan.plan_on is None:
        return Refusal(_("Record the commune chair's election decision and plan first."), _ARTICLE)
    if plan.candidates_on is None:
        return Refusal(_("Record the official candidate list first."), _ARTICLE)
    if plan.team_on is None:
        return Refusal(_("Set up the election team first."), _ARTICLE)
    if plan.notice_on is None:
        return Refusal(_("Announce the election first."), _ARTICLE)
    if plan.election_day != held_on:
        return Refusal(_("The election meeting is held on the planned election day."), _ARTICLE)
    return None


@dataclass(frozen=True)
class ElectionStep:
    """One milestone for the back-office page: done on, and the last day it may be taken."""

    key: str
    label: str
    done_on: date | None
    latest: date | None


def election_steps(plan: ElectionPlan | None) -> list[ElectionStep]:
    labels = {
        "plan": _("Election decision and plan (commune chair)"),
        "candidates": _("Official candidate list (village Front committee)"),
        "election_team": _("Election team (commune chair)"),
        "public_notice": _("Public notice of the election"),
    }
    done = {
        "plan": plan.plan_on if plan else None,
        "candidates": plan.candidates_on if plan else None,
        "election_team": plan.team_on if plan else None,
        "public_notice": plan.notice_on if plan else None,
    }
    day = plan.election_day if plan else None
    return [
        ElectionStep(
            key,
            str(label),
            done[key],
            day - timedelta(days=rules.ELECTION_MILESTONES[key]) if day else None,
        )  # fmt: skip
        for key, label in labels.items()
    ]


# --- at the meeting, seats, re-election ------------------------------------------------------


@transaction.atomic
def meeting_nomination_add(
    *, actor: Any, matter_village: MatterVillage, name: str, source: str
) -> ElectionCandidate:
    """A candidate nominated at the meeting by households, or self-nominated (Decree 59/2023
    Art. 3(5)(b)): added before any count is recorded, on the meeting day or later."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    matter = mv.matter
    if matter.matter_type not in (MatterType.VILLAGE_HEAD, MatterType.BOARD_MEMBERS) or not (
        Option.objects.filter(matter=matter, kind=Option.Kind.CANDIDATE).exists()
    ):
        raise WrongState(_("Only an election has candidates."), code="not_election")
    if matter.status != Matter.Status.OPEN or mv.form != Form.MEETING:
        raise WrongState(_("Candidates are nominated at the election meeting."), code="not_meeting")
    if mv.held_on is None or _today() < mv.held_on:
        raise WrongState(_("Candidates are nominated at the election meeting."), code="too_early")
    if mv.hand_counts:
        raise WrongState(
            _("Candidates can no longer be added: the vote has started."), code="vote_started"
        )
    if MatterVillage.objects.filter(matter=matter).count() > 1:
        # The candidates are the matter's options, shared by its villages.
        raise WrongState(
            _("A candidate is nominated at the meeting only in a single village's election."),
            code="several_villages",
        )
    errors = FieldErrors()
    cleaned = _check_text(errors, "name", name, NAME_MAX, required=True)
    if source not in (ElectionCandidate.Source.HOUSEHOLDS, ElectionCandidate.Source.SELF):
        errors.add("source", _("Choose who nominated the candidate."))
    names = _candidate_names(mv)
    if cleaned and fold_vi(cleaned) in _folded(names):
        errors.add("name", _("This candidate is already on the list."))
    if len(names) >= CANDIDATES_MAX:
        errors.add("name", _("At most %(limit)s names.") % {"limit": CANDIDATES_MAX})
    errors.raise_if_any()
    plan, _created = ElectionPlan.objects.get_or_create(
        matter_village=mv, defaults={"commune_id": mv.commune_id}
    )
    if fold_vi(cleaned) in _folded(plan.team or []):
        raise _refuse(
            Refusal(_("A member of the election team cannot be a candidate."), _ARTICLE),
            "candidate_on_team",
        )
    position = (Option.objects.filter(matter=matter).aggregate(m=Max("position"))["m"] or 0) + 1
    option = Option.objects.create(
        commune_id=mv.commune_id, matter=matter, position=position,
        kind=Option.Kind.CANDIDATE, label=cleaned,
    )  # fmt: skip
    candidate = ElectionCandidate.objects.create(
        commune_id=mv.commune_id, plan=plan, option=option, source=source, added_on=_today()
    )
    audit.record(
        actor=actor, action="decisions.election.nomination", obj=mv, commune_id=mv.commune_id,
        after={"candidate": cleaned, "source": source, "article": "Nghị định 59/2023 Điều 3(5)"},
    )  # fmt: skip
    return candidate


@transaction.atomic
def board_seats_set(*, actor: Any, matter_village: MatterVillage, seats: int) -> ElectionPlan:
    """How many board members this vote elects (Law 10/2022 Art. 15(5)): the top ``seats``
    candidates that pass the threshold are elected. Set while the matter is a draft."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    if mv.matter.matter_type != MatterType.BOARD_MEMBERS or not _candidate_names(mv):
        raise WrongState(_("Only a board election has several seats."), code="not_board")
    if mv.matter.status != Matter.Status.DRAFT:
        raise WrongState(_("This matter is already open."), code="matter_open")
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= CANDIDATES_MAX:
        raise _invalid(
            {"seats": [_("Enter a number of seats from 1 to %(max)s.") % {"max": CANDIDATES_MAX}]}
        )
    plan, _created = ElectionPlan.objects.get_or_create(
        matter_village=mv, defaults={"commune_id": mv.commune_id}
    )
    before = plan.seats
    plan.seats = seats
    plan.save(update_fields=["seats"])
    audit.record(
        actor=actor, action="decisions.election.seats", obj=mv, commune_id=mv.commune_id,
        before={"seats": before}, after={"seats": seats},
    )  # fmt: skip
    return plan


@transaction.atomic
def reelection_order(
    *,
    actor: Any,
    matter_village: MatterVillage,
    election_day: date,
    decided_on: date,
    candidates: Sequence[str],
    title: str = "",
) -> ElectionPlan:
    """The UBND xã orders a re-election when no candidate won (Decree 59/2023 Art. 3(5)(d), 8).

    The order is the new election's decision and plan: a new draft matter for the same village,
    at least 20 days before its election day; the other milestones follow. The decree sets no
    period for this re-election (the 60 days of Art. 9(3) follow a dismissal).
    """
    require(actor, Action.MATTER_VIEW, matter_village)
    require(actor, Action.MATTER_COMMUNE_WIDE, matter_village.commune)
    mv = _lock_village(matter_village)
    matter = mv.matter
    if not is_village_head_election(matter):
        raise WrongState(_("This is not a village-head election."), code="not_election")
    if matter.status != Matter.Status.CLOSED or mv.adopted is not False:
        raise WrongState(
            _("A re-election is ordered only when the closed election elected nobody."),
            code="reelection_refused",
        )
    if ElectionPlan.objects.filter(reelection_of=matter).exists():
        raise WrongState(_("A re-election is already ordered."), code="reelection_exists")
    errors = FieldErrors()
    text = _check_text(errors, "title", title, TITLE_MAX, required=False)
    errors.raise_if_any()
    new = matter_create(
        actor=actor, commune=matter.commune, matter_type=MatterType.VILLAGE_HEAD,
        title=text or f"{matter.title[: TITLE_MAX - 12]} ({_('re-election')})"[:TITLE_MAX],
        question=matter.question, village_ids=[mv.village_id], candidates=candidates,
    )  # fmt: skip
    new_mv = MatterVillage.objects.select_related("matter", "commune", "village").get(matter=new)
    plan = election_plan_record(
        actor=actor, matter_village=new_mv, election_day=election_day, plan_on=decided_on
    )
    plan.reelection_of = matter
    plan.save(update_fields=["reelection_of"])
    audit.record(
        actor=actor, action="decisions.election.reelection", obj=new, commune_id=new.commune_id,
        after={"reelection_of": matter.pk, "article": "Nghị định 59/2023 Điều 3(5)(d), 8"},
    )  # fmt: skip
    return plan


# --- dismissal (Decree 59/2023 Art. 9) --------------------------------------------------------


def _require_not_concerned(actor: Any, village_id: int) -> None:
    """A village head does not handle the petition for their own dismissal."""
    if any(g.role == Role.VILLAGE_HEAD and g.village_id == village_id for g in grants_for(actor)):
        raise PermissionDenied(
            _("The village head concerned cannot handle their own dismissal."), code="forbidden"
        )


@transaction.atomic
def dismissal_petition_create(
    *, actor: Any, village: Village, route: str, head_name: str, reason: str
) -> DismissalPetition:
    """Record what brings a dismissal to the community (Decree 59/2023 Art. 9(1))."""
    require(actor, Action.MATTER_MANAGE, village)
    _require_not_concerned(actor, village.pk)
    errors = FieldErrors()
    if route not in DismissalPetition.Route.values:
        errors.add("route", _("Choose who asks for the dismissal."))
    name = _check_text(errors, "head_name", head_name, NAME_MAX, required=True)
    why = _check_text(errors, "reason", reason, REASON_MAX, required=True)
    errors.raise_if_any()
    petition = DismissalPetition.objects.create(
        commune_id=village.commune_id, village=village, route=route, head_name=name,
        reason=why, created_by=acting_person(actor),
    )  # fmt: skip
    audit.record(
        actor=actor, action="decisions.dismissal.create", obj=petition,
        commune_id=village.commune_id,
        after={"village": village.pk, "route": route, "head_name": name, "reason": why},
    )  # fmt: skip
    return petition


def _lock_petition(petition: DismissalPetition) -> DismissalPetition:
    return (
        DismissalPetition.objects.select_for_update(of=("self",))
        .select_related("village", "commune")
        .get(pk=petition.pk)
    )


def dismissal_signatures(petition: DismissalPetition) -> tuple[int, int]:
    """(households signing, households of the village now)."""
    households = Household.objects.filter(
        commune_id=petition.commune_id, village_id=petition.village_id
    )
    signing = DismissalSignature.objects.filter(petition=petition, household__in=households).count()
    return signing, households.count()


@transaction.atomic
def dismissal_signatures_record(
    *, actor: Any, petition: DismissalPetition, household_ids: Sequence[int], signed_on: date
) -> DismissalPetition:
    """Households' signatures on a petition (one per household; a repeat is ignored)."""
    require(actor, Action.MATTER_MANAGE, petition.village)
    _require_not_concerned(actor, petition.village_id)
    petition = _lock_petition(petition)
    if petition.route != DismissalPetition.Route.HOUSEHOLDS:
        raise WrongState(_("Only a households' petition has signatures."), code="not_petition")
    if petition.status != DismissalPetition.Status.COLLECTING:
        raise WrongState(_("This petition is already put to the community."), code="petition_used")
    errors = FieldErrors()
    day = _check_day(errors, "signed_on", signed_on)
    try:
        ids = list(dict.fromkeys(int(h) for h in household_ids if not isinstance(h, bool)))
    except (TypeError, ValueError):
        ids = []
        errors.add("household_ids", _("Enter a list of ids."))
    errors.raise_if_any()
    found = set(
        Household.objects.filter(
            commune_id=petition.commune_id, village_id=petition.village_id, pk__in=ids
        ).values_list("pk", flat=True)
    )
    if not ids or found != set(ids):
        raise _invalid({"household_ids": [_("Choose households of this village.")]})
    assert day is not None
    DismissalSignature.objects.bulk_create(
        (DismissalSignature(commune_id=petition.commune_id, petition=petition, household_id=h,
                            signed_on=day, recorded_by=acting_person(actor)) for h in ids),
        ignore_conflicts=True,
    )  # fmt: skip
    signing, total = dismissal_signatures(petition)
    audit.record(
        actor=actor, action="decisions.dismissal.signatures", obj=petition,
        commune_id=petition.commune_id,
        after={"added": sorted(ids), "signing": signing, "households": total},
    )  # fmt: skip
    return petition


@transaction.atomic
def dismissal_matter_create(
    *, actor: Any, petition: DismissalPetition, title: str, question: str
) -> Matter:
    """Put the dismissal to the community: a draft Art. 15(4) matter (agree / disagree), once the
    route allows it — a households' petition needs at least half of all households
    (Decree 59/2023 Art. 9(1))."""
    require(actor, Action.MATTER_MANAGE, petition.village)
    _require_not_concerned(actor, petition.village_id)
    petition = _lock_petition(petition)
    if petition.status != DismissalPetition.Status.COLLECTING:
        raise WrongState(_("This petition is already put to the community."), code="petition_used")
    if petition.route == DismissalPetition.Route.HOUSEHOLDS:
        signing, total = dismissal_signatures(petition)
        if not rules.dismissal_petition_suffices(signing, total):
            raise _refuse(
                Refusal(
                    _(
                        "At least half of all households must sign: %(signing)s of "
                        "%(total)s have signed."
                    )
                    % {"signing": signing, "total": total},
                    "Nghị định 59/2023 Điều 9(1)",
                ),
                "petition_too_small",
            )
    matter = matter_create(
        actor=actor, commune=petition.commune, matter_type=MatterType.VILLAGE_HEAD, title=title,
        question=question, village_ids=[petition.village_id], dismissal=True,
    )  # fmt: skip
    petition.matter = matter
    petition.status = DismissalPetition.Status.MATTER_OPENED
    petition.save(update_fields=["matter", "status"])
    audit.record(
        actor=actor, action="decisions.dismissal.matter", obj=petition,
        commune_id=petition.commune_id,
        after={"matter": matter.pk, "route": petition.route, "article": "Nghị định 59/2023 Điều 9"},
    )  # fmt: skip
    return matter
