"""Who hears about a request, and what they read: the tracking code, never the requester."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse

from danchu.accounts.models import Role, RoleAssignment
from danchu.notifications.strategies import EventStrategy
from danchu.petitions.models import CitizenRequest, RequesterIdentity

__all__ = ["RequestAnswered", "RequestDueSoon"]


class RequestAnswered(EventStrategy):
    """The requester (when they filed signed in) is told of the answer, refusal or forwarding."""

    template = "petition_request_answered"

    def event_key(self, obj: CitizenRequest) -> str:
        return f"petition_request:{obj.pk}:{obj.status}:{obj.reopened_count}"

    def get_recipients(self, obj: CitizenRequest) -> Iterable[Any]:
        row = RequesterIdentity.objects.filter(request=obj).select_related("account").first()
        return [row.account] if row is not None and row.account is not None else []

    def get_context(self, obj: CitizenRequest) -> dict[str, Any]:
        return {"request": obj}

    def get_url(self, obj: CitizenRequest) -> str:
        return reverse("petitions:track", args=[obj.tracking_code])


class RequestDueSoon(EventStrategy):
    """A deadline is near or passed: the handler, or the commune chair when none is assigned."""

    template = "petition_request_due"
    channels = ("in_app", "email")

    def __init__(self, due: date) -> None:
        self.due = due

    def event_key(self, obj: CitizenRequest) -> str:
        return f"petition_request:{obj.pk}:due:{self.due.isoformat()}"

    def get_recipients(self, obj: CitizenRequest) -> Iterable[Any]:
        if obj.handler is not None:
            return [obj.handler]
        chairs = RoleAssignment.objects.active().filter(
            commune_id=obj.commune_id, role=Role.COMMUNE_CHAIR
        )
        return [a.user for a in chairs.select_related("user")]

    def get_context(self, obj: CitizenRequest) -> dict[str, Any]:
        return {"request": obj, "due": self.due}

    def get_url(self, obj: CitizenRequest) -> str:
        return reverse("petitions:bo_detail", args=[obj.pk])
