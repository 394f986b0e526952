"""Reads of contribution campaigns: the public ledger, the officials' receipts, the figures.

Law 10/2022/QH15 Art. 11(5): contributions mobilised from the people are made public. The
ledger needs no sign-in and shows totals by kind and village, progress against the targets,
the contributors and the spending — but never the name (nor the village) of a contributor who
chose to appear anonymously. Every total is a database ``SUM`` of integers, in a fixed number
of queries whatever the number of receipts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, get_for_actor, restrict
from danchu.contributions.models import (
    Campaign,
    ContributorKind,
    Exemption,
    Kind,
    Pledge,
    Receipt,
    Spending,
)
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "ContributionFigures",
    "KindProgress",
    "Ledger",
    "PublicContributor",
    "campaign_for_actor",
    "campaign_ledger",
    "campaigns_for_actor",
    "campaigns_public",
    "contribution_figures",
    "receipts_for_actor",
]

KINDS = (Kind.MONEY, Kind.LAND, Kind.WORKDAYS, Kind.MATERIALS)


def campaigns_public(commune: AdministrativeUnit) -> QuerySet[Campaign]:
    """Every campaign of the commune: the ledger is public from the first day (Art. 11(5))."""
    return Campaign.objects.filter(commune=commune).order_by("-starts_on", "-id")


def campaigns_for_actor(actor: Any, commune: AdministrativeUnit) -> QuerySet[Campaign]:
    qs = Campaign.objects.filter(commune=commune)
    return restrict(qs, actor, Action.CAMPAIGN_LIST).order_by("-starts_on", "-id")


def campaign_for_actor(actor: Any, pk: int, action: Action = Action.CAMPAIGN_LIST) -> Campaign:
    return get_for_actor(Campaign.objects.select_related("commune"), actor, action, pk=pk)


def receipts_for_actor(actor: Any, campaign: Campaign) -> QuerySet[Receipt]:
    """The receipts with every name, for those who keep the books (a village head: their
    village's)."""
    rows = Receipt.objects.filter(campaign=campaign).select_related("village", "cancels")
    return restrict(rows, actor, Action.RECEIPT_VIEW).order_by("year", "number")


@dataclass
class KindProgress:
    """One kind's pledged and received totals against the target (integers)."""

    kind: str
    label: str
    unit: str
    target: int
    pledged: int
    received: int

    @property
    def percent(self) -> int | None:
        """Received as a whole percentage of the target, rounded down (None: no target)."""
        return self.received * 100 // self.target if self.target else None


@dataclass
class PublicContributor:
    """What the public sees of one contributor: no name nor village if they chose anonymity."""

    name: str
    contributor_kind: str
    village_name: str
    anonymous: bool
    totals: dict[str, int]
    land_waived: bool


@dataclass
class VillageTotals:
    name: str
    totals: dict[str, int]


@dataclass
class Ledger:
    campaign: Campaign
    progress: list[KindProgress]
    villages: list[VillageTotals]
    contributors: list[PublicContributor]
    spendings: list[Spending]
    money_received: int
    money_spent: int
    exemptions: int

    @property
    def balance(self) -> int:
        return self.money_received - self.money_spent

    def recognition(self) -> dict[str, list[PublicContributor]]:
        """Thanks lists by contributor type: those who gave and did not ask for anonymity,
        the largest money, land and workdays first (for emulation and awards later)."""
        lists: dict[str, list[PublicContributor]] = defaultdict(list)
        for c in self.contributors:
            if not c.anonymous:
                lists[c.contributor_kind].append(c)
        for rows in lists.values():
            rows.sort(key=lambda c: tuple(-c.totals.get(k, 0) for k in KINDS) + (c.name,))
        return {k: lists[k] for k in ContributorKind.values if lists.get(k)}


def unit_label(campaign: Campaign, kind: str) -> str:
    return {
        Kind.MONEY: _("VND"),
        Kind.LAND: "m²",
        Kind.WORKDAYS: _("workdays"),
        Kind.MATERIALS: campaign.material_unit,
    }[Kind(kind)]


def _count_if(condition: Q) -> Sum:
    return Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def campaign_ledger(campaign: Campaign) -> Ledger:
    """The public ledger of one campaign (five queries)."""
    receipts = Receipt.objects.filter(campaign=campaign)
    received: dict[str, int] = defaultdict(int)
    by_village: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in receipts.values("village__name", "kind").annotate(total=Sum("amount")).order_by():
        received[row["kind"]] += int(row["total"])
        name = row["village__name"] or _("Outside the villages")
        by_village[name][row["kind"]] += int(row["total"])
    pledged = {
        row["kind"]: int(row["total"])
        for row in Pledge.objects.filter(campaign=campaign)
        .values("kind")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    progress = [
        KindProgress(
            kind,
            str(Kind(kind).label),
            unit_label(campaign, kind),
            campaign.target_of(kind),
            pledged.get(kind, 0),
            received.get(kind, 0),
        )  # fmt: skip
        for kind in KINDS
        if campaign.target_of(kind) or received.get(kind) or pledged.get(kind)
    ]
    spendings = list(
        Spending.objects.filter(campaign=campaign).select_related("village").order_by("spent_on")
    )
    return Ledger(
        campaign=campaign,
        progress=progress,
        villages=[VillageTotals(name, dict(totals)) for name, totals in sorted(by_village.items())],
        contributors=_public_contributors(receipts),
        spendings=spendings,
        money_received=received.get(Kind.MONEY, 0),
        money_spent=sum(s.amount for s in spendings),
        exemptions=Exemption.objects.filter(campaign=campaign).count(),
    )


def _public_contributors(receipts: QuerySet[Receipt]) -> list[PublicContributor]:
    """Net totals per contributor; anonymous if any of their gifts asked for it."""
    rows = (
        receipts.values("contributor_key", "contributor_kind", "kind")
        .annotate(
            total=Sum("amount"),
            anonymous=_count_if(Q(anonymous=True)),
            waived=_count_if(Q(compensation_waived=True, cancels__isnull=True)),
            name=Max("contributor_name"),
            village_name=Max("village__name"),
        )
        .order_by()
    )
    found: dict[str, PublicContributor] = {}
    for row in rows:
        key = row["contributor_key"]
        person = found.get(key)
        if person is None:
            person = found[key] = PublicContributor(
                row["name"], row["contributor_kind"], row["village_name"] or "", False, {}, False
            )
        person.totals[row["kind"]] = int(row["total"])
        person.anonymous = person.anonymous or bool(row["anonymous"])
        person.land_waived = person.land_waived or bool(row["waived"] and row["kind"] == Kind.LAND)
    shown = []
    for person in found.values():
        if not any(person.totals.values()):
            continue  # every gift of theirs was cancelled
        if person.anonymous:
            # Art. 11(5) publicises the contributions, not the identity of who asked otherwise.
            person.name, person.village_name = _("Anonymous contributor"), ""
        shown.append(person)
    shown.sort(key=lambda p: (p.anonymous, p.village_name, p.name))
    return shown


# ---------------------------------------------------------------------------------------------
# Figures for reports: village → commune → province, exactly additive.


@dataclass
class ContributionFigures:
    """Contributions of one unit over a period; every number an exact integer.

    ``pledged``/``received``: money (VND), land (m²) and workdays; materials per unit
    (``materials_pledged``/``materials_received``: {unit: quantity}). ``contributors``: the
    contributors with a gift that was not cancelled, counted once per village they gave in
    (and once outside the villages), so that the counts add up across levels.
    """

    level: str  # village | outside_villages | commune | province
    unit_id: int | None
    name: str
    pledged: dict[str, int] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)
    materials_pledged: dict[str, int] = field(default_factory=dict)
    materials_received: dict[str, int] = field(default_factory=dict)
    spending: int = 0
    contributors: int = 0
    children: list[ContributionFigures] = field(default_factory=list)

    def numbers(self) -> dict[str, Any]:
        """The comparable part (without names and children)."""
        return {
            "pledged": self.pledged,
            "received": self.received,
            "materials_pledged": self.materials_pledged,
            "materials_received": self.materials_received,
            "spending": self.spending,
            "contributors": self.contributors,
        }


_PLAIN_KINDS = (Kind.MONEY, Kind.LAND, Kind.WORKDAYS)


def _aggregate(scope: Q, group: str, start: date, end: date) -> dict[Any, dict[str, Any]]:
    """The sums of every figure grouped by ``group`` (a lookup): four queries."""
    out: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {
            "pledged": dict.fromkeys(_PLAIN_KINDS, 0),
            "received": dict.fromkeys(_PLAIN_KINDS, 0),
            "materials_pledged": defaultdict(int),
            "materials_received": defaultdict(int),
            "spending": 0,
            "contributors": 0,
        }
    )
    sources = (
        ("pledged", Pledge.objects.filter(scope, pledged_on__range=(start, end))),
        ("received", Receipt.objects.filter(scope, received_on__range=(start, end))),
    )
    for name, qs in sources:
        rows = qs.values(group, "kind", "campaign__material_unit").annotate(t=Sum("amount"))
        for row in rows.order_by():
            bucket = out[row[group]]
            if row["kind"] == Kind.MATERIALS:
                bucket[f"materials_{name}"][row["campaign__material_unit"]] += int(row["t"])
            else:
                bucket[name][row["kind"]] += int(row["t"])
    spent = Spending.objects.filter(scope, spent_on__range=(start, end))
    for row in spent.values(group).annotate(t=Sum("amount")).order_by():
        out[row[group]]["spending"] += int(row["t"])
    # A contributor counts once per village bucket, if a gift of theirs stands (net > 0).
    counts: dict[Any, int] = defaultdict(int)
    for row in (
        Receipt.objects.filter(scope, received_on__range=(start, end))
        .values(group, "village_id", "contributor_key")
        .annotate(net=Sum("amount"))
        .filter(net__gt=0)
        .order_by()
    ):
        counts[row[group]] += 1
    for key, n in counts.items():
        out[key]["contributors"] = n
    return out


def _fill(fig: ContributionFigures, data: dict[str, Any] | None) -> ContributionFigures:
    if data is None:
        fig.pledged = dict.fromkeys(_PLAIN_KINDS, 0)
        fig.received = dict.fromkeys(_PLAIN_KINDS, 0)
        return fig
    fig.pledged, fig.received = dict(data["pledged"]), dict(data["received"])
    fig.materials_pledged = dict(data["materials_pledged"])
    fig.materials_received = dict(data["materials_received"])
    fig.spending, fig.contributors = data["spending"], data["contributors"]
    return fig


def _commune_figures(
    commune: AdministrativeUnit,
    villages: dict[Any, dict[str, Any]],
    own: dict[str, Any] | None,
    rows: list[Village],
) -> ContributionFigures:
    fig = _fill(ContributionFigures("commune", commune.pk, commune.name), own)
    for village in rows:
        fig.children.append(
            _fill(
                ContributionFigures("village", village.pk, village.name),
                villages.get((commune.pk, village.pk)),
            )
        )
    fig.children.append(
        _fill(
            ContributionFigures("outside_villages", None, _("Outside the villages")),
            villages.get((commune.pk, None)),
        )
    )
    return fig


def _by_village(scope: Q, start: date, end: date) -> dict[Any, dict[str, Any]]:
    # Group by a (commune, village) pair through a combined key: the village's own id is unique
    # across communes, and rows outside the villages are keyed by their commune.
    rows: dict[Any, dict[str, Any]] = {}
    inside = _aggregate(scope & Q(village__isnull=False), "village_id", start, end)
    outside = _aggregate(scope & Q(village__isnull=True), "commune_id", start, end)
    communes = dict(Village.objects.filter(pk__in=list(inside)).values_list("pk", "commune_id"))
    for village_id, data in inside.items():
        rows[(communes[village_id], village_id)] = data
    for commune_id, data in outside.items():
        rows[(commune_id, None)] = data
    return rows


def contribution_figures(unit: Any, start: date, end: date) -> ContributionFigures:
    """Contributions pledged and received, spending and contributors of ``unit`` (a village, a
    commune or a province) from ``start`` to ``end`` inclusive, with its children.

    Each level is summed by its own queries, so a test can check that the villages (and the
    bucket outside the villages) add up to the commune and the communes to the province.
    """
    if isinstance(unit, Village):
        data = _aggregate(Q(village=unit), "village_id", start, end).get(unit.pk)
        return _fill(ContributionFigures("village", unit.pk, unit.name), data)
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        scope = Q(commune=unit)
        own = _aggregate(scope, "commune_id", start, end).get(unit.pk)
        rows = list(Village.objects.filter(commune=unit).order_by("name", "pk"))
        return _commune_figures(unit, _by_village(scope, start, end), own, rows)
    scope = Q(commune__parent=unit)
    own = _aggregate(scope, "commune__parent_id", start, end).get(unit.pk)
    fig = _fill(ContributionFigures("province", unit.pk, unit.name), own)
    communes = _aggregate(scope, "commune_id", start, end)
    villages = _by_village(scope, start, end)
    village_rows: dict[int, list[Village]] = defaultdict(list)
    for village in Village.objects.filter(commune__parent=unit).order_by("name", "pk"):
        village_rows[village.commune_id].append(village)
    for commune in AdministrativeUnit.objects.filter(
        parent=unit, level=AdministrativeUnit.Level.COMMUNE
    ).order_by("name", "pk"):
        own_rows = communes.get(commune.pk)
        fig.children.append(_commune_figures(commune, villages, own_rows, village_rows[commune.pk]))
    return fig
