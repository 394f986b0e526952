"""API schemas of consultations, sections, opinions and the synthesis (Law 10/2022 Art. 25–28).

Inputs are bounded like the services' limits so that a well-formed request reaches the service,
whose field errors answer the rest. Outputs are built from loaded rows (no query inside).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from danchu.consultation import services
from danchu.consultation.models import Consultation, Opinion, OpinionGroup, Section
from danchu.disclosure.schemas import MULTILINE_PATTERN, IsoDate
from danchu.territory.schemas import NAME_PATTERN, TEXT_PATTERN, _Input

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
# Literals rather than the models' TextChoices (two enums named "Status" would share a component).
ConsultationStatus = Literal["draft", "open", "closed", "answered"]
FormName = Literal["web", "meeting", "dialogue", "household_form", "box", "organisation", "telecom"]
OutcomeName = Literal["pending", "accepted", "not_accepted"]
REFERENCE_PATTERN = r"^[A-Za-z0-9 -]{1,20}$"


class ConsultationIn(_Input):
    """A consultation on a draft (a draft itself until published)."""

    category: int = Field(..., ge=1, le=9, description="Law 10/2022 Art. 25 clause (1–9).")
    title: str = Field(..., min_length=1, max_length=services.TITLE_MAX, pattern=NAME_PATTERN)
    plan_document: str = Field(
        ..., min_length=1, max_length=300, pattern=NAME_PATTERN,
        description="The consultation plan or the draft's document (Art. 28(1)).",
    )  # fmt: skip
    plan_issued_on: IsoDate = Field(..., description="Its issue date (not in the future).")
    period_days: int = Field(
        ..., ge=1, le=365,
        description="Days from publication: at least 20 (Art. 28(2)); 30 for a convention.",
    )  # fmt: skip
    summary: str = Field("", max_length=2000, pattern=MULTILINE_PATTERN)
    draft_text: str = Field(
        "", max_length=services.TEXT_MAX, pattern=MULTILINE_PATTERN,
        description="The draft's text; divided into sections at 'Điều N', 'Chương N'…",
    )  # fmt: skip
    forms: list[FormName] = Field(["web"], min_length=1, max_length=7)
    village_ids: list[Id] = Field(default_factory=list, max_length=500)
    groups_concerned: str = Field("", max_length=300, pattern=TEXT_PATTERN)
    allow_phone: StrictBool = False
    is_convention: StrictBool = Field(
        False, description="A hương ước/quy ước draft (Decree 61 Art. 9)."
    )


class OpinionIn(_Input):
    """A resident's own opinion (form ``web``), or one an official received (other forms)."""

    body: str = Field(..., min_length=1, max_length=services.OPINION_MAX, pattern=MULTILINE_PATTERN)
    section_id: Id | None = None
    form: FormName = "web"
    source: str = Field("", max_length=200, pattern=TEXT_PATTERN)
    author_name: str = Field("", max_length=200, pattern=TEXT_PATTERN)
    village_id: Id | None = None


class GroupIn(_Input):
    topic: str = Field(..., min_length=1, max_length=services.TITLE_MAX, pattern=NAME_PATTERN)
    opinion_ids: list[Id] = Field(..., min_length=1, max_length=1000)
    section_id: Id | None = None


class OpinionAnswerIn(_Input):
    outcome: Literal["accepted", "not_accepted"]
    answer: str = Field(
        ..., min_length=1, max_length=services.ANSWER_MAX, pattern=MULTILINE_PATTERN
    )


class DecisionIn(_Input):
    reference: str = Field(..., min_length=1, max_length=300, pattern=NAME_PATTERN)
    issued_on: IsoDate
    departs_from_majority: StrictBool = False
    explanation: str = Field("", max_length=services.ANSWER_MAX, pattern=MULTILINE_PATTERN)


class SectionOut(Schema):
    id: int
    position: int
    heading: str
    body: str


class ConsultationOut(Schema):
    id: int
    commune_code: str
    category: int
    is_convention: bool
    title: str
    summary: str
    status: ConsultationStatus
    forms: list[str]
    period_days: int
    published_on: date | None
    closes_on: date | None
    disclosure_id: int | None
    matter_id: int | None


class ConsultationDetailOut(ConsultationOut):
    draft_text: str
    groups_concerned: str
    allow_phone: bool
    sections: list[SectionOut]
    synthesis_published_at: datetime | None
    decision_reference: str
    decision_issued_on: date | None
    departs_from_majority: bool
    departure_explanation: str


class ConsultationPage(Schema):
    count: int
    items: list[ConsultationOut]


class OpinionOut(Schema):
    reference: str
    consultation_id: int
    section_id: int | None
    form: str
    source: str
    body: str
    submitted_at: datetime
    group_id: int | None
    outcome: OutcomeName | None
    answer: str | None


class OpinionPage(Schema):
    count: int
    items: list[OpinionOut]


class GroupOut(Schema):
    id: int
    section_id: int | None
    topic: str
    outcome: OutcomeName
    answer: str
    opinion_references: list[str]


class SynthesisOut(Schema):
    consultation_id: int
    published: bool
    groups: list[GroupOut]


class SuggestionOut(Schema):
    section_id: int | None
    topic: str
    opinion_ids: list[int]


def section_out(section: Section) -> dict[str, Any]:
    return {"id": section.pk, "position": section.position, "heading": section.heading,
            "body": section.body}  # fmt: skip


def consultation_out(consultation: Consultation, commune_code: str) -> dict[str, Any]:
    return {
        "id": consultation.pk, "commune_code": commune_code, "category": consultation.category,
        "is_convention": consultation.is_convention, "title": consultation.title,
        "summary": consultation.summary, "status": consultation.status,
        "forms": list(consultation.forms), "period_days": consultation.period_days,
        "published_on": consultation.published_on, "closes_on": consultation.closes_on,
        "disclosure_id": consultation.disclosure_id, "matter_id": consultation.matter_id,
    }  # fmt: skip


def consultation_detail_out(
    consultation: Consultation, commune_code: str, sections: list[Section]
) -> dict[str, Any]:
    return {
        **consultation_out(consultation, commune_code),
        "draft_text": consultation.draft_text,
        "groups_concerned": consultation.groups_concerned,
        "allow_phone": consultation.allow_phone,
        "sections": [section_out(s) for s in sections],
        "synthesis_published_at": consultation.synthesis_published_at,
        "decision_reference": consultation.decision_reference,
        "decision_issued_on": consultation.decision_issued_on,
        "departs_from_majority": consultation.departs_from_majority,
        "departure_explanation": consultation.departure_explanation,
    }


def opinion_out(opinion: Opinion, *, answers_public: bool) -> dict[str, Any]:
    """An opinion without its author; its answer once the synthesis is published."""
    group: OpinionGroup | None = opinion.group
    shown = group is not None and answers_public
    return {
        "reference": opinion.reference, "consultation_id": opinion.consultation_id,
        "section_id": opinion.section_id, "form": opinion.form, "source": opinion.source,
        "body": opinion.body, "submitted_at": opinion.submitted_at,
        "group_id": opinion.group_id,
        "outcome": group.outcome if shown and group is not None else None,
        "answer": group.answer if shown and group is not None else None,
    }  # fmt: skip


def group_out(group: OpinionGroup) -> dict[str, Any]:
    return {
        "id": group.pk, "section_id": group.section_id, "topic": group.topic,
        "outcome": group.outcome, "answer": group.answer,
        "opinion_references": [o.reference for o in group.opinions.all()],
    }  # fmt: skip


class AffectedIn(_Input):
    """A citizen a draft decision burdens (Art. 25(8), 27); ``user_id`` when they have an
    account in this commune (they are then told through the notifications outbox)."""

    name: str = Field(..., min_length=1, max_length=200, pattern=NAME_PATTERN)
    user_id: Id | None = None


class AffectedViewsIn(_Input):
    views: str = Field("", max_length=services.ANSWER_MAX, pattern=MULTILINE_PATTERN)
    representative: str = Field("", max_length=200, pattern=TEXT_PATTERN)
    answer: str = Field("", max_length=services.ANSWER_MAX, pattern=MULTILINE_PATTERN)
    notified_on_paper: StrictBool = Field(False, description="The citizen was told on paper.")


class AffectedOut(Schema):
    id: int
    name: str
    notified_at: datetime | None
    views: str
    representative: str
    answer: str


class MatterLinkIn(_Input):
    matter_id: Id


def affected_out(citizen: Any) -> dict[str, Any]:
    return {"id": citizen.pk, "name": citizen.name, "notified_at": citizen.notified_at,
            "views": citizen.views, "representative": citizen.representative,
            "answer": citizen.answer}  # fmt: skip
