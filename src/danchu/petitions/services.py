"""Every write on citizens' requests: one function per use case, atomic, audited.

Clocks (legal-spec §3.1–3.2, ``petitions.rules``): a complaint must be accepted (thụ lý) within
the acceptance period and settled within 30/45/60 days of acceptance; a denunciation's initial
handling takes 7 (10) working days and its settlement 30 days plus at most two written 30-day
extensions; feedback, disputes and information requests get the deadline the commune sets.
Clocks move only through :class:`~danchu.petitions.models.ClockDecision` rows.

Audit entries and notifications carry the tracking code, kind and status, never the requester
(Luật Tố cáo Art. 8(3)); a resident's own filing is recorded without their account as actor.
"""

from __future__ import annotations

import difflib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.models import OFFICIAL_ROLES, RoleAssignment
from danchu.accounts.permissions import Action, require
from danchu.core import audit, calendar
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.text import fold_vi, normalize_spaces
from danchu.disclosure import files
from danchu.petitions import identity, rules
from danchu.petitions.models import (
    OPEN_STATUSES,
    CitizenRequest,
    ClockDecision,
    RequestAttachment,
    RequestChannel,
    RequesterIdentity,
    RequestKind,
    RequestStatus,
)
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "DUPLICATE_SIMILARITY",
    "REOPEN_WITHIN_DAYS",
    "RequestData",
    "attachment_add",
    "request_accept",
    "request_answer",
    "request_assign",
    "request_classify",
    "request_extend",
    "request_forward",
    "request_merge",
    "request_pause",
    "request_rate",
    "request_reject",
    "request_remind_due",
    "request_reopen",
    "request_resume",
    "request_submit",
]

# Interpretation (the law is silent): the requester may reopen once within 30 days of the answer.
REOPEN_WITHIN_DAYS = 30
# Near-identical text: difflib ratio of the folded texts at or above this counts as a duplicate.
DUPLICATE_SIMILARITY = 0.9
# How far back and how many open requests a new one is compared with.
DUPLICATE_WINDOW_DAYS = 180
DUPLICATE_CANDIDATES = 300
# Reminders go out when the next deadline is this many working days away or fewer.
REMIND_WORKING_DAYS = 2
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
# A request keyed in from an old letter: older than this is a typing mistake.
KEYED_IN_MAX_AGE = timedelta(days=5 * 365)
SUBJECT_MAX, CONTENT_MAX, ANSWER_MAX, REASON_MAX = 300, 10000, 10000, 2000


@dataclass
class RequestData:
    """What a resident brings (or an official keys in for them)."""

    subject: str
    content: str
    kind: str = RequestKind.FEEDBACK
    village_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    full_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    received_on: date | None = None  # the date on the envelope or the call; today by default


def _fail(fields: dict[str, list[str]], code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(_("Please correct the errors below."), code=code, fields=fields)


def _text(errors: dict[str, list[str]], name: str, value: str, limit: int, missing: str) -> None:
    if not value:
        errors[name] = [missing]
    elif _CONTROL.search(value):
        errors[name] = [_("Remove the invisible control characters from this text.")]
    elif len(value) > limit:
        errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]


def _state(request: CitizenRequest) -> dict[str, Any]:
    """What the audit trail keeps of a request: never the requester."""
    return {
        "code": request.tracking_code, "kind": request.kind, "status": request.status,
        "handler_id": request.handler_id, "first_step_due_on": request.first_step_due_on,
        "due_on": request.due_on, "extra_days": request.extra_days,
    }  # fmt: skip


def _record(actor: Any, action: str, request: CitizenRequest, **after: Any) -> None:
    audit.record(
        actor=actor, action=f"petition_request.{action}", obj=request,
        commune_id=request.commune_id, after={**_state(request), **after},
    )  # fmt: skip


def _locked(request: CitizenRequest) -> CitizenRequest:
    return CitizenRequest.objects.select_for_update().get(pk=request.pk)


def _now() -> datetime:
    """The current instant; the one place tests move the clock."""
    return timezone.now()


def _today() -> date:
    return timezone.localdate(_now())


def new_tracking_code() -> str:
    """``PA-XXXX-XXXX-XX``: 10 random symbols of 32 (50 bits), unguessable, easy to read out."""
    symbols = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"PA-{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def _validate(commune: AdministrativeUnit, data: RequestData, keyed_in: bool) -> Village | None:
    errors: dict[str, list[str]] = {}
    subject, content = normalize_spaces(data.subject), (data.content or "").strip()
    _text(errors, "subject", subject, SUBJECT_MAX, _("Say briefly what it is about."))
    _text(errors, "content", content, CONTENT_MAX, _("Describe your request."))
    if data.kind not in RequestKind.values:
        errors["kind"] = [_("Choose the kind of request.")]
    village = None
    if data.village_id is not None:
        village = Village.objects.filter(pk=data.village_id, commune=commune).first()
        if village is None:
            errors["village_id"] = [_("Choose a village of this commune.")]
    for name, coordinate, low, high in (
        ("latitude", data.latitude, -90, 90), ("longitude", data.longitude, -180, 180),
    ):  # fmt: skip
        if coordinate is not None and not (low <= coordinate <= high):
            errors[name] = [_("This is not a place on the map.")]
    for name in ("full_name", "phone", "email", "address"):
        text = str(getattr(data, name) or "")
        if len(text) > 300 or _CONTROL.search(text):
            errors[name] = [_("At most %(limit)s characters.") % {"limit": 300}]
    if not (data.full_name or "").strip() and data.kind == RequestKind.DENUNCIATION:
        # Luật Tố cáo Art. 25: anonymous information is not handled as a denunciation.
        errors["full_name"] = [_("A denunciation needs the denouncer's full name.")]
    if not any((data.phone, data.email, data.address)) and data.kind in (
        RequestKind.COMPLAINT, RequestKind.DENUNCIATION,
    ):  # fmt: skip
        errors["address"] = [_("Give an address, phone or email so that we can answer you.")]
    if data.received_on is not None and (not keyed_in or data.received_on > _today()):
        errors["received_on"] = [_("The date of receipt cannot be in the future.")]
    elif data.received_on is not None and data.received_on < _today() - KEYED_IN_MAX_AGE:
        errors["received_on"] = [_("The date of receipt must be within the last five years.")]
    if errors:
        raise _fail(errors)
    return village


def request_submit(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    data: RequestData,
    channel: str = RequestChannel.WEB,
    uploads: Sequence[Any] = (),
) -> CitizenRequest:
    """A request is filed: on the web by anyone, by phone, post or at reception by an official.

    The requester's details go to the encrypted identity row and are taken out of the text;
    a near-identical open request is flagged as a possible duplicate.
    """
    keyed_in = channel != RequestChannel.WEB
    if keyed_in:
        require(actor, Action.PETITION_REQUEST_KEY_IN, commune)
    if channel not in RequestChannel.values:
        raise _fail({"channel": [_("Choose how the request arrived.")]})
    village = _validate(commune, data, keyed_in)
    stored = _check_files(uploads)
    try:
        with transaction.atomic():
            return _submit(actor, commune, data, channel, village, stored)
    except BaseException:
        _discard(stored)
        raise


def _submit(
    actor: Any, commune: AdministrativeUnit, data: RequestData, channel: str,
    village: Village | None, stored: Sequence[files.StoredUpload],
) -> CitizenRequest:  # fmt: skip
    keyed_in = channel != RequestChannel.WEB
    name, phone = normalize_spaces(data.full_name), normalize_spaces(data.phone)
    email, address = normalize_spaces(data.email), normalize_spaces(data.address)
    content = (data.content or "").strip()
    subject = identity.redact(normalize_spaces(data.subject), name, phone, email, address)
    redacted = identity.redact(content, name, phone, email, address)
    key = identity.person_key(name, phone)
    request = CitizenRequest.objects.create(
        commune=commune, village=village, tracking_code=new_tracking_code(), kind=data.kind,
        channel=channel, subject=subject, content=redacted,
        identity_protected=data.kind == RequestKind.DENUNCIATION,
        search_folded=fold_vi(f"{subject} {redacted}"), latitude=data.latitude,
        longitude=data.longitude, received_on=data.received_on or _today(),
    )  # fmt: skip
    account = actor if getattr(actor, "is_authenticated", False) and not keyed_in else None
    RequesterIdentity.objects.create(
        request=request, account=account, full_name=name, phone=phone, email=email,
        address=address, original_content=content if content != redacted else "",
        person_key=key,
    )  # fmt: skip
    _attach(request, stored, from_requester=True, secrets=(name, phone, email, address))
    request.possible_duplicate_of = find_duplicate(request, key)
    _set_first_clock(request)
    request.save()
    # A resident's own filing names no account in the trail (the trail is read by the board).
    _record(actor if keyed_in else None, "submit", request, channel=channel,
            possible_duplicate=request.possible_duplicate_of_id)  # fmt: skip
    return request


MAX_FILES = 5


def _check_files(uploads: Sequence[Any]) -> list[files.StoredUpload]:
    """Check and store the files; the caller discards them if its transaction fails."""
    if len(uploads) > MAX_FILES:
        raise _fail({"files": [_("At most %(limit)s files.") % {"limit": MAX_FILES}]})
    stored: list[files.StoredUpload] = []
    try:
        for uploaded in uploads:
            stored.append(files.check_and_store(uploaded, field="files"))
    except BaseException:
        _discard(stored)
        raise
    return stored


def _discard(stored: Sequence[files.StoredUpload]) -> None:
    for upload in stored:
        files.discard(upload)


def _attach(
    request: CitizenRequest, stored: Sequence[files.StoredUpload], *, from_requester: bool,
    secrets: Sequence[str] = (),
) -> list[RequestAttachment]:  # fmt: skip
    return [
        RequestAttachment.objects.create(
            request=request,
            commune_id=request.commune_id,
            from_requester=from_requester,
            # A file name may carry the requester's name ("don-to-cao-nguyen-van-a.pdf").
            name=identity.redact(upload.name, *secrets)[:255],
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            path=upload.path,
        )  # fmt: skip
        for upload in stored
    ]


def attachment_add(*, actor: Any, request: CitizenRequest, uploaded_file: Any) -> RequestAttachment:
    """An official adds a file (a decision, the stripped copy handed to verifiers)."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    stored = _check_files([uploaded_file])
    try:
        with transaction.atomic():
            (attachment,) = _attach(request, stored, from_requester=False)
            _record(actor, "attachment.add", request, attachment=attachment.pk)
    except BaseException:
        _discard(stored)
        raise
    return attachment


def find_duplicate(request: CitizenRequest, key: str) -> CitizenRequest | None:
    """An open request of the same commune from the same person about the same subject, or
    with near-identical text (diacritics and case ignored)."""
    since = request.received_on - timedelta(days=DUPLICATE_WINDOW_DAYS)
    candidates = (
        CitizenRequest.objects.filter(
            commune_id=request.commune_id, status__in=OPEN_STATUSES, received_on__gte=since
        )
        .exclude(pk=request.pk)
        .order_by("-received_on", "-id")
    )
    subject = fold_vi(request.subject)
    if key:
        same_person = candidates.filter(identity__person_key=key)
        for other in same_person.only("id", "subject")[:DUPLICATE_CANDIDATES]:
            if fold_vi(other.subject) == subject:
                return other
    text = fold_vi(request.content)
    for other in candidates.only("id", "content")[:DUPLICATE_CANDIDATES]:
        matcher = difflib.SequenceMatcher(None, text, fold_vi(other.content), autojunk=False)
        if matcher.quick_ratio() >= DUPLICATE_SIMILARITY and (
            matcher.ratio() >= DUPLICATE_SIMILARITY
        ):
            return other
    return None


def _default_days(kind: str) -> int:
    if kind == RequestKind.INFORMATION:
        # Law 10/2022 Art. 14 → Law on Access to Information Art. 28 (the disclosure setting).
        return int(settings.INFO_REQUEST_WORKING_DAYS)
    return int(getattr(settings, "PETITIONS_FEEDBACK_WORKING_DAYS", 15))


def _set_first_clock(request: CitizenRequest, due_on: date | None = None) -> None:
    """The clock that runs from receipt, per kind."""
    start, commune = request.received_on, request.commune_id
    request.first_step_due_on = None
    request.due_on = None
    if request.kind == RequestKind.COMPLAINT:
        request.first_step_due_on = rules.due_date("complaint.acceptance", start, commune=commune)
    elif request.kind == RequestKind.DENUNCIATION:
        key = (
            "denunciation.initial_several_places"
            if request.several_places
            else ("denunciation.initial")
        )
        request.first_step_due_on = rules.due_date(key, start, commune=commune)
    else:
        request.due_on = due_on or calendar.add_working_days(
            start, _default_days(request.kind), commune=commune
        )


def _settlement_key(request: CitizenRequest) -> str:
    if request.kind == RequestKind.DENUNCIATION:
        return "denunciation.settlement"
    suffix = ("_remote" if request.remote_area else "") + (
        "_complex" if request.complex_case else ""
    )
    return f"complaint.settlement{suffix}"


def _recompute_due(request: CitizenRequest) -> None:
    """Settlement due date from acceptance plus recorded pauses and extensions."""
    if request.accepted_on is None:
        return
    request.due_on = rules.due_date(
        _settlement_key(request), request.accepted_on, commune=request.commune_id,
        extra_days=request.extra_days,
    )  # fmt: skip


def _require_open(request: CitizenRequest) -> None:
    if request.status not in OPEN_STATUSES:
        raise ApplicationError(_("This request is no longer open."), code="conflict")


@transaction.atomic
def request_classify(
    *,
    actor: Any,
    request: CitizenRequest,
    kind: str,
    complex_case: bool = False,
    remote_area: bool = False,
    several_places: bool = False,
    due_on: date | None = None,
) -> CitizenRequest:
    """An official says what the request is; its first clock is set from receipt."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    request = _locked(request)
    _require_open(request)
    if kind not in RequestKind.values:
        raise _fail({"kind": [_("Choose the kind of request.")]})
    if request.accepted_on is not None:
        raise ApplicationError(_("An accepted request keeps its kind."), code="conflict")
    if due_on is not None and due_on < request.received_on:
        raise _fail({"due_on": [_("The deadline cannot be before the request arrived.")]})
    if due_on is not None and due_on > request.received_on + timedelta(days=365):
        raise _fail({"due_on": [_("Set a deadline within a year of receipt.")]})
    request.kind = kind
    request.identity_protected |= kind == RequestKind.DENUNCIATION
    request.complex_case, request.remote_area = complex_case, remote_area
    request.several_places = several_places
    request.classified_at = _now()
    _set_first_clock(request, due_on if kind not in _STATUTORY else None)
    if kind not in _STATUTORY:
        request.status = RequestStatus.IN_PROGRESS
    request.save()
    _record(actor, "classify", request)
    return request


_STATUTORY = (RequestKind.COMPLAINT, RequestKind.DENUNCIATION)


@transaction.atomic
def request_assign(*, actor: Any, request: CitizenRequest, handler: Any) -> CitizenRequest:
    """The chair or an official assigns the person who handles the request."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    request = _locked(request)
    _require_open(request)
    if request.identity_protected:
        # The handler will see the denouncer: the head of the body assigns them (Art. 47, 56).
        require(actor, Action.PETITION_REQUEST_VIEW_DENOUNCER, request)
    holds = RoleAssignment.objects.active().filter(
        user=handler, commune_id=request.commune_id, role__in=OFFICIAL_ROLES
    )
    if handler is None or not getattr(handler, "is_active", False) or not holds.exists():
        raise _fail({"handler": [_("Choose an official of this commune.")]})
    request.handler = handler
    request.save(update_fields=["handler"])
    _record(actor, "assign", request)
    return request


@transaction.atomic
def request_accept(
    *,
    actor: Any,
    request: CitizenRequest,
    decision_known_on: date | None = None,
    excluded_days: int = 0,
) -> CitizenRequest:
    """Acceptance (thụ lý) of a complaint or denunciation: the settlement clock starts.

    A complaint filed after the 90-day limitation (Luật Khiếu nại Art. 9), less the days lost
    to objective obstacles the official records, cannot be accepted.
    """
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    request = _locked(request)
    _require_open(request)
    if request.kind not in _STATUTORY or request.accepted_on is not None:
        raise ApplicationError(
            _("Only a new complaint or denunciation is accepted."), code="conflict"
        )
    if request.kind == RequestKind.COMPLAINT:
        if decision_known_on is None or decision_known_on > request.received_on:
            raise _fail({"decision_known_on": [
                _("Give the day the complainant received or learned of the decision."),
            ]})  # fmt: skip
        if excluded_days < 0 or excluded_days > 3650:
            raise _fail({"excluded_days": [_("Give a number of days between 0 and 3650.")]})
        if rules.time_barred(decision_known_on, request.received_on,
                             commune=request.commune_id, excluded_days=excluded_days):  # fmt: skip
            raise _fail(
                {"decision_known_on": [_("The 90-day limitation period has passed.")]},
                code="time_barred",
            )
        request.decision_known_on = decision_known_on
    request.accepted_on = _today()
    request.status = RequestStatus.IN_PROGRESS
    _recompute_due(request)
    request.save()
    _record(actor, "accept", request, excluded_days=excluded_days)
    return request


def _on_time(request: CitizenRequest, done_on: date) -> bool | None:
    due = request.due_on if request.accepted_on or request.kind not in _STATUTORY else None
    due = due or request.first_step_due_on
    return None if due is None else done_on <= due


def _closing_text(errors_key: str, value: str, missing: str) -> str:
    value = (value or "").strip()
    errors: dict[str, list[str]] = {}
    _text(errors, errors_key, value, ANSWER_MAX, missing)
    if errors:
        raise _fail(errors)
    return value


@transaction.atomic
def request_answer(*, actor: Any, request: CitizenRequest, answer: str) -> CitizenRequest:
    """The commune answers (for a complaint or denunciation: the settlement decision)."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    answer = _closing_text("answer", answer, _("Write the answer."))
    request = _locked(request)
    _require_open(request)
    if request.kind in _STATUTORY and request.accepted_on is None:
        raise ApplicationError(_("Accept the request before settling it."), code="conflict")
    if request.paused_on is not None:
        raise ApplicationError(_("Resume the paused clock first."), code="conflict")
    now = _now()
    request.answer, request.answered_at = answer, now
    request.status = RequestStatus.ANSWERED
    if request.kind == RequestKind.COMPLAINT:
        # Luật Khiếu nại Art. 32: the decision goes out within 3 working days.
        request.send_due_on = rules.due_date(
            "complaint.send_decision", timezone.localdate(now), commune=request.commune_id
        )
    request.save()
    _record(actor, "answer", request, on_time=_on_time(request, timezone.localdate(now)))
    from danchu.petitions.notifications import RequestAnswered

    RequestAnswered().send(request)
    return request


@transaction.atomic
def request_reject(*, actor: Any, request: CitizenRequest, reason: str) -> CitizenRequest:
    """Not accepted (inadmissible, anonymous denunciation…), with the reasons (Art. 27)."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    reason = _closing_text("reason", reason, _("Give the reasons."))
    request = _locked(request)
    _require_open(request)
    request.status, request.closed_reason = RequestStatus.REJECTED, reason
    request.answered_at = _now()
    request.save()
    _record(actor, "reject", request)
    from danchu.petitions.notifications import RequestAnswered

    RequestAnswered().send(request)
    return request


@transaction.atomic
def request_forward(
    *, actor: Any, request: CitizenRequest, forwarded_to: str, reason: str
) -> CitizenRequest:
    """Outside the commune's competence: sent to the competent body, the requester told
    (Luật Tố cáo Art. 24(2): within 5 working days for a denunciation)."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    forwarded_to = normalize_spaces(forwarded_to)
    errors: dict[str, list[str]] = {}
    _text(errors, "forwarded_to", forwarded_to, 300, _("Name the competent body."))
    if errors:
        raise _fail(errors)
    reason = _closing_text("reason", reason, _("Give the reasons."))
    request = _locked(request)
    _require_open(request)
    today = _today()
    on_time = None
    if request.kind == RequestKind.DENUNCIATION:
        on_time = today <= rules.due_date("denunciation.forward", request.received_on,
                                          commune=request.commune_id)  # fmt: skip
    request.status, request.forwarded_to = RequestStatus.FORWARDED, forwarded_to
    request.closed_reason, request.answered_at = reason, _now()
    request.save()
    _record(actor, "forward", request, forwarded_to=forwarded_to, on_time=on_time)
    from danchu.petitions.notifications import RequestAnswered

    RequestAnswered().send(request)
    return request


def _decision_text(document: str, reason: str) -> tuple[str, str]:
    document = normalize_spaces(document)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    _text(errors, "document", document, 100, _("Give the number of the written decision."))
    _text(errors, "reason", reason, REASON_MAX, _("Give the reasons."))
    if errors:
        raise _fail(errors)
    return document, reason


def _clock_row(
    actor: Any, request: CitizenRequest, kind: str, document: str, reason: str, days: int,
    before: date | None,
) -> None:  # fmt: skip
    ClockDecision.objects.create(
        request=request, commune_id=request.commune_id, kind=kind, decided_on=_today(),
        document=document, reason=reason, days=days, due_before=before,
        due_after=request.due_on, decided_by=actor,
    )  # fmt: skip


@transaction.atomic
def request_pause(
    *, actor: Any, request: CitizenRequest, document: str, reason: str
) -> CitizenRequest:
    """A written, reasoned decision stops the settlement clock (e.g. Luật Tố cáo Art. 31)."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    document, reason = _decision_text(document, reason)
    request = _locked(request)
    _require_open(request)
    if request.due_on is None or request.paused_on is not None:
        raise ApplicationError(_("Only a running settlement clock can be paused."), code="conflict")
    request.paused_on = _today()
    request.save()
    _clock_row(actor, request, ClockDecision.Kind.PAUSE, document, reason, 0, request.due_on)
    _record(actor, "pause", request, document=document)
    return request


@transaction.atomic
def request_resume(
    *, actor: Any, request: CitizenRequest, document: str, reason: str
) -> CitizenRequest:
    """The clock runs again; the days it stood still are added to the deadline."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    document, reason = _decision_text(document, reason)
    request = _locked(request)
    if request.paused_on is None:
        raise ApplicationError(_("The clock is not paused."), code="conflict")
    before = request.due_on
    paused_days = (_today() - request.paused_on).days
    request.extra_days += paused_days
    request.paused_on = None
    if request.accepted_on is not None:
        _recompute_due(request)
    elif request.due_on is not None:
        request.due_on = calendar.add_days_rolled(request.due_on, paused_days,
                                                  commune=request.commune_id)  # fmt: skip
    request.save()
    _clock_row(actor, request, ClockDecision.Kind.RESUME, document, reason, paused_days, before)
    _record(actor, "resume", request, document=document, days=paused_days)
    return request


@transaction.atomic
def request_extend(
    *, actor: Any, request: CitizenRequest, document: str, reason: str
) -> CitizenRequest:
    """Luật Tố cáo Art. 30(1): a complex denunciation is extended in writing, at most twice,
    by at most 30 days each."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    document, reason = _decision_text(document, reason)
    request = _locked(request)
    _require_open(request)
    if request.kind != RequestKind.DENUNCIATION or request.accepted_on is None:
        raise ApplicationError(
            _("Only an accepted denunciation's settlement can be extended."), code="conflict"
        )
    if request.extensions >= rules.MAX_DENUNCIATION_EXTENSIONS:
        raise ApplicationError(
            _("A denunciation's settlement can be extended at most twice."),
            code="extensions_exhausted",
        )
    before = request.due_on
    days = rules.rule_for("denunciation.extension", request.accepted_on).days
    request.extensions += 1
    request.extra_days += days
    request.complex_case = True
    _recompute_due(request)
    request.save()
    _clock_row(actor, request, ClockDecision.Kind.EXTENSION, document, reason, days, before)
    _record(actor, "extend", request, document=document, extensions=request.extensions)
    return request


@transaction.atomic
def request_merge(*, actor: Any, request: CitizenRequest, into: CitizenRequest) -> CitizenRequest:
    """A duplicate is merged into the open request it repeats; it is answered with it."""
    require(actor, Action.PETITION_REQUEST_HANDLE, request)
    require(actor, Action.PETITION_REQUEST_HANDLE, into)
    request = _locked(request)
    _require_open(request)
    if into.pk == request.pk or into.commune_id != request.commune_id or not into.is_open:
        raise _fail({"into": [_("Choose another open request of this commune.")]})
    request.status, request.merged_into = RequestStatus.MERGED, into
    request.save()
    _record(actor, "merge", request, into=into.tracking_code)
    return request


def _by_code(tracking_code: str) -> CitizenRequest:
    from danchu.petitions.selectors import request_by_code

    found = request_by_code(tracking_code)
    return CitizenRequest.objects.select_for_update().get(pk=found.pk)


@transaction.atomic
def request_rate(*, tracking_code: str, satisfaction: int) -> CitizenRequest:
    """The requester rates the answer, 1 to 5 (Law 10/2022 Art. 34–35: the people's assessment);
    anyone holding the tracking code is taken to be the requester."""
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise _fail({"satisfaction": [_("Choose a rating from 1 to 5.")]})
    request = _by_code(tracking_code)
    if request.status != RequestStatus.ANSWERED:
        raise ApplicationError(_("Only an answered request can be rated."), code="conflict")
    request.satisfaction = satisfaction
    request.status = RequestStatus.CLOSED
    request.save()
    _record(None, "rate", request, satisfaction=satisfaction)
    return request


@transaction.atomic
def request_reopen(*, tracking_code: str, reason: str) -> CitizenRequest:
    """The requester reopens an answer that did not resolve it — once, within 30 days."""
    reason = _closing_text("reason", reason, _("Say why the answer did not resolve it."))
    request = _by_code(tracking_code)
    if request.status not in (RequestStatus.ANSWERED, RequestStatus.CLOSED):
        raise ApplicationError(_("Only an answered request can be reopened."), code="conflict")
    if request.reopened_count >= 1:
        raise ApplicationError(_("A request can be reopened only once."), code="reopened_once")
    today = _today()
    answered_on = timezone.localdate(request.answered_at) if request.answered_at else today
    if (today - answered_on).days > REOPEN_WITHIN_DAYS:
        raise ApplicationError(
            _("The answer is more than 30 days old; file a new request."), code="too_late"
        )
    request.reopened_count += 1
    request.status = RequestStatus.IN_PROGRESS
    request.satisfaction = None
    request.closed_reason = reason
    if request.kind in _STATUTORY:
        # The settlement period runs again from the reopening (interpretation; the law is silent).
        request.accepted_on, request.extra_days, request.extensions = today, 0, 0
        _recompute_due(request)
    else:
        request.due_on = calendar.add_working_days(today, _default_days(request.kind),
                                                   commune=request.commune_id)  # fmt: skip
    request.save()
    _record(None, "reopen", request)
    return request


def next_due(request: CitizenRequest) -> date | None:
    """The deadline that runs now: acceptance until accepted, then settlement; none if paused."""
    if not request.is_open or request.paused_on is not None:
        return None
    if request.kind in _STATUTORY and request.accepted_on is None:
        return request.first_step_due_on
    return request.due_on


def request_remind_due(*, today: date | None = None) -> int:
    """Remind handlers (or the chair when none is assigned) of deadlines 2 working days away
    or passed. Idempotent per request and deadline (the outbox's event key)."""
    from danchu.petitions.notifications import RequestDueSoon

    today = today or _today()
    sent = 0
    horizon = calendar.add_working_days(today, REMIND_WORKING_DAYS)
    rows = CitizenRequest.objects.filter(
        Q(first_step_due_on__lte=horizon) | Q(due_on__lte=horizon),
        status__in=OPEN_STATUSES, paused_on__isnull=True,
    )  # fmt: skip
    for request in rows.select_related("commune", "handler").iterator():
        due = next_due(request)
        if due is not None and due <= horizon:
            sent += bool(RequestDueSoon(due).send(request).notices)
    return sent
