"""Back office of the disclosure register (quản lý công khai) and residents' information requests.

Officials record disclosures, publish them, and prove each act of publishing (Law 10/2022
Art. 11–14); village heads record the postings at their own village; the Front and the boards
read the register. Residents ask for information that is not or no longer posted (Art. 14).

Every view: parse → authorize through the permission layer (selectors, ``commune_for``) → call a
service → render. Another commune's objects answer 404; a service's refusal becomes a form
error with a 4xx status, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts.models import Role, RoleAssignment
from danchu.accounts.permissions import Action, can, restrict
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied
from danchu.disclosure import selectors, services
from danchu.disclosure.forms import (
    QUARTERS,
    AnswerForm,
    AttachmentForm,
    DisclosureFilterForm,
    DisclosureForm,
    EndRecordForm,
    InformationRequestForm,
    QuarterForm,
    RecordForm,
    RequestFilterForm,
    WithdrawForm,
)
from danchu.disclosure.models import (
    Attachment,
    Disclosure,
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
    VersionVillage,
)
from danchu.disclosure.rules import VILLAGE_CHANNELS, Channel, Outcome
from danchu.disclosure.selectors import RequirementStatus
from danchu.territory.models import AdministrativeUnit, Village
from danchu.territory.selectors import clean_query
from danchu.web.forms import add_application_error, error_messages
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate, permission_errors

__all__ = [
    "attachment_add",
    "attachment_remove",
    "disclosure_create",
    "disclosure_detail",
    "disclosure_edit",
    "disclosure_list",
    "disclosure_publish",
    "disclosure_withdraw",
    "my_requests",
    "quarterly_register",
    "quarterly_register_download",
    "record_add",
    "record_end",
    "request_answer",
    "request_create",
    "request_detail",
    "request_list",
    "village_register",
]

EXPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# ---------------------------------------------------------------------------------------------
# Helpers


def _status_of(error: ApplicationError) -> int:
    """The page status for a service's refusal (404 raises: the object does not exist for you)."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from error
    if isinstance(error, PermissionDenied):
        return 403
    return 400


def _put(form: Any, error: ApplicationError) -> int:
    """Put a service's refusal on ``form``; the HTTP status to answer with."""
    add_application_error(form, error)
    return _status_of(error)


def _active_villages(commune: AdministrativeUnit) -> QuerySet[Village]:
    return Village.objects.filter(commune=commune, is_active=True).order_by("name_folded", "id")


def _day(value: date | None) -> str:
    return date_format(value, "d/m/Y") if value is not None else ""


def _number(value: str | None) -> int | None:
    """A positive id from the query string or a form; anything else is no id."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if number < 1:
        raise Http404
    return number


# ---------------------------------------------------------------------------------------------
# Outcomes in words (a badge is its text, never a colour alone)


def outcome_badge(status: RequirementStatus) -> dict[str, str]:
    """The verdict on one duty: a symbol, words and a CSS class."""
    outcome, evaluation = status.outcome, status.evaluation
    requirement = status.requirement
    numbers = {"days": evaluation.longest_days, "min": requirement.min_days or 0}
    if outcome == Outcome.DONE:
        return {"symbol": "✓", "text": outcome.label, "css": "ok"}
    if outcome == Outcome.DONE_LATE:
        return {"symbol": "!", "text": outcome.label, "css": "warn"}
    if outcome == Outcome.RUNNING:
        text = _("running (%(days)s of %(min)s days)") % numbers
        return {"symbol": "…", "text": text, "css": "info"}
    if outcome == Outcome.TOO_SHORT:
        if requirement.permanent:
            return {"symbol": "✗", "text": _("taken down"), "css": "bad"}
        text = _("too short (%(days)s of %(min)s days)") % numbers
        return {"symbol": "✗", "text": text, "css": "bad"}
    if outcome == Outcome.PENDING:
        return {"symbol": "○", "text": outcome.label, "css": "info"}
    return {"symbol": "✗", "text": outcome.label, "css": "bad"}


def _deadline_basis(version: DisclosureVersion) -> str:
    if version.sector_deadline is not None:
        return _("under the sector rule: %(rule)s") % {"rule": version.sector_rule}
    return _("5 working days after %(date)s (Art. 12(3))") % {"date": _day(version.duty_starts_on)}


# ---------------------------------------------------------------------------------------------
# The list


@backoffice_view
def disclosure_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's disclosures with their deadline and compliance; filters; pagination."""
    commune = commune_for(request, code, Action.DISCLOSURE_LIST)
    user = request.user
    form = DisclosureFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"] or None,
            "category": data["category"],
            "query": clean_query(data["q"]) or None,
        }
    page = paginate(request, selectors.disclosure_list(actor=user, commune=commune, **filters))
    items: list[Disclosure] = list(page.object_list)
    shown = [d.public_version or d.current_version for d in items]
    # One call for the whole page: a fixed number of queries whatever the page holds.
    found = selectors.compliance_for(v for v in shown if v is not None)
    rows = [
        {
            "disclosure": d,
            "version": version,
            "current": d.current_version,
            "compliance": found.get(version.pk) if version is not None else None,
        }
        for d, version in zip(items, shown, strict=True)
    ]
    context = {
        "commune": commune,
        "form": form,
        "page_obj": page,
        "rows": rows,
        "villages": _active_villages(commune),
        "may_create": can(user, Action.DISCLOSURE_CREATE, commune),
        "may_export": can(user, Action.DISCLOSURE_EXPORT, commune),
        "may_requests": can(user, Action.INFO_REQUEST_LIST, commune),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "disclosure/backoffice/list.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Create and edit


def _form_page(
    request: HttpRequest,
    *,
    commune: AdministrativeUnit,
    form: DisclosureForm,
    disclosure: Disclosure | None,
    status: int,
) -> HttpResponse:
    current = disclosure.current_version if disclosure is not None else None
    context = {
        "commune": commune,
        "form": form,
        "disclosure": disclosure,
        "current": current,
        "new_version": current is not None and current.is_frozen,
    }
    return render(request, "disclosure/backoffice/form.html", context, status=status)


@backoffice_view
def disclosure_create(request: HttpRequest, code: str) -> HttpResponse:
    """Record a new disclosure (a draft, version 1)."""
    commune = commune_for(request, code, Action.DISCLOSURE_CREATE)
    posted = request.method == "POST"
    form = DisclosureForm(request.POST if posted else None, villages=_active_villages(commune))
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                disclosure = services.disclosure_create(
                    actor=request.user, commune=commune, data=form.to_data()
                )
            except ApplicationError as error:
                status = _put(form, error)
            else:
                messages.success(request, _("Saved as a draft. Check it, then publish it."))
                return redirect("disclosure:bo_detail", pk=disclosure.pk)
    return _form_page(request, commune=commune, form=form, disclosure=None, status=status)


def _initial(version: DisclosureVersion) -> dict[str, Any]:
    return {
        "category": version.category,
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "source_document": version.source_document,
        "source_issued_on": version.source_issued_on,
        "sector_rule": version.sector_rule,
        "sector_deadline": version.sector_deadline,
        "villages": list(
            VersionVillage.objects.filter(version=version).values_list("village_id", flat=True)
        ),
        # A new version says what changed since the published one: nothing yet.
        "change_note": "" if version.is_frozen else version.change_note,
    }


@backoffice_view
def disclosure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the draft, or — once published — write the next version (Law 10/2022 Art. 14)."""
    disclosure = selectors.disclosure_get(
        actor=request.user, pk=pk, action=Action.DISCLOSURE_UPDATE
    )
    current = disclosure.current_version
    if current is None:
        raise Http404
    posted = request.method == "POST"
    form = DisclosureForm(
        request.POST if posted else None,
        initial=_initial(current),
        villages=_active_villages(disclosure.commune),
        change_required=current.is_frozen,
    )
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                disclosure = services.disclosure_update(
                    actor=request.user, disclosure=disclosure, data=form.to_data()
                )
            except ApplicationError as error:
                status = _put(form, error)
            else:
                if current.is_frozen:
                    note = _(
                        "Saved as version %(number)s, a draft: publish it to restart the duty to "
                        "publish. Residents keep reading version %(old)s until then."
                    ) % {"number": current.number + 1, "old": current.number}
                else:
                    note = _("Saved.")
                messages.success(request, note)
                return redirect("disclosure:bo_detail", pk=disclosure.pk)
    return _form_page(
        request, commune=disclosure.commune, form=form, disclosure=disclosure, status=status
    )


# ---------------------------------------------------------------------------------------------
# The detail page: versions, documents, the compliance matrix, the forms


def _published_version(
    disclosure: Disclosure, versions: Iterable[DisclosureVersion], number: int | None
) -> DisclosureVersion | None:
    """The published version ``number`` (404 if there is none), else the public one."""
    if number is None:
        return disclosure.public_version
    for version in versions:
        if version.number == number and version.is_frozen:
            return version
    raise Http404


def _record_form(
    request: HttpRequest,
    disclosure: Disclosure,
    version: DisclosureVersion | None,
    *,
    bound: bool = False,
) -> tuple[RecordForm | None, bool]:
    """The add-record form with the channels and villages this person may record, and whether
    they may record anything at all on ``version``."""
    if version is None:
        return None, False
    user, commune = request.user, disclosure.commune
    probe = PublishingRecord(commune=commune, version=version, channel=Channel.COMMUNE_OFFICE)
    commune_wide = can(user, Action.PUBLISHING_RECORD_CREATE, probe)
    allowed = list(restrict(_active_villages(commune), user, Action.PUBLISHING_RECORD_CREATE))
    if not version.all_villages:
        scope = set(
            VersionVillage.objects.filter(version=version).values_list("village_id", flat=True)
        )
        allowed = [v for v in allowed if v.pk in scope]
    channels = [
        (value, label)
        for value, label in Channel.choices
        if commune_wide or value in VILLAGE_CHANNELS
    ]
    may_record = (
        version.is_frozen
        and disclosure.status != Disclosure.Status.WITHDRAWN
        and (commune_wide or bool(allowed))
    )
    form = RecordForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        villages=_active_villages(commune),
        shown_villages=allowed,
        channels=channels,
    )
    return form, may_record


def _render_detail(
    request: HttpRequest,
    disclosure: Disclosure,
    *,
    number: int | None = None,
    status: int = 200,
    attachment_form: AttachmentForm | None = None,
    record_form: RecordForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    end_errors: dict[int, list[str]] | None = None,
    page_error: str | None = None,
) -> HttpResponse:
    user, commune = request.user, disclosure.commune
    current = disclosure.current_version
    if current is None:
        raise Http404
    versions = list(DisclosureVersion.objects.filter(disclosure=disclosure).order_by("-number"))
    shown = _published_version(disclosure, versions, number)
    matrix: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    compliance = None
    if shown is not None:
        compliance = selectors.compliance_for([shown])[shown.pk]
        end_errors = end_errors or {}
        names = dict(Village.objects.filter(commune=commune).values_list("pk", "name"))

        def prepared(record: PublishingRecord) -> PublishingRecord:
            # The scope of a record is read from its commune: no query per record.
            record.commune = commune
            record.may_end = record.ended_on is None and can(  # type: ignore[attr-defined]
                user, Action.PUBLISHING_RECORD_UPDATE, record
            )
            record.end_errors = end_errors.get(record.pk, [])  # type: ignore[attr-defined]
            record.village_name = names.get(record.village_id or 0, "")  # type: ignore[attr-defined]
            return record

        for requirement_status in compliance.statuses:
            matrix.append(
                {
                    "status": requirement_status,
                    "badge": outcome_badge(requirement_status),
                    "records": [prepared(r) for r in requirement_status.records],
                }
            )
        extra = [{"record": prepared(r)} for r in compliance.extra_records]
    blank_form, may_record = _record_form(request, disclosure, shown)
    if record_form is not None and not may_record:
        # Refused outright (no right to record here): say so above the page.
        page_error = page_error or " ".join(str(m) for m in record_form.non_field_errors()) or None
    record_form = record_form or blank_form
    withdrawn = disclosure.status == Disclosure.Status.WITHDRAWN
    may_update = not withdrawn and can(user, Action.DISCLOSURE_UPDATE, disclosure)
    may_publish = not withdrawn and can(user, Action.DISCLOSURE_PUBLISH, disclosure)
    context = {
        "commune": commune,
        "disclosure": disclosure,
        "current": current,
        "public": disclosure.public_version,
        "shown": shown,
        "versions": versions,
        "documents": Attachment.objects.filter(version=current, kind=Attachment.Kind.DOCUMENT),
        "scope_names": [] if current.all_villages else _scope_names(current),
        "current_basis": _deadline_basis(current),
        "shown_basis": _deadline_basis(shown) if shown is not None else "",
        "compliance": compliance,
        "matrix": matrix,
        "extra": extra,
        "withdrawn": withdrawn,
        "may_update": may_update,
        "may_attach": may_update and not current.is_frozen,
        "may_publish": may_publish and not current.is_frozen,
        "may_withdraw": may_publish,
        "may_record": may_record,
        "may_request_list": can(user, Action.INFO_REQUEST_LIST, commune),
        "attachment_form": attachment_form or AttachmentForm(),
        "record_form": record_form,
        "withdraw_form": withdraw_form or WithdrawForm(),
        "page_error": page_error,
    }
    return render(request, "disclosure/backoffice/detail.html", context, status=status)


def _scope_names(version: DisclosureVersion) -> list[str]:
    rows = VersionVillage.objects.filter(version=version).select_related("village")
    return [row.village.name for row in rows.order_by("village__name_folded")]


def _detail_url(disclosure: Disclosure, version: DisclosureVersion | None = None) -> str:
    url = reverse("disclosure:bo_detail", args=[disclosure.pk])
    if version is not None and version.pk != disclosure.public_version_id:
        url += f"?version={version.number}"
    return url


@backoffice_view
def disclosure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One disclosure: its versions, deadline, documents and the compliance matrix (Art. 13)."""
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    return _render_detail(request, disclosure, number=_number(request.GET.get("version")))


@backoffice_view
@require_POST
def disclosure_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the current version on the commune website (danchu) and freeze it."""
    disclosure = selectors.disclosure_get(
        actor=request.user, pk=pk, action=Action.DISCLOSURE_PUBLISH
    )
    try:
        disclosure = services.disclosure_publish(actor=request.user, disclosure=disclosure)
    except ApplicationError as error:
        status = _status_of(error)
        return _render_detail(request, disclosure, status=status, page_error=error.message)
    version = disclosure.public_version
    number = version.number if version is not None else 0
    messages.success(
        request,
        _(
            "Version %(number)s is published on the commune website. Record the other channels "
            "(notice boards, loudspeaker, village heads) as they are done."
        )
        % {"number": number},
    )
    return redirect("disclosure:bo_detail", pk=disclosure.pk)


@backoffice_view
@require_POST
def disclosure_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a disclosure off the public pages, with the reason (kept in the audit trail)."""
    disclosure = selectors.disclosure_get(
        actor=request.user, pk=pk, action=Action.DISCLOSURE_PUBLISH
    )
    form = WithdrawForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.disclosure_withdraw(
                actor=request.user, disclosure=disclosure, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            status = _put(form, error)
        else:
            messages.success(request, _("Withdrawn: it is no longer on the public pages."))
            return redirect("disclosure:bo_detail", pk=disclosure.pk)
    return _render_detail(request, disclosure, status=status, withdraw_form=form)


@backoffice_view
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to the current draft version (type and size checked by the service)."""
    disclosure = selectors.disclosure_get(
        actor=request.user, pk=pk, action=Action.DISCLOSURE_UPDATE
    )
    form = AttachmentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                actor=request.user, disclosure=disclosure, uploaded_file=form.cleaned_data["file"]
            )
        except ApplicationError as error:
            status = _put(form, error)
        else:
            messages.success(request, _("Attached %(name)s.") % {"name": attachment.name})
            return redirect("disclosure:bo_detail", pk=disclosure.pk)
    return _render_detail(request, disclosure, status=status, attachment_form=form)


@backoffice_view
@require_POST
def attachment_remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """Remove a document from a draft version (a published version is frozen)."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id, kind=Attachment.Kind.DOCUMENT)
        .select_related("version")
        .first()
    )
    if attachment is None or attachment.version is None:
        raise Http404
    disclosure = selectors.disclosure_get(actor=request.user, pk=attachment.version.disclosure_id)
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
    except ApplicationError as error:
        status = _status_of(error)
        return _render_detail(request, disclosure, status=status, page_error=error.message)
    messages.success(request, _("Removed %(name)s.") % {"name": attachment.name})
    return redirect("disclosure:bo_detail", pk=disclosure.pk)


@backoffice_view
@require_POST
def record_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one act of publishing of a published version, with proof files."""
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    versions = DisclosureVersion.objects.filter(disclosure=disclosure)
    number = _number(request.POST.get("version"))
    version = _published_version(disclosure, versions, number)
    if version is None:
        return _render_detail(
            request,
            disclosure,
            status=400,
            page_error=_("Publish this version before recording its postings."),
        )
    form, _may = _record_form(request, disclosure, version, bound=True)
    assert form is not None
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.publishing_record_add(
                actor=request.user,
                version=version,
                channel=data["channel"],
                village=data["village"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                performed_by=data["performed_by"],
                note=data["note"],
                proofs=data["proofs"],
            )
        except ApplicationError as error:
            status = _put(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect(_detail_url(disclosure, version))
    return _render_detail(
        request, disclosure, number=version.number, status=status, record_form=form
    )


@backoffice_view
@require_POST
def record_end(request: HttpRequest, record_id: int) -> HttpResponse:
    """Record the last day a notice was up."""
    record = (
        PublishingRecord.objects.filter(pk=record_id).select_related("version", "village").first()
    )
    if record is None:
        raise Http404
    disclosure = selectors.disclosure_get(actor=request.user, pk=record.version.disclosure_id)
    form = EndRecordForm(request.POST, prefix=f"end-{record.pk}")
    status, errors = 400, []
    if form.is_valid():
        try:
            services.publishing_record_end(
                actor=request.user, record=record, ended_on=form.cleaned_data["ended_on"]
            )
        except ApplicationError as error:
            status, errors = _status_of(error), error_messages(error)
        else:
            messages.success(request, _("Recorded."))
            return redirect(_detail_url(disclosure, record.version))
    else:
        errors = [str(m) for found in form.errors.values() for m in found]
    version = record.version if record.version.is_frozen else None
    return _render_detail(
        request,
        disclosure,
        number=version.number if version is not None else None,
        status=status,
        end_errors={record.pk: errors},
    )


# ---------------------------------------------------------------------------------------------
# Registers: per village, per quarter (Art. 13(2))


@backoffice_view
def village_register(request: HttpRequest, code: str, village_id: int) -> HttpResponse:
    """One village's duties: each published disclosure in its scope and how it stands."""
    commune = commune_for(request, code, Action.DISCLOSURE_LIST)
    village = Village.objects.filter(commune=commune, pk=village_id).first()
    if village is None:
        raise Http404
    rows = [
        {
            "disclosure": disclosure,
            "version": disclosure.public_version,
            "duties": [{"status": s, "badge": outcome_badge(s)} for s in statuses],
        }
        for disclosure, statuses in selectors.village_register(
            actor=request.user, commune=commune, village=village
        )
    ]
    context = {"commune": commune, "village": village, "rows": rows}
    return render(request, "disclosure/backoffice/village_register.html", context)


def _quarter_form(request: HttpRequest) -> QuarterForm:
    if "year" in request.GET or "quarter" in request.GET:
        return QuarterForm(request.GET)
    today = timezone.localdate()
    return QuarterForm({"year": today.year, "quarter": (today.month - 1) // 3 + 1})


def _register_lines(
    rows: list[selectors.RegisterRow], commune: AdministrativeUnit
) -> list[dict[str, Any]]:
    """The table's lines: each act as "channel (village) from–until"."""
    names = dict(Village.objects.filter(commune=commune).values_list("pk", "name"))
    lines = []
    for row in rows:
        acts = []
        for record in row.records:
            acts.append(
                {
                    "channel": record.get_channel_display(),
                    "village": names.get(record.village_id or 0, ""),
                    "from": _day(record.started_on),
                    "until": _day(record.ended_on),
                }
            )
        lines.append({"row": row, "version": row.version, "acts": acts})
    return lines


@backoffice_view
def quarterly_register(request: HttpRequest, code: str) -> HttpResponse:
    """The register of what was publicised in a quarter, with forms and dates (Art. 13(2))."""
    commune = commune_for(request, code, Action.DISCLOSURE_EXPORT)
    form = _quarter_form(request)
    lines: list[dict[str, Any]] = []
    year = quarter = None
    status = 400
    if form.is_valid():
        status = 200
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        rows = selectors.quarterly_register(
            actor=request.user, commune=commune, year=year, quarter=quarter
        )
        lines = _register_lines(rows, commune)
    first, last = selectors.quarter_bounds(year, quarter) if year and quarter else (None, None)
    context = {
        "commune": commune,
        "form": form,
        "lines": lines,
        "year": year,
        "quarter": quarter,
        "quarter_label": dict(QUARTERS).get(quarter or 0, ""),
        "first": first,
        "last": last,
    }
    return render(request, "disclosure/backoffice/quarterly.html", context, status=status)


@backoffice_view
def quarterly_register_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The quarterly register as DOCX (NĐ 30/2020 format) or XLSX."""
    if fmt not in EXPORT_TYPES:
        raise Http404
    commune = commune_for(request, code, Action.DISCLOSURE_EXPORT)
    form = _quarter_form(request)
    if not form.is_valid():
        context = {"commune": commune, "form": form, "lines": [], "year": None, "quarter": None}
        return render(request, "disclosure/backoffice/quarterly.html", context, status=400)
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    rows = selectors.quarterly_register(
        actor=request.user, commune=commune, year=year, quarter=quarter
    )
    from danchu.disclosure import exports  # python-docx and openpyxl load only when needed

    if fmt == "docx":
        content = exports.quarterly_register_docx(
            rows, commune=commune, year=year, quarter=quarter,
            issued_by=_signer(request.user, commune),
        )  # fmt: skip
    else:
        content = exports.quarterly_register_xlsx(rows, commune=commune, year=year, quarter=quarter)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    filename = exports.register_filename(commune, year, quarter, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _signer(user: Any, commune: AdministrativeUnit) -> str | None:
    """The name under "CHAIR" on the document: the person's own when they chair the commune;
    otherwise left blank for the chair to sign (an official prepares, the chair signs)."""
    chairs = RoleAssignment.objects.active().filter(
        user_id=user.pk, role=Role.COMMUNE_CHAIR, commune=commune
    )
    if not chairs.exists():
        return None
    return str(getattr(user, "full_name", "") or user.get_username())


# ---------------------------------------------------------------------------------------------
# Information requests (Law 10/2022 Art. 14)


def _asked_disclosure(commune: AdministrativeUnit, value: str | None) -> Disclosure | None:
    number = _number(value)
    if number is None:
        return None
    return selectors.disclosure_get_public(commune, number)


@login_required
@permission_errors
def request_create(request: HttpRequest, code: str) -> HttpResponse:
    """A resident asks the commune for information not (or no longer) posted."""
    commune = commune_for(request, code, Action.INFO_REQUEST_CREATE)
    disclosure = _asked_disclosure(commune, request.GET.get("disclosure"))
    posted = request.method == "POST"
    initial = {"subject": str(disclosure)[:300]} if disclosure is not None else {}
    form = InformationRequestForm(request.POST if posted else None, initial=initial)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                asked = services.information_request_submit(
                    actor=request.user,
                    commune=commune,
                    subject=data["subject"],
                    message=data["message"],
                    reason=data["reason"],
                    disclosure=disclosure,
                )
            except ApplicationError as error:
                status = _put(form, error)
            else:
                messages.success(
                    request,
                    _("Your request was received. The commune must answer by %(date)s.")
                    % {"date": _day(asked.due_on)},
                )
                return redirect("disclosure:request_detail", pk=asked.pk)
    context = {"commune": commune, "form": form, "disclosure": disclosure}
    return render(request, "disclosure/requests/create.html", context, status=status)


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own requests, newest first."""
    found = (
        InformationRequest.objects.filter(requester_id=request.user.pk)
        .select_related("commune")
        .order_by("-received_at", "-id")
    )
    context = {"page_obj": paginate(request, found), "today": timezone.localdate()}
    return render(request, "disclosure/requests/mine.html", context)


@login_required
@permission_errors
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request, for its requester or an official of its commune."""
    try:
        asked = selectors.information_request_get(actor=request.user, pk=pk)
    except PermissionDenied as error:
        # Another resident's request does not exist for you, even in your own commune.
        raise Http404 from error
    context = {
        "asked": asked,
        "today": timezone.localdate(),
        "may_answer": can(request.user, Action.INFO_REQUEST_ANSWER, asked),
    }
    return render(request, "disclosure/requests/detail.html", context)


@backoffice_view
def request_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's information requests, soonest due first, overdue ones marked."""
    commune = commune_for(request, code, Action.INFO_REQUEST_LIST)
    form = RequestFilterForm(request.GET or None)
    today = timezone.localdate()
    chosen = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    if chosen == RequestFilterForm.OVERDUE:
        found = selectors.information_request_list(
            actor=request.user, commune=commune, status=InformationRequest.Status.OPEN
        ).filter(due_on__lt=today)
    else:
        found = selectors.information_request_list(
            actor=request.user, commune=commune, status=chosen or None
        )
    context = {
        "commune": commune,
        "form": form,
        "page_obj": paginate(request, found),
        "today": today,
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "disclosure/backoffice/requests.html", context, status=status)


@backoffice_view
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """An official reads a request and answers it; the requester sees the answer."""
    asked = selectors.information_request_get(actor=request.user, pk=pk)
    may_answer = can(request.user, Action.INFO_REQUEST_ANSWER, asked)
    posted = request.method == "POST"
    if posted and not may_answer:
        raise DjangoPermissionDenied
    form = AnswerForm(request.POST if posted else None)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                services.information_request_answer(
                    actor=request.user, request=asked, answer=form.cleaned_data["answer"]
                )
            except ApplicationError as error:
                status = _put(form, error)
            else:
                messages.success(request, _("Answered: the requester sees it on their page."))
                return redirect("disclosure:bo_request_answer", pk=asked.pk)
    context = {
        "commune": asked.commune,
        "asked": asked,
        "form": form,
        "today": timezone.localdate(),
        "may_answer": may_answer and asked.status == InformationRequest.Status.OPEN,
    }
    return render(request, "disclosure/backoffice/request_answer.html", context, status=status)
