"""The contributions pillar's indicators for the steering reports (see danchu.core.indicators).

Money, land and workdays pledged and received, and the spending, per commune, village and day
(the day pledged, received or spent). They agree with ``selectors.contribution_figures``
summed over the same unit and period; the tests check it.

Every figure is a database ``SUM`` of integers: VND, whole m² (the ledger keeps land in whole
square metres: ``amount`` is an integer), workdays. A cancelled receipt stays in the ledger
and its counter-entry (the opposite amount, dated the day of the cancellation) is summed
with it: the two net to zero over any period that holds both, and a day holding only the
counter-entry has a negative fact. Materials are not summed here: each campaign counts them
in its own unit (bags of cement, m³ of sand), which do not add up across campaigns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from danchu.contributions.models import ContributorKind, Kind, Pledge, Receipt, Spending
from danchu.core.indicators import Fact, Indicator, Measure

__all__ = ["INDICATORS", "daily_facts"]

_PUBLIC = "Luật 10/2022 Điều 11(5), 15"


def _sum(
    code: str, measure: Measure, name: Any, definition: Any, basis: str = _PUBLIC
) -> Indicator:
    return Indicator(code, "contributions", name, definition, measure, basis)


INDICATORS: tuple[Indicator, ...] = (
    _sum("contributions.money_pledged_vnd", "vnd", _("Money pledged"),
         _("Money residents, organisations and businesses pledged to the commune's "
           "contribution campaigns in the period, in VND.")),
    _sum("contributions.money_received_vnd", "vnd", _("Money contributed"),
         _("Money received against a receipt in the period, in VND, net of the receipts "
           "cancelled.")),
    _sum("contributions.money_received_households_vnd", "vnd", _("Money received from households"),
         _("Money received in the period from households, in VND.")),
    _sum("contributions.money_received_organisations_vnd", "vnd",
         _("Money received from organisations and businesses"),
         _("Money received in the period from organisations and businesses, in VND.")),
    _sum("contributions.money_received_persons_vnd", "vnd", _("Money received from persons"),
         _("Money received in the period from persons contributing in their own name, in VND.")),
    _sum("contributions.land_pledged_m2", "m2", _("Land pledged"),
         _("Land pledged for public works in the period, in whole square metres.")),
    _sum("contributions.land_received_m2", "m2", _("Land donated"),
         _("Land handed over for public works in the period, in whole square metres, net of "
           "the receipts cancelled.")),
    _sum("contributions.land_received_waived_m2", "m2", _("Land donated without compensation"),
         _("Land handed over in the period whose owners waived compensation, in whole square "
           "metres.")),
    _sum("contributions.workdays_pledged", "workdays", _("Workdays pledged"),
         _("Workdays pledged in the period.")),
    _sum("contributions.workdays_received", "workdays", _("Workdays contributed"),
         _("Workdays contributed in the period, net of the receipts cancelled.")),
    _sum("contributions.spending_vnd", "vnd", _("Spending of the contributions"),
         _("Money spent from the contributions in the period, in VND."),
         "Luật 10/2022 Điều 11(5)"),
)  # fmt: skip

_KIND_CODES = {
    Kind.MONEY: ("contributions.money_pledged_vnd", "contributions.money_received_vnd"),
    Kind.LAND: ("contributions.land_pledged_m2", "contributions.land_received_m2"),
    Kind.WORKDAYS: ("contributions.workdays_pledged", "contributions.workdays_received"),
}
_MONEY_BY_CONTRIBUTOR = {
    ContributorKind.HOUSEHOLD: "contributions.money_received_households_vnd",
    ContributorKind.ORGANISATION: "contributions.money_received_organisations_vnd",
    ContributorKind.PERSON: "contributions.money_received_persons_vnd",
}


def _in(commune_ids: Sequence[int] | None) -> Q:
    return Q() if commune_ids is None else Q(commune_id__in=list(commune_ids))


def _grouped(rows: QuerySet[Any], day: str, *extra: str) -> Iterator[dict[str, Any]]:
    return iter(
        rows.values("commune_id", "village_id", day, *extra).annotate(t=Sum("amount")).order_by()
    )


def daily_facts(commune_ids: Sequence[int] | None, first: date, last: date) -> Iterator[Fact]:
    """The pillar's facts per commune, village and day between first and last."""
    if last < first:
        return
    values: dict[tuple[str, int, int | None, date], int] = defaultdict(int)
    plain = Q(kind__in=list(_KIND_CODES))
    pledges = Pledge.objects.filter(_in(commune_ids), plain, pledged_on__range=(first, last))
    for row in _grouped(pledges, "pledged_on", "kind"):
        code = _KIND_CODES[row["kind"]][0]
        values[(code, row["commune_id"], row["village_id"], row["pledged_on"])] += int(row["t"])
    receipts = Receipt.objects.filter(_in(commune_ids), plain, received_on__range=(first, last))
    for row in _grouped(receipts, "received_on", "kind", "contributor_kind", "compensation_waived"):
        key = (row["commune_id"], row["village_id"], row["received_on"])
        amount = int(row["t"])
        values[(_KIND_CODES[row["kind"]][1], *key)] += amount
        if row["kind"] == Kind.MONEY:
            values[(_MONEY_BY_CONTRIBUTOR[row["contributor_kind"]], *key)] += amount
        if row["kind"] == Kind.LAND and row["compensation_waived"]:
            values[("contributions.land_received_waived_m2", *key)] += amount
    spent = Spending.objects.filter(_in(commune_ids), spent_on__range=(first, last))
    for row in _grouped(spent, "spent_on"):
        values[
            ("contributions.spending_vnd", row["commune_id"], row["village_id"], row["spent_on"])
        ] += int(row["t"])
    for (code, commune_id, village_id, day), value in values.items():
        if value:
            yield Fact(code, commune_id, village_id, day, value)
