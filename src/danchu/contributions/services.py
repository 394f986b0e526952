"""Writes of contribution campaigns: every use case atomic, authorised and audited.

Law 10/2022/QH15 Art. 15(1): the policy and level of contributions to public works are decided
by the community; a compulsory level therefore cites that decision (an adopted matter of the
decisions module). Art. 11(5): what is mobilised from the people is made public — the books
below are what the public ledger shows, so they are append-only: a receipt is corrected by a
reasoned counter-entry, never edited or deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.contributions.models import (
    Campaign,
    ContributorKind,
    Exemption,
    Kind,
    Pledge,
    Receipt,
    ReceiptCounter,
    Spending,
)
from danchu.core import audit
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.text import fold_vi
from danchu.core.validation import FieldErrors, acting_person, clean_text
from danchu.territory.models import AdministrativeUnit, Household, Resident, Village

__all__ = [
    "MAX_QUANTITY",
    "Contributor",
    "campaign_balance",
    "campaign_close",
    "campaign_create",
    "exemption_record",
    "pledge_record",
    "receipt_cancel",
    "receipt_issue",
    "spending_record",
]

# Far above any commune's books (10^15 đồng) and inside a signed 64-bit integer on both databases.
MAX_QUANTITY = 10**15
ARTICLE_15_1 = "Law 10/2022/QH15 Art. 15(1)"


@dataclass(frozen=True)
class Contributor:
    """Who gives: a household of the commune, or an organisation or person named as given."""

    kind: str
    name: str = ""
    household: Household | None = None
    village: Village | None = None
    anonymous: bool = False


def _quantity(errors: FieldErrors, name: str, value: Any, *, allow_zero: bool = False) -> int:
    """A whole number of đồng, m², workdays or units: floats and text are refused, not rounded."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(name, _("Enter a whole number."))
        return 0
    if value < 0 or (value == 0 and not allow_zero):
        errors.add(name, _("Enter a number greater than zero."))
    elif value > MAX_QUANTITY:
        errors.add(name, _("The number is too large."))
    return value


def _day(errors: FieldErrors, name: str, value: Any) -> date | None:
    if not isinstance(value, date):
        errors.add(name, _("Enter a valid date."))
        return None
    return value


def _not_future(errors: FieldErrors, name: str, day: date | None) -> None:
    if day is not None and day > timezone.localdate():
        errors.add(name, _("This date is in the future."))


def _commune_villages(
    errors: FieldErrors, commune: AdministrativeUnit, villages: Sequence[Village]
) -> list[Village]:
    chosen = list(villages)
    if any(v.commune_id != commune.pk or not v.is_active for v in chosen):
        errors.add("villages", _("Choose active villages of this commune."))
    return chosen


def _decision_errors(
    errors: FieldErrors, commune: AdministrativeUnit, level: str, decision: Any
) -> None:
    """Law 10/2022 Art. 15(1): a compulsory level is the community's decision. Refuse it
    without an adopted decision of this commune on contributions."""
    from danchu.decisions.models import Matter
    from danchu.decisions.rules import MatterType
    from danchu.decisions.selectors import matter_outcome

    if level == Campaign.Level.COMPULSORY and decision is None:
        errors.add(
            "decision",
            _(
                "A compulsory contribution level needs the community decision that set it "
                "(Law 10/2022 Art. 15(1))."
            ),
        )
        return
    if decision is None:
        return
    if (
        not isinstance(decision, Matter)
        or decision.commune_id != commune.pk
        or decision.matter_type != MatterType.CONTRIBUTIONS
    ):
        errors.add(
            "decision",
            _("Choose a community decision of this commune on contributions (Art. 15(1))."),
        )
    elif decision.status != Matter.Status.CLOSED or not matter_outcome(decision).adopted:
        errors.add(
            "decision",
            _("The community has not adopted this decision (Law 10/2022 Art. 15(1), 21(1))."),
        )


def _campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "level": campaign.level,
        "decision": campaign.decision_id,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "targets": {
            "money": campaign.target_money,
            "land_m2": campaign.target_land_m2,
            "workdays": campaign.target_workdays,
            "materials": campaign.target_materials,
        },
        "status": campaign.status,
    }


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    title: str,
    purpose: str,
    serves: str,
    starts_on: date,
    ends_on: date,
    villages: Sequence[Village] = (),
    level: str = Campaign.Level.VOLUNTARY,
    decision: Any = None,
    level_per_household: int | None = None,
    target_money: int = 0,
    target_land_m2: int = 0,
    target_workdays: int = 0,
    material_name: str = "",
    material_unit: str = "",
    target_materials: int = 0,
) -> Campaign:
    """Open a campaign with its targets per kind (integers; zero: no target for that kind)."""
    require(actor, Action.CAMPAIGN_MANAGE, commune)
    errors = FieldErrors()
    title = clean_text(errors, "title", title, 300)
    purpose = clean_text(errors, "purpose", purpose, 5000)
    serves = clean_text(errors, "serves", serves, 300)
    start, end = _day(errors, "starts_on", starts_on), _day(errors, "ends_on", ends_on)
    if start and end and end < start:
        errors.add("ends_on", _("The end cannot be before the start."))
    chosen = _commune_villages(errors, commune, villages)
    if level not in Campaign.Level.values:
        errors.add("level", _("Choose voluntary or compulsory."))
    _decision_errors(errors, commune, level, decision)
    if level_per_household is not None:
        _quantity(errors, "level_per_household", level_per_household)
        if level != Campaign.Level.COMPULSORY:
            errors.add(
                "level_per_household", _("Only a compulsory level has an amount per household.")
            )
    targets = {
        "target_money": _quantity(errors, "target_money", target_money, allow_zero=True),
        "target_land_m2": _quantity(errors, "target_land_m2", target_land_m2, allow_zero=True),
        "target_workdays": _quantity(errors, "target_workdays", target_workdays, allow_zero=True),
        "target_materials": _quantity(
            errors, "target_materials", target_materials, allow_zero=True
        ),
    }
    material_name = clean_text(errors, "material_name", material_name, 100, required=False)
    material_unit = clean_text(errors, "material_unit", material_unit, 30, required=False)
    if target_materials and not (material_name and material_unit):
        errors.add("material_unit", _("Name the material and its unit."))
    errors.raise_if_any()
    assert start is not None
    assert end is not None
    campaign = Campaign.objects.create(
        commune=commune, title=title, purpose=purpose, serves=serves, starts_on=start,
        ends_on=end, level=level, decision=decision, level_per_household=level_per_household,
        material_name=material_name, material_unit=material_unit, created_by=acting_person(actor),
        **targets,
    )  # fmt: skip
    campaign.villages.set(chosen)
    audit.record(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        commune_id=commune.pk,
        after=_campaign_snapshot(campaign) | {"villages": [v.pk for v in chosen]},
    )
    return campaign


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Finish the campaign: no more pledges or receipts; spending of the balance goes on."""
    require(actor, Action.CAMPAIGN_MANAGE, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise ApplicationError(_("The campaign is already finished."), code="campaign_closed")
    before = _campaign_snapshot(campaign)
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=actor,
        action="campaign.close",
        obj=campaign,
        commune_id=campaign.commune_id,
        before=before,
        after=_campaign_snapshot(campaign),
    )
    return campaign


def _representative_name(household: Household) -> str:
    name = (
        Resident.objects.filter(household=household, is_representative=True)
        .values_list("full_name", flat=True)
        .first()
    )
    return name or _("Household %(code)s") % {"code": household.code}


def _contributor_fields(
    errors: FieldErrors, campaign: Campaign, contributor: Contributor
) -> dict[str, Any]:
    """The contributor columns shared by pledges and receipts."""
    if contributor.kind not in ContributorKind.values:
        errors.add("contributor_kind", _("Choose a household, an organisation or a person."))
        return {}
    household, village = contributor.household, contributor.village
    if contributor.kind == ContributorKind.HOUSEHOLD:
        if household is None or household.commune_id != campaign.commune_id:
            errors.add("household", _("Choose a household of this commune."))
            return {}
        village = household.village
        name = clean_text(errors, "contributor_name", contributor.name, 200, required=False)
        name = name or _representative_name(household)
        key = f"h:{household.pk}"
    else:
        household = None
        name = clean_text(errors, "contributor_name", contributor.name, 200)
        if village is not None and village.commune_id != campaign.commune_id:
            errors.add("village", _("Choose a village of this commune."))
        key = f"{contributor.kind[0]}:{fold_vi(name)}"[:220]
    return {
        "commune_id": campaign.commune_id,
        "campaign": campaign,
        "contributor_kind": contributor.kind,
        "household": household,
        "contributor_name": name,
        "contributor_key": key,
        "village": village,
        "anonymous": bool(contributor.anonymous),
    }


def _gift_fields(
    errors: FieldErrors, campaign: Campaign, kind: str, amount: Any, land_parcel: str, waived: bool
) -> dict[str, Any]:
    if kind not in Kind.values:
        errors.add("kind", _("Choose money, land, workdays or materials."))
    amount = _quantity(errors, "amount", amount)
    parcel = clean_text(errors, "land_parcel", land_parcel, 200, required=kind == Kind.LAND)
    if kind == Kind.MATERIALS and not campaign.material_unit:
        errors.add("kind", _("This campaign does not collect materials."))
    return {
        "kind": kind,
        "amount": amount,
        "land_parcel": parcel if kind == Kind.LAND else "",
        "compensation_waived": bool(waived) and kind == Kind.LAND,
    }


def _refuse_if_closed(campaign: Campaign) -> None:
    # The stored status, not the caller's copy: the campaign may have been closed meanwhile.
    status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
    if status == Campaign.Status.CLOSED:
        raise ApplicationError(
            _("The campaign is finished: it takes no more contributions."), code="campaign_closed"
        )


def _gift_snapshot(row: Pledge | Receipt) -> dict[str, Any]:
    # No names: the trail identifies the row, the row identifies the contributor.
    return {
        "campaign": row.campaign_id,
        "contributor_kind": row.contributor_kind,
        "household": row.household_id,
        "village": row.village_id,
        "anonymous": row.anonymous,
        "kind": row.kind,
        "amount": row.amount,
    }


@transaction.atomic
def pledge_record(
    *,
    actor: Any,
    campaign: Campaign,
    contributor: Contributor,
    kind: str,
    amount: int,
    pledged_on: date,
    land_parcel: str = "",
    compensation_waived: bool = False,
) -> Pledge:
    """Record a promise to contribute."""
    require(actor, Action.RECEIPT_ISSUE, campaign)
    _refuse_if_closed(campaign)
    errors = FieldErrors()
    who = _contributor_fields(errors, campaign, contributor)
    gift = _gift_fields(errors, campaign, kind, amount, land_parcel, compensation_waived)
    day = _day(errors, "pledged_on", pledged_on)
    _not_future(errors, "pledged_on", day)
    errors.raise_if_any()
    assert day is not None  # checked above
    pledge = Pledge(**who, **gift, pledged_on=day, recorded_by=acting_person(actor))
    # A village head records the pledges of their own village only.
    require(actor, Action.RECEIPT_ISSUE, pledge)
    pledge.save()
    audit.record(
        actor=actor,
        action="pledge.record",
        obj=pledge,
        commune_id=campaign.commune_id,
        after=_gift_snapshot(pledge),
    )
    return pledge


def _next_number(campaign: Campaign, year: int) -> int:
    """The next receipt number of ``campaign`` in ``year``, without gaps.

    Call inside the transaction that saves the receipt: the counter row stays locked (SELECT …
    FOR UPDATE) until it commits, so a concurrent entry waits and takes the following number;
    a rolled-back receipt rolls its number back too.
    """
    ReceiptCounter.objects.get_or_create(
        commune_id=campaign.commune_id, campaign=campaign, year=year
    )
    counter = ReceiptCounter.objects.select_for_update().get(
        commune_id=campaign.commune_id, campaign=campaign, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def receipt_issue(
    *,
    actor: Any,
    campaign: Campaign,
    contributor: Contributor,
    kind: str,
    amount: int,
    received_on: date,
    collector_name: str = "",
    land_parcel: str = "",
    compensation_waived: bool = False,
) -> Receipt:
    """Record a contribution received and give it the campaign's next number for its year."""
    require(actor, Action.RECEIPT_ISSUE, campaign)
    _refuse_if_closed(campaign)
    errors = FieldErrors()
    who = _contributor_fields(errors, campaign, contributor)
    gift = _gift_fields(errors, campaign, kind, amount, land_parcel, compensation_waived)
    day = _day(errors, "received_on", received_on)
    _not_future(errors, "received_on", day)
    if day is not None and day < campaign.starts_on:
        errors.add("received_on", _("The campaign had not started on this date."))
    person = acting_person(actor)
    collector = clean_text(errors, "collector_name", collector_name, 200, required=person is None)
    errors.raise_if_any()
    assert day is not None  # checked above
    receipt = Receipt(
        **who, **gift, received_on=day, year=day.year, number=0, recorded_by=person,
        collector=person, collector_name=collector or _collector_label(person),
    )  # fmt: skip
    require(actor, Action.RECEIPT_ISSUE, receipt)  # a village head: their own village only
    receipt.number = _next_number(campaign, day.year)
    receipt.save()
    audit.record(
        actor=actor,
        action="receipt.issue",
        obj=receipt,
        commune_id=campaign.commune_id,
        after=_gift_snapshot(receipt) | {"number": receipt.number, "year": receipt.year},
    )
    return receipt


def _collector_label(person: Any) -> str:
    if person is None:
        return ""
    full = person.get_full_name() if hasattr(person, "get_full_name") else ""
    return (full or person.get_username())[:200]


def _balance(campaign: Campaign) -> int:
    received = Receipt.objects.filter(campaign=campaign, kind=Kind.MONEY).aggregate(
        total=Sum("amount")
    )["total"]
    spent = Spending.objects.filter(campaign=campaign).aggregate(total=Sum("amount"))["total"]
    return int(received or 0) - int(spent or 0)


def campaign_balance(campaign: Campaign) -> int:
    """Money received (net of counter-entries) minus money spent, in đồng."""
    return _balance(campaign)


@transaction.atomic
def receipt_cancel(*, actor: Any, receipt: Receipt, reason: str) -> Receipt:
    """Cancel a receipt by a counter-entry with the opposite amount and the reason.

    The original is never edited or deleted (Art. 11(5): the books the public sees stay
    whole); the counter-entry takes the next number of the year it is made in.
    """
    require(actor, Action.RECEIPT_ISSUE, receipt)
    errors = FieldErrors()
    reason = clean_text(errors, "reason", reason, 1000)
    errors.raise_if_any()
    # The campaign row serialises every change of the balance (cancellations and spending).
    campaign = Campaign.objects.select_for_update().get(pk=receipt.campaign_id)
    _refuse_if_closed(campaign)
    if receipt.is_counter_entry:
        raise ApplicationError(
            _("A counter-entry cannot itself be cancelled."), code="counter_entry"
        )
    if Receipt.objects.filter(cancels=receipt).exists():
        raise ApplicationError(_("This receipt is already cancelled."), code="already_cancelled")
    if receipt.kind == Kind.MONEY and _balance(campaign) < receipt.amount:
        raise ApplicationError(
            _("The money of this receipt has already been spent: it cannot be cancelled."),
            code="balance_too_low",
        )
    today = timezone.localdate()
    person = acting_person(actor)
    counter = Receipt(
        commune_id=receipt.commune_id, campaign=campaign,
        contributor_kind=receipt.contributor_kind, household_id=receipt.household_id,
        contributor_name=receipt.contributor_name, contributor_key=receipt.contributor_key,
        village_id=receipt.village_id, anonymous=receipt.anonymous, kind=receipt.kind,
        amount=-receipt.amount, land_parcel=receipt.land_parcel,
        compensation_waived=receipt.compensation_waived, received_on=today, year=today.year,
        number=_next_number(campaign, today.year), collector=person,
        collector_name=_collector_label(person) or receipt.collector_name, recorded_by=person,
        cancels=receipt, cancel_reason=reason,
    )  # fmt: skip
    counter.save()
    audit.record(
        actor=actor,
        action="receipt.cancel",
        obj=counter,
        commune_id=receipt.commune_id,
        before={"receipt": receipt.pk, "number": receipt.number, "year": receipt.year},
        after=_gift_snapshot(counter) | {"number": counter.number, "reason": reason},
    )
    return counter


@transaction.atomic
def exemption_record(
    *,
    actor: Any,
    campaign: Campaign,
    household: Household,
    category: str,
    basis: str,
    reduced_to: int | None = None,
) -> Exemption:
    """Exempt a poor or policy household from a compulsory level, or reduce it, with the basis."""
    require(actor, Action.RECEIPT_ISSUE, campaign)
    errors = FieldErrors()
    if campaign.level != Campaign.Level.COMPULSORY:
        errors.add("household", _("Only a compulsory level has exemptions."))
    if not isinstance(household, Household) or household.commune_id != campaign.commune_id:
        errors.add("household", _("Choose a household of this commune."))
    if category not in Exemption.Category.values:
        errors.add("category", _("Choose the category of the household."))
    basis = clean_text(errors, "basis", basis, 300)
    if reduced_to is not None:
        _quantity(errors, "reduced_to", reduced_to)
        level = campaign.level_per_household
        if level is not None and isinstance(reduced_to, int) and reduced_to >= level:
            errors.add("reduced_to", _("A reduced level is below the level per household."))
    errors.raise_if_any()
    if Exemption.objects.filter(campaign=campaign, household=household).exists():
        raise ValidationFailed(
            _("This household already has an exemption in this campaign."),
            code="invalid",
            fields={"household": [_("This household already has an exemption in this campaign.")]},
        )
    exemption = Exemption(
        commune_id=campaign.commune_id, campaign=campaign, household=household,
        category=category, basis=basis, reduced_to=reduced_to, recorded_by=acting_person(actor),
    )  # fmt: skip
    require(actor, Action.RECEIPT_ISSUE, exemption)
    exemption.save()
    audit.record(
        actor=actor,
        action="exemption.record",
        obj=exemption,
        commune_id=campaign.commune_id,
        after={"household": household.pk, "category": category, "reduced_to": reduced_to},
    )
    return exemption


@transaction.atomic
def spending_record(
    *,
    actor: Any,
    campaign: Campaign,
    spent_on: date,
    description: str,
    payee: str,
    document: str,
    amount: int,
    village: Village | None = None,
) -> Spending:
    """Spend the campaign's money: refused above the balance (equal to it is allowed)."""
    require(actor, Action.SPENDING_RECORD, campaign)
    errors = FieldErrors()
    day = _day(errors, "spent_on", spent_on)
    _not_future(errors, "spent_on", day)
    if day is not None and day < campaign.starts_on:
        errors.add("spent_on", _("The campaign had not started on this date."))
    description = clean_text(errors, "description", description, 300)
    payee = clean_text(errors, "payee", payee, 200)
    document = clean_text(errors, "document", document, 200)
    amount = _quantity(errors, "amount", amount)
    if village is not None and village.commune_id != campaign.commune_id:
        errors.add("village", _("Choose a village of this commune."))
    errors.raise_if_any()
    assert day is not None  # checked above
    # Lock the campaign row: two spendings entered at once cannot both pass the balance check.
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    balance = _balance(locked)
    if amount > balance:
        message = _("The balance is %(balance)s đồng: this spending is above it.") % {
            "balance": f"{balance:,}".replace(",", ".")
        }
        raise ValidationFailed(message, code="above_balance", fields={"amount": [message]})
    spending = Spending.objects.create(
        commune_id=campaign.commune_id, campaign=locked, spent_on=day, description=description,
        payee=payee, document=document, amount=amount, village=village,
        recorded_by=acting_person(actor),
    )  # fmt: skip
    audit.record(
        actor=actor,
        action="spending.record",
        obj=spending,
        commune_id=campaign.commune_id,
        after={"campaign": campaign.pk, "amount": amount, "spent_on": day, "balance": balance},
    )
    return spending
