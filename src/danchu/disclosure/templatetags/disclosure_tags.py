"""Template tags of the disclosure register: the commune menu's entries, only where allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import Model

from danchu.accounts.permissions import Action, can

__all__ = ["DisclosureMenu", "disclosure_menu"]

register = template.Library()


@dataclass(frozen=True)
class DisclosureMenu:
    disclosures: bool  # the register (disclosure.list)
    requests: bool  # residents' information requests (info_request.list)


@register.simple_tag(takes_context=True)
def disclosure_menu(context: dict[str, Any], commune: Model) -> DisclosureMenu:
    """Which disclosure pages of this commune the person may open (no query: grants are cached
    on the user for the request and the commune's scope is read from its attributes)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return DisclosureMenu(False, False)
    return DisclosureMenu(
        disclosures=can(user, Action.DISCLOSURE_LIST, commune),
        requests=can(user, Action.INFO_REQUEST_LIST, commune),
    )
