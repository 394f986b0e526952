"""Figures on community decisions for reports: per commune (or village) and period.

Law 10/2022 Art. 21(1): a village decides against all its households (``total_households``,
frozen when the matter opened); a commune-wide matter passes when two thirds or more of its
villages adopt it. The issue's figures: matters decided by type and form, adopted or not,
household turnout (households present at a meeting; votes — ballots counted and online votes —
for the other forms) and the online share (online votes among all individual votes).

Everything is counted by the database (``GROUP BY`` aggregates over the matter villages and the
votes); Python only adds up a handful of grouped rows, never iterates over votes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from danchu.decisions import rules
from danchu.decisions.models import Matter, MatterVillage, Vote
from danchu.decisions.rules import Form
from danchu.territory.models import AdministrativeUnit, Village

__all__ = ["DecisionFigures", "Figures", "decision_figures"]


@dataclass
class Figures:
    """Village decisions (one matter in one village) of one group."""

    decisions: int = 0
    adopted: int = 0
    households: int = 0  # the denominators: all households of the villages
    took_part: int = 0  # present at the meeting, or voted (ballot counted, online)

    @property
    def not_adopted(self) -> int:
        return self.decisions - self.adopted

    @property
    def turnout(self) -> float | None:
        return self.took_part / self.households if self.households else None

    def add(self, other: Figures) -> None:
        self.decisions += other.decisions
        self.adopted += other.adopted
        self.households += other.households
        self.took_part += other.took_part


@dataclass
class MatterCounts:
    """Matters (not village decisions) of one type."""

    matters: int = 0
    adopted: int = 0

    @property
    def not_adopted(self) -> int:
        return self.matters - self.adopted


@dataclass
class DecisionFigures:
    """Closed matters whose ``closed_at`` falls in ``first``–``last`` (local days, inclusive).

    ``by_type`` counts matters (a commune-wide matter once; with ``village`` set, its outcome
    in that village); ``by_form``, ``by_type_form``, ``by_village`` and ``total`` count village
    decisions with their households and turnout.
    """

    commune: AdministrativeUnit
    first: date
    last: date
    village: Village | None = None
    matters: MatterCounts = field(default_factory=MatterCounts)
    by_type: dict[int, MatterCounts] = field(default_factory=dict)
    by_form: dict[str, Figures] = field(default_factory=dict)
    by_type_form: dict[tuple[int, str], Figures] = field(default_factory=dict)
    by_village: dict[int, Figures] = field(default_factory=dict)
    total: Figures = field(default_factory=Figures)
    votes: int = 0  # individual votes (ballots counted and online), not meeting hand counts
    online_votes: int = 0

    @property
    def online_share(self) -> float | None:
        return self.online_votes / self.votes if self.votes else None


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end


def _scope(
    commune: AdministrativeUnit, first: date, last: date, village: Village | None
) -> QuerySet[MatterVillage]:
    start, end = _bounds(first, last)
    rows = MatterVillage.objects.filter(
        commune=commune,
        matter__status=Matter.Status.CLOSED,
        matter__closed_at__gte=start,
        matter__closed_at__lt=end,
    )
    if village is not None:
        rows = rows.filter(village=village)
    return rows


def decision_figures(
    commune: AdministrativeUnit, first: date, last: date, *, village: Village | None = None
) -> DecisionFigures:
    """The report's figures on decisions for a commune (or one of its villages) and a period;
    three grouped queries whatever the number of matters and votes."""
    result = DecisionFigures(commune=commune, first=first, last=last, village=village)
    if last < first:
        return result
    scope = _scope(commune, first, last, village)
    meeting = Q(form=Form.MEETING)
    # 1. Village decisions by type, form and village: counts, adopted, households, present.
    rows = (
        scope.values("matter__matter_type", "form", "village_id")
        .annotate(
            decisions=Count("id"),
            adopted=Count("id", filter=Q(adopted=True)),
            households=Sum("total_households"),
            present=Sum("present", filter=meeting),
        )
        .order_by()
    )
    # 2. Votes by type, form and village: ballots counted and online votes are Vote rows.
    votes = (
        Vote.objects.filter(matter_village__in=scope.exclude(meeting))
        .values("matter__matter_type", "matter_village__form", "matter_village__village_id")
        .annotate(n=Count("id"), online=Count("id", filter=Q(channel=Vote.Channel.ONLINE)))
        .order_by()
    )
    voted: dict[tuple[int, str, int], int] = {}
    for vote_row in votes:
        key = (
            vote_row["matter__matter_type"], vote_row["matter_village__form"],
            vote_row["matter_village__village_id"],
        )  # fmt: skip
        voted[key] = vote_row["n"]
        result.votes += vote_row["n"]
        result.online_votes += vote_row["online"]
    by_form: dict[str, Figures] = defaultdict(Figures)
    by_type_form: dict[tuple[int, str], Figures] = defaultdict(Figures)
    by_village: dict[int, Figures] = defaultdict(Figures)
    for row in rows:
        matter_type, form, village_id = row["matter__matter_type"], row["form"], row["village_id"]
        took_part = (
            row["present"] or 0 if form == Form.MEETING
            else voted.get((matter_type, form, village_id), 0)
        )  # fmt: skip
        figures = Figures(row["decisions"], row["adopted"], row["households"] or 0, took_part)
        for target in (by_form[form], by_type_form[(matter_type, form)], by_village[village_id]):
            target.add(figures)
        result.total.add(figures)
    result.by_form = dict(by_form)
    result.by_type_form = dict(by_type_form)
    result.by_village = dict(by_village)
    # 3. Matters: how many of their villages (in scope) adopted, one row per matter.
    matters = (
        Matter.objects.filter(pk__in=scope.values("matter_id"))
        .values("id", "matter_type", "commune_wide")
        .annotate(
            n_villages=Count("villages", filter=Q(villages__in=scope)),
            n_adopting=Count("villages", filter=Q(villages__in=scope, villages__adopted=True)),
        )
        .order_by()
    )
    by_type: dict[int, MatterCounts] = defaultdict(MatterCounts)
    for matter_row in matters:
        adopting, concerned = matter_row["n_adopting"], matter_row["n_villages"]
        if matter_row["commune_wide"] and village is None:
            # Law 10/2022 Art. 21(1): two thirds or more of the villages.
            adopted = rules.villages_pass(adopting, concerned)
        else:
            # Law 10/2022 Art. 20, 21(1): each village decides; adopted where one adopted it
            # (as selectors.matter_outcome).
            adopted = adopting > 0
        counts = by_type[matter_row["matter_type"]]
        counts.matters += 1
        counts.adopted += adopted
        result.matters.matters += 1
        result.matters.adopted += adopted
    result.by_type = dict(by_type)
    return result
