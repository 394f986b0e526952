"""Template helpers of the oversight pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def vnd(value: int | None) -> str:
    """An exact VND amount grouped by thousands with dots, as Vietnamese writes money
    (1.500.000.000); Django's ``vi`` format does not group."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key)
