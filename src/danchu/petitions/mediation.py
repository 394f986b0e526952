"""Grassroots mediation (hòa giải ở cơ sở): Luật Hòa giải ở cơ sở 35/2013/QH13, Decree 15/2014.

* A village's mediation team has a leader and at least 3 mediators, including a woman
  (Art. 12(1)); a team that does not qualify is refused, and so is removing a member that would
  break the rule.
* Every case goes into the team's logbook (sổ theo dõi, Art. 21(4)), numbered per team and
  year. The team leader assigns mediators of the team (Art. 18); mediation starts within 3 days
  of the assignment (Art. 20(2)). The law says "ngày", not "ngày làm việc": calendar days,
  counted from the day after the assignment (Civil Code Art. 147), and when the last day is a
  weekend day or a holiday it moves to the next working day (Art. 148(5)) — legal-spec §3.6.
  A case not started by then is overdue.
* Outcomes (Art. 23, 24, 27): success with a written agreement, stopped at the parties'
  request or by the mediator, or failed and referred to the competent authority; the mediator
  follows up how a successful agreement is performed (Art. 26).
* The parties' private information is confidential (Art. 4(3)): the logbook is read only with
  ``mediation.case_view`` — the mediators of the case's village and the commune officials.
  Figures carry counts only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require, restrict
from danchu.core import audit, calendar
from danchu.petitions.community_checks import (
    WrongState,
    invalid,
    optional_text,
    required_text,
    valid_date,
)
from danchu.petitions.models import MediationCase, MediationSession, MediationTeam, Mediator
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "MIN_MEDIATORS",
    "START_WITHIN_DAYS",
    "MediationFigures",
    "MemberPlan",
    "case_assign",
    "case_close",
    "case_follow_up",
    "case_is_overdue",
    "case_list",
    "case_record",
    "mediation_figures",
    "mediator_add",
    "mediator_remove",
    "session_record",
    "team_create",
    "team_qualifies",
]

MIN_MEDIATORS = 3  # Art. 12(1): "từ 03 hòa giải viên trở lên, trong đó có hòa giải viên nữ"
START_WITHIN_DAYS = 3  # Art. 20(2): calendar days after the assignment
CLOSED = (
    MediationCase.Status.SUCCESS,
    MediationCase.Status.STOPPED,
    MediationCase.Status.FAILED,
)


@dataclass(frozen=True)
class MemberPlan:
    full_name: str
    sex: str
    is_leader: bool = False
    ethnic_minority: bool = False


def team_qualifies(members: Sequence[Any]) -> str | None:
    """Why a team's members do not meet Art. 12(1), or None when they do."""
    if len(members) < MIN_MEDIATORS:
        return _("A mediation team needs at least 3 mediators (Art. 12).")
    if not any(m.sex == Mediator.Sex.FEMALE for m in members):
        return _("A mediation team needs at least one woman mediator (Art. 12).")
    if sum(bool(m.is_leader) for m in members) != 1:
        return _("A mediation team has exactly one team leader (Art. 12).")
    return None


@transaction.atomic
def team_create(
    *,
    actor: Any,
    village: Village,
    name: str,
    members: Sequence[MemberPlan],
    recognised_by: str = "",
) -> MediationTeam:
    """The commune chair's decision setting up a village's team (Art. 12(2))."""
    require(actor, Action.MEDIATION_TEAM_MANAGE, village)
    for member in members:
        required_text(member.full_name, "members", 200)
        if member.sex not in Mediator.Sex.values:
            raise invalid("members", _("Choose the sex of each mediator."))
    reason = team_qualifies(members)
    if reason:
        raise invalid("members", reason)
    team = MediationTeam.objects.create(
        commune_id=village.commune_id, village=village, name=required_text(name, "name", 200),
        recognised_by=optional_text(recognised_by, "recognised_by", 200),
    )  # fmt: skip
    Mediator.objects.bulk_create(
        Mediator(
            commune_id=village.commune_id,
            team=team,
            full_name=m.full_name.strip(),
            sex=m.sex,
            is_leader=m.is_leader,
            ethnic_minority=m.ethnic_minority,
        )  # fmt: skip
        for m in members
    )
    audit.record(
        actor=actor, action="petitions.mediation_team.create", obj=team,
        commune_id=village.commune_id, after={"village": village.pk, "members": len(members)},
    )  # fmt: skip
    return team


@transaction.atomic
def mediator_add(*, actor: Any, team: MediationTeam, member: MemberPlan) -> Mediator:
    require(actor, Action.MEDIATION_TEAM_MANAGE, team)
    if member.sex not in Mediator.Sex.values:
        raise invalid("sex", _("Choose the sex of each mediator."))
    if member.is_leader:
        raise invalid("is_leader", _("The team already has its leader."))
    mediator = Mediator.objects.create(
        commune_id=team.commune_id, team=team,
        full_name=required_text(member.full_name, "full_name", 200), sex=member.sex,
        ethnic_minority=member.ethnic_minority,
    )  # fmt: skip
    audit.record(
        actor=actor, action="petitions.mediator.add", obj=mediator, commune_id=team.commune_id
    )
    return mediator


@transaction.atomic
def mediator_remove(*, actor: Any, mediator: Mediator) -> Mediator:
    """A mediator leaves; refused when the team would no longer meet Art. 12(1)."""
    require(actor, Action.MEDIATION_TEAM_MANAGE, mediator)
    MediationTeam.objects.select_for_update().get(pk=mediator.team_id)
    remaining = list(
        Mediator.objects.filter(team_id=mediator.team_id, is_active=True).exclude(pk=mediator.pk)
    )
    reason = team_qualifies(remaining)
    if reason:
        raise invalid("mediator", reason)
    mediator.is_active = False
    mediator.save(update_fields=["is_active"])
    audit.record(
        actor=actor, action="petitions.mediator.remove", obj=mediator,
        commune_id=mediator.commune_id,
    )  # fmt: skip
    return mediator


@transaction.atomic
def case_record(
    *,
    actor: Any,
    team: MediationTeam,
    received_on: date,
    subject: str,
    parties: str,
    details: str,
    today: date | None = None,
) -> MediationCase:
    """Enter a case in the team's logbook with the next number of the year."""
    require(actor, Action.MEDIATION_CASE_MANAGE, team)
    team = MediationTeam.objects.select_for_update().get(pk=team.pk)
    if not team.is_active:
        raise WrongState(_("This mediation team is no longer active."), code="inactive")
    valid_date(received_on, "received_on")
    if received_on > (today or timezone.localdate()):
        raise invalid("received_on", _("The date cannot be in the future."))
    if subject not in MediationCase.Subject.values:
        raise invalid("subject", _("Choose the kind of dispute from the list."))
    last = MediationCase.objects.filter(team=team, year=received_on.year).aggregate(
        n=Max("number")
    )["n"]
    case = MediationCase.objects.create(
        commune_id=team.commune_id, team=team, village_id=team.village_id,
        number=(last or 0) + 1, year=received_on.year, received_on=received_on, subject=subject,
        parties=required_text(parties, "parties", 2000, multiline=True),
        details=required_text(details, "details", 10000, multiline=True),
    )  # fmt: skip
    # The parties and the details stay out of the audit trail (Art. 4(3)).
    audit.record(
        actor=actor, action="petitions.mediation_case.record", obj=case,
        commune_id=team.commune_id, after={"number": case.number, "subject": subject},
    )  # fmt: skip
    return case


def _locked_case(case: MediationCase) -> MediationCase:
    return MediationCase.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_assign(
    *,
    actor: Any,
    case: MediationCase,
    mediator_ids: Sequence[int],
    assigned_on: date,
    today: date | None = None,
) -> MediationCase:
    """Assign mediators of the team (Art. 18); the start deadline follows (Art. 20(2))."""
    require(actor, Action.MEDIATION_CASE_MANAGE, case)
    case = _locked_case(case)
    if case.status not in (MediationCase.Status.RECEIVED, MediationCase.Status.ASSIGNED):
        raise WrongState(_("Mediators are assigned before mediation starts."), code="wrong_state")
    valid_date(assigned_on, "assigned_on")
    if not case.received_on <= assigned_on <= (today or timezone.localdate()):
        raise invalid("assigned_on", _("The assignment date is between the receipt and today."))
    wanted = set(mediator_ids)
    chosen = list(Mediator.objects.filter(team_id=case.team_id, is_active=True, pk__in=wanted))
    if not wanted or len(chosen) != len(wanted):
        raise invalid("mediator_ids", _("Choose active mediators of this team."))
    case.mediators.set(chosen)
    case.assigned_on = assigned_on
    case.start_due_on = calendar.add_days_rolled(
        assigned_on, START_WITHIN_DAYS, commune=case.commune_id
    )
    case.status = MediationCase.Status.ASSIGNED
    case.save(update_fields=["assigned_on", "start_due_on", "status"])
    audit.record(
        actor=actor, action="petitions.mediation_case.assign", obj=case,
        commune_id=case.commune_id,
        after={"mediators": sorted(wanted), "start_due_on": case.start_due_on},
    )  # fmt: skip
    return case


@transaction.atomic
def session_record(
    *,
    actor: Any,
    case: MediationCase,
    held_on: date,
    notes: str,
    today: date | None = None,
) -> MediationSession:
    """A mediation session; the first one starts the mediation."""
    require(actor, Action.MEDIATION_CASE_MANAGE, case)
    case = _locked_case(case)
    if case.status not in (MediationCase.Status.ASSIGNED, MediationCase.Status.IN_PROGRESS):
        raise WrongState(
            _("Sessions are recorded after the assignment and before the outcome."),
            code="wrong_state",
        )
    valid_date(held_on, "held_on")
    assert case.assigned_on is not None  # set with the ASSIGNED status
    if not case.assigned_on <= held_on <= (today or timezone.localdate()):
        raise invalid("held_on", _("The session date is between the assignment and today."))
    session = MediationSession.objects.create(
        commune_id=case.commune_id, case=case, held_on=held_on,
        notes=required_text(notes, "notes", 10000, multiline=True),
    )  # fmt: skip
    if case.started_on is None or held_on < case.started_on:
        case.started_on = held_on
    case.status = MediationCase.Status.IN_PROGRESS
    case.save(update_fields=["started_on", "status"])
    audit.record(
        actor=actor, action="petitions.mediation_session.record", obj=session,
        commune_id=case.commune_id, after={"case": case.pk, "held_on": held_on},
    )  # fmt: skip
    return session


@transaction.atomic
def case_close(
    *,
    actor: Any,
    case: MediationCase,
    outcome: str,
    closed_on: date,
    agreement: str = "",
    referred_to: str = "",
    note: str = "",
    today: date | None = None,
) -> MediationCase:
    """The outcome (Art. 23): success needs the written agreement (Art. 24); a failed case
    names where the parties were referred (Art. 27); both follow at least one session."""
    require(actor, Action.MEDIATION_CASE_MANAGE, case)
    case = _locked_case(case)
    if case.status in CLOSED:
        raise WrongState(_("This case is already closed."), code="wrong_state")
    if outcome not in {str(s) for s in CLOSED}:
        raise invalid("outcome", _("Choose an outcome from the list."))
    valid_date(closed_on, "closed_on")
    if not case.received_on <= closed_on <= (today or timezone.localdate()):
        raise invalid("closed_on", _("The date is between the receipt and today."))
    mediated = case.status == MediationCase.Status.IN_PROGRESS
    if outcome != MediationCase.Status.STOPPED and not mediated:
        raise WrongState(_("Record a mediation session before this outcome."), code="no_session")
    if outcome == MediationCase.Status.SUCCESS:
        case.agreement = required_text(agreement, "agreement", 20000, multiline=True)
    if outcome == MediationCase.Status.FAILED:
        case.referred_to = required_text(referred_to, "referred_to", 300)
    case.outcome_note = optional_text(note, "note", 5000)
    case.status = outcome
    case.closed_on = closed_on
    case.save(update_fields=["agreement", "referred_to", "outcome_note", "status", "closed_on"])
    audit.record(
        actor=actor, action="petitions.mediation_case.close", obj=case,
        commune_id=case.commune_id, after={"status": outcome, "closed_on": closed_on},
    )  # fmt: skip
    return case


@transaction.atomic
def case_follow_up(
    *, actor: Any, case: MediationCase, follow_up: str, performed: bool | None
) -> MediationCase:
    """The mediator follows up how the agreement is performed (Art. 26)."""
    require(actor, Action.MEDIATION_CASE_MANAGE, case)
    case = _locked_case(case)
    if case.status != MediationCase.Status.SUCCESS:
        raise WrongState(_("Only a successful agreement is followed up."), code="wrong_state")
    case.follow_up = required_text(follow_up, "follow_up", 5000, multiline=True)
    case.agreement_performed = performed
    case.save(update_fields=["follow_up", "agreement_performed"])
    audit.record(
        actor=actor, action="petitions.mediation_case.follow_up", obj=case,
        commune_id=case.commune_id, after={"performed": performed},
    )  # fmt: skip
    return case


# ---------------------------------------------------------------------------------------------
# Selectors


def case_list(*, actor: Any, commune: AdministrativeUnit) -> QuerySet[MediationCase]:
    """The logbook the actor may read (their village's for a mediator), newest first."""
    return (
        restrict(MediationCase.objects.filter(commune=commune), actor, Action.MEDIATION_CASE_VIEW)
        .select_related("team", "village")
        .order_by("-received_on", "-id")
    )


def case_is_overdue(case: MediationCase, today: date) -> bool:
    """Not started by the end of its start deadline (Art. 20(2)), or started late."""
    if case.start_due_on is None:
        return False
    if case.started_on is not None:
        return case.started_on > case.start_due_on
    return case.status == MediationCase.Status.ASSIGNED and today > case.start_due_on


@dataclass(frozen=True)
class MediationFigures:
    """Cases received in a period and the outcomes of cases closed in it (no personal data)."""

    teams: int
    teams_not_qualifying: int
    received: int
    closed: int
    success: int
    stopped: int
    failed: int
    open_now: int
    start_overdue_now: int

    @property
    def success_rate(self) -> float | None:
        """Successes among the cases closed in the period."""
        return self.success / self.closed if self.closed else None


def mediation_figures(
    commune: AdministrativeUnit, start: date, end: date, *, today: date | None = None
) -> MediationFigures:
    today = today or timezone.localdate()
    teams = MediationTeam.objects.filter(commune=commune, is_active=True).annotate(
        n=Count("members", filter=Q(members__is_active=True)),
        women=Count("members", filter=Q(members__is_active=True, members__sex=Mediator.Sex.FEMALE)),
    )
    weak = sum(1 for t in teams if t.n < MIN_MEDIATORS or t.women == 0)
    cases = MediationCase.objects.filter(commune=commune)
    closed = cases.filter(closed_on__range=(start, end)).aggregate(
        total=Count("id"),
        success=Count("id", filter=Q(status=MediationCase.Status.SUCCESS)),
        stopped=Count("id", filter=Q(status=MediationCase.Status.STOPPED)),
        failed=Count("id", filter=Q(status=MediationCase.Status.FAILED)),
    )
    return MediationFigures(
        teams=len(teams),
        teams_not_qualifying=weak,
        received=cases.filter(received_on__range=(start, end)).count(),
        closed=closed["total"],
        success=closed["success"],
        stopped=closed["stopped"],
        failed=closed["failed"],
        open_now=cases.exclude(status__in=CLOSED).count(),
        start_overdue_now=cases.filter(
            status=MediationCase.Status.ASSIGNED, start_due_on__lt=today
        ).count(),
    )
