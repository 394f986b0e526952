"""Background work of the territory app: tasks only call services and take ids (HackSoft)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

__all__ = ["import_households_task"]


@task
def import_households_task(import_id: int) -> dict[str, Any]:
    """Process an uploaded household file (queued by ``household_import_start``).

    Runs as the person who uploaded it, so the permission is checked again here.
    """
    from danchu.territory.imports import household_import_process
    from danchu.territory.models import HouseholdImport

    household_import = HouseholdImport.objects.select_related("commune", "uploaded_by").get(
        pk=import_id
    )
    if household_import.status != HouseholdImport.Status.PENDING:
        return {"status": household_import.status}  # already processed: a retried task is a no-op
    result = household_import_process(
        actor=household_import.uploaded_by, household_import=household_import
    )
    return {"status": result.status, "summary": result.summary}
