"""Steering and review data (chỉ đạo, sơ kết, tổng kết).

Sections, one per part of the app: roll-ups of the indicators; review reports; steering plans,
key tasks, emulation rounds and awards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- roll-ups (figures per village and day) ---------------------------------------------
# Facts of the pillars summed per (code, source commune, village, day): ``source`` is the
# commune the rows belong to (a 2025 commune or a former one); ``commune`` and ``province`` are
# where they count since 1 July 2025 (the successor of a former commune and its province),
# denormalised so a province's figures are one indexed GROUP BY. The monthly layer has the same
# keys with the month's first day, so long periods read few rows. A NULL village is unique too:
# two partial unique constraints (one per case) work on SQLite and PostgreSQL alike.


def _figure_constraints(prefix: str, when: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["code", "source", "village", when],
            condition=Q(village__isnull=False),
            name=f"{prefix}_unique_village",
        ),
        models.UniqueConstraint(
            fields=["code", "source", when],
            condition=Q(village__isnull=True),
            name=f"{prefix}_unique_commune",
        ),
    ]


def _figure_indexes(prefix: str, when: str) -> list[models.Index]:
    return [
        models.Index(fields=["province", when, "code"], name=f"{prefix}_province"),
        models.Index(fields=["commune", when, "code"], name=f"{prefix}_commune"),
        models.Index(fields=["source", when], name=f"{prefix}_source"),
        models.Index(fields=["village", when], name=f"{prefix}_village"),
    ]


class DailyFigure(models.Model):
    """The sum of one indicator's facts for one source commune, village and day."""

    code = models.CharField(_("indicator"), max_length=80)
    source = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "territory.Village", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    day = models.DateField(_("day"))
    commune = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = _figure_constraints("dailyfig", "day")
        indexes = _figure_indexes("dailyfig", "day")

    def __str__(self) -> str:
        return f"{self.code} {self.source_id}/{self.village_id} {self.day}: {self.value}"


class MonthlyFigure(models.Model):
    """The daily figures of one calendar month summed (``month`` is its first day)."""

    code = models.CharField(_("indicator"), max_length=80)
    source = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "territory.Village", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("month"))
    commune = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        constraints = _figure_constraints("monthfig", "month")
        indexes = _figure_indexes("monthfig", "month")

    def __str__(self) -> str:
        return f"{self.code} {self.source_id}/{self.village_id} {self.month:%Y-%m}: {self.value}"


class DirtyCommune(models.Model):
    """A commune whose pillar rows changed since its roll-ups were computed.

    One row per marking (never unique): concurrent writers only insert, so they do not wait on
    each other, and a refresh deletes exactly the rows it saw — a marking that arrives while it
    runs stays for the next refresh.
    """

    commune = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commune to refresh")
        verbose_name_plural = _("communes to refresh")
        indexes = [models.Index(fields=["commune"], name="dirtycommune_commune")]

    def __str__(self) -> str:
        return str(self.commune_id)


class ReportedFigure(models.Model):
    """A figure a commune (or a former commune, before danchu) reported for a period, as sent
    up in its Excel sheets: raw data beside the pillars' rows. ``commune`` and ``province`` are
    where it counts since 1 July 2025 (kept by the roll-ups like theirs)."""

    unit = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reporting unit"),
    )
    code = models.CharField(_("indicator"), max_length=80)
    first = models.DateField(_("first day"))
    last = models.DateField(_("last day"))
    value = models.BigIntegerField(_("value"))
    source_file = models.CharField(_("source file"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    batch = models.CharField(_("import batch"), max_length=40, blank=True, db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    commune = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code", "first", "last"], name="reportedfig_unique"
            ),
            models.CheckConstraint(
                condition=Q(first__lte=models.F("last")), name="reportedfig_first_before_last"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "first", "last"], name="reportedfig_province"),
            models.Index(fields=["commune", "first", "last"], name="reportedfig_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.unit_id} {self.first}..{self.last}: {self.value}"


# --- review reports (báo cáo sơ kết, tổng kết) --------------------------------------------


# --- steering plans, key tasks, emulation and awards --------------------------------------
