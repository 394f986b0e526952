"""Core models: the audit trail (nhật ký thay đổi) and the working-day calendar overrides."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AuditEntry", "WorkingDayOverride"]


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("The audit trail is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The audit trail is append-only")


class AuditEntry(models.Model):
    """One change made through the platform: who, when, what, before and after.

    Append-only (refused here and by database triggers) and hash-chained: ``entry_hash`` is
    SHA-256 over the previous entry's hash and this entry's canonical content, so any edit,
    deletion or reordering breaks the chain at a point ``danchu verify-audit`` names.
    Personal data (citizen IDs, phones, a denouncer's identity) never enters ``before``/``after``.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    actor_label = models.CharField(_("actor name"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    commune_id = models.BigIntegerField(_("commune"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip = models.CharField(_("from address"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The audit trail is append-only")


class WorkingDayOverride(models.Model):
    """A government adjustment of the calendar for one date (điều chỉnh ngày làm việc).

    ``working_day``: a Saturday or Sunday worked in exchange for a bridge day off (e.g.
    Saturday 2026-08-22 worked for Monday 2026-08-31). ``day_off``: an extra day off that the
    ``holidays`` package does not know. ``commune`` empty: national (the government decides
    these every year; set by the CLI or a superuser). ``commune`` set: an adjustment the
    commune applies on top (e.g. the province's own decision); it wins over the national row
    for that date, which wins over the package.
    """

    class Kind(models.TextChoices):
        WORKING_DAY = "working_day", _("working day")
        DAY_OFF = "day_off", _("day off")

    # A string reference: core sits below territory and must not import it.
    commune = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_day_overrides",
        verbose_name=_("commune"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("legal source"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("working-day adjustment")
        verbose_name_plural = _("working-day adjustments")
        constraints = [
            # One national row per date, and one row per date in each commune.
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(commune__isnull=True),
                name="wdo_national_date_unique",
            ),
            models.UniqueConstraint(
                fields=["commune", "date"],
                condition=models.Q(commune__isnull=False),
                name="wdo_commune_date_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
