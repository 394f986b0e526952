"""Forms of the review pages: they parse; the services judge (their field errors are placed on
these forms with ``add_application_error``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danchu.reporting.models import ReviewReport
from danchu.reporting.periods import Period, PeriodError

__all__ = ["IssueForm", "ReviewCreateForm", "ReviewTextForm"]

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ReviewCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of review"), choices=ReviewReport.Kind.choices)
    period = forms.CharField(
        label=_("Period"), max_length=40,
        help_text=_("2026-H1 (half-year), 2026 (year), 2021-2026 (several years), 2026-Q2, "
                    "2026-05 or 2026-01-01..2026-06-30."),
    )  # fmt: skip

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error


class ReviewTextForm(forms.Form):
    title = forms.CharField(label=_("Title (summary under “BÁO CÁO”)"), max_length=300)
    results = forms.CharField(
        label=_("I. Results achieved"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
        help_text=_("One paragraph a line. The figures, tables and chart are added by danchu."),
    )  # fmt: skip
    limitations = forms.CharField(
        label=_("II. Limitations and causes"), widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )  # fmt: skip
    lessons = forms.CharField(
        label=_("III. Lessons learned"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    next_tasks = forms.CharField(
        label=_("IV. Tasks and solutions for the next period"),
        widget=forms.Textarea(attrs={"rows": 6}), required=False,
    )  # fmt: skip
    recommendations = forms.CharField(
        label=_("V. Recommendations"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"), widget=forms.Textarea(attrs={"rows": 5}),
        required=False, help_text=_("One recipient a line; the last is usually “Lưu: VT”."),
    )  # fmt: skip
    place = forms.CharField(label=_("Place"), max_length=200)
    signer_authority = forms.CharField(
        label=_("Signing authority"), max_length=100, required=False,
        help_text=_("e.g. TM. ỦY BAN NHÂN DÂN, or KT. CHỦ TỊCH"),
    )  # fmt: skip
    signer_title = forms.CharField(
        label=_("Signer's title"), max_length=100, required=False,
        help_text=_("e.g. CHỦ TỊCH, PHÓ CHỦ TỊCH"),
    )  # fmt: skip
    signer_name = forms.CharField(label=_("Signer's name"), max_length=200, required=False)

    @classmethod
    def of(cls, report: ReviewReport, data: Any = None) -> ReviewTextForm:
        initial = {name: getattr(report, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Date of issue"), widget=DATE_INPUT, input_formats=DATE_FORMATS, required=False,
        help_text=_("Empty: today. The number is given at issue (NĐ 30/2020 Art. 15)."),
    )  # fmt: skip
