"""Writes on core tables: the government's working-day adjustments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from danchu.core import audit
from danchu.core.calendar import calendar_cache_clear
from danchu.core.errors import PermissionDenied, ValidationFailed
from danchu.core.models import WorkingDayOverride

__all__ = ["working_day_override_delete", "working_day_override_set"]


def _require_calendar_manager(actor: Any) -> None:
    # ``actor=None`` is the system itself (a data migration, an operator's CLI command).
    if actor is None:
        return
    from danchu.accounts.permissions import Action, can_anywhere

    if not can_anywhere(actor, Action.CALENDAR_MANAGE):
        raise PermissionDenied(
            _("You may not change the working-day calendar."), code="permission_denied"
        )


def _validate(*, kind: str, name: str) -> None:
    fields: dict[str, list[str]] = {}
    if kind not in WorkingDayOverride.Kind.values:
        fields["kind"] = [_("Choose “working day” or “day off”.")]
    if not name.strip():
        fields["name"] = [_("Give the reason for the adjustment.")]
    elif len(name) > 200:
        fields["name"] = [_("At most 200 characters.")]
    if fields:
        raise ValidationFailed(_("The adjustment is not valid."), fields=fields)


def _snapshot(row: WorkingDayOverride) -> dict[str, Any]:
    return {"date": row.date, "kind": row.kind, "name": row.name, "source": row.source}


@transaction.atomic
def working_day_override_set(
    *, actor: Any, date: date, kind: str, name: str, source: str = ""
) -> WorkingDayOverride:
    """Record that ``date`` is a working day or a day off, whatever the holiday list says
    (the government's yearly swaps of working Saturdays for bridge days)."""
    _require_calendar_manager(actor)
    _validate(kind=kind, name=name)
    if len(source) > 200:
        raise ValidationFailed(
            _("The adjustment is not valid."), fields={"source": [_("At most 200 characters.")]}
        )
    row = WorkingDayOverride.objects.select_for_update().filter(date=date).first()
    before = _snapshot(row) if row else None
    if row is None:
        row = WorkingDayOverride(date=date)
    row.kind, row.name, row.source = kind, name.strip(), source.strip()
    row.save()
    audit.record(
        actor=actor,
        action="working_day_override.set",
        obj=row,
        before=before,
        after=_snapshot(row),
    )
    # Clear now and again after commit, so neither this transaction nor the next reader
    # computes a deadline from the old calendar.
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)
    return row


@transaction.atomic
def working_day_override_delete(*, actor: Any, override: WorkingDayOverride) -> None:
    """Remove an adjustment; the day follows the holiday list again."""
    _require_calendar_manager(actor)
    before = _snapshot(override)
    pk = override.pk
    override.delete()
    audit.record(
        actor=actor,
        action="working_day_override.delete",
        object_type="core.workingdayoverride",
        object_id=pk,
        before=before,
    )
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)
