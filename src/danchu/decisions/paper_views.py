"""Pages for the papers of a community decision: printed ballots and attendance sheets, the
tablet check-in at the meeting, and the public download of the decision document.

* ``ballots_print`` — every issued ballot of a village as a PDF (Decree 59/2023 Art. 4(5)).
* ``attendance_sheet`` — the meeting's sheet with a check-in code per household (PDF).
* ``check_in`` — the village head types (or a keyboard scanner enters) a household's code and
  the household is recorded present (Law 10/2022 Art. 18); works without JavaScript.
* ``public_decision`` — the community decision of a closed matter (Law 10/2022 Art. 20(2)) as
  DOCX or PDF, for anyone, without signing in (the issue's "residents see ... the decision
  documents"). The counting records are not public: form 03 lists the participants by name.

Every back-office view: authorize through the permission layer, call a service, render; a PDF
the engine cannot make answers 503, a refusal 400 or 409, never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from danchu.accounts.permissions import Action, can, get_for_actor
from danchu.core.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from danchu.core.errors import ApplicationError, NotFound
from danchu.decisions import attendance, clusters, documents, printing, selectors, services
from danchu.decisions.models import Ballot, ClusterPlan, Matter, MatterVillage, MeetingSession
from danchu.decisions.rules import Form
from danchu.territory.selectors import commune_public
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view

__all__ = ["attendance_sheet", "ballots_print", "check_in", "public_decision"]

# A closed matter's decision never changes: cache the rendered file (keyed by the sealed hash).
DOCUMENT_CACHE_SECONDS = 24 * 60 * 60


def _matter_village(request: HttpRequest, pk: int, action: Action) -> MatterVillage:
    """One village of a matter (404 for another commune; 403 for another village's head)."""
    return get_for_actor(
        MatterVillage.objects.select_related("matter", "matter__commune", "village"),
        request.user,
        action,
        pk=pk,
    )


def _file(data: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _batch(request: HttpRequest, batches: int) -> int:
    """Which file of a long printout (``?batch=2``); 404 outside 1..``batches``."""
    text = request.GET.get("batch", "1")
    batch = int(text) if text.isascii() and text.isdecimal() and len(text) <= 6 else 0
    if not 1 <= batch <= batches:
        raise Http404
    return batch


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "decisions/backoffice/paper_unavailable.html", status=503)


# ---------------------------------------------------------------------------------------------
# Printed ballots (Law 10/2022 Art. 19; Decree 59/2023 Art. 4(5))


@backoffice_view
@require_safe
def ballots_print(request: HttpRequest, mv_id: int) -> HttpResponse:
    """The village's issued ballots, one a page (``?paper=A4`` or A5, the default), a hundred
    at a time (``?batch=2`` for the second hundred)."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    if mv.form != Form.BALLOT or not Ballot.objects.filter(matter_village=mv).exists():
        messages.error(request, _("Issue the ballots first: there is nothing to print."))
        return redirect("decisions:bo_ballots", mv_id=mv.pk)
    paper = request.GET.get("paper", "A5")
    # A secret matter: the inner ballots by default, the outer envelopes with ?part=envelopes.
    part = "envelopes" if request.GET.get("part") == "envelopes" else "ballots"
    batch = _batch(request, printing.batch_count(Ballot.objects.filter(matter_village=mv).count()))
    try:
        pdf = printing.ballots_pdf(
            mv, paper if paper in printing.PAPER_SIZES else "A5", batch, part
        )
    except documents.DocumentUnavailable:
        return _unavailable(request)
    name = documents.document_filename(mv, f"phieu-lay-y-kien-{batch}", "pdf")
    return _file(pdf, PDF_CONTENT_TYPE, name, inline=True)


# ---------------------------------------------------------------------------------------------
# The meeting's attendance: printed sheet and check-in (Law 10/2022 Art. 18)


@backoffice_view
@require_safe
def attendance_sheet(request: HttpRequest, mv_id: int) -> HttpResponse:
    """The attendance sheet with each household's check-in code and QR code."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    if mv.form != Form.MEETING:
        raise Http404
    session = _session(request, mv)
    batch = _batch(request, attendance.sheet_batches(mv, session))
    try:
        pdf = attendance.attendance_sheet_pdf(mv, batch, session)
    except documents.DocumentUnavailable:
        return _unavailable(request)
    part = f"cum-{session.position}-" if session is not None else ""
    name = documents.document_filename(mv, f"danh-sach-du-hop-{part}{batch}", "pdf")
    return _file(pdf, PDF_CONTENT_TYPE, name, inline=True)


def _session(request: HttpRequest, mv: MatterVillage) -> MeetingSession | None:
    """The cluster session of ``?session=<id>`` (Law 10/2022 Art. 18(3)), or None; 404 for a
    session of another village or a value that is no id."""
    value = request.GET.get("session", "")
    if not value:
        return None
    if not (value.isascii() and value.isdecimal() and len(value) <= 10):
        raise Http404
    session = MeetingSession.objects.filter(matter_village=mv, pk=int(value)).first()
    if session is None:
        raise Http404
    return session


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Household's check-in code"),
        max_length=40,
        help_text=gettext_lazy("Printed on the attendance sheet, e.g. K7QX2-MB4TA."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters",
                   "spellcheck": "false"}
        ),
    )  # fmt: skip


@backoffice_view
def check_in(request: HttpRequest, mv_id: int) -> HttpResponse:
    """Record a household present from its code; the page stays ready for the next one."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE if request.method == "POST"
                         else Action.MATTER_VIEW)  # fmt: skip
    status = 200
    session = _session(request, mv)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        household = attendance.household_for_code(mv, form.cleaned_data["code"], session)
        if household is None:
            message = (
                _("This code is not on this cluster's attendance sheet.")
                if session is not None
                else _("This code is not on this meeting's attendance sheet.")
            )
            form.add_error("code", message)
            status = 400
        else:
            try:
                services.meeting_attendance_record(
                    actor=request.user, matter_village=mv, household_ids=[household.pk]
                )
            except ApplicationError as error:
                add_application_error(form, error)
                status = 409 if error.status == 409 else 400
            else:
                messages.success(
                    request,
                    _("Household %(code)s is present.") % {"code": household.code},
                )
                target = reverse("decisions:bo_check_in", args=[mv.pk])
                return redirect(f"{target}?session={session.pk}" if session else target)
    elif request.method == "POST":
        status = 400
    mv.refresh_from_db(fields=["present"])
    context = {
        "commune": mv.matter.commune,
        "matter": mv.matter,
        "mv": mv,
        "form": form,
        "is_meeting": mv.form == Form.MEETING,
        "may_manage": can(request.user, Action.MATTER_MANAGE, mv),
        "sheet_batches": range(1, attendance.sheet_batches(mv, session) + 1),
        # A meeting by residential cluster: a sheet and a check-in per session.
        "session": session,
        "sessions": _session_rows(mv),
    }
    return render(request, "decisions/backoffice/attendance_checkin.html", context, status=status)


def _session_rows(mv: MatterVillage) -> list[clusters.SessionRow]:
    if not ClusterPlan.objects.filter(matter_village=mv).exists():
        return []
    return clusters.session_rows(mv)


# ---------------------------------------------------------------------------------------------
# Public: the decision document of a closed matter (Law 10/2022 Art. 20(2))


@require_safe
def public_decision(request: HttpRequest, code: str, pk: int, mv_id: int, ext: str) -> HttpResponse:
    """The decision of one village of a closed matter, as DOCX or PDF, without signing in."""
    try:
        commune = commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error
    mv = (
        MatterVillage.objects.filter(
            pk=mv_id, matter_id=pk, matter__commune=commune, matter__status=Matter.Status.CLOSED
        )
        .select_related("matter", "matter__commune", "village")
        .first()
    )
    if mv is None or ext not in ("docx", "pdf"):
        raise Http404
    key = f"decisions-decision:{mv.pk}:{mv.matter.result_hash}:{ext}"
    data = cache.get(key)
    if data is None:
        outcome = selectors.matter_outcome(mv.matter)
        if ext == "docx":
            data = documents.decision_docx(mv, outcome)
        else:
            try:
                data = documents.decision_pdf(mv, outcome)
            except documents.DocumentUnavailable:
                return _unavailable(request)
        cache.set(key, data, DOCUMENT_CACHE_SECONDS)
    content_type = DOCX_CONTENT_TYPE if ext == "docx" else PDF_CONTENT_TYPE
    name = documents.document_filename(mv, "quyet-dinh", ext)
    return _file(data, content_type, name, inline=ext == "pdf")
