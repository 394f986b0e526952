"""API schemas of the oversight boards (Law 10/2022/QH15 Art. 30–45).

Outputs are built by the ``*_out`` functions from rows the handlers loaded with their
relations (no query inside them). Concerns' senders never appear in any output.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from ninja import Field, Schema

from danchu.disclosure.schemas import ANSWER_PATTERN, IsoDate
from danchu.oversight import services
from danchu.oversight.models import (
    Inspection,
    InspectionBoardMember,
    Recommendation,
    SupervisedWork,
)
from danchu.oversight.selectors import Counts
from danchu.territory.schemas import _Input

__all__ = [
    "ElectionToSeatDetailOut",
    "ElectionToSeatOut",
    "InspectionMemberOut",
    "SeatFromElectionIn",
    "election_to_seat_out",
    "inspection_member_out",
    "RecommendationAnswerIn",
    "CloseIn",
    "OversightFiguresOut",
    "FiguresQuery",
    "RecommendationFilters",
    "RecommendationOut",
    "RecommendationPage",
    "WorkDetailOut",
    "WorkOut",
    "WorkPage",
    "recommendation_out",
    "work_detail_out",
    "work_out",
]

# Literals rather than the models' TextChoices: several enums named "Status" would share one
# OpenAPI component.
RecommendationStatus = Literal["open", "answered", "closed"]
WorkStatus = Literal["planned", "in_progress", "completed"]
BoardName = Literal["inspection", "supervision"]


class RecommendationFilters(Schema):
    status: RecommendationStatus | None = Field(None, description="Only this status.")


class FiguresQuery(Schema):
    first: IsoDate = Field(..., description="First day of the period (inclusive).")
    last: IsoDate = Field(..., description="Last day of the period (inclusive).")


class RecommendationAnswerIn(_Input):
    answer: str = Field(..., min_length=1, max_length=services.LONG_MAX, pattern=ANSWER_PATTERN)
    answered_on: IsoDate = Field(..., description="The day the commune answered (not future).")


class CloseIn(_Input):
    follow_up: str = Field(..., min_length=1, max_length=services.LONG_MAX, pattern=ANSWER_PATTERN)
    closed_on: IsoDate


Pk = Field(..., ge=1, le=2**31 - 1)


class ElectedSeatIn(_Input):
    candidate_id: int = Pk
    resident_id: int = Pk


class SeatFromElectionIn(_Input):
    matter_village_id: int = Field(
        ..., ge=1, le=2**31 - 1,
        description="The village's recognised board-member election (a matter village).",
    )  # fmt: skip
    seats: list[ElectedSeatIn] = Field(
        ..., max_length=100,
        description="For each elected candidate, the resident of the village who is that person.",
    )  # fmt: skip


class ElectionToSeatOut(Schema):
    matter_village_id: int
    matter_id: int
    title: str
    village_id: int
    village_name: str
    decided_on: date | None = Field(description="The meeting, or the ballot's deadline.")
    recognised_on: date | None = Field(description="The commune Fatherland Front's recognition.")


class NamesakeOut(Schema):
    resident_id: int
    full_name: str
    household_code: str


class ElectedOut(Schema):
    candidate_id: int
    name: str
    namesakes: list[NamesakeOut] = Field(
        description="The village's residents bearing the candidate's name (diacritics ignored)."
    )


class ElectionToSeatDetailOut(ElectionToSeatOut):
    term_ends_on: date = Field(description="The seats end with the board's term (Art. 36(2)).")
    elected: list[ElectedOut] = Field(description="Best first.")


def election_to_seat_out(mv: Any, decided_on: date | None) -> dict[str, Any]:
    return {
        "matter_village_id": mv.pk, "matter_id": mv.matter_id, "title": mv.matter.title,
        "village_id": mv.village_id, "village_name": mv.village.name, "decided_on": decided_on,
        "recognised_on": mv.recognition_on,
    }  # fmt: skip


class InspectionMemberOut(Schema):
    id: int
    board_id: int
    full_name: str
    village_id: int
    resident_id: int
    position: str
    elected_on: date
    election_matter_id: int | None
    front_recognised_on: date | None
    by_election: bool
    left_on: date | None
    term_ends_on: date = Field(description="The seat ends with the board's term (Art. 36(2)).")


def inspection_member_out(member: InspectionBoardMember) -> dict[str, Any]:
    return {
        "id": member.pk, "board_id": member.board_id, "full_name": member.full_name,
        "village_id": member.village_id, "resident_id": member.resident_id,
        "position": member.position, "elected_on": member.elected_on,
        "election_matter_id": member.election_matter_id,
        "front_recognised_on": member.front_recognised_on, "by_election": member.by_election,
        "left_on": member.left_on, "term_ends_on": member.term_ends_on,
    }  # fmt: skip


class SourceOut(Schema):
    kind: str
    amount_vnd: int


class MilestoneOut(Schema):
    title: str
    due_on: date
    done_on: date | None


class WorkOut(Schema):
    id: int
    name: str
    investor: str
    contractor: str
    location: str
    budget_vnd: int
    starts_on: date
    ends_on: date
    status: WorkStatus
    progress_percent: int
    villages: list[str]


class WorkPage(Schema):
    count: int
    items: list[WorkOut]


class RecommendationOut(Schema):
    id: int
    board: BoardName
    work_id: int | None
    content: str
    suspend_works: bool
    votes_for: int
    members_total: int
    received_on: date
    due_on: date
    status: RecommendationStatus
    answer: str
    answered_on: date | None
    answered_in_time: bool | None
    escalated_on: date | None
    follow_up: str
    closed_on: date | None


class RecommendationPage(Schema):
    count: int
    items: list[RecommendationOut]


class BoardMemberOut(Schema):
    full_name: str
    represents: str
    position: str


class FindingOut(Schema):
    id: int
    subject: str
    carried_out_on: date | None
    findings: str
    checklist: list[dict[str, Any]]


class DocumentOut(Schema):
    kind: str
    requested_on: date
    received_on: date | None


class WorkDetailOut(WorkOut):
    description: str
    sources: list[SourceOut]
    milestones: list[MilestoneOut]
    documents: list[DocumentOut]
    plan_sent_on: date | None
    supervision_starts_on: date | None
    board_established_on: date | None
    board_dissolved_on: date | None
    board: list[BoardMemberOut]
    findings: list[FindingOut]
    recommendations: list[RecommendationOut]


class CountsOut(Schema):
    inspections: int
    recommendations: int
    answered_on_time: int
    overdue: int
    pending: int


class OversightFiguresOut(Schema):
    first: date
    last: date
    as_of: date
    total: CountsOut
    by_village: dict[int, CountsOut]
    commune_wide: CountsOut


def counts_out(counts: Counts) -> dict[str, int]:
    return {
        "inspections": counts.inspections,
        "recommendations": counts.recommendations,
        "answered_on_time": counts.answered_on_time,
        "overdue": counts.overdue,
        "pending": counts.pending,
    }


def work_out(work: SupervisedWork) -> dict[str, Any]:
    return {
        "id": work.pk, "name": work.name, "investor": work.investor,
        "contractor": work.contractor, "location": work.location,
        "budget_vnd": work.budget_vnd, "starts_on": work.starts_on, "ends_on": work.ends_on,
        "status": work.status, "progress_percent": work.progress_percent,
        "villages": [v.name for v in work.villages.all()],
    }  # fmt: skip


def recommendation_out(row: Recommendation) -> dict[str, Any]:
    return {
        "id": row.pk, "board": row.board_kind, "work_id": row.work_id, "content": row.content,
        "suspend_works": row.suspend_works, "votes_for": row.votes_for,
        "members_total": row.members_total, "received_on": row.received_on,
        "due_on": row.due_on, "status": row.status, "answer": row.answer,
        "answered_on": row.answered_on, "answered_in_time": row.answered_in_time,
        "escalated_on": row.escalated_on, "follow_up": row.follow_up,
        "closed_on": row.closed_on,
    }  # fmt: skip


def _finding_out(row: Inspection) -> dict[str, Any]:
    return {
        "id": row.pk, "subject": row.subject, "carried_out_on": row.carried_out_on,
        "findings": row.findings, "checklist": row.checklist,
    }  # fmt: skip


def work_detail_out(work: SupervisedWork) -> dict[str, Any]:
    board = getattr(work, "supervision_board", None)
    data = work_out(work)
    data.update(
        description=work.description,
        sources=[{"kind": s.kind, "amount_vnd": s.amount_vnd} for s in work.sources.all()],
        milestones=[
            {"title": m.title, "due_on": m.due_on, "done_on": m.done_on}
            for m in work.milestones.all()
        ],
        documents=[
            {"kind": d.kind, "requested_on": d.requested_on, "received_on": d.received_on}
            for d in work.documents.all()
        ],
        plan_sent_on=work.plan_sent_on,
        supervision_starts_on=work.supervision_starts_on,
        board_established_on=board.established_on if board else None,
        board_dissolved_on=board.dissolved_on if board else None,
        board=[
            {"full_name": m.full_name, "represents": m.represents, "position": m.position}
            for m in (board.members.all() if board else [])
        ],
        findings=[_finding_out(i) for i in work.inspections.all()],
        recommendations=[recommendation_out(r) for r in work.recommendations.all()],
    )
    return data
