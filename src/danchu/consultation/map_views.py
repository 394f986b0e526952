"""The opinion map's public page: the picture (server-rendered SVG), the same content as tables,
and, for a signed-in resident while the consultation is open, agree / disagree / pass buttons
and a form to propose a statement. The page reads the stored map; it never recomputes it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.consultation import map_selectors, map_services
from danchu.consultation.models import Consultation, Statement, StatementVote
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied
from danchu.territory.models import AdministrativeUnit
from danchu.territory.selectors import commune_public

__all__ = ["map_page", "map_propose", "map_vote"]

_PUBLIC = (Consultation.Status.OPEN, Consultation.Status.CLOSED, Consultation.Status.ANSWERED)
_VALUES = {"agree": 1, "pass": 0, "disagree": -1}


def _consultation(code: str, pk: int) -> tuple[AdministrativeUnit, Consultation]:
    try:
        commune = commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error
    found = Consultation.objects.filter(commune=commune, pk=pk, status__in=_PUBLIC).first()
    if found is None:
        raise Http404(_("Not found."))
    return commune, found


def map_page(request: HttpRequest, code: str, pk: int, status: int = 200) -> HttpResponse:
    commune, consultation = _consultation(code, pk)
    own: dict[int, int] = {}
    if request.user.is_authenticated:
        own = dict(
            StatementVote.objects.filter(
                consultation=consultation, participant=request.user
            ).values_list("statement_id", "value")
        )
    statements = list(map_selectors.statements_shown(consultation))
    context = {
        "commune": commune,
        "consultation": consultation,
        "view": map_selectors.map_view(consultation),
        "ballot": [(s, own.get(s.pk)) for s in statements],
        "is_open": consultation.status == Consultation.Status.OPEN,
    }
    return render(request, "consultation/map.html", context, status=status)


def _refused(request: HttpRequest, error: ApplicationError) -> int:
    if isinstance(error, NotFound):
        raise Http404(error.message) from error
    messages.error(request, error.message)
    for problems in error.fields.values():
        for problem in problems:
            messages.error(request, problem)
    return 403 if isinstance(error, PermissionDenied) else 400


@login_required
@require_POST
def map_vote(request: HttpRequest, code: str, pk: int, statement_pk: int) -> HttpResponse:
    _commune, consultation = _consultation(code, pk)
    statement = (
        Statement.objects.select_related("consultation", "commune")
        .filter(consultation=consultation, pk=statement_pk)
        .first()
    )
    if statement is None:
        raise Http404(_("Not found."))
    value = _VALUES.get(request.POST.get("value", ""))
    if value is None:
        messages.error(request, _("Choose agree, disagree or pass."))
        return map_page(request, code, pk, status=400)
    try:
        map_services.statement_vote_cast(actor=request.user, statement=statement, value=value)
    except ApplicationError as error:
        return map_page(request, code, pk, status=_refused(request, error))
    return redirect("consultation:map_page", code=code, pk=pk)


@login_required
@require_POST
def map_propose(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _commune, consultation = _consultation(code, pk)
    try:
        map_services.statement_add(
            actor=request.user, consultation=consultation, text=request.POST.get("text", "")
        )
    except ApplicationError as error:
        return map_page(request, code, pk, status=_refused(request, error))
    messages.success(request, _("Thank you: your statement is shown once an official checks it."))
    return redirect("consultation:map_page", code=code, pk=pk)
