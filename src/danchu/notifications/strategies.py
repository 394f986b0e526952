"""One strategy per event (adhocracy+'s ``apps/notifications/strategies``).

A pillar subclasses :class:`EventStrategy` for each event people must hear about and its
service calls ``Strategy().send(obj)`` after the change (never a signal):

    class ComplaintAccepted(EventStrategy):
        template = "petitions/complaint_accepted"

        def event_key(self, obj):
            return f"complaint:{obj.pk}:accepted"

        def get_recipients(self, obj):
            return [obj.complainant_account]

Preferences and idempotence are applied by :func:`~danchu.notifications.services.notify`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from danchu.notifications.services import NotifyResult, notify

__all__ = ["EventStrategy"]


class EventStrategy:
    """Who hears about an event on ``obj``, and what they read."""

    template: ClassVar[str] = "generic"
    # None: every channel the person allows; otherwise a subset such as ("in_app",).
    channels: ClassVar[tuple[str, ...] | None] = None

    def event_key(self, obj: Any) -> str:
        raise NotImplementedError

    def get_recipients(self, obj: Any) -> Iterable[Any]:
        raise NotImplementedError

    def get_context(self, obj: Any) -> dict[str, Any]:
        return {"object": obj}

    def get_url(self, obj: Any) -> str:
        return ""

    def get_commune(self, obj: Any) -> Any:
        return getattr(obj, "commune", None)

    def send(self, obj: Any) -> NotifyResult:
        return notify(
            event_key=self.event_key(obj),
            recipients=self.get_recipients(obj),
            template=self.template,
            context=self.get_context(obj),
            channels=self.channels,
            commune=self.get_commune(obj),
            url=self.get_url(obj),
        )
