"""Template tag for the commune menu: the working-day calendar entry, only where allowed."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from danchu.accounts.permissions import Action, can

__all__ = ["can_view_calendar"]

register = template.Library()


@register.simple_tag(takes_context=True)
def can_view_calendar(context: dict[str, Any], commune: Model) -> bool:
    """Whether the person may open this commune's calendar page (no query: grants are cached
    on the user for the request and the commune's scope is read from its attributes)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(user is not None and can(user, Action.BACKOFFICE_ENTER, commune))
