"""Forms of the contributions back office. They only parse input; the services decide, and
their field errors come back onto these forms (``web.forms.add_application_error``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danchu.contributions.models import Campaign, ContributorKind, Kind
from danchu.contributions.services import MAX_QUANTITY
from danchu.territory.models import Village

__all__ = ["CampaignForm", "CancelForm", "ReceiptForm", "SpendingForm"]

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _quantity(label: Any, *, required: bool = True, minimum: int = 1) -> forms.IntegerField:
    # A whole number: "1.5" or "1,5" is a field error, never rounded.
    return forms.IntegerField(
        label=label, required=required, min_value=minimum, max_value=MAX_QUANTITY
    )


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("campaign title"), max_length=300)
    purpose = forms.CharField(label=_("purpose of the campaign"), widget=forms.Textarea)
    serves = forms.CharField(label=_("public work or fund served"), max_length=300)
    starts_on = _date(_("campaign starts on"))
    ends_on = _date(_("campaign ends on"))
    villages = forms.ModelMultipleChoiceField(
        label=_("Villages concerned"), queryset=Village.objects.none(), required=False
    )
    level = forms.ChoiceField(label=_("contribution level"), choices=Campaign.Level.choices)
    decision: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("community decision setting the level"), queryset=None, required=False
    )
    level_per_household = _quantity(_("level per household (VND)"), required=False)
    target_money = _quantity(_("target: money (VND)"), required=False, minimum=0)
    target_land_m2 = _quantity(_("target: land (m²)"), required=False, minimum=0)
    target_workdays = _quantity(_("target: workdays"), required=False, minimum=0)
    material_name = forms.CharField(label=_("material"), max_length=100, required=False)
    material_unit = forms.CharField(label=_("unit of the material"), max_length=30, required=False)
    target_materials = _quantity(_("target: materials"), required=False, minimum=0)

    def __init__(
        self, *args: Any, villages: QuerySet[Village], decisions: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages  # type: ignore[attr-defined]
        self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]


class ReceiptForm(forms.Form):
    renames = {"household": "household_code", "contributor_kind": "contributor_kind"}

    contributor_kind = forms.ChoiceField(
        label=_("contributor type"), choices=ContributorKind.choices
    )
    household_code = forms.CharField(
        label=_("household code"), max_length=30, required=False,
        help_text=_("For a household of the commune."),
    )  # fmt: skip
    contributor_name = forms.CharField(label=_("contributor name"), max_length=200, required=False)
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Village.objects.none(), required=False
    )
    anonymous = forms.BooleanField(label=_("appear anonymously in public"), required=False)
    kind = forms.ChoiceField(label=_("contribution kind"), choices=Kind.choices)
    amount = _quantity(_("quantity"))
    received_on = _date(_("received on"))
    land_parcel = forms.CharField(label=_("land parcel"), max_length=200, required=False)
    compensation_waived = forms.BooleanField(label=_("compensation waived"), required=False)

    def __init__(self, *args: Any, villages: QuerySet[Village], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]


class SpendingForm(forms.Form):
    spent_on = _date(_("spent on"))
    description = forms.CharField(label=_("what was paid for"), max_length=300)
    payee = forms.CharField(label=_("paid to"), max_length=200)
    document = forms.CharField(label=_("supporting document"), max_length=200)
    amount = _quantity(_("amount (VND)"))
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Village.objects.none(), required=False
    )

    def __init__(self, *args: Any, villages: QuerySet[Village], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for the cancellation"), max_length=1000)
