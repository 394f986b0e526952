"""Forms of the consultation pages: they parse; the services judge (their field errors are
placed on these forms with ``add_application_error``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danchu.consultation.rules import Category, Form, Outcome

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ConsultationForm(forms.Form):
    category = forms.TypedChoiceField(
        label=_("Subject (Law 10/2022 Art. 25)"), choices=Category.choices, coerce=int
    )
    title = forms.CharField(label=_("Title of the draft"), max_length=300)
    plan_document = forms.CharField(
        label=_("Consultation plan or document"), max_length=300,
        help_text=_("e.g. Kế hoạch số 21/KH-UBND"),
    )  # fmt: skip
    plan_issued_on = forms.DateField(
        label=_("Issued on"), widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    period_days = forms.IntegerField(
        label=_("Period in days from publication"), min_value=1, max_value=365, initial=20,
        help_text=_("At least 20 days (Art. 28(2)); at least 30 for a convention draft."),
    )  # fmt: skip
    is_convention = forms.BooleanField(label=_("Community convention draft"), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    draft_text = forms.CharField(
        label=_("Text of the draft"), widget=forms.Textarea(attrs={"rows": 12}), required=False,
        help_text=_("Lines starting with 'Điều', 'Chương' or 'Mục' begin a section."),
    )  # fmt: skip
    used_forms = forms.MultipleChoiceField(
        label=_("Forms of consultation (Art. 26)"), choices=Form.choices,
        widget=forms.CheckboxSelectMultiple, initial=[Form.WEB],
    )  # fmt: skip
    villages: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Villages concerned (none: the whole commune)"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    groups_concerned = forms.CharField(label=_("Groups concerned"), max_length=300, required=False)
    allow_phone = forms.BooleanField(
        label=_("Accept opinions with a verified phone"), required=False
    )
    draft_file = forms.FileField(label=_("Draft document (PDF, DOCX)"), required=False)
    renames = {"village_ids": "villages", "forms": "used_forms"}

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages  # type: ignore[attr-defined]


class OpinionForm(forms.Form):
    """A resident's opinion on the whole draft or one section."""

    section = forms.TypedChoiceField(
        label=_("Part of the draft"), coerce=int, empty_value=None, required=False
    )
    body = forms.CharField(
        label=_("Your opinion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )

    def __init__(self, *args: Any, sections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("The whole draft"))] + [(s.pk, s.heading) for s in sections]
        self.fields["section"].choices = choices  # type: ignore[attr-defined]


class PaperOpinionForm(OpinionForm):
    """An opinion an official received on paper, in the box or at a meeting."""

    form = forms.ChoiceField(
        label=_("Received through"), choices=[c for c in Form.choices if c[0] != Form.WEB]
    )
    source = forms.CharField(
        label=_("Source of the opinion"), max_length=200, help_text=_("Which meeting, form or box.")
    )
    author_name = forms.CharField(label=_("Name (if given)"), max_length=200, required=False)


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"), max_length=20, help_text=_("e.g. YK-ABCD-EFGH")
    )


class GroupForm(forms.Form):
    topic = forms.CharField(label=_("Topic of the opinions"), max_length=300)
    opinion_ids = forms.CharField(widget=forms.HiddenInput)
    section = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_opinion_ids(self) -> list[int]:
        raw = self.cleaned_data["opinion_ids"]
        try:
            return [int(p) for p in raw.split(",") if p.strip()][:1000]
        except ValueError as exc:
            raise forms.ValidationError(_("Choose opinions of this consultation.")) from exc


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in Outcome.choices if c[0] != Outcome.PENDING],
        widget=forms.RadioSelect,
    )  # fmt: skip
    answer = forms.CharField(
        label=_("Change made, or why not"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )  # fmt: skip


class DecisionForm(forms.Form):
    reference = forms.CharField(label=_("Decision after the consultation"), max_length=300)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE_INPUT, input_formats=DATE_FORMATS)
    departs_from_majority = forms.BooleanField(
        label=_("The decision departs from the majority opinion"), required=False
    )
    explanation = forms.CharField(
        label=_("Why it departs from the majority (Art. 28(4))"), widget=forms.Textarea,
        required=False, max_length=5000,
    )  # fmt: skip


class AffectedForm(forms.Form):
    """A citizen named in a draft decision that burdens them (Art. 25(8), 27)."""

    name = forms.CharField(label=_("Name of the citizen concerned"), max_length=200)


class AffectedViewsForm(forms.Form):
    views = forms.CharField(
        label=_("Their views"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=5000,
    )  # fmt: skip
    representative = forms.CharField(
        label=_("Presented by (if a representative)"), max_length=200, required=False
    )
    answer = forms.CharField(
        label=_("The commune's explanation or acceptance"),
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
    )  # fmt: skip
    notified_on_paper = forms.BooleanField(label=_("Told on paper"), required=False)
