"""Forms of the public site and the back office: parse and validate input, nothing else.

Writes go through the territory services; the forms only turn input into clean values and
carry the services' field errors back to the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danchu.core.errors import ApplicationError
from danchu.territory.models import Village

__all__ = [
    "CommuneSearchForm",
    "HouseholdFilterForm",
    "HouseholdImportForm",
    "VillageCreateForm",
    "VillageMergeForm",
    "VillageUpdateForm",
    "add_application_error",
]

IMPORT_TYPES = (".xlsx", ".csv")


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's refusal on the form: field errors where the field exists, else on top.

    A form whose fields are named differently from the service's arguments maps them with a
    ``renames`` attribute (service name → form field name).
    """
    renames: dict[str, str] = getattr(form, "renames", {})
    placed = False
    for name, messages in error.fields.items():
        field = renames.get(name, name)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class CommuneSearchForm(forms.Form):
    q = forms.CharField(label=_("Commune name"), max_length=100, required=False)


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search (code, representative, address)"), max_length=100, required=False
    )
    village = forms.ModelChoiceField(
        label=_("Village or residential group"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args: Any, villages: QuerySet[Village], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]


class VillageCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Village.Kind.choices)
    code = forms.CharField(
        label=_("Code (optional)"),
        max_length=20,
        required=False,
        help_text=_("Left empty, a code is chosen for you."),
    )


class VillageUpdateForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Village.Kind.choices)


class VillageMergeForm(forms.Form):
    village = forms.ModelChoiceField(
        label=_("Village to merge"), queryset=Village.objects.none(), empty_label="—"
    )
    into = forms.ModelChoiceField(
        label=_("Merge into"), queryset=Village.objects.none(), empty_label="—"
    )

    def __init__(self, *args: Any, villages: QuerySet[Village], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        self.fields["into"].queryset = villages  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("village") and data.get("village") == data.get("into"):
            raise ValidationError({"into": _("Choose another village to merge into.")})
        return data


class HouseholdImportForm(forms.Form):
    file = forms.FileField(
        label=_("Household file (.xlsx or .csv)"),
        help_text=_(
            "One row per resident: household code, village, address, representative, "
            "full name, date of birth, sex, citizen ID, phone."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_TYPES)}),
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(IMPORT_TYPES):
            raise ValidationError(_("Choose an Excel (.xlsx) or CSV (.csv) file."))
        limit = settings.IMPORT_MAX_BYTES
        if uploaded.size > limit:
            raise ValidationError(
                _("The file is too large (at most %(mb)s MB)."),
                params={"mb": limit // (1024 * 1024)},
            )
        return uploaded


def error_messages(error: ApplicationError) -> list[str]:
    """Every message of a refusal, field by field, or its general message."""
    found = [m for messages in error.fields.values() for m in messages]
    return found or [error.message]
