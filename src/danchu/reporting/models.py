"""Steering and review data (chỉ đạo, sơ kết, tổng kết).

Sections, one per part of the app: roll-ups of the indicators; review reports; steering plans,
key tasks, emulation rounds and awards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- roll-ups (figures per village and day) ---------------------------------------------


# --- review reports (báo cáo sơ kết, tổng kết) --------------------------------------------


class ReviewReport(models.Model):
    """A review report (báo cáo sơ kết / tổng kết) of a commune or a province for a period.

    A draft keeps the figures computed when it was created or last refreshed (``snapshot``)
    and the narrative the officials write. Issuing numbers it (``Số: 05/BC-UBND``, per issuer
    and calendar year, NĐ 30/2020 Art. 15) and freezes it: figures, text, key tasks and awards
    no longer change when the underlying data does.
    """

    class Kind(models.TextChoices):
        HALF_YEAR = "half_year", _("half-year review")
        ANNUAL = "annual", _("annual review")
        FIVE_YEAR = "five_year", _("five-year review")
        OTHER = "other", _("other review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")

    # The unit reviewed (a 2025 commune or a province); its People's Committee issues it.
    unit = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("unit"),
    )  # fmt: skip
    # Scope keys for the permission layer: a commune's report has both, a province's only
    # the province.
    commune = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    province = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(_("kind of review"), max_length=20, choices=Kind.choices)
    period_kind = models.CharField(_("kind of period"), max_length=10)
    period_first = models.DateField(_("first day of the period"))
    period_last = models.DateField(_("last day of the period"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    issuer_name = models.CharField(_("issuing body"), max_length=200)
    parent_body = models.CharField(_("parent body"), max_length=200, blank=True)
    symbol = models.CharField(_("symbol"), max_length=30, default="BC-UBND")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(_("year of the number"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    results = models.TextField(_("results"), blank=True)
    limitations = models.TextField(_("limitations and causes"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    next_tasks = models.TextField(_("tasks and solutions for the next period"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True)
    signer_authority = models.CharField(_("signing authority"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    snapshot = models.JSONField(_("figures"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures computed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        constraints = [
            # NĐ 30/2020 Art. 15: one number per issuer per calendar year.
            models.UniqueConstraint(
                fields=["unit", "number_year", "number"],
                condition=models.Q(number__isnull=False),
                name="review_unique_number",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(
                    number__isnull=False, number_year__isnull=False, issued_on__isnull=False
                ),
                name="review_issued_has_number",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=models.Q(period_last__gte=models.F("period_first")),
                name="review_period_order",
            ),
        ]
        indexes = [models.Index(fields=["unit", "-period_last"], name="review_unit_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def reference(self) -> str:
        """``05/BC-UBND`` once issued (numbers below 10 get a leading zero, NĐ 30/2020 Annex
        I); blank before."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.symbol}"


class ReviewNumberCounter(models.Model):
    """The last number given to a review of one issuer in one year. Issuing locks this row
    (``select_for_update``), so numbers are gap-free and never given twice."""

    unit = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)
    last_issued_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="review_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


# --- steering plans, key tasks, emulation and awards --------------------------------------
