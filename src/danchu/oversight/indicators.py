"""The oversight pillar's indicators for the steering reports (see danchu.core.indicators).

The People's Inspection Boards and the Community Investment Supervision Boards: inspections
carried out (on the day carried out) and the boards' recommendations to the commune (on the
day the commune received them, with what has become of them). They agree with
``selectors.oversight_figures`` summed over the same unit and period; the tests check it.

A recommendation still unanswered becomes overdue the day after its deadline (Law 10/2022
Art. 40(1)(c), 45(2)(c): the commune answers within 15 days): that figure depends on the date
the facts are read, as the selector's ``as_of``; it stays filed under the day received.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danchu.core.indicators import Fact, Indicator
from danchu.oversight.models import BoardKind, Inspection, Recommendation

__all__ = ["INDICATORS", "TIME_DEPENDENT", "daily_facts"]

_INSPECTION = "Luật 10/2022 Điều 38, 39; Nghị định 59/2023 Điều 14"
_ANSWER = "Luật 10/2022 Điều 40(1)(c), 45(2)(c)"


def _count(code: str, name: Any, definition: Any, basis: str) -> Indicator:
    return Indicator(code, "oversight", name, definition, "count", basis)


INDICATORS: tuple[Indicator, ...] = (
    _count("oversight.inspections", _("Inspections carried out"),
           _("Inspections and supervisions the boards carried out in the period."),
           _INSPECTION),
    _count("oversight.inspections_inspection_board",
           _("Inspections by the People's Inspection Board"),
           _("Inspections the People's Inspection Board carried out in the period."),
           _INSPECTION),
    _count("oversight.inspections_supervision_board",
           _("Supervisions by the Community Investment Supervision Boards"),
           _("Supervisions the Community Investment Supervision Boards carried out in the "
             "period."),
           "Luật 10/2022 Điều 43, 45"),
    _count("oversight.recommendations", _("Recommendations of the boards"),
           _("Recommendations of the boards the commune received in the period."),
           "Luật 10/2022 Điều 38, 43"),
    _count("oversight.recommendations_answered", _("Recommendations answered"),
           _("Recommendations received in the period that the commune has answered."),
           _ANSWER),
    _count("oversight.recommendations_answered_on_time", _("Recommendations answered on time"),
           _("Recommendations received in the period that the commune answered on or before "
             "the deadline."),
           _ANSWER),
    _count("oversight.recommendations_overdue", _("Recommendations answered late or overdue"),
           _("Recommendations answered after the deadline, or still unanswered the day after "
             "it."),
           _ANSWER),
    Indicator("oversight.answered_rate", "oversight", _("Recommendations answered on time (rate)"),
              _("Recommendations answered on time among the recommendations received."),
              "rate", _ANSWER,
              numerator="oversight.recommendations_answered_on_time",
              denominator="oversight.recommendations"),
)  # fmt: skip


# The codes whose facts also depend on the date they are read (``today``).
TIME_DEPENDENT = frozenset({"oversight.recommendations_overdue"})


def _in(commune_ids: Sequence[int] | None) -> Q:
    return Q() if commune_ids is None else Q(commune_id__in=list(commune_ids))


def _emit(rows: Iterable[Mapping[str, Any]], codes: Mapping[str, str], day: str) -> Iterator[Fact]:
    for row in rows:
        for code, column in codes.items():
            if row[column]:
                yield Fact(code, row["commune_id"], row["village_id"], row[day], int(row[column]))


def daily_facts(
    commune_ids: Sequence[int] | None, first: date, last: date, *, today: date | None = None
) -> Iterator[Fact]:
    """The pillar's facts per commune, village and day between first and last.

    ``today`` (default: the local date) only decides which unanswered recommendations are
    overdue, as ``oversight_figures``' ``as_of``."""
    if last < first:
        return
    today = today or timezone.localdate()
    inspections = (
        Inspection.objects.filter(
            _in(commune_ids), status=Inspection.Status.DONE, carried_out_on__range=(first, last)
        )
        .values("commune_id", "village_id", "carried_out_on")
        .annotate(
            n=Count("id"),
            inspection=Count("id", filter=Q(board_kind=BoardKind.INSPECTION)),
            supervision=Count("id", filter=Q(board_kind=BoardKind.SUPERVISION)),
        )
        .order_by()
    )
    codes = {
        "oversight.inspections": "n",
        "oversight.inspections_inspection_board": "inspection",
        "oversight.inspections_supervision_board": "supervision",
    }
    yield from _emit(inspections, codes, "carried_out_on")
    answered = Q(answered_on__isnull=False)
    on_time = answered & Q(answered_on__lte=F("due_on"))
    late = answered & Q(answered_on__gt=F("due_on"))
    recommendations = (
        Recommendation.objects.filter(_in(commune_ids), received_on__range=(first, last))
        .values("commune_id", "village_id", "received_on")
        .annotate(
            n=Count("id"),
            answered=Count("id", filter=answered),
            on_time=Count("id", filter=on_time),
            overdue=Count("id", filter=late | Q(answered_on__isnull=True, due_on__lt=today)),
        )
        .order_by()
    )
    codes = {  # a new dict: the rows' keys differ from the inspections'
        "oversight.recommendations": "n",
        "oversight.recommendations_answered": "answered",
        "oversight.recommendations_answered_on_time": "on_time",
        "oversight.recommendations_overdue": "overdue",
    }
    yield from _emit(recommendations, codes, "received_on")
