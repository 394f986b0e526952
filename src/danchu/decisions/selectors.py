"""Reads of community decisions: the tally and the outcome, shared by pages, API and reports.

The tally is counted by the database (``GROUP BY``), never by a Python loop over votes; the
outcome applies Law 10/2022 Art. 21(1) with the village's frozen total households.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, get_for_actor, restrict
from danchu.core.errors import PermissionDenied
from danchu.decisions import rules
from danchu.decisions.models import Matter, MatterVillage, Option, Vote
from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import AdministrativeUnit, Household, Resident

__all__ = [
    "MatterOutcome",
    "VillageOutcome",
    "matter_get",
    "matter_list",
    "matter_outcome",
    "own_household",
    "result_digest",
    "tally",
]


def _through_villages(found: QuerySet[Matter], actor: Any, action: Action) -> QuerySet[Matter]:
    """A matter is seen through its villages: a village head sees the matters put to their own
    village, not the drafts of other villages of the commune (commune roles see them all)."""
    villages = restrict(MatterVillage.objects.all(), actor, action)
    return found.filter(pk__in=villages.values("matter_id"))


def matter_list(*, actor: Any, commune: AdministrativeUnit) -> QuerySet[Matter]:
    found = restrict(Matter.objects.filter(commune=commune), actor, Action.MATTER_LIST)
    return _through_villages(found, actor, Action.MATTER_LIST).order_by("-created_at", "-id")


def matter_get(*, actor: Any, pk: int, action: Action = Action.MATTER_VIEW) -> Matter:
    matter = get_for_actor(Matter.objects.select_related("commune"), actor, action, pk=pk)
    if not _through_villages(Matter.objects.filter(pk=matter.pk), actor, action).exists():
        raise PermissionDenied(_("You are not allowed to do this."), code="forbidden")
    return matter


def own_household(actor: Any) -> Household | None:
    """The household the signed-in person belongs to, with its commune, in one query, kept on
    ``actor`` for the request: the permission layer (:func:`grants_for`, ``scope_of``) and the
    vote service then read it without querying again (quality bar P7: the online vote)."""
    resident_id = getattr(actor, "resident_id", None)
    if not resident_id:
        return None
    field = actor._meta.get_field("resident")
    if not field.is_cached(actor):  # type: ignore[union-attr]
        resident = (
            Resident.objects.select_related("household__commune")
            # The encrypted personal fields are not needed to vote: not read, not decrypted.
            .defer("citizen_id", "phone")
            .filter(pk=resident_id)
            .order_by("pk")  # not Resident's default ordering: it joins two more tables
            .first()
        )
        field.set_cached_value(actor, resident)  # type: ignore[union-attr]
    resident = field.get_cached_value(actor)  # type: ignore[union-attr]
    return resident.household if resident is not None else None


def tally(matter: Matter) -> dict[int, dict[int, int]]:
    """Counts per village and option: ``{matter_village id: {option id: count}}``.

    Ballots and online votes are rows of :class:`Vote`, counted in one ``GROUP BY``; a meeting's
    counts (show of hands, or the counting committee's record of a secret ballot) are entered
    as numbers on the village row.
    """
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Vote.objects.filter(matter=matter)
        .values_list("matter_village_id", "option_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for village_id, option_id, n in rows:
        counts[village_id][option_id] = n
    for village in MatterVillage.objects.filter(matter=matter, form=Form.MEETING):
        for option_id, n in (village.hand_counts or {}).items():
            counts[village.pk][int(option_id)] = int(n)
    return dict(counts)


@dataclass
class VillageOutcome:
    """One village's result against its own denominator (Art. 21(1))."""

    matter_village: MatterVillage
    counts: dict[int, int]
    approvals: int
    winner: Option | None  # an election's candidate who passed
    adopted: bool
    turnout: int

    @property
    def total_households(self) -> int:
        return self.matter_village.total_households


@dataclass
class MatterOutcome:
    matter: Matter
    villages: list[VillageOutcome] = field(default_factory=list)
    adopted: bool = False
    rule: str = ""
    article: str = ""


def _village_outcome(
    matter: Matter, village: MatterVillage, counts: dict[int, int], options: list[Option]
) -> VillageOutcome:
    total = village.total_households
    candidates = [o for o in options if o.kind == Option.Kind.CANDIDATE]
    winner = None
    if candidates:
        # An election: a candidate is elected with more than half of all households; at most
        # one can reach it (Law 10/2022 Art. 21(1); Decree 59/2023 Art. 3(5)(d)).
        best = max(candidates, key=lambda o: (counts.get(o.pk, 0), -o.position))
        approvals = counts.get(best.pk, 0)
        adopted = rules.passes(matter.matter_type, approvals, total)
        winner = best if adopted else None
    else:
        approve = [o.pk for o in options if o.kind == Option.Kind.APPROVE]
        approvals = sum(counts.get(pk, 0) for pk in approve)
        adopted = rules.passes(matter.matter_type, approvals, total)
    turnout = village.present if village.form == Form.MEETING else sum(counts.values())
    return VillageOutcome(village, counts, approvals, winner, adopted, turnout)


def matter_outcome(matter: Matter) -> MatterOutcome:
    """The outcome of each village and of the matter (four queries)."""
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    counts = tally(matter)
    villages = list(
        MatterVillage.objects.filter(matter=matter).select_related("village").order_by("village")
    )
    outcomes = [_village_outcome(matter, v, counts.get(v.pk, {}), options) for v in villages]
    rule, article = rules.rule_text(matter.matter_type)
    if matter.commune_wide:
        # Law 10/2022 Art. 21(1): a commune-wide contributions or finances matter passes when
        # two thirds or more of the villages adopt it.
        adopted = rules.villages_pass(sum(o.adopted for o in outcomes), len(outcomes))
        rule = f"{rule} {rules.commune_rule_text()}"
    else:
        adopted = bool(outcomes) and all(o.adopted for o in outcomes)
    return MatterOutcome(matter, outcomes, adopted, rule, article)


def result_digest(outcome: MatterOutcome) -> str:
    """SHA-256 of the closed result in a canonical form: sealed in the audit trail; anyone with
    the published counts can recompute it."""
    payload = {
        "matter": outcome.matter.pk,
        "type": outcome.matter.matter_type,
        "villages": [
            {
                "village": o.matter_village.village_id,
                "total_households": o.total_households,
                "counts": {str(k): v for k, v in sorted(o.counts.items())},
            }
            for o in outcome.villages
        ],
        "adopted": outcome.adopted,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def matter_types_needing_meeting() -> frozenset[int]:
    return frozenset({MatterType.CONVENTION, MatterType.VILLAGE_HEAD, MatterType.BOARD_MEMBERS})
