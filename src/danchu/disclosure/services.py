"""Writes on the disclosure register: one function per use case, atomic, with its audit entry.

Law 10/2022/QH15 Art. 11–14: an official records a disclosure and publishes it; officials and
village heads record each act of publishing; a change after publication is a new version that
restarts the duty to publish (Art. 14); residents ask for information on request (Art. 14).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit, calendar
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.text import fold_vi, normalize_spaces
from danchu.disclosure import files
from danchu.disclosure.models import (
    Attachment,
    Disclosure,
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
    VersionVillage,
)
from danchu.disclosure.rules import (
    PUBLISH_WITHIN_WORKING_DAYS,
    VILLAGE_CHANNELS,
    Category,
    Channel,
)
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "DisclosureData",
    "attachment_add",
    "attachment_remove",
    "disclosure_create",
    "disclosure_publish",
    "disclosure_update",
    "disclosure_withdraw",
    "information_request_answer",
    "information_request_submit",
    "publish_deadline",
    "publishing_record_add",
    "publishing_record_end",
]

# The register's dates must be plausible: a typo of a year is refused, not stored.
_EARLIEST = date(2000, 1, 1)


@dataclass
class DisclosureData:
    """The content of a version, as entered by an official."""

    category: int
    title: str
    source_document: str
    source_issued_on: date
    summary: str = ""
    body: str = ""
    sector_rule: str = ""
    sector_deadline: date | None = None
    village_ids: Sequence[int] = field(default_factory=list)  # empty: the whole commune
    change_note: str = ""


def _fail(fields: dict[str, list[str]], code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(_("Please correct the errors below."), code=code, fields=fields)


# Control characters break the Atom feed and the XML of DOCX/XLSX; line breaks stay in texts.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lengths the pages, API and documents are laid out for.
SUMMARY_MAX, BODY_MAX, NOTE_MAX = 2000, 50000, 2000


def _text_errors(errors: dict[str, list[str]], **texts: tuple[str, int]) -> None:
    """Add a field error for each text that is too long or holds control characters."""
    for name, (value, limit) in texts.items():
        if name in errors:
            continue
        if _CONTROL.search(value or ""):
            errors[name] = [_("Remove the invisible control characters from this text.")]
        elif len(value or "") > limit:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]


def publish_deadline(
    duty_starts_on: date, *, commune: Any, sector_deadline: date | None = None
) -> date:
    """The last day to publish.

    Law 10/2022 Art. 12(3): the sector law's timing when there is one; otherwise no later than
    5 working days after the document is issued (counted by the one working-day calendar).
    """
    if sector_deadline is not None:
        return sector_deadline
    return calendar.add_working_days(duty_starts_on, PUBLISH_WITHIN_WORKING_DAYS, commune=commune)


def _clean(
    data: DisclosureData, commune: AdministrativeUnit, *, duty_starts_on: date | None = None
) -> tuple[DisclosureData, list[Village]]:
    errors: dict[str, list[str]] = {}
    title = normalize_spaces(data.title)
    source = normalize_spaces(data.source_document)
    if data.category not in Category.values:
        errors["category"] = [_("Choose a category of Art. 11.")]
    if not title:
        errors["title"] = [_("Give the disclosure a title.")]
    elif len(title) > 300:
        errors["title"] = [_("At most %(limit)s characters.") % {"limit": 300}]
    if not source:
        errors["source_document"] = [_("Name the decision or document being published.")]
    elif len(source) > 300:
        errors["source_document"] = [_("At most %(limit)s characters.") % {"limit": 300}]
    _text_errors(
        errors, title=(title, 300), source_document=(source, 300),
        sector_rule=(data.sector_rule, 300), summary=(data.summary, SUMMARY_MAX),
        body=(data.body, BODY_MAX), change_note=(data.change_note, NOTE_MAX),
    )  # fmt: skip
    today = timezone.localdate()
    issued = data.source_issued_on
    if not isinstance(issued, date) or not _EARLIEST <= issued <= today:
        errors["source_issued_on"] = [_("Enter the issue date: not in the future.")]
    if data.sector_deadline is not None:
        if not data.sector_rule.strip():
            errors["sector_rule"] = [_("Name the sector rule that sets this deadline.")]
        start = duty_starts_on or (issued if isinstance(issued, date) else None)
        if start is not None and data.sector_deadline < start:
            errors["sector_deadline"] = [
                _("The deadline cannot be before the day the duty to publish starts.")
            ]
    villages = list(
        Village.objects.filter(commune=commune, pk__in=list(data.village_ids), is_active=True)
    )
    if len(villages) != len(set(data.village_ids)):
        errors["village_ids"] = [_("Choose active villages of this commune.")]
    if errors:
        raise _fail(errors)
    data.title, data.source_document = title, source
    data.sector_rule = normalize_spaces(data.sector_rule)
    return data, villages


def _version_state(version: DisclosureVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "category": version.category,
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "change_note": version.change_note,
        "village_ids": sorted(
            VersionVillage.objects.filter(version=version).values_list("village_id", flat=True)
        ),
        "source_document": version.source_document,
        "source_issued_on": version.source_issued_on,
        "sector_rule": version.sector_rule,
        "sector_deadline": version.sector_deadline,
        "duty_starts_on": version.duty_starts_on,
        "deadline": version.deadline,
        "all_villages": version.all_villages,
    }


def _new_version(
    *,
    actor: Any,
    disclosure: Disclosure,
    number: int,
    data: DisclosureData,
    villages: list[Village],
    duty_starts_on: date,
) -> DisclosureVersion:
    commune = disclosure.commune
    version = DisclosureVersion.objects.create(
        commune=commune,
        disclosure=disclosure,
        number=number,
        category=data.category,
        title=data.title,
        summary=data.summary.strip(),
        body=data.body.strip(),
        source_document=data.source_document,
        source_issued_on=data.source_issued_on,
        sector_rule=data.sector_rule,
        sector_deadline=data.sector_deadline,
        duty_starts_on=duty_starts_on,
        deadline=publish_deadline(
            duty_starts_on, commune=commune, sector_deadline=data.sector_deadline
        ),
        all_villages=not villages,
        change_note=data.change_note.strip(),
        created_by=_person(actor),
    )
    VersionVillage.objects.bulk_create(
        VersionVillage(commune=commune, version=version, village=v) for v in villages
    )
    return version


def _show(disclosure: Disclosure, version: DisclosureVersion) -> None:
    """Copy what the lists filter on from the version people see."""
    disclosure.category = version.category
    disclosure.all_villages = version.all_villages
    disclosure.search_folded = fold_vi(
        " ".join((version.title, version.summary, version.source_document))
    )


def _person(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def disclosure_create(
    *, actor: Any, commune: AdministrativeUnit, data: DisclosureData
) -> Disclosure:
    """Record a new disclosure as a draft (version 1)."""
    require(actor, Action.DISCLOSURE_CREATE, commune)
    data, villages = _clean(data, commune)
    disclosure = Disclosure.objects.create(
        commune=commune, category=data.category, created_by=_person(actor)
    )
    version = _new_version(
        actor=actor, disclosure=disclosure, number=1, data=data, villages=villages,
        duty_starts_on=data.source_issued_on,
    )  # fmt: skip
    disclosure.current_version = version
    _show(disclosure, version)
    disclosure.save()
    audit.record(
        actor=actor, action="disclosure.create", obj=disclosure, commune_id=commune.pk,
        after=_version_state(version),
    )  # fmt: skip
    return disclosure


def _locked(disclosure: Disclosure) -> Disclosure:
    # Two officials editing at once: the second waits and sees the first one's version.
    # ``of=("self",)``: lock the disclosure row only (PostgreSQL refuses FOR UPDATE on the
    # nullable side of the outer join to its versions).
    return (
        Disclosure.objects.select_for_update(of=("self",))
        .select_related("current_version", "commune")
        .get(pk=disclosure.pk)
    )


@transaction.atomic
def disclosure_update(*, actor: Any, disclosure: Disclosure, data: DisclosureData) -> Disclosure:
    """Change a disclosure. A draft is edited in place; a published one gets a new version.

    Law 10/2022 Art. 14: changed information must be publicised again — the new version's duty
    starts on the day of the change (or a later issue date of a new source document), with its
    own deadline and its own publishing records; the old version stays readable.
    """
    require(actor, Action.DISCLOSURE_UPDATE, disclosure)
    disclosure = _locked(disclosure)
    if disclosure.status == Disclosure.Status.WITHDRAWN:
        raise ApplicationError(_("This disclosure was withdrawn."), code="withdrawn")
    current = disclosure.current_version
    assert current is not None
    before = _version_state(current)
    if not current.is_frozen:
        if current.number == 1:
            starts = data.source_issued_on
        else:
            # A drafted change: its duty starts on the day of the change or a later issue date.
            changed_on = timezone.localtime(current.created_at).date()
            starts = max(changed_on, data.source_issued_on or changed_on)
        data, villages = _clean(data, disclosure.commune, duty_starts_on=starts)
        for name in ("category", "title", "source_document", "source_issued_on",
                     "sector_rule", "sector_deadline", "change_note"):  # fmt: skip
            setattr(current, name, getattr(data, name))
        current.summary, current.body = data.summary.strip(), data.body.strip()
        current.all_villages = not villages
        current.duty_starts_on = starts
        current.deadline = publish_deadline(
            current.duty_starts_on, commune=disclosure.commune,
            sector_deadline=data.sector_deadline,
        )  # fmt: skip
        current.save()
        VersionVillage.objects.filter(version=current).delete()
        VersionVillage.objects.bulk_create(
            VersionVillage(commune=disclosure.commune, version=current, village=v) for v in villages
        )
        version = current
    else:
        starts = max(timezone.localdate(), data.source_issued_on or timezone.localdate())
        data, villages = _clean(data, disclosure.commune, duty_starts_on=starts)
        if not data.change_note.strip():
            raise _fail({"change_note": [_("Say what changed: residents read it.")]})
        version = _new_version(
            actor=actor, disclosure=disclosure, number=current.number + 1, data=data,
            villages=villages, duty_starts_on=starts,
        )  # fmt: skip
        _copy_attachments(current, version)
    # A new version is a draft until published: the public keeps reading the old one.
    disclosure.current_version = version
    if disclosure.public_version_id is None:
        _show(disclosure, version)
    disclosure.save()
    audit.record(
        actor=actor, action="disclosure.update", obj=disclosure,
        commune_id=disclosure.commune_id, before=before, after=_version_state(version),
    )  # fmt: skip
    return disclosure


def _copy_attachments(old: DisclosureVersion, new: DisclosureVersion) -> None:
    # The stored file is shared: the old version's attachments stay readable with it.
    Attachment.objects.bulk_create(
        Attachment(
            commune_id=a.commune_id,
            kind=a.kind,
            version=new,
            name=a.name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            path=a.path,
            uploaded_by_id=a.uploaded_by_id,
        )  # fmt: skip
        for a in old.attachments.all()
    )


@transaction.atomic
def disclosure_publish(*, actor: Any, disclosure: Disclosure) -> Disclosure:
    """Publish the current version on the commune website (danchu) and freeze it.

    The website is a channel of Law 10/2022 Art. 12(1)(b), 13(1): publishing records it.
    """
    require(actor, Action.DISCLOSURE_PUBLISH, disclosure)
    disclosure = _locked(disclosure)
    version = disclosure.current_version
    assert version is not None
    if disclosure.status == Disclosure.Status.WITHDRAWN:
        raise ApplicationError(_("This disclosure was withdrawn."), code="withdrawn")
    if version.is_frozen:
        raise ApplicationError(_("This version is already published."), code="conflict")
    now = timezone.now()
    previous = (
        DisclosureVersion.objects.filter(disclosure=disclosure, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    ended: list[int] = []
    if previous is not None:
        # The old version's website posting ends: the new one replaces it (Art. 14).
        still_up = PublishingRecord.objects.filter(
            version=previous, channel=Channel.WEBSITE, ended_on__isnull=True
        )
        ended = list(still_up.values_list("pk", flat=True))
        still_up.update(ended_on=timezone.localdate())
    version.published_at = now
    version.save(update_fields=["published_at"])
    PublishingRecord.objects.create(
        commune=disclosure.commune, version=version, channel=Channel.WEBSITE,
        started_on=timezone.localdate(), performed_by=_label(actor), recorded_by=_person(actor),
        note=_("Published on the commune website (danchu)."),
    )  # fmt: skip
    disclosure.status = Disclosure.Status.PUBLISHED
    disclosure.public_version = version
    _show(disclosure, version)
    disclosure.published_at = now
    disclosure.first_published_at = disclosure.first_published_at or now
    disclosure.save()
    audit.record(
        actor=actor, action="disclosure.publish", obj=disclosure,
        commune_id=disclosure.commune_id,
        after={"version": version.number, "ended_record_ids": ended},
    )  # fmt: skip
    return disclosure


@transaction.atomic
def disclosure_withdraw(*, actor: Any, disclosure: Disclosure, reason: str) -> Disclosure:
    """Take a disclosure off the public pages (a mistake, a wrong commune). It stays in the
    register and the audit trail; postings still up are ended today."""
    require(actor, Action.DISCLOSURE_PUBLISH, disclosure)
    reason = normalize_spaces(reason)
    if not reason:
        raise _fail({"reason": [_("Give the reason for withdrawing.")]})
    reason_errors: dict[str, list[str]] = {}
    _text_errors(reason_errors, reason=(reason, 500))
    if reason_errors:
        raise _fail(reason_errors)
    disclosure = _locked(disclosure)
    if disclosure.status == Disclosure.Status.WITHDRAWN:
        raise ApplicationError(_("This disclosure was withdrawn."), code="withdrawn")
    before = {"status": disclosure.status}
    still_up = PublishingRecord.objects.filter(
        version__disclosure=disclosure, ended_on__isnull=True
    )
    ended = list(still_up.values_list("pk", flat=True))
    still_up.update(ended_on=timezone.localdate())
    disclosure.status = Disclosure.Status.WITHDRAWN
    disclosure.withdrawn_at = timezone.now()
    disclosure.save(update_fields=["status", "withdrawn_at"])
    audit.record(
        actor=actor, action="disclosure.withdraw", obj=disclosure,
        commune_id=disclosure.commune_id, before=before,
        after={"status": disclosure.status, "reason": reason[:500], "ended_record_ids": ended},
    )  # fmt: skip
    return disclosure


def _label(actor: Any) -> str:
    person = _person(actor)
    if person is None:
        return "danchu"
    return (getattr(person, "full_name", "") or person.get_username())[:200]


def attachment_add(*, actor: Any, disclosure: Disclosure, uploaded_file: Any) -> Attachment:
    """Attach a file to the current draft version (a published version is frozen)."""
    require(actor, Action.DISCLOSURE_UPDATE, disclosure)
    version = disclosure.current_version
    if version is None or version.is_frozen:
        raise ApplicationError(
            _("A published version cannot change: edit the disclosure to make a new version."),
            code="frozen",
        )
    stored = files.check_and_store(uploaded_file)
    try:
        return _attachment_save(actor, disclosure, version, stored)
    except BaseException:
        files.discard(stored)
        raise


@transaction.atomic
def _attachment_save(
    actor: Any, disclosure: Disclosure, version: DisclosureVersion, stored: files.StoredUpload
) -> Attachment:
    # Checked again under the lock: a publish or withdrawal may have won the race.
    disclosure = _locked(disclosure)
    if disclosure.status == Disclosure.Status.WITHDRAWN:
        raise ApplicationError(_("This disclosure was withdrawn."), code="withdrawn")
    current = disclosure.current_version
    if current is None or current.pk != version.pk or current.is_frozen:
        raise ApplicationError(
            _("A published version cannot change: edit the disclosure to make a new version."),
            code="frozen",
        )
    attachment = Attachment.objects.create(
        commune=disclosure.commune, kind=Attachment.Kind.DOCUMENT, version=version,
        name=stored.name, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, path=stored.path, uploaded_by=_person(actor),
    )  # fmt: skip
    audit.record(
        actor=actor, action="disclosure.attachment.add", obj=attachment,
        commune_id=disclosure.commune_id,
        after={"version": version.number, "name": stored.name, "sha256": stored.sha256},
    )  # fmt: skip
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    """Remove an attachment from a draft version. The file stays if another version uses it."""
    version = attachment.version
    if version is None:
        raise ApplicationError(_("Not found."), code="not_found")
    require(actor, Action.DISCLOSURE_UPDATE, version.disclosure)
    if version.is_frozen:
        raise ApplicationError(
            _("A published version cannot change: edit the disclosure to make a new version."),
            code="frozen",
        )
    path, pk = attachment.path, attachment.pk
    attachment.delete()
    audit.record(
        actor=actor, action="disclosure.attachment.remove", object_type="disclosure.attachment",
        object_id=pk, commune_id=version.commune_id, before={"name": attachment.name},
    )  # fmt: skip
    if not Attachment.objects.filter(path=path).exists():
        transaction.on_commit(lambda: files.stored_path(path).unlink(missing_ok=True))


def _record_errors(
    version: DisclosureVersion,
    channel: str,
    village: Village | None,
    started_on: Any,
    ended_on: Any,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if channel not in Channel.values:
        errors["channel"] = [_("Choose a channel.")]
    elif channel in VILLAGE_CHANNELS:
        if village is None:
            errors["village"] = [_("Choose the village where it was published.")]
        elif village.commune_id != version.commune_id or not (
            version.all_villages
            or VersionVillage.objects.filter(version=version, village=village).exists()
        ):
            errors["village"] = [_("This village is outside the disclosure's scope.")]
    elif village is not None:
        errors["village"] = [_("This channel is commune-wide: leave the village empty.")]
    if not isinstance(started_on, date) or started_on < _EARLIEST:
        errors["started_on"] = [_("Enter a valid date.")]
    elif started_on > today:
        errors["started_on"] = [_("Record what was done: the start cannot be in the future.")]
    elif version.published_at is None:
        errors["started_on"] = [_("Publish this version before recording its postings.")]
    elif started_on < version.duty_starts_on:
        # A posting before the document was issued (or before the change) is not this version's.
        errors["started_on"] = [
            _("This version could not be published before %(date)s.")
            % {"date": version.duty_starts_on.strftime("%d/%m/%Y")}
        ]
    if ended_on is not None:
        if not isinstance(ended_on, date):
            errors["ended_on"] = [_("Enter a valid date.")]
        elif isinstance(started_on, date) and ended_on < started_on:
            errors["ended_on"] = [_("The end date cannot be before the start date.")]
        elif ended_on > today:
            errors["ended_on"] = [_("The end date cannot be in the future: leave it empty.")]
    return errors


@transaction.atomic
def publishing_record_add(
    *,
    actor: Any,
    version: DisclosureVersion,
    channel: str,
    started_on: date,
    ended_on: date | None = None,
    village: Village | None = None,
    performed_by: str = "",
    note: str = "",
    proofs: Iterable[Any] = (),
) -> PublishingRecord:
    """Record one act of publishing: a notice posted, a broadcast, a relay by the village head.

    Officials record any channel; a village head only at their own village (the permission
    layer checks the record's village).
    """
    record = PublishingRecord(
        commune_id=version.commune_id, version=version, channel=channel, village=village,
        started_on=started_on, ended_on=ended_on,
        performed_by=normalize_spaces(performed_by)[:200] or _label(actor),
        note=normalize_spaces(note)[:500], recorded_by=_person(actor),
    )  # fmt: skip
    require(actor, Action.PUBLISHING_RECORD_CREATE, record)
    if version.disclosure.status == Disclosure.Status.WITHDRAWN:
        raise ApplicationError(_("This disclosure was withdrawn."), code="withdrawn")
    errors = _record_errors(version, channel, village, started_on, ended_on)
    _text_errors(errors, performed_by=(performed_by, 200), note=(note, 500))
    if errors:
        raise _fail(errors)
    record.save()
    stored: list[files.StoredUpload] = []
    try:
        for uploaded in proofs:
            upload = files.check_and_store(uploaded, field="proof")
            stored.append(upload)
            Attachment.objects.create(
                commune_id=version.commune_id, kind=Attachment.Kind.PROOF, record=record,
                name=upload.name, content_type=upload.content_type, size=upload.size,
                sha256=upload.sha256, path=upload.path, uploaded_by=_person(actor),
            )  # fmt: skip
        audit.record(
            actor=actor, action="disclosure.record.add", obj=record,
            commune_id=version.commune_id, after=_record_state(record),
        )  # fmt: skip
    except BaseException:
        for upload in stored:
            files.discard(upload)
        raise
    return record


def _record_state(record: PublishingRecord) -> dict[str, Any]:
    return {
        "version_id": record.version_id,
        "channel": record.channel,
        "village_id": record.village_id,
        "started_on": record.started_on,
        "ended_on": record.ended_on,
        "performed_by": record.performed_by,
        "proofs": [p.sha256 for p in record.proofs.all()],
    }


@transaction.atomic
def publishing_record_end(
    *, actor: Any, record: PublishingRecord, ended_on: date
) -> PublishingRecord:
    """Record the day a notice was taken down (its last day up)."""
    require(actor, Action.PUBLISHING_RECORD_UPDATE, record)
    record = PublishingRecord.objects.select_for_update().get(pk=record.pk)
    if record.ended_on is not None:
        raise ApplicationError(_("This posting already has an end date."), code="conflict")
    errors = _record_errors(record.version, record.channel, record.village, record.started_on,
                            ended_on)  # fmt: skip
    if errors:
        raise _fail(errors)
    before = _record_state(record)
    record.ended_on = ended_on
    record.save(update_fields=["ended_on"])
    audit.record(
        actor=actor, action="disclosure.record.end", obj=record, commune_id=record.commune_id,
        before=before, after=_record_state(record),
    )  # fmt: skip
    return record


def information_request_due(received_on: date, *, commune: Any) -> date:
    """Law 10/2022 Art. 14 → Law on Access to Information 104/2016 Art. 28: answered within
    ``INFO_REQUEST_WORKING_DAYS`` working days of receipt ([verify]; a setting)."""
    return calendar.add_working_days(received_on, settings.INFO_REQUEST_WORKING_DAYS,
                                     commune=commune)  # fmt: skip


@transaction.atomic
def information_request_submit(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    subject: str,
    message: str,
    reason: str,
    disclosure: Disclosure | None = None,
) -> InformationRequest:
    """A resident asks for information (Law 10/2022 Art. 14): a case with its due date."""
    require(actor, Action.INFO_REQUEST_CREATE, commune)
    subject, message = normalize_spaces(subject), (message or "").strip()
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Say briefly what you ask for.")]
    elif len(subject) > 300:
        errors["subject"] = [_("At most %(limit)s characters.") % {"limit": 300}]
    if not message:
        errors["message"] = [_("Describe the information you need.")]
    elif len(message) > 5000:
        errors["message"] = [_("At most %(limit)s characters.") % {"limit": 5000}]
    if reason not in InformationRequest.Reason.values:
        errors["reason"] = [_("Choose why you ask.")]
    _text_errors(errors, subject=(subject, 300), message=(message, 5000))
    if disclosure is not None and disclosure.commune_id != commune.pk:
        errors["disclosure"] = [_("Choose a disclosure of this commune.")]
    if errors:
        raise _fail(errors)
    request = InformationRequest.objects.create(
        commune=commune, requester=actor, disclosure=disclosure, subject=subject,
        message=message, reason=reason,
        due_on=information_request_due(timezone.localdate(), commune=commune),
    )  # fmt: skip
    audit.record(
        actor=actor, action="disclosure.request.submit", obj=request, commune_id=commune.pk,
        after={"subject": subject, "reason": reason, "due_on": request.due_on},
    )  # fmt: skip
    return request


@transaction.atomic
def information_request_answer(
    *, actor: Any, request: InformationRequest, answer: str
) -> InformationRequest:
    """An official answers; the requester sees the answer on their page."""
    require(actor, Action.INFO_REQUEST_ANSWER, request)
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    answer = (answer or "").strip()
    if not answer:
        raise _fail({"answer": [_("Write the answer.")]})
    answer_errors: dict[str, list[str]] = {}
    _text_errors(answer_errors, answer=(answer, 10000))
    if answer_errors:
        raise _fail(answer_errors)
    if request.status == InformationRequest.Status.ANSWERED:
        raise ApplicationError(_("This request is already answered."), code="conflict")
    request.answer = answer
    request.status = InformationRequest.Status.ANSWERED
    request.answered_at = timezone.now()
    request.answered_by = _person(actor)
    request.save()
    audit.record(
        actor=actor, action="disclosure.request.answer", obj=request,
        commune_id=request.commune_id,
        after={"status": request.status, "on_time": request_on_time(request)},
    )  # fmt: skip
    return request


def request_on_time(request: InformationRequest) -> bool:
    """Answered no later than the end of its due day (Civil Code Art. 148(6))."""
    if request.answered_at is None:
        return False
    return timezone.localtime(request.answered_at).date() <= request.due_on
