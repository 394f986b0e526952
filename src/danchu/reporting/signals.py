"""Mark a commune's roll-ups dirty when a pillar row of it is saved or deleted.

Receivers on ``post_save``/``post_delete`` of every model of the pillar apps that has a
``commune_id`` (they all carry one: the commune key of docs/scaling.md). Chosen over a receiver
on the audit record because some pillar rows are written without an audit entry of their own
(votes, opt-ins, signatures) and an audit entry does not say whether a fact changed.
``QuerySet.update()`` and ``bulk_create`` send no signals: a service that uses them on rows that
feed indicators calls :func:`danchu.reporting.rollups.mark_dirty` itself, and ``manage.py
rollups --check`` finds any roll-up that drifted.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

# The apps whose rows feed the indicators (catalogue._MODULES).
PILLAR_APPS = frozenset(
    {"disclosure", "decisions", "contributions", "petitions", "oversight", "consultation"}
)


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if sender._meta.app_label not in PILLAR_APPS or kwargs.get("raw"):
        return
    commune_id = getattr(instance, "commune_id", None)
    if isinstance(commune_id, int):
        from danchu.reporting.rollups import mark_dirty

        mark_dirty(commune_id)


def _succession_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A former commune given (or taken from) a successor counts elsewhere from now on."""
    if kwargs.get("raw"):
        return
    from danchu.reporting.rollups import mark_dirty

    mark_dirty(instance.predecessor_id)


def connect() -> None:
    from danchu.territory.models import UnitSuccession

    post_save.connect(_changed, dispatch_uid="reporting.rollups.saved")
    post_delete.connect(_changed, dispatch_uid="reporting.rollups.deleted")
    post_save.connect(_succession_changed, sender=UnitSuccession, dispatch_uid="reporting.succ.s")
    post_delete.connect(_succession_changed, sender=UnitSuccession, dispatch_uid="reporting.succ.d")
