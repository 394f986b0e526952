"""Forms of the reception, dialogue and mediation pages: parse input, nothing else.

The services decide; the forms only turn input into clean values and carry the services'
field errors back (``web.forms.add_application_error``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danchu.petitions.mediation import MemberPlan
from danchu.petitions.models import (
    MediationCase,
    MediationTeam,
    Mediator,
    ReceptionRecord,
)
from danchu.territory.models import Village

__all__ = [
    "AnswerForm",
    "AssignForm",
    "BookingCancelForm",
    "BookingForm",
    "CaseCloseForm",
    "CaseForm",
    "CommitmentForm",
    "DialogueForm",
    "DialogueHoldForm",
    "FollowUpForm",
    "FulfilForm",
    "QuestionForm",
    "ReceptionDayForm",
    "ReceptionRecordForm",
    "SessionForm",
    "TeamForm",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, **kwargs)


class BookingForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone number"), max_length=20)
    subject = forms.CharField(
        label=_("What you wish to raise"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class BookingCancelForm(forms.Form):
    code = forms.CharField(label=_("Booking code"), max_length=12)
    phone = forms.CharField(label=_("Phone number"), max_length=20)


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    show_name = forms.BooleanField(label=_("Show my name with the question"), required=False)


class ReceptionDayForm(forms.Form):
    date = _date(_("Reception date"))
    host = forms.CharField(label=_("Received by"), max_length=200)
    place = forms.CharField(label=_("Reception place"), max_length=300)
    ad_hoc = forms.BooleanField(label=_("Unscheduled reception (urgent case)"), required=False)
    first_slot = forms.TimeField(label=_("First slot starts at"), widget=TIME, required=False)
    slot_minutes = forms.IntegerField(
        label=_("Minutes per slot"), min_value=10, max_value=240, initial=60
    )
    slots = forms.IntegerField(label=_("Number of slots"), min_value=0, max_value=20, initial=4)
    capacity = forms.IntegerField(label=_("Places per slot"), min_value=1, max_value=50, initial=3)


class ReceptionRecordForm(forms.Form):
    visitor_name = forms.CharField(label=_("Visitor"), max_length=200)
    visitor_contact = forms.CharField(
        label=_("Visitor's address or phone"), max_length=300, required=False
    )
    received_by = forms.CharField(label=_("Received by"), max_length=200, required=False)
    raised = forms.CharField(
        label=_("What was raised"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReceptionRecord.Outcome.choices)
    outcome_note = forms.CharField(
        label=_("Outcome details"), max_length=5000, required=False, widget=forms.Textarea(
            attrs={"rows": 2}
        ),
    )  # fmt: skip


class DialogueForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = _date(_("Dialogue date"))
    place = forms.CharField(label=_("Place"), max_length=300)


class DialogueHoldForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the dialogue"), max_length=20000, widget=forms.Textarea(
            attrs={"rows": 4}
        ),
    )  # fmt: skip


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.CharField(
        label=_("Answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommitmentForm(forms.Form):
    text = forms.CharField(
        label=_("Commitment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.CharField(label=_("Responsible"), max_length=200)
    due_on = _date(_("Deadline"))


class FulfilForm(forms.Form):
    commitment = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    fulfilled_on = _date(_("Fulfilled on"))
    result = forms.CharField(label=_("Result"), max_length=5000, required=False)


class TeamForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=Village.objects.none())
    name = forms.CharField(label=_("Team name"), max_length=200)
    recognised_by = forms.CharField(label=_("Recognition decision"), max_length=200, required=False)
    members = forms.CharField(
        label=_("Mediators"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One per line: full name; female or male; add “leader” for the team leader. "
            "Example: Nguyễn Thị Hoa; female; leader"
        ),
    )

    def __init__(self, *args: Any, villages: QuerySet[Village], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]

    def clean_members(self) -> list[MemberPlan]:
        female = {"female", "nữ", "nu"}
        male = {"male", "nam"}
        plans = []
        for line in self.cleaned_data["members"].splitlines():
            parts = [p.strip() for p in line.split(";")]
            if not parts[0]:
                continue
            words = {p.lower() for p in parts[1:]}
            if words & female:
                sex = Mediator.Sex.FEMALE
            elif words & male:
                sex = Mediator.Sex.MALE
            else:
                raise forms.ValidationError(_("Say female or male for each mediator."))
            leader = bool(words & {"leader", "tổ trưởng", "to truong"})
            plans.append(MemberPlan(parts[0], sex, is_leader=leader))
        return plans


class CaseForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Mediation team"), queryset=MediationTeam.objects.none())
    received_on = _date(_("Received on"))
    subject = forms.ChoiceField(label=_("Kind of dispute"), choices=MediationCase.Subject.choices)
    parties = forms.CharField(
        label=_("Parties"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    details = forms.CharField(
        label=_("What the dispute is about"), max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: Any, teams: QuerySet[MediationTeam], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    mediators = forms.ModelMultipleChoiceField(
        label=_("Mediators"), queryset=Mediator.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    assigned_on = _date(_("Assigned on"))
    renames = {"mediator_ids": "mediators"}

    def __init__(self, *args: Any, mediators: QuerySet[Mediator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = mediators  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    held_on = _date(_("Session date"))
    notes = forms.CharField(
        label=_("Course of the session"), max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class CaseCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (s.value, s.label)
            for s in (
                MediationCase.Status.SUCCESS,
                MediationCase.Status.STOPPED,
                MediationCase.Status.FAILED,
            )
        ],
    )
    closed_on = _date(_("Closed on"))
    agreement = forms.CharField(
        label=_("Written agreement (on success)"), max_length=20000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    referred_to = forms.CharField(
        label=_("Referred to (on failure)"), max_length=300, required=False
    )
    note = forms.CharField(label=_("Outcome details"), max_length=5000, required=False)


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(
        label=_("Follow-up of performance"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    performed = forms.NullBooleanField(label=_("Agreement performed"), required=False)
