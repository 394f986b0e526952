"""Back-office pages of the review reports (báo cáo sơ kết, tổng kết): the list of a commune's
or a province's reports, create a draft, write its text, refresh its figures, issue it, and
download it as DOCX or PDF.

Reviews are internal papers of the People's Committee (REVIEW_VIEW): Law 10/2022 Art. 11 does
not list them among what the commune must publish (see docs/reporting-reviews.md). Views parse,
authorize and render; the services judge.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can
from danchu.core.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from danchu.core.errors import ApplicationError
from danchu.reporting import review_selectors as selectors
from danchu.reporting import reviews
from danchu.reporting.models import ReviewReport
from danchu.reporting.review_documents import (
    DocumentUnavailable,
    document_filename,
    review_docx,
    review_facts,
    review_pdf,
)
from danchu.reporting.review_forms import IssueForm, ReviewCreateForm, ReviewTextForm
from danchu.territory.models import AdministrativeUnit
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import paginate

__all__ = [
    "review_create",
    "review_detail",
    "review_document",
    "review_edit",
    "review_issue",
    "review_list",
    "review_refresh",
]


def _unit(request: HttpRequest, level: str, code: str, action: Action) -> AdministrativeUnit:
    return selectors.unit_for_actor(request.user, level, code, action)


def _list_url(report: ReviewReport) -> str:
    from django.urls import reverse

    level = "xa" if report.commune_id else "tinh"
    return reverse("reporting:review_list", args=[level, report.unit.code])


@backoffice_view
def review_list(request: HttpRequest, level: str, code: str) -> HttpResponse:
    unit = _unit(request, level, code, Action.REVIEW_VIEW)
    page = paginate(request, selectors.reviews_of_unit(request.user, unit))
    context = {
        "unit": unit, "level": level, "page_obj": page,
        "may_create": can(request.user, Action.REVIEW_WRITE, selectors.probe(unit)),
    }  # fmt: skip
    return render(request, "reporting/review_list.html", context)


@backoffice_view
def review_create(request: HttpRequest, level: str, code: str) -> HttpResponse:
    unit = _unit(request, level, code, Action.REVIEW_WRITE)
    form = ReviewCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = reviews.review_create(
                actor=request.user, unit=unit, kind=form.cleaned_data["kind"],
                period=form.cleaned_data["period"],
            )  # fmt: skip
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The draft report is created with today's figures."))
            return redirect("reporting:review_detail", pk=report.pk)
    status = 400 if form.is_bound and form.errors else 200
    context = {"unit": unit, "level": level, "form": form}
    return render(request, "reporting/review_create.html", context, status=status)


def _render_detail(request: HttpRequest, report: ReviewReport, status: int = 200,
                   **extra: Any) -> HttpResponse:  # fmt: skip
    user = request.user
    public_only = selectors.public_view(user, report)
    context = {
        "report": report, "facts": review_facts(report, public_only=public_only),
        "may_write": not report.is_issued and can(user, Action.REVIEW_WRITE, report),
        "may_issue": not report.is_issued and can(user, Action.REVIEW_ISSUE, report),
        "issue_form": extra.get("issue_form") or IssueForm(),
        "page_error": extra.get("page_error"), "list_url": _list_url(report),
    }  # fmt: skip
    return render(request, "reporting/review_detail.html", context, status=status)


@backoffice_view
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.review_get(request.user, pk))


@backoffice_view
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.review_get(request.user, pk, Action.REVIEW_WRITE)
    if report.is_issued:
        message = _("This report is issued: it can no longer change.")
        return _render_detail(request, report, status=409, page_error=message)
    form = ReviewTextForm.of(report, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviews.review_update(
                actor=request.user, report=report, text=reviews.ReviewText(**form.cleaned_data)
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The report is saved."))
            return redirect("reporting:review_detail", pk=pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "reporting/review_edit.html", {"report": report, "form": form},
                  status=status)  # fmt: skip


@backoffice_view
@require_POST
def review_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.review_get(request.user, pk, Action.REVIEW_WRITE)
    try:
        reviews.review_refresh(actor=request.user, report=report)
    except ApplicationError as error:
        report.refresh_from_db()
        return _render_detail(request, report, status=error.status, page_error=error.message)
    messages.success(request, _("The figures are computed again from today's data."))
    return redirect("reporting:review_detail", pk=pk)


@backoffice_view
@require_POST
def review_issue(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.review_get(request.user, pk, Action.REVIEW_ISSUE)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            report = reviews.review_issue(
                actor=request.user, report=report, issued_on=form.cleaned_data["issued_on"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("Report %(reference)s is issued.") % {"reference": report.reference}
            )
            return redirect("reporting:review_detail", pk=pk)
    report.refresh_from_db()
    status = 409 if report.is_issued else 400
    return _render_detail(request, report, status=status, issue_form=form)


@backoffice_view
def review_document(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    """The report as DOCX or PDF (drafts marked "DỰ THẢO"); readers without the right to the
    non-public indicators get a copy without them."""
    report = selectors.review_get(request.user, pk)
    public_only = selectors.public_view(request.user, report)
    if ext == "docx":
        data, content_type = review_docx(report, public_only=public_only), DOCX_CONTENT_TYPE
    elif ext == "pdf":
        try:
            data = review_pdf(report, public_only=public_only)
        except DocumentUnavailable:
            return HttpResponse(_("PDF documents cannot be made on this server for now."),
                                status=503, content_type="text/plain; charset=utf-8")  # fmt: skip
        content_type = PDF_CONTENT_TYPE
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if ext == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{document_filename(report, ext)}"'
    return response
