"""Mark a commune's roll-ups dirty when a pillar row of it is saved or deleted.

Two receivers, both cheap (a commune is marked once per transaction, see ``rollups.mark_dirty``):

* ``post_save``/``post_delete`` of every model of the pillar apps that has a ``commune_id``
  (they all carry one: the commune key of docs/scaling.md) — this catches rows written without
  an audit entry of their own (votes, opt-ins, signatures);
* ``post_save`` of the audit record (``core.AuditEntry``) when it belongs to a pillar (by its
  object type or action) and names a commune — this catches the services' ``QuerySet.update()``
  and ``bulk_create``, which send no model signals but are always audited.

A write that is neither (raw SQL, a bulk write outside a service) must call
:func:`danchu.reporting.rollups.mark_dirty` itself; ``manage.py rollups --check`` finds any
roll-up that drifted.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as django_apps
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

# The apps whose rows feed the indicators (catalogue._MODULES).
PILLAR_APPS = frozenset(
    {"disclosure", "decisions", "contributions", "petitions", "oversight", "consultation"}
)


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    commune_id = getattr(instance, "commune_id", None)
    if isinstance(commune_id, int):
        from danchu.reporting.rollups import mark_dirty

        mark_dirty(commune_id)


def pillar_models() -> list[type[Model]]:
    """The pillar models that carry a commune (connected one by one: a receiver for every
    model would cost every other model its fast bulk delete)."""
    out = []
    for label in sorted(PILLAR_APPS):
        if not django_apps.is_installed(f"danchu.{label}"):
            continue
        for model in django_apps.get_app_config(label).get_models():
            names = {f.name for f in model._meta.concrete_fields}
            if "commune" in names:
                out.append(model)
    return out


def _audited(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created or not instance.commune_id:
        return
    apps = {str(instance.object_type).split(".", 1)[0], str(instance.action).split(".", 1)[0]}
    if apps & PILLAR_APPS:
        from danchu.reporting.catalogue import UNCOUNTED_ACTIONS
        from danchu.reporting.rollups import mark_dirty

        if instance.action in UNCOUNTED_ACTIONS:
            return
        mark_dirty(instance.commune_id)


def _calendar_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A working-day override changes which reception weeks are owed (a time-dependent figure):
    a commune's own override marks it; a national one makes every commune's roll-ups stale."""
    if kwargs.get("raw"):
        return
    from danchu.reporting.models import RollupStamp
    from danchu.reporting.rollups import EARLIEST, mark_dirty

    if instance.commune_id:
        mark_dirty(instance.commune_id)
    else:
        RollupStamp.objects.update(as_of=EARLIEST)


def _succession_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A former commune given (or taken from) a successor counts elsewhere from now on."""
    if kwargs.get("raw"):
        return
    from danchu.reporting.rollups import mark_dirty

    mark_dirty(instance.predecessor_id)


def connect() -> None:
    from danchu.core.models import AuditEntry, WorkingDayOverride
    from danchu.territory.models import UnitSuccession

    for model in pillar_models():
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"reporting.saved.{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"reporting.deleted.{label}")
    post_save.connect(_audited, sender=AuditEntry, dispatch_uid="reporting.rollups.audited")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            _calendar_changed, sender=WorkingDayOverride, dispatch_uid=f"reporting.cal.{name}"
        )
    post_save.connect(_succession_changed, sender=UnitSuccession, dispatch_uid="reporting.succ.s")
    post_delete.connect(_succession_changed, sender=UnitSuccession, dispatch_uid="reporting.succ.d")
