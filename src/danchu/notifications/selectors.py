"""Reads of the outbox: a person sees only their own notices."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from danchu.notifications.models import Notification

__all__ = ["notice_for", "notices_for", "unread_count", "unread_for"]


def _own(user: Any) -> QuerySet[Notification]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def unread_for(user: Any) -> QuerySet[Notification]:
    """The person's unread notices, newest first."""
    return _own(user).filter(read_at__isnull=True)


def unread_count(user: Any) -> int:
    return unread_for(user).count()


def notices_for(user: Any, limit: int = 50) -> list[Notification]:
    """The person's latest notices, read or not, newest first."""
    return list(_own(user)[: max(0, min(limit, 500))])


def notice_for(user: Any, notice_id: int) -> Notification | None:
    """One of the person's notices by id; None for someone else's or a missing one (→ 404)."""
    return _own(user).filter(pk=notice_id).first()
