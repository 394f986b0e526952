"""Forms of the steering pages: parse and validate input, nothing else (the services decide).

Periods are typed the way the reports take them (``2026-H2``, ``2026``, ``2025-07-01..2026-06-30``);
the criteria of an emulation round are fixed rows, so the form works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danchu.core.forms import IdMultipleChoiceField
from danchu.reporting import catalogue
from danchu.reporting.models import AwardKind, Direction, TaskStatus
from danchu.reporting.periods import Period, PeriodError
from danchu.reporting.steering import EVIDENCE_KINDS, MAX_CRITERIA, CriterionIn

__all__ = [
    "AwardForm",
    "CRITERION_ROWS",
    "PeriodField",
    "PlanForm",
    "ProgressForm",
    "RoundForm",
    "StatusForm",
    "TaskForm",
]

CRITERION_ROWS = 6  # rows shown; at most MAX_CRITERIA are accepted
assert CRITERION_ROWS <= MAX_CRITERIA


class PeriodField(forms.CharField):
    """A period as the reports write it; the value is a :class:`Period`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "help_text", _("For example 2026-H2 (second half), 2026, or 2025-07-01..2026-06-30.")
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            return Period.parse(text)
        except PeriodError as error:
            raise ValidationError(str(error), code="invalid_period") from error


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    reference = forms.CharField(label=_("Document number"), max_length=100, required=False)
    period = PeriodField(label=_("Period"))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Key task"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000,
        required=False,
    )  # fmt: skip
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    assignees = IdMultipleChoiceField(
        label=_("Assigned to"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, units: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = units  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    note = forms.CharField(
        label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    evidence = forms.FileField(
        label=_("Evidence (PDF, DOCX, XLSX, PNG or JPEG; at most 10 MB)"), required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in EVIDENCE_KINDS)}
        ),
    )  # fmt: skip


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    on = forms.DateField(
        label=_("Done on (empty: today)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip


def _indicator_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [
        (i.code, f"{i.name} ({i.code})") for i in catalogue.indicators() if i.public
    ]


class RoundForm(forms.Form):
    """Title, period and up to ``CRITERION_ROWS`` criteria rows (empty rows are ignored)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    period = PeriodField(label=_("Period"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _indicator_choices()
        for n in range(1, CRITERION_ROWS + 1):
            # In a table row the column header names the field; screen readers get the label.
            def named(label: Any, n: int = n) -> dict[str, str]:
                return {"aria-label": f"{label} {n}"}

            self.fields[f"code_{n}"] = forms.ChoiceField(
                label=_("Indicator"), choices=choices, required=False,
                widget=forms.Select(attrs=named(_("Indicator"))),
            )  # fmt: skip
            self.fields[f"weight_{n}"] = forms.IntegerField(
                label=_("Weight (points)"), min_value=1, max_value=1000, required=False,
                widget=forms.NumberInput(attrs=named(_("Weight (points)"))),
            )  # fmt: skip
            self.fields[f"direction_{n}"] = forms.ChoiceField(
                label=_("Better when"), choices=Direction.choices, initial=Direction.HIGHER,
                required=False, widget=forms.Select(attrs=named(_("Better when"))),
            )  # fmt: skip

    def rows(self) -> list[dict[str, Any]]:
        """The criteria rows with their bound fields, for the template's table."""
        return [
            {
                "n": n,
                "code": self[f"code_{n}"],
                "weight": self[f"weight_{n}"],
                "direction": self[f"direction_{n}"],
            }
            for n in range(1, CRITERION_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, CRITERION_ROWS + 1):
            if data.get(f"code_{n}") and not data.get(f"weight_{n}"):
                self.add_error(f"weight_{n}", _("Give this criterion a weight."))
        return data

    def criteria(self) -> list[CriterionIn]:
        data = self.cleaned_data
        return [
            CriterionIn(
                data[f"code_{n}"], data[f"weight_{n}"], data[f"direction_{n}"] or Direction.HIGHER
            )
            for n in range(1, CRITERION_ROWS + 1)
            if data.get(f"code_{n}")
        ]


class AwardForm(forms.Form):
    renames = {"recipient_unit": "recipient"}

    kind = forms.ChoiceField(label=_("Kind of award"), choices=AwardKind.choices)
    kind_other = forms.CharField(
        label=_("Name of the commendation (for “other”)"), max_length=200, required=False
    )
    recipient = forms.ChoiceField(label=_("Ranked unit"), required=False)
    recipient_name = forms.CharField(
        label=_("Or a collective or person"), max_length=300, required=False
    )
    citation = forms.CharField(label=_("For"), max_length=500, required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=50)
    decision_date = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signer = forms.CharField(label=_("Signed by"), max_length=200)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(pk), name) for pk, name in units
        ]
