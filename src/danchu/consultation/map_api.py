"""``/api/v1/`` for the opinion map: statements, agree/disagree/pass votes, the map's data.

The map and the shown statements of an open or closed consultation are public (what residents
think, never who thinks it: no participant appears, only group sizes and vote counts). Votes
and proposals need a signed-in resident of the commune; refusals of the consultation's state
(closed, statement not shown) answer 409, field errors 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, with_errors
from danchu.consultation import map_selectors, map_services
from danchu.consultation.models import Consultation, Statement
from danchu.core.errors import ApplicationError, NotFound
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI

__all__ = ["router"]

router = Router(tags=["opinion map"])

IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])
_PUBLIC_STATUSES = (
    Consultation.Status.OPEN,
    Consultation.Status.CLOSED,
    Consultation.Status.ANSWERED,
)


class _Conflict(ApplicationError):
    status = 409


@contextmanager
def _service() -> Iterator[None]:
    try:
        yield
    except ApplicationError as exc:
        if type(exc) is ApplicationError:
            raise _Conflict(exc.message, code=exc.code, fields=exc.fields) from exc
        raise


def _consultation(pk: int) -> Consultation:
    found = (
        Consultation.objects.select_related("commune")
        .filter(pk=pk, status__in=_PUBLIC_STATUSES)
        .first()
    )
    if found is None:
        raise NotFound(_("Not found."), code="not_found")
    return found


def _statement(consultation: Consultation, pk: int) -> Statement:
    found = (
        Statement.objects.select_related("consultation", "commune")
        .filter(consultation=consultation, pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("Not found."), code="not_found")
    return found


class MapStatementOut(Schema):
    id: int
    text: str
    origin: str
    moderation: str


class MapStatementIn(Schema):
    text: str = Field(..., max_length=2000, description="At most 400 characters once trimmed.")


class MapVoteIn(Schema):
    value: int = Field(..., ge=-1, le=1, description="1 agree, -1 disagree, 0 pass.")


class MapVoteOut(Schema):
    statement_id: int
    value: int


class MapRepOut(Schema):
    statement_id: int
    agrees: bool
    percent: int


class MapGroupOut(Schema):
    id: int
    letter: str
    size: int
    x: float
    y: float
    representative: list[MapRepOut]


class MapStatementCounts(Schema):
    statement_id: int
    agree: int
    disagree: int
    passed: int
    group_consensus_percent: int


class OpinionMapOut(Schema):
    computed: bool
    participants: int
    groups: list[MapGroupOut]
    statements: list[MapStatementCounts]
    consensus_agree: list[int]
    consensus_disagree: list[int]


def _statement_out(statement: Statement) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "text": statement.text,
        "origin": statement.origin,
        "moderation": statement.moderation,
    }


@router.get(
    "/consultations/{consultation_id}/statements",
    response=with_errors({200: list[MapStatementOut]}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="map_statement_list",
)
def statement_list(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    """The statements residents vote on (accepted by moderation), oldest first."""
    consultation = _consultation(consultation_id)
    return [_statement_out(s) for s in map_selectors.statements_shown(consultation)]


@router.post(
    "/consultations/{consultation_id}/statements",
    response=with_errors({201: MapStatementOut}),
    operation_id="map_statement_add",
)
def statement_add(
    request: HttpRequest, payload: MapStatementIn, consultation_id: int = IdPath
) -> Any:
    """An official seeds a statement; a resident proposes one, shown after moderation."""
    consultation = _consultation(consultation_id)
    with _service():
        statement = map_services.statement_add(
            actor=actor_of(request), consultation=consultation, text=payload.text
        )
    return Status(201, _statement_out(statement))


@router.put(
    "/consultations/{consultation_id}/statements/{statement_id}/vote",
    response=with_errors({200: MapVoteOut}),
    operation_id="map_vote_cast",
)
def vote_cast(
    request: HttpRequest,
    payload: MapVoteIn,
    consultation_id: int = IdPath,
    statement_id: int = IdPath,
) -> Any:
    """Agree, disagree or pass; voting again replaces the earlier vote."""
    statement = _statement(_consultation(consultation_id), statement_id)
    with _service():
        vote = map_services.statement_vote_cast(
            actor=actor_of(request), statement=statement, value=payload.value
        )
    return {"statement_id": statement.pk, "value": vote.value}


@router.get(
    "/consultations/{consultation_id}/map",
    response=with_errors({200: OpinionMapOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="map_get",
)
def map_get(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    """The last computed map: groups, what characterises each, where all groups agree."""
    view = map_selectors.map_view(_consultation(consultation_id))
    if view is None:
        return {
            "computed": False,
            "participants": 0,
            "groups": [],
            "statements": [],
            "consensus_agree": [],
            "consensus_disagree": [],
        }
    return {
        "computed": True,
        "participants": view.participants,
        "groups": [
            {
                "id": g.id,
                "letter": g.letter,
                "size": g.size,
                "x": g.x,
                "y": g.y,
                "representative": [
                    {"statement_id": r.statement.pk, "agrees": r.agrees, "percent": r.percent}
                    for r in g.representative
                ],
            }
            for g in view.groups
        ],
        "statements": [
            {
                "statement_id": row.statement.pk,
                "agree": row.agree,
                "disagree": row.disagree,
                "passed": row.passed,
                "group_consensus_percent": row.consensus,
            }
            for row in view.statements
        ],
        "consensus_agree": [s.pk for s in view.consensus_agree],
        "consensus_disagree": [s.pk for s in view.consensus_disagree],
    }
