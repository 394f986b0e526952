"""``/api/v1/`` for reception days, dialogues and mediation: public reads, no personal data.

Anyone (signed in or not) reads a commune's reception schedule with its free places, its
dialogues with their questions, answers and commitments, and the figures for a year or a
quarter. Who booked, who was received and everything about mediation cases but counts stay in
the back office (Luật Hòa giải ở cơ sở Art. 4(3)). Every list answers in a fixed number of
queries whatever its size.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.core.errors import NotFound
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI
from danchu.petitions import dialogues, mediation, reception
from danchu.petitions.community_schemas import (
    DialogueFiguresOut,
    DialogueOut,
    DialoguePage,
    MediationFiguresOut,
    PeriodParams,
    ReceptionDayOut,
    ReceptionFiguresOut,
    ScheduleParams,
)
from danchu.petitions.models import Dialogue, ReceptionDay
from danchu.territory import selectors as territory
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["reception, dialogues, mediation"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


def _day_out(day: ReceptionDay) -> dict[str, Any]:
    return {
        "id": day.pk, "date": day.date, "host": day.host, "place": day.place,
        "ad_hoc": day.ad_hoc, "status": day.status,
        "slots": [
            {"id": s.pk, "starts_at": f"{s.starts_at:%H:%M}", "ends_at": f"{s.ends_at:%H:%M}",
             "capacity": s.capacity, "free": s.free}
            for s in day.slots.all()
        ],
    }  # fmt: skip


def _dialogue_out(dialogue: Dialogue) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": dialogue.pk, "title": dialogue.title, "held_on": dialogue.held_on,
        "place": dialogue.place, "status": dialogue.status, "summary": dialogue.summary,
        "questions": [
            {"id": q.pk, "text": q.text, "asked_by": q.public_asker, "supports": q.supports,
             "answer": q.answer}
            for q in dialogue.questions.all()
        ],
        "commitments": [
            {"id": c.pk, "text": c.text, "responsible": c.responsible, "due_on": c.due_on,
             "status": c.status, "fulfilled_on": c.fulfilled_on,
             "overdue": dialogues.commitment_overdue(c, today)}
            for c in dialogue.commitments.all()
        ],
    }  # fmt: skip


@router.get(
    "/communes/{code}/reception-days",
    response=with_errors({200: list[ReceptionDayOut]}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="reception_day_list",
)
def reception_day_list(
    request: HttpRequest, month: Query[ScheduleParams], code: str = CodePath
) -> list[dict[str, Any]]:
    """The commune chair's reception days of one month (Luật Tiếp công dân Art. 15(2)) with
    each slot's free places. Three queries."""
    commune = territory.commune_public(code)
    first = date(month.year, month.month, 1)
    end = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return [_day_out(d) for d in reception.reception_schedule(commune, first, end)]


@router.get(
    "/communes/{code}/reception-figures",
    response=with_errors({200: ReceptionFiguresOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="reception_figures",
)
def reception_figures(
    request: HttpRequest, period: Query[PeriodParams], code: str = CodePath
) -> dict[str, Any]:
    """Reception weeks required and met, days held, visitors and bookings in the period."""
    commune = territory.commune_public(code)
    start, end = period.bounds()
    figures = reception.reception_figures(commune, start, end)
    return {"start": start, "end": end, **asdict(figures)}


@router.get(
    "/communes/{code}/dialogues",
    response=with_errors({200: DialoguePage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="dialogue_list",
)
def dialogue_list(
    request: HttpRequest, page: Query[PageParams], code: str = CodePath
) -> dict[str, Any]:
    """Planned and held dialogues (Law 10/2022 Art. 32(1)), newest first, with their
    questions, answers and commitments. Four queries whatever the size."""
    commune = territory.commune_public(code)
    count, items = paginate(dialogues.public_dialogues(commune), page)
    return {"count": count, "items": [_dialogue_out(d) for d in items]}


@router.get(
    "/dialogues/{dialogue_id}",
    response=with_errors({200: DialogueOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="dialogue_get",
)
def dialogue_get(request: HttpRequest, dialogue_id: int = IdPath) -> dict[str, Any]:
    """One planned or held dialogue (a cancelled one is not public)."""
    found = dialogues.public_dialogues_all().filter(pk=dialogue_id).first()
    if found is None:
        raise NotFound(_("Not found."), code="not_found")
    return _dialogue_out(found)


@router.get(
    "/communes/{code}/dialogue-figures",
    response=with_errors({200: DialogueFiguresOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="dialogue_figures",
)
def dialogue_figures(
    request: HttpRequest, period: Query[PeriodParams], code: str = CodePath
) -> dict[str, Any]:
    """Dialogues held, ended years without one, and their commitments' progress."""
    commune = territory.commune_public(code)
    start, end = period.bounds()
    return {"start": start, "end": end, **asdict(dialogues.dialogue_figures(commune, start, end))}


@router.get(
    "/communes/{code}/mediation-figures",
    response=with_errors({200: MediationFiguresOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="mediation_figures",
)
def mediation_figures(
    request: HttpRequest, period: Query[PeriodParams], code: str = CodePath
) -> dict[str, Any]:
    """Mediation teams, cases received and closed, outcomes and success rate: counts only."""
    commune = territory.commune_public(code)
    start, end = period.bounds()
    figures = mediation.mediation_figures(commune, start, end)
    return {
        "start": start, "end": end, **asdict(figures), "success_rate": figures.success_rate,
    }  # fmt: skip
