"""Back office of a secret household paper ballot: the counting committee enters the inner
ballots by their tracking code, twice by two people, and a third resolves a difference
(Law 10/2022 Art. 18(4)(d), 19; Decree 59/2023 Art. 4(6); :mod:`danchu.decisions.secret_paper`).

The page lists counts only — never which code said what: the entries are made from the papers.
Thin view: parse, authorize through the permission layer (the services check again), call the
service, render; a refusal is shown with 400 or 409, never a 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from danchu.accounts.permissions import Action, can, get_for_actor
from danchu.core.errors import ApplicationError
from danchu.decisions import board_votes, secret_paper
from danchu.decisions.forms import entry_choices
from danchu.decisions.models import Matter, MatterVillage, Option
from danchu.decisions.rules import Form
from danchu.web.forms import error_messages
from danchu.web.views.backoffice import backoffice_view

__all__ = ["inner_ballots"]


class InnerBallotForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Tracking code on the inner ballot"), max_length=40)
    entry = forms.ChoiceField(label=gettext_lazy("The ballot says"))
    reason = forms.CharField(
        label=gettext_lazy("Reason (only to resolve differing entries)"),
        max_length=250,
        required=False,
    )

    def __init__(self, *args: Any, options: list[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = entry_choices(options)  # type: ignore[attr-defined]


def _entry(request: HttpRequest, seats: int, entry: str) -> Any:
    """A board election with several seats: every candidate ticked (``entry`` repeated)."""
    ticked = request.POST.getlist("entry")
    return ticked if seats > 1 and len(ticked) > 1 else entry


def _call(request: HttpRequest, mv: MatterVillage, seats: int, data: dict[str, Any]) -> str:
    entry = _entry(request, seats, data["entry"])
    if request.POST.get("step") == "resolve":
        secret_paper.inner_ballot_resolve(
            actor=request.user, matter_village=mv, code=data["code"], entry=entry,
            reason=data["reason"],
        )  # fmt: skip
        return _("Inner ballot resolved.")
    result = secret_paper.inner_ballot_enter(
        actor=request.user, matter_village=mv, code=data["code"], entry=entry
    )
    if result.step == "mismatch":
        return _("The two entries differ: a third person resolves the inner ballot.")
    if result.step == "first":
        return _("Inner ballot entered once: another person enters it again.")
    return _("Inner ballot verified and counted.")


@backoffice_view
@require_http_methods(["GET", "HEAD", "POST"])
def inner_ballots(request: HttpRequest, mv_id: int) -> HttpResponse:
    """The inner ballots' counts and the entry form (double entry; a third person resolves)."""
    mv = get_for_actor(
        MatterVillage.objects.select_related("matter", "matter__commune", "village"),
        request.user,
        Action.MATTER_VIEW,
        pk=mv_id,
    )
    matter = mv.matter
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    running = (
        matter.secret
        and matter.status == Matter.Status.OPEN
        and mv.status == MatterVillage.Status.OPEN
        and mv.form == Form.BALLOT
    )
    form = InnerBallotForm(request.POST or None, options=options)
    seats = board_votes.seats_of(mv)
    status, page_errors = 200, []
    if request.method == "POST":
        if not (running and can(request.user, Action.BALLOT_ENTER, mv)):
            status, page_errors = 403, [_("You are not allowed to do this.")]
        elif form.is_valid():
            try:
                note = _call(request, mv, seats, form.cleaned_data)
            except ApplicationError as error:
                status = 409 if error.status == 409 else 400
                page_errors = error_messages(error)
            else:
                messages.success(request, note)
                return redirect("decisions:bo_inner_ballots", mv_id=mv.pk)
        else:
            status = 400
    context = {
        "commune": matter.commune,
        "matter": matter,
        "mv": mv,
        "form": form,
        "running": running,
        "may_enter": running and can(request.user, Action.BALLOT_ENTER, mv),
        "summary": secret_paper.progress(mv),
        # A board election with several seats: the entry ticks up to ``seats`` candidates.
        "seats": seats,
        "entry_choices": entry_choices(options),
        "page_errors": page_errors,
    }
    return render(request, "decisions/backoffice/inner_ballots.html", context, status=status)
