"""Pages of reception days, dialogues and mediation: public (no sign-in) and back office.

Public: the commune chair's reception schedule with free places and online booking
(Luật Tiếp công dân Art. 15(2)), the weeks without reception, the dialogues with their
questions, answers and commitments (Law 10/2022 Art. 32(1)); signed-in residents ask and
support questions. Back office: officials keep the schedule, the reception book, the
dialogues and the mediation teams; mediation cases are read only by their village's mediators
and the commune officials (Luật Hòa giải ở cơ sở Art. 4(3)).

Every view: parse a form → authorize through the permission layer → call a service → render.
A service's refusal becomes a form error with 400 (409 for a state conflict), never a 500.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from danchu.accounts.permissions import Action, can, get_for_actor, require, restrict
from danchu.core.errors import ApplicationError, NotFound
from danchu.petitions import dialogues, mediation, reception
from danchu.petitions.community_forms import (
    AnswerForm,
    AssignForm,
    BookingCancelForm,
    BookingForm,
    CaseCloseForm,
    CaseForm,
    CommitmentForm,
    DialogueForm,
    DialogueHoldForm,
    FollowUpForm,
    FulfilForm,
    QuestionForm,
    ReceptionDayForm,
    ReceptionRecordForm,
    SessionForm,
    TeamForm,
)
from danchu.petitions.models import (
    Dialogue,
    DialogueCommitment,
    DialogueQuestion,
    MediationCase,
    MediationTeam,
    Mediator,
    ReceptionBooking,
    ReceptionDay,
    ReceptionSlot,
)
from danchu.territory.models import AdministrativeUnit, Village
from danchu.territory.selectors import commune_public
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, permission_errors

__all__ = [
    "bo_case",
    "bo_dialogue",
    "bo_dialogues",
    "bo_mediation",
    "bo_reception",
    "bo_reception_day",
    "public_booking",
    "public_booking_cancel",
    "public_dialogues",
    "public_question_ask",
    "public_question_support",
    "public_reception",
]

SCHEDULE_WEEKS = 8


def _commune(code: str) -> AdministrativeUnit:
    try:
        return commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error


def _put(form: Any, error: ApplicationError) -> int:
    """Put a service's refusal on ``form``; the status to answer with (404 raises)."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from error
    add_application_error(form, error)
    return error.status if error.status in (403, 409) else 400


# ---------------------------------------------------------------------------------------------
# Public: reception


def _render_reception(
    request: HttpRequest,
    commune: AdministrativeUnit,
    *,
    booking_form: BookingForm | None = None,
    booking_slot: int | None = None,
    cancel_form: BookingCancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    days = [
        {
            "day": day,
            "slots": [
                (slot, booking_form if booking_slot == slot.pk and booking_form else
                 BookingForm(auto_id=f"id_slot{slot.pk}_%s"))
                for slot in day.slots.all()
            ],
        }
        for day in reception.reception_schedule(
            commune, today, today + timedelta(weeks=SCHEDULE_WEEKS)
        )
    ]  # fmt: skip
    year_start = date(today.year, 1, 1)
    missing = [
        w for w in reception.reception_weeks(commune, year_start, today) if w.status == "missing"
    ]
    context = {
        "commune": commune,
        "days": days,
        "missing_weeks": missing,
        "cancel_form": cancel_form or BookingCancelForm(),
    }
    return render(request, "petitions/community/reception_public.html", context, status=status)


@require_safe
def public_reception(request: HttpRequest, code: str) -> HttpResponse:
    """The reception schedule of the coming weeks with free places; this year's missed weeks."""
    return _render_reception(request, _commune(code))


@require_POST
def public_booking(request: HttpRequest, code: str, slot_id: int) -> HttpResponse:
    commune = _commune(code)
    slot = ReceptionSlot.objects.filter(pk=slot_id, commune=commune).first()
    if slot is None:
        raise Http404
    form = BookingForm(request.POST, auto_id=f"id_slot{slot.pk}_%s")
    status = 400
    if form.is_valid():
        try:
            booking = reception.reception_booking_create(
                slot=slot, user=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            status = _put(form, error)
        else:
            context = {"commune": commune, "booking": booking, "slot": slot}
            return render(request, "petitions/community/booking_done.html", context)
    return _render_reception(
        request, commune, booking_form=form, booking_slot=slot.pk, status=status
    )


@require_POST
def public_booking_cancel(request: HttpRequest, code: str) -> HttpResponse:
    commune = _commune(code)
    form = BookingCancelForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            reception.reception_booking_cancel(**form.cleaned_data)
        except ApplicationError as error:
            status = _put(form, error)
        else:
            messages.success(request, _("Your booking is cancelled."))
            return redirect("petitions:community:reception", code=commune.code)
    return _render_reception(request, commune, cancel_form=form, status=status)


# ---------------------------------------------------------------------------------------------
# Public: dialogues


def _render_dialogues(
    request: HttpRequest,
    commune: AdministrativeUnit,
    *,
    ask_form: QuestionForm | None = None,
    ask_dialogue: int | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    found = list(dialogues.public_dialogues(commune)[:20])
    rows = [
        {
            "dialogue": d,
            "questions": list(d.questions.all()),
            "ask_form": ask_form
            if ask_form is not None and ask_dialogue == d.pk
            else QuestionForm(auto_id=f"id_dialogue{d.pk}_%s"),
            "commitments": [
                (c, dialogues.commitment_overdue(c, today)) for c in d.commitments.all()
            ],
        }
        for d in found
    ]
    first_year = min([d.held_on.year for d in found], default=today.year)
    context = {
        "commune": commune,
        "dialogues": rows,
        "years_missing": dialogues.dialogue_years_missing(commune, first_year, today.year),
        "may_ask": can(request.user, Action.DIALOGUE_ASK, commune),
    }
    return render(request, "petitions/community/dialogues_public.html", context, status=status)


@require_safe
def public_dialogues(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's dialogues: questions (askers only if they chose), answers, commitments."""
    return _render_dialogues(request, _commune(code))


@require_POST
@permission_errors
def public_question_ask(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    commune = _commune(code)
    if not request.user.is_authenticated:
        return _to_sign_in(commune)
    dialogue = get_for_actor(Dialogue.objects.filter(commune=commune), request.user,
                             Action.DIALOGUE_ASK, pk=pk)  # fmt: skip
    form = QuestionForm(request.POST, auto_id=f"id_dialogue{pk}_%s")
    status = 400
    if form.is_valid():
        try:
            dialogues.question_ask(actor=request.user, dialogue=dialogue, **form.cleaned_data)
        except ApplicationError as error:
            status = _put(form, error)
        else:
            messages.success(request, _("Your question is recorded."))
            return redirect("petitions:community:dialogues", code=commune.code)
    return _render_dialogues(request, commune, ask_form=form, ask_dialogue=pk, status=status)


@require_POST
@permission_errors
def public_question_support(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    commune = _commune(code)
    if not request.user.is_authenticated:
        return _to_sign_in(commune)
    question = get_for_actor(
        DialogueQuestion.objects.filter(commune=commune), request.user, Action.DIALOGUE_ASK, pk=pk
    )
    try:
        dialogues.question_support(actor=request.user, question=question)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your support is recorded."))
    return redirect("petitions:community:dialogues", code=commune.code)


def _to_sign_in(commune: AdministrativeUnit) -> HttpResponse:
    """Sign in first, then back to the dialogues page (the POST itself cannot be replayed)."""
    back = reverse("petitions:community:dialogues", args=[commune.code])
    return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}")


# ---------------------------------------------------------------------------------------------
# Back office: reception


@backoffice_view
def bo_reception(request: HttpRequest, code: str) -> HttpResponse:
    """The schedule (recent and coming days), the weekly duty this year, the day form."""
    commune = commune_for(request, code, Action.RECEPTION_MANAGE)
    form = ReceptionDayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                day = reception.reception_day_schedule(
                    actor=request.user, commune=commune, on=data["date"], host=data["host"],
                    place=data["place"], ad_hoc=data["ad_hoc"], slots=_slot_plans(data),
                )  # fmt: skip
            except ApplicationError as error:
                status = _put(form, error)
            else:
                messages.success(request, _("The reception day is on the schedule."))
                return redirect("petitions:community:bo_reception_day", pk=day.pk)
    today = timezone.localdate()
    days = (
        ReceptionDay.objects.filter(commune=commune, date__gte=today - timedelta(days=90))
        .prefetch_related("slots")
        .order_by("-date", "-id")[:60]
    )
    year_start = date(today.year, 1, 1)
    context = {
        "commune": commune,
        "days": days,
        "form": form,
        "weeks": reception.reception_weeks(commune, year_start, today),
        "figures": reception.reception_figures(commune, year_start, today),
    }
    return render(request, "petitions/community/bo_reception.html", context, status=status)


def _slot_plans(data: dict[str, Any]) -> list[reception.SlotPlan]:
    if not data["slots"] or data["first_slot"] is None:
        return []
    plans = []
    start = datetime.combine(data["date"], data["first_slot"])
    step = timedelta(minutes=data["slot_minutes"])
    for n in range(data["slots"]):
        begins, ends = start + n * step, start + (n + 1) * step
        if ends.date() != begins.date():
            break  # a slot does not run past midnight
        plans.append(reception.SlotPlan(begins.time(), ends.time(), data["capacity"]))
    return plans


@backoffice_view
def bo_reception_day(request: HttpRequest, pk: int) -> HttpResponse:
    """One day: its bookings, the reception book, the record form; hold or cancel."""
    day = get_for_actor(
        ReceptionDay.objects.select_related("commune"), request.user, Action.RECEPTION_MANAGE,
        pk=pk,
    )  # fmt: skip
    form = ReceptionRecordForm(request.POST if "record" in request.POST else None)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if "cancel" in request.POST:
                reception.reception_day_cancel(actor=request.user, day=day)
                messages.success(request, _("The reception day is cancelled."))
                return redirect("petitions:community:bo_reception_day", pk=day.pk)
            if "hold" in request.POST:
                reception.reception_day_hold(actor=request.user, day=day)
                messages.success(request, _("The reception day is recorded as held."))
                return redirect("petitions:community:bo_reception_day", pk=day.pk)
            if form.is_valid():
                reception.reception_record_create(actor=request.user, day=day, **form.cleaned_data)
                messages.success(request, _("The visitor is entered in the reception book."))
                return redirect("petitions:community:bo_reception_day", pk=day.pk)
        except ApplicationError as error:
            status = _put(form, error)
    day.refresh_from_db()
    context = {
        "commune": day.commune,
        "day": day,
        "slots": day.slots.prefetch_related(
            Prefetch("bookings", queryset=ReceptionBooking.objects.filter(cancelled=False))
        ),
        "records": day.records.order_by("id"),
        "form": form,
    }
    return render(request, "petitions/community/bo_reception_day.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Back office: dialogues


@backoffice_view
def bo_dialogues(request: HttpRequest, code: str) -> HttpResponse:
    commune = commune_for(request, code, Action.DIALOGUE_MANAGE)
    form = DialogueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                dialogue = dialogues.dialogue_create(
                    actor=request.user, commune=commune, **form.cleaned_data
                )
            except ApplicationError as error:
                status = _put(form, error)
            else:
                return redirect("petitions:community:bo_dialogue", pk=dialogue.pk)
    today = timezone.localdate()
    context = {
        "commune": commune,
        "dialogues": Dialogue.objects.filter(commune=commune).order_by("-held_on", "-id")[:100],
        "form": form,
        "figures": dialogues.dialogue_figures(commune, date(today.year, 1, 1), today),
    }
    return render(request, "petitions/community/bo_dialogues.html", context, status=status)


@backoffice_view
def bo_dialogue(request: HttpRequest, pk: int) -> HttpResponse:
    """One dialogue: hold it, answer questions, record and fulfil commitments."""
    dialogue = get_for_actor(
        Dialogue.objects.select_related("commune"), request.user, Action.DIALOGUE_MANAGE, pk=pk
    )
    posted = request.POST
    forms_ = {
        "hold": DialogueHoldForm(posted if "hold" in posted else None),
        "answer": AnswerForm(posted if "answer" in posted else None),
        "commitment": CommitmentForm(posted if "commitment_new" in posted else None),
        "fulfil": FulfilForm(posted if "fulfil" in posted else None),
    }
    status = 200
    if request.method == "POST":
        status = 400
        done = _dialogue_step(request, dialogue, forms_)
        if done is True:
            return redirect("petitions:community:bo_dialogue", pk=dialogue.pk)
        if isinstance(done, int):
            status = done
    dialogue.refresh_from_db()
    today = timezone.localdate()
    context = {
        "commune": dialogue.commune,
        "dialogue": dialogue,
        "questions": dialogue.questions.order_by("-supports", "id"),
        "commitments": [
            (c, dialogues.commitment_overdue(c, today))
            for c in dialogue.commitments.order_by("due_on", "id")
        ],
        "forms": forms_,
    }
    return render(request, "petitions/community/bo_dialogue.html", context, status=status)


def _dialogue_step(request: HttpRequest, dialogue: Dialogue, forms_: dict[str, Any]) -> Any:
    """Run the posted step; True when done, a status when refused, None when invalid."""
    actor = request.user
    for name, form in forms_.items():
        if not form.is_bound:
            continue
        if not form.is_valid():
            return None
        data = form.cleaned_data
        try:
            if name == "hold":
                dialogues.dialogue_hold(actor=actor, dialogue=dialogue, summary=data["summary"])
            elif name == "answer":
                question = _child(DialogueQuestion, dialogue, data["question"])
                dialogues.question_answer(actor=actor, question=question, answer=data["answer"])
            elif name == "commitment":
                dialogues.commitment_create(actor=actor, dialogue=dialogue, **data)
            else:
                commitment = _child(DialogueCommitment, dialogue, data["commitment"])
                dialogues.commitment_fulfil(
                    actor=actor, commitment=commitment, fulfilled_on=data["fulfilled_on"],
                    result=data["result"],
                )  # fmt: skip
        except ApplicationError as error:
            return _put(form, error)
        messages.success(request, _("Saved."))
        return True
    return None


def _child(model: Any, dialogue: Dialogue, pk: int) -> Any:
    found = model.objects.filter(dialogue=dialogue, pk=pk).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------------------------------------
# Back office: mediation


@backoffice_view
def bo_mediation(request: HttpRequest, code: str) -> HttpResponse:
    """Teams (set by the commune) and the logbook the person may read (their village's for a
    mediator); the team and case forms for those allowed."""
    commune = commune_for(request, code, Action.MEDIATION_CASE_VIEW)
    user = request.user
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name", "id")
    teams = restrict(
        MediationTeam.objects.filter(commune=commune, is_active=True), user,
        Action.MEDIATION_CASE_MANAGE,
    ).select_related("village")  # fmt: skip
    posted = request.POST
    team_form = TeamForm(posted if "team_new" in posted else None, villages=villages)
    case_form = CaseForm(posted if "case_new" in posted else None, teams=teams)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if team_form.is_bound and team_form.is_valid():
                data = team_form.cleaned_data
                mediation.team_create(
                    actor=user, village=data["village"], name=data["name"],
                    members=data["members"], recognised_by=data["recognised_by"],
                )  # fmt: skip
                messages.success(request, _("The mediation team is set up."))
                return redirect("petitions:community:bo_mediation", code=commune.code)
            if case_form.is_bound and case_form.is_valid():
                case = mediation.case_record(actor=user, **case_form.cleaned_data)
                return redirect("petitions:community:bo_case", pk=case.pk)
        except ApplicationError as error:
            status = _put(team_form if team_form.is_bound else case_form, error)
    today = timezone.localdate()
    cases = list(mediation.case_list(actor=user, commune=commune)[:200])
    context = {
        "commune": commune,
        "teams": MediationTeam.objects.filter(commune=commune, is_active=True)
        .select_related("village")
        .prefetch_related(Prefetch("members", queryset=Mediator.objects.filter(is_active=True))),
        "cases": [(c, mediation.case_is_overdue(c, today)) for c in cases],
        "may_manage_teams": can(user, Action.MEDIATION_TEAM_MANAGE, commune),
        "team_form": team_form,
        "case_form": case_form,
        "figures": mediation.mediation_figures(commune, date(today.year, 1, 1), today),
    }
    return render(request, "petitions/community/bo_mediation.html", context, status=status)


@backoffice_view
def bo_case(request: HttpRequest, pk: int) -> HttpResponse:
    """One logbook case (confidential): assign, sessions, outcome, follow-up."""
    case = get_for_actor(
        MediationCase.objects.select_related("commune", "team", "village"), request.user,
        Action.MEDIATION_CASE_VIEW, pk=pk,
    )  # fmt: skip
    posted = request.POST
    team_members = Mediator.objects.filter(team_id=case.team_id, is_active=True)
    forms_ = {
        "assign": AssignForm(posted if "assign" in posted else None, mediators=team_members),
        "session": SessionForm(posted if "session" in posted else None),
        "close": CaseCloseForm(posted if "close" in posted else None),
        "follow_up": FollowUpForm(posted if "follow" in posted else None),
    }
    status = 200
    if request.method == "POST":
        require(request.user, Action.MEDIATION_CASE_MANAGE, case)
        status = 400
        done = _case_step(request, case, forms_)
        if done is True:
            return redirect("petitions:community:bo_case", pk=case.pk)
        if isinstance(done, int):
            status = done
    case.refresh_from_db()
    context = {
        "commune": case.commune,
        "case": case,
        "overdue": mediation.case_is_overdue(case, timezone.localdate()),
        "assigned": case.mediators.all(),
        "sessions": case.sessions.all(),
        "forms": forms_,
        "may_manage": can(request.user, Action.MEDIATION_CASE_MANAGE, case),
    }
    return render(request, "petitions/community/bo_case.html", context, status=status)


def _case_step(request: HttpRequest, case: MediationCase, forms_: dict[str, Any]) -> Any:
    actor = request.user
    for name, form in forms_.items():
        if not form.is_bound:
            continue
        if not form.is_valid():
            return None
        data = form.cleaned_data
        try:
            if name == "assign":
                mediation.case_assign(
                    actor=actor, case=case, mediator_ids=[m.pk for m in data["mediators"]],
                    assigned_on=data["assigned_on"],
                )  # fmt: skip
            elif name == "session":
                mediation.session_record(actor=actor, case=case, **data)
            elif name == "close":
                mediation.case_close(actor=actor, case=case, **data)
            else:
                mediation.case_follow_up(actor=actor, case=case, **data)
        except ApplicationError as error:
            return _put(form, error)
        messages.success(request, _("Saved."))
        return True
    return None
