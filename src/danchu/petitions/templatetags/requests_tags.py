"""Template tags of citizens' requests: the commune menu's entry, only where allowed."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from danchu.accounts.permissions import Action, can

__all__ = ["may_list_requests"]

register = template.Library()


@register.simple_tag(takes_context=True)
def may_list_requests(context: dict[str, Any], commune: Model) -> bool:
    """Whether the person may open the commune's queue of citizens' requests."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return False
    return can(user, Action.PETITION_REQUEST_LIST, commune)
