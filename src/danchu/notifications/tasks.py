"""Background tasks of the outbox: they take ids and only call services."""

from __future__ import annotations

from django.tasks import task

from danchu.notifications import services

__all__ = ["send_outbound"]


@task
def send_outbound(message_id: int) -> str:
    """Send one queued e-mail or SMS; failures are recorded and retried by the service."""
    return services.outbound_send(message_id=message_id)
