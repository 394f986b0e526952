"""Back-office pages for the steps whose services existed without a page:

* the online opt-in poll of a village (Decree 59/2023 Art. 5(2)(c): online voting opens only
  after more than half of all households agreed) — the count against the threshold, and each
  household's answer recorded from the paper poll;
* cancelling a matter, with its reason;
* sending a village's decision to the commune People's Committee and Fatherland Front (Law
  10/2022 Art. 20(3): 5 working days) and its recognition or written refusal with reasons
  (Art. 21(2): 5 working days), with the due dates and what is overdue, per village and for the
  whole commune.

Every view: parse a form → authorize through the permission layer → call a service → render.
Another commune's objects answer 404; a refusal is a field error with 400, 403 or 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts.models import Role
from danchu.accounts.permissions import Action, can, get_for_actor, grants_for
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied
from danchu.decisions import recognition, rules, selectors, services
from danchu.decisions.models import Matter, MatterVillage, OnlineOptIn
from danchu.decisions.page_forms import (
    CancelForm,
    DecisionRefuseForm,
    DecisionSendForm,
    OptInForm,
    RecogniseForm,
)
from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import Household, Resident
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate, permission_errors

__all__ = [
    "household_opt_in",
    "matter_cancel",
    "online_opt_in",
    "recognition_page",
    "recognition_register",
]

OPT_IN_ARTICLE = "Nghị định 59/2023 Điều 5(2)(c)"


def _status_of(error: ApplicationError) -> int:
    if isinstance(error, NotFound):
        raise Http404(error.message) from error
    if isinstance(error, PermissionDenied):
        return 403
    return 409 if error.status == 409 else 400


def _put(form: Any, error: ApplicationError) -> int:
    """A service's refusal onto ``form`` (fields where they exist); the status to answer."""
    add_application_error(form, error)
    return _status_of(error)


def _matter_village(request: HttpRequest, pk: int) -> MatterVillage:
    return get_for_actor(
        MatterVillage.objects.select_related("matter", "matter__commune", "village", "commune"),
        request.user,
        Action.MATTER_VIEW,
        pk=pk,
    )


# ---------------------------------------------------------------------------------------------
# The online opt-in poll (Decree 59/2023 Art. 5(2)(c))


@dataclass(frozen=True)
class OptInCount:
    """Where the poll stands: agreeing households against all households of the village."""

    total_households: int
    agreeing: int
    disagreeing: int

    @property
    def needed(self) -> int:
        # More than half: the smallest n with n × 2 > total (50 of 100 is not enough).
        return self.total_households // 2 + 1

    @property
    def reached(self) -> bool:
        return rules.online_opt_in_passes(self.agreeing, self.total_households)

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.agreeing)

    @property
    def unanswered(self) -> int:
        return self.total_households - self.agreeing - self.disagreeing


def opt_in_count(mv: MatterVillage) -> OptInCount:
    """Two queries: the village's households and their answers (the households that decide,
    as the opening counts them: :func:`services.eligible_households`)."""
    households = services.eligible_households(mv)
    answers = OnlineOptIn.objects.filter(matter_village=mv, household__in=households).aggregate(
        agreeing=Count("id", filter=Q(agrees=True)), disagreeing=Count("id", filter=Q(agrees=False))
    )
    return OptInCount(households.count(), answers["agreeing"] or 0, answers["disagreeing"] or 0)


def _render_opt_in(
    request: HttpRequest,
    mv: MatterVillage,
    *,
    errors: dict[int, list[str]] | None = None,
    page_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    matter = mv.matter
    refusal = rules.form_refusal(matter.matter_type, Form.ONLINE, online_opted_in=True)
    representatives = Resident.objects.filter(is_representative=True).order_by("pk")
    listing = (
        services.eligible_households(mv)
        .prefetch_related(Prefetch("members", queryset=representatives, to_attr="reps"))
        .order_by("code", "pk")
    )
    page = paginate(request, listing)
    shown = [h.pk for h in page.object_list]
    answers = dict(
        OnlineOptIn.objects.filter(matter_village=mv, household_id__in=shown).values_list(
            "household_id", "agrees"
        )
    )
    may_record = (
        refusal is None
        and matter.status == Matter.Status.DRAFT
        and can(request.user, Action.MATTER_MANAGE, mv)
    )
    errors = errors or {}
    # An answer about a household not on this page (another village's): its errors on top.
    page_errors = list(page_errors or [])
    page_errors += [m for pk, found in errors.items() if pk not in shown for m in found]
    rows = [
        {
            "household": h,
            "name": h.reps[0].full_name if h.reps else "",
            "answer": answers.get(h.pk),
            "errors": errors.get(h.pk, []),
        }
        for h in page.object_list
    ]
    context = {
        "commune": matter.commune,
        "matter": matter,
        "mv": mv,
        "count": opt_in_count(mv),
        "refusal": refusal,
        "article": OPT_IN_ARTICLE,
        "rows": rows,
        "page_obj": page,
        "may_record": may_record,
        "page_errors": page_errors,
    }
    return render(request, "decisions/backoffice/optin.html", context, status=status)


@backoffice_view
def online_opt_in(request: HttpRequest, mv_id: int) -> HttpResponse:
    """A village's poll "shall we vote online?": the count against more than half of all
    households, and each household's answer (recorded here from the paper poll)."""
    mv = _matter_village(request, mv_id)
    if request.method != "POST":
        return _render_opt_in(request, mv)
    form = OptInForm(request.POST)
    household_id = form.data.get("household", "")
    household = None
    if str(household_id).isascii() and str(household_id).isdecimal() and len(household_id) < 19:
        household = Household.objects.filter(pk=int(household_id), commune=mv.commune).first()
    if household is None:
        raise Http404
    if not form.is_valid():
        found = [str(e) for errors in form.errors.values() for e in errors]
        return _render_opt_in(request, mv, errors={household.pk: found}, status=400)
    try:
        services.online_opt_in_record(
            actor=request.user,
            matter_village=mv,
            household=household,
            agrees=form.cleaned_data["agrees"],
        )
    except ApplicationError as error:
        status = _status_of(error)
        found = [m for ms in error.fields.values() for m in ms] or [error.message]
        return _render_opt_in(request, mv, errors={household.pk: found}, status=status)
    messages.success(request, _("Household %(code)s: answer recorded.") % {"code": household.code})
    page = request.GET.get("page", "")
    # Back to the page of households the answer was given on.
    return redirect(
        f"{request.path}?page={page}" if page.isascii() and page.isdigit() else request.path
    )


class HouseholdOptInForm(OptInForm):
    """The representative answers for their own household (no household field)."""

    household = None  # type: ignore[assignment]


@login_required
@permission_errors
def household_opt_in(request: HttpRequest, mv_id: int) -> HttpResponse:
    """A household representative answers the poll for their household, while the matter is
    being prepared (the poll comes before the vote: Decree 59/2023 Art. 5(2)(c))."""
    household = selectors.own_household(request.user)
    mv = (
        MatterVillage.objects.select_related("matter", "matter__commune", "village")
        .filter(pk=mv_id)
        .first()
    )
    # Only the households of the village are polled; for anyone else the poll does not exist.
    if (
        mv is None
        or household is None
        or household.commune_id != mv.commune_id
        or household.village_id != mv.village_id
        or mv.matter.matter_type != MatterType.OTHER
        or mv.matter.status == Matter.Status.CANCELLED
    ):
        raise Http404
    posted = request.method == "POST"
    form = HouseholdOptInForm(request.POST if posted else None)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                services.online_opt_in_record(
                    actor=request.user,
                    matter_village=mv,
                    household=household,
                    agrees=form.cleaned_data["agrees"],
                )
            except ApplicationError as error:
                status = _put(form, error)
            else:
                messages.success(request, _("Your household's answer is recorded."))
                return redirect("decisions:optin_household", mv_id=mv.pk)
    answer = (
        OnlineOptIn.objects.filter(matter_village=mv, household=household)
        .values_list("agrees", flat=True)
        .first()
    )
    context = {
        "matter": mv.matter,
        "mv": mv,
        "household": household,
        "answer": answer,
        "count": opt_in_count(mv),
        "article": OPT_IN_ARTICLE,
        "form": form,
        "may_answer": mv.matter.status == Matter.Status.DRAFT,
    }
    return render(request, "decisions/backoffice/optin_household.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Cancelling a matter


@backoffice_view
def matter_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a draft or open matter with its reason (kept in the audit trail); a closed
    matter's result is sealed and cannot be cancelled."""
    matter = selectors.matter_get(actor=request.user, pk=pk)
    posted = request.method == "POST"
    form = CancelForm(request.POST if posted else None)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                services.matter_cancel(
                    actor=request.user, matter=matter, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as error:
                status = _put(form, error)
                matter.refresh_from_db()
            else:
                messages.success(request, _("The matter is cancelled."))
                return redirect("decisions:bo_detail", pk=matter.pk)
    may_cancel = matter.status in (Matter.Status.DRAFT, Matter.Status.OPEN) and can(
        request.user, Action.MATTER_MANAGE, matter
    )
    context = {"commune": matter.commune, "matter": matter, "form": form, "may_cancel": may_cancel}
    return render(request, "decisions/backoffice/cancel.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Sending and recognition (Law 10/2022 Art. 20(3), 21(2))


@dataclass(frozen=True)
class Clock:
    """A village decision's two 5-working-day clocks on ``today``."""

    decided_on: date | None
    send_due: date | None
    sent_on: date | None
    send_overdue: bool  # not sent, and the last day has passed
    sent_late: bool
    recognition_due: date | None
    recognition_overdue: bool  # still pending after the last day
    recognition_late: bool


def clock(mv: MatterVillage, today: date) -> Clock:
    """The due dates and what is overdue (the working-day calendar; no query once cached)."""
    send_due = recognition.send_due(mv)
    recognition_due = recognition.recognition_due(mv)
    pending = mv.recognition == MatterVillage.Recognition.PENDING
    return Clock(
        decided_on=recognition.decided_on(mv),
        send_due=send_due,
        sent_on=mv.decision_sent_on,
        send_overdue=mv.decision_sent_on is None and send_due is not None and today > send_due,
        sent_late=recognition.sent_late(mv),
        recognition_due=recognition_due,
        recognition_overdue=pending and recognition_due is not None and today > recognition_due,
        recognition_late=recognition.recognition_late(mv),
    )


def _may_recognise(user: Any, mv: MatterVillage) -> bool:
    """Whether to offer the recognition forms (the service decides: Art. 21(2) — the UBND xã,
    or for board members the commune Fatherland Front)."""
    if can(user, Action.MATTER_COMMUNE_WIDE, mv.commune):
        return True
    return mv.matter.matter_type == MatterType.BOARD_MEMBERS and any(
        g.role == Role.FRONT_OFFICER and g.commune_id == mv.commune_id for g in grants_for(user)
    )


def _render_recognition(
    request: HttpRequest,
    mv: MatterVillage,
    *,
    send_form: DecisionSendForm | None = None,
    recognise_form: RecogniseForm | None = None,
    refuse_form: DecisionRefuseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    matter = mv.matter
    today = timezone.localdate()
    closed = matter.status == Matter.Status.CLOSED
    pending = mv.recognition == MatterVillage.Recognition.PENDING
    may_send = closed and mv.decision_sent_on is None and can(user, Action.MATTER_MANAGE, mv)
    may_recognise = closed and pending and _may_recognise(user, mv)
    context = {
        "commune": matter.commune,
        "matter": matter,
        "mv": mv,
        "closed": closed,
        "clock": clock(mv, today),
        "today": today,
        "send_days": recognition.SEND_WORKING_DAYS,
        "recognition_days": recognition.RECOGNITION_WORKING_DAYS,
        "may_send": may_send,
        "may_recognise": may_recognise,
        "send_form": send_form or DecisionSendForm(initial={"sent_on": today}),
        "recognise_form": recognise_form or RecogniseForm(initial={"on": today}),
        "refuse_form": refuse_form or DecisionRefuseForm(initial={"on": today}),
    }
    return render(request, "decisions/backoffice/recognition.html", context, status=status)


@backoffice_view
def recognition_page(request: HttpRequest, mv_id: int) -> HttpResponse:
    """A village's decision: when it was taken, sent, recognised or refused, against the two
    5-working-day deadlines; the forms for the next step."""
    return _render_recognition(request, _matter_village(request, mv_id))


def _recognition_step(
    request: HttpRequest,
    mv_id: int,
    form_class: type[Any],
    form_key: str,
    record: Any,
    done: str,
) -> HttpResponse:
    """Post one step of the sending and recognition: ``record(mv, cleaned_data)`` calls the
    service; its refusal lands on the form's fields, the page is shown again with the form."""
    mv = _matter_village(request, mv_id)
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            record(mv, form.cleaned_data)
        except ApplicationError as error:
            status = _put(form, error)
        else:
            messages.success(request, done)
            return redirect("decisions:bo_recognition", mv_id=mv.pk)
    return _render_recognition(request, mv, status=status, **{form_key: form})


@backoffice_view
@require_POST
def decision_send(request: HttpRequest, mv_id: int) -> HttpResponse:
    return _recognition_step(
        request, mv_id, DecisionSendForm, "send_form",
        lambda mv, data: recognition.decision_send(
            actor=request.user, matter_village=mv, sent_on=data["sent_on"]
        ),
        _("The sending of the decision is recorded."),
    )  # fmt: skip


@backoffice_view
@require_POST
def decision_recognise(request: HttpRequest, mv_id: int) -> HttpResponse:
    return _recognition_step(
        request, mv_id, RecogniseForm, "recognise_form",
        lambda mv, data: recognition.decision_recognise(
            actor=request.user, matter_village=mv, on=data["on"]
        ),
        _("The recognition is recorded."),
    )  # fmt: skip


@backoffice_view
@require_POST
def decision_refuse(request: HttpRequest, mv_id: int) -> HttpResponse:
    return _recognition_step(
        request, mv_id, DecisionRefuseForm, "refuse_form",
        lambda mv, data: recognition.decision_refuse(
            actor=request.user, matter_village=mv, on=data["on"], reasons=data["reasons"]
        ),
        _("The written refusal is recorded."),
    )  # fmt: skip


@backoffice_view
def recognition_register(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's decided village matters with their sending and recognition deadlines;
    overdue ones marked. A fixed number of queries whatever the number of rows."""
    commune = commune_for(request, code, Action.MATTER_LIST)
    today = timezone.localdate()
    visible = selectors.matter_list(actor=request.user, commune=commune)
    listing = (
        MatterVillage.objects.filter(
            commune=commune, matter__status=Matter.Status.CLOSED, matter__in=visible
        )
        .select_related("matter", "village")
        .order_by("decision_sent_on", "-matter__closed_at", "pk")
    )
    only = request.GET.get("only", "")
    if only == "waiting":
        listing = listing.filter(
            Q(decision_sent_on__isnull=True) | Q(recognition=MatterVillage.Recognition.PENDING)
        )
    page = paginate(request, listing)
    rows = [{"mv": mv, "clock": clock(mv, today)} for mv in page.object_list]
    overdue = [r for r in rows if r["clock"].send_overdue or r["clock"].recognition_overdue]
    context = {
        "commune": commune,
        "rows": rows,
        "overdue": len(overdue),
        "page_obj": page,
        "only": only,
        "today": today,
    }
    return render(request, "decisions/backoffice/recognition_register.html", context)
