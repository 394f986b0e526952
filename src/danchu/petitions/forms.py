"""Forms of citizens' requests: they parse; the services decide (and name the field at fault)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danchu.petitions.models import RequestChannel, RequestKind
from danchu.petitions.selectors import Queue
from danchu.territory.models import Village

__all__ = [
    "AnswerForm",
    "ClassifyForm",
    "ClockForm",
    "FileRequestForm",
    "ForwardForm",
    "QueueFilterForm",
    "RateForm",
    "ReasonForm",
    "ReopenForm",
    "TrackForm",
]


class FileRequestForm(forms.Form):
    """A resident's request (or an official keying one in for them)."""

    kind = forms.ChoiceField(label=_("kind of request"), choices=RequestKind.choices)
    subject = forms.CharField(label=_("subject"), max_length=300)
    content = forms.CharField(
        label=_("content of the request"), widget=forms.Textarea, max_length=10000
    )
    village = forms.ModelChoiceField(
        label=_("village concerned"), queryset=Village.objects.none(), required=False
    )
    latitude = forms.DecimalField(
        label=_("latitude"), required=False, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("longitude"), required=False, max_digits=9, decimal_places=6
    )
    full_name = forms.CharField(label=_("your full name"), max_length=300, required=False)
    phone = forms.CharField(label=_("phone number"), max_length=300, required=False)
    email = forms.EmailField(label=_("e-mail address"), max_length=300, required=False)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    file = forms.FileField(label=_("attached file (PDF, DOCX, XLSX, PNG, JPEG)"), required=False)

    def __init__(
        self, *args: Any, villages: QuerySet[Village], keyed_in: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        if keyed_in:
            self.fields["channel"] = forms.ChoiceField(
                label=_("arrived"),
                choices=[c for c in RequestChannel.choices if c[0] != RequestChannel.WEB],
            )
            self.fields["received_on"] = forms.DateField(label=_("received on"), required=False)


class TrackForm(forms.Form):
    code = forms.CharField(label=_("tracking code"), max_length=20)


class RateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("how satisfied are you with the answer?"), coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect,
    )  # fmt: skip


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("why the answer did not resolve it"), widget=forms.Textarea, max_length=10000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reasons"), widget=forms.Textarea, max_length=10000)


class ForwardForm(ReasonForm):
    forwarded_to = forms.CharField(label=_("competent body"), max_length=300)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea, max_length=10000)


class ClassifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of request"), choices=RequestKind.choices)
    complex_case = forms.BooleanField(label=_("complex case"), required=False)
    remote_area = forms.BooleanField(label=_("remote or hard-to-reach area"), required=False)
    several_places = forms.BooleanField(label=_("several places must be checked"), required=False)
    due_on = forms.DateField(
        label=_("answer due by (feedback, information, disputes)"), required=False
    )


class AcceptForm(forms.Form):
    decision_known_on = forms.DateField(
        label=_("day the decision was received or known (complaints)"), required=False
    )
    excluded_days = forms.IntegerField(
        label=_("days lost to objective obstacles"), min_value=0, max_value=3650, required=False
    )


class ClockForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("pause", "pause"), ("resume", "resume"), ("extend", "extend")]
    )
    document = forms.CharField(label=_("decision number"), max_length=100)
    reason = forms.CharField(label=_("reasons"), widget=forms.Textarea, max_length=2000)


class QueueFilterForm(forms.Form):
    queue = forms.ChoiceField(
        label=_("queue"), required=False,
        choices=[("", _("all requests")), (Queue.DUE_SOON, _("due soon")),
                 (Queue.OVERDUE, _("overdue")), (Queue.UNASSIGNED, _("not assigned"))],
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("kind of request"),
        required=False,
        choices=[("", _("every kind")), *RequestKind.choices],
    )
    q = forms.CharField(label=_("search"), required=False, max_length=200)
