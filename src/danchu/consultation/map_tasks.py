"""Background recompute of a consultation's opinion map (django.tasks; the worker runs it)."""

from __future__ import annotations

from django.tasks import task

from danchu.consultation.models import Consultation


@task
def recompute_map(consultation_id: int) -> None:
    from danchu.consultation.map_services import map_recompute

    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is not None:
        map_recompute(consultation=consultation)
