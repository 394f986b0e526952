"""Public pages of community decisions: residents see, without signing in, what their commune's
villages are deciding and what they decided.

Law 10/2022/QH15 Art. 11(6), 21: the results of what the community decided are made public.
These pages show the matters that are open or closed (a draft or a cancelled matter is not
public), each village's form and dates, and — only once the matter is closed and its result
sealed — the counts against the law's denominator (all households of the village,
Art. 21(1)), the rule in words with its article, and the result's SHA-256 that anyone can
recompute.

Every view only parses, reads through :mod:`danchu.decisions.selectors` and renders, in a
fixed number of queries whatever the number of matters, villages or votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from danchu.core.errors import NotFound
from danchu.decisions import rules, selectors
from danchu.decisions.models import Matter, MatterVillage, Option
from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import AdministrativeUnit, Village
from danchu.territory.selectors import commune_public
from danchu.web.views.common import paginate

__all__ = [
    "PUBLIC_STATUSES",
    "PublicFilterForm",
    "public_detail",
    "public_list",
    "public_matters",
]

# What the public sees: a draft is still being prepared and a cancelled matter was never put
# to the vote (its reason stays in the audit trail).
PUBLIC_STATUSES = (Matter.Status.OPEN, Matter.Status.CLOSED)


def _commune(code: str) -> AdministrativeUnit:
    try:
        return commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error


def public_matters(commune: AdministrativeUnit) -> QuerySet[Matter]:
    """The commune's open and closed matters, newest first, with their villages prefetched."""
    villages = MatterVillage.objects.select_related("village").order_by("village__name", "id")
    return (
        Matter.objects.filter(commune=commune, status__in=PUBLIC_STATUSES)
        .select_related("commune")
        .prefetch_related(Prefetch("villages", queryset=villages))
        .order_by("-opened_at", "-id")
    )


def _labels() -> tuple[dict[int, str], dict[str, str], dict[str, str]]:
    """The type, form and status labels in the active language, evaluated once per page."""
    return (
        {int(v): str(label) for v, label in MatterType.choices},
        {str(v): str(label) for v, label in Form.choices},
        {str(v): str(label) for v, label in Matter.Status.choices},
    )


# ---------------------------------------------------------------------------------------------
# The list


class PublicFilterForm(forms.Form):
    """The list's filters (GET). Wrong input is a field error and a 400, never a 500."""

    village = forms.ModelChoiceField(
        label=gettext_lazy("Village or residential group"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=gettext_lazy("All"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            ("", gettext_lazy("All")),
            (Matter.Status.OPEN, gettext_lazy("Being decided")),
            (Matter.Status.CLOSED, gettext_lazy("Decided")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, villages: QuerySet[Village], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]


@require_safe
def public_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's matters being decided or decided, filterable by village and status.

    Queries: the commune, the villages of the filter, the count, the page and its villages
    (prefetched) — the same five whatever the number of matters.
    """
    commune = _commune(code)
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name", "id")
    form = PublicFilterForm(request.GET or None, villages=villages)
    page_obj = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        found = public_matters(commune)
        if data.get("village") is not None:
            found = found.filter(villages__village=data["village"])
        if data.get("status"):
            found = found.filter(status=data["status"])
        page_obj = paginate(request, found)
        types, forms_, statuses = _labels()
        for matter in page_obj.object_list:
            matter.type_label = types.get(matter.matter_type, "")
            matter.status_label = statuses.get(matter.status, "")
            matter.village_rows = list(matter.villages.all())
            for mv in matter.village_rows:
                mv.form_label = forms_.get(mv.form, "")
    filtered = form.is_bound and any(
        v not in (None, "") for k, v in request.GET.items() if k != "page"
    )
    context = {
        "commune": commune,
        "form": form,
        "values": {k: request.GET.get(k, "")[:200] for k in PublicFilterForm.base_fields},
        "villages": villages,
        "statuses": [
            (Matter.Status.OPEN.value, gettext_lazy("Being decided")),
            (Matter.Status.CLOSED.value, gettext_lazy("Decided")),
        ],
        "page_obj": page_obj,
        "filtered": filtered,
        "list_url": reverse("decisions:public_list", args=[commune.code]),
    }
    return render(request, "decisions/public/list.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# One matter


@dataclass
class _CountRow:
    option: Option
    count: int


@dataclass
class _VillageRow:
    """One village of the matter as the public sees it."""

    matter_village: MatterVillage
    form_label: str
    # Only once the matter is closed:
    counts: list[_CountRow] | None = None
    approvals: int | None = None
    turnout: int | None = None
    adopted: bool | None = None
    winner: Option | None = None
    result: selectors.VillageOutcome | None = None  # ballots issued, returned, blank, spoiled
    elected: list[Option] | None = None  # a board may elect several


def _public_matter(commune: AdministrativeUnit, pk: int) -> Matter:
    """An open or closed matter of this commune (a draft, a cancelled one or another commune's
    answers 404)."""
    matter = (
        Matter.objects.filter(commune=commune, pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("commune")
        .first()
    )
    if matter is None:
        raise Http404
    return matter


@require_safe
def public_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The question, its options, each village's form and dates, and once closed the outcome.

    While the matter is open, no count is shown — not per option, not even how many households
    have voted so far. A running tally influences the vote (a bandwagon towards the side that
    is ahead, or pressure on households not yet counted), and Law 10/2022 Art. 21 makes the
    result the count at the close against all households; counts appear only after the close,
    when they are sealed with their hash.
    """
    commune = _commune(code)
    matter = _public_matter(commune, pk)
    types, forms_, _statuses = _labels()
    closed = matter.status == Matter.Status.CLOSED
    outcome = None
    hash_matches = None
    rows: list[_VillageRow] = []
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    if closed:
        # Four queries: the options, the votes grouped, the meetings' counts, the villages.
        outcome = selectors.matter_outcome(matter)
        for result in outcome.villages:
            mv = result.matter_village
            rows.append(
                _VillageRow(
                    matter_village=mv,
                    form_label=forms_.get(mv.form, ""),
                    counts=[_CountRow(o, result.counts.get(o.pk, 0)) for o in options],
                    approvals=result.approvals,
                    turnout=result.turnout,
                    adopted=result.adopted,
                    winner=result.winner,
                    result=result,
                    elected=result.elected,
                )
            )
        # The published counts give back the sealed hash: shown, so that a reader can trust
        # the page, and can recompute it themselves (selectors.result_digest says how).
        hash_matches = selectors.result_digest(outcome) == matter.result_hash
        rule, article = outcome.rule, outcome.article
    else:
        villages = (
            MatterVillage.objects.filter(matter=matter)
            .select_related("village")
            .order_by("village__name", "id")
        )
        rows = [
            _VillageRow(matter_village=mv, form_label=forms_.get(mv.form, "")) for mv in villages
        ]
        rule, article = rules.rule_text(matter.matter_type)
        if matter.commune_wide:
            rule = f"{rule} {rules.commune_rule_text()}"
    context = {
        "commune": commune,
        "matter": matter,
        "type_label": types.get(matter.matter_type, ""),
        "options": options,
        "rows": rows,
        "closed": closed,
        "outcome": outcome,
        "is_election": any(o.kind == Option.Kind.CANDIDATE for o in options),
        "rule": rule,
        "article": article,
        "hash_matches": hash_matches,
        "list_url": reverse("decisions:public_list", args=[commune.code]),
    }
    return render(request, "decisions/public/detail.html", context)
