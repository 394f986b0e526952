"""``/api/v1/`` for the review reports: the reports of a commune or a province, one report with
its figures snapshot, and its documents.

Reviews are internal papers of the People's Committee: every operation needs REVIEW_VIEW in
the unit's scope (another unit's reports answer 404). Readers without the right to the
non-public indicators get the snapshot without them. The documents (DOCX, PDF) are served to
token holders by ``GET /reviews/{id}/docx`` and ``/pdf``, from the same builders as the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from danchu.accounts.permissions import Action
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, ErrorOut, PageParams, paginate, with_errors
from danchu.core.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.reporting import review_selectors as selectors
from danchu.reporting import reviews
from danchu.reporting.models import ReviewReport
from danchu.reporting.periods import Period, PeriodError
from danchu.reporting.review_documents import (
    DocumentUnavailable,
    document_filename,
    review_docx,
    review_pdf,
)
from danchu.territory.schemas import CODE_PATTERN, _Input

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


class ReviewTextIn(_Input):
    """What officials write on a draft; a field left out keeps its value."""

    title: str | None = Field(None, max_length=300)
    results: str | None = Field(None, max_length=reviews.NARRATIVE_MAX)
    limitations: str | None = Field(None, max_length=reviews.NARRATIVE_MAX)
    lessons: str | None = Field(None, max_length=reviews.NARRATIVE_MAX)
    next_tasks: str | None = Field(None, max_length=reviews.NARRATIVE_MAX)
    recommendations: str | None = Field(None, max_length=reviews.NARRATIVE_MAX)
    recipients: str | None = Field(None, max_length=2_000, description="One recipient a line.")
    place: str | None = Field(None, max_length=200)
    signer_authority: str | None = Field(None, max_length=100)
    signer_title: str | None = Field(None, max_length=100)
    signer_name: str | None = Field(None, max_length=200)


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
         "url": reverse("api:review_document_" + ext, kwargs={"review_id": report.pk})}
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


def _create(request: HttpRequest, level: str, code: str, payload: ReviewCreateIn) -> dict[str, Any]:
    actor = actor_of(request)
    unit = selectors.unit_for_actor(actor, level, code, Action.REVIEW_WRITE)
    try:
        period = Period.parse(payload.period)
    except PeriodError as error:
        raise ValidationFailed(str(error), fields={"period": [str(error)]}) from error
    report = reviews.review_create(actor=actor, unit=unit, kind=payload.kind, period=period)
    return _detail(report, public_only=selectors.public_view(actor, report))


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
    return 201, _create(request, "xa", code, payload)


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


@router.post(
    "/provinces/{code}/reviews",
    response=with_errors({201: ReviewReportDetailOut}),
    operation_id="review_create_province",
)
def review_create_province(
    request: HttpRequest, payload: ReviewCreateIn, code: str = CodePath
) -> tuple[int, dict[str, Any]]:
    """A draft review of the province (its People's Committee issues it) with the figures
    computed now and the table by commune (REVIEW_WRITE in the province); 422 with a field
    error for a period that cannot be read or does not fit the kind."""
    return 201, _create(request, "tinh", code, payload)


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


@router.patch(
    "/reviews/{review_id}",
    response=with_errors({200: ReviewReportDetailOut}),
    operation_id="review_update",
)
def review_update(
    request: HttpRequest, payload: ReviewTextIn, review_id: int = IdPath
) -> dict[str, Any]:
    """Write the draft's title, narrative sections, recipients and signature block
    (REVIEW_WRITE); the fields left out keep their value. 409 once issued (frozen), 422 with
    field errors (an empty title or place, control characters)."""
    actor = actor_of(request)
    report = selectors.review_get(actor, review_id, Action.REVIEW_WRITE)
    current = {name: getattr(report, name) for name in reviews.ReviewText.__dataclass_fields__}
    given = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    report = reviews.review_update(
        actor=actor, report=report, text=reviews.ReviewText(**{**current, **given})
    )
    return _detail(report, public_only=selectors.public_view(actor, report))


@router.post(
    "/reviews/{review_id}/refresh",
    response=with_errors({200: ReviewReportDetailOut}),
    operation_id="review_refresh",
)
def review_refresh(request: HttpRequest, review_id: int = IdPath) -> dict[str, Any]:
    """Compute the draft's figures, tasks and awards again from today's data (REVIEW_WRITE);
    409 once issued."""
    actor = actor_of(request)
    report = selectors.review_get(actor, review_id, Action.REVIEW_WRITE)
    report = reviews.review_refresh(actor=actor, report=report)
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


class DocumentsUnavailable(ApplicationError):
    """The PDF engine cannot run on this server (503)."""

    status = 503


def _binary(content_type: str, description: str) -> dict[str, Any]:
    """The OpenAPI answer of a file download: the bytes, described as a binary string."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def _file(report: ReviewReport, ext: str, data: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{document_filename(report, ext)}"'
    return response


@router.get(
    "/reviews/{review_id}/docx",
    response=with_errors({}),
    operation_id="review_document_docx",
    url_name="review_document_docx",
    openapi_extra=_binary(DOCX_CONTENT_TYPE, "The report as DOCX (NĐ 30/2020 Annex I)."),
)
def review_document_docx(request: HttpRequest, review_id: int = IdPath) -> HttpResponse:
    """The report as DOCX, printed from its stored text and figures snapshot (identical bytes
    for an issued report whatever the data do later); a draft carries "DỰ THẢO". Readers
    without the right to the non-public indicators get a copy without them."""
    actor = actor_of(request)
    report = selectors.review_get(actor, review_id)
    data = review_docx(report, public_only=selectors.public_view(actor, report))
    return _file(report, "docx", data, DOCX_CONTENT_TYPE)


@router.get(
    "/reviews/{review_id}/pdf",
    response=with_errors({503: ErrorOut}),
    operation_id="review_document_pdf",
    url_name="review_document_pdf",
    openapi_extra=_binary(PDF_CONTENT_TYPE, "The report as PDF (NĐ 30/2020 Annex I)."),
)
def review_document_pdf(request: HttpRequest, review_id: int = IdPath) -> HttpResponse:
    """The report as PDF, as the DOCX; 503 where the PDF engine cannot run on the server."""
    actor = actor_of(request)
    report = selectors.review_get(actor, review_id)
    try:
        data = review_pdf(report, public_only=selectors.public_view(actor, report))
    except DocumentUnavailable as error:
        raise DocumentsUnavailable(
            _("PDF documents cannot be made on this server for now."), code="unavailable"
        ) from error
    return _file(report, "pdf", data, PDF_CONTENT_TYPE)
