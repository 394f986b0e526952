"""Template tags of community decisions: the commune menu's entry, only where allowed."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from danchu.accounts.permissions import Action, can

__all__ = ["may_list_matters"]

register = template.Library()


@register.simple_tag(takes_context=True)
def may_list_matters(context: dict[str, Any], commune: Model) -> bool:
    """Whether the person may open the commune's matters (no query: grants are cached on the
    user for the request and the commune's scope is read from its attributes)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return False
    return can(user, Action.MATTER_LIST, commune)
