"""The oversight router (``/api/v1/``): supervised works, the boards' findings and
recommendations with the commune's answers, and the boards' figures.

What Law 10/2022 makes public — a work's progress, the boards' findings, the commune's
answers (Art. 11, 43) — is read without signing in. The commune People's Committee answers a
recommendation (Art. 40(1)(c), 45(2)(c)); the board closes it after follow-up; the Front (or
the chair entering its decision) seats the members a village elected (Art. 15(5), 21(2), 36).
Everything else goes through the permission layer in the services: another commune's rows
answer 404, one's own commune without the right 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from danchu.accounts.permissions import Action
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.core.errors import NotFound, ValidationFailed
from danchu.decisions import selectors as decisions
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI
from danchu.oversight import selectors, services
from danchu.oversight.models import InspectionBoard
from danchu.oversight.schemas import (
    CloseIn,
    ElectionToSeatDetailOut,
    ElectionToSeatOut,
    FiguresQuery,
    InspectionMemberOut,
    OversightFiguresOut,
    RecommendationAnswerIn,
    RecommendationFilters,
    RecommendationOut,
    RecommendationPage,
    SeatFromElectionIn,
    WorkDetailOut,
    WorkPage,
    counts_out,
    election_to_seat_out,
    inspection_member_out,
    recommendation_out,
    work_detail_out,
    work_out,
)
from danchu.territory import selectors as territory
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["oversight"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


@router.get(
    "/communes/{code}/supervised-works",
    response=with_errors({200: WorkPage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="supervised_work_list",
)
def supervised_work_list(
    request: HttpRequest, page: Query[PageParams], code: str = CodePath
) -> dict[str, Any]:
    """The commune's supervised works, newest first, with their progress (public)."""
    commune = territory.commune_public(code)
    count, items = paginate(selectors.public_works(commune), page)
    return {"count": count, "items": [work_out(w) for w in items]}


@router.get(
    "/supervised-works/{work_id}",
    response=with_errors({200: WorkDetailOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="supervised_work_get",
)
def supervised_work_get(request: HttpRequest, work_id: int = IdPath) -> Any:
    """A work with its sources, schedule, the investor's documents, its board, the findings and
    the recommendations with the commune's answers (public)."""
    work = selectors.public_work_by_id(work_id)
    if work is None:
        raise NotFound(_("Not found."), code="not_found")
    return work_detail_out(work)


@router.get(
    "/communes/{code}/recommendations",
    response=with_errors({200: RecommendationPage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="recommendation_list",
)
def recommendation_list(
    request: HttpRequest,
    filters: Query[RecommendationFilters],
    page: Query[PageParams],
    code: str = CodePath,
) -> dict[str, Any]:
    """The boards' recommendations and the commune's answers, newest first (public)."""
    commune = territory.commune_public(code)
    rows = selectors.public_recommendations(commune)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    count, items = paginate(rows, page)
    return {"count": count, "items": [recommendation_out(r) for r in items]}


@router.get(
    "/communes/{code}/oversight-figures",
    response=with_errors({200: OversightFiguresOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="oversight_figures",
)
def oversight_figures(
    request: HttpRequest, period: Query[FiguresQuery], code: str = CodePath
) -> dict[str, Any]:
    """Inspections, recommendations made, answered on time and overdue in a period, per village
    and for the whole commune (two grouped queries; a period ending before it starts counts
    nothing)."""
    commune = territory.commune_public(code)
    figures = selectors.oversight_figures(commune, period.first, period.last)
    return {
        "first": figures.first,
        "last": figures.last,
        "as_of": figures.as_of,
        "total": counts_out(figures.total),
        "by_village": {k: counts_out(v) for k, v in figures.by_village.items()},
        "commune_wide": counts_out(figures.commune_wide.get(commune.pk, selectors.Counts())),
    }


@router.post(
    "/recommendations/{recommendation_id}/answer",
    response=with_errors({200: RecommendationOut}),
    operation_id="recommendation_answer",
)
def recommendation_answer(
    request: HttpRequest, payload: RecommendationAnswerIn, recommendation_id: int = IdPath
) -> Any:
    """The commune People's Committee's answer (Art. 40(1)(c), 45(2)(c)); 409 once answered."""
    actor = actor_of(request)
    row = selectors.recommendation_get(
        actor=actor, pk=recommendation_id, action=Action.RECOMMENDATION_ANSWER
    )
    row = services.recommendation_answer(
        actor=actor, recommendation=row, answer=payload.answer, answered_on=payload.answered_on
    )
    return recommendation_out(row)


@router.post(
    "/recommendations/{recommendation_id}/close",
    response=with_errors({200: RecommendationOut}),
    operation_id="recommendation_close",
)
def recommendation_close(
    request: HttpRequest, payload: CloseIn, recommendation_id: int = IdPath
) -> Any:
    """The board closes an answered recommendation after its follow-up; 409 before the answer."""
    actor = actor_of(request)
    row = selectors.recommendation_get(
        actor=actor, pk=recommendation_id, action=Action.RECOMMENDATION_CLOSE
    )
    row = services.recommendation_close(
        actor=actor, recommendation=row, follow_up=payload.follow_up, closed_on=payload.closed_on
    )
    return recommendation_out(row)


def _seating_board(request: HttpRequest, board_id: int) -> InspectionBoard:
    """The board, if the person may seat members on it (404 for another commune's, 403)."""
    board = InspectionBoard.objects.select_related("commune").filter(pk=board_id).first()
    if board is None:
        raise NotFound(_("Not found."), code="not_found")
    services.require_seater(actor_of(request), board.commune)
    return board


@router.get(
    "/inspection-boards/{board_id}/elections-to-seat",
    response=with_errors({200: list[ElectionToSeatOut]}),
    operation_id="inspection_board_elections_to_seat",
)
def elections_to_seat(request: HttpRequest, board_id: int = IdPath) -> Any:
    """The villages' board-member elections, adopted and recognised by the commune Fatherland
    Front (Law 10/2022 Art. 15(5), 21(2)), decided within the board's term and not yet seated
    (constant queries, whatever their number)."""
    board = _seating_board(request, board_id)
    pending = selectors.board_elections_to_seat(board.commune, board)
    return [election_to_seat_out(e.matter_village, e.decided_on) for e in pending]


@router.get(
    "/inspection-boards/{board_id}/elections-to-seat/{matter_village_id}",
    response=with_errors({200: ElectionToSeatDetailOut}),
    operation_id="inspection_board_election_to_seat",
)
def election_to_seat(
    request: HttpRequest, board_id: int = IdPath, matter_village_id: int = IdPath
) -> Any:
    """One election awaiting its seats: the candidates elected, best first, each with the
    village's residents bearing that name — the ``candidate_id`` and ``resident_id`` to post to
    ``members/from-election``. 404 when it does not await its seats on this board."""
    board = _seating_board(request, board_id)
    pending = selectors.board_elections_to_seat(board.commune, board)
    found = next((e for e in pending if e.matter_village.pk == matter_village_id), None)
    if found is None:
        raise NotFound(_("Not found."), code="not_found")
    mv = found.matter_village
    election = decisions.board_election(mv)
    namesakes = selectors.namesakes(mv.village_id, [o.label for o in election.elected])
    return {
        **election_to_seat_out(mv, found.decided_on),
        "term_ends_on": board.term_ends_on,
        "elected": [
            {
                "candidate_id": o.pk,
                "name": o.label,
                "namesakes": [
                    {
                        "resident_id": r.pk,
                        "full_name": r.full_name,
                        "household_code": r.household.code,
                    }
                    for r in namesakes.get(o.label, [])
                ],
            }  # fmt: skip
            for o in election.elected
        ],
    }


@router.post(
    "/inspection-boards/{board_id}/members/from-election",
    response=with_errors({201: list[InspectionMemberOut]}),
    operation_id="inspection_members_seat_from_election",
)
def inspection_members_seat_from_election(
    request: HttpRequest, payload: SeatFromElectionIn, board_id: int = IdPath
) -> Any:
    """Seat on the board the candidates a village elected, once the commune Fatherland Front
    recognised the election (Law 10/2022 Art. 15(5), 21(2), 36): each seat dated the decision
    day and ending with the board's term. 422 with field errors (``matter_village``: not
    recognised, not adopted, another commune, already seated; ``board``: its term ended;
    ``resident_<candidate_id>``: not of the village, the same person twice, not eligible);
    403 without the right in the commune; 404 for another commune's board."""
    actor = actor_of(request)
    board = _seating_board(request, board_id)
    residents: dict[int, int] = {}
    for seat in payload.seats:
        if seat.candidate_id in residents:
            raise ValidationFailed(
                _("Please correct the errors below."), code="invalid",
                fields={"seats": [_("Each elected candidate once.")]},
            )  # fmt: skip
        residents[seat.candidate_id] = seat.resident_id
    members = services.inspection_members_seat_from_election(
        actor=actor, commune=board.commune, board=board,
        matter_village=payload.matter_village_id, residents=residents,
    )  # fmt: skip
    return 201, [inspection_member_out(m) for m in members]
