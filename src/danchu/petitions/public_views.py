"""Public pages of citizens' requests: file one, follow it by its tracking code, rate or reopen
it, and the commune's on-time rate. No sign-in; no personal data on any page."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from danchu.core.errors import ApplicationError, NotFound
from danchu.petitions import selectors, services
from danchu.petitions.forms import FileRequestForm, RateForm, ReopenForm, TrackForm
from danchu.petitions.models import RequestChannel, RequestStatus
from danchu.territory.models import AdministrativeUnit, Village
from danchu.territory.selectors import commune_public
from danchu.web.forms import add_application_error

__all__ = ["file_request", "form_uploads", "on_time", "rate", "reopen", "track", "track_lookup"]


def _commune(code: str) -> AdministrativeUnit:
    try:
        return commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error


def request_data(cleaned: dict) -> services.RequestData:  # type: ignore[type-arg]
    village = cleaned.get("village")
    return services.RequestData(
        kind=cleaned["kind"], subject=cleaned["subject"], content=cleaned["content"],
        village_id=village.pk if village else None, latitude=cleaned.get("latitude"),
        longitude=cleaned.get("longitude"), full_name=cleaned.get("full_name") or "",
        phone=cleaned.get("phone") or "", email=cleaned.get("email") or "",
        address=cleaned.get("address") or "", received_on=cleaned.get("received_on"),
    )  # fmt: skip


def form_uploads(form: FileRequestForm) -> list[object]:
    uploaded = form.cleaned_data.get("file")
    return [uploaded] if uploaded else []


def file_request(request: HttpRequest, code: str) -> HttpResponse:
    """A resident files a request on the web and receives its tracking code."""
    commune = _commune(code)
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name_folded")
    form = FileRequestForm(request.POST or None, request.FILES or None, villages=villages)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                filed = services.request_submit(
                    actor=request.user, commune=commune, data=request_data(form.cleaned_data),
                    channel=RequestChannel.WEB, uploads=form_uploads(form),
                )  # fmt: skip
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                return redirect("petitions:track", filed.tracking_code)
    context = {"commune": commune, "form": form, "track_form": TrackForm()}
    return render(request, "petitions/requests/file.html", context, status=status)


def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("petitions:track", form.cleaned_data["code"].strip().upper())
    return render(
        request,
        "petitions/requests/lookup.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _track_page(
    request: HttpRequest, code: str, *, status: int = 200, **forms: object
) -> HttpResponse:
    try:
        found = selectors.request_by_code(code)
    except NotFound as error:
        raise Http404(error.message) from error
    context = {
        "req": found,
        "rate_form": forms.get("rate_form") or RateForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "may_rate": found.status == RequestStatus.ANSWERED,
        "may_reopen": found.status in (RequestStatus.ANSWERED, RequestStatus.CLOSED)
        and found.reopened_count < 1,
        "next_due": services.next_due(found),
    }
    return render(request, "petitions/requests/track.html", context, status=status)


def track(request: HttpRequest, code: str) -> HttpResponse:
    """Status, dates and the answer; never who filed it."""
    return _track_page(request, code)


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.request_rate(
                tracking_code=code, satisfaction=form.cleaned_data["satisfaction"]
            )
        except NotFound as error:
            raise Http404(error.message) from error
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("petitions:track", code)
    return _track_page(request, code, status=400, rate_form=form)


@require_POST
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.request_reopen(tracking_code=code, reason=form.cleaned_data["reason"])
        except NotFound as error:
            raise Http404(error.message) from error
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("petitions:track", code)
    return _track_page(request, code, status=400, reopen_form=form)


def on_time(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's requests of the last twelve months, by kind, and how many on time."""
    commune = _commune(code)
    today = timezone.localdate()
    start = date(today.year - 1, today.month, 1)
    figures = selectors.request_figures(commune, start, today)
    resolved = sum(f.resolved for f in figures)
    on_time_count = sum(f.resolved_on_time for f in figures)
    context = {
        "commune": commune, "figures": figures, "start": start, "end": today,
        "resolved": resolved, "on_time": on_time_count,
        "rate": round(100 * on_time_count / resolved, 1) if resolved else None,
    }  # fmt: skip
    return render(request, "petitions/requests/on_time.html", context)
