"""Writes on core tables: the working-day adjustments, national and per commune."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.core import audit
from danchu.core.calendar import WorkingCalendar, calendar_cache_clear
from danchu.core.errors import PermissionDenied, ValidationFailed
from danchu.core.models import WorkingDayOverride

__all__ = ["working_day_override_delete", "working_day_override_set"]

# A person may not rewrite the calendar further back than this: deadlines already counted
# (and stored as ``due_at``) would silently change. The system (CLI, migrations) may backfill.
PAST_DAYS_ALLOWED = 30
# The years any row may fall in (the ``danchu calendar`` command's range): catches typos.
FIRST_YEAR, LAST_YEAR = 1995, 2100


def _require_calendar_manager(actor: Any, commune: Any) -> None:
    # ``actor=None`` is the system itself (a data migration, an operator's CLI command).
    if actor is None:
        return
    if commune is not None:
        from danchu.accounts.permissions import Action, require

        # Another commune → NotFound, own commune without the role → PermissionDenied.
        require(actor, Action.CALENDAR_MANAGE, commune)
        return
    # National rows are the government's decisions: only the operators enter them.
    if not (getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)):
        raise PermissionDenied(
            _("You may not change the working-day calendar."), code="permission_denied"
        )


def _date_errors(*, actor: Any, day: Any) -> list[str]:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        return [_("Enter a valid date.")]
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return [
            _("Choose a date between the years %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        ]
    if actor is None:
        return []
    today = timezone.localdate()
    if day < today - dt.timedelta(days=PAST_DAYS_ALLOWED):
        return [
            _("Dates more than %(days)s days in the past cannot be changed any more.")
            % {"days": PAST_DAYS_ALLOWED}
        ]
    if day.year > today.year + 1:
        return [_("Adjustments can be entered for this year and next year only.")]
    return []


def _validate(*, actor: Any, day: Any, kind: str, name: str, source: str, commune: Any) -> None:
    fields: dict[str, list[str]] = {}
    if commune is not None and getattr(commune, "level", None) != "commune":
        fields["commune"] = [_("Choose a commune-level unit.")]
    date_errors = _date_errors(actor=actor, day=day)
    if date_errors:
        fields["date"] = date_errors
    if kind not in WorkingDayOverride.Kind.values:
        fields["kind"] = [_("Choose “working day” or “day off”.")]
    if not name.strip():
        fields["name"] = [_("Give the reason for the adjustment.")]
    elif len(name) > 200:
        fields["name"] = [_("At most 200 characters.")]
    if len(source) > 200:
        fields["source"] = [_("At most 200 characters.")]
    if fields:
        raise ValidationFailed(_("The adjustment is not valid."), fields=fields)


def _refuse_no_change(*, day: dt.date, kind: str, commune: Any) -> None:
    """A new row must change something: the package's answer (national rows) or the national
    answer (a commune's rows). "Working day" on an ordinary Tuesday is a typo, not a decision."""
    base: dict[dt.date, bool] = {}
    if commune is not None:
        national = WorkingDayOverride.objects.filter(commune__isnull=True, date=day).first()
        if national is not None:
            base[day] = national.kind == WorkingDayOverride.Kind.WORKING_DAY
    working = WorkingCalendar(base).is_working_day(day)
    wanted = kind == WorkingDayOverride.Kind.WORKING_DAY
    if working != wanted:
        return
    shown = day.strftime("%d/%m/%Y")
    message = (
        _("%(date)s is already a working day.") if working else _("%(date)s is already a day off.")
    ) % {"date": shown}
    raise ValidationFailed(message, fields={"kind": [message]})


def _snapshot(row: WorkingDayOverride) -> dict[str, Any]:
    return {
        "date": row.date,
        "kind": row.kind,
        "name": row.name,
        "source": row.source,
        "commune": row.commune_id,
    }


@transaction.atomic
def working_day_override_set(
    *,
    actor: Any,
    date: dt.date,
    kind: str,
    name: str,
    source: str = "",
    commune: Any = None,
) -> WorkingDayOverride:
    """Record that ``date`` is a working day or a day off, whatever the holiday list says
    (the government's yearly swaps of working Saturdays for bridge days).

    ``commune`` None: a national row (superusers and the system only). Otherwise that
    commune's row, which wins over the national one; it needs ``calendar.manage`` there.
    """
    _require_calendar_manager(actor, commune)
    _validate(actor=actor, day=date, kind=kind, name=name, source=source, commune=commune)
    commune_id = commune.pk if commune is not None else None
    row = (
        WorkingDayOverride.objects.select_for_update()
        .filter(date=date, commune_id=commune_id)
        .first()
    )
    before = _snapshot(row) if row else None
    if row is None:
        # Changing an existing row may set it back to the default: that is how it is undone.
        _refuse_no_change(day=date, kind=kind, commune=commune)
        row = WorkingDayOverride(date=date, commune_id=commune_id)
    row.kind, row.name, row.source = kind, name.strip(), source.strip()
    row.save()
    audit.record(
        actor=actor,
        action="working_day_override.set",
        obj=row,
        commune_id=commune_id,
        before=before,
        after=_snapshot(row),
    )
    _clear_cache()
    return row


@transaction.atomic
def working_day_override_delete(*, actor: Any, override: WorkingDayOverride) -> None:
    """Remove an adjustment; the day follows the national calendar (or the holiday list)."""
    _require_calendar_manager(actor, override.commune)
    date_errors = _date_errors(actor=actor, day=override.date)
    if date_errors:
        raise ValidationFailed(_("The adjustment is not valid."), fields={"date": date_errors})
    before = _snapshot(override)
    pk, commune_id = override.pk, override.commune_id
    override.delete()
    audit.record(
        actor=actor,
        action="working_day_override.delete",
        object_type="core.workingdayoverride",
        object_id=pk,
        commune_id=commune_id,
        before=before,
    )
    _clear_cache()


def _clear_cache() -> None:
    # Clear now and again after commit, so neither this transaction nor the next reader
    # computes a deadline from the old calendar.
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)
