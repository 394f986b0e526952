"""Forms of the disclosure register's back office and of residents' information requests.

They only parse input into clean values; the services (``danchu.disclosure.services``) decide,
and their field errors come back onto these forms (``web.forms.add_application_error``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danchu.core.forms import IdMultipleChoiceField
from danchu.disclosure.models import Disclosure, InformationRequest
from danchu.disclosure.rules import Category, Channel
from danchu.disclosure.services import DisclosureData
from danchu.territory.models import Village

__all__ = [
    "AnswerForm",
    "AttachmentForm",
    "DisclosureFilterForm",
    "DisclosureForm",
    "EndRecordForm",
    "InformationRequestForm",
    "QUARTERS",
    "MultipleFileField",
    "QuarterForm",
    "RecordForm",
    "RequestFilterForm",
    "WithdrawForm",
]

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# How many proof files one record may carry (a few photos and a log).
MAX_PROOFS = 10


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _category_choices(blank: Any) -> list[tuple[Any, Any]]:
    return [("", blank), *Category.choices]


class DisclosureForm(forms.Form):
    """The content of a version (services.DisclosureData)."""

    category = forms.TypedChoiceField(
        label=_("Content (Art. 11)"),
        coerce=int,
        choices=_category_choices("—"),
        error_messages={"required": _("Choose a category of Art. 11.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        error_messages={"required": _("Give the disclosure a title.")},
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    source_document = forms.CharField(
        label=_("Source document"),
        max_length=300,
        help_text=_("The decision or document published, e.g. Quyết định số 12/QĐ-UBND."),
        error_messages={"required": _("Name the decision or document being published.")},
    )
    source_issued_on = _date_field(
        _("Issue date of the source document"),
        help_text=_("Unless a sector rule says otherwise, publish within 5 working days of it."),
    )
    sector_rule = forms.CharField(
        label=_("Sector rule on timing (optional)"),
        max_length=300,
        required=False,
        help_text=_(
            "Only when a sector law sets its own time to publish (Art. 12(3)); name the rule."
        ),
    )
    sector_deadline = _date_field(_("Deadline under the sector rule (optional)"), required=False)
    villages = IdMultipleChoiceField(
        label=_("Villages in scope"),
        queryset=Village.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none for the whole commune."),
    )
    change_note = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what changed: residents read it.")},
    )

    # Service field names that differ from the form's.
    renames = {"village_ids": "villages"}

    def __init__(
        self, *args: Any, villages: QuerySet[Village], change_required: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages  # type: ignore[attr-defined]
        self.fields["change_note"].required = change_required

    def to_data(self) -> DisclosureData:
        data = self.cleaned_data
        return DisclosureData(
            category=data["category"],
            title=data["title"],
            source_document=data["source_document"],
            source_issued_on=data["source_issued_on"],
            summary=data["summary"],
            body=data["body"],
            sector_rule=data["sector_rule"],
            sector_deadline=data["sector_deadline"],
            village_ids=[v.pk for v in data["villages"]],
            change_note=data["change_note"],
        )


class DisclosureFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Disclosure.Status.choices],
    )
    category = forms.TypedChoiceField(
        label=_("Content (Art. 11)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_category_choices(_("All")),
    )
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File (PDF, DOCX, XLSX, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.DISCLOSURE_FILE_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _("At most %(mb)s MB.") % {"mb": limit}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none and not required)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        items = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            super().clean(None, initial)  # "required" when it is
            return []
        if len(items) > MAX_PROOFS:
            raise forms.ValidationError(
                _("At most %(count)s files at once."), params={"count": MAX_PROOFS}
            )
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class RecordForm(forms.Form):
    """One act of publishing (services.publishing_record_add)."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", "—"), *Channel.choices],
        error_messages={"required": _("Choose a channel.")},
    )
    village = forms.ModelChoiceField(
        label=_("Village (for village channels)"),
        queryset=Village.objects.none(),
        required=False,
        empty_label="—",
    )
    started_on = _date_field(_("From"))
    ended_on = _date_field(
        _("Until (optional)"),
        required=False,
        help_text=_("The last day the notice was up; leave empty while it is still up."),
    )
    performed_by = forms.CharField(
        label=_("Done by (optional)"),
        max_length=200,
        required=False,
        help_text=_("Left empty: your name."),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)
    proofs = MultipleFileField(
        label=_("Proof (optional)"),
        required=False,
        help_text=_("Photos of the notice board, a loudspeaker log: PDF, PNG or JPEG files."),
    )

    renames = {"proof": "proofs"}

    def __init__(
        self,
        *args: Any,
        villages: QuerySet[Village],
        shown_villages: Iterable[Village],
        channels: Sequence[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Any village of the commune parses, so that the service can say why a village is
        # refused (outside the scope, or not the village head's); the list offers only the
        # villages this person may record for.
        village = self.fields["village"]
        village.queryset = villages  # type: ignore[attr-defined]
        village.widget.choices = [("", "—"), *((v.pk, v.name) for v in shown_villages)]  # type: ignore[attr-defined]
        channel = self.fields["channel"]
        channel.widget.choices = [("", "—"), *channels]  # type: ignore[attr-defined]


class EndRecordForm(forms.Form):
    ended_on = _date_field(_("Last day up"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for withdrawing.")},
    )


QUARTERS = [(1, "I"), (2, "II"), (3, "III"), (4, "IV")]


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=QUARTERS)


class InformationRequestForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=300,
        error_messages={"required": _("Say briefly what you ask for.")},
    )
    message = forms.CharField(
        label=_("What information do you need?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Describe the information you need.")},
    )
    reason = forms.ChoiceField(
        label=_("Why do you ask?"),
        choices=InformationRequest.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you ask.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the answer.")},
    )


class RequestFilterForm(forms.Form):
    OVERDUE = "overdue"
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            *InformationRequest.Status.choices,
            (OVERDUE, _("overdue")),
        ],
    )
