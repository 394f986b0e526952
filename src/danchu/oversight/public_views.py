"""Public pages of the oversight boards: residents see, without signing in, each supervised
work's progress, the boards' findings and the commune's answers (Law 10/2022 Art. 11, 43),
and send a concern to a board (Art. 38).

Views only parse, read through :mod:`danchu.oversight.selectors` and render, in a fixed number
of queries whatever the number of works or recommendations. A concern's sender is never shown.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from danchu.accounts.auth import identifier_key
from danchu.core.errors import ApplicationError, NotFound
from danchu.oversight import selectors, services
from danchu.oversight.models import BoardKind, SupervisedWork
from danchu.territory.models import AdministrativeUnit
from danchu.territory.selectors import commune_public
from danchu.web.forms import add_application_error
from danchu.web.views.common import paginate

__all__ = ["ConcernForm", "concern_send", "recommendations", "work_detail", "work_list"]


def _commune(code: str) -> AdministrativeUnit:
    try:
        return commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error


@require_safe
def work_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's supervised works with their progress and open recommendations."""
    commune = _commune(code)
    page_obj = paginate(request, selectors.public_works(commune))
    board = selectors.inspection_board_current(commune)
    context = {"commune": commune, "page_obj": page_obj, "inspection_board": board}
    return render(request, "oversight/public/list.html", context)


@require_safe
def work_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One work: budget and sources, schedule, the board, findings, recommendations, answers."""
    commune = _commune(code)
    work = selectors.public_work(commune, pk)
    if work is None:
        raise Http404
    board = getattr(work, "supervision_board", None)
    context = {
        "commune": commune,
        "work": work,
        "board": board,
        "members": list(board.members.all()) if board else [],
        "inspections": list(work.inspections.all()),
        "recommendations": list(work.recommendations.all()),
        "concern_url": reverse("oversight:concern", args=[commune.code]) + f"?work={work.pk}",
        "today": timezone.localdate(),
    }
    return render(request, "oversight/public/detail.html", context)


@require_safe
def recommendations(request: HttpRequest, code: str) -> HttpResponse:
    """Every recommendation of the boards with the commune's answer, newest first."""
    commune = _commune(code)
    page_obj = paginate(request, selectors.public_recommendations(commune))
    return render(
        request,
        "oversight/public/recommendations.html",
        {"commune": commune, "page_obj": page_obj, "today": timezone.localdate()},
    )


class ConcernForm(forms.Form):
    board_kind = forms.ChoiceField(label=gettext_lazy("To which board"), choices=BoardKind.choices)
    work = forms.ModelChoiceField(
        label=gettext_lazy("About a supervised work (optional)"),
        queryset=SupervisedWork.objects.none(),
        required=False,
    )
    message = forms.CharField(
        label=gettext_lazy("Your concern"), widget=forms.Textarea, max_length=services.LONG_MAX
    )
    wants_verification = forms.BooleanField(
        label=gettext_lazy("I ask the board to verify this and answer me"), required=False
    )
    sender_name = forms.CharField(
        label=gettext_lazy("Your name (optional)"), max_length=services.NAME_MAX, required=False
    )
    sender_contact = forms.CharField(
        label=gettext_lazy("Phone or e-mail to answer you (not published)"),
        max_length=services.NAME_MAX,
        required=False,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def concern_send(request: HttpRequest, code: str) -> HttpResponse:
    """A resident sends a concern to a board without signing in (Art. 38)."""
    commune = _commune(code)
    works = SupervisedWork.objects.filter(commune=commune).order_by("-starts_on", "-id")
    initial = {"work": request.GET.get("work")} if request.GET.get("work", "").isdigit() else {}
    form = ConcernForm(request.POST or None, initial=initial)
    form.fields["work"].queryset = works  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.concern_submit(
                    commune=commune, board_kind=data["board_kind"], message=data["message"],
                    work=data["work"], wants_verification=data["wants_verification"],
                    sender_name=data["sender_name"], sender_contact=data["sender_contact"],
                    source_key=identifier_key("concern", request.META.get("REMOTE_ADDR") or "-"),
                )  # fmt: skip
            except ApplicationError as error:
                add_application_error(form, error)
                status = 429 if error.status == 429 else 400
            else:
                return redirect(reverse("oversight:concern", args=[commune.code]) + "?sent=1")
        else:
            status = 400
    context = {"commune": commune, "form": form, "sent": request.GET.get("sent") == "1"}
    return render(request, "oversight/public/concern.html", context, status=status)
