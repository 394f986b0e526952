"""``/api/v1/`` for the review reports: the reports of a commune or a province, one report with
its figures snapshot, and its documents.

Reviews are internal papers of the People's Committee: every operation needs REVIEW_VIEW in
the unit's scope (another unit's reports answer 404). Readers without the right to the
non-public indicators get the snapshot without them. The documents themselves (DOCX, PDF) are
served by the back-office pages; the API lists their addresses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema

from danchu.accounts.permissions import Action
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.core.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from danchu.core.errors import ValidationFailed
from danchu.reporting import review_selectors as selectors
from danchu.reporting import reviews
from danchu.reporting.models import ReviewReport
from danchu.reporting.periods import Period, PeriodError
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["reviews"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


class ReviewReportOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    kind: str
    period_first: date
    period_last: date
    status: str
    reference: str = Field(description="Number and symbol, e.g. 05/BC-UBND; empty for a draft.")
    issued_on: date | None
    title: str


class ReviewReportPage(Schema):
    count: int
    items: list[ReviewReportOut]


class ReviewIndicatorOut(Schema):
    code: str
    pillar: str
    name: str
    measure: str
    value: int | float | None = Field(description="Integer; a rate as a percentage.")
    display: str
    previous: int | float | None
    previous_display: str


class ReviewChildOut(Schema):
    name: str
    values: dict[str, int]


class ReviewTaskOut(Schema):
    title: str
    assignees: str
    deadline: date | None
    status: str
    overdue: bool
    progress: str


class ReviewAwardOut(Schema):
    kind: str
    recipient: str
    decision: str
    awarded_on: date


class ReviewDocumentOut(Schema):
    format: str
    content_type: str
    url: str


class ReviewReportDetailOut(ReviewReportOut):
    issuer_name: str
    place: str
    results: str
    limitations: str
    lessons: str
    next_tasks: str
    recommendations: str
    recipients: list[str]
    signer_authority: str
    signer_title: str
    signer_name: str
    figures_at: datetime | None
    previous_period: str
    figures: list[ReviewIndicatorOut]
    child_level: str
    children: list[ReviewChildOut]
    key_tasks: list[ReviewTaskOut]
    next_period_tasks: list[ReviewTaskOut]
    awards: list[ReviewAwardOut]
    documents: list[ReviewDocumentOut]


class ReviewCreateIn(Schema):
    kind: Literal["half_year", "annual", "five_year", "other"]
    period: str = Field(
        ..., max_length=40, examples=["2026-H1"],
        description="2026-H1, 2026, 2021-2026, 2026-Q2, 2026-05 or 2026-01-01..2026-06-30.",
    )  # fmt: skip


class ReviewIssueIn(Schema):
    issued_on: date | None = Field(None, description="Empty: today.")


def _out(report: ReviewReport) -> dict[str, Any]:
    return {
        "id": report.pk, "unit_code": report.unit.code, "unit_name": report.unit.name,
        "kind": report.kind, "period_first": report.period_first,
        "period_last": report.period_last, "status": report.status,
        "reference": report.reference, "issued_on": report.issued_on, "title": report.title,
    }  # fmt: skip


def _documents(report: ReviewReport) -> list[dict[str, str]]:
    return [
        {"format": ext, "content_type": content_type,
         "url": reverse("reporting:review_document", args=[report.pk, ext])}
        for ext, content_type in (("docx", DOCX_CONTENT_TYPE), ("pdf", PDF_CONTENT_TYPE))
    ]  # fmt: skip


def _detail(report: ReviewReport, *, public_only: bool) -> dict[str, Any]:
    snapshot = report.snapshot or {}
    indicators = selectors.visible_indicators(snapshot, public_only=public_only)
    return {
        **_out(report),
        "issuer_name": report.issuer_name, "place": report.place, "results": report.results,
        "limitations": report.limitations, "lessons": report.lessons,
        "next_tasks": report.next_tasks, "recommendations": report.recommendations,
        "recipients": [r.strip() for r in report.recipients.splitlines() if r.strip()],
        "signer_authority": report.signer_authority, "signer_title": report.signer_title,
        "signer_name": report.signer_name, "figures_at": report.figures_at,
        "previous_period": snapshot.get("previous", {}).get("key", ""),
        "figures": indicators,
        "child_level": snapshot.get("child_level", ""),
        "children": [{"name": c["name"], "values": c["values"]}
                     for c in snapshot.get("children", [])],
        "key_tasks": snapshot.get("tasks", []),
        "next_period_tasks": snapshot.get("next_tasks", []),
        "awards": snapshot.get("awards", []),
        "documents": _documents(report),
    }  # fmt: skip


def _list(request: HttpRequest, level: str, code: str, page: PageParams) -> dict[str, Any]:
    actor = actor_of(request)
    unit = selectors.unit_for_actor(actor, level, code, Action.REVIEW_VIEW)
    count, items = paginate(selectors.reviews_of_unit(actor, unit), page)
    return {"count": count, "items": [_out(r) for r in items]}


@router.get(
    "/communes/{code}/reviews",
    response=with_errors({200: ReviewReportPage}),
    operation_id="review_list_commune",
)
def review_list_commune(
    request: HttpRequest, page: Query[PageParams], code: str = CodePath
) -> dict[str, Any]:
    """The commune's review reports (drafts included), newest period first."""
    return _list(request, "xa", code, page)


@router.post(
    "/communes/{code}/reviews",
    response=with_errors({201: ReviewReportDetailOut}),
    operation_id="review_create_commune",
)
def review_create_commune(
    request: HttpRequest, payload: ReviewCreateIn, code: str = CodePath
) -> tuple[int, dict[str, Any]]:
    """A draft review of the commune with the figures computed now (REVIEW_WRITE); 422 with a
    field error for a period that cannot be read or does not fit the kind."""
    actor = actor_of(request)
    unit = selectors.unit_for_actor(actor, "xa", code, Action.REVIEW_WRITE)
    try:
        period = Period.parse(payload.period)
    except PeriodError as error:
        raise ValidationFailed(str(error), fields={"period": [str(error)]}) from error
    report = reviews.review_create(actor=actor, unit=unit, kind=payload.kind, period=period)
    return 201, _detail(report, public_only=selectors.public_view(actor, report))


@router.get(
    "/provinces/{code}/reviews",
    response=with_errors({200: ReviewReportPage}),
    operation_id="review_list_province",
)
def review_list_province(
    request: HttpRequest, page: Query[PageParams], code: str = CodePath
) -> dict[str, Any]:
    """The province's own review reports, newest period first."""
    return _list(request, "tinh", code, page)


@router.get(
    "/reviews/{review_id}",
    response=with_errors({200: ReviewReportDetailOut}),
    operation_id="review_get",
)
def review_get(request: HttpRequest, review_id: int = IdPath) -> dict[str, Any]:
    """One report with its text and its figures snapshot (frozen once issued)."""
    actor = actor_of(request)
    report = selectors.review_get(actor, review_id)
    return _detail(report, public_only=selectors.public_view(actor, report))


@router.post(
    "/reviews/{review_id}/issue",
    response=with_errors({200: ReviewReportDetailOut}),
    operation_id="review_issue",
)
def review_issue(
    request: HttpRequest, payload: ReviewIssueIn, review_id: int = IdPath
) -> dict[str, Any]:
    """Number, date and freeze the report (REVIEW_ISSUE); 409 once issued, 422 for a date in
    the future, before the period, or before the issuer's last report of the year."""
    actor = actor_of(request)
    report = selectors.review_get(actor, review_id, Action.REVIEW_ISSUE)
    report = reviews.review_issue(actor=actor, report=report, issued_on=payload.issued_on)
    return _detail(report, public_only=selectors.public_view(actor, report))


@router.get(
    "/reviews/{review_id}/documents",
    response=with_errors({200: list[ReviewDocumentOut]}),
    operation_id="review_documents",
)
def review_documents(request: HttpRequest, review_id: int = IdPath) -> list[dict[str, str]]:
    """The report's documents (DOCX and PDF in the NĐ 30/2020 format) and where to get them."""
    report = selectors.review_get(actor_of(request), review_id)
    return _documents(report)
