"""``/api/v1/`` for citizens' requests: file one, follow it by tracking code (no personal data),
officials' lists, detail, answer and the figures.

No response here carries the requester: identity is only on the back-office identity page
(Luật Tố cáo Art. 8(3), 56).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from danchu.accounts.permissions import Action, require
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.core.errors import ValidationFailed

# The public-read authentication and the refusal mapping are the disclosure router's.
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI, _service
from danchu.petitions import selectors, services
from danchu.petitions.models import CitizenRequest, RequestChannel, RequestKind
from danchu.territory import selectors as territory
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["petitions"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])
TrackingPath = Path(..., min_length=1, max_length=20, examples=["PA-ABCD-EFGH-JK"])
KINDS = "^(" + "|".join(RequestKind.values) + ")$"
QUEUES = "^(" + "|".join(selectors.Queue.ALL) + ")$"


class RequestIn(Schema):
    kind: str = Field(RequestKind.FEEDBACK, pattern=KINDS)
    subject: str = Field(..., max_length=300)
    content: str = Field(..., max_length=10000)
    village_id: int | None = Field(None, ge=1, le=MAX_PK)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    full_name: str = Field("", max_length=300)
    phone: str = Field("", max_length=300)
    email: str = Field("", max_length=300)
    address: str = Field("", max_length=300)


class PublicStatusOut(Schema):
    """What anyone holding the tracking code sees: no personal data."""

    tracking_code: str
    commune: str
    kind: str
    status: str
    subject: str
    received_on: date
    due_on: date | None
    answer: str
    forwarded_to: str
    satisfaction: int | None
    reopened: bool


class RequestOut(Schema):
    """An official's view of a request: content and clocks, never the requester."""

    id: int
    tracking_code: str
    commune: str
    village_id: int | None
    kind: str
    channel: str
    status: str
    subject: str
    content: str
    received_on: date
    first_step_due_on: date | None
    accepted_on: date | None
    due_on: date | None
    next_due_on: date | None
    handler_id: int | None
    possible_duplicate_of: int | None
    answer: str
    satisfaction: int | None


class RequestPage(Schema):
    count: int
    items: list[RequestOut]


class RequestFilters(Schema):
    kind: str | None = Field(None, pattern=KINDS)
    queue: str | None = Field(None, pattern=QUEUES)
    q: str | None = Field(None, max_length=200)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=10000)


class PeriodFilters(Schema):
    start: date = Field(..., ge=date(2000, 1, 1), le=date(2999, 12, 31))
    end: date = Field(..., ge=date(2000, 1, 1), le=date(2999, 12, 31))


class KindFiguresOut(Schema):
    kind: str
    received: int
    resolved: int
    resolved_on_time: int
    overdue_now: int
    average_days: float | None
    satisfaction: float | None


def public_status(found: CitizenRequest) -> dict[str, Any]:
    return {
        "tracking_code": found.tracking_code, "commune": found.commune.code, "kind": found.kind,
        "status": found.status, "subject": found.subject, "received_on": found.received_on,
        "due_on": services.next_due(found), "answer": found.answer,
        "forwarded_to": found.forwarded_to, "satisfaction": found.satisfaction,
        "reopened": found.reopened_count > 0,
    }  # fmt: skip


def request_out(found: CitizenRequest, commune_code: str) -> dict[str, Any]:
    return {
        "id": found.pk, "tracking_code": found.tracking_code, "commune": commune_code,
        "village_id": found.village_id, "kind": found.kind, "channel": found.channel,
        "status": found.status, "subject": found.subject, "content": found.content,
        "received_on": found.received_on, "first_step_due_on": found.first_step_due_on,
        "accepted_on": found.accepted_on, "due_on": found.due_on,
        "next_due_on": services.next_due(found), "handler_id": found.handler_id,
        "possible_duplicate_of": found.possible_duplicate_of_id, "answer": found.answer,
        "satisfaction": found.satisfaction,
    }  # fmt: skip


@router.post(
    "/communes/{code}/petition-requests",
    response=with_errors({201: PublicStatusOut}),
    operation_id="petition_request_create",
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
)
def petition_request_create(request: HttpRequest, payload: RequestIn, code: str = CodePath) -> Any:
    """File a request (no sign-in needed); the answer holds the tracking code to follow it."""
    commune = territory.commune_public(code)
    data = services.RequestData(**payload.dict())
    created = services.request_submit(
        actor=actor_of(request), commune=commune, data=data, channel=RequestChannel.WEB
    )
    created.commune = commune
    return Status(201, public_status(created))


@router.get(
    "/petition-requests/track/{tracking_code}",
    response=with_errors({200: PublicStatusOut}),
    operation_id="petition_request_track",
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
)
def petition_request_track(request: HttpRequest, tracking_code: str = TrackingPath) -> Any:
    """The status of a request by its tracking code: no personal data."""
    return public_status(selectors.request_by_code(tracking_code))


@router.get(
    "/communes/{code}/petition-requests",
    response=with_errors({200: RequestPage}),
    operation_id="petition_request_list",
)
def petition_request_list(
    request: HttpRequest,
    filters: Query[RequestFilters],
    page: Query[PageParams],
    code: str = CodePath,
) -> dict[str, Any]:
    """The commune's requests for officials and the inspection board, filtered by work queue."""
    actor = actor_of(request)
    commune = territory.commune_public(code)
    require(actor, Action.PETITION_REQUEST_LIST, commune)
    rows = selectors.request_list(
        actor=actor, commune=commune, kind=filters.kind, queue=filters.queue, query=filters.q
    )
    count, items = paginate(rows, page)
    return {"count": count, "items": [request_out(r, commune.code) for r in items]}


@router.get(
    "/petition-requests/{request_id}",
    response=with_errors({200: RequestOut}),
    operation_id="petition_request_get",
)
def petition_request_get(request: HttpRequest, request_id: int = IdPath) -> dict[str, Any]:
    found = selectors.request_get(actor=actor_of(request), pk=request_id)
    return request_out(found, found.commune.code)


@router.post(
    "/petition-requests/{request_id}/answer",
    response=with_errors({200: RequestOut}),
    operation_id="petition_request_answer",
)
def petition_request_answer(
    request: HttpRequest, payload: AnswerIn, request_id: int = IdPath
) -> dict[str, Any]:
    """Answer a request (a complaint or denunciation must have been accepted first)."""
    actor = actor_of(request)
    found = selectors.request_get(actor=actor, pk=request_id)
    with _service():
        answered = services.request_answer(actor=actor, request=found, answer=payload.answer)
    return request_out(answered, found.commune.code)


@router.get(
    "/communes/{code}/petition-figures",
    response=with_errors({200: list[KindFiguresOut]}),
    operation_id="petition_request_figures",
)
def petition_request_figures(
    request: HttpRequest, period: Query[PeriodFilters], code: str = CodePath
) -> list[dict[str, Any]]:
    """Per kind: received, resolved, on time, overdue now, average days, satisfaction."""
    commune = territory.commune_public(code)
    require(actor_of(request), Action.PETITION_REQUEST_LIST, commune)
    if period.end < period.start:
        message = _("The end of the period cannot be before its start.")
        raise ValidationFailed(message, fields={"end": [message]})
    return [vars(f) for f in selectors.request_figures(commune, period.start, period.end)]
