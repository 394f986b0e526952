"""Reads of the oversight boards, shared by the pages, the API and the reports.

The public reads (:func:`public_works`, :func:`public_work`) show what Law 10/2022 Art. 11
and 43 make public — a work's progress, the boards' findings and the commune's answers — and
never a concern's sender. The figures (:func:`oversight_figures`) are counted by the database
in one grouped query and add up exactly: a commune's total is the sum of its villages plus its
commune-wide rows, a province's the sum of its communes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from danchu.accounts.permissions import Action, get_for_actor, restrict
from danchu.core.text import fold_vi
from danchu.decisions import selectors as decisions
from danchu.oversight.models import (
    Concern,
    Inspection,
    InspectionBoard,
    InspectionBoardMember,
    Recommendation,
    SupervisedWork,
    SupervisionBoardMember,
)
from danchu.territory.models import AdministrativeUnit, Resident, Village

__all__ = [
    "Counts",
    "ElectionToSeat",
    "OversightFigures",
    "board_elections_to_seat",
    "concern_list",
    "inspection_board_current",
    "inspection_members_sitting",
    "namesakes",
    "oversight_figures",
    "public_recommendations",
    "public_work",
    "public_work_by_id",
    "public_works",
    "recommendation_get",
    "recommendation_list",
    "work_get",
    "work_list",
]


def _work_rows() -> QuerySet[SupervisedWork]:
    return SupervisedWork.objects.select_related("commune").prefetch_related(
        "villages", "sources", "milestones"
    )


def public_works(commune: AdministrativeUnit) -> QuerySet[SupervisedWork]:
    """Every supervised work of the commune, newest first (all are public, Art. 11)."""
    return (
        SupervisedWork.objects.filter(commune=commune)
        .prefetch_related("villages")
        .annotate(
            n_recommendations=Count("recommendations", distinct=True),
            n_open=Count(
                "recommendations",
                filter=Q(recommendations__status=Recommendation.Status.OPEN),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "-id")
    )


def public_work(commune: AdministrativeUnit, pk: int) -> SupervisedWork | None:
    """One work of ``commune`` (None when it is not the commune's)."""
    work = public_work_by_id(pk)
    return work if work is not None and work.commune_id == commune.pk else None


def public_work_by_id(pk: int) -> SupervisedWork | None:
    """One work with its schedule, sources, board, findings and the commune's answers."""
    members = SupervisionBoardMember.objects.filter(left_on__isnull=True).order_by("id")
    inspections = Inspection.objects.filter(status=Inspection.Status.DONE).order_by(
        "-carried_out_on", "-id"
    )
    return (
        _work_rows()
        .select_related("supervision_board")
        .prefetch_related(
            Prefetch("supervision_board__members", queryset=members),
            Prefetch("inspections", queryset=inspections.prefetch_related("photos")),
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("-received_on")),
            "documents",
        )
        .filter(pk=pk)
        .first()
    )


def public_recommendations(commune: AdministrativeUnit) -> QuerySet[Recommendation]:
    """The boards' recommendations and the commune's answers, newest first."""
    return (
        Recommendation.objects.filter(commune=commune)
        .select_related("work", "inspection", "village")
        .order_by("-received_on", "-id")
    )


def inspection_board_current(
    commune: AdministrativeUnit, on: date | None = None
) -> InspectionBoard | None:
    on = on or timezone.localdate()
    sitting = InspectionBoardMember.objects.filter(left_on__isnull=True).select_related("village")
    return (
        InspectionBoard.objects.filter(commune=commune, term_starts_on__lte=on, term_ends_on__gt=on)
        .prefetch_related(Prefetch("members", queryset=sitting))
        .first()
    )


def inspection_members_sitting(
    commune: AdministrativeUnit, on: date | None = None
) -> QuerySet[InspectionBoardMember]:
    """The members sitting on ``on`` (today by default): elected by then and not yet left, on
    the board whose term covers the day. A seat ends with its board's term (Law 10/2022
    Art. 36(2)): a member of an ended board is not counted on the next one."""
    on = on or timezone.localdate()
    return InspectionBoardMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on),
        commune=commune, elected_on__lte=on, board__term_starts_on__lte=on,
        board__term_ends_on__gt=on,
    )  # fmt: skip


@dataclass
class ElectionToSeat:
    """A village's recognised board-member election not yet seated on the board."""

    matter_village: Any
    decided_on: date | None

    @property
    def recognised_on(self) -> date | None:
        return self.matter_village.recognition_on  # type: ignore[no-any-return]


def board_elections_to_seat(
    commune: AdministrativeUnit, board: InspectionBoard | None
) -> list[ElectionToSeat]:
    """The commune's board-member elections that the community adopted and the Front recognised
    (Law 10/2022 Art. 15(5), 21(2)) whose members nobody seated yet — decided within the
    board's term when there is a board (an older term's election cannot seat anyone on it).
    One query, whatever the number of elections."""
    seated = InspectionBoardMember.objects.filter(
        election_matter_id=OuterRef("matter_id"), village_id=OuterRef("village_id")
    )
    rows = decisions.board_elections_recognised(commune).exclude(Exists(seated))
    found = [ElectionToSeat(mv, decisions.decision_day(mv)) for mv in rows]
    if board is None:
        return found
    return [
        e
        for e in found
        if e.decided_on is not None and board.term_starts_on <= e.decided_on < board.term_ends_on
    ]


def namesakes(village_id: int, names: list[str]) -> dict[str, list[Resident]]:
    """For each name, the village's residents bearing it, diacritics and case ignored (the
    folded name), in one query: candidates are names, the Front tells who they are."""
    folded = {fold_vi(name): name for name in names}
    found: dict[str, list[Resident]] = {name: [] for name in names}
    rows = (
        Resident.objects.filter(household__village_id=village_id, name_folded__in=list(folded))
        .select_related("household")
        .order_by("full_name", "id")
    )
    for resident in rows:
        found[folded[resident.name_folded]].append(resident)
    return found


def work_list(*, actor: Any, commune: AdministrativeUnit) -> QuerySet[SupervisedWork]:
    return restrict(
        SupervisedWork.objects.filter(commune=commune), actor, Action.SUPERVISED_WORK_VIEW
    ).order_by("-starts_on", "-id")


def work_get(
    *, actor: Any, pk: int, action: Action = Action.SUPERVISED_WORK_VIEW
) -> SupervisedWork:
    return get_for_actor(_work_rows(), actor, action, pk=pk)


def recommendation_list(
    *, actor: Any, commune: AdministrativeUnit, status: str | None = None
) -> QuerySet[Recommendation]:
    rows = restrict(
        Recommendation.objects.filter(commune=commune).select_related("work", "village"),
        actor,
        Action.BOARD_VIEW,
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("due_on", "id")


def recommendation_get(*, actor: Any, pk: int, action: Action) -> Recommendation:
    return get_for_actor(
        Recommendation.objects.select_related("commune", "work"), actor, action, pk=pk
    )


def concern_list(*, actor: Any, commune: AdministrativeUnit) -> QuerySet[Concern]:
    return restrict(
        Concern.objects.filter(commune=commune).select_related("work"), actor, Action.BOARD_VIEW
    ).order_by("-received_at", "-id")


# --- Figures ---------------------------------------------------------------------------------


@dataclass
class Counts:
    """The boards' work in one group: the issue's four figures (and the pending rest)."""

    inspections: int = 0
    recommendations: int = 0
    answered_on_time: int = 0
    overdue: int = 0  # answered late, or unanswered after the due day

    @property
    def pending(self) -> int:
        """Made, not yet answered and not yet due."""
        return self.recommendations - self.answered_on_time - self.overdue

    def add(self, other: Counts) -> None:
        self.inspections += other.inspections
        self.recommendations += other.recommendations
        self.answered_on_time += other.answered_on_time
        self.overdue += other.overdue


@dataclass
class OversightFigures:
    """Figures for a village, a commune or a province and a period (``first``–``last``).

    Inspections carried out, and recommendations received by the commune, in the period;
    answers are judged on ``as_of`` (an unanswered one is overdue once its due day passed).
    ``by_commune`` and ``by_village`` break ``total`` down; rows tied to no village (a
    commune-wide inspection) are in ``commune_wide``, so that the villages plus
    ``commune_wide`` make each commune's total exactly.
    """

    unit: Any
    first: date
    last: date
    as_of: date
    total: Counts = field(default_factory=Counts)
    by_commune: dict[int, Counts] = field(default_factory=dict)
    by_village: dict[int, Counts] = field(default_factory=dict)
    commune_wide: dict[int, Counts] = field(default_factory=dict)


def _filter_unit(rows: QuerySet[Any], unit: Any) -> QuerySet[Any]:
    if isinstance(unit, Village):
        return rows.filter(village=unit)
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return rows.filter(commune__parent=unit)
    return rows.filter(commune=unit)


def oversight_figures(
    unit: Any, first: date, last: date, *, as_of: date | None = None
) -> OversightFigures:
    """The boards' figures for a village, commune or province; two grouped queries."""
    as_of = as_of or timezone.localdate()
    result = OversightFigures(unit=unit, first=first, last=last, as_of=as_of)
    if last < first:
        return result
    inspections = (
        _filter_unit(Inspection.objects.all(), unit)
        .filter(status=Inspection.Status.DONE, carried_out_on__gte=first, carried_out_on__lte=last)
        .values("commune_id", "village_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    on_time = Q(answered_on__isnull=False, answered_on__lte=F("due_on"))
    late = Q(answered_on__isnull=False, answered_on__gt=F("due_on"))
    unanswered_overdue = Q(answered_on__isnull=True, due_on__lt=as_of)
    recommendations = (
        _filter_unit(Recommendation.objects.all(), unit)
        .filter(received_on__gte=first, received_on__lte=last)
        .values("commune_id", "village_id")
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=on_time),
            overdue=Count("id", filter=late | unanswered_overdue),
        )
        .order_by()
    )
    groups: dict[tuple[int, int | None], Counts] = defaultdict(Counts)
    for row in inspections:
        groups[(row["commune_id"], row["village_id"])].inspections += row["n"]
    for row in recommendations:
        counts = groups[(row["commune_id"], row["village_id"])]
        counts.recommendations += row["n"]
        counts.answered_on_time += row["on_time"]
        counts.overdue += row["overdue"]
    by_commune: dict[int, Counts] = defaultdict(Counts)
    for (commune_id, village_id), counts in groups.items():
        by_commune[commune_id].add(counts)
        result.total.add(counts)
        if village_id is None:
            result.commune_wide[commune_id] = counts
        else:
            result.by_village[village_id] = counts
    result.by_commune = dict(by_commune)
    return result
