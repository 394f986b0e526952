"""Pages of consultations: residents read drafts, give opinions and follow them; officials run
the consultation, enter paper opinions, answer them and publish the synthesis.

Views parse, authorize through the services and selectors, and render; the law is judged in
:mod:`danchu.consultation.services`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can, get_for_actor
from danchu.consultation import selectors, services
from danchu.consultation.forms import (
    AffectedForm,
    AffectedViewsForm,
    AnswerForm,
    ConsultationForm,
    DecisionForm,
    GroupForm,
    LookupForm,
    OpinionForm,
    PaperOpinionForm,
)
from danchu.consultation.models import AffectedCitizen, Consultation, OpinionGroup, Section
from danchu.consultation.rules import Outcome
from danchu.core.errors import ApplicationError, NotFound
from danchu.territory.models import Village
from danchu.territory.selectors import commune_public
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate, permission_errors


def _commune(code: str) -> Any:
    try:
        return commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error


def _section(consultation: Consultation, pk: int | None) -> Section | None:
    return consultation.sections.filter(pk=pk).first() if pk else None


# ---------------------------------------------------------------------------------------------
# Public


def public_list(request: HttpRequest, code: str) -> HttpResponse:
    """Published consultations, newest first (a fixed number of queries)."""
    commune = _commune(code)
    page = paginate(request, selectors.public_consultations(commune))
    return render(request, "consultation/public_list.html", {"commune": commune, "page_obj": page})


def public_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The draft with its sections, the opinion form while open, the synthesis once published."""
    commune = _commune(code)
    consultation = selectors.public_consultation(commune, pk)
    if consultation is None:
        raise Http404
    sections = selectors.sections_of(consultation)
    form = OpinionForm(request.POST or None, sections=sections)
    status, created = 200, None
    may_submit = can(request.user, Action.OPINION_SUBMIT, consultation)
    phone_step = ""
    if request.method == "POST":
        phone = (request.POST.get("phone") or "").strip()[:20]
        if request.POST.get("send_code") and consultation.allow_phone and phone:
            from danchu.accounts.services import phone_code_send

            phone_code_send(phone=phone)  # the same answer whether the number is known or not
            phone_step = "code"
            form = OpinionForm(initial=request.POST, sections=sections)
        elif form.is_valid():
            actor: Any = request.user
            via_phone = ""
            if not may_submit and consultation.allow_phone and phone:
                from danchu.accounts.services import phone_code_verify

                actor = phone_code_verify(phone=phone, code=request.POST.get("code", ""))
                via_phone = phone
                if actor is None:
                    form.add_error(None, _("The code is wrong or expired: ask for a new one."))
                    phone_step, status = "code", 400
            if actor is not None and not form.errors:
                try:
                    created = permission_errors(_submit)(
                        actor, consultation, form, sections, via_phone
                    )
                except ApplicationError as error:
                    add_application_error(form, error)
                    status = 400
        else:
            status = 400
    context = {
        "commune": commune, "consultation": consultation, "sections": sections, "form": form,
        "created": created, "may_submit": may_submit, "phone_step": phone_step,
        "is_open": services.is_open_for_opinions(consultation),
        "groups": selectors.synthesis_groups(consultation)
        if consultation.status == Consultation.Status.ANSWERED else [],
    }  # fmt: skip
    return render(request, "consultation/public_detail.html", context, status=status)


def synthesis_document(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The published synthesis as a DOCX in the state format (NĐ 30/2020)."""
    from danchu.consultation.documents import synthesis_docx
    from danchu.core.documents import DOCX_CONTENT_TYPE

    commune = _commune(code)
    consultation = selectors.public_consultation(commune, pk)
    if consultation is None or consultation.status != Consultation.Status.ANSWERED:
        raise Http404
    response = HttpResponse(synthesis_docx(consultation), content_type=DOCX_CONTENT_TYPE)
    name = f"tong-hop-y-kien-{consultation.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _submit(actor: Any, consultation: Consultation, form: OpinionForm, sections: list[Section],
            via_phone: str) -> Any:  # fmt: skip
    by_pk = {s.pk: s for s in sections}
    return services.opinion_submit(
        actor=actor, consultation=consultation, body=form.cleaned_data["body"],
        section=by_pk.get(form.cleaned_data["section"] or 0), via_phone=via_phone,
    )  # fmt: skip


def lookup(request: HttpRequest) -> HttpResponse:
    """A resident follows their opinion by its reference number: its answer once published."""
    form = LookupForm(request.GET or None)
    opinion, searched = None, False
    if form.is_bound and form.is_valid():
        searched = True
        opinion = selectors.opinion_by_reference(form.cleaned_data["reference"])
        if opinion is not None and opinion.consultation.status == Consultation.Status.DRAFT:
            opinion = None
    context = {"form": form, "opinion": opinion, "searched": searched,
               "answered": opinion is not None
               and opinion.consultation.status == Consultation.Status.ANSWERED}  # fmt: skip
    return render(
        request,
        "consultation/lookup.html",
        context,
        status=404 if searched and opinion is None else 200,
    )


@login_required
def my_opinions(request: HttpRequest) -> HttpResponse:
    opinions = list(selectors.opinions_of_user(request.user)[:200])
    return render(request, "consultation/my_opinions.html", {"opinions": opinions})


# ---------------------------------------------------------------------------------------------
# Back office


@backoffice_view
def bo_list(request: HttpRequest, code: str) -> HttpResponse:
    commune = commune_for(request, code, Action.CONSULTATION_LIST)
    page = paginate(request, selectors.backoffice_consultations(request.user, commune))
    context = {"commune": commune, "page_obj": page,
               "may_create": can(request.user, Action.CONSULTATION_CREATE, commune)}  # fmt: skip
    return render(request, "consultation/bo_list.html", context)


@backoffice_view
def bo_create(request: HttpRequest, code: str) -> HttpResponse:
    commune = commune_for(request, code, Action.CONSULTATION_CREATE)
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name")
    form = ConsultationForm(request.POST or None, request.FILES or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create(
                actor=request.user, commune=commune,
                data=services.ConsultationData(
                    category=data["category"], title=data["title"],
                    plan_document=data["plan_document"], plan_issued_on=data["plan_issued_on"],
                    period_days=data["period_days"], summary=data["summary"],
                    draft_text=data["draft_text"], forms=data["used_forms"],
                    village_ids=[v.pk for v in data["villages"]],
                    groups_concerned=data["groups_concerned"], allow_phone=data["allow_phone"],
                    is_convention=data["is_convention"],
                ),
            )  # fmt: skip
            if data["draft_file"]:
                services.draft_upload(
                    actor=request.user, consultation=consultation, uploaded_file=data["draft_file"]
                )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("consultation:consultation_bo_detail", pk=consultation.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "consultation/bo_form.html", {"commune": commune, "form": form},
                  status=status)  # fmt: skip


def _managed(
    request: HttpRequest, pk: int, action: Action = Action.CONSULTATION_VIEW
) -> Consultation:
    return get_for_actor(
        Consultation.objects.select_related("commune"), request.user, action, pk=pk
    )


def _render_bo(request: HttpRequest, consultation: Consultation, status: int = 200,
               **forms: Any) -> HttpResponse:  # fmt: skip
    sections = selectors.sections_of(consultation)
    rows = consultation.opinions.select_related("section", "group", "village").order_by("id")
    may_view = can(request.user, Action.CONSULTATION_VIEW, consultation)
    if not may_view:
        # A village head or Front officer who collects opinions sees those they entered.
        rows = rows.filter(entered_by_id=request.user.pk)
    opinions = list(rows)
    groups = selectors.synthesis_groups(consultation) if may_view else []
    grouping = may_view and consultation.status in (
        Consultation.Status.OPEN,
        Consultation.Status.CLOSED,
    )
    context = {
        "consultation": consultation, "commune": consultation.commune, "sections": sections,
        "opinions": opinions, "groups": groups,
        "suggestions": selectors.suggest_groups(consultation) if grouping else [],
        "paper_form": forms.get("paper_form") or PaperOpinionForm(sections=sections),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "answer_form": AnswerForm(), "page_error": forms.get("page_error"),
        "may_manage": can(request.user, Action.CONSULTATION_MANAGE, consultation),
        "may_enter": can(request.user, Action.OPINION_ENTER, consultation),
        "majority_not_accepted": services.majority_not_accepted(consultation),
        "outcome": Outcome,
        "affected": list(consultation.affected_citizens.order_by("name", "id")),
        "affected_form": forms.get("affected_form") or AffectedForm(),
        "views_form": AffectedViewsForm(),
    }  # fmt: skip
    return render(request, "consultation/bo_detail.html", context, status=status)


@backoffice_view
def bo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    consultation = Consultation.objects.select_related("commune").filter(pk=pk).first()
    if consultation is not None and not can(user, Action.CONSULTATION_VIEW, consultation):
        # Those who only collect opinions (village heads) open it to enter them.
        return _render_bo(request, _managed(request, pk, Action.OPINION_ENTER))
    return _render_bo(request, _managed(request, pk))


_TRANSITIONS = {
    "publish": services.consultation_publish,
    "close": services.consultation_close,
    "synthesis": services.synthesis_publish,
}


@backoffice_view
@require_POST
def bo_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish, close, or publish the synthesis (each judged by its service)."""
    consultation = _managed(request, pk)
    step = _TRANSITIONS.get(action)
    if step is None:
        raise Http404
    try:
        step(actor=request.user, consultation=consultation)
    except ApplicationError as error:
        consultation.refresh_from_db()
        return _render_bo(request, consultation, status=409, page_error=error.message)
    messages.success(request, _("The consultation is updated."))
    return redirect("consultation:consultation_bo_detail", pk=pk)


@backoffice_view
@require_POST
def bo_enter(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _managed(request, pk, Action.OPINION_ENTER)
    form = PaperOpinionForm(request.POST, sections=selectors.sections_of(consultation))
    if form.is_valid():
        data = form.cleaned_data
        try:
            opinion = services.opinion_enter(
                actor=request.user, consultation=consultation, body=data["body"],
                form=data["form"], source=data["source"], author_name=data["author_name"],
                section=_section(consultation, data["section"]),
            )  # fmt: skip
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Opinion recorded: %(ref)s") % {"ref": opinion.reference})
            return redirect("consultation:consultation_bo_detail", pk=pk)
    return _render_bo(request, consultation, status=400, paper_form=form)


@backoffice_view
@require_POST
def bo_group(request: HttpRequest, pk: int) -> HttpResponse:
    """The official confirms (or edits) a suggested group: only then is it saved."""
    consultation = _managed(request, pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.group_create(
                actor=request.user, consultation=consultation, topic=form.cleaned_data["topic"],
                opinion_ids=form.cleaned_data["opinion_ids"],
                section=_section(consultation, form.cleaned_data["section"]),
            )  # fmt: skip
        except ApplicationError as error:
            return _render_bo(request, consultation, status=400, page_error=error.message)
        return redirect("consultation:consultation_bo_detail", pk=pk)
    return _render_bo(request, consultation, status=400,
                      page_error=_("Please correct the errors below."))  # fmt: skip


@backoffice_view
@require_POST
def bo_answer(request: HttpRequest, pk: int, group_id: int) -> HttpResponse:
    consultation = _managed(request, pk)
    group = OpinionGroup.objects.filter(consultation=consultation, pk=group_id).first()
    if group is None:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.group_answer(actor=request.user, group=group,
                                  outcome=form.cleaned_data["outcome"],
                                  answer=form.cleaned_data["answer"])  # fmt: skip
        except ApplicationError as error:
            return _render_bo(request, consultation, status=400, page_error=error.message)
        return redirect("consultation:consultation_bo_detail", pk=pk)
    message = _("Choose accepted or not accepted, and write the answer.")
    return _render_bo(request, consultation, status=400, page_error=message)


@backoffice_view
@require_POST
def bo_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision; Art. 28(4): one departing from the majority needs its explanation."""
    consultation = _managed(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_record(
                actor=request.user, consultation=consultation, reference=data["reference"],
                issued_on=data["issued_on"], departs_from_majority=data["departs_from_majority"],
                explanation=data["explanation"],
            )  # fmt: skip
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("consultation:consultation_bo_detail", pk=pk)
    consultation.refresh_from_db()
    return _render_bo(request, consultation, status=400, decision_form=form)


@backoffice_view
@require_POST
def bo_affected_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a citizen the draft decision burdens; told at once when they have an account."""
    consultation = _managed(request, pk)
    form = AffectedForm(request.POST)
    if form.is_valid():
        try:
            services.affected_citizen_add(
                actor=request.user, consultation=consultation, name=form.cleaned_data["name"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("consultation:consultation_bo_detail", pk=pk)
    return _render_bo(request, consultation, status=400, affected_form=form)


@backoffice_view
@require_POST
def bo_affected_views(request: HttpRequest, pk: int, citizen_id: int) -> HttpResponse:
    """Keep a citizen's views and the commune's answer in the decision's file (Art. 27)."""
    consultation = _managed(request, pk)
    citizen = AffectedCitizen.objects.filter(consultation=consultation, pk=citizen_id).first()
    if citizen is None:
        raise Http404
    form = AffectedViewsForm(request.POST)
    if form.is_valid():
        try:
            services.affected_citizen_record_views(
                actor=request.user, citizen=citizen, **form.cleaned_data
            )
        except ApplicationError as error:
            return _render_bo(request, consultation, status=400, page_error=error.message)
        return redirect("consultation:consultation_bo_detail", pk=pk)
    return _render_bo(request, consultation, status=400,
                      page_error=_("Please correct the errors below."))  # fmt: skip


__all__ = [
    "synthesis_document",
    "bo_affected_add", "bo_affected_views",
    "bo_action", "bo_answer", "bo_create", "bo_decision", "bo_detail", "bo_enter", "bo_group",
    "bo_list", "lookup", "my_opinions", "public_detail", "public_list",
]  # fmt: skip
