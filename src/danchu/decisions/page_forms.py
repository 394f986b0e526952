"""Forms of the pages for the online opt-in poll, cancelling a matter, sending and recognising
a decision, and citizen initiatives.

They only parse input; the services decide, and their field errors come back onto these forms
(``web.forms.add_application_error``). The field names are the services' argument names, so a
service's field error lands on its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danchu.decisions.forms import DATE_FORMATS
from danchu.decisions.initiatives import NOTE_MAX, PROPOSAL_MAX, TITLE_MAX
from danchu.decisions.recognition import REASONS_MAX
from danchu.decisions.rules import MatterType
from danchu.decisions.services import REASON_MAX

__all__ = [
    "CancelForm",
    "ConsentRecordForm",
    "DecisionRefuseForm",
    "DecisionSendForm",
    "FrontApprovalForm",
    "InitiativeCreateForm",
    "OptInForm",
    "RecogniseForm",
]


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")},
    )


class OptInForm(forms.Form):
    """One household's answer to "shall we vote online?" (Decree 59/2023 Art. 5(2)(c))."""

    household = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    agrees = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("agrees to vote online")), ("no", _("does not agree"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the household's answer.")},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        help_text=_("Kept in the audit trail with your name."),
        error_messages={"required": _("Give the reason for cancelling the matter.")},
    )


class DecisionSendForm(forms.Form):
    sent_on = _date_field(
        _("Sent to the commune People's Committee and Fatherland Front on"),
        help_text=_("Within 5 working days of the decision (Law 10/2022 Art. 20(3))."),
    )


class RecogniseForm(forms.Form):
    on = _date_field(_("Recognised on"))


# Law 10/2022 Art. 21(2): a refusal is in writing with its reasons (the service's message).
_REFUSAL_NEEDS_REASONS = _(
    "A refusal is given in writing with its reasons (Law 10/2022 Art. 21(2))."
)


class DecisionRefuseForm(forms.Form):
    on = _date_field(_("Refused on"))
    reasons = forms.CharField(
        label=_("Reasons for the refusal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASONS_MAX,
        error_messages={"required": _REFUSAL_NEEDS_REASONS},
    )


class InitiativeCreateForm(forms.Form):
    """A resident's proposal to their village's community (Law 10/2022 Art. 16(3))."""

    matter_type = forms.TypedChoiceField(
        label=_("Kind of matter (Law 10/2022 Art. 15)"),
        choices=MatterType.choices,
        coerce=int,
        error_messages={"required": _("Choose a matter of Law 10/2022 Art. 15 (clauses 1 to 6).")},
    )
    title = forms.CharField(
        label=_("Title of the initiative"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Give the initiative a title.")},
    )
    proposal = forms.CharField(
        label=_("What you propose"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=PROPOSAL_MAX,
        error_messages={"required": _("Describe what you propose to the community.")},
    )


class ConsentRecordForm(forms.Form):
    """A consent collected on paper or at a meeting, entered by the village head or an official."""

    household = forms.CharField(
        label=_("Household code"),
        max_length=40,
        error_messages={"required": _("Enter the household's code.")},
    )
    given_on = _date_field(
        _("Consent given on"),
        help_text=_("A consent counts for 3 months from this day (Law 10/2022 Art. 16(3))."),
    )


class FrontApprovalForm(forms.Form):
    note = forms.CharField(
        label=_("The Front working committee's reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX,
        error_messages={"required": _("Give the Front working committee's reasons.")},
    )
