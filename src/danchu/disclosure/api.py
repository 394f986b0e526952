"""The disclosure router: the commune's public disclosures, their versions and publishing
records, the compliance with Art. 13, and residents' requests for information (Art. 14).

Reading what a commune published needs no sign-in (Law 10/2022 Art. 11–13: the website is a
channel for every content): those operations accept a token, a session, or nobody. Everything
else goes through the permission layer — the selectors and services check it, so another
commune's rows answer 404 and one's own commune without the right answers 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from danchu.accounts.permissions import Action, can, require, restrict
from danchu.api.auth import AUTH, actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.core.errors import ApplicationError, NotFound, ValidationFailed
from danchu.disclosure import selectors, services
from danchu.disclosure.models import (
    Attachment,
    Disclosure,
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
)
from danchu.disclosure.schemas import (
    ComplianceOut,
    DisclosureDetailOut,
    DisclosureFilters,
    DisclosureIn,
    DisclosurePage,
    InformationRequestAnswerIn,
    InformationRequestFilters,
    InformationRequestIn,
    InformationRequestOut,
    InformationRequestPage,
    RecordFilters,
    RecordIn,
    RecordOut,
    RecordPage,
    VersionPage,
    attachment_out,
    compliance_out,
    disclosure_out,
    information_request_out,
    record_out,
    version_out,
)
from danchu.territory import selectors as territory
from danchu.territory.models import Village
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["disclosure"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


class _Anyone:
    """The last authentication of a public read: nobody signed in is a reader too.

    A request that sends credentials which fail is still refused (401): a client with an
    expired token should learn it rather than silently see less.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None
        return AnonymousUser()


PUBLIC = [*AUTH, _Anyone()]
# OpenAPI: an empty security requirement says the credentials are optional.
PUBLIC_OPENAPI: dict[str, Any] = {"security": [{}]}


class _Conflict(ApplicationError):
    """A refusal caused by the object's state (withdrawn, frozen, already done): 409."""

    status = 409


# Codes the services raise for a state that forbids the change (not the request's shape).
_STATE_CODES = frozenset({"withdrawn", "frozen", "conflict"})


@contextmanager
def _service(rename: dict[str, str] | None = None) -> Iterator[None]:
    """Answer the services' refusals in the API's terms: field names as the API spells them
    (``village`` → ``village_id``), state refusals as conflicts."""
    try:
        yield
    except ValidationFailed as exc:
        if rename:
            exc.fields = {rename.get(k, k): v for k, v in exc.fields.items()}
        raise
    except ApplicationError as exc:
        if type(exc) is ApplicationError and exc.code in _STATE_CODES:
            raise _Conflict(exc.message, code=exc.code, fields=exc.fields) from exc
        raise


def _base(request: HttpRequest) -> Any:
    return request.build_absolute_uri


# ---------------------------------------------------------------------------------------------
# Which version a reader sees


def _visible(actor: Any, pk: int) -> tuple[Disclosure, DisclosureVersion, bool]:
    """The disclosure and the version ``actor`` may read, and whether they read as an official.

    Officials of the commune (``disclosure.view``) read the current version, a draft included;
    everyone else reads the published version of a published disclosure, or gets 404.
    """
    row = Disclosure.objects.select_related("commune").filter(pk=pk).first()
    if row is None:
        raise NotFound(_("Not found."), code="not_found")
    if can(actor, Action.DISCLOSURE_VIEW, row):
        disclosure = selectors.disclosure_get(actor=actor, pk=pk)
        version = disclosure.current_version
        official = True
    else:
        disclosure = selectors.disclosure_get_public(row.commune, pk)
        version = disclosure.public_version
        official = False
    if version is None:
        raise NotFound(_("Not found."), code="not_found")
    return disclosure, version, official


def _detail(
    request: HttpRequest,
    disclosure: Disclosure,
    version: DisclosureVersion,
    *,
    official: bool = True,
) -> Any:
    base = _base(request)
    data = disclosure_out(disclosure, version, commune_code=disclosure.commune.code, base=base)
    attachments = Attachment.objects.filter(version=version, kind=Attachment.Kind.DOCUMENT)
    records = (
        PublishingRecord.objects.filter(version=version)
        .select_related("village")
        .prefetch_related("proofs")
        .order_by("started_on", "channel", "id")
    )
    data.update(
        body=version.body,
        version_published_at=version.published_at,
        public_version=disclosure.public_version.number if disclosure.public_version else None,
        has_pending_change=disclosure.has_pending_change,
        duty_starts_on=version.duty_starts_on,
        deadline=version.deadline,
        sector_rule=version.sector_rule,
        sector_deadline=version.sector_deadline,
        change_note=version.change_note,
        village_ids=sorted(version.scope_rows.values_list("village_id", flat=True)),
        attachments=[attachment_out(a, base=base) for a in attachments],
        records=[_record(r, version.number, base, official=official) for r in records],
    )
    return data


def _record(
    record: PublishingRecord, number: int, base: Any, *, official: bool = True
) -> dict[str, Any]:
    village = record.village.name if record.village_id and record.village else None
    data = record_out(record, number=number, village_name=village, base=base)
    if not official:
        # As on the public page: places and dates; proofs (photos that may show people) and
        # who did it stay with the commune's officials.
        data.update(proofs=[], performed_by="")
    return data


# ---------------------------------------------------------------------------------------------
# Public reads


@router.get(
    "/communes/{code}/disclosures",
    response=with_errors({200: DisclosurePage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="disclosure_list",
)
def disclosure_list(
    request: HttpRequest,
    filters: Query[DisclosureFilters],
    page: Query[PageParams],
    code: str = CodePath,
) -> dict[str, Any]:
    """The commune's published disclosures, newest first; search ignores diacritics."""
    commune = territory.commune_public(code)
    village = None
    if filters.village_id is not None:
        village = Village.objects.filter(commune=commune, pk=filters.village_id).first()
        if village is None:  # not a village of this commune: nothing is published for it
            return {"count": 0, "items": []}
    qs = selectors.disclosure_list_public(
        commune,
        category=filters.category,
        village=village,
        date_from=filters.date_from,
        date_to=filters.date_to,
        query=filters.q,
    )
    count, items = paginate(qs, page)
    base = _base(request)
    return {
        "count": count,
        "items": [
            disclosure_out(d, d.public_version, commune_code=commune.code, base=base)
            for d in items
            if d.public_version is not None
        ],
    }


@router.get(
    "/disclosures/{disclosure_id}",
    response=with_errors({200: DisclosureDetailOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="disclosure_get",
)
def disclosure_get(request: HttpRequest, disclosure_id: int = IdPath) -> Any:
    """A published disclosure with its attachments and publishing records; the commune's
    officials also read drafts (the current version)."""
    disclosure, version, official = _visible(actor_of(request), disclosure_id)
    return _detail(request, disclosure, version, official=official)


@router.get(
    "/disclosures/{disclosure_id}/versions",
    response=with_errors({200: VersionPage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="disclosure_versions",
)
def disclosure_versions(
    request: HttpRequest, page: Query[PageParams], disclosure_id: int = IdPath
) -> dict[str, Any]:
    """Published versions, newest first (Art. 14: a change is a new version; the old stays
    readable); officials also see drafts."""
    disclosure, _version, official = _visible(actor_of(request), disclosure_id)
    if official:
        qs = DisclosureVersion.objects.filter(disclosure=disclosure).order_by("-number")
    else:
        qs = selectors.published_versions(disclosure)
    count, items = paginate(qs, page)
    return {"count": count, "items": [version_out(v) for v in items]}


@router.get(
    "/disclosures/{disclosure_id}/records",
    response=with_errors({200: RecordPage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="publishing_record_list",
)
def publishing_record_list(
    request: HttpRequest,
    filters: Query[RecordFilters],
    page: Query[PageParams],
    disclosure_id: int = IdPath,
) -> dict[str, Any]:
    """Every act of publishing: channel, place, dates, who did it, proofs (published versions;
    officials: all)."""
    disclosure, _version, official = _visible(actor_of(request), disclosure_id)
    qs = PublishingRecord.objects.filter(version__disclosure=disclosure)
    if not official:
        qs = qs.filter(version__published_at__isnull=False)
    if filters.version is not None:
        qs = qs.filter(version__number=filters.version)
    qs = (
        qs.select_related("version", "village")
        .prefetch_related("proofs")
        .order_by("-version__number", "started_on", "channel", "id")
    )
    count, items = paginate(qs, page)
    base = _base(request)
    items = [_record(r, r.version.number, base, official=official) for r in items]
    return {"count": count, "items": items}


# ---------------------------------------------------------------------------------------------
# Officials: record, change, publish, check compliance


@router.post(
    "/communes/{code}/disclosures",
    response=with_errors({201: DisclosureDetailOut}),
    operation_id="disclosure_create",
)
def disclosure_create(request: HttpRequest, payload: DisclosureIn, code: str = CodePath) -> Any:
    """Record a disclosure as a draft (version 1)."""
    actor = actor_of(request)
    commune = territory.commune_public(code)
    require(actor, Action.DISCLOSURE_CREATE, commune)
    with _service():
        created = services.disclosure_create(
            actor=actor, commune=commune, data=services.DisclosureData(**payload.dict())
        )
    disclosure = selectors.disclosure_get(actor=actor, pk=created.pk)
    assert disclosure.current_version is not None
    return Status(201, _detail(request, disclosure, disclosure.current_version))


@router.put(
    "/disclosures/{disclosure_id}",
    response=with_errors({200: DisclosureDetailOut}),
    operation_id="disclosure_update",
)
def disclosure_update(
    request: HttpRequest, payload: DisclosureIn, disclosure_id: int = IdPath
) -> Any:
    """Change a disclosure: a draft in place; a published one gets a new draft version that
    restarts the duty to publish once published (Art. 14). ``change_note`` is then required."""
    actor = actor_of(request)
    disclosure = selectors.disclosure_get(
        actor=actor, pk=disclosure_id, action=Action.DISCLOSURE_UPDATE
    )
    with _service():
        services.disclosure_update(
            actor=actor, disclosure=disclosure, data=services.DisclosureData(**payload.dict())
        )
    disclosure = selectors.disclosure_get(actor=actor, pk=disclosure_id)
    assert disclosure.current_version is not None
    return _detail(request, disclosure, disclosure.current_version)


@router.post(
    "/disclosures/{disclosure_id}/publish",
    response=with_errors({200: DisclosureDetailOut}),
    operation_id="disclosure_publish",
)
def disclosure_publish(request: HttpRequest, disclosure_id: int = IdPath) -> Any:
    """Publish the current version on the commune website (danchu); it is frozen from now."""
    actor = actor_of(request)
    disclosure = selectors.disclosure_get(
        actor=actor, pk=disclosure_id, action=Action.DISCLOSURE_PUBLISH
    )
    with _service():
        services.disclosure_publish(actor=actor, disclosure=disclosure)
    disclosure = selectors.disclosure_get(actor=actor, pk=disclosure_id)
    assert disclosure.current_version is not None
    return _detail(request, disclosure, disclosure.current_version)


@router.get(
    "/disclosures/{disclosure_id}/compliance",
    response=with_errors({200: ComplianceOut}),
    operation_id="disclosure_compliance",
)
def disclosure_compliance(
    request: HttpRequest,
    disclosure_id: int = IdPath,
    version: int | None = Query(None, ge=1, le=MAX_PK, description="Version number."),
) -> dict[str, Any]:
    """Each channel Art. 13 requires, per place: done, missing, ended too early, late."""
    actor = actor_of(request)
    disclosure = selectors.disclosure_get(actor=actor, pk=disclosure_id)
    if version is None:
        chosen = disclosure.public_version or disclosure.current_version
    else:
        chosen = DisclosureVersion.objects.filter(disclosure=disclosure, number=version).first()
    if chosen is None:
        raise NotFound(_("Not found."), code="not_found")
    return compliance_out(selectors.compliance_for([chosen])[chosen.pk])


@router.post(
    "/disclosures/{disclosure_id}/records",
    response=with_errors({201: RecordOut}),
    operation_id="publishing_record_create",
)
def publishing_record_create(
    request: HttpRequest, payload: RecordIn, disclosure_id: int = IdPath
) -> Any:
    """Record one act of publishing of the published version (a notice posted, a broadcast,
    a relay by the village head). Proofs are uploaded on the web page."""
    actor = actor_of(request)
    disclosure = selectors.disclosure_get(
        actor=actor, pk=disclosure_id, action=Action.PUBLISHING_RECORD_CREATE
    )
    version = disclosure.public_version or disclosure.current_version
    assert version is not None
    village = None
    if payload.village_id is not None:
        village = Village.objects.filter(pk=payload.village_id, commune=disclosure.commune).first()
        if village is None:
            message = _("This village is outside the disclosure's scope.")
            raise ValidationFailed(
                _("Please correct the errors below."), fields={"village_id": [message]}
            )
    with _service(rename={"village": "village_id"}):
        record = services.publishing_record_add(
            actor=actor,
            version=version,
            channel=payload.channel,
            started_on=payload.started_on,
            ended_on=payload.ended_on,
            village=village,
            performed_by=payload.performed_by,
            note=payload.note,
        )
    return Status(201, _record(record, version.number, _base(request)))


# ---------------------------------------------------------------------------------------------
# Information on request (Art. 14)


def _requests_out(requests: list[InformationRequest]) -> list[dict[str, Any]]:
    return [information_request_out(r, commune_code=r.commune.code) for r in requests]


@router.get(
    "/information-requests",
    response=with_errors({200: InformationRequestPage}),
    operation_id="information_request_list",
)
def information_request_list(
    request: HttpRequest, filters: Query[InformationRequestFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Requests you may see: officials their commune's, residents their own; earliest due first."""
    actor = actor_of(request)
    if filters.commune:
        qs = selectors.information_request_list(
            actor=actor, commune=territory.commune_public(filters.commune), status=filters.status
        ).select_related("commune")
    else:
        qs = restrict(
            InformationRequest.objects.select_related("commune", "requester"),
            actor,
            Action.INFO_REQUEST_LIST,
        ).order_by("due_on", "-id")
        if filters.status:
            qs = qs.filter(status=filters.status)
    count, items = paginate(qs, page)
    return {"count": count, "items": _requests_out(items)}


@router.post(
    "/communes/{code}/information-requests",
    response=with_errors({201: InformationRequestOut}),
    operation_id="information_request_create",
)
def information_request_create(
    request: HttpRequest, payload: InformationRequestIn, code: str = CodePath
) -> Any:
    """Ask for information that is not (or no longer) posted; answered by the due date."""
    actor = actor_of(request)
    commune = territory.commune_public(code)
    require(actor, Action.INFO_REQUEST_CREATE, commune)
    disclosure = None
    if payload.disclosure_id is not None:
        try:
            disclosure = selectors.disclosure_get_public(commune, payload.disclosure_id)
        except NotFound:
            message = _("Choose a disclosure of this commune.")
            raise ValidationFailed(
                _("Please correct the errors below."), fields={"disclosure_id": [message]}
            ) from None
    with _service(rename={"disclosure": "disclosure_id"}):
        created = services.information_request_submit(
            actor=actor,
            commune=commune,
            subject=payload.subject,
            message=payload.message,
            reason=payload.reason,
            disclosure=disclosure,
        )
    found = selectors.information_request_get(actor=actor, pk=created.pk)
    return Status(201, information_request_out(found, commune_code=commune.code))


@router.get(
    "/information-requests/{request_id}",
    response=with_errors({200: InformationRequestOut}),
    operation_id="information_request_get",
)
def information_request_get(request: HttpRequest, request_id: int = IdPath) -> dict[str, Any]:
    found = selectors.information_request_get(actor=actor_of(request), pk=request_id)
    return information_request_out(found, commune_code=found.commune.code)


@router.post(
    "/information-requests/{request_id}/answer",
    response=with_errors({200: InformationRequestOut}),
    operation_id="information_request_answer",
)
def information_request_answer(
    request: HttpRequest, payload: InformationRequestAnswerIn, request_id: int = IdPath
) -> dict[str, Any]:
    """Answer a request; the requester reads the answer on their page."""
    actor = actor_of(request)
    found = selectors.information_request_get(
        actor=actor, pk=request_id, action=Action.INFO_REQUEST_ANSWER
    )
    with _service():
        services.information_request_answer(actor=actor, request=found, answer=payload.answer)
    found = selectors.information_request_get(
        actor=actor, pk=request_id, action=Action.INFO_REQUEST_ANSWER
    )
    return information_request_out(found, commune_code=found.commune.code)
