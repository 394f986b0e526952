"""Background work of the reporting app: tasks only call services and take ids (HackSoft)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

__all__ = ["refresh_dirty_task"]


@task
def refresh_dirty_task() -> dict[str, Any]:
    """Refresh the roll-ups of every commune marked dirty (queued after pillar writes)."""
    from danchu.reporting.rollups import refresh_dirty

    return {"communes": len(refresh_dirty())}
