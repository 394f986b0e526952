"""Forms of community decisions' back office and of the household representative's vote.

They only parse input into clean values; the services (``danchu.decisions.services``) decide,
and their field errors come back onto these forms (``web.forms.add_application_error``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danchu.core.forms import IdMultipleChoiceField
from danchu.decisions.models import Ballot, Option
from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import Village

__all__ = [
    "AttendanceForm",
    "BallotEntryForm",
    "BallotMarkForm",
    "BallotResolveForm",
    "ConflictResolveForm",
    "MatterCreateForm",
    "ResultForm",
    "SwitchToBallotForm",
    "VillagePlanForm",
    "VoteForm",
    "WitnessesForm",
    "entry_choices",
]

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _date_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _datetime_field(label: Any, *, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _lines(value: str) -> list[str]:
    """A list of names, one a line; empty lines are skipped."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class _NamesField(forms.CharField):
    """People's names, one a line (the service checks them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        kwargs.setdefault("help_text", _("One name a line."))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return _lines(super().to_python(value) or "")


class MatterCreateForm(forms.Form):
    """A new matter: its type (Art. 15), the question and the villages, or the whole commune."""

    matter_type = forms.TypedChoiceField(
        label=_("Type of matter (Law 10/2022 Art. 15)"),
        coerce=int,
        choices=[("", "—"), *MatterType.choices],
        error_messages={"required": _("Choose a type of matter of Art. 15.")},
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    question = forms.CharField(
        label=_("The question put to the households"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("Explanation and documents"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    villages = IdMultipleChoiceField(
        label=_("Villages concerned"),
        queryset=Village.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    commune_wide = forms.BooleanField(
        label=_("Commune-wide (every village; contributions and community finances only)"),
        required=False,
    )
    candidates = _NamesField(
        label=_("Candidates (elections only)"),
        help_text=_("One name a line. Leave empty unless this is an election."),
    )
    dismissal = forms.BooleanField(
        label=_("This is a dismissal (village head or board member)"), required=False
    )
    secret = forms.BooleanField(
        label=_("Secret ballot (tracking codes and a public bulletin; meeting or online)"),
        required=False,
    )
    # The service's field names → this form's.
    renames = {"village_ids": "villages"}

    def __init__(
        self,
        *args: Any,
        villages: QuerySet[Village],
        commune_wide_allowed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages  # type: ignore[attr-defined]
        if not commune_wide_allowed:
            del self.fields["commune_wide"]


class VillagePlanForm(forms.Form):
    """How one village decides (services.VillagePlan)."""

    form = forms.ChoiceField(label=_("Form (Law 10/2022 Art. 17)"), choices=Form.choices)
    notice_on = _date_field(
        _("Notice given on"), help_text=_("Empty: today. At least 2 days before (Art. 19(2)).")
    )
    held_on = _date_field(_("Meeting day, or the day ballots are handed out"))
    closes_at = _datetime_field(
        _("Ballots due back, or online vote closes"),
        help_text=_("Ballots and online votes only."),
    )
    team = _NamesField(label=_("Ballot or online-voting team (3–5 people)"))


class AttendanceForm(forms.Form):
    """The meeting's attendance sheet: a checkbox per household of the village."""

    households = forms.TypedMultipleChoiceField(
        label=_("Households present"), coerce=int, required=False
    )

    def __init__(self, *args: Any, household_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["households"].choices = [(pk, str(pk)) for pk in household_ids]  # type: ignore[attr-defined]
        self.fields["households"].error_messages["invalid_choice"] = _(
            "Choose households of this village."
        )


class ResultForm(forms.Form):
    """The meeting's counts per option, its counting committee and witnesses."""

    secret = forms.BooleanField(label=_("Secret ballot at the meeting"), required=False)
    team = _NamesField(label=_("Counting committee (3–5 people)"))
    team_approved_by = forms.IntegerField(
        label=_("Households present who approved the committee"), required=False, min_value=0
    )
    witnesses = _NamesField(label=_("Witnesses (2 household representatives)"))

    def __init__(self, *args: Any, options: Sequence[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = list(options)
        for option in self.options:
            self.fields[f"option_{option.pk}"] = forms.IntegerField(
                label=option.label, min_value=0, initial=0
            )

    def counts(self) -> dict[int | str, int]:
        return {o.pk: self.cleaned_data[f"option_{o.pk}"] for o in self.options}

    def option_fields(self) -> list[forms.BoundField]:
        return [self[f"option_{o.pk}"] for o in self.options]


class SwitchToBallotForm(forms.Form):
    """A meeting that cannot reach the threshold goes to a household ballot (Art. 19(1)(b))."""

    notice_on = _date_field(_("Ballot notice given on"), help_text=_("Empty: today."))
    held_on = _date_field(_("Day the ballots are handed out"), required=True)
    closes_at = _datetime_field(_("Ballots due back"))
    team = _NamesField(label=_("Ballot team (3–5 people)"))


def entry_choices(options: Iterable[Option]) -> list[tuple[str, str]]:
    """What a paper ballot may say: an option, blank or spoiled."""
    return [
        ("", "—"),
        *((str(o.pk), o.label) for o in options),
        ("blank", str(_("Blank"))),
        ("spoiled", str(_("Spoiled"))),
    ]


class _BallotForm(forms.Form):
    ballot = forms.IntegerField(widget=forms.HiddenInput)


class BallotMarkForm(_BallotForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Ballot.Status.DELIVERED, _("delivered")),
            (Ballot.Status.RETURNED, _("returned")),
        ],
    )


class BallotEntryForm(_BallotForm):
    entry = forms.ChoiceField(label=_("The ballot says"))

    def __init__(self, *args: Any, options: Iterable[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = entry_choices(options)  # type: ignore[attr-defined]
        self.fields["entry"].error_messages["required"] = _(
            "Choose what the ballot says: an option, blank or spoiled."
        )


class BallotResolveForm(BallotEntryForm):
    reason = forms.CharField(label=_("Reason"), max_length=250)


class WitnessesForm(forms.Form):
    witnesses = _NamesField(label=_("Witnesses of the count (2 household representatives)"))


class ConflictResolveForm(forms.Form):
    conflict = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.ChoiceField(
        label=_("Keep"),
        choices=[("existing", _("the vote already counted")), ("new", _("the new vote"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=250)


class VoteForm(forms.Form):
    """The household representative's online vote."""

    option = forms.TypedChoiceField(
        label=_("Your household's answer"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer.")},
    )
    other_opinion = forms.CharField(
        label=_("Your opinion (with “other opinion” only)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Secret ballot: the code given at the first vote, needed to change the choice.
    tracking_code = forms.CharField(
        label=_("Your tracking code (to change a secret vote)"), required=False, max_length=40
    )

    def __init__(self, *args: Any, options: Sequence[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = {o.pk: o for o in options}
        self.fields["option"].choices = [(o.pk, o.label) for o in options]  # type: ignore[attr-defined]
