"""Back office of the supervised works: the commune enters a work (budget by source,
schedule), reports progress and completion; the Front composes its supervision board and sends
the plan to the investor (Art. 45(1)(b)); the board requests the investor's documents.

Each form posts its ``form`` name; the view authorises that step, calls its service and
shows the service's refusals on the form (never a 500).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danchu.accounts.permissions import Action, can, require
from danchu.core.errors import ApplicationError
from danchu.oversight import selectors, services
from danchu.oversight.models import (
    FundingSource,
    InvestorDocument,
    Position,
    SupervisedWork,
    SupervisionBoardMember,
)
from danchu.territory.models import Village
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate

__all__ = ["work_detail", "work_list"]

VND_MAX = 10**15  # a thousand trillion đồng: beyond any commune work


class WorkForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the work"), max_length=300)
    investor = forms.CharField(label=gettext_lazy("Investor"), max_length=300)
    contractor = forms.CharField(label=gettext_lazy("Contractor"), max_length=300, required=False)
    location = forms.CharField(label=gettext_lazy("Location"), max_length=300, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea, required=False, max_length=10000
    )
    villages = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Villages concerned"), queryset=Village.objects.none(), required=False
    )
    budget_vnd = forms.IntegerField(
        label=gettext_lazy("Budget (VND)"), min_value=1, max_value=VND_MAX
    )
    starts_on = forms.DateField(label=gettext_lazy("Construction starts"))
    ends_on = forms.DateField(label=gettext_lazy("Construction ends (planned)"))

    def __init__(self, *args: Any, commune: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = Village.objects.filter(  # type: ignore[attr-defined]
            commune=commune, is_active=True
        ).order_by("name", "id")
        for kind, label in FundingSource.Kind.choices:
            self.fields[f"source_{kind}"] = forms.IntegerField(
                label=label, min_value=0, max_value=VND_MAX, required=False
            )

    def sources(self) -> list[tuple[str, int]]:
        return [
            (kind, self.cleaned_data[f"source_{kind}"])
            for kind in FundingSource.Kind.values
            if self.cleaned_data.get(f"source_{kind}")
        ]


class ProgressForm(forms.Form):
    progress_percent = forms.IntegerField(
        label=gettext_lazy("Progress (%)"), min_value=0, max_value=100
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Milestone"), max_length=300)
    due_on = forms.DateField(label=gettext_lazy("Due on"))


class MemberForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    represents = forms.ChoiceField(
        label=gettext_lazy("Represents"), choices=SupervisionBoardMember.Represents.choices
    )
    village = forms.ModelChoiceField(
        label=gettext_lazy("Village (for a residents' member)"),
        queryset=Village.objects.none(),
        required=False,
    )
    position = forms.ChoiceField(label=gettext_lazy("Position"), choices=Position.choices)
    no_relatives_declared_on = forms.DateField(
        label=gettext_lazy("Declared in writing on that no relative works on the project")
    )


class PlanForm(forms.Form):
    sent_on = forms.DateField(label=gettext_lazy("Plan sent to the investor on"))
    supervision_starts_on = forms.DateField(label=gettext_lazy("Supervision starts"))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=InvestorDocument.Kind.choices)
    requested_on = forms.DateField(label=gettext_lazy("Requested on"))


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=gettext_lazy("Completed on"))


@backoffice_view
def work_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's supervised works and, for the commune, the form to enter one."""
    commune = commune_for(request, code, Action.SUPERVISED_WORK_VIEW)
    may_manage = can(request.user, Action.SUPERVISED_WORK_MANAGE, commune)
    form = WorkForm(request.POST or None, commune=commune)
    status = 200
    if request.method == "POST":
        require(request.user, Action.SUPERVISED_WORK_MANAGE, commune)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                work = services.supervised_work_create(
                    actor=request.user, commune=commune, name=data["name"],
                    investor=data["investor"], contractor=data["contractor"],
                    location=data["location"], description=data["description"],
                    villages=list(data["villages"]), budget_vnd=data["budget_vnd"],
                    starts_on=data["starts_on"], ends_on=data["ends_on"],
                    sources=form.sources(),
                )  # fmt: skip
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("oversight:bo_work", work.pk)
    context = {
        "commune": commune,
        "page_obj": paginate(request, selectors.work_list(actor=request.user, commune=commune)),
        "form": form,
        "may_manage": may_manage,
    }
    return render(request, "oversight/backoffice/works.html", context, status=status)


def _steps(work: SupervisedWork) -> dict[str, tuple[Action, type[forms.Form], Callable[..., Any]]]:
    """Each form of the page: the permission it needs, its form class and its service call."""
    s, w = services, work
    return {
        "progress": (Action.SUPERVISED_WORK_MANAGE, ProgressForm,
                     lambda actor, d: s.supervised_work_progress(actor=actor, work=w, **d)),
        "milestone": (Action.SUPERVISED_WORK_MANAGE, MilestoneForm,
                      lambda actor, d: s.milestone_add(actor=actor, work=w, **d)),
        "complete": (Action.SUPERVISED_WORK_MANAGE, CompleteForm,
                     lambda actor, d: s.supervised_work_complete(actor=actor, work=w, **d)),
        "member": (Action.BOARD_MANAGE, MemberForm,
                   lambda actor, d: s.supervision_member_add(actor=actor, work=w, **d)),
        "plan": (Action.BOARD_MANAGE, PlanForm,
                 lambda actor, d: s.supervision_plan_send(actor=actor, work=w, **d)),
        "document": (Action.BOARD_WORK, DocumentForm,
                     lambda actor, d: s.investor_document_request(actor=actor, work=w, **d)),
    }  # fmt: skip


@backoffice_view
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One work with the forms each person may use."""
    work = selectors.work_get(actor=request.user, pk=pk)
    steps = _steps(work)
    allowed = {name: can(request.user, action, work) for name, (action, _f, _c) in steps.items()}
    bound: dict[str, forms.Form] = {}
    status = 200
    name = request.POST.get("form", "")
    if request.method == "POST":
        if name not in steps:
            status = 400
        else:
            action, form_class, call = steps[name]
            require(request.user, action, work)
            form = form_class(request.POST)
            _scope_villages(form, work)
            bound[name] = form
            status = 400
            if form.is_valid():
                try:
                    call(request.user, form.cleaned_data)
                except ApplicationError as error:
                    add_application_error(form, error)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("oversight:bo_work", work.pk)
    forms_ = {}
    for step, (_action, form_class, _call) in steps.items():
        form = bound.get(step) or form_class()
        _scope_villages(form, work)
        forms_[step] = form
    board = getattr(work, "supervision_board", None)
    context = {
        "commune": work.commune,
        "work": work,
        "board": board,
        "members": list(board.members.all()) if board else [],
        "documents": list(work.documents.all()),
        "forms": forms_,
        "allowed": allowed,
    }
    return render(request, "oversight/backoffice/work.html", context, status=status)


def _scope_villages(form: forms.Form, work: SupervisedWork) -> None:
    if "village" in form.fields:
        form.fields["village"].queryset = work.villages.all()  # type: ignore[attr-defined]
