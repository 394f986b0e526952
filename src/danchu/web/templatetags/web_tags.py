"""Template tags for the web shell: menu entries that depend on the person's roles."""

from __future__ import annotations

from typing import Any

from django import template

from danchu.accounts.permissions import Action, can_anywhere

__all__ = ["can_enter_backoffice"]

register = template.Library()


@register.simple_tag(takes_context=True)
def can_enter_backoffice(context: dict[str, Any]) -> bool:
    """Show the back-office link only to people with a role that may enter it somewhere."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(user is not None and can_anywhere(user, Action.BACKOFFICE_ENTER))
