"""Back office of the People's Inspection Board: the Front records the villages' elections,
the board's head and deputies, vacancies and by-elections, and recognises the board
(Law 10/2022 Art. 36–37, 40(2); Decree 59/2023 Art. 13).

A member is chosen among the residents of one village at a time (``?village=<id>``), so the
page never lists a whole commune's residents. The villages' recognised board-member elections
not yet seated are listed; ``?election=<id>`` opens one's form, where the Front (or the chair
entering the Front's decision) identifies the resident behind each elected name and seats them
all (Law 10/2022 Art. 15(5), 21(2), 36).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danchu.accounts.permissions import Action, can, require
from danchu.core.errors import ApplicationError
from danchu.core.text import fold_vi
from danchu.decisions import selectors as decisions
from danchu.decisions.models import Matter
from danchu.decisions.rules import MatterType
from danchu.oversight import selectors, services
from danchu.oversight.models import InspectionBoard, InspectionBoardMember, Position
from danchu.territory.models import Resident, Village
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for

__all__ = ["inspection_board"]


class TermForm(forms.Form):
    term_starts_on = forms.DateField(label=gettext_lazy("Term starts"))
    term_ends_on = forms.DateField(label=gettext_lazy("Term ends"))


class ElectForm(forms.Form):
    resident = forms.ModelChoiceField(
        label=gettext_lazy("Elected resident"), queryset=Resident.objects.none()
    )
    elected_on = forms.DateField(label=gettext_lazy("Elected on"))
    election_matter = forms.ModelChoiceField(
        label=gettext_lazy("The community's vote that elected them (optional)"),
        queryset=Matter.objects.none(),
        required=False,
    )
    by_election = forms.BooleanField(
        label=gettext_lazy("By-election to fill a vacant seat"), required=False
    )


class PositionForm(forms.Form):
    member = forms.ModelChoiceField(
        label=gettext_lazy("Member"), queryset=InspectionBoardMember.objects.none()
    )
    position = forms.ChoiceField(label=gettext_lazy("Position"), choices=Position.choices)


class LeaveForm(forms.Form):
    member = forms.ModelChoiceField(
        label=gettext_lazy("Member"), queryset=InspectionBoardMember.objects.none()
    )
    left_on = forms.DateField(label=gettext_lazy("Left on"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=250)


class RecogniseForm(forms.Form):
    recognised_on = forms.DateField(label=gettext_lazy("Recognised by the Front on"))
    reference = forms.CharField(label=gettext_lazy("Recognition document"), max_length=200)


class SeatForm(forms.Form):
    """One choice per elected candidate: the resident of the election's village the Front
    identifies as that person (candidates are names). Residents bearing the candidate's name
    come first, preselected when only one does."""

    def __init__(
        self, data: Any, election: decisions.BoardElection | None, residents: list[Resident]
    ) -> None:
        super().__init__(data)
        labels = [(r, f"{r.full_name} — {_born(r)}{r.household.code}") for r in residents]
        for option in election.elected if election else []:
            folded = fold_vi(option.label)
            same = [(r.pk, text) for r, text in labels if fold_vi(r.full_name) == folded]
            others = [(r.pk, text) for r, text in labels if fold_vi(r.full_name) != folded]
            choices: list[Any] = [("", "—")]
            if same:
                choices.append((_("Same name as the candidate"), same))
            if others:
                choices.append((_("Other residents of the village"), others))
            self.fields[f"resident_{option.pk}"] = forms.TypedChoiceField(
                label=_("Resident elected as %(name)s") % {"name": option.label},
                choices=choices, coerce=int, initial=same[0][0] if len(same) == 1 else None,
            )  # fmt: skip

    def residents(self) -> dict[int, int]:
        return {
            int(name.removeprefix("resident_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("resident_")
        }


def _born(resident: Resident) -> str:
    if resident.date_of_birth is None:
        return ""
    return _("born %(year)s") % {"year": resident.date_of_birth.year} + " — "


def _forms(
    data: Any, board: InspectionBoard | None, village: Village | None
) -> dict[str, forms.Form]:
    """The Front's forms; the election may cite the village's vote (Law 10/2022 Art. 15(5))."""
    sitting = (
        InspectionBoardMember.objects.filter(board=board, left_on__isnull=True).order_by("id")
        if board
        else InspectionBoardMember.objects.none()
    )
    built: dict[str, forms.Form] = {
        "term": TermForm(data),
        "elect": ElectForm(data),
        "position": PositionForm(data),
        "leave": LeaveForm(data),
        "recognise": RecogniseForm(data),
    }
    residents = (
        Resident.objects.filter(household__village=village).order_by("full_name", "id")
        if village
        else Resident.objects.none()
    )
    built["elect"].fields["resident"].queryset = residents  # type: ignore[attr-defined]
    votes = (
        Matter.objects.filter(
            commune_id=village.commune_id, matter_type=MatterType.BOARD_MEMBERS,
            villages__village=village,
        ).order_by("-created_at")
        if village
        else Matter.objects.none()
    )  # fmt: skip
    built["elect"].fields["election_matter"].queryset = votes  # type: ignore[attr-defined]
    for name in ("position", "leave"):
        built[name].fields["member"].queryset = sitting  # type: ignore[attr-defined]
    return built


def _calls(
    commune: Any, board: Any, village: Any
) -> dict[str, Callable[[Any, dict[str, Any]], Any]]:
    """Each form's service call (the view checks first that the board and village exist)."""
    s = services
    return {
        "term": lambda actor, d: s.inspection_board_create(actor=actor, commune=commune, **d),
        "elect": lambda actor, d: s.inspection_member_elect(
            actor=actor, board=board, village=village, **d
        ),
        "position": lambda actor, d: s.inspection_member_position_set(actor=actor, **d),
        "leave": lambda actor, d: s.inspection_member_leave(actor=actor, **d),
        "recognise": lambda actor, d: s.inspection_board_recognise(actor=actor, board=board, **d),
    }


def _election(
    request: HttpRequest, pending: list[selectors.ElectionToSeat]
) -> tuple[decisions.BoardElection | None, list[Resident]]:
    """The election chosen with ``?election=<id>`` among those awaiting their seats, its
    elected candidates and its village's residents (one query for the residents)."""
    chosen = request.GET.get("election", "")
    found = next((e for e in pending if str(e.matter_village.pk) == chosen), None)
    if found is None:
        return None, []
    residents = list(
        Resident.objects.filter(household__village_id=found.matter_village.village_id)
        .select_related("household")
        .order_by("full_name", "id")
    )
    return decisions.board_election(found.matter_village), residents


@backoffice_view
def inspection_board(request: HttpRequest, code: str) -> HttpResponse:
    """The current board, its members, the elections awaiting their seats and the forms."""
    commune = commune_for(request, code, Action.BOARD_VIEW)
    board = selectors.inspection_board_current(commune)
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name", "id")
    village_id = request.GET.get("village", "")
    village = villages.filter(pk=village_id).first() if village_id.isdigit() else None
    may_manage = can(request.user, Action.BOARD_MANAGE, commune)
    may_seat = services.may_seat(request.user, commune)
    pending = selectors.board_elections_to_seat(commune, board) if may_seat else []
    election, residents = _election(request, pending)
    posted = request.method == "POST"
    name = request.POST.get("form", "") if posted else ""
    built = _forms(None, board, village)
    seat_form = SeatForm(None, election, residents)
    status = 200
    if posted and name == "seat":
        if not may_seat:
            require(request.user, Action.BOARD_MANAGE, commune)
        status = 400
        if election is None:
            seat_form.add_error(None, _("Choose a recognised election awaiting its seats."))
        else:
            seat_form = SeatForm(request.POST, election, residents)
            if seat_form.is_valid():
                try:
                    services.inspection_members_seat_from_election(
                        actor=request.user, commune=commune, board=board,
                        matter_village=election.matter_village,
                        residents=seat_form.residents(),
                    )  # fmt: skip
                except ApplicationError as error:
                    add_application_error(seat_form, error)
                else:
                    messages.success(request, _("The elected members are seated."))
                    return redirect(request.path)
    elif posted:
        require(request.user, Action.BOARD_MANAGE, commune)
        status = 400
        calls = _calls(commune, board, village)
        needs_board = name != "term" and board is None
        needs_village = name == "elect" and village is None
        if name in calls and not needs_board and not needs_village:
            form = _forms(request.POST, board, village)[name]
            built[name] = form
            if form.is_valid():
                try:
                    calls[name](request.user, form.cleaned_data)
                except ApplicationError as error:
                    add_application_error(form, error)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(request.get_full_path())
    members = (
        list(
            board.members.select_related("village", "election_matter").order_by(
                "village__name", "id"
            )
        )
        if board
        else []
    )
    context = {
        "commune": commune,
        "board": board,
        "members": members,
        "villages": villages,
        "village": village,
        "may_manage": may_manage,
        "may_seat": may_seat,
        "pending": pending,
        "election": election,
        "seat_form": seat_form,
        "forms": built,
        "today": timezone.localdate(),
    }
    return render(request, "oversight/backoffice/inspection_board.html", context, status=status)
