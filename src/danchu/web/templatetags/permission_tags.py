"""``{% may "action.name" obj as flag %}``: whether the person may do an action on an object.

Menus show a link only to those the page will let in; the page itself still asks the
permission layer (``danchu.accounts.permissions``), so a hidden link is never the only guard.
"""

from typing import Any

from django import template
from django.db.models import Model

from danchu.accounts.permissions import Action, can

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: dict[str, Any], action: str, obj: Model) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return False
    return can(user, Action(action), obj)
