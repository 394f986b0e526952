"""API schemas of the disclosure register (Law 10/2022/QH15 Art. 11–14).

Inputs are JSON objects bounded like the services' own limits, so that a well-formed request
reaches the service and the service's field errors answer the rest. Outputs are built by the
``*_out`` functions from rows the handlers loaded (no query inside them).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from danchu.disclosure.exports import outcome_label
from danchu.disclosure.models import (
    Attachment,
    Disclosure,
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
)
from danchu.disclosure.rules import Category, Channel
from danchu.disclosure.selectors import Compliance, RequirementStatus
from danchu.territory.schemas import NAME_PATTERN, TEXT_PATTERN, SearchText, _Input

__all__ = [
    "AttachmentOut",
    "ComplianceOut",
    "DisclosureDetailOut",
    "DisclosureFilters",
    "DisclosureIn",
    "DisclosureOut",
    "DisclosurePage",
    "InformationRequestAnswerIn",
    "InformationRequestFilters",
    "InformationRequestIn",
    "InformationRequestOut",
    "InformationRequestPage",
    "RecordFilters",
    "RecordIn",
    "RecordOut",
    "RecordPage",
    "RequirementOut",
    "VersionOut",
    "VersionPage",
    "attachment_out",
    "compliance_out",
    "disclosure_out",
    "information_request_out",
    "record_out",
    "version_out",
]

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
# Free text that may span lines (a body, a message): no control characters but line breaks/tabs.
MULTILINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
# A text that must say something: at least one visible character, no control characters.
ANSWER_PATTERN = (
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` (pydantic alone would also read ``0`` as 1 January 1970)."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
# Literals rather than the models' TextChoices: two enums both named "Status" would share one
# OpenAPI component.
DisclosureStatus = Literal["draft", "published", "withdrawn"]
RequestStatus = Literal["open", "answered"]


# ---------------------------------------------------------------------------------------------
# Inputs


class DisclosureFilters(Schema):
    category: Category | None = Field(None, description="Art. 11 clause (1–14).")
    village_id: Id | None = Field(None, description="Disclosures for this village (and the "
                                  "whole commune).")  # fmt: skip
    date_from: IsoDate | None = Field(None, description="Published on or after this day.")
    date_to: IsoDate | None = Field(None, description="Published on or before this day.")
    q: SearchText = None


class DisclosureIn(_Input):
    """The content of a version (a draft is edited in place; a published one gets a new version)."""

    category: Category = Field(..., description="Art. 11 clause (1–14).")
    title: str = Field(..., min_length=1, max_length=300, pattern=NAME_PATTERN)
    summary: str = Field("", max_length=2000, pattern=MULTILINE_PATTERN)
    body: str = Field("", max_length=50_000, pattern=MULTILINE_PATTERN)
    source_document: str = Field(
        ..., min_length=1, max_length=300, pattern=NAME_PATTERN,
        description="The decision or document published, e.g. Quyết định số 12/QĐ-UBND.",
    )  # fmt: skip
    source_issued_on: IsoDate = Field(..., description="Its issue date (not in the future).")
    sector_rule: str = Field("", max_length=300, pattern=TEXT_PATTERN)
    sector_deadline: IsoDate | None = Field(
        None, description="Deadline set by the sector rule (Art. 12(3)); else 5 working days."
    )
    village_ids: list[Id] = Field(
        default_factory=list, max_length=500, description="Empty: the whole commune."
    )
    change_note: str = Field(
        "", max_length=2000, pattern=MULTILINE_PATTERN,
        description="What changed (required when changing a published disclosure).",
    )  # fmt: skip


class RecordFilters(Schema):
    version: Id | None = Field(None, description="Only this version's records.")


class RecordIn(_Input):
    """One act of publishing (proofs are uploaded on the web page)."""

    channel: Channel
    village_id: Id | None = Field(None, description="For village channels only.")
    started_on: IsoDate
    ended_on: IsoDate | None = Field(None, description="The last day it was up; empty: still up.")
    performed_by: str = Field("", max_length=200, pattern=TEXT_PATTERN)
    note: str = Field("", max_length=500, pattern=TEXT_PATTERN)


class InformationRequestFilters(Schema):
    commune: str | None = Field(None, pattern=r"^[0-9]{1,10}$", description="Commune code.")
    status: RequestStatus | None = None


class InformationRequestIn(_Input):
    subject: str = Field(..., min_length=1, max_length=300, pattern=NAME_PATTERN)
    message: str = Field(..., min_length=1, max_length=5000, pattern=ANSWER_PATTERN)
    reason: InformationRequest.Reason
    disclosure_id: Id | None = Field(None, description="A published disclosure it is about.")


class InformationRequestAnswerIn(_Input):
    answer: str = Field(..., min_length=1, max_length=10_000, pattern=ANSWER_PATTERN)


# ---------------------------------------------------------------------------------------------
# Outputs


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    download_url: str


class RecordOut(Schema):
    id: int
    version: int
    channel: Channel
    channel_label: str
    village_id: int | None
    village_name: str | None
    started_on: date
    ended_on: date | None
    performed_by: str
    note: str
    proofs: list[AttachmentOut]


class DisclosureOut(Schema):
    id: int
    commune_code: str
    status: DisclosureStatus
    category: int
    category_label: str
    title: str
    summary: str
    source_document: str
    source_issued_on: date
    version: int
    all_villages: bool
    first_published_at: datetime | None
    published_at: datetime | None
    url: str | None = Field(description="The public page (published disclosures).")


class DisclosureDetailOut(DisclosureOut):
    body: str
    version_published_at: datetime | None = Field(description="None: this version is a draft.")
    public_version: int | None
    has_pending_change: bool
    duty_starts_on: date
    deadline: date
    sector_rule: str
    sector_deadline: date | None
    change_note: str
    village_ids: list[int]
    attachments: list[AttachmentOut]
    records: list[RecordOut]


class DisclosurePage(Schema):
    count: int
    items: list[DisclosureOut]


class VersionOut(Schema):
    number: int
    category: int
    category_label: str
    title: str
    summary: str
    body: str
    source_document: str
    source_issued_on: date
    duty_starts_on: date
    deadline: date
    all_villages: bool
    change_note: str
    published_at: datetime | None


class VersionPage(Schema):
    count: int
    items: list[VersionOut]


class RecordPage(Schema):
    count: int
    items: list[RecordOut]


class RequirementOut(Schema):
    channel: Channel
    channel_label: str
    village_id: int | None
    village_name: str | None
    min_days: int | None
    permanent: bool
    outcome: str
    outcome_label: str
    first_started_on: date | None
    longest_days: int
    late: bool
    record_ids: list[int]


class ComplianceOut(Schema):
    version: int
    deadline: date
    published_at: datetime | None
    on_time: bool | None = Field(description="None while the duty is still running.")
    complete: bool
    done: int
    problems: int
    requirements: list[RequirementOut]
    extra_record_ids: list[int]


class InformationRequestOut(Schema):
    id: int
    commune_code: str
    requester_name: str
    disclosure_id: int | None
    subject: str
    message: str
    reason: InformationRequest.Reason
    reason_label: str
    status: RequestStatus
    status_label: str
    received_at: datetime
    due_on: date
    answer: str
    answered_at: datetime | None


class InformationRequestPage(Schema):
    count: int
    items: list[InformationRequestOut]


def attachment_out(attachment: Attachment, *, base: Any) -> dict[str, Any]:
    """``base`` builds absolute URLs (``request.build_absolute_uri``)."""
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "download_url": base(reverse("disclosure:attachment", args=[attachment.pk])),
    }


def record_out(
    record: PublishingRecord, *, number: int, village_name: str | None, base: Any
) -> dict[str, Any]:
    return {
        "id": record.pk,
        "version": number,
        "channel": record.channel,
        "channel_label": str(Channel(record.channel).label),
        "village_id": record.village_id,
        "village_name": village_name,
        "started_on": record.started_on,
        "ended_on": record.ended_on,
        "performed_by": record.performed_by,
        "note": record.note,
        "proofs": [attachment_out(p, base=base) for p in record.proofs.all()],
    }


def disclosure_out(
    disclosure: Disclosure, version: DisclosureVersion, *, commune_code: str, base: Any
) -> dict[str, Any]:
    published = disclosure.status == Disclosure.Status.PUBLISHED
    return {
        "id": disclosure.pk,
        "commune_code": commune_code,
        "status": disclosure.status,
        "category": version.category,
        "category_label": str(Category(version.category).label),
        "title": version.title,
        "summary": version.summary,
        "source_document": version.source_document,
        "source_issued_on": version.source_issued_on,
        "version": version.number,
        "all_villages": version.all_villages,
        "first_published_at": disclosure.first_published_at,
        "published_at": disclosure.published_at,
        "url": base(reverse("disclosure:public_detail", args=[commune_code, disclosure.pk]))
        if published
        else None,
    }


def version_out(version: DisclosureVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "category": version.category,
        "category_label": str(Category(version.category).label),
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "source_document": version.source_document,
        "source_issued_on": version.source_issued_on,
        "duty_starts_on": version.duty_starts_on,
        "deadline": version.deadline,
        "all_villages": version.all_villages,
        "change_note": version.change_note,
        "published_at": version.published_at,
    }


def _requirement_out(status: RequirementStatus) -> dict[str, Any]:
    requirement, evaluation = status.requirement, status.evaluation
    return {
        "channel": requirement.channel,
        "channel_label": status.channel_label,
        "village_id": requirement.village_id,
        "village_name": status.village.name if status.village is not None else None,
        "min_days": requirement.min_days,
        "permanent": requirement.permanent,
        "outcome": str(evaluation.outcome),
        "outcome_label": outcome_label(evaluation.outcome),
        "first_started_on": evaluation.first_started_on,
        "longest_days": evaluation.longest_days,
        "late": evaluation.late,
        "record_ids": [r.pk for r in status.records],
    }


def compliance_out(compliance: Compliance) -> dict[str, Any]:
    version = compliance.version
    return {
        "version": version.number,
        "deadline": version.deadline,
        "published_at": version.published_at,
        "on_time": compliance.on_time,
        "complete": compliance.complete,
        "done": compliance.done,
        "problems": compliance.problems,
        "requirements": [_requirement_out(s) for s in compliance.statuses],
        "extra_record_ids": [r.pk for r in compliance.extra_records],
    }


def information_request_out(request: InformationRequest, *, commune_code: str) -> dict[str, Any]:
    requester = request.requester
    return {
        "id": request.pk,
        "commune_code": commune_code,
        "requester_name": requester.full_name or requester.get_username(),
        "disclosure_id": request.disclosure_id,
        "subject": request.subject,
        "message": request.message,
        "reason": request.reason,
        "reason_label": str(request.get_reason_display()),
        "status": request.status,
        "status_label": str(request.get_status_display()),
        "received_at": request.received_at,
        "due_on": request.due_on,
        "answer": request.answer,
        "answered_at": request.answered_at,
    }
