"""Secret household paper ballots: the double envelope (Law 10/2022 Art. 18(4)(d), 19).

A secret matter may be decided by household ballot — chosen when it opens, or as the fallback
after a meeting whose attendance made the threshold unreachable (Art. 19(1)(b)). Each household
gets an **outer envelope**, its :class:`Ballot` with the serial: its return records that the
household took part (a :class:`Vote` without an option, so the one-vote rule still holds across
channels). Inside is an **inner ballot** (:class:`InnerBallot`) with a pre-printed tracking
code, printed as a separate batch and slipped into the envelopes at random: no row links a code
to a household. The counting committee opens the returned envelopes, mixes the inner ballots
and enters each one twice by two different people; a counted choice becomes a
:class:`SecretChoice` under the code's digest (the bulletin), blank and spoiled ballots stay on
the inner ballot and are on the bulletin and in the seal too. In a board election with several
seats (Art. 15(5)) the inner ballot approves up to ``seats`` candidates: its choice has no option
and one :class:`SecretApproval` per candidate, as unlinked as the choice.

The count can never hold more inner ballots than envelopes returned: an inner ballot is entered
only while fewer inner ballots than returned envelopes have been entered in the village.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.validation import FieldErrors, acting_person
from danchu.decisions import services
from danchu.decisions.models import (
    Ballot,
    InnerBallot,
    MatterVillage,
    Option,
    SecretApproval,
    SecretChoice,
    Vote,
    VoteConflict,
)
from danchu.decisions.rules import Form, Refusal

__all__ = [
    "InnerEntry",
    "closing_refusal",
    "envelope_returned",
    "inner_ballot_enter",
    "inner_ballot_resolve",
    "inner_ballots_issue",
    "mismatches",
    "progress",
]

_DONE = (Ballot.Status.COUNTED, Ballot.Status.BLANK, Ballot.Status.SPOILED)


@dataclass
class InnerEntry:
    """What an inner ballot's entry did (no household: there is none)."""

    inner: InnerBallot
    step: str = "first"  # first | matched | mismatch | resolved


def inner_ballots_issue(mv: MatterVillage, count: int) -> int:
    """Issue ``count`` inner ballots with fresh tracking codes (one per outer envelope issued
    now); called by :func:`services.ballots_issue` inside its transaction."""
    created = 0
    while created < count:
        batch = []
        for _n in range(count - created):
            code = services._new_tracking_code()
            batch.append(
                InnerBallot(
                    commune_id=mv.commune_id,
                    matter_id=mv.matter_id,
                    matter_village=mv,
                    code=code,
                    tracking_digest=services.tracking_digest(mv.matter_id, code),
                )  # fmt: skip
            )
        try:
            with transaction.atomic():
                InnerBallot.objects.bulk_create(batch)
            created += len(batch)
        except IntegrityError:  # pragma: no cover - a 60-bit code drawn twice: draw again
            continue
    return created


def envelope_returned(*, actor: Any, mv: MatterVillage, ballot: Ballot) -> Vote | VoteConflict:
    """The household's outer envelope came back: it took part. Its :class:`Vote` has no option
    (the choice is on the inner ballot); a household that already voted gets a conflict for the
    committee, as on any channel. Called by :func:`services.ballot_mark` under its locks."""
    existing = services._existing_vote(mv.matter_id, ballot.household_id)
    if existing is None:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    commune_id=mv.commune_id, matter_id=mv.matter_id, matter_village=mv,
                    household_id=ballot.household_id, option=None, channel=Vote.Channel.BALLOT,
                    cast_by=acting_person(actor),
                )  # fmt: skip
        except IntegrityError:  # pragma: no cover - a concurrent vote of the household
            existing = services._existing_vote(mv.matter_id, ballot.household_id)
        else:
            ballot.status = Ballot.Status.COUNTED
            ballot.save(update_fields=["status"])
            return vote
    return services._conflict(
        actor=actor, mv=mv, household_id=ballot.household_id, channel=Vote.Channel.BALLOT,
        option=None, ballot=ballot,
    )  # fmt: skip


def _lock_inner(mv: MatterVillage, code: Any) -> InnerBallot:
    text = str(code or "")
    inner = None
    if len(services._normal_code(text)) == services._TRACKING_LENGTH:
        inner = (
            InnerBallot.objects.select_for_update()
            .filter(matter_village=mv, tracking_digest=services.tracking_digest(mv.matter_id, text))
            .first()
        )
    if inner is None:
        raise ValidationFailed(
            _("Please correct the errors below."), code="invalid",
            fields={"code": [_("No inner ballot of this village has this tracking code.")]},
        )  # fmt: skip
    return inner


def _envelopes_returned(mv: MatterVillage) -> int:
    return Vote.objects.filter(matter_village=mv, channel=Vote.Channel.BALLOT).count()


def _inner_entered(mv: MatterVillage) -> int:
    return InnerBallot.objects.filter(matter_village=mv, first_by__isnull=False).count()


def _finish(
    *, mv: MatterVillage, inner: InnerBallot, entry: str, option: Option | None,
    approved: Sequence[Option] = (),
) -> InnerBallot:  # fmt: skip
    if option is None and not approved:
        inner.status = Ballot.Status.BLANK if entry == services.BLANK else Ballot.Status.SPOILED
    else:
        # The counted choice, under the code's digest only: the bulletin line. A board
        # election with several seats (Law 10/2022 Art. 15(5)): no option on the choice, one
        # approval row per candidate, as unlinked as the choice itself.
        choice = SecretChoice.objects.create(
            commune_id=mv.commune_id, matter_id=mv.matter_id, matter_village=mv, option=option,
            tracking_digest=inner.tracking_digest,
        )  # fmt: skip
        SecretApproval.objects.bulk_create(
            SecretApproval(
                commune_id=mv.commune_id,
                matter_id=mv.matter_id,
                matter_village=mv,
                choice=choice,
                option=candidate,
            )  # fmt: skip
            for candidate in approved
        )
        inner.status = Ballot.Status.COUNTED
    inner.save()
    return inner


def _audit(actor: Any, mv: MatterVillage, action: str, result: InnerEntry, **extra: Any) -> None:
    # The secret ballot: who entered an inner ballot and whether the entries agreed — neither
    # the choice nor the code (nor its digest) goes to the trail.
    audit.record(
        actor=actor, action=action, obj=mv, commune_id=mv.commune_id,
        after={"village": mv.village_id, "step": result.step, "secret": True, **extra},
    )  # fmt: skip


@transaction.atomic
def inner_ballot_enter(
    *, actor: Any, matter_village: MatterVillage, code: Any, entry: Any
) -> InnerEntry:
    """Enter an inner ballot by its tracking code: an option id, "blank" or "spoiled", twice by
    two different people (double entry, Decree 59/2023 Art. 4(6)); a difference is a mismatch
    for :func:`inner_ballot_resolve`. In a board election with several seats the entry is the
    approved candidates (a list of ids, or the ids comma-separated), checked as on an open
    ballot (:func:`board_votes.clean_approvals`: at most ``seats``, else refused — the
    committee enters such a ballot as spoiled); two entries agree when they list the same
    candidates in any order."""
    require(actor, Action.BALLOT_ENTER, matter_village)
    mv = services._lock_village(matter_village)
    services._expect_open_village(mv, Form.BALLOT)
    value, option, approved = services._clean_ballot_entry(mv, entry)
    inner = _lock_inner(mv, code)
    if inner.status == Ballot.Status.MISMATCH:
        raise services.WrongState(
            _("The two entries of this ballot differ: it must be resolved."), code="mismatch"
        )
    if inner.second_by_id is not None or inner.status in _DONE:
        raise services.WrongState(_("This ballot is already entered."), code="already_entered")
    person = acting_person(actor)
    if inner.first_by_id is None:
        # Law 10/2022 Art. 19(3): one ballot per household — no more inner ballots are counted
        # than households returned their envelope.
        if _inner_entered(mv) >= _envelopes_returned(mv):
            raise services._refuse(
                Refusal(
                    _(
                        "More inner ballots than returned envelopes: record the return of the "
                        "household's envelope first."
                    ),
                    "Luật 10/2022 Điều 19(3)",
                ),
                "inner_exceeds_returned",
            )
        inner.first_entry, inner.first_by = value, person
        inner.status = Ballot.Status.RETURNED
        inner.save()
        result = InnerEntry(inner, step="first")
    else:
        if person is None or inner.first_by_id == person.pk:
            raise ApplicationError(
                _("Another person must verify this entry (double entry)."), code="same_person"
            )
        inner.second_entry, inner.second_by = value, person
        if value == inner.first_entry:
            result = InnerEntry(
                _finish(mv=mv, inner=inner, entry=value, option=option, approved=approved),
                "matched",
            )
        else:
            inner.status = Ballot.Status.MISMATCH
            inner.save()
            result = InnerEntry(inner, step="mismatch")
    _audit(actor, mv, "decisions.inner_ballot.enter", result)
    return result


@transaction.atomic
def inner_ballot_resolve(
    *, actor: Any, matter_village: MatterVillage, code: Any, entry: Any, reason: str
) -> InnerEntry:
    """Settle an inner ballot whose two entries differ: a third person reads it again."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = services._lock_village(matter_village)
    services._expect_open_village(mv, Form.BALLOT)
    value, option, approved = services._clean_ballot_entry(mv, entry)
    errors = FieldErrors()
    reason = services._check_text(errors, "reason", reason, services.REASON_MAX, required=True)
    errors.raise_if_any()
    inner = _lock_inner(mv, code)
    if inner.status != Ballot.Status.MISMATCH:
        raise services.WrongState(_("This ballot has no differing entries."), code="not_mismatch")
    person = acting_person(actor)
    if person is None or person.pk in (inner.first_by_id, inner.second_by_id):
        raise ApplicationError(
            _("A third person, not one of the two who entered it, resolves the ballot."),
            code="same_person",
        )
    result = InnerEntry(
        _finish(mv=mv, inner=inner, entry=value, option=option, approved=approved), "resolved"
    )
    _audit(actor, mv, "decisions.inner_ballot.resolve", result, reason=reason)
    return result


def progress(mv: MatterVillage) -> dict[str, int]:
    """The count's progress in a village, counts only (two queries): inner ballots issued,
    envelopes returned, inner ballots entered at least once, entered once and waiting for
    the second entry, counted, blank, spoiled, with differing entries, and ``pending`` — the
    returned envelopes whose inner ballot is not settled yet (not entered, entered once, or
    differing)."""
    counts = Counter(
        dict(
            InnerBallot.objects.filter(matter_village=mv)
            .values("status")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("status", "n")
        )
    )
    envelopes = _envelopes_returned(mv)
    settled = sum(counts[status] for status in _DONE)
    return {
        "issued": sum(counts.values()),
        "envelopes": envelopes,
        "entered": settled + counts[Ballot.Status.RETURNED] + counts[Ballot.Status.MISMATCH],
        "once": counts[Ballot.Status.RETURNED],
        "counted": counts[Ballot.Status.COUNTED],
        "blank": counts[Ballot.Status.BLANK],
        "spoiled": counts[Ballot.Status.SPOILED],
        "mismatch": counts[Ballot.Status.MISMATCH],
        "pending": max(envelopes - settled, 0),
    }


def mismatches(mv: MatterVillage) -> list[InnerBallot]:
    """The inner ballots whose two entries differ, by code: the papers to read again."""
    return list(
        InnerBallot.objects.filter(matter_village=mv, status=Ballot.Status.MISMATCH).order_by(
            "code"
        )
    )


def closing_refusal(mv: MatterVillage, prefix: str) -> None:
    """A secret paper village closes when every inner ballot entered once is settled, and no
    more inner ballots were entered than envelopes returned (checked again: a conflict's
    resolution may have removed a participation)."""
    inner = InnerBallot.objects.filter(matter_village=mv)
    mismatched = inner.filter(status=Ballot.Status.MISMATCH).count()
    if mismatched:
        raise services.WrongState(
            prefix
            + _("%(count)s ballots have differing entries to resolve.") % {"count": mismatched},
            code="ballots_mismatch",
        )
    pending = inner.filter(status=Ballot.Status.RETURNED).count()
    if pending:
        raise services.WrongState(
            prefix
            + _("%(count)s returned ballots are not entered twice yet.") % {"count": pending},
            code="ballots_pending",
        )
    if _inner_entered(mv) > _envelopes_returned(mv):
        raise services._refuse(
            Refusal(
                prefix + _("More inner ballots were counted than envelopes returned."),
                "Luật 10/2022 Điều 19(3)",
            ),
            "inner_exceeds_returned",
        )
