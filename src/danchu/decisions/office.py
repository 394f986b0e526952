"""Who holds the office of village head (trưởng thôn / tổ trưởng tổ dân phố), and for how long.

* Decree 59/2023 Art. 8: the elected head takes office only when the commune People's Committee
  (UBND xã) recognises the election: recognising a village-head election starts an **elected**
  :class:`VillageHeadTerm` on the recognition day, and ends the term it replaces.
* Art. 9: a recognised dismissal ends the head's term that day; the UBND xã appoints an
  **interim** head meanwhile and the new head is elected within 60 days (Art. 9(3),
  :func:`danchu.decisions.rules.reelection_due`). An elected term ends the interim one.
* The term's length is in neither Law 10/2022 nor Decree 59/2023 (legal-spec §1.f). Thông tư
  04/2012/TT-BNV had 2.5 or 5 years; an unofficial copy of Decree 185/2026/NĐ-CP (not confirmed)
  says 5 years, which the UBND xã may shift by up to 6 months, and an interim head for at most
  6 months. Both lengths are settings (``DANCHU_VILLAGE_HEAD_TERM_MONTHS``, default 60;
  ``DANCHU_VILLAGE_HEAD_INTERIM_MONTHS``, default 6); the ±6 months shift is fixed here.

A term is *open* until it ends (``ended_on``; one open term per village, a database
constraint) and *current* while open and not past its planned end: an open term past its
planned end leaves the office vacant, and is closed at its planned end when the next head
starts. When the person holds an account with a password, the village-head role
(:class:`~danchu.accounts.models.RoleAssignment`) is granted with the office until its planned
end, moved with it and ended with it, through :mod:`danchu.accounts.services`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from danchu.accounts import services as accounts
from danchu.accounts.models import Role, RoleAssignment
from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.core.calendar import add_months
from danchu.core.validation import FieldErrors, acting_person
from danchu.decisions import rules, selectors
from danchu.decisions.models import Matter, MatterVillage, Option, VillageHeadTerm
from danchu.decisions.rules import MatterType, Refusal
from danchu.decisions.services import (
    _EARLIEST,
    NAME_MAX,
    WrongState,
    _check_text,
    _refuse,
    _today,
)
from danchu.territory.models import AdministrativeUnit, Resident, Village

__all__ = [
    "TERM_SHIFT_MONTHS",
    "OfficeState",
    "heads_public",
    "interim_appoint",
    "interim_end_refusal",
    "interim_months",
    "is_current",
    "office_state",
    "on_recognition",
    "term_end_shift",
    "term_holder_link",
    "term_months",
    "term_record_existing",
    "term_resign",
    "term_shift_refusal",
]

# Unofficial copy of Decree 185/2026/NĐ-CP (not confirmed, legal-spec §1.f): the UBND xã may
# shift a term's end by up to 6 months either way.
TERM_SHIFT_MONTHS = 6
_TERM_ARTICLE = _INTERIM_ARTICLE = "Nghị định 185/2026/NĐ-CP (chưa xác nhận)"
_HISTORY_MAX = 200
REFERENCE_MAX = 300


def term_months() -> int:
    """A village head's term in months (setting; 60 by default, not confirmed in law)."""
    return int(getattr(settings, "VILLAGE_HEAD_TERM_MONTHS", 60))


def interim_months() -> int:
    """An interim head's longest stay in months (setting; 6 by default, not confirmed)."""
    return int(getattr(settings, "VILLAGE_HEAD_INTERIM_MONTHS", 6))


# --- rules -------------------------------------------------------------------------------------


def interim_end_refusal(started_on: date, until: date) -> Refusal | None:
    """An interim head serves at most :func:`interim_months` from their first day (unofficial
    Decree 185/2026): 6 months to the same day passes, one day more is refused."""
    if until <= add_months(started_on, interim_months()):
        return None
    return Refusal(
        _("An interim village head serves at most %(months)s months.")
        % {"months": interim_months()},
        _INTERIM_ARTICLE,
    )


def term_shift_refusal(started_on: date, planned_end_on: date) -> Refusal | None:
    """The UBND xã may move the end of a term by at most 6 months from its normal end
    (start + :func:`term_months`; unofficial Decree 185/2026)."""
    normal = add_months(started_on, term_months())
    earliest = add_months(normal, -TERM_SHIFT_MONTHS)
    latest = add_months(normal, TERM_SHIFT_MONTHS)
    if earliest <= planned_end_on <= latest:
        return None
    return Refusal(
        _("The end of a term moves by at most %(months)s months: between %(from)s and %(to)s.")
        % {"months": TERM_SHIFT_MONTHS, "from": f"{earliest:%d/%m/%Y}", "to": f"{latest:%d/%m/%Y}"},
        _TERM_ARTICLE,
    )


# --- reads -------------------------------------------------------------------------------------


def is_current(term: VillageHeadTerm, today: date) -> bool:
    return term.ended_on is None and term.started_on <= today <= term.planned_end_on


@dataclass
class OfficeState:
    """A village's office today: the current head (or none), the open term past its end, the
    last recognised dismissal and the re-election's last day, and the history."""

    village: Village
    current: VillageHeadTerm | None
    open_term: VillageHeadTerm | None
    dismissal: MatterVillage | None
    reelection_due: date | None
    history: list[VillageHeadTerm] = field(default_factory=list)

    @property
    def vacant(self) -> bool:
        return self.current is None

    @property
    def expired(self) -> bool:
        """An open term past its planned end: the office is vacant."""
        return self.open_term is not None and self.current is None


def _last_dismissal(village_id: int) -> MatterVillage | None:
    """The village's last adopted and recognised dismissal (Decree 59/2023 Art. 9(2))."""
    return (
        MatterVillage.objects.filter(
            village_id=village_id,
            matter__matter_type=MatterType.VILLAGE_HEAD,
            matter__dismissal_petition__isnull=False,
            adopted=True,
            recognition=MatterVillage.Recognition.RECOGNISED,
            recognition_on__isnull=False,
        )
        .select_related("matter")
        .order_by("-recognition_on", "-pk")
        .first()
    )


def office_state(village: Village, today: date | None = None) -> OfficeState:
    """The office of one village (three queries whatever its history)."""
    today = today or _today()
    history = list(
        VillageHeadTerm.objects.filter(commune_id=village.commune_id, village=village)
        .select_related("resident", "matter_village__matter")
        .order_by("-started_on", "-pk")[:_HISTORY_MAX]
    )
    open_term = next((t for t in history if t.ended_on is None), None)
    current = open_term if open_term is not None and is_current(open_term, today) else None
    dismissal = _last_dismissal(village.pk)
    due = None
    if dismissal is not None and dismissal.recognition_on is not None:
        elected_since = any(
            t.kind == VillageHeadTerm.Kind.ELECTED and t.started_on >= dismissal.recognition_on
            for t in history
        )
        if not elected_since:
            due = rules.reelection_due(dismissal.recognition_on)
    return OfficeState(village, current, open_term, dismissal, due, history)


def heads_public(commune: AdministrativeUnit, today: date | None = None) -> list[dict[str, Any]]:
    """Each active village of the commune with its current head and since when (two queries)."""
    today = today or _today()
    villages = list(
        Village.objects.filter(commune=commune, is_active=True).order_by("name_folded", "pk")
    )
    terms = {
        t.village_id: t
        for t in VillageHeadTerm.objects.filter(
            commune=commune,
            ended_on__isnull=True,
            started_on__lte=today,
            planned_end_on__gte=today,
        )  # fmt: skip
    }
    return [{"village": v, "term": terms.get(v.pk)} for v in villages]


# --- writes ------------------------------------------------------------------------------------


def _state(term: VillageHeadTerm) -> dict[str, Any]:
    return {
        "village": term.village_id, "kind": term.kind, "name": term.name,
        "source": term.source, "reference": term.reference,
        "resident": term.resident_id, "option": term.option_id,
        "matter_village": term.matter_village_id, "started_on": term.started_on,
        "planned_end_on": term.planned_end_on, "ended_on": term.ended_on,
        "end_reason": term.end_reason, "role_assignment": term.role_assignment_id,
    }  # fmt: skip


def _lock_village(village_id: int) -> Village:
    """Serialises the writes of one village's office (the open-term constraint backs it)."""
    return Village.objects.select_for_update().get(pk=village_id)


def _open_term(village: Village) -> VillageHeadTerm | None:
    return (
        VillageHeadTerm.objects.select_for_update()
        .filter(commune_id=village.commune_id, village=village, ended_on__isnull=True)
        .first()
    )


def _account(term: VillageHeadTerm) -> Any:
    """The person's account that may hold the village-head role: an active account with a
    password (accounts' rule for official roles), or None."""
    if term.resident_id is None:
        return None
    user = getattr(term.resident, "account", None)
    if user is None or not user.is_active or not user.has_usable_password():
        return None
    return user


def _grant_role(actor: Any, term: VillageHeadTerm, held_on: date | None = None) -> None:
    """Give the person's account the village-head role until the term's planned end (or extend
    the one it already holds in this village on ``held_on``, by default the term's first day)."""
    user = _account(term)
    if user is None:
        return
    held = (
        RoleAssignment.objects.active(held_on or term.started_on)
        .filter(user=user, role=Role.VILLAGE_HEAD, village=term.village)
        .order_by("-valid_from")
        .first()
    )
    if held is not None:
        assignment = accounts.role_end_set(
            actor=actor, assignment=held, valid_to=term.planned_end_on
        )
    else:
        assignment = accounts.role_grant(
            actor=actor, user=user, role=Role.VILLAGE_HEAD, unit=term.commune,
            village=term.village, valid_from=term.started_on, valid_to=term.planned_end_on,
        )  # fmt: skip
    term.role_assignment = assignment
    term.save(update_fields=["role_assignment"])


def _end_role(actor: Any, term: VillageHeadTerm, on: date) -> None:
    assignment = term.role_assignment
    if assignment is None or on < assignment.valid_from:
        return
    if assignment.valid_to is not None and assignment.valid_to <= on:
        return
    accounts.role_revoke(actor=actor, assignment=assignment, on=on)


def _close(actor: Any, term: VillageHeadTerm, on: date, reason: str) -> VillageHeadTerm:
    """End an open term on ``on`` (never before its start); a term already past its planned end
    ended then (its term ran out)."""
    before = _state(term)
    if term.planned_end_on < on:
        on, reason = term.planned_end_on, VillageHeadTerm.EndReason.TERM_ENDED
    term.ended_on = max(on, term.started_on)
    term.end_reason = reason
    term.save(update_fields=["ended_on", "end_reason"])
    _end_role(actor, term, term.ended_on)
    audit.record(
        actor=actor, action="decisions.office.end", obj=term, commune_id=term.commune_id,
        before=before, after={**_state(term), "article": "Nghị định 59/2023 Điều 8, 9"},
    )  # fmt: skip
    return term


def _start(actor: Any, term: VillageHeadTerm, article: str) -> VillageHeadTerm:
    term.created_by = acting_person(actor)
    term.save()
    _grant_role(actor, term)
    audit.record(
        actor=actor, action="decisions.office.start", obj=term, commune_id=term.commune_id,
        after={**_state(term), "article": article},
    )  # fmt: skip
    return term


def on_recognition(*, actor: Any, matter_village: MatterVillage, on: date) -> None:
    """The office after the UBND xã recognises a village-head matter (call inside
    ``decision_recognise``'s transaction). An election: the winner's term starts on the
    recognition day (Decree 59/2023 Art. 8) and ends the open term. A dismissal: the open term
    ends that day (Art. 9(2))."""
    mv = matter_village
    matter: Matter = mv.matter
    if matter.matter_type != MatterType.VILLAGE_HEAD or not mv.adopted:
        return
    village = _lock_village(mv.village_id)
    current = _open_term(village)
    if not Option.objects.filter(matter=matter, kind=Option.Kind.CANDIDATE).exists():
        # The community dismisses its elected head; an interim head is the UBND xã's
        # appointee and stays until the election.
        if current is not None and current.kind == VillageHeadTerm.Kind.ELECTED:
            _close(actor, current, on, VillageHeadTerm.EndReason.DISMISSED)
        return
    outcome = next(
        (o for o in selectors.matter_outcome(matter).villages if o.matter_village.pk == mv.pk),
        None,
    )
    winner = outcome.winner if outcome is not None else None
    if winner is None:
        return
    if current is not None:
        _close(actor, current, on, VillageHeadTerm.EndReason.REPLACED)
    _start(
        actor,
        VillageHeadTerm(
            commune_id=mv.commune_id,
            village=village,
            kind=VillageHeadTerm.Kind.ELECTED,
            name=winner.label,
            option=winner,
            matter_village=mv,
            started_on=on,
            planned_end_on=add_months(on, term_months()),
        ),  # fmt: skip
        "Nghị định 59/2023 Điều 8",
    )


def _check_day(errors: FieldErrors, name: str, value: Any) -> date | None:
    """A real date, not in the future."""
    if not isinstance(value, date) or isinstance(value, datetime) or value < _EARLIEST:
        errors.add(name, _("Enter a valid date."))
        return None
    if value > _today():
        errors.add(name, _("This date is in the future."))
        return None
    return value


def _require_chair(actor: Any, village: Village) -> None:
    # Another commune's village is 404; within the commune, only the chair (the UBND xã's
    # decision — the chair's action MATTER_COMMUNE_WIDE, as for the election plan).
    require(actor, Action.MATTER_VIEW, village)
    require(actor, Action.MATTER_COMMUNE_WIDE, village.commune)


def _resident_of(errors: FieldErrors, village: Village, resident: Any) -> Resident | None:
    """A resident (or a resident's id) of a household of this village; a field error else."""
    if resident is None:
        return None
    pk = resident.pk if isinstance(resident, Resident) else resident
    found = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        found = (
            Resident.objects.select_related("household", "account")
            .filter(pk=pk, commune_id=village.commune_id, household__village_id=village.pk)
            .first()
        )
    if found is None:
        errors.add("resident", _("Choose a resident of this village."))
    return found


@transaction.atomic
def interim_appoint(
    *,
    actor: Any,
    village: Village,
    name: str,
    started_on: date,
    until: date | None = None,
    resident: Resident | int | None = None,
) -> VillageHeadTerm:
    """The UBND xã appoints an interim head while the office is vacant (Decree 59/2023 Art. 9:
    after a dismissal, until the new election), for at most the interim limit."""
    _require_chair(actor, village)
    village = _lock_village(village.pk)
    errors = FieldErrors()
    text = _check_text(errors, "name", name, NAME_MAX, required=resident is None)
    day = _check_day(errors, "started_on", started_on)
    person = _resident_of(errors, village, resident)
    if until is not None and (not isinstance(until, date) or isinstance(until, datetime)):
        errors.add("until", _("Enter a valid date."))
        until = None
    errors.raise_if_any()
    assert day is not None
    end = until if until is not None else add_months(day, interim_months())
    if end <= day:
        errors.add("until", _("The end must come after the first day."))
        errors.raise_if_any()
    refusal = interim_end_refusal(day, end)
    if refusal is not None:
        raise _refuse(refusal, "interim_too_long")
    last_end = (
        VillageHeadTerm.objects.filter(village=village, ended_on__isnull=False)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    current = _open_term(village)
    if current is not None and current.started_on > day:
        last_end = current.started_on
    if last_end is not None and day < last_end:
        errors.add(
            "started_on",
            _("The office was held until %(day)s: start on or after it.")
            % {"day": f"{last_end:%d/%m/%Y}"},
        )
        errors.raise_if_any()
    if current is not None:
        if current.planned_end_on >= day:
            raise WrongState(
                _("%(name)s holds the office: the village has no vacancy to fill.")
                % {"name": current.name},
                code="office_held",
            )
        _close(actor, current, day, VillageHeadTerm.EndReason.TERM_ENDED)
    return _start(
        actor,
        VillageHeadTerm(
            commune_id=village.commune_id,
            village=village,
            kind=VillageHeadTerm.Kind.INTERIM,
            name=text or (person.full_name if person else ""),
            resident=person,
            matter_village=_last_dismissal(village.pk),
            started_on=day,
            planned_end_on=end,
        ),  # fmt: skip
        _INTERIM_ARTICLE,
    )


def _lock_term(term: VillageHeadTerm) -> VillageHeadTerm:
    return (
        VillageHeadTerm.objects.select_for_update(of=("self",))
        .select_related("village", "commune", "resident", "role_assignment")
        .get(pk=term.pk)
    )


@transaction.atomic
def term_end_shift(*, actor: Any, term: VillageHeadTerm, planned_end_on: date) -> VillageHeadTerm:
    """The UBND xã moves the end of an elected head's term by at most 6 months (unofficial
    Decree 185/2026)."""
    _require_chair(actor, term.village)
    _lock_village(term.village_id)
    term = _lock_term(term)
    if term.ended_on is not None:
        raise WrongState(_("This term has ended."), code="term_ended")
    if term.kind != VillageHeadTerm.Kind.ELECTED:
        raise WrongState(
            _("Only an elected head's term is adjusted: an interim head leaves at the election."),
            code="not_elected",
        )
    errors = FieldErrors()
    if not isinstance(planned_end_on, date) or isinstance(planned_end_on, datetime):
        errors.add("planned_end_on", _("Enter a valid date."))
    elif planned_end_on < _today():
        errors.add("planned_end_on", _("Choose today or a later day."))
    errors.raise_if_any()
    refusal = term_shift_refusal(term.started_on, planned_end_on)
    if refusal is not None:
        raise _refuse(refusal, "shift_too_far")
    before = _state(term)
    term.planned_end_on = planned_end_on
    term.save(update_fields=["planned_end_on"])
    if term.role_assignment is not None:
        accounts.role_end_set(actor=actor, assignment=term.role_assignment, valid_to=planned_end_on)
    audit.record(
        actor=actor, action="decisions.office.shift", obj=term, commune_id=term.commune_id,
        before=before, after={**_state(term), "article": _TERM_ARTICLE},
    )  # fmt: skip
    return term


@transaction.atomic
def term_resign(*, actor: Any, term: VillageHeadTerm, on: date) -> VillageHeadTerm:
    """An interim head leaves before the election (the UBND xã records it). An elected head's
    own request goes to the community as a dismissal (Decree 59/2023 Art. 9(1))."""
    _require_chair(actor, term.village)
    _lock_village(term.village_id)
    term = _lock_term(term)
    if term.ended_on is not None:
        raise WrongState(_("This term has ended."), code="term_ended")
    if term.kind != VillageHeadTerm.Kind.INTERIM:
        raise _refuse(
            Refusal(
                _("An elected head's own request goes to the community as a dismissal."),
                "Nghị định 59/2023 Điều 9(1)",
            ),
            "elected_resignation",
        )
    errors = FieldErrors()
    day = _check_day(errors, "on", on)
    if day is not None and day < term.started_on:
        errors.add("on", _("This date is before %(day)s.") % {"day": f"{term.started_on:%d/%m/%Y}"})
    errors.raise_if_any()
    assert day is not None
    return _close(actor, term, day, VillageHeadTerm.EndReason.RESIGNED)


@transaction.atomic
def term_holder_link(
    *, actor: Any, term: VillageHeadTerm, resident: Resident | int
) -> VillageHeadTerm:
    """Link the head of an open term to a resident of the village (an election's candidate is a
    name): their account, if it has a password, gets the village-head role with the office."""
    _require_chair(actor, term.village)
    _lock_village(term.village_id)
    term = _lock_term(term)
    if term.ended_on is not None:
        raise WrongState(_("This term has ended."), code="term_ended")
    errors = FieldErrors()
    person = _resident_of(errors, term.village, resident)
    errors.raise_if_any()
    assert person is not None
    if term.resident_id is not None:
        raise WrongState(_("The head is already linked to a resident."), code="already_linked")
    before = _state(term)
    term.resident = person
    term.save(update_fields=["resident"])
    _grant_role(actor, term)
    audit.record(
        actor=actor, action="decisions.office.link", obj=term, commune_id=term.commune_id,
        before=before, after=_state(term),
    )  # fmt: skip
    return term


# --- back-filling: the head in office before the commune used danchu ---------------------------


def existing_end(kind: str, started_on: date) -> date:
    """The planned end of a head entered afterwards when none is given: the term's length for
    an elected head, the interim limit for an interim one (both settings, not confirmed)."""
    months = term_months() if kind == VillageHeadTerm.Kind.ELECTED else interim_months()
    return add_months(started_on, months)


def existing_refusal(kind: str, started_on: date, planned_end_on: date) -> Refusal | None:
    """The same limits as for the terms started in danchu: an elected term ends within 6 months
    of its normal end, an interim head serves at most the interim limit (Decree 185/2026, not
    confirmed)."""
    if kind == VillageHeadTerm.Kind.ELECTED:
        return term_shift_refusal(started_on, planned_end_on)
    return interim_end_refusal(started_on, planned_end_on)


def existing_history_problem(village: Village) -> str | None:
    """A village whose office has a recorded term is not back-filled: the back-filled head
    starts its history (a later head comes by recognition or appointment)."""
    if VillageHeadTerm.objects.filter(village=village).exists():
        return _(
            "This village already has a recorded village head: a head in office before danchu is "
            "entered only to start the history."
        )
    return None


def existing_dismissal_problem(village: Village, started_on: date) -> str | None:
    """A dismissal recognised in danchu on or after the first day would have ended that term
    (Decree 59/2023 Art. 9(2)): such a head is not entered as in office."""
    dismissal = _last_dismissal(village.pk)
    if dismissal is None or dismissal.recognition_on is None:
        return None
    if dismissal.recognition_on < started_on:
        return None
    return _(
        "A dismissal was recognised on %(day)s: a head in office before it was dismissed. Enter "
        "the interim head appointed after it, from that day on."
    ) % {"day": f"{dismissal.recognition_on:%d/%m/%Y}"}


def _existing_start(actor: Any, term: VillageHeadTerm, today: date) -> VillageHeadTerm:
    """Write a back-filled term: the role comes with it only while it runs (an office already
    past its planned end is vacant and grants nothing), and one audit entry says where it came
    from."""
    term.source = VillageHeadTerm.Source.BEFORE_PLATFORM
    term.created_by = acting_person(actor)
    term.save()
    if term.planned_end_on >= today:
        # A role granted on the roles page when the commune started is extended, not doubled.
        _grant_role(actor, term, held_on=today)
    article = (
        "Nghị định 59/2023 Điều 8"
        if term.kind == VillageHeadTerm.Kind.ELECTED
        else _INTERIM_ARTICLE
    )
    audit.record(
        actor=actor, action="decisions.office.existing", obj=term, commune_id=term.commune_id,
        after={**_state(term), "article": article},
    )  # fmt: skip
    return term


@transaction.atomic
def term_record_existing(
    *,
    actor: Any,
    village: Village,
    kind: str,
    name: str,
    started_on: date,
    planned_end_on: date | None = None,
    reference: str = "",
    resident: Resident | int | None = None,
) -> VillageHeadTerm:
    """Enter the head who was in office before the commune used danchu (back-filling), elected
    or interim, with the UBND xã's decision as written (required for an elected head: the
    recognition decision, Decree 59/2023 Art. 8). Only into a village with no recorded term;
    the limits are those of the terms started in danchu. A planned end already past leaves the
    office vacant, as for any term."""
    _require_chair(actor, village)
    village = _lock_village(village.pk)
    errors = FieldErrors()
    if kind not in VillageHeadTerm.Kind.values:
        errors.add("kind", _("Choose elected or interim."))
    text = _check_text(errors, "name", name, NAME_MAX, required=resident is None)
    day = _check_day(errors, "started_on", started_on)
    elected = kind == VillageHeadTerm.Kind.ELECTED
    ref = _check_text(errors, "reference", reference, REFERENCE_MAX, required=elected)
    person = _resident_of(errors, village, resident)
    end = planned_end_on
    if end is not None and (not isinstance(end, date) or isinstance(end, datetime)):
        errors.add("planned_end_on", _("Enter a valid date."))
        end = None
    problem = existing_history_problem(village)
    if problem is not None:
        errors.add("village", problem)
    if day is not None and (problem := existing_dismissal_problem(village, day)) is not None:
        errors.add("started_on", problem)
    errors.raise_if_any()
    assert day is not None
    end = end if end is not None else existing_end(kind, day)
    if end <= day:
        errors.add("planned_end_on", _("The end must come after the first day."))
        errors.raise_if_any()
    refusal = existing_refusal(kind, day, end)
    if refusal is not None:
        raise _refuse(refusal, "shift_too_far" if elected else "interim_too_long")
    return _existing_start(
        actor,
        VillageHeadTerm(
            commune_id=village.commune_id,
            village=village,
            kind=kind,
            name=text or (person.full_name if person else ""),
            resident=person,
            reference=ref,
            started_on=day,
            planned_end_on=end,
        ),  # fmt: skip
        _today(),
    )
