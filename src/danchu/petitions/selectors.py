"""Reads of citizens' requests shared by pages, the API and reports.

No selector here joins the requester's identity: lists, exports, figures and the public
tracking page carry the content only (Luật Tố cáo Art. 8(3), 56). Identity goes through
``petitions.identity.reveal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, get_for_actor, restrict
from danchu.core import calendar
from danchu.core.errors import NotFound
from danchu.core.search import search_folded
from danchu.petitions.models import (
    OPEN_STATUSES,
    CitizenRequest,
    RequestKind,
    RequestStatus,
)
from danchu.territory.models import AdministrativeUnit

__all__ = [
    "DUE_SOON_WORKING_DAYS",
    "KindFigures",
    "Queue",
    "on_time_rate",
    "request_by_code",
    "request_figures",
    "request_get",
    "request_list",
]

DUE_SOON_WORKING_DAYS = 3
_STATUTORY = (RequestKind.COMPLAINT, RequestKind.DENUNCIATION)
_DONE = (RequestStatus.ANSWERED, RequestStatus.CLOSED, RequestStatus.REJECTED,
         RequestStatus.FORWARDED)  # fmt: skip


class Queue:
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    UNASSIGNED = "unassigned"
    ALL = ("due_soon", "overdue", "unassigned")


def _running_due_before(day: date) -> Q:
    """Open, not paused, and the clock that runs now ends before ``day``."""
    awaiting_acceptance = Q(
        kind__in=_STATUTORY, accepted_on__isnull=True, first_step_due_on__lt=day
    )
    settling = (Q(accepted_on__isnull=False) | ~Q(kind__in=_STATUTORY)) & Q(due_on__lt=day)
    return Q(status__in=OPEN_STATUSES, paused_on__isnull=True) & (awaiting_acceptance | settling)


def request_list(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    kind: str | None = None,
    handler_id: int | None = None,
    queue: str | None = None,
    query: str | None = None,
    today: date | None = None,
) -> QuerySet[CitizenRequest]:
    """The commune's requests the actor may list, filtered for a work queue."""
    today = today or timezone.localdate()
    rows = restrict(
        CitizenRequest.objects.filter(commune=commune), actor, Action.PETITION_REQUEST_LIST
    )
    if kind:
        rows = rows.filter(kind=kind)
    if handler_id:
        rows = rows.filter(handler_id=handler_id)
    if queue == Queue.OVERDUE:
        rows = rows.filter(_running_due_before(today))
    elif queue == Queue.DUE_SOON:
        horizon = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS, commune=commune)
        rows = rows.filter(_running_due_before(horizon + timedelta(days=1))).exclude(
            _running_due_before(today)
        )
    elif queue == Queue.UNASSIGNED:
        rows = rows.filter(status__in=OPEN_STATUSES, handler__isnull=True)
    rows = search_folded(rows, "search_folded", query)
    return rows.select_related("village", "handler").order_by("-received_on", "-id")


def request_get(*, actor: Any, pk: int) -> CitizenRequest:
    return get_for_actor(
        CitizenRequest.objects.select_related("commune", "village", "handler", "merged_into"),
        actor, Action.PETITION_REQUEST_VIEW, pk=pk,
    )  # fmt: skip


def request_by_code(tracking_code: str) -> CitizenRequest:
    """The request a tracking code names; the code is the requester's key (no sign-in)."""
    code = (tracking_code or "").strip().upper()
    found = (
        CitizenRequest.objects.select_related("commune").filter(tracking_code=code).first()
        if 0 < len(code) <= 20
        else None
    )
    if found is None:
        raise NotFound(_("No request has this tracking code."), code="not_found")
    return found


def _local_date(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value is not None else None


def answered_on_time(request: CitizenRequest) -> bool | None:
    """Whether the final step came no later than the deadline that then ran (Civil Code
    Art. 148(6): the last day counts whole)."""
    done = _local_date(request.answered_at)
    if done is None:
        return None
    if request.kind in _STATUTORY and request.accepted_on is None:
        due = request.first_step_due_on
    else:
        due = request.due_on
    return None if due is None else done <= due


@dataclass
class KindFigures:
    kind: str
    label: str
    received: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    overdue_now: int = 0
    average_days: float | None = None
    satisfaction: float | None = None
    rated: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return None if not self.resolved else round(100 * self.resolved_on_time / self.resolved, 1)


def request_figures(
    commune: AdministrativeUnit, start: date, end: date, *, today: date | None = None
) -> list[KindFigures]:
    """Per kind, for requests received in [start, end]: received, resolved (answered,
    refused or forwarded), resolved on time, overdue now, average days to resolve, average
    satisfaction (1–5). Reports call this; it carries no personal data."""
    today = today or timezone.localdate()
    rows = CitizenRequest.objects.filter(
        commune=commune, received_on__gte=start, received_on__lte=end
    ).exclude(status=RequestStatus.MERGED)
    figures = {k: KindFigures(k, str(label)) for k, label in RequestKind.choices}
    overdue = set(rows.filter(_running_due_before(today)).values_list("pk", flat=True))
    days: dict[str, list[int]] = {k: [] for k in figures}
    fields = ("pk", "kind", "status", "received_on", "answered_at", "accepted_on",
              "first_step_due_on", "due_on")  # fmt: skip
    for row in rows.only(*fields).iterator():
        fig = figures[row.kind]
        fig.received += 1
        fig.overdue_now += row.pk in overdue
        if row.status in _DONE and row.answered_at is not None:
            fig.resolved += 1
            fig.resolved_on_time += bool(answered_on_time(row))
            days[row.kind].append((timezone.localdate(row.answered_at) - row.received_on).days)
    rated = rows.filter(satisfaction__isnull=False).values("kind")
    for item in rated.annotate(avg=Avg("satisfaction"), n=Count("pk")):
        figures[item["kind"]].satisfaction = round(float(item["avg"]), 2)
        figures[item["kind"]].rated = item["n"]
    for kind, fig in figures.items():
        if days[kind]:
            fig.average_days = round(sum(days[kind]) / len(days[kind]), 1)
    return list(figures.values())


def on_time_rate(commune: AdministrativeUnit, start: date, end: date) -> tuple[int, int]:
    """(resolved, resolved on time) over every kind, for the public page."""
    figures = request_figures(commune, start, end)
    return sum(f.resolved for f in figures), sum(f.resolved_on_time for f in figures)
