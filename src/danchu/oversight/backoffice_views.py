"""Back office of the oversight boards: the recommendations with their 15-day clock, the
commune's answers and the boards' follow-up, residents' concerns, and the record of a site
visit (findings, checklist, photos).

Views parse, authorise through the permission layer, call a service and render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Case, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can, get_for_actor, require
from danchu.core.errors import ApplicationError
from danchu.oversight import selectors, services
from danchu.oversight.models import (
    BoardKind,
    Concern,
    Inspection,
    InspectionPhoto,
    Recommendation,
    SupervisedWork,
)
from danchu.territory.models import Village
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate

__all__ = ["answer", "close", "concern_handle", "inspection", "overview", "photo"]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("The commune's answer"), widget=forms.Textarea, max_length=10000
    )
    answered_on = forms.DateField(label=gettext_lazy("Answered on"))


class CloseForm(forms.Form):
    follow_up = forms.CharField(
        label=gettext_lazy("Follow-up"), widget=forms.Textarea, max_length=10000
    )
    closed_on = forms.DateField(label=gettext_lazy("Closed on"))


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("The board's reply"), widget=forms.Textarea, max_length=10000
    )


class FindingsForm(forms.Form):
    carried_out_on = forms.DateField(label=gettext_lazy("Carried out on"))
    findings = forms.CharField(
        label=gettext_lazy("Findings"), widget=forms.Textarea, max_length=10000
    )
    checklist = forms.CharField(
        label=gettext_lazy("Checklist: one item per line, starting with + (conforms) or - (not)"),
        widget=forms.Textarea,
        required=False,
        max_length=10000,
    )


class InspectionPlanForm(forms.Form):
    board_kind = forms.ChoiceField(label=gettext_lazy("Board"), choices=BoardKind.choices)
    work = forms.ModelChoiceField(
        label=gettext_lazy("Supervised work"), queryset=SupervisedWork.objects.none(),
        required=False,
    )  # fmt: skip
    village = forms.ModelChoiceField(
        label=gettext_lazy("Village or residential group"), queryset=Village.objects.none(),
        required=False,
    )  # fmt: skip
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    inspected_party = forms.CharField(label=gettext_lazy("Inspected party"), max_length=300)
    notified_on = forms.DateField(label=gettext_lazy("Plan notified on"))
    starts_on = forms.DateField(label=gettext_lazy("Inspection day"))


class RecommendationForm(forms.Form):
    board_kind = forms.ChoiceField(label=gettext_lazy("Board"), choices=BoardKind.choices)
    work = forms.ModelChoiceField(
        label=gettext_lazy("Supervised work"), queryset=SupervisedWork.objects.none(),
        required=False,
    )  # fmt: skip
    village = forms.ModelChoiceField(
        label=gettext_lazy("Village or residential group"), queryset=Village.objects.none(),
        required=False,
    )  # fmt: skip
    content = forms.CharField(
        label=gettext_lazy("Recommendation"), widget=forms.Textarea, max_length=10000
    )
    votes_for = forms.IntegerField(label=gettext_lazy("Members in favour"), min_value=0)
    received_on = forms.DateField(label=gettext_lazy("Received by the commune on"))
    suspend_works = forms.BooleanField(
        label=gettext_lazy("Recommend suspending the works (serious case)"), required=False
    )


def _scoped(form: forms.Form, commune: Any) -> forms.Form:
    form.fields["work"].queryset = SupervisedWork.objects.filter(  # type: ignore[attr-defined]
        commune=commune
    ).order_by("-starts_on", "-id")
    form.fields["village"].queryset = Village.objects.filter(  # type: ignore[attr-defined]
        commune=commune, is_active=True
    ).order_by("name", "id")
    return form


class PhotoForm(forms.Form):
    photo = forms.FileField(label=gettext_lazy("Photo (PNG or JPEG)"))
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=300, required=False)


@backoffice_view
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """Recommendations (open first, by due day) with the answer and close forms each person
    may use; the concerns for the boards; this year's figures."""
    commune = commune_for(request, code, Action.BOARD_VIEW)
    user = request.user
    today = timezone.localdate()
    page_obj = paginate(
        request,
        selectors.recommendation_list(actor=user, commune=commune)
        .annotate(open_first=Case(When(status="open", then=0), default=1))
        .order_by("open_first", "due_on", "id"),
    )
    may_work = can(user, Action.BOARD_WORK, commune)
    may_recommend = can(user, Action.RECOMMENDATION_CREATE, commune)
    plan_form = _scoped(InspectionPlanForm(initial={"notified_on": today}), commune)
    recommendation_form = _scoped(RecommendationForm(initial={"received_on": today}), commune)
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("form") == "recommendation":
            require(user, Action.RECOMMENDATION_CREATE, commune)
            recommendation_form = _scoped(RecommendationForm(request.POST), commune)
            if _recommend(request, commune, recommendation_form):
                return redirect("oversight:bo_overview", commune.code)
        else:
            require(user, Action.BOARD_WORK, commune)
            plan_form = _scoped(InspectionPlanForm(request.POST), commune)
            if _plan(request, commune, plan_form):
                return redirect("oversight:bo_overview", commune.code)
    context: dict[str, Any] = {
        "commune": commune,
        "today": today,
        "page_obj": page_obj,
        "may_answer": can(user, Action.RECOMMENDATION_ANSWER, commune),
        "may_close": can(user, Action.RECOMMENDATION_CLOSE, commune),
        "may_work": may_work,
        "may_recommend": may_recommend,
        "plan_form": plan_form,
        "recommendation_form": recommendation_form,
        "answer_form": AnswerForm(initial={"answered_on": today}),
        "close_form": CloseForm(initial={"closed_on": today}),
        "reply_form": ReplyForm(),
        # A concern's sender is shown only to the boards, who answer them (Art. 38).
        "concerns": list(selectors.concern_list(actor=user, commune=commune)[:50])
        if may_work
        else [],
        "inspections": list(Inspection.objects.filter(commune=commune).select_related("work")[:50]),
        "figures": selectors.oversight_figures(commune, today.replace(month=1, day=1), today),
    }
    return render(request, "oversight/backoffice/overview.html", context, status=status)


def _plan(request: HttpRequest, commune: Any, form: forms.Form) -> bool:
    """Plan an inspection; True when it was saved (else the form carries the errors)."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.inspection_plan(
            actor=request.user, commune=commune, board_kind=data["board_kind"],
            subject=data["subject"], inspected_party=data["inspected_party"],
            starts_on=data["starts_on"], notified_on=data["notified_on"], work=data["work"],
            village=data["village"],
        )  # fmt: skip
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(request, _("Saved."))
    return True


def _recommend(request: HttpRequest, commune: Any, form: forms.Form) -> bool:
    """Record a board's recommendation; True when it was saved."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.recommendation_make(
            actor=request.user, commune=commune, board_kind=data["board_kind"],
            content=data["content"], votes_for=data["votes_for"],
            received_on=data["received_on"], work=data["work"], village=data["village"],
            suspend_works=data["suspend_works"],
        )  # fmt: skip
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(request, _("Saved."))
    return True


def _back(row: Any) -> HttpResponse:
    return redirect("oversight:bo_overview", row.commune.code)


@require_POST
@backoffice_view
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_for_actor(
        Recommendation.objects.select_related("commune"),
        request.user,
        Action.RECOMMENDATION_ANSWER,
        pk=pk,
    )
    form = AnswerForm(request.POST)
    return _submit(
        request,
        row,
        form,
        lambda data: services.recommendation_answer(
            actor=request.user,
            recommendation=row,
            answer=data["answer"],
            answered_on=data["answered_on"],
        ),  # fmt: skip
    )


@require_POST
@backoffice_view
def close(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_for_actor(
        Recommendation.objects.select_related("commune"),
        request.user,
        Action.RECOMMENDATION_CLOSE,
        pk=pk,
    )
    form = CloseForm(request.POST)
    return _submit(
        request,
        row,
        form,
        lambda data: services.recommendation_close(
            actor=request.user,
            recommendation=row,
            follow_up=data["follow_up"],
            closed_on=data["closed_on"],
        ),  # fmt: skip
    )


@require_POST
@backoffice_view
def concern_handle(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_for_actor(
        Concern.objects.select_related("commune"), request.user, Action.BOARD_WORK, pk=pk
    )
    form = ReplyForm(request.POST)
    return _submit(
        request,
        row,
        form,
        lambda data: services.concern_handle(actor=request.user, concern=row, reply=data["reply"]),
    )


def _submit(request: HttpRequest, row: Any, form: forms.Form, call: Any) -> HttpResponse:
    """Run the service on a valid form; otherwise (or when it refuses) show the errors."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return _back(row)
    return render(
        request,
        "oversight/backoffice/form_errors.html",
        {"commune": row.commune, "form": form},
        status=400,
    )


def _checklist(text: str) -> list[dict[str, Any]]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            rows.append({"item": line.lstrip("+-").strip(), "ok": not line.startswith("-")})
    return rows


@backoffice_view
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    """A site visit: record the findings and checklist, add photos."""
    row = get_for_actor(
        Inspection.objects.select_related("commune", "work"), request.user, Action.BOARD_VIEW,
        pk=pk,
    )  # fmt: skip
    may_work = can(request.user, Action.BOARD_WORK, row)
    findings_form = FindingsForm(
        initial={"carried_out_on": row.carried_out_on or row.starts_on, "findings": row.findings}
    )
    photo_form = PhotoForm()
    status = 200
    if request.method == "POST" and may_work:
        status = 400
        if "photo" in request.FILES or request.POST.get("form") == "photo":
            photo_form = PhotoForm(request.POST, request.FILES)
            if photo_form.is_valid():
                try:
                    services.inspection_photo_add(
                        actor=request.user, inspection=row,
                        uploaded=photo_form.cleaned_data["photo"],
                        caption=photo_form.cleaned_data["caption"],
                    )  # fmt: skip
                except ApplicationError as error:
                    add_application_error(photo_form, error)
                else:
                    return redirect("oversight:bo_inspection", row.pk)
        else:
            findings_form = FindingsForm(request.POST)
            if findings_form.is_valid():
                data = findings_form.cleaned_data
                try:
                    services.inspection_record(
                        actor=request.user, inspection=row,
                        carried_out_on=data["carried_out_on"], findings=data["findings"],
                        checklist=_checklist(data["checklist"]),
                    )  # fmt: skip
                except ApplicationError as error:
                    add_application_error(findings_form, error)
                else:
                    return redirect("oversight:bo_inspection", row.pk)
    elif request.method == "POST":
        get_for_actor(Inspection.objects.all(), request.user, Action.BOARD_WORK, pk=pk)
    context = {
        "commune": row.commune,
        "inspection": row,
        "photos": list(row.photos.all()),
        "may_work": may_work,
        "findings_form": findings_form,
        "photo_form": photo_form,
    }
    return render(request, "oversight/backoffice/inspection.html", context, status=status)


@backoffice_view
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A site-visit photo, for those who read the boards' work (stored outside the web root)."""
    from danchu.disclosure.files import stored_path

    row = get_for_actor(
        InspectionPhoto.objects.select_related("commune"), request.user, Action.BOARD_VIEW, pk=pk
    )
    try:
        # Photos are small (the upload limit): read whole rather than stream.
        content = stored_path(row.path).read_bytes()
    except (OSError, ValueError) as error:
        raise Http404 from error
    response = HttpResponse(content, content_type=row.content_type)
    response["Content-Disposition"] = f'inline; filename="{row.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
