"""Board elections with several seats decided by household ballot (Law 10/2022 Art. 15(5),
19(1)(b), 21(1); Decree 59/2023 Art. 3(5)(d)).

At a meeting the counting committee enters each candidate's count. By household ballot — the
fallback when the meeting's attendance made the threshold unreachable — each household may
approve up to ``ElectionPlan.seats`` candidates on its ballot. It still has one :class:`Vote`
(the one-vote constraint across channels, ``option`` empty) and one :class:`BallotApproval` per
approved candidate; the tally counts the approvals and :func:`rules.elected_candidates` elects
the best ``seats`` that pass. (An election is never online: Law Art. 17(2) keeps online voting
for clause-6 matters.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from danchu.core.errors import ValidationFailed
from danchu.decisions.models import BallotApproval, ElectionPlan, MatterVillage, Option, Vote

__all__ = ["approvals_store", "clean_approvals", "entry_options", "seats_of"]


def seats_of(mv: MatterVillage) -> int:
    """The seats of the village's board election (1 for anything else)."""
    seats = ElectionPlan.objects.filter(matter_village=mv).values_list("seats", flat=True).first()
    return seats or 1


def _ids(entry: Any) -> list[str] | None:
    if isinstance(entry, (list, tuple)):
        parts = [str(p).strip() for p in entry]
    else:
        parts = [p.strip() for p in str(entry if entry is not None else "").split(",")]
    parts = [p for p in parts if p]
    if not parts or not all(p.isascii() and p.isdecimal() and len(p) <= 12 for p in parts):
        return None
    return parts


def clean_approvals(mv: MatterVillage, entry: Any, seats: int) -> tuple[str, list[Option]]:
    """A multi-seat ballot's entry: the candidates approved (a list of option ids, or the ids
    comma-separated), at least one and at most ``seats``, each once. Returns the canonical text
    (sorted ids, comma-separated: two entries agree when their texts do) and the options."""
    ids = _ids(entry)
    options: list[Option] = []
    if ids is not None and len(set(ids)) == len(ids):
        found = {
            o.pk: o
            for o in Option.objects.filter(
                matter_id=mv.matter_id, kind=Option.Kind.CANDIDATE, pk__in=[int(i) for i in ids]
            )
        }
        options = [found[int(i)] for i in ids if int(i) in found]
    if ids is None or len(options) != len(ids):
        raise ValidationFailed(
            _("Please correct the errors below."), code="invalid",
            fields={"entry": [_("Choose candidates of this election, blank or spoiled.")]},
        )  # fmt: skip
    # Law 10/2022 Art. 15(5): a household approves at most as many candidates as there are seats.
    if len(options) > seats:
        raise ValidationFailed(
            _("Please correct the errors below."), code="too_many_candidates",
            fields={"entry": [
                _("A household approves at most %(seats)s candidates.") % {"seats": seats}
            ]},
        )  # fmt: skip
    options.sort(key=lambda o: o.pk)
    return ",".join(str(o.pk) for o in options), options


def entry_options(mv: MatterVillage, entry: str) -> list[Option]:
    """The approved candidates of a stored (verified) entry."""
    if not entry or not entry[0].isdigit():
        return []
    return clean_approvals(mv, entry, len(entry.split(",")))[1]


def approvals_store(vote: Vote, options: Sequence[Option]) -> None:
    """One row per approved candidate of the household's vote."""
    BallotApproval.objects.bulk_create(
        BallotApproval(
            commune_id=vote.commune_id,
            matter_id=vote.matter_id,
            matter_village_id=vote.matter_village_id,
            vote=vote,
            option=option,
        )  # fmt: skip
        for option in options
    )
