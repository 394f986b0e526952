"""Back office of citizens' requests: work queues, keying-in, handling, the identity page and
the CSV export. Pages and the export show the content, never the requester; only
:func:`identity_view` shows who filed a request, to the handler and the chair, and logs it."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts.models import OFFICIAL_ROLES, RoleAssignment
from danchu.accounts.permissions import Action, can
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied
from danchu.disclosure import files
from danchu.petitions import identity, selectors, services
from danchu.petitions.forms import (
    AcceptForm,
    AnswerForm,
    ClassifyForm,
    ClockForm,
    FileRequestForm,
    ForwardForm,
    QueueFilterForm,
    ReasonForm,
)
from danchu.petitions.models import CitizenRequest, RequestAttachment
from danchu.petitions.public_views import form_uploads, request_data
from danchu.territory.models import Village
from danchu.web.forms import add_application_error, error_messages
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate

__all__ = [
    "attachment_download",
    "attachment_upload",
    "export_csv",
    "handle",
    "identity_view",
    "key_in",
    "queue",
    "request_detail",
]


def _filtered(request: HttpRequest, code: str, action: Action) -> tuple[Any, Any, QueueFilterForm]:
    commune = commune_for(request, code, action)
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.request_list(
        actor=request.user, commune=commune, kind=data.get("kind") or None,
        queue=data.get("queue") or None, query=data.get("q") or None,
    )  # fmt: skip
    return commune, rows, form


@backoffice_view
def queue(request: HttpRequest, code: str) -> HttpResponse:
    """Due soon, overdue, unassigned, by kind: the officials' work list."""
    commune, rows, form = _filtered(request, code, Action.PETITION_REQUEST_LIST)
    page = paginate(request, rows)
    for row in page.object_list:
        row.next_due = services.next_due(row)
    context = {
        "commune": commune, "form": form, "page_obj": page, "today": timezone.localdate(),
        "may_key_in": can(request.user, Action.PETITION_REQUEST_KEY_IN, commune),
    }  # fmt: skip
    return render(request, "petitions/requests/bo_queue.html", context,
                  status=400 if form.is_bound and not form.is_valid() else 200)  # fmt: skip


@backoffice_view
def export_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The filtered list as CSV: content and clocks, no requester (Luật Tố cáo Art. 8(3))."""
    commune, rows, _form = _filtered(request, code, Action.PETITION_REQUEST_LIST)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="phan-anh-{commune.code}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Tracking code"), _("Kind"), _("Status"), _("Received"), _("Subject"),
                     _("Content"), _("Village"), _("Due by"), _("Answered")])  # fmt: skip
    for row in rows[:20000]:
        writer.writerow([
            row.tracking_code, row.get_kind_display(), row.get_status_display(),
            row.received_on.isoformat(), _csv_safe(row.subject), _csv_safe(row.content),
            row.village.name if row.village else "",
            _day(services.next_due(row) or row.due_on),
            row.answered_at.date().isoformat() if row.answered_at else "",
        ])  # fmt: skip
    return response


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _csv_safe(value: str) -> str:
    # A cell that starts like a formula must not run in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@backoffice_view
def key_in(request: HttpRequest, code: str) -> HttpResponse:
    """An official records a request that came by phone, post or at a reception day."""
    commune = commune_for(request, code, Action.PETITION_REQUEST_KEY_IN)
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name_folded")
    form = FileRequestForm(
        request.POST or None, request.FILES or None, villages=villages, keyed_in=True
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                filed = services.request_submit(
                    actor=request.user, commune=commune, data=request_data(form.cleaned_data),
                    channel=form.cleaned_data["channel"], uploads=form_uploads(form),
                )  # fmt: skip
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                note = _("Recorded. Give the requester the tracking code %(code)s.")
                messages.success(request, note % {"code": filed.tracking_code})
                return redirect("petitions:bo_detail", filed.pk)
    context = {"commune": commune, "form": form}
    return render(request, "petitions/requests/bo_key_in.html", context, status=status)


def _get(request: HttpRequest, pk: int) -> CitizenRequest:
    try:
        return selectors.request_get(actor=request.user, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error


def _handlers(req: CitizenRequest) -> Any:
    return (
        RoleAssignment.objects.active()
        .filter(commune_id=req.commune_id, role__in=OFFICIAL_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )


def _detail(
    request: HttpRequest, req: CitizenRequest, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "req": req, "commune": req.commune, "next_due": services.next_due(req),
        "clock": req.clock.all(), "handlers": _handlers(req),
        "files": [a for a in req.attachments.all() if identity.may_open(request.user, a)],
        "may_handle": can(request.user, Action.PETITION_REQUEST_HANDLE, req) and req.is_open,
        "may_see_identity": identity.may_see_identity(request.user, req),
        "classify_form": forms.get("classify") or ClassifyForm(initial={"kind": req.kind}),
        "accept_form": forms.get("accept") or AcceptForm(),
        "answer_form": forms.get("answer") or AnswerForm(),
        "reject_form": forms.get("reject") or ReasonForm(),
        "forward_form": forms.get("forward") or ForwardForm(),
        "clock_form": forms.get("clock") or ClockForm(),
    }  # fmt: skip
    return render(request, "petitions/requests/bo_detail.html", context, status=status)


@backoffice_view
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get(request, pk))


_FORMS = {
    "classify": ClassifyForm, "accept": AcceptForm, "answer": AnswerForm, "reject": ReasonForm,
    "forward": ForwardForm, "clock": ClockForm,
}  # fmt: skip


def _apply(step: str, actor: Any, req: CitizenRequest, data: dict[str, Any]) -> None:
    if step == "classify":
        services.request_classify(actor=actor, request=req, **data)
    elif step == "accept":
        services.request_accept(
            actor=actor, request=req, decision_known_on=data["decision_known_on"],
            excluded_days=data["excluded_days"] or 0,
        )  # fmt: skip
    elif step == "answer":
        services.request_answer(actor=actor, request=req, answer=data["answer"])
    elif step == "reject":
        services.request_reject(actor=actor, request=req, reason=data["reason"])
    elif step == "forward":
        services.request_forward(actor=actor, request=req, **data)
    else:
        action = {"pause": services.request_pause, "resume": services.request_resume,
                  "extend": services.request_extend}[data.pop("action")]  # fmt: skip
        action(actor=actor, request=req, **data)


def _merge(request: HttpRequest, req: CitizenRequest) -> HttpResponse:
    """Merge a flagged duplicate into the request it repeats (same commune, still open)."""
    into = CitizenRequest.objects.filter(
        commune_id=req.commune_id, tracking_code=(request.POST.get("into") or "").strip().upper()
    ).first()
    if into is None:
        messages.error(request, _("Choose another open request of this commune."))
        return _detail(request, req, status=400)
    try:
        services.request_merge(actor=request.user, request=req, into=into)
    except ApplicationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return _detail(request, req, status=403 if isinstance(error, PermissionDenied) else 400)
    return redirect("petitions:bo_detail", req.pk)


@backoffice_view
@require_POST
def handle(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One handling step posted from the detail page."""
    req = _get(request, pk)
    if step == "assign":
        try:
            handler = _handlers(req).filter(user_id=int(request.POST.get("handler") or 0)).first()
            services.request_assign(
                actor=request.user, request=req, handler=handler and handler.user
            )
        except (ApplicationError, ValueError) as error:
            messages.error(
                request, getattr(error, "message", _("Choose an official of this commune."))
            )
            return _detail(request, req, status=400)
        return redirect("petitions:bo_detail", req.pk)
    if step == "merge":
        return _merge(request, req)
    if step not in _FORMS:
        raise Http404
    form = _FORMS[step](request.POST)
    if form.is_valid():
        try:
            _apply(step, request.user, req, dict(form.cleaned_data))
        except ApplicationError as error:
            add_application_error(form, error)
            status = 403 if isinstance(error, PermissionDenied) else 400
            return _detail(request, req, status=status, **{step: form})
        return redirect("petitions:bo_detail", req.pk)
    return _detail(request, req, status=400, **{step: form})


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """A request's file, through the permission check; a denouncer's own file only for the
    handler and the chair, and logged."""
    attachment = (
        RequestAttachment.objects.select_related("request").filter(pk=attachment_id).first()
    )
    if attachment is None:
        raise Http404
    try:
        identity.open_attachment(request.user, attachment)
        handle = open(files.stored_path(attachment.path), "rb")  # noqa: SIM115 (FileResponse closes it)
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except (ValueError, OSError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=attachment.content_type, as_attachment=True,
                            filename=attachment.name)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@backoffice_view
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """An official adds a file to the request (a decision, a stripped copy for verifiers)."""
    req = _get(request, pk)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file."))
        return _detail(request, req, status=400)
    try:
        services.attachment_add(actor=request.user, request=req, uploaded_file=uploaded)
    except ApplicationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return _detail(request, req, status=403 if isinstance(error, PermissionDenied) else 400)
    return redirect("petitions:bo_detail", req.pk)


@backoffice_view
def identity_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Who filed the request: the handler and the chair only; each look is logged."""
    req = _get(request, pk)
    try:
        person = identity.reveal(request.user, req)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except NotFound as error:
        raise Http404(error.message) from error
    response = render(
        request, "petitions/requests/bo_identity.html", {"req": req, "person": person}
    )
    response["Cache-Control"] = "no-store"
    return response
