"""``/api/v1/`` for consultations: consultations, sections, opinions and the synthesis.

Published consultations, their sections and their published synthesis are public (Law 10/2022
Art. 11(11)); a resident follows their opinion by its reference number without signing in.
Drafts, the opinions list with sources, grouping and answers are the commune officials'.
Every write goes through the services, which ask the permission layer: another commune's rows
answer 404, one's own commune without the right 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from danchu.accounts.permissions import Action, can, require
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.consultation import selectors, services
from danchu.consultation.models import (
    AffectedCitizen,
    Consultation,
    Opinion,
    OpinionGroup,
    Section,
)
from danchu.consultation.opinion_schemas import (
    REFERENCE_PATTERN,
    AffectedIn,
    AffectedOut,
    AffectedViewsIn,
    ConsultationDetailOut,
    ConsultationIn,
    ConsultationPage,
    DecisionIn,
    GroupIn,
    GroupOut,
    MatterLinkIn,
    OpinionAnswerIn,
    OpinionIn,
    OpinionOut,
    OpinionPage,
    SectionOut,
    SuggestionOut,
    SynthesisOut,
    affected_out,
    consultation_detail_out,
    consultation_out,
    group_out,
    opinion_out,
    section_out,
)
from danchu.core.errors import ApplicationError, NotFound, ValidationFailed
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI
from danchu.territory import selectors as territory
from danchu.territory.models import Village
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["consultations"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


class _Refused(ApplicationError):
    status = 422


class _Conflict(ApplicationError):
    status = 409


# Refusals caused by the consultation's state, not by the request.
_STATE_CODES = frozenset({"conflict", "closed", "frozen", "too_early", "unanswered"})


@contextmanager
def _service() -> Iterator[None]:
    try:
        yield
    except ValidationFailed:
        raise
    except ApplicationError as exc:
        if type(exc) is ApplicationError:
            kind = _Conflict if exc.code in _STATE_CODES else _Refused
            raise kind(exc.message, code=exc.code, fields=exc.fields) from exc
        raise


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


def _field_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Please correct the errors below."), fields={name: [message]})


def _visible(actor: Any, pk: int) -> tuple[Consultation, bool]:
    """The consultation ``actor`` may read and whether as an official; drafts are officials'."""
    consultation = Consultation.objects.select_related("commune").filter(pk=pk).first()
    if consultation is None:
        raise _not_found()
    if can(actor, Action.CONSULTATION_VIEW, consultation):
        return consultation, True
    if consultation.status not in selectors.PUBLIC_STATUSES:
        raise _not_found()
    return consultation, False


def _detail(consultation: Consultation) -> dict[str, Any]:
    sections = list(Section.objects.filter(consultation=consultation).order_by("position"))
    return consultation_detail_out(consultation, consultation.commune.code, sections)


def _section(consultation: Consultation, pk: int | None) -> Section | None:
    if pk is None:
        return None
    section = Section.objects.filter(consultation=consultation, pk=pk).first()
    if section is None:
        raise _field_error("section_id", _("Choose a part of this draft."))
    return section


@router.get(
    "/communes/{code}/consultations",
    response=with_errors({200: ConsultationPage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="consultation_list",
)
def consultation_list(request: HttpRequest, page: Query[PageParams], code: str = CodePath) -> Any:
    """The commune's published consultations, newest first; its officials also see drafts."""
    actor = actor_of(request)
    commune = territory.commune_public(code)
    qs = Consultation.objects.filter(commune=commune)
    probe = Consultation(commune=commune)
    if not can(actor, Action.CONSULTATION_LIST, probe):
        qs = qs.filter(status__in=selectors.PUBLIC_STATUSES)
    count, items = paginate(qs.order_by("-created_at", "-id"), page)
    return {"count": count, "items": [consultation_out(c, commune.code) for c in items]}


@router.post(
    "/communes/{code}/consultations",
    response=with_errors({201: ConsultationDetailOut}),
    operation_id="consultation_create",
)
def consultation_create(request: HttpRequest, payload: ConsultationIn, code: str = CodePath) -> Any:
    """Open a consultation on a draft (a draft until published; Art. 25, 28)."""
    commune = territory.commune_public(code)
    data = services.ConsultationData(**payload.dict())
    with _service():
        created = services.consultation_create(actor=actor_of(request), commune=commune, data=data)
    created.commune = commune
    return Status(201, _detail(created))


@router.get(
    "/consultations/{consultation_id}",
    response=with_errors({200: ConsultationDetailOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="consultation_get",
)
def consultation_get(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    consultation, _official = _visible(actor_of(request), consultation_id)
    return _detail(consultation)


@router.get(
    "/consultations/{consultation_id}/sections",
    response=with_errors({200: list[SectionOut]}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="consultation_sections",
)
def consultation_sections(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    consultation, _official = _visible(actor_of(request), consultation_id)
    return [section_out(s) for s in consultation.sections.order_by("position")]


def _transition(request: HttpRequest, pk: int, action: Any) -> Any:
    consultation, _official = _visible(actor_of(request), pk)
    with _service():
        changed = action(actor=actor_of(request), consultation=consultation)
    return _detail(changed)


@router.post(
    "/consultations/{consultation_id}/publish",
    response=with_errors({200: ConsultationDetailOut}),
    operation_id="consultation_publish",
)
def consultation_publish(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    """Publish through the disclosure register (Art. 11(11)); the period starts (Art. 28(2))."""
    return _transition(request, consultation_id, services.consultation_publish)


@router.post(
    "/consultations/{consultation_id}/close",
    response=with_errors({200: ConsultationDetailOut}),
    operation_id="consultation_close",
)
def consultation_close(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    """Close after the last day for opinions (409 before it)."""
    return _transition(request, consultation_id, services.consultation_close)


@router.get(
    "/consultations/{consultation_id}/opinions",
    response=with_errors({200: OpinionPage}),
    operation_id="opinion_list",
)
def opinion_list(
    request: HttpRequest, page: Query[PageParams], consultation_id: int = IdPath
) -> Any:
    """Every opinion with its form and source (the commune's officials)."""
    consultation, official = _visible(actor_of(request), consultation_id)
    if not official:
        require(actor_of(request), Action.CONSULTATION_VIEW, consultation)  # 403 or 404
    qs = Opinion.objects.filter(consultation=consultation).select_related("group").order_by("id")
    count, items = paginate(qs, page)
    return {"count": count, "items": [opinion_out(o, answers_public=True) for o in items]}


@router.post(
    "/consultations/{consultation_id}/opinions",
    response=with_errors({201: OpinionOut}),
    operation_id="opinion_create",
)
def opinion_create(request: HttpRequest, payload: OpinionIn, consultation_id: int = IdPath) -> Any:
    """A resident's opinion (``web``), or one an official received on paper or at a meeting
    (any other form, with its source). Answers the reference number to look it up by."""
    actor = actor_of(request)
    consultation, _official = _visible(actor, consultation_id)
    section = _section(consultation, payload.section_id)
    with _service():
        if payload.form == "web":
            opinion = services.opinion_submit(
                actor=actor, consultation=consultation, body=payload.body, section=section
            )
        else:
            village = None
            if payload.village_id is not None:
                village = Village.objects.filter(
                    commune=consultation.commune, pk=payload.village_id
                ).first()
                if village is None:
                    raise _field_error("village_id", _("Choose a village of this commune."))
            opinion = services.opinion_enter(
                actor=actor, consultation=consultation, body=payload.body, form=payload.form,
                source=payload.source, author_name=payload.author_name, section=section,
                village=village,
            )  # fmt: skip
    return Status(201, opinion_out(opinion, answers_public=False))


@router.get(
    "/opinions/{reference}",
    response=with_errors({200: OpinionOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="opinion_lookup",
)
def opinion_lookup(
    request: HttpRequest,
    reference: str = Path(..., pattern=REFERENCE_PATTERN, examples=["YK-ABCD-EFGH"]),
) -> Any:
    """An opinion by its reference number, without its author; its answer once the synthesis
    is published."""
    opinion = selectors.opinion_by_reference(reference)
    if opinion is None or opinion.consultation.status == Consultation.Status.DRAFT:
        raise _not_found()
    answered = opinion.consultation.status == Consultation.Status.ANSWERED
    return opinion_out(opinion, answers_public=answered)


@router.get(
    "/consultations/{consultation_id}/synthesis",
    response=with_errors({200: SynthesisOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="synthesis_get",
)
def synthesis_get(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    """The groups of opinions and the commune's answers: public once published (Art. 28(3)),
    the officials' work in progress before."""
    consultation, official = _visible(actor_of(request), consultation_id)
    published = consultation.status == Consultation.Status.ANSWERED
    if not (published or official):
        raise _Conflict(_("The synthesis is not published yet."), code="not_published")
    groups = selectors.synthesis_groups(consultation)
    return {"consultation_id": consultation.pk, "published": published,
            "groups": [group_out(g) for g in groups]}  # fmt: skip


@router.get(
    "/consultations/{consultation_id}/suggestions",
    response=with_errors({200: list[SuggestionOut]}),
    operation_id="synthesis_suggestions",
)
def synthesis_suggestions(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    """Suggested groups of similar ungrouped opinions; nothing is saved until an official
    creates a group."""
    consultation, official = _visible(actor_of(request), consultation_id)
    if not official:
        raise _not_found()
    return [
        {"section_id": s.section_id, "topic": s.topic, "opinion_ids": s.opinion_ids}
        for s in selectors.suggest_groups(consultation)
    ]


@router.post(
    "/consultations/{consultation_id}/groups",
    response=with_errors({201: GroupOut}),
    operation_id="synthesis_group_create",
)
def synthesis_group_create(
    request: HttpRequest, payload: GroupIn, consultation_id: int = IdPath
) -> Any:
    consultation, _official = _visible(actor_of(request), consultation_id)
    section = _section(consultation, payload.section_id)
    with _service():
        group = services.group_create(
            actor=actor_of(request), consultation=consultation, topic=payload.topic,
            opinion_ids=payload.opinion_ids, section=section,
        )  # fmt: skip
    return Status(201, group_out(group))


@router.post(
    "/opinion-groups/{group_id}/answer",
    response=with_errors({200: GroupOut}),
    operation_id="synthesis_group_answer",
)
def synthesis_group_answer(
    request: HttpRequest, payload: OpinionAnswerIn, group_id: int = IdPath
) -> Any:
    """Accepted (the change made) or not accepted (why) — Art. 28(3)."""
    group = OpinionGroup.objects.select_related("consultation").filter(pk=group_id).first()
    if group is None:
        raise _not_found()
    _visible(actor_of(request), group.consultation_id)
    with _service():
        answered = services.group_answer(
            actor=actor_of(request), group=group, outcome=payload.outcome, answer=payload.answer
        )
    return group_out(answered)


@router.post(
    "/consultations/{consultation_id}/synthesis/publish",
    response=with_errors({200: ConsultationDetailOut}),
    operation_id="synthesis_publish",
)
def synthesis_publish(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    """Publish the synthesis through the register (409 while an opinion is unanswered)."""
    return _transition(request, consultation_id, services.synthesis_publish)


@router.post(
    "/consultations/{consultation_id}/decision",
    response=with_errors({200: ConsultationDetailOut}),
    operation_id="consultation_decision",
)
def consultation_decision(
    request: HttpRequest, payload: DecisionIn, consultation_id: int = IdPath
) -> Any:
    """Record the decision as issued; one departing from the majority needs its explanation
    (Art. 28(4)): refused with 422 otherwise."""
    consultation, _official = _visible(actor_of(request), consultation_id)
    with _service():
        decided = services.decision_record(
            actor=actor_of(request), consultation=consultation, reference=payload.reference,
            issued_on=payload.issued_on, departs_from_majority=payload.departs_from_majority,
            explanation=payload.explanation,
        )  # fmt: skip
    return _detail(decided)


# ---------------------------------------------------------------------------------------------
# Art. 27: citizens a draft decision burdens; Decree 61 Art. 9–10: a convention's vote


def _official(request: HttpRequest, pk: int) -> Consultation:
    consultation, official = _visible(actor_of(request), pk)
    if not official:
        require(actor_of(request), Action.CONSULTATION_VIEW, consultation)  # 403 or 404
    return consultation


@router.get(
    "/consultations/{consultation_id}/affected-citizens",
    response=with_errors({200: list[AffectedOut]}),
    operation_id="affected_list",
)
def affected_list(request: HttpRequest, consultation_id: int = IdPath) -> Any:
    """The citizens named in a draft decision, whether told, their views and the answers."""
    consultation = _official(request, consultation_id)
    return [affected_out(c) for c in consultation.affected_citizens.order_by("name", "id")]


@router.post(
    "/consultations/{consultation_id}/affected-citizens",
    response=with_errors({201: AffectedOut}),
    operation_id="affected_add",
)
def affected_add(request: HttpRequest, payload: AffectedIn, consultation_id: int = IdPath) -> Any:
    """Name a citizen the draft burdens; with an account, they are told at once (Art. 27)."""
    consultation = _official(request, consultation_id)
    user = None
    if payload.user_id is not None:
        from django.contrib.auth import get_user_model

        user = (
            get_user_model()
            .objects.filter(pk=payload.user_id, resident__commune=consultation.commune)
            .first()
        )
        if user is None:
            raise _field_error("user_id", _("Choose a resident of this commune."))
    with _service():
        citizen = services.affected_citizen_add(
            actor=actor_of(request), consultation=consultation, name=payload.name, user=user
        )
    return Status(201, affected_out(citizen))


@router.post(
    "/affected-citizens/{citizen_id}/views",
    response=with_errors({200: AffectedOut}),
    operation_id="affected_views",
)
def affected_views(request: HttpRequest, payload: AffectedViewsIn, citizen_id: int = IdPath) -> Any:
    """Keep the citizen's views and the commune's explanation in the decision's file."""
    citizen = AffectedCitizen.objects.select_related("consultation").filter(pk=citizen_id).first()
    if citizen is None:
        raise _not_found()
    _official(request, citizen.consultation_id)
    with _service():
        kept = services.affected_citizen_record_views(
            actor=actor_of(request), citizen=citizen, views=payload.views,
            representative=payload.representative, answer=payload.answer,
            notified_on_paper=payload.notified_on_paper,
        )  # fmt: skip
    return affected_out(kept)


@router.post(
    "/consultations/{consultation_id}/matter",
    response=with_errors({200: ConsultationDetailOut}),
    operation_id="consultation_link_matter",
)
def consultation_link_matter(
    request: HttpRequest, payload: MatterLinkIn, consultation_id: int = IdPath
) -> Any:
    """A convention draft's consultation feeds the community's vote on it (a matter of
    type 3 of the same commune)."""
    from danchu.decisions.models import Matter

    consultation = _official(request, consultation_id)
    matter = Matter.objects.filter(pk=payload.matter_id, commune=consultation.commune).first()
    if matter is None:
        raise _field_error("matter_id", _("Choose this commune's vote on a community convention."))
    with _service():
        linked = services.consultation_link_matter(
            actor=actor_of(request), consultation=consultation, matter=matter
        )
    return _detail(linked)
