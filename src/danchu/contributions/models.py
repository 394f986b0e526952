"""Dân làm: contribution campaigns and their public ledger (Law 10/2022/QH15 Art. 11(5), 15(1)–(2)).

A :class:`Campaign` mobilises money, donated land, workdays and materials for a public work or a
fund. Households, organisations and persons pledge (:class:`Pledge`) and give; every gift is a
:class:`Receipt` numbered without gaps per campaign and year. A receipt is never edited or
deleted: it is cancelled by a reasoned counter-entry (another receipt with the opposite amount),
so the books always add up and every correction is visible. Money is spent through
:class:`Spending` rows, never above the balance. Poor and policy households may be exempted or
have their level reduced (:class:`Exemption`), with the basis recorded.

All quantities are integers: VND (đồng), m², workdays, and materials in the campaign's unit.
Every row carries its commune key (``commune``) for sharding (docs/scaling.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danchu.territory.models import AdministrativeUnit, Household, Village

__all__ = [
    "Campaign",
    "ContributorKind",
    "Exemption",
    "Kind",
    "Pledge",
    "Receipt",
    "ReceiptCounter",
    "Spending",
]


class Kind(models.TextChoices):
    """What is contributed; each kind has its own integer unit."""

    MONEY = "money", _("money (VND)")
    LAND = "land", _("donated land (m²)")
    WORKDAYS = "workdays", _("workdays")
    MATERIALS = "materials", _("materials")


class ContributorKind(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    ORGANISATION = "organisation", _("organisation or business")
    PERSON = "person", _("person")


class Campaign(models.Model):
    """A call for contributions to one public work or fund, in some or all villages."""

    class Level(models.TextChoices):
        VOLUNTARY = "voluntary", _("voluntary")
        # Law 10/2022 Art. 15(1): a compulsory level for households is decided by the community.
        COMPULSORY = "compulsory", _("compulsory level decided by the community")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("finished")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("campaign title"), max_length=300)
    purpose = models.TextField(_("purpose of the campaign"))
    serves = models.CharField(_("public work or fund served"), max_length=300)
    villages = models.ManyToManyField(Village, related_name="+", blank=True)
    starts_on = models.DateField(_("campaign starts on"))
    ends_on = models.DateField(_("campaign ends on"))
    level = models.CharField(
        _("contribution level"), max_length=12, choices=Level.choices, default=Level.VOLUNTARY
    )
    decision = models.ForeignKey(
        "decisions.Matter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community decision setting the level"),
    )
    # Per household, for a compulsory level (VND): what the decision set.
    level_per_household = models.PositiveBigIntegerField(
        _("level per household (VND)"), null=True, blank=True
    )
    target_money = models.PositiveBigIntegerField(_("target: money (VND)"), default=0)
    target_land_m2 = models.PositiveBigIntegerField(_("target: land (m²)"), default=0)
    target_workdays = models.PositiveBigIntegerField(_("target: workdays"), default=0)
    material_name = models.CharField(_("material"), max_length=100, blank=True)
    material_unit = models.CharField(_("unit of the material"), max_length=30, blank=True)
    target_materials = models.PositiveBigIntegerField(_("target: materials"), default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("contribution campaign")
        verbose_name_plural = _("contribution campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period_order"
            ),
            # Law 10/2022 Art. 15(1): no compulsory level without the community's decision.
            models.CheckConstraint(
                condition=Q(level="voluntary") | Q(decision__isnull=False),
                name="campaign_compulsory_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def target_of(self, kind: str) -> int:
        return {
            Kind.MONEY: self.target_money,
            Kind.LAND: self.target_land_m2,
            Kind.WORKDAYS: self.target_workdays,
            Kind.MATERIALS: self.target_materials,
        }[Kind(kind)]


class ContributorFields(models.Model):
    """Who gives: a household of the commune, an organisation or a person (maybe from
    elsewhere), the village it counts for, and whether the public may see the name."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    contributor_kind = models.CharField(
        _("contributor type"), max_length=12, choices=ContributorKind.choices
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contributor_name = models.CharField(_("contributor name"), max_length=200)
    # Same household, or same folded name and type: one contributor (counted once).
    contributor_key = models.CharField(max_length=220, editable=False)
    # The household's village; for others, where the gift counts (empty: outside the villages).
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    anonymous = models.BooleanField(_("appear anonymously in public"), default=False)
    kind = models.CharField(_("contribution kind"), max_length=10, choices=Kind.choices)
    # VND, m², workdays, or materials in the campaign's unit: an integer, never a float.
    amount = models.BigIntegerField(_("quantity"))
    land_parcel = models.CharField(_("land parcel"), max_length=200, blank=True)
    compensation_waived = models.BooleanField(_("compensation waived"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Pledge(ContributorFields):
    """A promise to contribute (đăng ký đóng góp)."""

    pledged_on = models.DateField(_("pledged on"))

    class Meta:
        ordering = ["campaign", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.contributor_name}: {self.amount} {self.kind}"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Receipts and spending are books: never updated or deleted in bulk either."""

    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("The contribution books are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The contribution books are append-only")


class AppendOnly(models.Model):
    """A row written once: a correction is a new row (a counter-entry), never an edit."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("The contribution books are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The contribution books are append-only")


class ReceiptCounter(models.Model):
    """The last receipt number of a campaign in a year: locked (SELECT … FOR UPDATE) while a
    receipt is numbered, so numbers have no gaps and no duplicates under concurrent entry."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "campaign", "year"], name="receipt_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.year}: {self.last_number}"


class Receipt(AppendOnly, ContributorFields):
    """A contribution received (biên nhận), numbered ``number/year`` within the campaign.

    A counter-entry (``cancels`` set) has the opposite, negative amount and a reason; the
    original stays as it was. Totals are plain sums of ``amount``.
    """

    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("receipt number"))
    received_on = models.DateField(_("received on"))
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    collector_name = models.CharField(_("collector"), max_length=200)
    cancels = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancelled_by",
        verbose_name=_("cancels receipt"),
    )
    cancel_reason = models.TextField(_("reason for the cancellation"), blank=True)

    class Meta:
        ordering = ["campaign", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "campaign", "year", "number"], name="receipt_unique_number"
            ),
            models.CheckConstraint(
                condition=(Q(cancels__isnull=True) & Q(amount__gt=0))
                | (Q(cancels__isnull=False) & Q(amount__lt=0) & ~Q(cancel_reason="")),
                name="receipt_counter_entry_shape",
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "received_on"], name="receipt_commune_day"),
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.year}"

    @property
    def is_counter_entry(self) -> bool:
        return self.cancels_id is not None


class Spending(AppendOnly):
    """Money spent from the campaign: what, when, to whom, on which document."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="spendings")
    spent_on = models.DateField(_("spent on"))
    description = models.CharField(_("what was paid for"), max_length=300)
    payee = models.CharField(_("paid to"), max_length=200)
    document = models.CharField(_("supporting document"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    # Where the work paid for lies (empty: the commune as a whole).
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spending_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.spent_on}: {self.amount}"


class Exemption(models.Model):
    """A poor or policy household exempted from a compulsory level, or its level reduced,
    with the basis (e.g. the list of poor households of the year)."""

    class Category(models.TextChoices):
        POOR = "poor", _("poor household")
        NEAR_POOR = "near_poor", _("near-poor household")
        POLICY = "policy", _("policy household")
        OTHER = "other", _("other difficulty")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="exemptions")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("exemption category"), max_length=10, choices=Category.choices)
    # None: fully exempted; otherwise the reduced level (VND) the household owes.
    reduced_to = models.PositiveBigIntegerField(_("reduced level (VND)"), null=True, blank=True)
    basis = models.CharField(_("basis of the exemption"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "campaign", "household"], name="exemption_one_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.household_id}"
