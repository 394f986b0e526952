"""The petitions pillar's indicators for the steering reports (see danchu.core.indicators).

Four parts of the pillar report here: citizens' requests (phản ánh, kiến nghị, khiếu nại, tố
cáo), reception days (tiếp công dân), dialogue conferences (đối thoại) and grassroots
mediation (hòa giải ở cơ sở). Each figure agrees with the part's own figures selector
(``selectors.request_figures``, ``reception.reception_figures``, ``dialogues.dialogue_figures``,
``mediation.mediation_figures``) summed over the same commune and period; the tests check it.

The day a fact is filed under (the rows' own dates, never "today"):

* requests: the day the request was received, for every figure of the request (received,
  resolved, on time, overdue, rated) — as ``request_figures`` counts the requests received in
  the period and what has become of them;
* reception: the day held; the weekly duty (Luật Tiếp công dân 2013 Điều 15(2)) on the
  Monday of the week, as ``reception_weeks`` files a week under the period of its Monday;
* dialogues: the day the dialogue was held, for its commitments too;
* mediation: the day received for the cases, the day closed for the outcomes.

Three figures also depend on the date the facts are read (like the selectors' "now" figures):
a request or commitment still open becomes overdue the day after its deadline, and a week of
reception duty without a reception day is missed once the week has ended. They are filed
under the row's own date, which does not move; the fact appears when that date passes.

No figure carries a person: facts are counts per commune, village and day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, F, Q, When
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danchu.core import calendar
from danchu.core.indicators import Fact, Indicator
from danchu.petitions.models import (
    CitizenRequest,
    Dialogue,
    DialogueCommitment,
    MediationCase,
    ReceptionDay,
    ReceptionRecord,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from danchu.petitions.selectors import _DONE, _STATUTORY, _running_due_before
from danchu.territory.models import AdministrativeUnit

__all__ = ["INDICATORS", "TIME_DEPENDENT", "daily_facts"]

_REQUESTS = "Luật 10/2022 Điều 33, 35(2)(b)"
_COMPLAINTS = "Luật Khiếu nại 2011 Điều 28"
_DENUNCIATIONS = "Luật Tố cáo 2018 Điều 30"
_RECEPTION = "Luật Tiếp công dân 2013 Điều 15"
_DIALOGUES = "Luật 10/2022 Điều 32(1)"
_MEDIATION = "Luật Hòa giải ở cơ sở 2013 Điều 21, 23"


def _count(code: str, name: Any, definition: Any, legal_basis: str, **extra: Any) -> Indicator:
    pillar = code.split(".", 1)[0]
    return Indicator(code, pillar, name, definition, "count", legal_basis, **extra)


def _rate(code: str, name: Any, definition: Any, legal_basis: str, num: str, den: str) -> Indicator:
    pillar = code.split(".", 1)[0]
    return Indicator(
        code, pillar, name, definition, "rate", legal_basis, numerator=num, denominator=den
    )


INDICATORS: tuple[Indicator, ...] = (
    # --- Requests -------------------------------------------------------------------------
    _count(
        "requests.received",
        _("Requests received"),
        _("Requests of every kind received in the period, not counting those merged into "
          "another request."),
        _REQUESTS,
    ),
    _count(
        "requests.received_recommendation",
        _("Feedback and recommendations received"),
        _("Feedback and recommendations (phản ánh, kiến nghị) received in the period."),
        _REQUESTS,
    ),
    _count(
        "requests.received_complaint",
        _("Complaints received"),
        _("Complaints received in the period."),
        "Luật Khiếu nại 2011 Điều 27, 28",
    ),
    _count(
        "requests.received_denunciation",
        _("Denunciations received"),
        _("Denunciations received in the period (for officials only)."),
        "Luật Tố cáo 2018 Điều 24, 30",
        public=False,
    ),
    _count(
        "requests.received_information",
        _("Requests for information received"),
        _("Requests for information received in the period."),
        "Luật 10/2022 Điều 14",
    ),
    _count(
        "requests.received_dispute",
        _("Disputes brought for mediation"),
        _("Requests received in the period asking the commune to mediate a dispute."),
        "Luật Hòa giải ở cơ sở 2013 Điều 16",
    ),
    _count(
        "requests.received_web",
        _("Requests received on the web"),
        _("Requests received in the period through the web site."),
        _REQUESTS,
    ),
    _count(
        "requests.received_phone",
        _("Requests received by phone"),
        _("Requests received in the period by phone."),
        _REQUESTS,
    ),
    _count(
        "requests.received_reception",
        _("Requests received at reception days"),
        _("Requests received in the period from visitors at a reception day."),
        _RECEPTION,
    ),
    _count(
        "requests.received_post",
        _("Requests received by post"),
        _("Requests received in the period by post."),
        _REQUESTS,
    ),
    _count(
        "requests.resolved",
        _("Requests resolved"),
        _("Requests received in the period that have been answered, not accepted or "
          "forwarded to the competent body."),
        _REQUESTS,
    ),
    _count(
        "requests.resolved_complaint",
        _("Complaints resolved"),
        _("Complaints received in the period that have been resolved."),
        _COMPLAINTS,
    ),
    _count(
        "requests.resolved_denunciation",
        _("Denunciations resolved"),
        _("Denunciations received in the period that have been resolved (for officials "
          "only)."),
        _DENUNCIATIONS,
        public=False,
    ),
    _count(
        "requests.resolved_on_time",
        _("Requests resolved on time"),
        _("Resolved requests whose final step came on or before the deadline that then ran "
          "(the last day counts whole)."),
        f"{_REQUESTS}; {_COMPLAINTS}; {_DENUNCIATIONS}; Bộ luật Dân sự 2015 Điều 148",
    ),
    _rate(
        "requests.on_time_rate",
        _("Requests resolved on time (rate)"),
        _("Requests resolved on time among the requests resolved."),
        f"{_REQUESTS}; {_COMPLAINTS}",
        "requests.resolved_on_time",
        "requests.resolved",
    ),
    _rate(
        "requests.resolved_rate",
        _("Requests resolved (rate)"),
        _("Requests resolved among the requests received."),
        _REQUESTS,
        "requests.resolved",
        "requests.received",
    ),
    _count(
        "requests.overdue",
        _("Requests overdue"),
        _("Requests resolved after their deadline, or still open the day after it."),
        f"{_REQUESTS}; {_COMPLAINTS}; {_DENUNCIATIONS}",
    ),
    _count(
        "requests.overdue_open",
        _("Requests open past their deadline"),
        _("Requests still open, not paused, whose deadline has passed."),
        f"{_REQUESTS}; {_COMPLAINTS}; {_DENUNCIATIONS}",
    ),
    _count(
        "requests.rated",
        _("Requests rated by the requester"),
        _("Requests whose requester gave a satisfaction score (1 to 5)."),
        "Luật 10/2022 Điều 34(1)",
    ),
    _count(
        "requests.satisfied",
        _("Requesters satisfied"),
        _("Rated requests scored 4 or 5 out of 5."),
        "Luật 10/2022 Điều 34(1)",
    ),
    _rate(
        "requests.satisfaction_rate",
        _("Requesters satisfied (rate)"),
        _("Requests scored 4 or 5 among the requests rated."),
        "Luật 10/2022 Điều 34(1)",
        "requests.satisfied",
        "requests.rated",
    ),
    # --- Reception days -------------------------------------------------------------------
    _count(
        "reception.days_held",
        _("Reception days held"),
        _("Days on which the commune chair received citizens, scheduled or unscheduled."),
        _RECEPTION,
    ),
    _count(
        "reception.days_required",
        _("Weeks with a reception duty"),
        _("Weeks with at least one working day, each requiring one reception day, once the "
          "week has ended or a reception was held in it."),
        f"{_RECEPTION}(2)",
    ),
    _count(
        "reception.weeks_met",
        _("Weeks with a reception day held"),
        _("Weeks with a reception duty in which at least one reception day was held."),
        f"{_RECEPTION}(2)",
    ),
    _rate(
        "reception.held_rate",
        _("Weekly reception duty met (rate)"),
        _("Weeks with a reception day held among the weeks with a reception duty."),
        f"{_RECEPTION}(2)",
        "reception.weeks_met",
        "reception.days_required",
    ),
    _count(
        "reception.visitors",
        _("Visitors received"),
        _("Visitors entered in the reception book on the reception days held."),
        f"{_RECEPTION} Điều 26",
    ),
    # --- Dialogues ------------------------------------------------------------------------
    _count(
        "dialogues.held",
        _("Dialogue conferences held"),
        _("Dialogue conferences of the commune with its residents held in the period."),
        _DIALOGUES,
    ),
    _count(
        "dialogues.commitments",
        _("Dialogue commitments"),
        _("Commitments the commune made at the dialogues held in the period."),
        _DIALOGUES,
    ),
    _count(
        "dialogues.commitments_fulfilled",
        _("Dialogue commitments fulfilled"),
        _("Commitments made at the dialogues held in the period that have been fulfilled."),
        _DIALOGUES,
    ),
    _count(
        "dialogues.commitments_fulfilled_on_time",
        _("Dialogue commitments fulfilled on time"),
        _("Commitments fulfilled on or before their deadline."),
        _DIALOGUES,
    ),
    _count(
        "dialogues.commitments_overdue",
        _("Dialogue commitments overdue"),
        _("Commitments still in progress after their deadline."),
        _DIALOGUES,
    ),
    _rate(
        "dialogues.fulfilled_rate",
        _("Dialogue commitments fulfilled (rate)"),
        _("Commitments fulfilled among the commitments made."),
        _DIALOGUES,
        "dialogues.commitments_fulfilled",
        "dialogues.commitments",
    ),
    # --- Mediation ------------------------------------------------------------------------
    _count(
        "mediation.cases",
        _("Mediation cases received"),
        _("Cases entered in the mediation teams' logbooks in the period."),
        "Luật Hòa giải ở cơ sở 2013 Điều 16, 21(4)",
    ),
    _count(
        "mediation.closed",
        _("Mediation cases closed"),
        _("Cases closed in the period: mediated successfully, stopped or failed."),
        _MEDIATION,
    ),
    _count(
        "mediation.successful",
        _("Cases mediated successfully"),
        _("Cases closed in the period with the parties' agreement."),
        _MEDIATION,
    ),
    _count(
        "mediation.failed",
        _("Cases not mediated successfully"),
        _("Cases closed in the period without agreement and referred to the competent body."),
        f"{_MEDIATION}, 27",
    ),
    _rate(
        "mediation.success_rate",
        _("Cases mediated successfully (rate)"),
        _("Cases mediated successfully among the cases closed."),
        _MEDIATION,
        "mediation.successful",
        "mediation.closed",
    ),
)  # fmt: skip


# The codes whose facts also depend on the date they are read (``today``): a roll-up of them
# is exact for the day it was computed and must be refreshed as days pass.
TIME_DEPENDENT = frozenset(
    {
        "requests.overdue",
        "requests.overdue_open",
        "reception.days_required",
        "dialogues.commitments_overdue",
    }
)


def _emit(
    rows: Iterable[Mapping[str, Any]],
    codes: Mapping[str, str],
    day: str,
    village: str | None,
    commune: str = "commune_id",
) -> Iterator[Fact]:
    """One fact per code and grouped row (each row is one commune, village and day)."""
    for row in rows:
        village_id = row[village] if village else None
        for code, column in codes.items():
            value = int(row[column] or 0)
            if value:
                yield Fact(code, row[commune], village_id, row[day], value)


def _in(commune_ids: Sequence[int] | None, field: str = "commune_id") -> Q:
    return Q() if commune_ids is None else Q(**{f"{field}__in": list(commune_ids)})


# --- Requests ------------------------------------------------------------------------------

_BY_KIND = {
    "requests.received_recommendation": RequestKind.FEEDBACK,
    "requests.received_complaint": RequestKind.COMPLAINT,
    "requests.received_denunciation": RequestKind.DENUNCIATION,
    "requests.received_information": RequestKind.INFORMATION,
    "requests.received_dispute": RequestKind.DISPUTE,
}
_BY_CHANNEL = {f"requests.received_{c}": c for c in RequestChannel.values}


def _request_facts(
    commune_ids: Sequence[int] | None, first: date, last: date, today: date
) -> Iterator[Fact]:
    done = Q(status__in=_DONE, answered_at__isnull=False)
    # The deadline that ran when the final step came (selectors.answered_on_time): the
    # acceptance deadline while a complaint or denunciation was not accepted, else the
    # settlement deadline. Civil Code Art. 148(6): the last day counts whole.
    late = done & Q(answered_day__gt=F("deadline"))
    open_overdue = _running_due_before(today)
    aggregates: dict[str, Any] = {
        "received": Count("pk"),
        "resolved": Count("pk", filter=done),
        "on_time": Count("pk", filter=done & Q(answered_day__lte=F("deadline"))),
        "overdue": Count("pk", filter=late | open_overdue),
        "overdue_open": Count("pk", filter=open_overdue),
        "rated": Count("pk", filter=Q(satisfaction__isnull=False)),
        "satisfied": Count("pk", filter=Q(satisfaction__gte=4)),
        "resolved_complaint": Count("pk", filter=done & Q(kind=RequestKind.COMPLAINT)),
        "resolved_denunciation": Count("pk", filter=done & Q(kind=RequestKind.DENUNCIATION)),
    }
    for code, kind in _BY_KIND.items():
        aggregates[code] = Count("pk", filter=Q(kind=kind))
    for code, channel in _BY_CHANNEL.items():
        aggregates[code] = Count("pk", filter=Q(channel=channel))
    rows = (
        CitizenRequest.objects.filter(_in(commune_ids), received_on__range=(first, last))
        .exclude(status=RequestStatus.MERGED)
        .alias(
            answered_day=TruncDate("answered_at"),
            deadline=Case(
                When(Q(kind__in=_STATUTORY, accepted_on__isnull=True), then=F("first_step_due_on")),
                default=F("due_on"),
            ),
        )
        .values("commune_id", "village_id", "received_on")
        .annotate(**aggregates)
        .order_by()
    )
    codes = {
        "requests.received": "received",
        "requests.resolved": "resolved",
        "requests.resolved_on_time": "on_time",
        "requests.overdue": "overdue",
        "requests.overdue_open": "overdue_open",
        "requests.rated": "rated",
        "requests.satisfied": "satisfied",
        "requests.resolved_complaint": "resolved_complaint",
        "requests.resolved_denunciation": "resolved_denunciation",
        **{code: code for code in (*_BY_KIND, *_BY_CHANNEL)},
    }
    yield from _emit(rows, codes, "received_on", "village_id")


# --- Reception days ------------------------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _working_week_mondays(
    communes: Sequence[Mapping[str, Any]], first_monday: date, last_monday: date
) -> dict[int, set[date]]:
    """For each commune, the Mondays (first_monday..last_monday) of weeks with a working day.

    One query for the calendar's overrides of the span (national and the communes'); the
    communes without rows of their own share the national calendar."""
    from danchu.core.models import WorkingDayOverride

    ids = [c["pk"] for c in communes]
    overrides = WorkingDayOverride.objects.filter(
        Q(commune__isnull=True) | Q(commune_id__in=ids),
        date__range=(first_monday, last_monday + timedelta(days=6)),
    ).values_list("date", "kind", "commune_id")
    national: dict[date, bool] = {}
    own: dict[int, dict[date, bool]] = defaultdict(dict)
    for day, kind, commune_id in overrides:
        target = national if commune_id is None else own[commune_id]
        target[day] = kind == WorkingDayOverride.Kind.WORKING_DAY
    mondays = []
    monday = first_monday
    while monday <= last_monday:
        mondays.append(monday)
        monday += timedelta(days=7)

    def weeks(overrides: dict[date, bool]) -> set[date]:
        cal = calendar.WorkingCalendar(overrides)
        return {
            m for m in mondays if any(cal.is_working_day(m + timedelta(days=n)) for n in range(7))
        }

    shared = weeks(national)
    return {
        c["pk"]: weeks({**national, **own[c["pk"]]}) if c["pk"] in own else shared for c in communes
    }


def _reception_facts(
    commune_ids: Sequence[int] | None, first: date, last: date, today: date
) -> Iterator[Fact]:
    held = ReceptionDay.objects.filter(
        _in(commune_ids), status=ReceptionDay.Status.HELD, date__range=(first, last)
    )
    yield from _emit(
        held.values("commune_id", "date").annotate(n=Count("pk")).order_by(),
        {"reception.days_held": "n"}, "date", None,
    )  # fmt: skip
    visitors = ReceptionRecord.objects.filter(
        _in(commune_ids, "day__commune_id"),
        day__status=ReceptionDay.Status.HELD,
        day__date__range=(first, last),
    )
    yield from _emit(
        visitors.values("day__commune_id", "day__date").annotate(n=Count("pk")).order_by(),
        {"reception.visitors": "n"}, "day__date", None, "day__commune_id",
    )  # fmt: skip
    # The weekly duty (Art. 15(2)), filed under the Monday as reception_weeks does: a week
    # whose Monday lies in [first, last] and that has a working day is required once it has
    # ended, or as soon as a reception day is held in it ("met"). The duty is counted for the
    # communes that keep their reception book in danchu (any reception day recorded).
    first_monday = first + timedelta(days=(7 - first.weekday()) % 7)
    last_monday = _monday(last)
    if first_monday > last_monday:
        return
    met_rows = (
        ReceptionDay.objects.filter(
            _in(commune_ids),
            status=ReceptionDay.Status.HELD,
            date__range=(first_monday, last_monday + timedelta(days=6)),
        )
        .annotate(week=TruncWeek("date"))
        .values("commune_id", "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    met: set[tuple[int, date]] = set()
    for row in met_rows:
        week = row["week"]
        met.add((row["commune_id"], week.date() if hasattr(week, "date") else week))
    keeping = ReceptionDay.objects.filter(_in(commune_ids)).values("commune_id").distinct()
    communes = list(
        AdministrativeUnit.objects.filter(pk__in=keeping.order_by()).values(
            "pk", "valid_from", "valid_to"
        )
    )
    working = _working_week_mondays(communes, first_monday, last_monday)
    for commune in communes:
        pk, valid_from, valid_to = commune["pk"], commune["valid_from"], commune["valid_to"]
        for monday in sorted(working[pk]):
            if (valid_from and monday < valid_from) or (valid_to and monday > valid_to):
                continue
            is_met = (pk, monday) in met
            if is_met:
                yield Fact("reception.weeks_met", pk, None, monday, 1)
            if is_met or monday + timedelta(days=6) < today:
                yield Fact("reception.days_required", pk, None, monday, 1)


# --- Dialogues -----------------------------------------------------------------------------


def _dialogue_facts(
    commune_ids: Sequence[int] | None, first: date, last: date, today: date
) -> Iterator[Fact]:
    held = Dialogue.objects.filter(
        _in(commune_ids), status=Dialogue.Status.HELD, held_on__range=(first, last)
    )
    yield from _emit(
        held.values("commune_id", "held_on").annotate(n=Count("pk")).order_by(),
        {"dialogues.held": "n"}, "held_on", None,
    )  # fmt: skip
    fulfilled = Q(status=DialogueCommitment.Status.FULFILLED)
    commitments = (
        DialogueCommitment.objects.filter(
            _in(commune_ids, "dialogue__commune_id"),
            dialogue__status=Dialogue.Status.HELD,
            dialogue__held_on__range=(first, last),
        )
        .values("dialogue__commune_id", "dialogue__held_on")
        .annotate(
            n=Count("pk"),
            fulfilled=Count("pk", filter=fulfilled),
            on_time=Count("pk", filter=fulfilled & Q(fulfilled_on__lte=F("due_on"))),
            overdue=Count("pk", filter=Q(status=DialogueCommitment.Status.OPEN, due_on__lt=today)),
        )
        .order_by()
    )
    codes = {
        "dialogues.commitments": "n",
        "dialogues.commitments_fulfilled": "fulfilled",
        "dialogues.commitments_fulfilled_on_time": "on_time",
        "dialogues.commitments_overdue": "overdue",
    }
    yield from _emit(commitments, codes, "dialogue__held_on", None, "dialogue__commune_id")


# --- Mediation -----------------------------------------------------------------------------


def _mediation_facts(commune_ids: Sequence[int] | None, first: date, last: date) -> Iterator[Fact]:
    cases = MediationCase.objects.filter(_in(commune_ids))
    received = (
        cases.filter(received_on__range=(first, last))
        .values("commune_id", "village_id", "received_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    yield from _emit(received, {"mediation.cases": "n"}, "received_on", "village_id")
    closed = (
        cases.filter(closed_on__range=(first, last))
        .values("commune_id", "village_id", "closed_on")
        .annotate(
            n=Count("pk"),
            success=Count("pk", filter=Q(status=MediationCase.Status.SUCCESS)),
            failed=Count("pk", filter=Q(status=MediationCase.Status.FAILED)),
        )
        .order_by()
    )
    codes = {
        "mediation.closed": "n",
        "mediation.successful": "success",
        "mediation.failed": "failed",
    }
    yield from _emit(closed, codes, "closed_on", "village_id")


def daily_facts(
    commune_ids: Sequence[int] | None, first: date, last: date, *, today: date | None = None
) -> Iterator[Fact]:
    """The pillar's facts per commune, village and day between first and last.

    ``today`` (default: the local date) only decides the figures that become due with time:
    open requests and commitments past their deadline, and ended weeks of reception duty."""
    if last < first:
        return
    today = today or timezone.localdate()
    yield from _request_facts(commune_ids, first, last, today)
    yield from _reception_facts(commune_ids, first, last, today)
    yield from _dialogue_facts(commune_ids, first, last, today)
    yield from _mediation_facts(commune_ids, first, last)
