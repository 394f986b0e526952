"""Writes on community decisions: one function per use case, atomic, with its audit entry.

Law 10/2022/QH15 Art. 15–21, Decree 59/2023/NĐ-CP Art. 3–6, Decree 61/2023/NĐ-CP Art. 10
(`shared/domain/legal-spec.md` §1.b, 1.c, 1.f, 1.g). The legal rules themselves live in
:mod:`danchu.decisions.rules`; these services apply them to the rows and refuse a step taken
too early or without its prerequisites, with the reason and the article.

The state machine of a matter: ``draft`` → ``open`` → ``closed`` (sealed with a hash), or
``cancelled`` from draft or open. Each village of a matter decides by its own form:

* meeting — attendance per household, then the counts (show of hands, or the counting
  committee's record of a secret ballot); a meeting whose attendance cannot reach the threshold
  falls back to a household ballot (Art. 19(1)(b));
* household ballot — one ballot per household with a unique serial, delivery and return, and
  double entry by two different people;
* online vote — after more than half of all households agreed to vote online.

Exactly one :class:`Vote` per household and matter: a second one from another channel becomes
a :class:`VoteConflict` for the counting committee, never a second vote and never a lost one.

Secret choices stay out of the audit trail: votes and ballot entries are audited by channel
and household, not by option (Law 10/2022 Art. 9(5) forbids falsifying results — the trail
proves what happened to each household's vote without exposing what it chose).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, can, require
from danchu.core import audit
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.rows import Columns, adapt_datetime, prepared_cursor
from danchu.core.text import fold_vi, normalize_spaces
from danchu.core.validation import FieldErrors, acting_person
from danchu.decisions import rules, selectors
from danchu.decisions.models import (
    Ballot,
    EligibleHousehold,
    Initiative,
    Matter,
    MatterVillage,
    MeetingAttendance,
    OnlineOptIn,
    Option,
    SecretChoice,
    Vote,
    VoteConflict,
)
from danchu.decisions.rules import Form, MatterType, Refusal
from danchu.territory.models import AdministrativeUnit, Household, Village

__all__ = [
    "APPROVE_LABEL",
    "OTHER_LABEL",
    "REJECT_LABEL",
    "AlreadyVoted",
    "BallotEntry",
    "VillagePlan",
    "WrongState",
    "ballot_enter",
    "ballot_fallback_allowed",
    "ballot_mark",
    "ballot_resolve",
    "ballots_issue",
    "conflict_resolve",
    "count_witnesses_record",
    "eligible_households",
    "matter_cancel",
    "matter_close",
    "matter_create",
    "matter_open",
    "matter_switch_to_ballot",
    "meeting_attendance_record",
    "meeting_result_record",
    "online_opt_in_record",
    "tracking_digest",
    "vote_cast",
]

# Decree 59/2023 Art. 5(2)(d): the three answers, in the decree's words. They are printed on
# ballots and shown on the online form exactly so: stored as data, not translated.
APPROVE_LABEL = "Đồng ý"
REJECT_LABEL = "Không đồng ý"
OTHER_LABEL = "Ý kiến khác"

BLANK, SPOILED = "blank", "spoiled"

# Lengths the pages, ballots and documents are laid out for.
TITLE_MAX, QUESTION_MAX, DESCRIPTION_MAX = 300, 2000, 20000
NAME_MAX, REASON_MAX, OPINION_MAX = 200, 250, 1000
CANDIDATES_MAX, TEAM_NAMES_MAX = 20, 10
_EARLIEST = date(2000, 1, 1)

# Law 10/2022 Art. 16(1), 21(1): only contributions and community finances are decided
# commune-wide (two thirds of the villages).
_COMMUNE_WIDE_TYPES = frozenset({MatterType.CONTRIBUTIONS, MatterType.COMMUNITY_FINANCES})
_ELECTION_TYPES = frozenset({MatterType.VILLAGE_HEAD, MatterType.BOARD_MEMBERS})


def _is_number(text: str) -> bool:
    """ASCII digits only ("²".isdigit() is true, int("²") fails), and small enough for the
    database's integer columns."""
    return text.isascii() and text.isdecimal() and len(text) <= 18


class WrongState(ApplicationError):
    """A step refused because of the matter's (or ballot's) current state."""

    status = 409


class AlreadyVoted(ApplicationError):
    """The household already has a vote from another channel: a conflict was recorded."""

    status = 409


@dataclass(frozen=True)
class VillagePlan:
    """How one village decides a matter, set when the matter opens."""

    form: str = Form.MEETING
    notice_on: date | None = None  # the notice was given (default: today)
    held_on: date | None = None  # the meeting day, or the day ballots are handed out
    closes_at: datetime | None = None  # ballots' return deadline, or the online vote's end
    team: Sequence[str] = ()  # the ballot team or the online-voting team (3–5)


@dataclass
class BallotEntry:
    """What an entry did: the ballot, and the vote or the conflict it produced (if any)."""

    ballot: Ballot
    vote: Vote | None = None
    conflict: VoteConflict | None = None
    step: str = "first"  # first | matched | mismatch | resolved


def _refuse(refusal: Refusal, code: str) -> ApplicationError:
    return ApplicationError(str(refusal), code=code)


def _is_control_free(text: str) -> bool:
    return not any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text)


def _check_text(errors: FieldErrors, name: str, value: str, limit: int, *, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        errors.add(name, _("Enter a valid value."))
        return ""
    text = normalize_spaces(value) if "\n" not in (value or "") else (value or "").strip()
    if required and not text:
        errors.add(name, _("This field is required."))
    elif len(text) > limit:
        errors.add(name, _("At most %(limit)s characters.") % {"limit": limit})
    elif not _is_control_free(text):
        errors.add(name, _("Remove the invisible control characters from this text."))
    return text


def _names(errors: FieldErrors, name: str, values: Sequence[str] | None, limit: int) -> list[str]:
    """A list of people's names: trimmed, none empty, no duplicates."""
    if values is None:
        return []
    if isinstance(values, str):
        errors.add(name, _("Enter a list of names."))
        return []
    cleaned = [normalize_spaces(str(v)) for v in values]
    if len(cleaned) > limit:
        errors.add(name, _("At most %(limit)s names.") % {"limit": limit})
    elif any(not v for v in cleaned):
        errors.add(name, _("A name cannot be empty."))
    elif any(len(v) > NAME_MAX or not _is_control_free(v) for v in cleaned):
        errors.add(name, _("At most %(limit)s characters.") % {"limit": NAME_MAX})
    elif len({fold_vi(v) for v in cleaned}) != len(cleaned):
        errors.add(name, _("Each name once."))
    return cleaned


def _ids(errors: FieldErrors, name: str, values: Any) -> list[int]:
    """A list of row ids, each once, in the given order; a field error for anything else."""
    if values is None:
        return []
    try:
        if isinstance(values, str | bytes):
            raise TypeError
        ids = [int(v) for v in values if not isinstance(v, bool)]
    except (TypeError, ValueError):
        errors.add(name, _("Enter a list of ids."))
        return []
    return list(dict.fromkeys(ids))


# --- scope and state ------------------------------------------------------------------------


def eligible_households(matter_village: MatterVillage) -> QuerySet[Household]:
    """The households that decide in this village.

    Law 10/2022 Art. 21(1): the denominator is all households of the village, frozen when the
    matter opens; a household registered after the opening is neither counted nor votes. Once
    open, the households are the snapshot taken then (:class:`EligibleHousehold`): a household
    that moves to another village mid-vote still votes here, once, and nowhere else.
    """
    if matter_village.eligibility_frozen:
        return Household.objects.filter(
            pk__in=EligibleHousehold.objects.filter(matter_village_id=matter_village.pk).values(
                "household_id"
            )
        )
    households = Household.objects.filter(
        commune_id=matter_village.commune_id, village_id=matter_village.village_id
    )
    opened_at = matter_village.matter.opened_at
    if opened_at is not None:
        households = households.filter(created_at__lte=opened_at)
    return households


def _require_run(actor: Any, matter: Matter, villages: Sequence[MatterVillage]) -> None:
    """Running a matter: every village it concerns (a village head only their own), and the
    chair's right for a commune-wide matter (Law 10/2022 Art. 16(1))."""
    require(actor, Action.MATTER_MANAGE, matter)
    if matter.commune_wide:
        require(actor, Action.MATTER_COMMUNE_WIDE, matter.commune)
    for village in villages:
        require(actor, Action.MATTER_MANAGE, village)


def _lock_matter(matter: Matter) -> Matter:
    # Locks order: matter → matter villages → ballots (every service takes them in this order).
    return (
        Matter.objects.select_for_update(of=("self",)).select_related("commune").get(pk=matter.pk)
    )


def _lock_village(matter_village: MatterVillage) -> MatterVillage:
    # ``no_key``: Vote and ballot inserts take KEY SHARE on this row; they must not wait on us.
    return (
        MatterVillage.objects.select_for_update(no_key=True, of=("self",))
        .select_related("matter", "matter__commune", "village")
        .get(pk=matter_village.pk)
    )


class VoteLock(NamedTuple):
    """What an online vote reads once it holds the village (:func:`_lock_village_for_vote`)."""

    mv: MatterVillage  # with its matter
    eligible: bool  # whether the household votes in this village
    vote_id: int | None  # the household's vote on this matter, if it has one
    vote_channel: str | None


def _lock_village_for_vote(matter_village: MatterVillage, household_id: int) -> VoteLock:
    """The village, locked against the closing, with its matter (for the state checks), whether
    the household may vote in it and the household's vote if it has one — in one statement
    (quality bar P7).

    Votes only need the village not to be counted under them: on PostgreSQL the read takes a
    shared lock on the village row (``FOR SHARE OF mv``), which the closing's ``FOR NO KEY
    UPDATE`` waits for, but which lets the votes of one village run side by side (one vote per
    household is the unique constraint's job). Read and lock are one statement (one round trip
    fewer, quality bar P7): had the read waited for a closing, PostgreSQL returns the village
    row as the closing left it (counted: the vote is refused) but the joined rows as they were
    when the read began — the matter's state, which the village's answers for, and the
    household's vote, which the insert or update re-checks against the unique constraint (a
    stale answer falls back to :func:`_save_vote`). SQLite's IMMEDIATE transactions serialise
    every writer."""
    with prepared_cursor() as cursor:
        cursor.execute(
            _vote_lock_sql(connection.vendor), [household_id, household_id, matter_village.pk]
        )
        row = cursor.fetchone()
    if row is None:
        raise MatterVillage.DoesNotExist
    return _vote_lock(row, household_id)


def _vote_lock(row: Any, household_id: int | None) -> VoteLock:
    mv = selectors.vote_matter_village(row)
    in_snapshot, vote_id, vote_channel = row[-3:]
    if household_id is None:
        eligible = False
    elif mv.eligibility_frozen:
        eligible = bool(in_snapshot)
    else:
        eligible = eligible_households(mv).filter(pk=household_id).exists()
    return VoteLock(mv, eligible, vote_id, vote_channel)


@cache
def _vote_lock_sql(
    vendor: str, with_option: bool = False, locked: bool = True, household: str = "%s"
) -> str:
    """The locked read; ``with_option``: also the option ``%s`` if it is one of the matter's
    (parameters: household, [option,] household, matter village); ``locked=False``: the same
    read without the lock (:func:`_vote_unlocked_by_id`); ``household``: how the household's
    id is given (a parameter, or a column of an enclosing query: no household parameters)."""
    q = connection.ops.quote_name
    mv, matter = selectors.VOTE_MV, selectors.VOTE_MATTER
    option = f"{selectors.VOTE_OPTION.sql()}, " if with_option else ""
    option_join = (
        f"LEFT JOIN {selectors.table(Option)} o "
        f"ON o.{q('id')} = %s AND o.{q('matter_id')} = mv.{q('matter_id')} "
        if with_option
        else ""
    )
    return (
        f"SELECT {mv.sql()}, {matter.sql()}, {option}"  # noqa: S608 - names only
        f"EXISTS (SELECT 1 FROM {selectors.table(EligibleHousehold)} e "
        f"WHERE e.{q('matter_village_id')} = mv.{q('id')} "
        f"AND e.{q('household_id')} = {household}), "
        f"v.{q('id')}, v.{q('channel')} "
        f"FROM {selectors.table(MatterVillage)} mv "
        f"INNER JOIN {selectors.table(Matter)} m ON m.{q('id')} = mv.{q('matter_id')} "
        f"{option_join}"
        # The unique constraint's columns (commune, matter, household): its index finds the row.
        f"LEFT JOIN {selectors.table(Vote)} v ON v.{q('commune_id')} = mv.{q('commune_id')} "
        f"AND v.{q('matter_id')} = mv.{q('matter_id')} AND v.{q('household_id')} = {household} "
        f"WHERE mv.{q('id')} = %s"
        + (" FOR SHARE OF mv" if locked and vendor == "postgresql" else "")
    )


def _matter_villages(matter: Matter) -> list[MatterVillage]:
    return list(
        MatterVillage.objects.filter(matter=matter)
        .select_related("village", "matter", "matter__commune", "commune")
        .order_by("village__code", "pk")
    )


def _expect_matter(matter: Matter, *statuses: str) -> None:
    if matter.status in statuses:
        return
    messages = {
        Matter.Status.DRAFT: _("This matter has not been opened yet."),
        Matter.Status.OPEN: _("This matter is already open."),
        Matter.Status.CLOSED: _("This matter is closed: its result is sealed."),
        Matter.Status.CANCELLED: _("This matter was cancelled."),
    }
    raise WrongState(messages[Matter.Status(matter.status)], code=f"matter_{matter.status}")


def _expect_open_village(mv: MatterVillage, form: str | None = None) -> None:
    _expect_matter(mv.matter, Matter.Status.OPEN)
    if mv.status != MatterVillage.Status.OPEN:
        raise WrongState(_("This village's result is already counted."), code="village_counted")
    if form is not None and mv.form != form:
        messages = {
            Form.MEETING: _("This village decides at a meeting."),
            Form.BALLOT: _("This village decides by household ballot."),
            Form.ONLINE: _("This village decides by online vote."),
        }
        raise WrongState(messages[Form(mv.form)], code="wrong_form")


def _today() -> date:
    return timezone.localdate()


def _village_prefix(mv: MatterVillage, many: bool) -> str:
    return f"{mv.village.name}: " if many else ""


# --- matters ---------------------------------------------------------------------------------


def _options_for(
    errors: FieldErrors, matter_type: int, candidates: Sequence[str] | None, dismissal: bool
) -> list[tuple[str, str]]:
    """The answers: candidates for an election; otherwise agree / disagree / other opinion."""
    names = _names(errors, "candidates", candidates, CANDIDATES_MAX)
    if matter_type in _ELECTION_TYPES and not dismissal:
        if not names and "candidates" not in errors.fields:
            # Decree 59/2023 Art. 6: the official list has at least one candidate.
            errors.add(
                "candidates",
                str(
                    Refusal(
                        _("An election needs at least one candidate."),
                        "Nghị định 59/2023 Điều 6",
                    )
                ),
            )
        return [(Option.Kind.CANDIDATE, n) for n in names]
    if names:
        errors.add("candidates", _("Only an election has candidates."))
    if dismissal and matter_type not in _ELECTION_TYPES:
        errors.add("dismissal", _("Only a village head or a board member can be dismissed."))
    # Decree 59/2023 Art. 5(2)(d): agree, disagree, another opinion.
    return [
        (Option.Kind.APPROVE, APPROVE_LABEL),
        (Option.Kind.REJECT, REJECT_LABEL),
        (Option.Kind.OTHER, OTHER_LABEL),
    ]


def _matter_state(matter: Matter) -> dict[str, Any]:
    return {
        "status": matter.status,
        "matter_type": matter.matter_type,
        "commune_wide": matter.commune_wide,
        "title": matter.title,
        "question": matter.question,
        "secret": matter.secret,
        "villages": sorted(
            MatterVillage.objects.filter(matter=matter).values_list("village_id", flat=True)
        ),
        "options": list(
            Option.objects.filter(matter=matter).order_by("position").values_list("kind", "label")
        ),
    }


@transaction.atomic
def matter_create(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    matter_type: int,
    title: str,
    question: str,
    description: str = "",
    village_ids: Sequence[int] = (),
    commune_wide: bool = False,
    candidates: Sequence[str] | None = None,
    dismissal: bool = False,
    initiative: Initiative | None = None,
    secret: bool = False,
) -> Matter:
    """Put a matter to the households (a draft until it opens).

    A village matter is proposed by the village head (Law 10/2022 Art. 16(2)) — they may only
    name their own village; a commune-wide one by the commune chair, only for contributions and
    community finances (Art. 16(1), 21(1)).

    ``secret``: the households vote by secret ballot (Law 10/2022 Art. 18(4)(d)); an online
    vote then records who took part and, apart, each choice under a tracking code.
    """
    if commune_wide:
        require(actor, Action.MATTER_COMMUNE_WIDE, commune)
    else:
        require(actor, Action.MATTER_CREATE, commune)
    errors = FieldErrors()
    if matter_type not in MatterType.values:
        errors.add("matter_type", _("Choose a type of matter of Art. 15."))
        errors.raise_if_any()
    if commune_wide and matter_type not in _COMMUNE_WIDE_TYPES:
        raise _refuse(
            Refusal(
                _(
                    "Only contributions and community finances are decided commune-wide; "
                    "other matters are decided in each village."
                ),
                "Luật 10/2022 Điều 16(1), 21(1)",
            ),
            "commune_wide_refused",
        )
    title = _check_text(errors, "title", title, TITLE_MAX, required=True)
    question = _check_text(errors, "question", question, QUESTION_MAX, required=True)
    description = _check_text(errors, "description", description, DESCRIPTION_MAX, required=False)
    options = _options_for(errors, matter_type, candidates, dismissal)
    ids = _ids(errors, "village_ids", village_ids)
    villages: list[Village] = []
    if commune_wide:
        if ids:
            errors.add("village_ids", _("A commune-wide matter concerns every village."))
        villages = list(Village.objects.filter(commune=commune, is_active=True).order_by("code"))
        if not villages:
            errors.add("village_ids", _("This commune has no active village."))
    elif not ids:
        if "village_ids" not in errors.fields:
            errors.add("village_ids", _("Choose the villages concerned."))
    else:
        villages = list(Village.objects.filter(commune=commune, is_active=True, pk__in=ids))
        if len(villages) != len(ids):
            errors.add("village_ids", _("Choose active villages of this commune."))
    if initiative is not None:
        if (
            initiative.commune_id != commune.pk
            # Law 10/2022 Art. 16(3): only with 10% of households' consent, or the Front's
            # approval, does an initiative go to the community.
            or not initiative.may_go_to_community
            or Matter.objects.filter(initiative=initiative).exists()
        ):
            errors.add("initiative", _("This initiative cannot become a matter."))
        elif initiative.village_id not in {v.pk for v in villages}:
            errors.add("initiative", _("The initiative's village must be among the villages."))
        elif initiative.matter_type != matter_type:
            errors.add("matter_type", _("The type must be the initiative's."))
    errors.raise_if_any()
    if not commune_wide:
        # A village head proposes for their own village only (Art. 16(2)).
        for village in villages:
            require(actor, Action.MATTER_CREATE, village)
    matter = Matter.objects.create(
        commune=commune, matter_type=matter_type, commune_wide=commune_wide, title=title,
        question=question, description=description, initiative=initiative,
        created_by=acting_person(actor), secret=bool(secret),
    )  # fmt: skip
    Option.objects.bulk_create(
        Option(commune=commune, matter=matter, position=i, kind=kind, label=label)
        for i, (kind, label) in enumerate(options, start=1)
    )
    # The denominator is frozen when the matter opens; until then it is 0.
    MatterVillage.objects.bulk_create(
        MatterVillage(
            commune=commune, matter=matter, village=v, form=Form.MEETING, total_households=0
        )
        for v in villages
    )
    audit.record(
        actor=actor, action="decisions.matter.create", obj=matter, commune_id=commune.pk,
        after=_matter_state(matter),
    )  # fmt: skip
    return matter


def _opted_in(mv: MatterVillage, total_households: int) -> bool:
    """Decree 59/2023 Art. 5(2)(c): more than half of all households agreed to vote online."""
    agreeing = OnlineOptIn.objects.filter(
        matter_village=mv, agrees=True, household__in=eligible_households(mv)
    ).count()
    return rules.online_opt_in_passes(agreeing, total_households)


def _plan_errors(
    errors: FieldErrors, mv: MatterVillage, plan: VillagePlan, prefix: str, now: datetime
) -> list[str]:
    """Field errors of one village's plan; returns the cleaned team."""

    def add(name: str, message: str) -> None:
        errors.add(name, f"{prefix}{message}")

    if plan.form not in Form.values:
        add("form", _("Choose a meeting, a household ballot or an online vote."))
        return []
    notice_on, held_on, closes_at = plan.notice_on, plan.held_on, plan.closes_at
    if notice_on is not None and (
        not isinstance(notice_on, date) or isinstance(notice_on, datetime)
    ):
        add("notice_on", _("Enter a valid date."))
    elif notice_on is not None and not _EARLIEST <= notice_on <= _today():
        add("notice_on", _("Record the day the notice was given: not in the future."))
    if held_on is not None and (not isinstance(held_on, date) or isinstance(held_on, datetime)):
        add("held_on", _("Enter a valid date."))
    elif held_on is not None and held_on > _today() + timedelta(days=PLAN_AHEAD_DAYS):
        # A typo of a year would leave the matter open for ever (and overflow time zones).
        add("held_on", _("Plan at most a year ahead."))
        held_on = None
    if closes_at is not None and (
        not isinstance(closes_at, datetime) or timezone.is_naive(closes_at)
    ):
        add("closes_at", _("Enter a valid date and time."))
        closes_at = None
    elif closes_at is not None and closes_at > now + timedelta(days=PLAN_AHEAD_DAYS):
        add("closes_at", _("Plan at most a year ahead."))
        closes_at = None
    if plan.form == Form.MEETING and held_on is None:
        add("held_on", _("Enter the day of the meeting."))
    if plan.form == Form.BALLOT:
        if held_on is None:
            add("held_on", _("Enter the day the ballots are handed out."))
        if closes_at is None:
            add("closes_at", _("Enter the deadline to return the ballots."))
        elif isinstance(held_on, date) and timezone.localtime(closes_at).date() < held_on:
            add("closes_at", _("The deadline cannot be before the ballots are handed out."))
    if plan.form == Form.ONLINE:
        if closes_at is None:
            add("closes_at", _("Enter when the online vote closes."))
        elif closes_at <= now:
            add("closes_at", _("The online vote must close in the future."))
    team = _names(errors, "team", plan.team, TEAM_NAMES_MAX)
    return team


# How far ahead a meeting or a vote may be planned: a year.
PLAN_AHEAD_DAYS = 366


def _secret_envelope_refusal() -> ApplicationError:
    # Law 10/2022 Art. 18(4)(d): a secret matter's household ballot is a double envelope; the
    # household's own ballot (the outer envelope) only records the return.
    return _refuse(
        Refusal(
            _(
                "In a secret ballot the household's envelope only records its return: enter "
                "the inner ballots by their tracking code."
            ),
            "Luật 10/2022 Điều 18(4)(d)",
        ),
        "secret_envelope",
    )


@transaction.atomic
def matter_open(
    *,
    actor: Any,
    matter: Matter,
    plans: Mapping[int, VillagePlan] | None = None,
    form: str = Form.MEETING,
    notice_on: date | None = None,
    held_on: date | None = None,
    closes_at: datetime | None = None,
    team: Sequence[str] = (),
) -> Matter:
    """Open a matter: fix each village's form, dates and denominator.

    ``plans`` maps a village id to its :class:`VillagePlan`; villages not in it take the plan
    given by the other arguments (a meeting by default). The law's gating:

    * the form allowed for the type (Law 10/2022 Art. 17(2)); online only after more than half
      of all households agreed (Decree 59/2023 Art. 5(2)(c));
    * the notice: a meeting's notice and documents at least 2 days before (Decree 59/2023
      Art. 3(3)–(4)); a ballot's public notice, with its team, at least 2 days before the
      ballots are handed out (Law Art. 19(2); Decree 59 Art. 4(4)); a village-head election
      announced at least 7 days before (Decree 59/2023 Art. 6);
    * a ballot team or an online-voting team of 3–5 (Law Art. 19(2); Decree 59 Art. 4(3),
      5(2)(b));
    * each village's total households, frozen now (Law Art. 21(1)).
    """
    require(actor, Action.MATTER_MANAGE, matter)
    matter = _lock_matter(matter)
    villages = _matter_villages(matter)
    _require_run(actor, matter, villages)
    _expect_matter(matter, Matter.Status.DRAFT)
    default = VillagePlan(form, notice_on, held_on, closes_at, tuple(team or ()))
    errors = FieldErrors()
    by_village: dict[int, VillagePlan] = {}
    for key, value in (plans or {}).items():
        try:
            village_id = int(key)
        except (TypeError, ValueError):
            village_id = -1
        if village_id not in {mv.village_id for mv in villages}:
            errors.add("plans", _("Plan only the villages of this matter."))
        elif not isinstance(value, VillagePlan):
            errors.add("plans", _("Enter a valid value."))
        else:
            by_village[village_id] = value
    errors.raise_if_any()
    many = len(villages) > 1
    now = timezone.now()
    today = _today()
    chosen: list[tuple[MatterVillage, VillagePlan, list[str]]] = []
    for mv in villages:
        plan = by_village.get(mv.village_id, default)
        if plan.notice_on is None:
            plan = VillagePlan(plan.form, today, plan.held_on, plan.closes_at, plan.team)
        team_names = _plan_errors(errors, mv, plan, _village_prefix(mv, many), now)
        chosen.append((mv, plan, team_names))
    errors.raise_if_any()
    is_election = Option.objects.filter(matter=matter, kind=Option.Kind.CANDIDATE).exists()
    frozen: list[dict[str, Any]] = []
    snapshot: list[EligibleHousehold] = []
    for mv, plan, team_names in chosen:
        prefix = _village_prefix(mv, many)
        eligible = list(eligible_households(mv).values_list("pk", flat=True))
        total = len(eligible)
        if total == 0:
            raise ApplicationError(
                prefix + _("This village has no households: enter them first."),
                code="no_households",
            )
        refusal = rules.form_refusal(
            matter.matter_type, plan.form, online_opted_in=_opted_in(mv, total)
        )
        if refusal is not None:
            raise ApplicationError(prefix + str(refusal), code="form_refused")
        assert plan.notice_on is not None
        if plan.form in (Form.MEETING, Form.BALLOT):
            assert plan.held_on is not None
            refusal = rules.notice_refusal(plan.form, plan.notice_on, plan.held_on)
            if refusal is None and matter.matter_type == MatterType.VILLAGE_HEAD and is_election:
                refusal = _election_notice_refusal(plan.notice_on, plan.held_on)
            if refusal is None and matter.matter_type == MatterType.VILLAGE_HEAD and is_election:
                # Decree 59/2023 Art. 6: plan, candidate list, team and notice come first.
                from danchu.decisions.elections import opening_refusal  # builds on this module

                refusal = opening_refusal(mv, plan.held_on)
            if refusal is not None:
                raise ApplicationError(prefix + str(refusal), code="notice_too_short")
        if plan.form in (Form.BALLOT, Form.ONLINE):
            refusal = rules.team_refusal(len(team_names))
            if refusal is not None:
                raise ApplicationError(prefix + str(refusal), code="team_refused")
        mv.form, mv.total_households = plan.form, total
        mv.notice_on, mv.held_on, mv.closes_at = plan.notice_on, plan.held_on, plan.closes_at
        mv.team = team_names if plan.form != Form.MEETING else []
        mv.status = MatterVillage.Status.OPEN
        # Law 10/2022 Art. 21(1): who decides is fixed now, with the denominator — a household
        # moving village mid-vote votes where it was at the opening, once.
        mv.eligibility_frozen = True
        snapshot.extend(
            EligibleHousehold(
                commune_id=mv.commune_id, matter_id=matter.pk, matter_village=mv, household_id=h
            )
            for h in eligible
        )
        frozen.append(_village_state(mv))
    MatterVillage.objects.bulk_update(
        [mv for mv, _plan, _team in chosen],
        [
            "form", "total_households", "notice_on", "held_on", "closes_at", "team", "status",
            "eligibility_frozen",
        ],
    )  # fmt: skip
    EligibleHousehold.objects.bulk_create(snapshot, batch_size=5000)
    matter.status = Matter.Status.OPEN
    matter.opened_at = now
    matter.save(update_fields=["status", "opened_at"])
    audit.record(
        actor=actor, action="decisions.matter.open", obj=matter, commune_id=matter.commune_id,
        before={"status": Matter.Status.DRAFT}, after={"status": matter.status, "villages": frozen},
    )  # fmt: skip
    return matter


def _election_notice_refusal(notice_on: date, held_on: date) -> Refusal | None:
    """Decree 59/2023 Art. 6: the village-head election is announced at least 7 days before.

    (The earlier milestones — the plan 20 days, the candidate list 15, the election team 10 —
    are the commune's steps before the matter is opened here.)
    """
    days = rules.ELECTION_MILESTONES["public_notice"]
    if (held_on - notice_on).days >= days:
        return None
    return Refusal(
        _("A village-head election is announced at least %(days)s days before.") % {"days": days},
        "Nghị định 59/2023 Điều 6",
    )


def _village_state(mv: MatterVillage) -> dict[str, Any]:
    return {
        "village": mv.village_id,
        "form": mv.form,
        "total_households": mv.total_households,
        "notice_on": mv.notice_on,
        "held_on": mv.held_on,
        "closes_at": mv.closes_at,
        "present": mv.present,
        "team": list(mv.team or []),
        "witnesses": list(mv.witnesses or []),
    }


@transaction.atomic
def matter_cancel(*, actor: Any, matter: Matter, reason: str) -> Matter:
    """Cancel a draft or open matter (the reason is kept in the audit trail). Its votes stay
    for the record; a closed matter cannot be cancelled (its result is sealed)."""
    require(actor, Action.MATTER_MANAGE, matter)
    matter = _lock_matter(matter)
    _require_run(actor, matter, _matter_villages(matter))
    errors = FieldErrors()
    reason = _check_text(errors, "reason", reason, REASON_MAX, required=True)
    errors.raise_if_any()
    _expect_matter(matter, Matter.Status.DRAFT, Matter.Status.OPEN)
    before = matter.status
    matter.status = Matter.Status.CANCELLED
    matter.closed_at = timezone.now()
    matter.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=actor, action="decisions.matter.cancel", obj=matter, commune_id=matter.commune_id,
        before={"status": before}, after={"status": matter.status, "reason": reason},
    )  # fmt: skip
    return matter


# --- online opt-in (Decree 59/2023 Art. 5(2)(c)) --------------------------------------------


def _own_household(actor: Any) -> Household | None:
    resident = getattr(actor, "resident", None) if acting_person(actor) else None
    return resident.household if resident is not None else None


@transaction.atomic
def online_opt_in_record(
    *, actor: Any, matter_village: MatterVillage, household: Household, agrees: bool
) -> OnlineOptIn:
    """A household's answer to "shall we vote online?" — given by its representative, or
    recorded by an official or the village head on its behalf (a paper poll)."""
    own = household.commune_id == matter_village.commune_id and can(
        actor, Action.VOTE_CAST, household
    )
    if not own:
        require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    if household.commune_id != mv.commune_id or household.village_id != mv.village_id:
        raise ValidationFailed(
            _("Please correct the errors below."), code="invalid",
            fields={"household": [_("This household is not of this village.")]},
        )  # fmt: skip
    refusal = rules.form_refusal(mv.matter.matter_type, Form.ONLINE, online_opted_in=True)
    if refusal is not None:
        raise _refuse(refusal, "form_refused")
    # The poll comes before the vote: once open, the form is fixed.
    _expect_matter(mv.matter, Matter.Status.DRAFT)
    if not isinstance(agrees, bool):
        raise ValidationFailed(
            _("Please correct the errors below."), code="invalid",
            fields={"agrees": [_("Enter true or false.")]},
        )  # fmt: skip
    previous = (
        OnlineOptIn.objects.filter(matter_village=mv, household=household)
        .values_list("agrees", flat=True)
        .first()
    )
    opt_in, _created = OnlineOptIn.objects.update_or_create(
        commune_id=mv.commune_id, matter_village=mv, household=household,
        defaults={"agrees": agrees},
    )  # fmt: skip
    audit.record(
        actor=actor, action="decisions.opt_in.record", obj=opt_in, commune_id=mv.commune_id,
        before=None if previous is None else {"agrees": previous},
        after={"household": household.pk, "village": mv.village_id, "agrees": agrees},
    )  # fmt: skip
    return opt_in


# --- meetings (Law 10/2022 Art. 18; Decree 59/2023 Art. 3; Decree 61/2023 Art. 10) ----------


def _expect_held(mv: MatterVillage) -> None:
    if mv.held_on is not None and _today() < mv.held_on:
        raise WrongState(
            _("The meeting is set for %(date)s: record it on or after that day.")
            % {"date": mv.held_on.strftime("%d/%m/%Y")},
            code="too_early",
        )


@transaction.atomic
def meeting_attendance_record(
    *,
    actor: Any,
    matter_village: MatterVillage,
    household_ids: Sequence[int],
    remove_ids: Sequence[int] = (),
) -> MatterVillage:
    """Record households represented at the meeting (the attendance sheet or a check-in).

    Idempotent: a household already recorded stays once. ``remove_ids`` corrects a mistake.
    ``present`` is recounted from the rows.
    """
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    _expect_open_village(mv, Form.MEETING)
    _expect_held(mv)
    if mv.hand_counts:
        raise WrongState(
            _("The meeting's result is recorded: attendance can no longer change."),
            code="result_recorded",
        )
    errors = FieldErrors()
    add = _ids(errors, "household_ids", household_ids)
    remove = _ids(errors, "remove_ids", remove_ids)
    errors.raise_if_any()
    wanted = set(add) | set(remove)
    found = set(eligible_households(mv).filter(pk__in=wanted).values_list("pk", flat=True))
    if found != wanted:
        raise ValidationFailed(
            _("Please correct the errors below."), code="invalid",
            fields={"household_ids": [_("Choose households of this village.")]},
        )  # fmt: skip
    before = mv.present
    MeetingAttendance.objects.filter(matter_village=mv, household_id__in=remove).delete()
    MeetingAttendance.objects.bulk_create(
        (MeetingAttendance(commune_id=mv.commune_id, matter_village=mv, household_id=h)
         for h in add if h not in remove),
        ignore_conflicts=True,
    )  # fmt: skip
    mv.present = MeetingAttendance.objects.filter(matter_village=mv).count()
    mv.save(update_fields=["present"])
    # Attendance is public (the meeting's sheet): the households are named, not their votes.
    audit.record(
        actor=actor, action="decisions.meeting.attendance", obj=mv, commune_id=mv.commune_id,
        before={"present": before},
        after={"present": mv.present, "added": sorted(add), "removed": sorted(remove)},
    )  # fmt: skip
    return mv


def ballot_fallback_allowed(matter_village: MatterVillage) -> bool:
    """Whether the meeting was held and its attendance could not reach the threshold (or a
    convention meeting was not quorate): the household ballot is then the fallback —
    Law 10/2022 Art. 19(1)(b); Decree 61/2023 Art. 10."""
    mv = matter_village
    return (
        mv.form == Form.MEETING
        and mv.held_on is not None
        and _today() >= mv.held_on
        and not rules.meeting_threshold_reachable(
            mv.matter.matter_type, mv.present, mv.total_households
        )
    )


@transaction.atomic
def meeting_result_record(
    *,
    actor: Any,
    matter_village: MatterVillage,
    counts: Mapping[int | str, int],
    team: Sequence[str] = (),
    witnesses: Sequence[str] = (),
    secret: bool = False,
    team_approved_by: int | None = None,
) -> MatterVillage:
    """Record the meeting's vote: counts per option (show of hands, or the counting
    committee's record of a secret ballot — Decree 59/2023 Art. 3(5)).

    * A secret ballot is counted by a committee of 3–5 before 2 household witnesses
      (Decree 59 Art. 3(5)(c)); a committee given for a show of hands has 3–5 members too.
    * The committee is elected by more than half of those present (Art. 3(5)):
      ``team_approved_by`` is how many raised their hands for it.
    * A convention meeting without more than half of all households present is not valid and
      cannot adopt (Decree 61/2023 Art. 10): refused, the ballot is the way.
    * Counts are whole numbers ≥ 0 summing to at most the households present.

    A meeting whose attendance cannot reach the threshold may still record its counts; the
    village may then switch to a household ballot (:func:`matter_switch_to_ballot`).
    """
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    _expect_open_village(mv, Form.MEETING)
    _expect_held(mv)
    matter = mv.matter
    if not rules.meeting_is_quorate(matter.matter_type, mv.present, mv.total_households):
        raise _refuse(
            Refusal(
                _(
                    "The convention meeting is not valid: more than half of all households "
                    "must be present. Hold a household ballot instead."
                ),
                "Nghị định 61/2023 Điều 10",
            ),
            "not_quorate",
        )
    errors = FieldErrors()
    options = {o.pk: o for o in Option.objects.filter(matter=matter)}
    cleaned: dict[str, int] = {str(pk): 0 for pk in options}
    if not isinstance(counts, Mapping):
        errors.add("counts", _("Enter a count for each option."))
    else:
        for key, value in counts.items():
            try:
                pk = int(key)
            except (TypeError, ValueError):
                pk = -1
            if pk not in options:
                errors.add("counts", _("Count only this matter's options."))
                break
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors.add("counts", _("Counts are whole numbers, zero or more."))
                break
            cleaned[str(pk)] = value
        else:
            # A board electing several members: each household may approve up to ``seats``
            # candidates, each candidate at most once per household.
            seats = selectors.election_seats(matter).get(mv.pk, 1)
            if sum(cleaned.values()) > mv.present * seats or any(
                n > mv.present for n in cleaned.values()
            ):
                errors.add(
                    "counts",
                    _("The counts add up to more than the %(present)s households present.")
                    % {"present": mv.present},
                )
    team_names = _names(errors, "team", team, TEAM_NAMES_MAX)
    witness_names = _names(errors, "witnesses", witnesses, TEAM_NAMES_MAX)
    if team_approved_by is not None and (
        isinstance(team_approved_by, bool)
        or not isinstance(team_approved_by, int)
        or not 0 <= team_approved_by <= mv.present
    ):
        errors.add("team_approved_by", _("Enter how many of those present approved."))
    errors.raise_if_any()
    if secret and not team_names:
        raise _refuse(
            Refusal(
                _("A secret ballot is counted by a counting committee."),
                "Nghị định 59/2023 Điều 3(5)(c)",
            ),
            "team_refused",
        )
    if team_names:
        refusal = rules.team_refusal(
            len(team_names), witnesses=len(witness_names) if secret else None
        )
        if refusal is not None:
            raise _refuse(refusal, "team_refused")
        if team_approved_by is not None and not rules.procedural_vote_passes(
            team_approved_by, mv.present
        ):
            raise _refuse(
                Refusal(
                    _("The counting committee needs more than half of those present."),
                    "Nghị định 59/2023 Điều 3(5)",
                ),
                "team_not_approved",
            )
    before = {"counts": dict(mv.hand_counts or {}), **_village_state(mv)}
    mv.hand_counts = cleaned
    mv.team, mv.witnesses = team_names, witness_names
    mv.team_approved_by = team_approved_by if team_names else None
    mv.save(update_fields=["hand_counts", "team", "witnesses", "team_approved_by"])
    reachable = rules.meeting_threshold_reachable(
        matter.matter_type, mv.present, mv.total_households
    )
    # Counted numbers of a meeting are public (its minutes); no household is linked to them.
    audit.record(
        actor=actor, action="decisions.meeting.result", obj=mv, commune_id=mv.commune_id,
        before=before,
        after={
            "counts": cleaned, "secret": bool(secret), "threshold_reachable": reachable,
            "team_approved_by": team_approved_by, **_village_state(mv),
        },
    )  # fmt: skip
    return mv


@transaction.atomic
def matter_switch_to_ballot(
    *,
    actor: Any,
    matter_village: MatterVillage,
    held_on: date,
    closes_at: datetime,
    team: Sequence[str],
    notice_on: date | None = None,
) -> MatterVillage:
    """After a meeting whose attendance made the threshold unreachable, the village decides by
    household ballot (Law 10/2022 Art. 19(1)(b); Decree 61/2023 Art. 10) — also conventions
    and elections. The ballot has its own public notice ≥ 2 days before the ballots are handed
    out and its team of 3–5 (Law Art. 19(2); Decree 59/2023 Art. 4(3)–(4)).

    The meeting's attendance and counts stay on the row for its minutes; the tally now comes
    from the ballots.
    """
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    _expect_open_village(mv, Form.MEETING)
    matter = mv.matter
    if not ballot_fallback_allowed(mv):
        _expect_held(mv)
        raise _refuse(
            Refusal(
                _("The meeting's attendance could reach the threshold: its vote decides."),
                "Luật 10/2022 Điều 19(1)(b)",
            ),
            "meeting_reachable",
        )
    refusal = rules.form_refusal(matter.matter_type, Form.BALLOT, meeting_unreachable=True)
    if refusal is not None:  # pragma: no cover - the rules allow the fallback for every type
        raise _refuse(refusal, "form_refused")
    errors = FieldErrors()
    plan = VillagePlan(Form.BALLOT, notice_on or _today(), held_on, closes_at, tuple(team or ()))
    team_names = _plan_errors(errors, mv, plan, "", timezone.now())
    errors.raise_if_any()
    assert plan.notice_on is not None
    assert plan.held_on is not None
    refusal = rules.notice_refusal(Form.BALLOT, plan.notice_on, plan.held_on)
    if refusal is not None:
        raise _refuse(refusal, "notice_too_short")
    refusal = rules.team_refusal(len(team_names))
    if refusal is not None:
        raise _refuse(refusal, "team_refused")
    before = _village_state(mv)
    mv.form = Form.BALLOT
    mv.notice_on, mv.held_on, mv.closes_at = plan.notice_on, plan.held_on, plan.closes_at
    mv.team, mv.witnesses = team_names, []
    mv.save(update_fields=["form", "notice_on", "held_on", "closes_at", "team", "witnesses"])
    audit.record(
        actor=actor, action="decisions.village.switch_to_ballot", obj=mv,
        commune_id=mv.commune_id, before=before, after=_village_state(mv),
    )  # fmt: skip
    return mv


@transaction.atomic
def count_witnesses_record(
    *, actor: Any, matter_village: MatterVillage, witnesses: Sequence[str]
) -> MatterVillage:
    """The two household representatives who witness the ballots' count (Decree 59/2023
    Art. 4(6)); required before a ballot village is closed."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    _expect_open_village(mv, Form.BALLOT)
    errors = FieldErrors()
    names = _names(errors, "witnesses", witnesses, TEAM_NAMES_MAX)
    errors.raise_if_any()
    if len(names) != rules.WITNESSES:
        raise _refuse(
            Refusal(
                _("Two household representatives witness the count."),
                "Nghị định 59/2023 Điều 3(5)(c), 4(6)",
            ),
            "witnesses_refused",
        )
    before = list(mv.witnesses or [])
    mv.witnesses = names
    mv.save(update_fields=["witnesses"])
    audit.record(
        actor=actor, action="decisions.ballot.witnesses", obj=mv, commune_id=mv.commune_id,
        before={"witnesses": before}, after={"witnesses": names},
    )  # fmt: skip
    return mv


# --- household ballots (Law 10/2022 Art. 19; Decree 59/2023 Art. 4) ------------------------

# Serial characters without look-alikes (no I, L, O, U): read aloud and typed back safely.
_SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SERIAL_RANDOM = 6
_SERIAL_MAX = 20  # Ballot.serial


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def _serial_prefix(matter: Matter) -> str:
    prefix = f"{matter.commune.code}-{_base36(matter.pk)}-"
    if len(prefix) + _SERIAL_RANDOM > _SERIAL_MAX:
        # Unique per commune anyway: the commune code is only a reading aid.
        prefix = f"{_base36(matter.pk)}-"
    return prefix


def _new_serials(matter: Matter, count: int) -> list[str]:
    """``<commune code>-<matter id in base 36>-<6 random characters>``: unique per commune
    (a constraint) and not guessable, so it can be printed as the ballot's tracking code."""
    prefix = _serial_prefix(matter)
    taken = set(
        Ballot.objects.filter(commune_id=matter.commune_id, serial__startswith=prefix).values_list(
            "serial", flat=True
        )
    )
    serials: list[str] = []
    while len(serials) < count:
        serial = prefix + "".join(secrets.choice(_SERIAL_ALPHABET) for _n in range(_SERIAL_RANDOM))
        if serial not in taken:
            taken.add(serial)
            serials.append(serial)
    return serials


@transaction.atomic
def ballots_issue(*, actor: Any, matter_village: MatterVillage) -> list[Ballot]:
    """Issue one ballot per household of the village (Law 10/2022 Art. 19(3)); returns the
    new ballots. Running it again issues only to households still without one."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock_village(matter_village)
    _expect_open_village(mv, Form.BALLOT)
    refusal = rules.team_refusal(len(mv.team or []))
    if refusal is not None:
        raise _refuse(refusal, "team_refused")
    have = Ballot.objects.filter(matter_village=mv).values("household_id")
    households = list(
        eligible_households(mv).exclude(pk__in=have).order_by("code").values_list("pk", flat=True)
    )
    ballots: list[Ballot] = []
    for _attempt in range(3):
        ballots = [
            Ballot(commune_id=mv.commune_id, matter_village=mv, household_id=h, serial=s)
            for h, s in zip(households, _new_serials(mv.matter, len(households)), strict=True)
        ]
        try:
            with transaction.atomic():
                Ballot.objects.bulk_create(ballots)
            break
        except IntegrityError:  # a serial drawn at the same moment elsewhere: draw again
            continue
    else:  # pragma: no cover - three collisions of 32**6 serials in a row
        raise ApplicationError(_("Please try again."), code="retry")
    if mv.matter.secret:  # the double envelope: one inner ballot per envelope issued now
        from danchu.decisions import secret_paper

        secret_paper.inner_ballots_issue(mv, len(ballots))
    issued = Ballot.objects.filter(matter_village=mv).count()
    audit.record(
        actor=actor, action="decisions.ballots.issue", obj=mv, commune_id=mv.commune_id,
        after={"issued_now": len(ballots), "issued": issued,
               "total_households": mv.total_households},
    )  # fmt: skip
    return ballots


def _lock_ballot(ballot: Ballot) -> tuple[MatterVillage, Ballot]:
    mv = _lock_village(ballot.matter_village)
    locked = (
        Ballot.objects.select_for_update(of=("self",)).select_related("household").get(pk=ballot.pk)
    )
    locked.matter_village = mv
    return mv, locked


_MARK_NEXT = {
    Ballot.Status.ISSUED: {Ballot.Status.DELIVERED, Ballot.Status.RETURNED},
    Ballot.Status.DELIVERED: {Ballot.Status.RETURNED},
}


@transaction.atomic
def ballot_mark(*, actor: Any, ballot: Ballot, status: str) -> Ballot:
    """Track a ballot: delivered to the household, returned to the team (Decree 59 Art. 4(6))."""
    require(actor, Action.MATTER_MANAGE, ballot.matter_village)
    mv, ballot = _lock_ballot(ballot)
    _expect_open_village(mv, Form.BALLOT)
    if status not in (Ballot.Status.DELIVERED, Ballot.Status.RETURNED):
        raise ValidationFailed(
            _("Please correct the errors below."), code="invalid",
            fields={"status": [_("Choose delivered or returned.")]},
        )  # fmt: skip
    if status not in _MARK_NEXT.get(Ballot.Status(ballot.status), set()):
        raise WrongState(
            _("This ballot is already %(status)s.") % {"status": ballot.get_status_display()},
            code="ballot_status",
        )
    before = ballot.status
    ballot.status = status
    ballot.save(update_fields=["status"])
    if status == Ballot.Status.RETURNED and mv.matter.secret:
        from danchu.decisions import secret_paper

        secret_paper.envelope_returned(actor=actor, mv=mv, ballot=ballot)
    audit.record(
        actor=actor, action="decisions.ballot.mark", obj=ballot, commune_id=ballot.commune_id,
        before={"status": before}, after={"status": status, "serial": ballot.serial},
    )  # fmt: skip
    return ballot


def _clean_entry(matter: Matter, entry: Any) -> tuple[str, Option | None]:
    """An entry is an option of the matter, "blank" or "spoiled"."""
    text = str(entry).strip().lower() if entry is not None else ""
    if text in (BLANK, SPOILED):
        return text, None
    option = None
    if _is_number(text):
        option = Option.objects.filter(matter=matter, pk=int(text)).first()
    if option is None:
        raise ValidationFailed(
            _("Please correct the errors below."), code="invalid",
            fields={"entry": [_("Choose an option of this matter, blank or spoiled.")]},
        )  # fmt: skip
    return str(option.pk), option


def _clean_ballot_entry(mv: MatterVillage, entry: Any) -> tuple[str, Option | None, list[Option]]:
    """A ballot's entry; in a board election with several seats, the approved candidates."""
    from danchu.decisions import board_votes

    seats = board_votes.seats_of(mv)
    text = str(entry).strip().lower() if isinstance(entry, (str, int)) else ""
    if seats == 1 or text in (BLANK, SPOILED):
        value, option = _clean_entry(mv.matter, entry)
        return value, option, []
    value, approved = board_votes.clean_approvals(mv, entry, seats)
    return value, None, approved


def _existing_vote(matter_id: int, household_id: int) -> Vote | None:
    return (
        Vote.objects.select_for_update(of=("self",))
        .filter(matter_id=matter_id, household_id=household_id)
        .first()
    )


def _conflict(
    *,
    actor: Any,
    mv: MatterVillage,
    household_id: int,
    channel: str,
    option: Option | None,
    ballot: Ballot | None = None,
) -> VoteConflict:
    """Keep a second vote of a household for the counting committee (never dropped)."""
    conflict = (
        VoteConflict.objects.filter(
            matter_id=mv.matter_id, household_id=household_id, channel=channel,
            ballot=ballot, resolved_at__isnull=True,
        ).first()
    )  # fmt: skip
    if conflict is None:
        conflict = VoteConflict.objects.create(
            commune_id=mv.commune_id, matter_id=mv.matter_id, household_id=household_id,
            channel=channel, option=option, ballot=ballot,
        )  # fmt: skip
    else:  # the same household trying again through the same channel: one conflict, updated
        conflict.option = option
        conflict.save(update_fields=["option"])
    # Art. 9(5): the household and the channels are recorded, its choice is not.
    audit.record(
        actor=actor, action="decisions.vote.conflict", obj=conflict, commune_id=mv.commune_id,
        after={"household": household_id, "channel": channel,
               "ballot": ballot.serial if ballot else None},
    )  # fmt: skip
    return conflict


def _store_vote(
    *,
    actor: Any,
    mv: MatterVillage,
    household_id: int,
    option: Option | None,
    channel: str,
    other_opinion: str = "",
    ballot: Ballot | None = None,
) -> Vote | VoteConflict:
    """Store the household's vote, or a conflict when it already has one (:func:`_save_vote`)."""
    stored, _created = _save_vote(
        actor=actor, mv=mv, household_id=household_id, option=option, channel=channel,
        other_opinion=other_opinion, ballot=ballot,
    )  # fmt: skip
    return stored


def _save_vote(
    *,
    actor: Any,
    mv: MatterVillage,
    household_id: int,
    option: Option | None,
    channel: str,
    other_opinion: str = "",
    ballot: Ballot | None = None,
) -> tuple[Vote | VoteConflict, bool]:
    """Store the household's vote, or a conflict when it already has one; and whether a new
    vote row was inserted.

    An online vote replaces the household's own earlier online vote (it may change its choice
    until the vote closes). The unique constraint (commune, matter, household) is the last line
    against concurrent submissions: the insert runs in a savepoint and a loser's IntegrityError
    becomes the same path as a vote found by the read.
    """
    existing = _existing_vote(mv.matter_id, household_id)
    if existing is None:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    commune_id=mv.commune_id, matter_id=mv.matter_id, matter_village=mv,
                    household_id=household_id, option=option, channel=channel,
                    other_opinion=other_opinion, cast_by=acting_person(actor),
                )  # fmt: skip
                return vote, True
        except IntegrityError:
            existing = _existing_vote(mv.matter_id, household_id)
            if existing is None:  # pragma: no cover - another constraint failed: a real error
                raise
    if existing.channel == channel == Vote.Channel.ONLINE:
        existing.option = option
        existing.other_opinion = other_opinion
        existing.cast_by = acting_person(actor)
        existing.save(update_fields=["option", "other_opinion", "cast_by", "changed_at"])
        return existing, False
    conflict = _conflict(
        actor=actor, mv=mv, household_id=household_id, channel=channel, option=option,
        ballot=ballot,
    )  # fmt: skip
    return conflict, False


_VOTE_RETURNING = Columns(Vote, None)


def _save_online_vote(
    *, actor: Any, lock: VoteLock, household_id: int, option: Option, other_opinion: str
) -> tuple[Vote | VoteConflict, bool]:
    """:func:`_save_vote` for an online vote, in one statement when nothing unusual happens
    (quality bar P7): the first vote is an ``INSERT … ON CONFLICT DO NOTHING`` on the unique
    constraint (commune, matter, household); a changed online vote an ``UPDATE`` of the row the
    locked read found. When that statement finds the row taken (another submission won the
    race) or gone, or the household voted through another channel, :func:`_save_vote` decides
    as before (its locked read, then an update or a conflict)."""
    mv = lock.mv
    now = adapt_datetime(timezone.now())
    person = acting_person(actor)
    cast_by = person.pk if person is not None else None
    row = None
    if lock.vote_id is None:
        with prepared_cursor() as cursor:
            cursor.execute(
                _vote_insert_sql(connection.vendor),
                [mv.commune_id, mv.matter_id, mv.pk, household_id, option.pk,
                 Vote.Channel.ONLINE, other_opinion, cast_by, now, now],
            )  # fmt: skip
            row = cursor.fetchone()
        if row is not None:
            return _VOTE_RETURNING.build(row), True
    elif lock.vote_channel == Vote.Channel.ONLINE:
        with prepared_cursor() as cursor:
            cursor.execute(
                _vote_update_sql(connection.vendor),
                [option.pk, other_opinion, cast_by, now, lock.vote_id, Vote.Channel.ONLINE],
            )
            row = cursor.fetchone()
        if row is not None:
            return _VOTE_RETURNING.build(row), False
    return _save_vote(
        actor=actor, mv=mv, household_id=household_id, option=option,
        channel=Vote.Channel.ONLINE, other_opinion=other_opinion,
    )  # fmt: skip


@cache
def _vote_insert_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    return (
        f"INSERT INTO {selectors.table(Vote)} ({q('commune_id')}, {q('matter_id')}, "  # noqa: S608
        f"{q('matter_village_id')}, {q('household_id')}, {q('option_id')}, {q('channel')}, "
        f"{q('other_opinion')}, {q('cast_by_id')}, {q('cast_at')}, {q('changed_at')}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        # The target is the unique constraint vote_one_per_household: only that conflict is
        # ignored, any other constraint still fails.
        f"ON CONFLICT ({q('commune_id')}, {q('matter_id')}, {q('household_id')}) "
        f"DO NOTHING RETURNING {_VOTE_RETURNING.sql()}"
    )


@cache
def _vote_update_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    return (
        f"UPDATE {selectors.table(Vote)} SET {q('option_id')} = %s, "  # noqa: S608
        f"{q('other_opinion')} = %s, {q('cast_by_id')} = %s, {q('changed_at')} = %s "
        f"WHERE {q('id')} = %s AND {q('channel')} = %s "
        f"RETURNING {_VOTE_RETURNING.sql()}"
    )


@cache
def _vote_guarded_sql(created: bool) -> str:
    """PostgreSQL: the online vote's insert (or update) and its audit entry in one statement,
    guarded by the state the unlocked read checked (:func:`_vote_unlocked_by_id`).

    ``g`` locks the village row (``FOR SHARE``, as the locked read does) only if it is still
    open for online votes: a closing that committed first, or holds the row, makes ``g`` empty
    once it commits (PostgreSQL re-checks a locked row's conditions on its latest version), so
    nothing is written. The write is the one-statement insert (``ON CONFLICT DO NOTHING``) or
    update of the online row the read found; the entry is appended for the row it returns, so
    a statement that wrote nothing appends nothing. Parameters: village, its status, form, the
    matter's status, now; the write's; the entry's (:class:`audit.Pending`)."""
    q = connection.ops.quote_name
    # Decree 59/2023 Art. 5: an online vote only while the village's online vote is open (the
    # matter open, the village not counted, before closes_at); Law 10/2022 Art. 19(3): one vote
    # per household — the unique constraint's ON CONFLICT below.
    guard = (
        f"SELECT mv.{q('id')} AS gid FROM {selectors.table(MatterVillage)} mv "  # noqa: S608
        f"INNER JOIN {selectors.table(Matter)} m ON m.{q('id')} = mv.{q('matter_id')} "
        f"WHERE mv.{q('id')} = %s AND mv.{q('status')} = %s AND mv.{q('form')} = %s "
        f"AND m.{q('status')} = %s "
        f"AND (mv.{q('closes_at')} IS NULL OR mv.{q('closes_at')} > %s) FOR SHARE OF mv"
    )
    vote = selectors.table(Vote)
    if created:
        by_name = {f.attname: f for f in Vote._meta.concrete_fields}
        fields = [by_name[name] for name in _VOTE_INSERTED]
        columns = ", ".join(q(str(f.column)) for f in fields)
        # Typed parameters: in a SELECT list PostgreSQL cannot take their type from the column.
        values = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)
        write = (
            f"INSERT INTO {vote} ({columns}) SELECT {values} FROM g "  # noqa: S608
            f"ON CONFLICT ({q('commune_id')}, {q('matter_id')}, {q('household_id')}) "
            f"DO NOTHING RETURNING {_VOTE_RETURNING.sql()}"
        )
    else:
        write = (
            f"UPDATE {vote} SET {q('option_id')} = %s, {q('other_opinion')} = %s, "  # noqa: S608
            f"{q('cast_by_id')} = %s, {q('changed_at')} = %s FROM g "
            f"WHERE {vote}.{q('id')} = %s AND {vote}.{q('channel')} = %s "
            f"RETURNING {_VOTE_RETURNING.sql()}"
        )
    return (
        f"WITH g AS ({guard}), w AS ({write}) "  # noqa: S608 - names only
        "SELECT w.*, a.entry_id, a.entry_prev_hash, a.entry_entry_hash "
        f"FROM w CROSS JOIN LATERAL {audit.Pending.call('w.' + q('id'))} a"
    )


_WROTE_NOTHING = object()  # the guarded statement wrote nothing: read again

_VOTE_INSERTED = (
    "commune_id", "matter_id", "matter_village_id", "household_id", "option_id", "channel",
    "other_opinion", "cast_by_id", "cast_at", "changed_at",
)  # fmt: skip


def _finish_ballot(
    *, actor: Any, mv: MatterVillage, ballot: Ballot, entry: str, option: Option | None,
    approved: Sequence[Option] = (),
) -> BallotEntry:  # fmt: skip
    if approved:  # a board election with several seats: one vote, one row per candidate
        from danchu.decisions import board_votes

        stored = _store_vote(
            actor=actor, mv=mv, household_id=ballot.household_id, option=None,
            channel=Vote.Channel.BALLOT, ballot=ballot,
        )  # fmt: skip
        if isinstance(stored, Vote):
            board_votes.approvals_store(stored, approved)
        return _ballot_stored(ballot, stored)
    if option is None:
        ballot.status = Ballot.Status.BLANK if entry == BLANK else Ballot.Status.SPOILED
        ballot.save()
        return BallotEntry(ballot)
    stored = _store_vote(
        actor=actor, mv=mv, household_id=ballot.household_id, option=option,
        channel=Vote.Channel.BALLOT, ballot=ballot,
    )  # fmt: skip
    return _ballot_stored(ballot, stored)


def _ballot_stored(ballot: Ballot, stored: Vote | VoteConflict) -> BallotEntry:
    if isinstance(stored, VoteConflict):
        # The entry is verified but not counted until the committee resolves the conflict.
        ballot.status = Ballot.Status.RETURNED
        ballot.save()
        return BallotEntry(ballot, conflict=stored)
    ballot.status = Ballot.Status.COUNTED
    ballot.save()
    return BallotEntry(ballot, vote=stored)


@transaction.atomic
def ballot_enter(*, actor: Any, ballot: Ballot, entry: Any) -> BallotEntry:
    """Enter a returned ballot: an option id, "blank" or "spoiled" (double entry).

    The first person's entry is kept; a different person enters it again. When both agree the
    ballot is counted (a :class:`Vote`, channel ballot), blank or spoiled; when they differ it
    is a mismatch for :func:`ballot_resolve`. The same person cannot verify their own entry.
    If the household already voted (online, or on another ballot), the result carries a
    :class:`VoteConflict` instead of a vote.
    """
    require(actor, Action.BALLOT_ENTER, ballot.matter_village)
    mv, ballot = _lock_ballot(ballot)
    _expect_open_village(mv, Form.BALLOT)
    if mv.matter.secret:
        raise _secret_envelope_refusal()
    value, option, approved = _clean_ballot_entry(mv, entry)
    if ballot.status == Ballot.Status.MISMATCH:
        raise WrongState(
            _("The two entries of this ballot differ: it must be resolved."), code="mismatch"
        )
    if ballot.second_by_id is not None or ballot.status in (
        Ballot.Status.COUNTED, Ballot.Status.BLANK, Ballot.Status.SPOILED,
    ):  # fmt: skip
        raise WrongState(_("This ballot is already entered."), code="already_entered")
    person = acting_person(actor)
    if ballot.first_by_id is None:
        ballot.first_entry, ballot.first_by = value, person
        ballot.status = Ballot.Status.RETURNED
        ballot.save()
        result = BallotEntry(ballot, step="first")
    else:
        if person is None or ballot.first_by_id == person.pk:
            raise ApplicationError(
                _("Another person must verify this entry (double entry)."), code="same_person"
            )
        ballot.second_entry, ballot.second_by = value, person
        if value == ballot.first_entry:
            result = _finish_ballot(
                actor=actor, mv=mv, ballot=ballot, entry=value, option=option, approved=approved
            )
            result.step = "matched"
        else:
            ballot.status = Ballot.Status.MISMATCH
            ballot.save()
            result = BallotEntry(ballot, step="mismatch")
    # Art. 9(5): who entered which ballot, and whether the entries agreed — never the choice.
    audit.record(
        actor=actor, action="decisions.ballot.enter", obj=ballot, commune_id=ballot.commune_id,
        after={"serial": ballot.serial, "household": ballot.household_id, "step": result.step,
               "status": ballot.status, "conflict": result.conflict is not None},
    )  # fmt: skip
    return result


@transaction.atomic
def ballot_resolve(*, actor: Any, ballot: Ballot, entry: Any, reason: str) -> BallotEntry:
    """Settle a ballot whose two entries differ: a third person (not one of the two who
    entered it) reads the paper again and records what it says, with the reason."""
    require(actor, Action.MATTER_MANAGE, ballot.matter_village)
    mv, ballot = _lock_ballot(ballot)
    _expect_open_village(mv, Form.BALLOT)
    if mv.matter.secret:
        raise _secret_envelope_refusal()
    value, option, approved = _clean_ballot_entry(mv, entry)
    errors = FieldErrors()
    reason = _check_text(errors, "reason", reason, REASON_MAX, required=True)
    errors.raise_if_any()
    if ballot.status != Ballot.Status.MISMATCH:
        raise WrongState(_("This ballot has no differing entries."), code="not_mismatch")
    person = acting_person(actor)
    if person is None or person.pk in (ballot.first_by_id, ballot.second_by_id):
        raise ApplicationError(
            _("A third person, not one of the two who entered it, resolves the ballot."),
            code="same_person",
        )
    result = _finish_ballot(
        actor=actor, mv=mv, ballot=ballot, entry=value, option=option, approved=approved
    )
    result.step = "resolved"
    audit.record(
        actor=actor, action="decisions.ballot.resolve", obj=ballot, commune_id=ballot.commune_id,
        before={"status": Ballot.Status.MISMATCH},
        after={"serial": ballot.serial, "household": ballot.household_id,
               "status": ballot.status, "reason": reason,
               "conflict": result.conflict is not None},
    )  # fmt: skip
    return result


# --- online votes (Decree 59/2023 Art. 5) ---------------------------------------------------


@transaction.atomic
def _vote_cast(
    *,
    actor: Any,
    matter_village: MatterVillage,
    option: Option,
    other_opinion: str,
    tracking_code: str = "",
) -> Vote | VoteConflict:
    household = _own_household(actor)
    if household is None or household.commune_id != matter_village.commune_id:
        # Not a household representative here: 404 for another commune, 403 in one's own.
        require(actor, Action.VOTE_CAST, matter_village)
        raise PermissionDenied(
            _("Only a household representative votes, for their own household."),
            code="forbidden",
        )
    require(actor, Action.VOTE_CAST, household)
    # The village row is locked so that a vote and the closing are serialised: a vote either
    # is in the sealed tally or is refused. Once the households are snapshot, the village at the
    # opening decides, not today's: a household that moved away mid-vote still votes here (and
    # only here).
    lock = _lock_village_for_vote(matter_village, household.pk)
    return _vote_locked(
        actor=actor, household=household, lock=lock, option=option, other_opinion=other_opinion,
        tracking_code=tracking_code,
    )  # fmt: skip


def _vote_locked(
    *, actor: Any, household: Any, lock: VoteLock, option: Option, other_opinion: str,
    tracking_code: str,
) -> Vote | VoteConflict:  # fmt: skip
    """The vote once its village is locked: the state checks, then the insert or update."""
    mv = lock.mv
    opinion = _vote_checked(
        household=household, lock=lock, option=option, other_opinion=other_opinion
    )
    if mv.matter.secret:
        return _secret_vote(
            actor=actor, mv=mv, household_id=household.pk, option=option, opinion=opinion,
            tracking_code=tracking_code,
        )  # fmt: skip
    stored, created = _save_online_vote(
        actor=actor, lock=lock, household_id=household.pk, option=option, other_opinion=opinion
    )
    if isinstance(stored, Vote):
        # Art. 9(5): the participant list (household, channel) is the record; the choice of a
        # household is never written to the trail.
        audit.record(
            actor=actor, action="decisions.vote.cast" if created else "decisions.vote.change",
            obj=stored, commune_id=mv.commune_id, after=_vote_audit(household.pk, mv),
        )  # fmt: skip
    return stored


def _vote_audit(household_id: int, mv: MatterVillage) -> dict[str, Any]:
    # Art. 9(5): the participant list (household, channel) is the record; the choice of a
    # household is never written to the trail.
    return {"household": household_id, "village": mv.village_id, "channel": Vote.Channel.ONLINE}


def _vote_checked(*, household: Any, lock: VoteLock, option: Option, other_opinion: str) -> str:
    """The state checks of an online vote (Decree 59/2023 Art. 5); the opinion, cleaned."""
    mv, eligible = lock.mv, lock.eligible
    if not eligible and household.village_id != mv.village_id:
        raise PermissionDenied(_("Your household is not in this village."), code="forbidden")
    _expect_open_village(mv, Form.ONLINE)
    if mv.closes_at is not None and timezone.now() >= mv.closes_at:
        raise WrongState(_("The online vote is closed."), code="voting_closed")
    if not eligible:
        raise WrongState(
            _(
                "Your household was not among this village's households when the vote opened: "
                "it does not vote here."
            ),
            code="not_eligible",
        )
    errors = FieldErrors()
    if option.matter_id != mv.matter_id:
        errors.add("option", _("Choose an option of this matter."))
    opinion = _check_text(errors, "other_opinion", other_opinion, OPINION_MAX, required=False)
    if opinion and option.kind != Option.Kind.OTHER:
        errors.add("other_opinion", _('Write an opinion only with "other opinion".'))
    errors.raise_if_any()
    return opinion


@transaction.atomic
def _vote_cast_by_id(
    *, actor: Any, matter_village_id: int, option_id: int, other_opinion: str,
    tracking_code: str,
) -> tuple[MatterVillage, Vote | VoteConflict]:  # fmt: skip
    """:func:`_vote_cast` from the ids the API receives (:func:`_vote_target_by_id`, locked)."""
    household = _own_household(actor)
    lock, option = _vote_target_by_id(actor, household, matter_village_id, option_id)
    stored = _vote_locked(
        actor=actor, household=household, lock=lock, option=option, other_opinion=other_opinion,
        tracking_code=tracking_code,
    )  # fmt: skip
    return lock.mv, stored


def vote_read_along(matter_village_id: int, option_id: int) -> tuple[str, list[int]]:
    """PostgreSQL: the unlocked read of :func:`_vote_unlocked_by_id` as a subquery for the API
    token's statement (``danchu.api.auth.Along``: the household is the token's, ``h``), with
    its parameters — one round trip fewer a vote (quality bar P7)."""
    return _vote_lock_sql("postgresql", True, False, 'h."id"'), [option_id, matter_village_id]


def _vote_target_by_id(
    actor: Any,
    household: Any,
    matter_village_id: int,
    option_id: int,
    *,
    locked: bool = True,
    row: Sequence[Any] | None = None,
) -> tuple[VoteLock, Option]:
    """The matter village, its matter, the option, the household's eligibility and vote in one
    read (locked unless ``locked=False``; one statement fewer a vote than reading the matter
    village first, quality bar P7), then the checks in the order the API answers them: absent
    or not public (404), not a representative here (404 in another commune, 403 in one's
    own), not an option of the matter (field error). ``row``: that read, already made
    (unlocked) with the token's (:func:`vote_read_along`); a row of NULLs when nothing matched."""
    household_id = household.pk if household is not None else None
    if row is None:
        with prepared_cursor() as cursor:
            cursor.execute(
                _vote_lock_sql(connection.vendor, True, locked),
                [household_id, option_id, household_id, matter_village_id],
            )
            row = cursor.fetchone()
    elif row[0] is None:  # the matter village's id: the LATERAL read matched nothing
        row = None
    if row is None:
        raise NotFound(_("Not found."), code="not_found")
    lock = _vote_lock(row, household_id)
    mv = lock.mv
    if mv.matter.status not in (Matter.Status.OPEN, Matter.Status.CLOSED) and not can(
        actor, Action.MATTER_VIEW, mv.matter
    ):
        raise NotFound(_("Not found."), code="not_found")
    if household is None or household.commune_id != mv.commune_id:
        require(actor, Action.VOTE_CAST, mv)  # 404 for another commune
        raise PermissionDenied(
            _("Only a household representative votes, for their own household."),
            code="forbidden",
        )
    require(actor, Action.VOTE_CAST, household)
    if not lock.eligible and household.village_id != mv.village_id:
        raise PermissionDenied(_("Your household is not in this village."), code="forbidden")
    at = selectors.VOTE_MV.width + selectors.VOTE_MATTER.width
    if row[at] is None:
        raise ValidationFailed(
            _("Please correct the errors below."),
            fields={"option": [_("Choose an option of this matter.")]},
        )
    return lock, selectors.VOTE_OPTION.build(row, at)


def _vote_unlocked_by_id(
    *, actor: Any, matter_village_id: int, option_id: int, other_opinion: str,
    tracking_code: str, read: Sequence[Any] | None = None,
) -> tuple[MatterVillage, Vote] | object | None:  # fmt: skip
    """PostgreSQL, outside any transaction: the API's online vote in two statements and no
    transaction of its own (quality bar P7; a transaction added BEGIN and COMMIT, two round
    trips): the read of :func:`_vote_target_by_id` without its lock, the same checks, then
    one statement that re-checks under the lock what a closing could have changed, writes the
    vote and appends its audit entry (:func:`_vote_guarded_sql`), committed on its own.

    :data:`_WROTE_NOTHING` when that statement wrote nothing (the village was closed
    meanwhile, another submission of the household took the row, or the row is gone): the
    caller reads again. None when the vote is not the plain case (a secret ballot,
    eligibility not frozen, a vote through another channel): the caller takes the locked
    path, which decides and answers as always."""
    household = _own_household(actor)
    if household is None:
        return None
    lock, option = _vote_target_by_id(
        actor, household, matter_village_id, option_id, locked=False, row=read
    )
    mv = lock.mv
    if mv.matter.secret or not mv.eligibility_frozen:
        return None
    created = lock.vote_id is None
    if not created and lock.vote_channel != Vote.Channel.ONLINE:
        return None
    opinion = _vote_checked(
        household=household, lock=lock, option=option, other_opinion=other_opinion
    )
    now = timezone.now()
    person = acting_person(actor)
    cast_by = person.pk if person is not None else None
    guard = [mv.pk, MatterVillage.Status.OPEN, Form.ONLINE, Matter.Status.OPEN, now]
    if created:
        write: list[Any] = [
            mv.commune_id, mv.matter_id, mv.pk, household.pk, option.pk, Vote.Channel.ONLINE,
            opinion, cast_by, now, now,
        ]  # fmt: skip
    else:
        write = [option.pk, opinion, cast_by, now, lock.vote_id, Vote.Channel.ONLINE]
    entry = audit.pending(
        actor=actor, action="decisions.vote.cast" if created else "decisions.vote.change",
        object_type="decisions.vote", commune_id=mv.commune_id,
        after=_vote_audit(household.pk, mv),
    )  # fmt: skip
    with prepared_cursor() as cursor:
        cursor.execute(_vote_guarded_sql(created), [*guard, *write, *entry.params()])
        row = cursor.fetchone()
    if row is None:
        return _WROTE_NOTHING
    vote = _VOTE_RETURNING.build(row)
    at = _VOTE_RETURNING.width
    entry.saved(row[at], vote.pk, row[at + 1], row[at + 2])
    return mv, vote


def vote_cast(
    *,
    actor: Any,
    matter_village: MatterVillage,
    option: Option,
    other_opinion: str = "",
    tracking_code: str = "",
) -> Vote:
    """A household representative votes online for their household; until the vote closes they
    may change their choice (the same row is updated).

    In a secret ballot the returned vote records participation only (no option) and carries,
    the first time, ``tracking_code``: shown once to the voter, never stored. To change the
    choice the voter gives that code back (``tracking_code``); without it a second vote is
    refused (``tracking_code_needed``), so a household is never counted twice.

    A household already counted through another channel gets no second vote: the attempt is
    kept as a :class:`VoteConflict` for the counting committee and :class:`AlreadyVoted` (409,
    code ``already_voted``) is raised. The conflict is committed in its own transaction first,
    so the refusal does not erase it — call this outside an enclosing transaction.
    """
    stored = _vote_cast(
        actor=actor, matter_village=matter_village, option=option, other_opinion=other_opinion,
        tracking_code=tracking_code,
    )  # fmt: skip
    return _vote_or_refusal(stored)


def _vote_or_refusal(stored: Vote | VoteConflict) -> Vote:
    """The vote; a conflict (already committed) as :class:`AlreadyVoted`."""
    if isinstance(stored, VoteConflict):
        raise AlreadyVoted(
            _(
                "Your household has already voted on this matter another way. The counting "
                "committee will look into it."
            ),
            code="already_voted",
            extra={"conflict_id": stored.pk},
        )
    return stored


def vote_cast_by_id(
    *,
    actor: Any,
    matter_village_id: int,
    option_id: int,
    other_opinion: str = "",
    tracking_code: str = "",
    read: Sequence[Any] | None = None,
) -> tuple[MatterVillage, Vote]:
    """:func:`vote_cast` for the API, from the matter village's and the option's ids; also
    checks that the matter is visible to the actor (404 otherwise). Returns the matter
    village with the vote. ``read``: the row of :func:`vote_read_along` for these ids, read
    with the actor's token (PostgreSQL)."""
    arguments = {
        "actor": actor, "matter_village_id": matter_village_id, "option_id": option_id,
        "other_opinion": other_opinion, "tracking_code": tracking_code,
    }  # fmt: skip
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Twice: a household's submissions racing each other (its first vote inserted by
        # another one) read again and become a change; anything else goes to the locked path.
        for attempt in range(2):
            try:
                first = read if attempt == 0 else None  # a second attempt reads again
                done = _vote_unlocked_by_id(**arguments, read=first)
            except ApplicationError:
                break  # the locked path answers, from the state it holds
            if isinstance(done, tuple):
                return done
            if done is None:
                break
    mv, stored = _vote_cast_by_id(**arguments)
    return mv, _vote_or_refusal(stored)


# --- secret ballot: participation and an unlinked choice -------------------------------------

# 12 characters of the serial alphabet (60 bits): not guessable, read aloud without look-alikes.
_TRACKING_LENGTH = 12


def _normal_code(code: str) -> str:
    return "".join(c for c in str(code).upper() if c.isalnum())


def tracking_digest(matter_id: int, code: str) -> str:
    """SHA-256 of ``<matter id>:<code>`` (code without spaces or dashes, upper case): what the
    bulletin publishes; the voter, who alone knows the code, can recompute it."""
    return hashlib.sha256(f"{matter_id}:{_normal_code(code)}".encode()).hexdigest()


def _new_tracking_code() -> str:
    raw = "".join(secrets.choice(_SERIAL_ALPHABET) for _n in range(_TRACKING_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _TRACKING_LENGTH, 4))


def _secret_vote(
    *, actor: Any, mv: MatterVillage, household_id: int, option: Option, opinion: str,
    tracking_code: str,
) -> Vote | VoteConflict:  # fmt: skip
    """A secret online vote: the household's :class:`Vote` row records only that it took part
    (the one-vote constraint still holds across channels); its choice is a
    :class:`SecretChoice` found again only through the tracking code."""
    existing = _existing_vote(mv.matter_id, household_id)
    if existing is None:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    commune_id=mv.commune_id, matter_id=mv.matter_id, matter_village=mv,
                    household_id=household_id, option=None, channel=Vote.Channel.ONLINE,
                    cast_by=acting_person(actor),
                )  # fmt: skip
        except IntegrityError:
            existing = _existing_vote(mv.matter_id, household_id)
            if existing is None:  # pragma: no cover - another constraint failed: a real error
                raise
        else:
            code = _new_tracking_code()
            SecretChoice.objects.create(
                commune_id=mv.commune_id, matter_id=mv.matter_id, matter_village=mv,
                option=option, other_opinion=opinion,
                tracking_digest=tracking_digest(mv.matter_id, code),
            )  # fmt: skip
            vote.tracking_code = code
            _audit_secret(actor, vote, mv, "decisions.vote.cast")
            return vote
    if existing.channel != Vote.Channel.ONLINE:
        return _conflict(
            actor=actor, mv=mv, household_id=household_id, channel=Vote.Channel.ONLINE,
            option=None,
        )  # fmt: skip
    choice = None
    if tracking_code and len(_normal_code(tracking_code)) == _TRACKING_LENGTH:
        choice = (
            SecretChoice.objects.select_for_update()
            .filter(matter_village=mv, tracking_digest=tracking_digest(mv.matter_id, tracking_code))
            .first()
        )
    if choice is None:
        raise ValidationFailed(
            _("Please correct the errors below."), code="tracking_code_needed",
            fields={"tracking_code": [_(
                "Your household has already voted. To change its choice, enter the tracking "
                "code you were given when you voted."
            )]},
        )  # fmt: skip
    choice.option, choice.other_opinion = option, opinion
    choice.save(update_fields=["option", "other_opinion"])
    _audit_secret(actor, existing, mv, "decisions.vote.change")
    return existing


def _audit_secret(actor: Any, vote: Vote, mv: MatterVillage, action: str) -> None:
    # Art. 9(5) and the secret ballot: the household took part — neither its choice nor its
    # tracking code (nor the code's digest) is written to the trail.
    audit.record(
        actor=actor, action=action, obj=vote, commune_id=mv.commune_id,
        after={"household": vote.household_id, "village": mv.village_id,
               "channel": Vote.Channel.ONLINE, "secret": True},
    )  # fmt: skip


@transaction.atomic
def conflict_resolve(*, actor: Any, conflict: VoteConflict, keep: str, reason: str) -> VoteConflict:
    """The counting committee settles a household's second vote: keep the ``"existing"`` vote,
    or replace it by the ``"new"`` one. Either way one vote remains (Law 10/2022 Art. 19(3))."""
    require(actor, Action.MATTER_MANAGE, conflict.matter)
    matter = _lock_matter(conflict.matter)
    # ``of``: PostgreSQL refuses FOR UPDATE on the nullable side of the join to the ballot.
    conflict = (
        VoteConflict.objects.select_for_update(of=("self",))
        .select_related("ballot")
        .get(pk=conflict.pk)
    )
    existing = Vote.objects.filter(matter=matter, household_id=conflict.household_id).first()
    new_mv: MatterVillage | None
    if conflict.ballot is not None:
        new_mv = conflict.ballot.matter_village
    else:
        new_mv = MatterVillage.objects.filter(
            matter=matter, village__households__pk=conflict.household_id
        ).first()
    involved = [v for v in (existing.matter_village if existing else None, new_mv) if v]
    _require_run(actor, matter, involved)
    _expect_matter(matter, Matter.Status.OPEN)
    errors = FieldErrors()
    if keep not in ("existing", "new"):
        errors.add("keep", _("Keep the existing vote or the new one."))
    reason = _check_text(errors, "reason", reason, REASON_MAX, required=True)
    errors.raise_if_any()
    if conflict.resolved_at is not None:
        raise WrongState(_("This conflict is already resolved."), code="conflict_resolved")
    if keep == "new" and new_mv is None:
        raise ApplicationError(
            _("The household is no longer in a village of this matter."), code="no_village"
        )
    before = {"existing_channel": existing.channel if existing else None}
    if keep == "new":
        assert new_mv is not None
        if existing is not None:
            # The replaced ballot (if the kept vote came from paper) goes back to "returned".
            Ballot.objects.filter(
                matter_village=existing.matter_village, household_id=existing.household_id,
                status=Ballot.Status.COUNTED,
            ).update(status=Ballot.Status.RETURNED)  # fmt: skip
            existing.delete()
        kept = Vote.objects.create(
            commune_id=matter.commune_id, matter=matter, matter_village=new_mv,
            household_id=conflict.household_id, option=conflict.option,
            channel=conflict.channel, cast_by=acting_person(actor),
        )  # fmt: skip
        if conflict.ballot is not None and conflict.option is None and not matter.secret:
            # A multi-seat board ballot: its verified entry lists the approved candidates.
            from danchu.decisions import board_votes

            board_votes.approvals_store(
                kept, board_votes.entry_options(new_mv, conflict.ballot.second_entry)
            )
        if conflict.ballot is not None:
            conflict.ballot.status = Ballot.Status.COUNTED
            conflict.ballot.save(update_fields=["status"])
    conflict.resolved_at = timezone.now()
    conflict.resolution = f"{keep}: {reason}"[:300]
    conflict.save(update_fields=["resolved_at", "resolution"])
    # Art. 9(5): which channel's vote stands, and why — not what either vote chose.
    audit.record(
        actor=actor, action="decisions.vote.conflict_resolve", obj=conflict,
        commune_id=matter.commune_id, before=before,
        after={"household": conflict.household_id, "keep": keep, "channel": conflict.channel,
               "reason": reason},
    )  # fmt: skip
    return conflict


# --- closing (Law 10/2022 Art. 21(1)) -------------------------------------------------------


def _closing_refusal(matter: Matter, villages: Sequence[MatterVillage]) -> None:
    """Refuse to close while counting is unfinished: say what is missing, and where."""
    many = len(villages) > 1
    now = timezone.now()
    unresolved = VoteConflict.objects.filter(matter=matter, resolved_at__isnull=True).count()
    if unresolved:
        raise WrongState(
            _("%(count)s vote conflicts are not resolved yet.") % {"count": unresolved},
            code="conflicts_unresolved",
        )
    for mv in villages:
        prefix = _village_prefix(mv, many)
        if mv.form == Form.MEETING:
            _meeting_closing_refusal(mv, prefix)
            continue
        if mv.closes_at is not None and now < mv.closes_at:
            raise WrongState(
                prefix
                + _("Voting is open until %(time)s.")
                % {"time": timezone.localtime(mv.closes_at).strftime("%H:%M %d/%m/%Y")},
                code="still_open",
            )
        if mv.form != Form.BALLOT:
            continue
        if matter.secret:
            from danchu.decisions import secret_paper

            secret_paper.closing_refusal(mv, prefix)
            _witnesses_refusal(mv, prefix)
            continue
        ballots = Ballot.objects.filter(matter_village=mv)
        mismatched = ballots.filter(status=Ballot.Status.MISMATCH).count()
        if mismatched:
            raise WrongState(
                prefix
                + _("%(count)s ballots have differing entries to resolve.") % {"count": mismatched},
                code="ballots_mismatch",
            )
        pending = ballots.filter(status=Ballot.Status.RETURNED, second_by__isnull=True).count()
        if pending:
            raise WrongState(
                prefix
                + _("%(count)s returned ballots are not entered twice yet.") % {"count": pending},
                code="ballots_pending",
            )
        _witnesses_refusal(mv, prefix)


def _witnesses_refusal(mv: MatterVillage, prefix: str) -> None:
    if len(mv.witnesses or []) != rules.WITNESSES:
        raise _refuse(
            Refusal(
                prefix + _("Two household representatives witness the count."),
                "Nghị định 59/2023 Điều 4(6)",
            ),
            "witnesses_missing",
        )


def _meeting_closing_refusal(mv: MatterVillage, prefix: str) -> None:
    """A meeting village closes only on a valid count.

    * Law 10/2022 Art. 19(1)(b): a meeting whose attendance made the threshold unreachable is
      not closed as "not adopted": the village goes on to a household ballot.
    * Decree 59/2023 Art. 3(5): a counting committee counts only if more than half of those
      present approved it — checked again here, whatever was entered.
    """
    if ballot_fallback_allowed(mv):
        raise _refuse(
            Refusal(
                prefix
                + _(
                    "The meeting's attendance could not reach the threshold: the village "
                    "decides by household ballot."
                ),
                "Luật 10/2022 Điều 19(1)(b)",
            ),
            "ballot_required",
        )
    if not mv.hand_counts:
        raise WrongState(prefix + _("Record the meeting's result first."), code="result_missing")
    if mv.team and (
        mv.team_approved_by is None
        or not rules.procedural_vote_passes(mv.team_approved_by, mv.present)
    ):
        raise _refuse(
            Refusal(
                prefix + _("The counting committee needs more than half of those present."),
                "Nghị định 59/2023 Điều 3(5)",
            ),
            "team_not_approved",
        )


@transaction.atomic
def matter_close(*, actor: Any, matter: Matter) -> Matter:
    """Count and seal: each village's outcome against its frozen total households
    (Law 10/2022 Art. 21(1)), the matter's outcome (commune-wide: two thirds of the villages),
    and the SHA-256 of the result written to the matter and to the audit trail."""
    require(actor, Action.MATTER_MANAGE, matter)
    matter = _lock_matter(matter)
    villages = _matter_villages(matter)
    _require_run(actor, matter, villages)
    _expect_matter(matter, Matter.Status.OPEN)
    # Lock every village (votes take the same lock): nothing changes between count and seal.
    list(
        MatterVillage.objects.select_for_update(no_key=True)
        .filter(matter=matter)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _closing_refusal(matter, villages)
    outcome = selectors.matter_outcome(matter)
    digest = selectors.result_digest(outcome)
    for result in outcome.villages:
        mv = result.matter_village
        mv.adopted = result.adopted
        mv.status = MatterVillage.Status.COUNTED
    MatterVillage.objects.bulk_update(
        [o.matter_village for o in outcome.villages], ["adopted", "status"]
    )
    matter.status = Matter.Status.CLOSED
    matter.closed_at = timezone.now()
    matter.result_hash = digest
    sealed: dict[str, Any] = {}
    if matter.secret:
        # The secret ballot's bulletin (digest and choice of every counted ballot) is sealed
        # too: anyone can recount it and recompute this hash from the published download.
        lines = selectors.bulletin(matter)
        matter.bulletin_hash = selectors.bulletin_digest(matter.pk, lines)
        sealed = {"bulletin_hash": matter.bulletin_hash, "bulletin_ballots": len(lines)}
    matter.save(update_fields=["status", "closed_at", "result_hash", "bulletin_hash"])
    # The seal: the digest of the published counts, in the hash-chained trail. Counts per
    # option are totals, as published; no household's choice is in them.
    audit.record(
        actor=actor, action="decisions.matter.close", obj=matter, commune_id=matter.commune_id,
        before={"status": Matter.Status.OPEN},
        after={
            "status": matter.status, "result_hash": digest, "adopted": outcome.adopted,
            "rule": outcome.rule, "article": outcome.article, **sealed,
            "villages": [
                {"village": o.matter_village.village_id, "form": o.matter_village.form,
                 "total_households": o.total_households, "turnout": o.turnout,
                 "issued": o.issued, "returned": o.returned, "blank": o.blank,
                 "spoiled": o.spoiled, "approvals": o.approvals, "adopted": o.adopted,
                 "counts": {str(k): v for k, v in sorted(o.counts.items())}}
                for o in outcome.villages
            ],
        },
    )  # fmt: skip
    return matter
