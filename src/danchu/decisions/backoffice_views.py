"""Back office of community decisions (dân bàn và quyết định) and the household's online vote.

Officials and village heads put a matter to the households, open it (form, notice, team — Law
10/2022 Art. 17–19), run the meeting (attendance, counts) or the household ballot (issue,
deliver, return, double entry), settle vote conflicts and close the matter (Art. 21(1)). A
household representative votes online for their household (Decree 59/2023 Art. 5).

Every view: parse a form → authorize through the permission layer → call a service → render.
Another commune's objects answer 404; a village head acting on another village 403; a
service's refusal becomes a form error or a message with 400, 403 or 409, never a 500.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can, get_for_actor, require, restrict
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied
from danchu.decisions import board_votes, printing, rules, selectors, services
from danchu.decisions.forms import (
    AttendanceForm,
    BallotEntryForm,
    BallotMarkForm,
    BallotResolveForm,
    ConflictResolveForm,
    MatterCreateForm,
    ResultForm,
    SwitchToBallotForm,
    VillagePlanForm,
    VoteForm,
    WitnessesForm,
    entry_choices,
)
from danchu.decisions.models import (
    Ballot,
    Matter,
    MatterVillage,
    MeetingAttendance,
    Option,
    Vote,
    VoteConflict,
)
from danchu.decisions.rules import Form
from danchu.territory.models import Household, Resident, Village
from danchu.web.forms import add_application_error, error_messages
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate, permission_errors

__all__ = [
    "attendance_record",
    "ballot_enter",
    "ballot_mark",
    "ballot_resolve",
    "ballots",
    "ballots_issue",
    "conflicts",
    "matter_close",
    "matter_detail",
    "matter_list",
    "matter_open",
    "meeting",
    "result_record",
    "switch_to_ballot",
    "vote",
    "witnesses_record",
]


def _is_number(text: str) -> bool:
    """ASCII digits only ("²".isdigit() is true, int("²") fails), and small enough for the
    database's integer columns."""
    return text.isascii() and text.isdecimal() and len(text) <= 18


# ---------------------------------------------------------------------------------------------
# Helpers


def _status_of(error: ApplicationError) -> int:
    """The page status for a service's refusal (404 raises: the object does not exist for you)."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from error
    if isinstance(error, PermissionDenied):
        return 403
    if error.status == 409:
        return 409
    return 400


def _put(form: Any, error: ApplicationError) -> int:
    """Put a service's refusal on ``form``; the HTTP status to answer with."""
    add_application_error(form, error)
    return _status_of(error)


def _representatives() -> Prefetch:
    """The households' representatives' names: one query for the whole page."""
    return Prefetch(
        "members",
        queryset=Resident.objects.filter(is_representative=True).order_by("pk"),
        to_attr="representatives",
    )


def _representative_name(household: Household) -> str:
    found = getattr(household, "representatives", [])
    return found[0].full_name if found else ""


def _matter_village(request: HttpRequest, pk: int, action: Action) -> MatterVillage:
    """One village of a matter (404 for another commune; 403 for another village's head)."""
    return get_for_actor(
        MatterVillage.objects.select_related("matter", "matter__commune", "village"),
        request.user,
        action,
        pk=pk,
    )


def _adopted(matter: Matter, villages: list[MatterVillage]) -> bool | None:
    """The matter's outcome from its villages' sealed outcomes (no query)."""
    if matter.status != Matter.Status.CLOSED:
        return None
    if matter.commune_wide:
        # Law 10/2022 Art. 21(1): two thirds or more of the villages.
        return rules.villages_pass(sum(bool(v.adopted) for v in villages), len(villages))
    # Law 10/2022 Art. 20, 21(1): each village decides; adopted where one adopted it.
    return any(v.adopted for v in villages)


# ---------------------------------------------------------------------------------------------
# The list and the create form


@backoffice_view
def matter_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's matters (type, scope, status, villages, outcome); the create form."""
    commune = commune_for(request, code, Action.MATTER_LIST)
    user = request.user
    may_create = can(user, Action.MATTER_CREATE, commune)
    commune_wide_allowed = can(user, Action.MATTER_COMMUNE_WIDE, commune)
    villages = restrict(
        Village.objects.filter(commune=commune, is_active=True), user, Action.MATTER_CREATE
    ).order_by("name_folded", "id")
    posted = request.method == "POST"
    form = MatterCreateForm(
        request.POST if posted else None,
        villages=villages,
        commune_wide_allowed=commune_wide_allowed,
    )
    status = 200
    if posted:
        require(user, Action.MATTER_CREATE, commune)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                matter = services.matter_create(
                    actor=user,
                    commune=commune,
                    matter_type=data["matter_type"],
                    title=data["title"],
                    question=data["question"],
                    description=data["description"],
                    village_ids=[v.pk for v in data["villages"]],
                    commune_wide=data.get("commune_wide", False),
                    candidates=data["candidates"],
                    dismissal=data["dismissal"],
                    secret=data.get("secret", False),
                )
            except ApplicationError as error:
                status = _put(form, error)
            else:
                messages.success(request, _("Saved as a draft. Set how each village decides."))
                return redirect("decisions:bo_detail", pk=matter.pk)
    in_order = MatterVillage.objects.select_related("village").order_by("village__name_folded")
    listing = selectors.matter_list(actor=user, commune=commune).prefetch_related(
        Prefetch("villages", queryset=in_order, to_attr="village_rows")
    )
    page = paginate(request, listing)
    rows = [
        {"matter": m, "villages": m.village_rows, "adopted": _adopted(m, m.village_rows)}
        for m in page.object_list
    ]
    context = {
        "commune": commune,
        "page_obj": page,
        "rows": rows,
        "form": form,
        "may_create": may_create,
    }
    return render(request, "decisions/backoffice/list.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# The detail: villages, the open form, the outcome


def _plan_forms(
    villages: list[MatterVillage], data: Any = None
) -> list[tuple[MatterVillage, VillagePlanForm]]:
    return [
        (
            mv,
            VillagePlanForm(
                data, prefix=f"v{mv.village_id}", initial={"form": mv.form or Form.MEETING}
            ),
        )
        for mv in villages
    ]


def _render_detail(
    request: HttpRequest,
    matter: Matter,
    *,
    plan_forms: list[tuple[MatterVillage, VillagePlanForm]] | None = None,
    page_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    villages = list(
        MatterVillage.objects.filter(matter=matter)
        .select_related("village", "commune")
        .order_by("village__name_folded", "pk")
    )
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    outcome = None
    if matter.status == Matter.Status.CLOSED:
        outcome = selectors.matter_outcome(matter)
    rule, article = rules.rule_text(matter.matter_type)
    unresolved = VoteConflict.objects.filter(matter=matter, resolved_at__isnull=True).count()
    is_open = matter.status == Matter.Status.OPEN
    rows = [
        {
            "mv": mv,
            "may_manage": is_open and can(user, Action.MATTER_MANAGE, mv),
            "may_view": can(user, Action.MATTER_VIEW, mv),
        }
        for mv in villages
    ]
    may_manage_all = can(user, Action.MATTER_MANAGE, matter) and all(
        can(user, Action.MATTER_MANAGE, mv) for mv in villages
    )
    if matter.commune_wide:
        may_manage_all = may_manage_all and can(user, Action.MATTER_COMMUNE_WIDE, matter.commune)
    context = {
        "commune": matter.commune,
        "matter": matter,
        "options": options,
        "rows": rows,
        "outcome": outcome,
        "rule": rule,
        "article": article,
        "commune_rule": rules.commune_rule_text() if matter.commune_wide else "",
        "unresolved": unresolved,
        "may_open": matter.status == Matter.Status.DRAFT and may_manage_all,
        "may_close": is_open and may_manage_all,
        "plan_forms": plan_forms if plan_forms is not None else _plan_forms(villages),
        "page_errors": page_errors or [],
    }
    return render(request, "decisions/backoffice/detail.html", context, status=status)


@backoffice_view
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One matter: per village its form, households, dates and status; open; the outcome."""
    matter = selectors.matter_get(actor=request.user, pk=pk)
    return _render_detail(request, matter)


@backoffice_view
@require_POST
def matter_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the matter: each village's form, notice, day, deadline and team (Art. 17–19)."""
    matter = selectors.matter_get(actor=request.user, pk=pk, action=Action.MATTER_MANAGE)
    villages = list(
        MatterVillage.objects.filter(matter=matter)
        .select_related("village")
        .order_by("village__name_folded", "pk")
    )
    forms_ = _plan_forms(villages, request.POST)
    if not all(f.is_valid() for _mv, f in forms_):
        return _render_detail(request, matter, plan_forms=forms_, status=400)
    plans = {
        mv.village_id: services.VillagePlan(
            form=f.cleaned_data["form"],
            notice_on=f.cleaned_data["notice_on"],
            held_on=f.cleaned_data["held_on"],
            closes_at=f.cleaned_data["closes_at"],
            team=tuple(f.cleaned_data["team"]),
        )
        for mv, f in forms_
    }
    try:
        services.matter_open(actor=request.user, matter=matter, plans=plans)
    except ApplicationError as error:
        status = _status_of(error)
        if len(forms_) == 1:
            # One village: the refusal goes on its fields.
            add_application_error(forms_[0][1], error)
            return _render_detail(request, matter, plan_forms=forms_, status=status)
        return _render_detail(
            request, matter, plan_forms=forms_, page_errors=error_messages(error), status=status
        )
    messages.success(request, _("The matter is open; each village's households are counted."))
    return redirect("decisions:bo_detail", pk=matter.pk)


@backoffice_view
@require_POST
def matter_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Count and seal the result (Law 10/2022 Art. 21(1))."""
    matter = selectors.matter_get(actor=request.user, pk=pk, action=Action.MATTER_MANAGE)
    try:
        services.matter_close(actor=request.user, matter=matter)
    except ApplicationError as error:
        status = _status_of(error)
        matter.refresh_from_db()
        return _render_detail(request, matter, page_errors=error_messages(error), status=status)
    messages.success(request, _("The matter is closed and its result sealed."))
    return redirect("decisions:bo_detail", pk=matter.pk)


# ---------------------------------------------------------------------------------------------
# Meetings (Law 10/2022 Art. 18; Decree 59/2023 Art. 3)


def _render_meeting(
    request: HttpRequest,
    mv: MatterVillage,
    *,
    attendance_form: AttendanceForm | None = None,
    result_form: ResultForm | None = None,
    switch_form: SwitchToBallotForm | None = None,
    page_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    matter = mv.matter
    households = list(
        services.eligible_households(mv).order_by("code", "pk").prefetch_related(_representatives())
    )
    present = set(
        MeetingAttendance.objects.filter(matter_village=mv).values_list("household_id", flat=True)
    )
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    if attendance_form is None:
        attendance_form = AttendanceForm(household_ids=[h.pk for h in households])
    checked: set[int] = present
    if attendance_form.is_bound:
        checked = set()
        for value in request.POST.getlist("households"):
            if _is_number(str(value)):
                checked.add(int(value))
    rows = [
        {"household": h, "name": _representative_name(h), "checked": h.pk in checked}
        for h in households
    ]
    if result_form is None:
        initial = {f"option_{pk}": n for pk, n in (mv.hand_counts or {}).items()}
        initial["team"] = "\n".join(mv.team or [])
        initial["witnesses"] = "\n".join(mv.witnesses or [])
        initial["team_approved_by"] = mv.team_approved_by
        result_form = ResultForm(options=options, initial=initial)
    is_meeting = mv.form == Form.MEETING
    running = matter.status == Matter.Status.OPEN and mv.status == MatterVillage.Status.OPEN
    may_manage = running and is_meeting and can(request.user, Action.MATTER_MANAGE, mv)
    fallback = is_meeting and running and services.ballot_fallback_allowed(mv)
    context = {
        "commune": matter.commune,
        "matter": matter,
        "mv": mv,
        "rows": rows,
        "present": len(present),
        "options": options,
        "attendance_form": attendance_form,
        "result_form": result_form,
        "switch_form": switch_form or SwitchToBallotForm(),
        "may_manage": may_manage,
        "is_meeting": is_meeting,
        "result_recorded": bool(mv.hand_counts),
        "fallback": fallback,
        "reachable": rules.meeting_threshold_reachable(
            matter.matter_type, mv.present, mv.total_households
        ),
        "page_errors": page_errors or [],
    }
    return render(request, "decisions/backoffice/meeting.html", context, status=status)


@backoffice_view
def meeting(request: HttpRequest, mv_id: int) -> HttpResponse:
    """A village's meeting: the attendance sheet, the result, the fallback to a ballot."""
    mv = _matter_village(request, mv_id, Action.MATTER_VIEW)
    return _render_meeting(request, mv)


@backoffice_view
@require_POST
def attendance_record(request: HttpRequest, mv_id: int) -> HttpResponse:
    """Save the attendance sheet: checked households are present, unchecked ones are not."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    ids = list(services.eligible_households(mv).values_list("pk", flat=True))
    form = AttendanceForm(request.POST, household_ids=ids)
    if not form.is_valid():
        return _render_meeting(request, mv, attendance_form=form, status=400)
    checked = set(form.cleaned_data["households"])
    present = set(
        MeetingAttendance.objects.filter(matter_village=mv).values_list("household_id", flat=True)
    )
    try:
        services.meeting_attendance_record(
            actor=request.user,
            matter_village=mv,
            household_ids=sorted(checked - present),
            remove_ids=sorted(present - checked),
        )
    except ApplicationError as error:
        status = _put(form, error)
        return _render_meeting(request, mv, attendance_form=form, status=status)
    messages.success(
        request, _("Attendance saved: %(count)s households present.") % {"count": len(checked)}
    )
    return redirect("decisions:bo_meeting", mv_id=mv.pk)


@backoffice_view
@require_POST
def result_record(request: HttpRequest, mv_id: int) -> HttpResponse:
    """Record the meeting's counts, its counting committee and witnesses (Decree 59 Art. 3(5))."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    options = list(Option.objects.filter(matter=mv.matter).order_by("position"))
    form = ResultForm(request.POST, options=options)
    if not form.is_valid():
        return _render_meeting(request, mv, result_form=form, status=400)
    data = form.cleaned_data
    try:
        services.meeting_result_record(
            actor=request.user,
            matter_village=mv,
            counts=form.counts(),
            team=data["team"],
            witnesses=data["witnesses"],
            secret=data["secret"],
            team_approved_by=data["team_approved_by"],
        )
    except ApplicationError as error:
        status = _put(form, error)
        return _render_meeting(request, mv, result_form=form, status=status)
    messages.success(request, _("The meeting's result is recorded."))
    return redirect("decisions:bo_meeting", mv_id=mv.pk)


@backoffice_view
@require_POST
def switch_to_ballot(request: HttpRequest, mv_id: int) -> HttpResponse:
    """The meeting could not reach the threshold: decide by household ballot (Art. 19(1)(b))."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    form = SwitchToBallotForm(request.POST)
    if not form.is_valid():
        return _render_meeting(request, mv, switch_form=form, status=400)
    data = form.cleaned_data
    try:
        services.matter_switch_to_ballot(
            actor=request.user,
            matter_village=mv,
            held_on=data["held_on"],
            closes_at=data["closes_at"],
            team=data["team"],
            notice_on=data["notice_on"],
        )
    except ApplicationError as error:
        status = _put(form, error)
        return _render_meeting(request, mv, switch_form=form, status=status)
    messages.success(request, _("This village now decides by household ballot."))
    return redirect("decisions:bo_ballots", mv_id=mv.pk)


# ---------------------------------------------------------------------------------------------
# Household ballots (Law 10/2022 Art. 19; Decree 59/2023 Art. 4)


def _render_ballots(
    request: HttpRequest,
    mv: MatterVillage,
    *,
    errors: dict[int, list[str]] | None = None,
    witnesses_form: WitnessesForm | None = None,
    page_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    matter = mv.matter
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    labels = dict(entry_choices(options))
    listing = (
        Ballot.objects.filter(matter_village=mv)
        .select_related("household")
        .prefetch_related(
            Prefetch("household__members", queryset=_rep_queryset(), to_attr="representatives")
        )
        .order_by("serial")
    )
    # Delivery and return tracking: show only the ballots in one state (?status=delivered).
    status_filter = request.GET.get("status", "")
    if status_filter in Ballot.Status.values:
        listing = listing.filter(status=status_filter)
    else:
        status_filter = ""
    page = paginate(request, listing)
    counts = Counter(
        dict(
            Ballot.objects.filter(matter_village=mv)
            .values("status")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("status", "n")
        )
    )
    running = (
        matter.status == Matter.Status.OPEN
        and mv.status == MatterVillage.Status.OPEN
        and mv.form == Form.BALLOT
    )
    may_manage = running and can(user, Action.MATTER_MANAGE, mv)
    # A secret matter's envelopes are not entered: its inner ballots are (secret_paper_views).
    may_enter = running and not matter.secret and can(user, Action.BALLOT_ENTER, mv)
    errors = errors or {}
    rows = []
    for ballot in page.object_list:
        entered = ballot.status in (
            Ballot.Status.COUNTED, Ballot.Status.BLANK, Ballot.Status.SPOILED,
        )  # fmt: skip
        rows.append(
            {
                "ballot": ballot,
                "name": _representative_name(ballot.household),
                "may_mark": may_manage
                and ballot.status in (Ballot.Status.ISSUED, Ballot.Status.DELIVERED),
                "may_enter": may_enter
                and not entered
                and ballot.status != Ballot.Status.MISMATCH
                and ballot.first_by_id != user.pk,
                "waits_verification": ballot.first_by_id is not None
                and ballot.second_by_id is None
                and ballot.status != Ballot.Status.MISMATCH,
                "mine": ballot.first_by_id == user.pk,
                "mismatch": ballot.status == Ballot.Status.MISMATCH,
                "may_resolve": may_manage
                and ballot.status == Ballot.Status.MISMATCH
                and user.pk not in (ballot.first_by_id, ballot.second_by_id),
                "first": labels.get(ballot.first_entry, ballot.first_entry),
                "second": labels.get(ballot.second_entry, ballot.second_entry),
                "errors": errors.get(ballot.pk, []),
            }
        )
    issued = sum(counts.values())
    summary = {
        "issued": issued,
        "delivered": counts[Ballot.Status.DELIVERED],
        "returned": issued - counts[Ballot.Status.ISSUED] - counts[Ballot.Status.DELIVERED],
        "counted": counts[Ballot.Status.COUNTED],
        "blank": counts[Ballot.Status.BLANK],
        "spoiled": counts[Ballot.Status.SPOILED],
        "mismatch": counts[Ballot.Status.MISMATCH],
    }
    context = {
        "commune": matter.commune,
        "matter": matter,
        "mv": mv,
        "page_obj": page,
        "rows": rows,
        "summary": summary,
        "entry_choices": entry_choices(options),
        "may_manage": may_manage,
        "may_enter": may_enter,
        "is_ballot": mv.form == Form.BALLOT,
        "secret": matter.secret,
        # A board election with several seats: each ballot may approve up to ``seats``.
        "seats": board_votes.seats_of(mv),
        "witnesses_form": witnesses_form
        or WitnessesForm(initial={"witnesses": "\n".join(mv.witnesses or [])}),
        "page_errors": page_errors or [],
        "print_batches": range(1, printing.batch_count(issued) + 1),
        "status_filter": status_filter,
        "status_choices": Ballot.Status.choices,
    }
    return render(request, "decisions/backoffice/ballots.html", context, status=status)


def _rep_queryset() -> QuerySet[Resident]:
    return Resident.objects.filter(is_representative=True).order_by("pk")


def _ballot_of(mv: MatterVillage, form: Any) -> Ballot:
    """The ballot named by the form's hidden field, of this village (404 otherwise)."""
    ballot_id = form.data.get("ballot", "")
    if not _is_number(str(ballot_id)):
        raise Http404
    ballot = Ballot.objects.filter(matter_village=mv, pk=int(ballot_id)).first()
    if ballot is None:
        raise Http404
    ballot.matter_village = mv
    return ballot


@backoffice_view
def ballots(request: HttpRequest, mv_id: int) -> HttpResponse:
    """A village's ballots: issue, track, enter twice, resolve; the counts."""
    mv = _matter_village(request, mv_id, Action.MATTER_VIEW)
    return _render_ballots(request, mv)


@backoffice_view
@require_POST
def ballots_issue(request: HttpRequest, mv_id: int) -> HttpResponse:
    """One ballot per household still without one (Law 10/2022 Art. 19(3))."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    try:
        issued = services.ballots_issue(actor=request.user, matter_village=mv)
    except ApplicationError as error:
        status = _status_of(error)
        return _render_ballots(request, mv, page_errors=error_messages(error), status=status)
    messages.success(request, _("%(count)s ballots issued.") % {"count": len(issued)})
    return redirect("decisions:bo_ballots", mv_id=mv.pk)


def _ballot_step(
    request: HttpRequest, mv: MatterVillage, form: Any, call: Any, done: str
) -> HttpResponse:
    ballot = _ballot_of(mv, form)
    if not form.is_valid():
        found = [str(e) for errors in form.errors.values() for e in errors]
        return _render_ballots(request, mv, errors={ballot.pk: found}, status=400)
    try:
        result = call(ballot, form.cleaned_data)
    except ApplicationError as error:
        status = _status_of(error)
        return _render_ballots(
            request, mv, errors={ballot.pk: error_messages(error)}, status=status
        )
    note = done % {"serial": ballot.serial}
    if isinstance(result, services.BallotEntry):
        if result.step == "mismatch":
            messages.warning(
                request,
                _("Ballot %(serial)s: the two entries differ. A third person resolves it.")
                % {"serial": ballot.serial},
            )
            return redirect("decisions:bo_ballots", mv_id=mv.pk)
        if result.conflict is not None:
            messages.warning(
                request,
                _(
                    "Ballot %(serial)s: this household already voted another way. The "
                    "conflict waits for the counting committee."
                )
                % {"serial": ballot.serial},
            )
            return redirect("decisions:bo_ballots", mv_id=mv.pk)
        if result.step == "first":
            note = _("Ballot %(serial)s entered once: another person verifies it.") % {
                "serial": ballot.serial
            }
    messages.success(request, note)
    return redirect("decisions:bo_ballots", mv_id=mv.pk)


@backoffice_view
@require_POST
def ballot_mark(request: HttpRequest, mv_id: int) -> HttpResponse:
    """Delivered to the household, or returned to the team."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    form = BallotMarkForm(request.POST)
    return _ballot_step(
        request, mv, form,
        lambda b, d: services.ballot_mark(actor=request.user, ballot=b, status=d["status"]),
        _("Ballot %(serial)s updated."),
    )  # fmt: skip


@backoffice_view
@require_POST
def ballot_enter(request: HttpRequest, mv_id: int) -> HttpResponse:
    """Enter what a returned ballot says; a second person verifies (double entry)."""
    mv = _matter_village(request, mv_id, Action.BALLOT_ENTER)
    options = list(Option.objects.filter(matter=mv.matter).order_by("position"))
    form = BallotEntryForm(request.POST, options=options)
    return _ballot_step(
        request, mv, form,
        lambda b, d: services.ballot_enter(
            actor=request.user, ballot=b, entry=_board_entry(request, mv, d["entry"])
        ),
        _("Ballot %(serial)s verified and counted."),
    )  # fmt: skip


def _board_entry(request: HttpRequest, mv: MatterVillage, entry: str) -> Any:
    """A multi-seat board ballot's entry is every candidate ticked (``entry`` repeated)."""
    ticked = request.POST.getlist("entry")
    if len(ticked) <= 1 or board_votes.seats_of(mv) == 1:
        return entry
    return ticked


@backoffice_view
@require_POST
def ballot_resolve(request: HttpRequest, mv_id: int) -> HttpResponse:
    """A third person reads a ballot whose two entries differ and records what it says."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    options = list(Option.objects.filter(matter=mv.matter).order_by("position"))
    form = BallotResolveForm(request.POST, options=options)
    return _ballot_step(
        request, mv, form,
        lambda b, d: services.ballot_resolve(
            actor=request.user, ballot=b, entry=_board_entry(request, mv, d["entry"]),
            reason=d["reason"],
        ),
        _("Ballot %(serial)s resolved."),
    )  # fmt: skip


@backoffice_view
@require_POST
def witnesses_record(request: HttpRequest, mv_id: int) -> HttpResponse:
    """The two household representatives who witness the count (Decree 59/2023 Art. 4(6))."""
    mv = _matter_village(request, mv_id, Action.MATTER_MANAGE)
    form = WitnessesForm(request.POST)
    if form.is_valid():
        try:
            services.count_witnesses_record(
                actor=request.user, matter_village=mv, witnesses=form.cleaned_data["witnesses"]
            )
        except ApplicationError as error:
            status = _put(form, error)
        else:
            messages.success(request, _("Witnesses saved."))
            return redirect("decisions:bo_ballots", mv_id=mv.pk)
    else:
        status = 400
    return _render_ballots(request, mv, witnesses_form=form, status=status)


# ---------------------------------------------------------------------------------------------
# Vote conflicts (Law 10/2022 Art. 19(3): one vote per household)


@backoffice_view
def conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    """A matter's second votes, each with the vote already counted and a resolve form."""
    matter = selectors.matter_get(actor=request.user, pk=pk)
    status = 200
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        require(request.user, Action.MATTER_MANAGE, matter)
        form = ConflictResolveForm(request.POST)
        conflict_id = form.data.get("conflict", "")
        conflict = (
            VoteConflict.objects.filter(matter=matter, pk=int(conflict_id)).first()
            if _is_number(str(conflict_id))
            else None
        )
        if conflict is None:
            raise Http404
        status = 400
        if form.is_valid():
            try:
                services.conflict_resolve(
                    actor=request.user,
                    conflict=conflict,
                    keep=form.cleaned_data["keep"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                status = _status_of(error)
                errors[conflict.pk] = error_messages(error)
            else:
                messages.success(request, _("The conflict is resolved."))
                return redirect("decisions:bo_conflicts", pk=matter.pk)
        else:
            errors[conflict.pk] = [str(e) for found in form.errors.values() for e in found]
    listing = list(
        VoteConflict.objects.filter(matter=matter)
        .select_related("household", "option", "ballot")
        .order_by("resolved_at", "created_at", "pk")
    )
    existing = {
        v.household_id: v
        for v in Vote.objects.filter(
            matter=matter, household_id__in=[c.household_id for c in listing]
        )
    }
    may_manage = matter.status == Matter.Status.OPEN and can(
        request.user, Action.MATTER_MANAGE, matter
    )
    rows = [
        {
            "conflict": c,
            "existing": existing.get(c.household_id),
            "errors": errors.get(c.pk, []),
            "may_resolve": may_manage and c.resolved_at is None,
        }
        for c in listing
    ]
    context = {
        "commune": matter.commune,
        "matter": matter,
        "rows": rows,
        "keep_choices": ConflictResolveForm.base_fields["keep"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "decisions/backoffice/conflicts.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# The household representative's online vote (Decree 59/2023 Art. 5)


def _own_household(request: HttpRequest) -> Household | None:
    return selectors.own_household(request.user)


def _vote_saved(request: HttpRequest, mv: MatterVillage) -> HttpResponse:
    messages.success(
        request, _("Your household's vote is saved. You may change it until the vote closes.")
    )
    return redirect("decisions:vote", matter_village_id=mv.pk)


@login_required
@permission_errors
def vote(request: HttpRequest, matter_village_id: int) -> HttpResponse:
    """Choose, or change until the vote closes, the household's answer."""
    household = _own_household(request)
    mv = (
        MatterVillage.objects.select_related("matter", "matter__commune", "village")
        .filter(pk=matter_village_id)
        .first()
    )
    # Not their village (or no household): the vote does not exist for them.
    if (
        mv is None
        or household is None
        or household.commune_id != mv.commune_id
        or mv.matter.status == Matter.Status.DRAFT
        # A household that moved mid-vote still votes where it was at the opening.
        or (
            household.village_id != mv.village_id
            and not services.eligible_households(mv).filter(pk=household.pk).exists()
        )
    ):
        raise Http404
    matter = mv.matter
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    current = Vote.objects.filter(matter=matter, household=household).select_related("option")
    current_vote = current.first()
    is_online = mv.form == Form.ONLINE
    open_now = (
        is_online
        and matter.status == Matter.Status.OPEN
        and mv.status == MatterVillage.Status.OPEN
        and (mv.closes_at is None or timezone.now() < mv.closes_at)
    )
    other_channel = current_vote is not None and current_vote.channel != Vote.Channel.ONLINE
    initial = {}
    if current_vote is not None and not other_channel and not matter.secret:
        initial = {"option": current_vote.option_id, "other_opinion": current_vote.other_opinion}
    posted = request.method == "POST"
    form = VoteForm(request.POST if posted else None, options=options, initial=initial)
    status = 200
    page_error = ""
    tracking_code = ""
    if posted:
        status = 400
        if form.is_valid():
            try:
                cast = services.vote_cast(
                    actor=request.user,
                    matter_village=mv,
                    option=form.options[form.cleaned_data["option"]],
                    other_opinion=form.cleaned_data["other_opinion"],
                    tracking_code=form.cleaned_data["tracking_code"],
                )
            except ApplicationError as error:
                status = _status_of(error)
                if error.fields:
                    add_application_error(form, error)
                else:
                    page_error = error.message
            else:
                if not cast.tracking_code:
                    return _vote_saved(request, mv)
                # A secret vote's tracking code is shown once, in this response only: not in
                # the session, a message or a redirect URL, where it would sit by the household.
                tracking_code = cast.tracking_code
                current_vote, status = cast, 200
                form = VoteForm(None, options=options)
    context = {
        "matter": matter,
        "mv": mv,
        "household": household,
        "current": current_vote,
        "other_channel": other_channel,
        "is_online": is_online,
        "open_now": open_now,
        "form": form,
        "page_error": page_error,
        "tracking_code": tracking_code,
        "bulletin_url": reverse("decisions:public_bulletin", args=[matter.commune.code, matter.pk])
        if matter.secret
        else "",
    }
    response = render(request, "decisions/vote/vote.html", context, status=status)
    if tracking_code:
        response["Cache-Control"] = "no-store"  # the code is for this one reading only
    return response
